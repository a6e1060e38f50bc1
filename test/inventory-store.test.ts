import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsArb } from '../src/domain/inventory/arbitraries.ts';
import { LedgerAuditor, type Operation, type PostResult } from '../src/domain/inventory/index.ts';
import { err, ok } from '../src/domain/shared/index.ts';
import * as inv from '../src/store/inventory.ts';
import { createTestDb, type TestDb } from './support/app.ts';

const NOW = new Date('2022-06-22T06:00:00Z');

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

async function wipe(): Promise<void> {
  // DELETE, not TRUNCATE: on a server TRUNCATE costs a file swap per table, far slower for a few rows.
  for (const table of ['stock_operations', 'stock_movements', 'stock_item_balances', 'stock_balances', 'stock_lots', 'stock_reservations', 'stock_transfer_lines', 'stock_transfers', 'stock_count_lines', 'stock_counts', 'inventory_node_settings']) {
    await sql`DELETE FROM ${sql.table(table)}`.execute(t.db);
  }
}

const inTrx = <T>(fn: (trx: any) => Promise<T>) => t.db.transaction().execute(fn);
const postAll = (ops: Operation[], atomic = false) => inTrx((trx) => inv.postOperations(trx, ops, { now: NOW, atomic }));

async function itemBalances() {
  const rows = await sql<any>`SELECT * FROM stock_item_balances`.execute(t.db);
  return rows.rows.map((r) => ({ nodeId: r.node_id, itemId: r.item_id, onHand: r.on_hand, reserved: r.reserved, inTransitIn: r.in_transit_in, inTransitOut: r.in_transit_out }));
}

async function lotRows() {
  const rows = await sql<any>`SELECT * FROM stock_balances`.execute(t.db);
  return rows.rows.map((r) => ({ nodeId: r.node_id, itemId: r.item_id, lotCode: r.lot_code, onHand: r.on_hand, inTransitIn: r.in_transit_in, inTransitOut: r.in_transit_out }));
}

describe('the database ledger against the independent auditor', () => {
  it('agrees with the auditor on random sequences, posted one by one and in batches, and its projection equals its movements', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb(40), fc.integer({ min: 1, max: 8 }), async (ops, batchSize) => {
        await wipe();
        const auditor = new LedgerAuditor();
        for (let i = 0; i < ops.length; i += batchSize) {
          const batch = ops.slice(i, i + batchSize);
          const outcomes = await postAll(batch);
          batch.forEach((op, j) => {
            const o = outcomes[j];
            const reply = o.ok ? ok<PostResult>({ posting: o.posting, replayed: o.replayed }) : err<PostResult>(o.error);
            auditor.observe(op, reply);
          });
        }
        auditor.verify(await itemBalances(), await lotRows());
        expect(await inv.checkProjection(t.db)).toEqual([]);
      }),
      { numRuns: 25, seed: 622 },
    );
  });

  it('rebuilds the same projection from the movements alone', async () => {
    await wipe();
    const [ops] = fc.sample(opsArb(60), { numRuns: 1, seed: 11 });
    await postAll(ops);
    const before = await itemBalances();
    await inTrx((trx) => inv.rebuildProjection(trx));
    const sortKey = (r: { nodeId: string; itemId: string }) => `${r.nodeId}/${r.itemId}`;
    const nonZero = (rs: any[]) => rs.filter((r) => r.onHand || r.reserved || r.inTransitIn || r.inTransitOut).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    expect(nonZero(await itemBalances())).toEqual(nonZero(before));
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });

  it('finds a projection row that was written behind the ledger’s back', async () => {
    await wipe();
    await postAll([{ kind: 'receipt', key: 'r1', nodeId: 'n1', itemId: 'rice', quantity: 5, reason: 'supplier_delivery' }]);
    await sql`UPDATE stock_item_balances SET on_hand = 6`.execute(t.db);
    expect(await inv.checkProjection(t.db)).toEqual([{ table: 'stock_item_balances', key: 'n1/rice', projected: [6, 0, 0, 0], fromMovements: [5, 0, 0, 0] }]);
  });
});

describe('posting', () => {
  it('refuses an oversell with insufficient_stock and the available quantity, and changes nothing', async () => {
    await wipe();
    await postAll([{ kind: 'receipt', key: 'r1', nodeId: 'n1', itemId: 'rice', quantity: 5, reason: 'supplier_delivery' }]);
    const e = await inTrx((trx) => inv.pick(trx, { key: 'p1', nodeId: 'n1', itemId: 'rice', quantity: 6 }, NOW)).catch((x) => x.error);
    expect(e).toMatchObject({ code: 'insufficient_stock', details: { available: 5 } });
    expect(await itemBalances()).toEqual([{ nodeId: 'n1', itemId: 'rice', onHand: 5, reserved: 0, inTransitIn: 0, inTransitOut: 0 }]);
    expect((await sql<any>`SELECT count(*)::int AS n FROM stock_operations`.execute(t.db)).rows[0].n).toBe(1);
  });

  it('replays a retried key without posting twice', async () => {
    await wipe();
    const op: Operation = { kind: 'receipt', key: 'same', nodeId: 'n1', itemId: 'rice', quantity: 5, reason: 'supplier_delivery' };
    const first = await inTrx((trx) => inv.post(trx, op, NOW));
    const second = await inTrx((trx) => inv.post(trx, { ...op }, NOW));
    expect([first.replayed, second.replayed]).toEqual([false, true]);
    expect(second.posting.lines).toEqual(first.posting.lines);
    expect((await itemBalances())[0].onHand).toBe(5);
    await expect(inTrx((trx) => inv.post(trx, { ...op, quantity: 6 }, NOW))).rejects.toMatchObject({ error: { code: 'conflict', field: 'key' } });
  });

  it('rolls the whole batch back in atomic mode when one operation is refused', async () => {
    await wipe();
    await expect(
      postAll(
        [
          { kind: 'receipt', key: 'a', nodeId: 'n1', itemId: 'rice', quantity: 5, reason: 'supplier_delivery' },
          { kind: 'pick', key: 'b', nodeId: 'n1', itemId: 'rice', quantity: 9 },
        ],
        true,
      ),
    ).rejects.toMatchObject({ error: { code: 'insufficient_stock' } });
    expect(await itemBalances()).toEqual([]);
  });
});

describe('bulk receipts', () => {
  it('posts many receipts in a few statements, skips keys already posted, and keeps the projection equal to the movements', async () => {
    await wipe();
    const ops = Array.from({ length: 300 }, (_, i) => ({
      kind: 'receipt' as const, key: `open-${i}`, nodeId: `n${i % 3}`, itemId: `item-${i % 50}`, quantity: 1 + (i % 7), reason: 'opening_balance' as const,
      ...(i % 2 ? { lot: { code: `L${i % 4}`, expiryDate: `2022-07-0${1 + (i % 4)}` } } : {}),
    }));
    expect(await inTrx((trx) => inv.postReceipts(trx, ops, NOW))).toEqual({ posted: 300, skipped: 0 });
    expect(await inTrx((trx) => inv.postReceipts(trx, ops.slice(0, 10), NOW))).toEqual({ posted: 0, skipped: 10 });
    const total = (await itemBalances()).reduce((s, b) => s + b.onHand, 0);
    expect(total).toBe(ops.reduce((s, o) => s + o.quantity, 0));
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });

  it('refuses a lot already known with another expiry date, naming the field, and posts nothing', async () => {
    await wipe();
    const receipt = (key: string, expiryDate: string) => ({ kind: 'receipt' as const, key, nodeId: 'n1', itemId: 'milk', quantity: 4, reason: 'supplier_delivery' as const, lot: { code: 'L1', expiryDate } });
    expect(await inTrx((trx) => inv.postReceipts(trx, [receipt('a', '2022-07-01')], NOW))).toEqual({ posted: 1, skipped: 0 });
    await expect(inTrx((trx) => inv.postReceipts(trx, [receipt('b', '2022-07-05')], NOW))).rejects.toMatchObject({
      error: { code: 'conflict', field: 'lot.expiryDate', expected: '2022-07-01', actual: '2022-07-05' },
    });
    expect((await itemBalances()).reduce((s, b) => s + b.onHand, 0)).toBe(4);
  });
});

describe('transfers', () => {
  it('goes draft → in transit → received, with the short receipt as a variance', async () => {
    await wipe();
    await postAll([
      { kind: 'receipt', key: 'r1', nodeId: 'store', itemId: 'milk', quantity: 10, lot: { code: 'M1', expiryDate: '2022-06-30' }, reason: 'supplier_delivery' },
      { kind: 'receipt', key: 'r2', nodeId: 'store', itemId: 'milk', quantity: 3, lot: { code: 'M0', expiryDate: '2022-06-25' }, reason: 'supplier_delivery' },
    ]);
    await inTrx((trx) => inv.createDraftTransfer(trx, { id: 'T1', fromNodeId: 'store', toNodeId: 'ew', lines: [{ itemId: 'milk', quantity: 8 }] }, NOW));
    expect((await itemBalances()).find((b) => b.nodeId === 'store')?.inTransitOut).toBe(0);
    const sent = await inTrx((trx) => inv.dispatchTransfer(trx, { id: 'T1', key: 'dispatch-T1' }, NOW));
    expect(sent.status).toBe('in_transit');
    expect(sent.lines[0].lots.map((l) => [l.lotCode, l.quantity])).toEqual([['M0', 3], ['M1', 5]]);
    const bal = await itemBalances();
    expect(bal.find((b) => b.nodeId === 'store')).toMatchObject({ onHand: 5, inTransitOut: 8 });
    expect(bal.find((b) => b.nodeId === 'ew')).toMatchObject({ onHand: 0, inTransitIn: 8 });
    await inTrx((trx) => inv.receiveTransfer(trx, { key: 'recv-T1', transferId: 'T1', lines: [{ itemId: 'milk', receivedQuantity: 7 }] }, NOW));
    const got = await inv.requireTransfer(t.db, 'T1');
    expect(got).toMatchObject({ status: 'received', lines: [{ itemId: 'milk', quantity: 8, receivedQuantity: 7, varianceQuantity: -1 }] });
    const after = await itemBalances();
    expect(after.find((b) => b.nodeId === 'store')).toMatchObject({ onHand: 5, inTransitOut: 0 });
    expect(after.find((b) => b.nodeId === 'ew')).toMatchObject({ onHand: 7, inTransitIn: 0 });
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });
});

describe('stock counts', () => {
  it('counts blind against the snapshot plus the movements since, asks for a recount, and posts the differences', async () => {
    await wipe();
    await postAll([
      { kind: 'receipt', key: 'r1', nodeId: 'ew', itemId: 'rice', quantity: 50, reason: 'supplier_delivery' },
      { kind: 'receipt', key: 'r2', nodeId: 'ew', itemId: 'oil', quantity: 20, reason: 'supplier_delivery' },
    ]);
    const c = await inTrx((trx) => inv.openCount(trx, { id: 'C1', nodeId: 'ew', recountThreshold: 3 }, NOW));
    expect(c.lines).toBe(2);
    // Ten bags of rice leave while the count is running, before the rice is counted.
    await postAll([{ kind: 'pick', key: 'p1', nodeId: 'ew', itemId: 'rice', quantity: 10 }]);
    const entered = await inTrx((trx) => inv.enterCounts(trx, 'C1', [{ itemId: 'rice', quantity: 39 }, { itemId: 'oil', quantity: 12 }]));
    expect(entered).toEqual([
      { itemId: 'oil', lotCode: '', countedQuantity: 12, recountQuantity: null, status: 'recount_required' },
      { itemId: 'rice', lotCode: '', countedQuantity: 39, recountQuantity: null, status: 'counted' },
    ]);
    const sheet = await inv.countSheet(t.db, 'C1');
    expect(JSON.stringify(sheet)).not.toMatch(/book|snapshot/i);
    await expect(inTrx((trx) => inv.postCount(trx, 'C1', NOW))).rejects.toMatchObject({ error: { code: 'not_allowed' } });
    await inTrx((trx) => inv.enterCounts(trx, 'C1', [{ itemId: 'oil', quantity: 18 }]));
    // A pick after the oil recount: it is already in the book and in the shelf count.
    await postAll([{ kind: 'pick', key: 'p2', nodeId: 'ew', itemId: 'oil', quantity: 1 }]);
    const posted = await inTrx((trx) => inv.postCount(trx, 'C1', NOW));
    expect(posted.status).toBe('posted');
    expect(posted.lines.map((l) => [l.itemId, l.snapshotQuantity, l.movedSinceSnapshot, l.bookQuantity, l.countedQuantity, l.differenceQuantity])).toEqual([
      ['oil', 20, 0, 20, 18, -2],
      ['rice', 50, -10, 40, 39, -1],
    ]);
    const bal = await itemBalances();
    expect(bal.find((b) => b.itemId === 'rice')?.onHand).toBe(39);
    expect(bal.find((b) => b.itemId === 'oil')?.onHand).toBe(17);
    expect(await inv.checkProjection(t.db)).toEqual([]);
  });
});

describe('the expiry job', () => {
  it('writes off expired lots, keeps what reservations hold, and writes off nothing more when run again', async () => {
    await wipe();
    await postAll([
      { kind: 'receipt', key: 'r1', nodeId: 'store', itemId: 'milk', quantity: 4, lot: { code: 'OLD', expiryDate: '2022-06-21' }, reason: 'supplier_delivery' },
      { kind: 'receipt', key: 'r2', nodeId: 'store', itemId: 'milk', quantity: 6, lot: { code: 'NEW', expiryDate: '2022-06-28' }, reason: 'supplier_delivery' },
      { kind: 'reserve', key: 'h', nodeId: 'store', itemId: 'milk', quantity: 7, reservationId: 'o1' },
    ]);
    const first = await inTrx((trx) => inv.writeOffExpired(trx, { asOf: '2022-06-22' }, NOW));
    expect(first).toMatchObject({ writtenOffQuantity: 3, blockedQuantity: 1, movements: 1 });
    const second = await inTrx((trx) => inv.writeOffExpired(trx, { asOf: '2022-06-22' }, NOW));
    expect(second).toMatchObject({ writtenOffQuantity: 0, blockedQuantity: 1, movements: 0 });
    expect((await itemBalances())[0]).toMatchObject({ onHand: 7, reserved: 7 });
  });
});
