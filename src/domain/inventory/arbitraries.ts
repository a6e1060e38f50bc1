/**
 * Random operation sequences for property tests of the ledger (the in-memory one and the
 * database store): a small world so that operations collide often, with retries and reused
 * idempotency keys mixed in. Test support only: nothing in the product imports it.
 */
import fc from 'fast-check';
import type { Operation } from './types.ts';

// A small world so that random operations collide often: three nodes, three items, a few
// dated lots and undated stock, a handful of reservation and transfer ids.
const NODES = ['store-a', 'store-b', 'warehouse'];
const ITEMS = ['rice', 'milk'];
const LOTS = [
  { code: 'L20', expiryDate: '2022-06-20' },
  { code: 'L25', expiryDate: '2022-06-25' },
  { code: 'L30', expiryDate: '2022-06-30' },
];
const DAYS = ['2022-06-18', '2022-06-21', '2022-06-24', '2022-06-26', '2022-07-02'];
const RES = ['r1', 'r2', 'r3', 'r4'];
const TRANSFERS = ['t1', 't2', 't3', 't4'];

const node = fc.constantFrom(...NODES);
// Mostly real routes, and one from a node to itself, which must be refused.
const ROUTES = [...NODES.flatMap((a) => NODES.filter((b) => b !== a).map((b) => [a, b])), ['store-a', 'store-a']];
const item = fc.constantFrom(...ITEMS);
const qty = fc.integer({ min: 1, max: 12 });
const lotCode = fc.constantFrom('', ...LOTS.map((l) => l.code), 'L99');

/** Operations without a key; the sequence builder adds keys (and reuses some on purpose). */
export const opArb: fc.Arbitrary<Omit<Operation, 'key'>> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('receipt' as const), nodeId: node, itemId: item, quantity: fc.integer({ min: 1, max: 30 }), lot: fc.option(fc.constantFrom(...LOTS), { nil: undefined }), reason: fc.constant('supplier_delivery' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('reserve' as const), nodeId: node, itemId: item, quantity: qty, reservationId: fc.constantFrom(...RES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), reservationId: fc.constantFrom(...RES, 'r-missing'), quantity: fc.option(qty, { nil: undefined }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pick' as const),
      nodeId: node,
      itemId: item,
      quantity: qty,
      reservationId: fc.option(fc.constantFrom(...RES), { nil: undefined, freq: 2 }),
      asOf: fc.option(fc.constantFrom(...DAYS), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('transfer_out' as const),
      transferId: fc.constantFrom(...TRANSFERS),
      route: fc.constantFrom(...ROUTES),
      lines: fc.uniqueArray(fc.record({ itemId: item, quantity: qty }), { minLength: 1, maxLength: 3, selector: (l) => l.itemId }),
      asOf: fc.option(fc.constantFrom(...DAYS), { nil: undefined }),
    }).map(({ route, ...rest }) => ({ ...rest, fromNodeId: route[0], toNodeId: route[1] })),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('transfer_in' as const),
      transferId: fc.constantFrom(...TRANSFERS, 't-missing'),
      // Received quantities for every item; lines for items not on the transfer make it invalid,
      // which the ledger must refuse, so trim to a random subset half of the time.
      lines: fc.uniqueArray(fc.record({ itemId: item, receivedQuantity: fc.integer({ min: 0, max: 14 }) }), { minLength: 1, maxLength: 3, selector: (l) => l.itemId }),
      // Most receipts answer the transfer's own lines, shipped quantity plus a small variance.
      matchShipped: fc.boolean(),
      variance: fc.integer({ min: -3, max: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('adjustment' as const),
      nodeId: node,
      itemId: item,
      lotCode: fc.option(lotCode, { nil: undefined }),
      quantityDelta: fc.integer({ min: -10, max: 10 }),
      reasonCode: fc.constantFrom('damaged' as const, 'found' as const),
      expiryDate: fc.option(fc.constantFrom('2022-06-20', '2022-06-28'), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('write_off' as const), nodeId: node, itemId: item, lotCode, quantity: qty, reason: fc.constant('expired' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('count_adjustment' as const),
      countId: fc.constant('c1'),
      nodeId: node,
      lines: fc.uniqueArray(
        fc.record({ itemId: item, lotCode, quantityDelta: fc.integer({ min: -8, max: 8 }), expiryDate: fc.option(fc.constant('2022-06-27'), { nil: undefined }) }),
        { minLength: 0, maxLength: 3, selector: (l) => `${l.itemId}/${l.lotCode}` },
      ),
    }),
  },
);

/** A step is a new operation, a retry of an earlier one, or an earlier key reused for another operation. */
export const stepArb = fc.oneof(
  { weight: 18, arbitrary: opArb.map((op) => ({ type: 'new' as const, op })) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ type: 'retry' as const, i })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), opArb).map(([i, op]) => ({ type: 'reuse' as const, i, op })) },
);

export type Step = { type: 'new' | 'retry' | 'reuse'; op?: Omit<Operation, 'key'>; i?: number };

export function buildOps(steps: Step[]): Operation[] {
  const ops: Operation[] = [];
  for (const s of steps) {
    if (s.type === 'new' || ops.length === 0) {
      if (!s.op) continue;
      const raw = s.op as Record<string, unknown>;
      if (raw.kind === 'transfer_in') {
        const { matchShipped, variance, ...op } = raw as { matchShipped: boolean; variance: number; transferId: string };
        const out = [...ops].reverse().find((o) => o.kind === 'transfer_out' && o.transferId === op.transferId);
        if (matchShipped && out && out.kind === 'transfer_out') {
          ops.push({ ...op, kind: 'transfer_in', key: `k${ops.length}`, lines: out.lines.map((l) => ({ itemId: l.itemId, receivedQuantity: Math.max(0, l.quantity + variance) })) });
        } else {
          ops.push({ ...op, key: `k${ops.length}` } as Operation);
        }
        continue;
      }
      ops.push({ ...s.op, key: `k${ops.length}` } as Operation);
    } else if (s.type === 'retry') {
      ops.push(ops[s.i! % ops.length]);
    } else {
      ops.push({ ...s.op!, key: ops[s.i! % ops.length].key } as Operation);
    }
  }
  return ops;
}


/** A random sequence of operations, ready to post. */
export const opsArb = (maxLength = 60): fc.Arbitrary<Operation[]> => fc.array(stepArb, { minLength: 1, maxLength, size: 'max' }).map(buildOps);
