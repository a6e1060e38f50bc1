import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrders, type PlaceJob } from '../src/flows/place-order.ts';
import { OrderBatcher } from '../src/flows/order-batcher.ts';
import { parseOrderInput } from '../src/domain/orders/index.ts';
import { unwrap } from '../src/domain/shared/index.ts';
import * as inv from '../src/store/inventory.ts';
import { batchTransaction } from '../src/store/batch-transaction.ts';
import { createTestApp, testClock, usingPostgres, type TestApp } from './support/app.ts';
import { loadOrderFixture, order, reservedAt, SLOT } from './support/orders-fixture.ts';

// Racing clients only mean something with real concurrent connections: the racing tests run on
// the PostgreSQL server (DATABASE_URL); the failure test runs everywhere.
if (!usingPostgres()) console.warn('order race tests skipped: set DATABASE_URL=postgres://… to run them against a PostgreSQL server');

const LAST_UNITS = 37;
const CLIENTS = 300;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: testClock('2022-06-22T06:00:00.000Z') });
  await loadOrderFixture(t.app, t.db, { lastUnits: LAST_UNITS });
  // Enough delivery capacity that only stock limits the race.
  await t.app.inject({ method: 'PUT', url: '/api/slots', payload: { nodeId: 'A', day: '2022-06-22', dailyOrderCapacity: 15_000 } });
});
afterAll(async () => {
  await t.close();
});

const job = (customerId: string, lines: Array<[string, number]>, key?: string): PlaceJob => ({
  request: unwrap(parseOrderInput(order(lines, { customerId }) as any)),
  ...(key ? { idempotency: { key, scope: 'POST /api/orders', hash: `hash-of-${key}` } } : {}),
});

describe.skipIf(!usingPostgres())('clients racing on PostgreSQL', () => {
  it('gives hundreds of clients racing for the last units exactly that many units in total', async () => {
    // Each client is its own connection-holding caller (no shared batcher), half of them through
    // HTTP (group commit) and half straight through the flow, all at once.
    const direct = Array.from({ length: CLIENTS / 2 }, (_, i) => placeOrders(t.db, t.deps.clock, [job(`racer-${i}`, [['last-1', 1 + (i % 2)]])]).then((r) => r[0]));
    const viaHttp = Array.from({ length: CLIENTS / 2 }, (_, i) =>
      t.app.inject({ method: 'POST', url: '/api/orders', payload: order([['last-1', 1 + (i % 2)]], { customerId: `http-racer-${i}` }) }).then((r) => ({ ok: true as const, status: r.statusCode, body: r.json() })),
    );
    const results = await Promise.all([...direct, ...viaHttp]);
    let units = 0;
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      if (r.status === 201) units += r.body.orders[0].lines[0].quantity;
      else expect(r.body.code).toBe('insufficient_stock');
    }
    expect(units).toBeGreaterThanOrEqual(LAST_UNITS - 1);
    expect(units).toBeLessThanOrEqual(LAST_UNITS);
    const b = await reservedAt(t.db, 'A', 'last-1');
    expect(b.reserved).toBe(units);
    const ordered = await sql<{ q: number }>`SELECT COALESCE(sum(l.quantity), 0)::int AS q FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.item_id = 'last-1' AND o.node_id = 'A'`.execute(t.db);
    expect(ordered.rows[0].q).toBe(units);
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });

  it('lets one household racing itself buy no more than its purchase limit', async () => {
    // rice-2 is a key essential: 5 per customer and 10 per household a day. 40 orders of 1 at once
    // from 4 customers of one new household: the household cap (10) binds.
    const racing = Array.from({ length: 40 }, (_, i) => {
      const j = job(`limit-racer-${i % 4}`, [['rice-2', 1]]);
      j.request.address = { ...j.request.address, householdId: 'one-household' };
      return placeOrders(t.db, t.deps.clock, [j]).then((r) => r[0]);
    });
    const results = await Promise.all(racing);
    const accepted = results.filter((r) => r.ok && r.status === 201).length;
    expect(accepted).toBe(10);
    for (const r of results) if (r.ok && r.status !== 201) expect(r.body.code).toBe('over_purchase_limit');
  });

  it('places an order retried concurrently with the same idempotency key exactly once', async () => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const same = job('c-retry-storm', [['rice-2', 1]], 'storm-key');
    const batcher = new OrderBatcher(t.db, t.deps.clock, { maxInFlight: 4, maxBatch: 8 });
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => placeOrders(t.db, t.deps.clock, [same]).then((r) => r[0])),
      ...Array.from({ length: 20 }, () => batcher.place(same)),
    ]);
    const ids = new Set(results.map((r) => (r.ok ? r.body.placementId : 'error')));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect((await reservedAt(t.db, 'A', 'rice-2')).reserved).toBe(before.reserved + 1);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE customer_id = 'c-retry-storm'`.execute(t.db);
    expect(n.rows[0].n).toBe(1);
  });
});

describe('a failure between reserving and confirming', () => {
  it('leaves no reservation, booking, counter or order behind, for every order of the batch', async () => {
    const beforeRice = await reservedAt(t.db, 'A', 'rice-2');
    const beforeOil = await reservedAt(t.db, 'A', 'oil-2');
    const slot = async () => (await sql<{ booked: number }>`SELECT booked FROM order_slots WHERE node_id = 'A' AND start_at = ${new Date(SLOT)}`.execute(t.db)).rows[0].booked;
    const bookedBefore = await slot();
    const jobs = [job('c-crash-1', [['rice-2', 2], ['oil-2', 1]], 'crash-key-1'), job('c-crash-2', [['rice-2', 1]])];
    let reservedInside = 0;
    const results = await placeOrders(t.db, t.deps.clock, jobs, {
      afterReserve: async (trx) => {
        reservedInside = Math.max(reservedInside, (await reservedAt(trx, 'A', 'rice-2')).reserved - beforeRice.reserved);
        throw new Error('the process died before confirming');
      },
    });
    // The batch failed, then each order alone failed the same way: each gets an internal error.
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'internal' }) },
      { ok: false, error: expect.objectContaining({ code: 'internal' }) },
    ]);
    expect(reservedInside).toBe(3);
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(beforeRice);
    expect(await reservedAt(t.db, 'A', 'oil-2')).toEqual(beforeOil);
    expect(await slot()).toBe(bookedBefore);
    const left = await sql<{ n: number }>`SELECT (SELECT count(*) FROM orders WHERE customer_id LIKE 'c-crash-%') + (SELECT count(*) FROM purchase_counters WHERE subject LIKE '%c-crash-%' AND quantity > 0) + (SELECT count(*) FROM idempotency_keys WHERE key = 'crash-key-1') AS n`.execute(t.db);
    expect(Number(left.rows[0].n)).toBe(0);
    // And the same key can be used again once the system is back.
    const again = await placeOrders(t.db, t.deps.clock, [jobs[0]]);
    expect(again[0]).toMatchObject({ ok: true, status: 201, replayed: false });
  });
});

describe('a batch whose write fails its own guard', () => {
  it('commits nothing, also when its COMMIT was sent right behind it (pipelined PostgreSQL connection)', async () => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const source = { db: t.db, pipelined: t.deps.database.pipelined };
    const bump = sql`UPDATE stock_item_balances SET reserved = reserved + 1 WHERE node_id = 'A' AND item_id = 'rice-2' RETURNING reserved`;
    const attempt = batchTransaction(source, bump, async () => {
      return { last: sql`WITH b AS (${bump}) SELECT baogong_guard((SELECT count(*) FROM b) = 2, '40001', 'the test guard failed') AS ok`, result: 'committed' };
    });
    await expect(attempt).rejects.toMatchObject({ code: '40001' });
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(before);
    // The same transaction with a guard that holds commits both bumps; the connection is reusable.
    const ok = await batchTransaction(source, bump, async () => ({ last: sql`WITH b AS (${bump}) SELECT baogong_guard((SELECT count(*) FROM b) = 1, '40001', 'unexpected') AS ok`, result: 'committed' }));
    expect(ok).toBe('committed');
    expect((await reservedAt(t.db, 'A', 'rice-2')).reserved).toBe(before.reserved + 2);
    await t.db.transaction().execute((trx) => sql`UPDATE stock_item_balances SET reserved = reserved - 2 WHERE node_id = 'A' AND item_id = 'rice-2'`.execute(trx));
  });

  it('refuses a reservation the stock no longer covers (retryable) and reserves nothing', async () => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const reserve = t.db.transaction().execute((trx) =>
      inv.reserveOrderLines(trx, [{ groupKey: 'guard-test', key: 'guard-test:0', nodeId: 'A', itemId: 'rice-2', quantity: 10_000_000, reservationId: 'guard-test:0' }], t.deps.clock.now()),
    );
    await expect(reserve).rejects.toMatchObject({ code: '40001' });
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(before);
  });
});
