import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, DomainException } from '../src/domain/shared/index.ts';
import type { Operation } from '../src/domain/inventory/index.ts';
import * as inv from '../src/store/inventory.ts';
import { createTestDb, usingPostgres, type TestDb } from './support/app.ts';

// Many clients moving the same stock at once only means something on a server with real
// concurrent connections; PGlite runs one statement at a time.
const SKIP_MESSAGE = 'inventory concurrency test skipped: set DATABASE_URL=postgres://… to run it against a PostgreSQL server';
if (!usingPostgres()) console.warn(SKIP_MESSAGE);

const NOW = new Date('2022-06-22T06:00:00Z');
const NODES = ['store', 'ew'];
const ITEMS = ['rice', 'milk'];
const CLIENTS = 16;
const OPS_PER_CLIENT = 30;
const INITIAL = 300;

describe.skipIf(!usingPostgres())('the ledger under concurrent writers on PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never oversells, keeps reserved within on hand, balances transit, and its projection equals its movements', async () => {
    const seed: Operation[] = [];
    for (const n of NODES) {
      for (const i of ITEMS) {
        seed.push({ kind: 'receipt', key: `seed-${n}-${i}-a`, nodeId: n, itemId: i, quantity: INITIAL / 2, lot: { code: `${i}-A`, expiryDate: '2022-06-26' }, reason: 'opening_balance' });
        seed.push({ kind: 'receipt', key: `seed-${n}-${i}-b`, nodeId: n, itemId: i, quantity: INITIAL / 2, lot: { code: `${i}-B`, expiryDate: '2022-06-30' }, reason: 'opening_balance' });
      }
    }
    await t.db.transaction().execute((trx) => inv.postOperations(trx, seed, { now: NOW }));

    const tally = { picked: 0, variance: 0, accepted: 0, refused: 0, byCode: {} as Record<string, number> };
    const client = async (c: number) => {
      const rnd = seededRandom(1000 + c);
      const pick = <T>(xs: T[]) => xs[rnd.int(xs.length)];
      const holds: string[] = [];
      const transfers: { id: string; items: { itemId: string; quantity: number }[] }[] = [];
      for (let k = 0; k < OPS_PER_CLIENT; k++) {
        const key = `c${c}-op${k}`;
        const nodeId = pick(NODES);
        const itemId = pick(ITEMS);
        const q = 1 + rnd.int(6);
        const roll = rnd.int(100);
        let op: Operation;
        if (roll < 25) {
          op = { kind: 'reserve', key, nodeId, itemId, quantity: q, reservationId: `${key}-hold` };
        } else if (roll < 45 && holds.length > 0) {
          const h = holds.shift()!;
          const [, n, i] = h.split('|');
          op = { kind: 'pick', key, nodeId: n, itemId: i, quantity: 1, reservationId: h.split('|')[0] };
        } else if (roll < 55 && holds.length > 0) {
          op = { kind: 'release', key, reservationId: holds.shift()!.split('|')[0] };
        } else if (roll < 75) {
          op = { kind: 'pick', key, nodeId, itemId, quantity: q };
        } else if (roll < 88) {
          const to = NODES.find((n) => n !== nodeId)!;
          op = { kind: 'transfer_out', key, transferId: `${key}-T`, fromNodeId: nodeId, toNodeId: to, lines: [{ itemId, quantity: q }] };
        } else if (transfers.length > 0) {
          const tr = transfers.shift()!;
          op = { kind: 'transfer_in', key, transferId: tr.id, lines: tr.items.map((l) => ({ itemId: l.itemId, receivedQuantity: Math.max(0, l.quantity - rnd.int(2)) })) };
        } else {
          op = { kind: 'adjustment', key, nodeId, itemId, quantityDelta: -1, reasonCode: 'damaged' };
        }
        try {
          const r = await t.db.transaction().execute((trx) => inv.post(trx, op, NOW));
          tally.accepted++;
          if (op.kind === 'pick' || op.kind === 'adjustment') tally.picked += -r.posting.lines.reduce((s, l) => s + l.onHandDelta, 0);
          if (op.kind === 'transfer_in') tally.variance += r.posting.lines.reduce((s, l) => s + l.varianceQuantity, 0);
          if (op.kind === 'reserve') holds.push(`${op.reservationId}|${op.nodeId}|${op.itemId}`);
          if (op.kind === 'pick' && op.reservationId) holds.push(`${op.reservationId}|${op.nodeId}|${op.itemId}`);
          if (op.kind === 'transfer_out') transfers.push({ id: op.transferId, items: op.lines });
        } catch (e) {
          // Only refusals by the rules are acceptable: a deadlock, a CHECK violation or any
          // other database error fails the test.
          if (!(e instanceof DomainException)) throw e;
          tally.refused++;
          tally.byCode[e.error.code] = (tally.byCode[e.error.code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    expect(tally.accepted).toBeGreaterThan(CLIENTS * OPS_PER_CLIENT * 0.4);
    const b = (await sql<any>`SELECT * FROM stock_item_balances`.execute(t.db)).rows;
    for (const r of b) {
      expect(r.on_hand).toBeGreaterThanOrEqual(0);
      expect(r.reserved).toBeLessThanOrEqual(r.on_hand);
    }
    const sum = (f: (r: any) => number) => b.reduce((s, r) => s + f(r), 0);
    expect(sum((r) => r.in_transit_out)).toBe(sum((r) => r.in_transit_in));
    // Conservation, from the clients' own tally: what was received, minus what left, plus
    // receipt variances, is on the shelves or on the road.
    expect(sum((r) => r.on_hand) + sum((r) => r.in_transit_out)).toBe(INITIAL * NODES.length * ITEMS.length - tally.picked + tally.variance);
    const held = (await sql<any>`SELECT node_id, item_id, SUM(quantity)::int AS q FROM stock_reservations GROUP BY node_id, item_id`.execute(t.db)).rows;
    for (const h of held) expect(b.find((r) => r.node_id === h.node_id && r.item_id === h.item_id).reserved).toBe(h.q);
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });

  it('posts a key once when many clients send it at the same moment', async () => {
    const op: Operation = { kind: 'receipt', key: 'same-key-everywhere', nodeId: 'dc', itemId: 'eggs', quantity: 10, reason: 'supplier_delivery' };
    const results = await Promise.all(Array.from({ length: 16 }, () => t.db.transaction().execute((trx) => inv.post(trx, op, NOW))));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const row = (await sql<any>`SELECT on_hand FROM stock_item_balances WHERE node_id = 'dc' AND item_id = 'eggs'`.execute(t.db)).rows[0];
    expect(row.on_hand).toBe(10);
  });

  it('lets exactly the available stock be reserved when everyone reserves at once', async () => {
    await t.db.transaction().execute((trx) => inv.receipt(trx, { key: 'last-rice', nodeId: 'ew', itemId: 'last', quantity: 25, reason: 'supplier_delivery' }, NOW));
    const attempts = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => t.db.transaction().execute((trx) => inv.reserve(trx, { key: `grab-${i}`, nodeId: 'ew', itemId: 'last', quantity: 1, reservationId: `grab-${i}` }, NOW))),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(25);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason.error).toMatchObject({ code: 'insufficient_stock', details: { available: 0 } });
  });
});
