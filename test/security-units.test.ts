import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, fillDataFolder, usingPostgres, type TestDb } from './support/app.ts';
import { installErrorHandler } from '../src/api/errors.ts';
import { withIdempotentReplay } from '../src/api/idempotency.ts';
import { openService } from '../src/app.ts';
import { neutraliseCell } from '../src/api/tabular.ts';
import { parseJsonBody } from '../src/api/hardening.ts';

/** Issue 14's smaller holes that need no full app: idempotent replay, the first admin's password, CSV cells, JSON parsing. */
describe('withIdempotentReplay (the incident apply’s Idempotency-Key)', () => {
  let tdb: TestDb;
  let app: FastifyInstance;
  let runs = 0;
  let fail = false;
  beforeAll(async () => {
    tdb = await createTestDb();
    app = Fastify();
    installErrorHandler(app);
    app.post('/apply', async (req, reply) =>
      withIdempotentReplay(tdb.db, req, reply, async () => {
        runs += 1;
        if (fail) throw new Error('step failed');
        return { status: 200, body: { run: runs } };
      }),
    );
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await tdb?.close();
  });
  const apply = (key: string, payload: unknown = {}) => app.inject({ method: 'POST', url: '/apply', payload: payload as any, headers: { 'idempotency-key': key } });

  it('runs once per key and replays the first answer', async () => {
    const first = await apply('k1');
    const again = await apply('k1');
    expect(first.json()).toEqual({ run: 1 });
    expect(again.json()).toEqual({ run: 1 });
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(runs).toBe(1);
  });
  it('refuses the same key for a different request', async () => {
    expect((await apply('k1', { other: true })).statusCode).toBe(409);
  });
  it('releases the key when the run fails, so a retry runs again', async () => {
    fail = true;
    expect((await apply('k2')).statusCode).toBe(500);
    fail = false;
    const retry = await apply('k2');
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replay']).toBeUndefined();
  });
});

describe.skipIf(usingPostgres())('the first admin’s password', () => {
  it('is never logged: a generated one is shown once outside the log, one from the environment not at all', async () => {
    for (const fromEnv of [undefined, 'env-secret-password']) {
      const dir = mkdtempSync(path.join(tmpdir(), 'bg-admin-'));
      // A migrated database with no user yet (a copy of the template: no initdb, no migrations).
      await fillDataFolder(dir);
      const logged: string[] = [];
      const shown: string[] = [];
      const saved = process.env.BAOGONG_ADMIN_PASSWORD;
      if (fromEnv) process.env.BAOGONG_ADMIN_PASSWORD = fromEnv;
      else delete process.env.BAOGONG_ADMIN_PASSWORD;
      try {
        const s = await openService({ dataDir: dir, demo: false, auth: true, log: (m) => logged.push(m), showSecret: (t) => shown.push(t) });
        await s.close();
      } finally {
        if (saved === undefined) delete process.env.BAOGONG_ADMIN_PASSWORD;
        else process.env.BAOGONG_ADMIN_PASSWORD = saved;
        rmSync(dir, { recursive: true, force: true });
      }
      if (fromEnv) {
        expect(shown).toEqual([]);
        expect(logged.join('\n')).not.toContain(fromEnv);
      } else {
        expect(shown).toHaveLength(1);
        const password = shown[0].match(/password: (\S+)/)![1];
        expect(password.length).toBeGreaterThanOrEqual(12);
        expect(logged.join('\n')).not.toContain(password);
      }
      expect(logged.join('\n')).toContain('created the first admin');
    }
  }, 120_000);
});

describe('CSV cells and JSON bodies', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd|x', "'+cmd|x"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['-5', '-5'],
    ['+3.5', '+3.5'],
    ['plain', 'plain'],
  ])('neutraliseCell(%j) = %j', (cell, out) => {
    expect(neutraliseCell(cell)).toBe(out);
  });
  it('parses ordinary JSON and refuses deep nesting, NUL bytes, lone surrogates and __proto__', () => {
    expect(parseJsonBody('{"a":[1,{"b":"ok 𝕏"}]}')).toEqual({ a: [1, { b: 'ok 𝕏' }] });
    expect(parseJsonBody('')).toBeUndefined();
    for (const bad of ['['.repeat(65) + ']'.repeat(65), '{"a":"x\\u0000"}', '{"a":"\\ud800"}', '{"\\udc00":1}', '{"__proto__":{}}', '{"a":']) {
      expect(() => parseJsonBody(bad), bad).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'validation_failed' }) }));
    }
    // Brackets inside strings do not count as nesting.
    expect(parseJsonBody(JSON.stringify({ s: '['.repeat(100) }))).toEqual({ s: '['.repeat(100) });
  });
});
