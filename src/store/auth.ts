/**
 * Users, sessions and API tokens, and the audit log. Passwords are hashed with
 * argon2id; tokens are random 256-bit values of which only a SHA-256 is stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sql, type Kysely, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import type { Principal, Role } from '../domain/auth/index.ts';
import { fail } from '../domain/shared/index.ts';
import { jsonRecordset } from './json-rows.ts';
import type { DB, UsersTable } from './tables.ts';

type Db = Kysely<DB>;

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  nodeIds: string[];
  disabled: boolean;
  createdAt: string;
}

const SESSION_HOURS = 12;

function rowToUser(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    nodeIds: r.node_ids ?? [],
    disabled: r.disabled,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createUser(
  db: Db,
  input: { username: string; password: string; role: Role; nodeIds?: string[]; displayName?: string },
  now: Date,
): Promise<User> {
  const exists = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (exists) fail({ code: 'duplicate', message: `user ${input.username} already exists`, field: 'username', expected: 'a new username', actual: input.username });
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      username: input.username,
      display_name: input.displayName ?? input.username,
      password_hash: await hash(input.password),
      role: input.role,
      node_ids: input.nodeIds ?? [],
      created_at: now,
    })
    .execute();
  return rowToUser(await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(rowToUser);
}

export async function countUsers(db: Db): Promise<number> {
  return Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
}

/**
 * Changes a user. A new password ends every session of the user except
 * `keepTokenHash` (the one making the change, when it is their own); disabling
 * a user ends all their sessions and API tokens.
 */
export async function updateUser(
  db: Db,
  id: string,
  patch: { role?: Role; nodeIds?: string[]; disabled?: boolean; password?: string },
  now: Date = new Date(),
  keepTokenHash: string | null = null,
): Promise<User> {
  const row: Updateable<UsersTable> = {};
  if (patch.role) row.role = patch.role;
  if (patch.nodeIds) row.node_ids = patch.nodeIds;
  if (patch.disabled !== undefined) row.disabled = patch.disabled;
  if (patch.password) row.password_hash = await hash(patch.password);
  const r = await db.updateTable('users').set(row).where('id', '=', id).returningAll().executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `user ${id} does not exist`, field: 'id', expected: 'an existing user id', actual: id });
  if (patch.disabled) await db.updateTable('auth_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
  else if (patch.password) {
    let q = db.updateTable('auth_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('kind', '=', 'session').where('revoked_at', 'is', null);
    if (keepTokenHash) q = q.where('token_hash', '<>', keepTokenHash);
    await q.execute();
  }
  return rowToUser(r);
}

/** Checks a username and password; on success issues a session token. */
export async function login(db: Db, username: string, password: string, now: Date): Promise<{ token: string; user: User; expiresAt: string } | null> {
  const r = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!r || r.disabled) {
    // Spend the same time as a real check so timing does not tell which usernames exist.
    await verify('$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy', password).catch(() => false);
    return null;
  }
  if (!(await verify(r.password_hash, password))) return null;
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const token = await issueToken(db, r.id, 'session', 'web session', now, expiresAt);
  return { token, user: rowToUser(r), expiresAt: expiresAt.toISOString() };
}

export async function issueToken(db: Db, userId: string, kind: 'session' | 'api', name: string, now: Date, expiresAt: Date | null): Promise<string> {
  const token = `bg_${randomBytes(32).toString('base64url')}`;
  await db.insertInto('auth_tokens').values({ token_hash: tokenHash(token), user_id: userId, kind, name, created_at: now, expires_at: expiresAt }).execute();
  return token;
}

/** API tokens expire after this many days unless the issuer asks for fewer or more. */
export const DEFAULT_API_TOKEN_DAYS = 90;

export interface TokenInfo {
  /** The first 16 hex digits of the token's hash: names the token without revealing it. */
  id: string;
  userId: string;
  username: string;
  kind: 'session' | 'api';
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export async function listTokens(db: Db, filter: { userId?: string; kind?: 'session' | 'api'; includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
  let q = db
    .selectFrom('auth_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.token_hash', 't.user_id', 'u.username', 't.kind', 't.name', 't.created_at', 't.expires_at', 't.revoked_at']);
  if (filter.userId) q = q.where('t.user_id', '=', filter.userId);
  if (filter.kind) q = q.where('t.kind', '=', filter.kind);
  if (!filter.includeRevoked) q = q.where('t.revoked_at', 'is', null);
  const rows = await q.orderBy('t.created_at', 'desc').limit(10_000).execute();
  const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
  return rows.map((r) => ({
    id: r.token_hash.slice(0, 16),
    userId: r.user_id,
    username: r.username,
    kind: r.kind as TokenInfo['kind'],
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
  }));
}

/** Revokes the token whose id (hash prefix) is given; false when there is none. */
export async function revokeTokenById(db: Db, id: string, now: Date): Promise<TokenInfo | null> {
  if (!/^[0-9a-f]{16}$/.test(id)) return null;
  const r = await db.selectFrom('auth_tokens').select('token_hash').where(sql`substr(token_hash, 1, 16)`, '=', id).executeTakeFirst();
  if (!r) return null;
  await db.updateTable('auth_tokens').set({ revoked_at: now }).where('token_hash', '=', r.token_hash).where('revoked_at', 'is', null).execute();
  return (await listTokens(db, { includeRevoked: true })).find((t) => t.id === id) ?? null;
}

export async function revokeToken(db: Db, token: string, now: Date): Promise<void> {
  await db.updateTable('auth_tokens').set({ revoked_at: now }).where('token_hash', '=', tokenHash(token)).execute();
}

export async function principalForToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const t = await tokenPrincipal(db, token);
  if (!t) return null;
  if (t.expiresAtMs !== null && t.expiresAtMs <= now.getTime()) return null;
  return t.principal;
}

/** Who a token signs in, and until when (null: no expiry); null for a token unknown, revoked or of a disabled user. */
export async function tokenPrincipal(db: Db, token: string): Promise<{ principal: Principal; expiresAtMs: number | null } | null> {
  const r = await db
    .selectFrom('auth_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.username', 'u.role', 'u.node_ids', 'u.disabled', 't.expires_at', 't.revoked_at'])
    .where('t.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!r || r.disabled || r.revoked_at) return null;
  return { principal: { userId: r.id, username: r.username, role: r.role as Role, nodeIds: r.node_ids ?? [] }, expiresAtMs: r.expires_at ? new Date(r.expires_at).getTime() : null };
}

export interface AuditEntry {
  at: Date;
  userId: string | null;
  username: string;
  role: string;
  method: string;
  route: string;
  url: string;
  requestId: string;
  statusCode: number;
  reason: string;
  params: unknown;
  before: unknown;
  after: unknown;
  ip: string;
}

export async function appendAudit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at,
      user_id: e.userId,
      username: e.username,
      role: e.role,
      method: e.method,
      route: e.route,
      url: e.url.slice(0, 2000),
      request_id: e.requestId,
      status_code: e.statusCode,
      reason: e.reason.slice(0, 1000),
      params: JSON.stringify(e.params ?? null),
      before: JSON.stringify(e.before ?? null),
      after: JSON.stringify(truncate(e.after)),
      ip: e.ip,
    })
    .execute();
}

/** Many audit rows in one statement (the order batcher audits a whole batch inside its transaction). */
export async function appendAudits(db: Db, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(entries.map((e) => ({
      at: e.at, user_id: e.userId, username: e.username, role: e.role, method: e.method, route: e.route, url: e.url.slice(0, 2000),
      request_id: e.requestId, status_code: e.statusCode, reason: e.reason.slice(0, 1000), params: JSON.stringify(e.params ?? null),
      before: JSON.stringify(e.before ?? null), after: JSON.stringify(truncate(e.after)), ip: e.ip,
    })))
    .execute();
}

/** `appendAudits` as a common table expression (`aud`) for a larger statement (the order batcher writes a batch in one round trip); null when there is nothing to audit. */
export function appendAuditsPart(entries: AuditEntry[]): RawBuilder<unknown> | null {
  if (entries.length === 0) return null;
  // One JSON parameter for every row (`jsonRecordset`), not one array per column; the JSON
  // columns keep their value as JSON text (a JSON null stays a JSON null, not SQL NULL).
  const json = (v: unknown) => JSON.stringify(v ?? null);
  const rows = entries.map((e) => ({
    at: e.at.toISOString(), u: e.userId, un: e.username, r: e.role, m: e.method, rt: e.route, url: e.url.slice(0, 2000), rq: e.requestId, sc: e.statusCode,
    rs: e.reason.slice(0, 1000), p: json(e.params), b: json(e.before), a: json(truncate(e.after)), ip: e.ip,
  }));
  return sql`
    aud AS (
      INSERT INTO audit_log (at, user_id, username, role, method, route, url, request_id, status_code, reason, params, before, after, ip)
      SELECT at, u, un, r, m, rt, url, rq, sc, rs, p::jsonb, b::jsonb, a::jsonb, ip
      FROM ${jsonRecordset(rows, 't', 'at timestamptz, u text, un text, r text, m text, rt text, url text, rq text, sc int, rs text, p text, b text, a text, ip text')}
      RETURNING 1
    )`;
}

/** Keeps audit rows readable: very large bodies (imports) are summarised. */
function truncate(v: unknown): unknown {
  const s = JSON.stringify(v ?? null);
  if (s.length <= 20_000) return v ?? null;
  return { truncated: true, bytes: s.length, head: s.slice(0, 2000) };
}

export interface AuditFilter {
  username?: string;
  route?: string;
  /** Requests whose URL starts with this (e.g. one incident's routes). */
  urlPrefix?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

/** One audit log row as the API shows it: the entry as appended, with its id and the time as ISO text. */
export type AuditRow = Omit<AuditEntry, 'at' | 'userId'> & { id: number; at: string };

export async function queryAudit(db: Db, f: AuditFilter = {}): Promise<{ entries: AuditRow[]; total: number }> {
  let q = db.selectFrom('audit_log');
  if (f.username) q = q.where('username', '=', f.username);
  if (f.route) q = q.where('route', 'like', `%${f.route}%`);
  if (f.urlPrefix) q = q.where('url', 'like', `${f.urlPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.since) q = q.where('at', '>=', new Date(f.since));
  if (f.until) q = q.where('at', '<', new Date(f.until));
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q.selectAll().orderBy('id', 'desc').limit(f.limit ?? 100).offset(f.offset ?? 0).execute();
  return {
    total,
    entries: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      username: r.username,
      role: r.role,
      method: r.method,
      route: r.route,
      url: r.url,
      requestId: r.request_id,
      statusCode: r.status_code,
      reason: r.reason,
      params: r.params,
      before: r.before,
      after: r.after,
      ip: r.ip,
    })),
  };
}
