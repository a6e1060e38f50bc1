import { describe, expect, it } from 'vitest';
import { AuditFailure, LedgerAuditor } from './auditor.ts';
import { countAdjustments, countReport, evaluateCountLine, type CountLine } from './counts.ts';
import { planExpiryWriteOffs } from './expiry.ts';
import { InMemoryLedger } from './ledger.ts';
import { availability } from './availability.ts';
import type { Operation } from './types.ts';

/** A store with milk in two dated lots and rice without lots. */
function milkAndRice(): InMemoryLedger {
  const l = new InMemoryLedger();
  const ops: Operation[] = [
    { kind: 'receipt', key: 'rcv-milk-late', nodeId: 'store', itemId: 'milk', quantity: 10, lot: { code: 'M-0630', expiryDate: '2022-06-30' }, reason: 'supplier_delivery' },
    { kind: 'receipt', key: 'rcv-milk-early', nodeId: 'store', itemId: 'milk', quantity: 4, lot: { code: 'M-0624', expiryDate: '2022-06-24' }, reason: 'supplier_delivery' },
    { kind: 'receipt', key: 'rcv-rice', nodeId: 'store', itemId: 'rice', quantity: 20, reason: 'dc_replenishment' },
  ];
  for (const op of ops) expect(l.post(op).ok).toBe(true);
  return l;
}

function postOk(l: InMemoryLedger, op: Operation) {
  const r = l.post(op);
  if (!r.ok) throw new Error(`${op.key}: ${r.error.message}`);
  return r.value;
}

function postErr(l: InMemoryLedger, op: Operation) {
  const r = l.post(op);
  if (r.ok) throw new Error(`${op.key} was accepted`);
  return r.error;
}

describe('the in-memory ledger', () => {
  it('picks the lot that expires first, then the next one', () => {
    const l = milkAndRice();
    const r = postOk(l, { kind: 'pick', key: 'p1', nodeId: 'store', itemId: 'milk', quantity: 6 });
    expect(r.posting.lines.map((m) => [m.lotCode, m.onHandDelta])).toEqual([['M-0624', -4], ['M-0630', -2]]);
  });

  it('skips lots that are expired on the pick day', () => {
    const l = milkAndRice();
    const r = postOk(l, { kind: 'pick', key: 'p1', nodeId: 'store', itemId: 'milk', quantity: 3, asOf: '2022-06-25' });
    expect(r.posting.lines.map((m) => m.lotCode)).toEqual(['M-0630']);
    expect(postErr(l, { kind: 'pick', key: 'p2', nodeId: 'store', itemId: 'milk', quantity: 8, asOf: '2022-06-25' }).details).toMatchObject({ available: 7 });
  });

  it.each([
    { name: 'a pick beyond unreserved stock', op: { kind: 'pick', key: 'x', nodeId: 'store', itemId: 'rice', quantity: 16 }, code: 'insufficient_stock', available: 15 },
    { name: 'a reservation beyond unreserved stock', op: { kind: 'reserve', key: 'x', nodeId: 'store', itemId: 'rice', quantity: 16, reservationId: 'r2' }, code: 'insufficient_stock', available: 15 },
    { name: 'a write-off that would dig into reserved stock', op: { kind: 'write_off', key: 'x', nodeId: 'store', itemId: 'rice', lotCode: '', quantity: 16, reason: 'spoiled' }, code: 'insufficient_stock', available: 15 },
    { name: 'a release of more than the reservation holds', op: { kind: 'release', key: 'x', reservationId: 'r1', quantity: 6 }, code: 'conflict' },
    { name: 'a release of an unknown reservation', op: { kind: 'release', key: 'x', reservationId: 'nope' }, code: 'not_found' },
    { name: 'an adjustment without a reason code', op: { kind: 'adjustment', key: 'x', nodeId: 'store', itemId: 'rice', quantityDelta: -1 }, code: 'validation_failed' },
    { name: 'a receipt of zero', op: { kind: 'receipt', key: 'x', nodeId: 'store', itemId: 'rice', quantity: 0, reason: 'supplier_delivery' }, code: 'validation_failed' },
    { name: 'a known lot with another expiry date', op: { kind: 'receipt', key: 'x', nodeId: 'store', itemId: 'milk', quantity: 1, lot: { code: 'M-0624', expiryDate: '2022-07-01' }, reason: 'supplier_delivery' }, code: 'conflict' },
  ])('refuses $name and changes nothing', ({ op, code, available }) => {
    const l = milkAndRice();
    postOk(l, { kind: 'reserve', key: 'res', nodeId: 'store', itemId: 'rice', quantity: 5, reservationId: 'r1' });
    const before = JSON.stringify(l.itemBalances());
    const e = postErr(l, op as Operation);
    expect(e.code).toBe(code);
    if (available !== undefined) expect(e.details?.available).toBe(available);
    expect(JSON.stringify(l.itemBalances())).toBe(before);
  });

  it('names the field, the expected and the actual value of a bad input', () => {
    const e = postErr(new InMemoryLedger(), { kind: 'receipt', key: 'x', nodeId: 'n', itemId: 'i', quantity: 2.5, reason: 'supplier_delivery' });
    expect(e).toMatchObject({ code: 'validation_failed', field: 'quantity', expected: 'integer > 0', actual: 2.5 });
  });

  it('replays a retried key without posting twice, and refuses a key reused for something else', () => {
    const l = milkAndRice();
    const op: Operation = { kind: 'pick', key: 'order-7', nodeId: 'store', itemId: 'rice', quantity: 2 };
    expect(postOk(l, op).replayed).toBe(false);
    expect(postOk(l, { ...op }).replayed).toBe(true);
    expect(l.state.peekItem('store', 'rice')?.onHand).toBe(18);
    expect(postErr(l, { ...op, quantity: 3 }).code).toBe('conflict');
  });

  it('moves a transfer through in transit and records a short receipt as a variance', () => {
    const l = milkAndRice();
    postOk(l, { kind: 'transfer_out', key: 'to', transferId: 'T1', fromNodeId: 'store', toNodeId: 'warehouse', lines: [{ itemId: 'milk', quantity: 6 }] });
    expect(l.state.peekItem('store', 'milk')).toMatchObject({ onHand: 8, inTransitOut: 6 });
    expect(l.state.peekItem('warehouse', 'milk')).toMatchObject({ onHand: 0, inTransitIn: 6 });
    const r = postOk(l, { kind: 'transfer_in', key: 'ti', transferId: 'T1', lines: [{ itemId: 'milk', receivedQuantity: 5 }] });
    expect(r.posting.lines.filter((m) => m.nodeId === 'warehouse').map((m) => [m.lotCode, m.onHandDelta, m.varianceQuantity])).toEqual([
      ['M-0624', 4, 0],
      ['M-0630', 1, -1],
    ]);
    expect(l.state.peekItem('store', 'milk')).toMatchObject({ onHand: 8, inTransitOut: 0 });
    expect(l.state.peekItem('warehouse', 'milk')).toMatchObject({ onHand: 5, inTransitIn: 0 });
    expect(postErr(l, { kind: 'transfer_in', key: 'ti2', transferId: 'T1', lines: [{ itemId: 'milk', receivedQuantity: 5 }] }).code).toBe('conflict');
  });

  it('consumes a reservation when picking against it', () => {
    const l = milkAndRice();
    postOk(l, { kind: 'reserve', key: 'r', nodeId: 'store', itemId: 'rice', quantity: 5, reservationId: 'line-1' });
    postOk(l, { kind: 'pick', key: 'p', nodeId: 'store', itemId: 'rice', quantity: 3, reservationId: 'line-1' });
    expect(l.state.peekItem('store', 'rice')).toMatchObject({ onHand: 17, reserved: 2 });
    postOk(l, { kind: 'release', key: 'rel', reservationId: 'line-1' });
    expect(l.state.peekItem('store', 'rice')).toMatchObject({ onHand: 17, reserved: 0 });
  });
});

describe('the expiry job plan', () => {
  it('writes off expired lots but leaves what reservations still need', () => {
    const l = milkAndRice();
    postOk(l, { kind: 'reserve', key: 'r', nodeId: 'store', itemId: 'milk', quantity: 12, reservationId: 'line-1' });
    const plan = planExpiryWriteOffs(l.state, '2022-06-25', 'expiry-run');
    expect(plan.lots).toEqual([
      { nodeId: 'store', itemId: 'milk', lotCode: 'M-0624', expiryDate: '2022-06-24', onHand: 4, writeOffQuantity: 2, blockedQuantity: 2 },
    ]);
    for (const op of plan.ops) postOk(l, op);
    expect(l.state.peekItem('store', 'milk')).toMatchObject({ onHand: 12, reserved: 12 });
  });
});

describe('stock counts', () => {
  const line = (over: Partial<CountLine>): CountLine => ({
    itemId: 'rice', lotCode: '', snapshotQuantity: 20, movedSinceSnapshot: 0, countedQuantity: null, recountQuantity: null, unitCostFen: 350, ...over,
  });

  it.each([
    { name: 'an uncounted line', l: line({}), status: 'not_counted', diff: null },
    { name: 'a small difference', l: line({ countedQuantity: 18 }), status: 'counted', diff: -2 },
    { name: 'a large difference before its recount', l: line({ countedQuantity: 10 }), status: 'recount_required', diff: -10 },
    { name: 'a large difference after its recount', l: line({ countedQuantity: 10, recountQuantity: 19 }), status: 'counted', diff: -1 },
    { name: 'stock picked while counting', l: line({ movedSinceSnapshot: -5, countedQuantity: 15 }), status: 'counted', diff: 0 },
  ])('evaluates $name', ({ l, status, diff }) => {
    const r = evaluateCountLine(l, 3);
    expect(r.status).toBe(status);
    expect(r.differenceQuantity).toBe(diff);
  });

  it('refuses to post while a recount is pending and posts only differences once done', () => {
    const pending = countAdjustments([line({ countedQuantity: 10 }), line({ itemId: 'oil', countedQuantity: 20 })], 3);
    expect(!pending.ok && pending.error.code).toBe('not_allowed');
    const done = countAdjustments([line({ countedQuantity: 10, recountQuantity: 17 }), line({ itemId: 'oil', countedQuantity: 20 })], 3);
    expect(done.ok && done.value).toEqual([{ itemId: 'rice', lotCode: '', quantityDelta: -3 }]);
  });

  it('reports book, counted, difference and value', () => {
    const r = countReport([line({ countedQuantity: 18 })], 3);
    expect(r.lines[0]).toMatchObject({ bookQuantity: 20, countedQuantity: 18, differenceQuantity: -2, differenceValueFen: -700 });
    expect(r.totals).toMatchObject({ lines: 1, withDifference: 1, differenceValueFen: -700 });
  });
});

describe('availability', () => {
  it('takes the safety buffer off available to promise and never goes below zero', () => {
    expect(availability({ onHand: 10, reserved: 3 }, 2, 4)).toEqual({ availableToPromise: 5, daysOfCover: 2.5 });
    expect(availability({ onHand: 3, reserved: 2 }, 2, 0)).toEqual({ availableToPromise: 0, daysOfCover: null });
  });
});

describe('the auditor', () => {
  it('catches a ledger that lets a pick oversell', () => {
    const auditor = new LedgerAuditor();
    const l = milkAndRice();
    const a = new InMemoryLedger();
    for (const op of [
      { kind: 'receipt', key: 'k1', nodeId: 'store', itemId: 'rice', quantity: 2, reason: 'supplier_delivery' },
    ] as Operation[]) auditor.observe(op, a.post(op));
    // A reply that claims a pick of 5 out of 2 succeeded, as a broken ledger would.
    const forged = l.post({ kind: 'pick', key: 'k2', nodeId: 'store', itemId: 'rice', quantity: 5 });
    expect(() => auditor.observe({ kind: 'pick', key: 'k2', nodeId: 'store', itemId: 'rice', quantity: 5 }, forged)).toThrow(AuditFailure);
  });

  it('catches a balance that differs from the operations', () => {
    const auditor = new LedgerAuditor();
    const a = new InMemoryLedger();
    const op: Operation = { kind: 'receipt', key: 'k1', nodeId: 'store', itemId: 'rice', quantity: 2, reason: 'supplier_delivery' };
    auditor.observe(op, a.post(op));
    expect(() => auditor.verify([{ nodeId: 'store', itemId: 'rice', onHand: 3, reserved: 0, inTransitIn: 0, inTransitOut: 0 }])).toThrow(/onHand=3/);
  });
});
