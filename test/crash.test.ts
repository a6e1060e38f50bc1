import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, fillDataFolder, usingPostgres, type TestDb } from './support/app.ts';
import { killTree, login, startServer, type RunningServer } from './support/server.ts';

/**
 * Crash safety: drive stock movements at a real server process, kill it with
 * SIGKILL in the middle of the load, restart it on the same data, and check that
 * every acknowledged write is there, nothing half-applied is, and the ledger's
 * invariants hold. On PostgreSQL when DATABASE_URL is set, else on PGlite's folder.
 */
describe(`crash safety on ${usingPostgres() ? 'the PostgreSQL server' : "PGlite's data folder"}`, () => {
  let dir: string;
  let tdb: TestDb | null = null;
  let env: NodeJS.ProcessEnv;
  let server: RunningServer | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'baogong-crash-'));
    env = { ...process.env, BAOGONG_DATA: path.join(dir, 'data'), BAOGONG_ADMIN_PASSWORD: 'crash-admin-pw', BAOGONG_ORDER_RATE_PER_MIN: '0' };
    if (usingPostgres()) {
      tdb = await createTestDb();
      env.DATABASE_URL = tdb.url;
    } else {
      // A migrated, empty folder: the server starts without initdb and migrations.
      await fillDataFolder(env.BAOGONG_DATA!);
    }
  }, 120_000);

  afterAll(async () => {
    if (server) await killTree(server.proc, 'SIGKILL');
    await tdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged movement and no half-applied one after SIGKILL mid-load', async () => {
    server = await startServer(env, ['--no-demo']);
    let token = await login(server.url, 'admin', 'crash-admin-pw');
    const call = (url: string, method: string, body: unknown, key?: string) =>
      fetch(`${url}${method === 'GET' ? body : ''}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
        body: method === 'GET' ? undefined : JSON.stringify(body),
      });
    const base = server.url;
    expect((await call(`${base}/api/nodes`, 'POST', { id: 'n1', kind: 'store', nameZh: '店', nameEn: 'Store', lat: 39.79, lng: 116.5 })).status).toBe(201);
    for (const id of ['A', 'B', 'C']) {
      const r = await call(`${base}/api/items`, 'POST', { id, nameZh: id, nameEn: id, category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365 });
      expect(r.status).toBe(201);
    }

    // Load: receipts of 1 unit, each with its own key, from 8 concurrent clients.
    const acked = new Set<string>();
    const itemOf = new Map<string, string>();
    const sent = new Set<string>();
    let stop = false;
    let seq = 0;
    const client = async (c: number) => {
      while (!stop) {
        const key = `rcpt-${c}-${seq++}`;
        const item = ['A', 'B', 'C'][seq % 3];
        sent.add(key);
        itemOf.set(key, item);
        try {
          const r = await call(`${base}/api/inventory/movements`, 'POST', { kind: 'receipt', key, nodeId: 'n1', itemId: item, quantity: 1, reason: 'supplier_delivery' }, key);
          if (r.status === 201 || r.status === 200) acked.add(key);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, c) => client(c));
    // Let the load build up, then kill the server without warning.
    const t0 = Date.now();
    while (acked.size < 60 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    await killTree(server.proc, 'SIGKILL');
    stop = true;
    await Promise.all(clients);
    await server.exited;
    expect(acked.size).toBeGreaterThanOrEqual(60);

    // Restart on the same data.
    server = await startServer(env, ['--no-demo']);
    token = await login(server.url, 'admin', 'crash-admin-pw');
    const mv = await (await call(`${server.url}/api/inventory/movements`, 'GET', '?kind=receipt&limit=10000')).json();
    const present = new Set<string>(mv.movements.map((m: any) => m.operationKey));
    const missing = [...acked].filter((k) => !present.has(k));
    expect(missing).toEqual([]);
    // Nothing that was never sent, and nothing applied twice.
    expect([...present].every((k) => sent.has(k))).toBe(true);
    expect(mv.movements.length).toBe(present.size);
    // Balances equal the sum of their movements.
    const check = await (await call(`${server.url}/api/inventory/check`, 'GET', '')).json();
    expect(check).toEqual({ consistent: true, mismatches: [] });
    const bal = await (await call(`${server.url}/api/inventory/balances`, 'GET', '?nodeId=n1')).json();
    const onHand = bal.rows.reduce((s: number, r: any) => s + r.onHand, 0);
    expect(onHand).toBe(present.size);
    // A retried acknowledged request replays instead of posting twice.
    const oneKey = [...acked][0];
    const retry = await call(`${server.url}/api/inventory/movements`, 'POST', { kind: 'receipt', key: oneKey, nodeId: 'n1', itemId: itemOf.get(oneKey), quantity: 1, reason: 'supplier_delivery' }, oneKey);
    expect([200, 201]).toContain(retry.status);
    const bal2 = await (await call(`${server.url}/api/inventory/balances`, 'GET', '?nodeId=n1')).json();
    expect(bal2.rows.reduce((s: number, r: any) => s + r.onHand, 0)).toBe(onHand);
    await killTree(server.proc, 'SIGTERM');
    await server.exited;
    server = null;
  }, 240_000);
});
