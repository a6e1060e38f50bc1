import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opArb } from './arbitraries.ts';
import { InMemoryLedger, PairMap, lotKey, nodeItemKey } from './ledger.ts';
import type { Operation } from './types.ts';
import { canonicalHash53, canonicalJson, hash53, isIsoDay } from './validate.ts';

/**
 * The ledger's hot path (a simulated week posts millions of operations) takes shortcuts: a hash
 * of the canonical text computed without the text, day checks digit by digit, pair lookups from a
 * nested index, and a ledger that keeps no replay record when the caller's keys are unique. Each
 * must answer exactly as the plain way does.
 */
describe("the ledger's hot path answers as the plain way does", () => {
  it('hashes a value as the hash of its canonical JSON text', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', 'a"b', 'back\\slash', 'tab\there', '\ud800', '日本'));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double(),
        fc.constantFrom(0, -0, 2 ** 31, 2 ** 53, -1, null, true, false, undefined),
        fc.array(tie('v')),
        fc.dictionary(text, tie('v')),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalHash53(v)).toBe(hash53(canonicalJson(v)));
      }),
      { numRuns: 3000, seed: 17 },
    );
    fc.assert(
      fc.property(opArb, (op) => {
        const withKey = { ...op, key: 'k1' } as Operation;
        expect(canonicalHash53(withKey)).toBe(hash53(canonicalJson(withKey)));
      }),
      { numRuns: 2000, seed: 18 },
    );
  });

  it('tells a calendar day as the calendar does', () => {
    const reference = (s: string): boolean => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
      const [y, m, d] = s.split('-').map(Number);
      const t = new Date(Date.UTC(2000, m - 1, d));
      t.setUTCFullYear(y);
      return m >= 1 && m <= 12 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
    };
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const dayLike = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    const noise = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('2022-1-01', '2022-01-1 ', ' 2022-01-01', '2022/01/01', '20a2-01-01', '2022-01-01\n', '+022-01-01'));
    fc.assert(
      fc.property(fc.oneof(dayLike, noise), (s) => {
        expect(isIsoDay(s)).toBe(reference(s));
      }),
      { numRuns: 20000, seed: 19 },
    );
    for (const [s, ok] of [['2024-02-29', true], ['2023-02-29', false], ['1900-02-29', false], ['2000-02-29', true], ['2022-12-31', true], ['2022-13-01', false]] as const) {
      expect(isIsoDay(s), s).toBe(ok);
    }
    expect(isIsoDay(20220101)).toBe(false);
  });

  it('finds a pair through its index as through its joined key, whoever wrote it', () => {
    const part = fc.constantFrom('n1', 'n2', 'i1', 'i2', 'L-1', '', 'n1x');
    const step = fc.oneof(
      fc.record({ t: fc.constant('setPair' as const), a: part, b: part, v: fc.integer() }),
      fc.record({ t: fc.constant('set' as const), a: part, b: part, v: fc.integer() }),
      fc.record({ t: fc.constant('delete' as const), a: part, b: part, v: fc.constant(0) }),
      fc.record({ t: fc.constant('clear' as const), a: part, b: part, v: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const m = new PairMap<number>();
        for (const s of steps) {
          if (s.t === 'setPair') m.setPair(s.a, s.b, s.v);
          else if (s.t === 'set') m.set(nodeItemKey(s.a, s.b), s.v);
          else if (s.t === 'delete') m.delete(lotKey(s.a, s.b));
          else m.clear();
          for (const a of ['n1', 'n2', 'i1', 'i2', 'L-1', '', 'n1x']) for (const b of ['n1', 'n2', 'i1', 'i2', 'L-1', '', 'n1x']) expect(m.getPair(a, b)).toBe(m.get(nodeItemKey(a, b)));
        }
      }),
      { numRuns: 300, seed: 20 },
    );
  });

  it("posts the same lines and balances without replay records when every key is new, and refuses what the rules refuse", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        const replaying = new InMemoryLedger();
        const unique = new InMemoryLedger({ keys: 'unique' });
        ops.forEach((op, k) => {
          const withKey = { ...op, key: `k${k}` } as Operation;
          const a = replaying.post(withKey);
          const b = unique.post(withKey);
          expect(b).toEqual(a);
        });
        expect(unique.movements).toEqual(replaying.movements);
        expect(unique.itemBalances()).toEqual(replaying.itemBalances());
      }),
      { numRuns: 500, seed: 21 },
    );
  });

  it('replays a retried key only when it keeps replay records', () => {
    const op: Operation = { kind: 'receipt', key: 'r1', nodeId: 'store', itemId: 'rice', quantity: 5, reason: 'dc_replenishment' };
    const replaying = new InMemoryLedger();
    replaying.post(op);
    const again = replaying.post(op);
    expect(again.ok && again.value.replayed).toBe(true);
    expect(replaying.itemBalances()[0].onHand).toBe(5);
    // With unique keys the caller promised never to retry: a second post is a second receipt.
    const unique = new InMemoryLedger({ keys: 'unique' });
    unique.post(op);
    unique.post(op);
    expect(unique.itemBalances()[0].onHand).toBe(10);
  });
});
