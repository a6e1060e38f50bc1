/** Idempotent writes: a write keyed by its Idempotency-Key header runs once; a retry replays the stored answer. */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../domain/shared/index.ts';
import { appendAudit } from '../store/auth.ts';
import { auditEntry } from './auth.ts';
import type { DB } from '../store/tables.ts';

export interface WriteResult<T = unknown> {
  status: number;
  body: T;
}

/**
 * Runs a write in one transaction, keyed by the request's `Idempotency-Key`
 * header. The first request with a key runs `fn` and stores its answer in the same
 * transaction; a retry with the same key and the same request gets the stored
 * answer back without running `fn` again (header `Idempotent-Replay: true`); the
 * same key with a different request is refused. A concurrent duplicate waits on
 * the key's row lock until the first one commits. Errors roll everything back, so
 * a failed request may be retried with the same key.
 */
export async function withIdempotency<T>(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  fn: (trx: Transaction<DB>) => Promise<WriteResult<T>>,
): Promise<T> {
  const key = headerKey(request);
  // Every write is audited in its own transaction: if it commits, so does its audit row.
  const audited = async (trx: Transaction<DB>): Promise<WriteResult<T>> => {
    const out = await fn(trx);
    if (out.status < 400) {
      await appendAudit(trx, auditEntry(request, out.status, out.body, new Date()));
      request.audited = true;
    }
    return out;
  };
  const result = await db.transaction().execute(async (trx) => {
    if (!key) return { replay: false, ...(await audited(trx)) };
    const scope = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const hash = createHash('sha256').update(request.url).update('\0').update(JSON.stringify(request.body ?? null)).digest('hex');
    const inserted = await sql<{ key: string }>`
      INSERT INTO idempotency_keys (key, scope, request_hash, status_code, response)
      VALUES (${key}, ${scope}, ${hash}, 0, '{}'::jsonb)
      ON CONFLICT (scope, key) DO NOTHING
      RETURNING key`.execute(trx);
    if (inserted.rows.length === 0) {
      const prior = await trx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
      if (prior.request_hash !== hash) {
        fail({ code: 'conflict', message: 'this Idempotency-Key was already used for a different request', field: 'Idempotency-Key', expected: 'a new key for a new request', actual: key });
      }
      request.audited = true; // the first request was audited; a replay changes nothing
      return { replay: true, status: prior.status_code as number, body: prior.response as T };
    }
    const out = await audited(trx);
    await trx
      .updateTable('idempotency_keys')
      .set({ status_code: out.status, response: JSON.stringify(out.body ?? null) })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
    return { replay: false, ...out };
  });
  if (result.replay) reply.header('idempotent-replay', 'true');
  reply.status(result.status);
  return result.body;
}

function headerKey(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') return null;
  if (key.length > 200) fail({ code: 'validation_failed', message: 'Idempotency-Key is too long', field: 'Idempotency-Key', expected: 'at most 200 characters', actual: `${key.length} characters` });
  return key;
}

export const IdempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 200, description: 'retry-safe key: a repeated request with the same key is applied once' } },
} as const;

/**
 * Idempotency for a write that manages its own transactions (the incident apply,
 * a chain of steps with compensations): the key is claimed first in a short
 * transaction, `fn` runs, and its answer is stored under the key. A retry with the
 * same key gets the stored answer (header `Idempotent-Replay: true`) without
 * running `fn`; one arriving while the first still runs is refused (409); a failed
 * run releases the key so it can be retried. The audit row is written with the
 * stored answer.
 */
export async function withIdempotentReplay<T>(db: Kysely<DB>, request: FastifyRequest, reply: FastifyReply, fn: () => Promise<WriteResult<T>>): Promise<T> {
  const key = headerKey(request);
  if (!key) {
    const out = await fn();
    reply.status(out.status);
    return out.body;
  }
  const scope = `${request.method} ${request.routeOptions.url ?? request.url}`;
  const hash = createHash('sha256').update(request.url).update('\0').update(JSON.stringify(request.body ?? null)).digest('hex');
  const prior = await db.transaction().execute(async (trx) => {
    const inserted = await sql<{ key: string }>`
      INSERT INTO idempotency_keys (key, scope, request_hash, status_code, response)
      VALUES (${key}, ${scope}, ${hash}, 0, '{}'::jsonb)
      ON CONFLICT (scope, key) DO NOTHING
      RETURNING key`.execute(trx);
    if (inserted.rows.length > 0) return null;
    return trx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  });
  if (prior) {
    if (prior.request_hash !== hash) fail({ code: 'conflict', message: 'this Idempotency-Key was already used for a different request', field: 'Idempotency-Key', expected: 'a new key for a new request', actual: key });
    if (prior.status_code === 0) fail({ code: 'conflict', message: 'a request with this Idempotency-Key is still running; retry when it has finished', field: 'Idempotency-Key', expected: 'a finished request', actual: key });
    request.audited = true;
    reply.header('idempotent-replay', 'true');
    reply.status(prior.status_code as number);
    return prior.response as T;
  }
  let out: WriteResult<T>;
  try {
    out = await fn();
  } catch (e) {
    await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
    throw e;
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('idempotency_keys').set({ status_code: out.status, response: JSON.stringify(out.body ?? null) }).where('scope', '=', scope).where('key', '=', key).execute();
    if (out.status < 400) {
      await appendAudit(trx, auditEntry(request, out.status, out.body, new Date()));
      request.audited = true;
    }
  });
  reply.status(out.status);
  return out.body;
}
