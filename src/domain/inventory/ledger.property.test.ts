import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerAuditor } from './auditor.ts';
import { InMemoryLedger } from './ledger.ts';
import { buildOps, stepArb } from './arbitraries.ts';

describe('the in-memory ledger against the independent auditor', () => {
  it('agrees with the auditor on every reply and every balance over thousands of random sequences', () => {
    const totals = { accepted: 0, refused: 0 };
    const byKind: Record<string, number> = {};
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }), (steps) => {
        const ops = buildOps(steps);
        const ledger = new InMemoryLedger();
        const auditor = new LedgerAuditor();
        for (const op of ops) {
          auditor.observe(op, ledger.post(op));
        }
        const lots = [...ledger.state.lots.values()].flatMap((m) => [...m.values()]);
        auditor.verify(ledger.itemBalances(), lots);
        for (const [k, n] of auditor.accepted) { totals.accepted += n; byKind[`${k} ok`] = (byKind[`${k} ok`] ?? 0) + n; }
        for (const [k, n] of auditor.refused) { totals.refused += n; byKind[`${k} refused`] = (byKind[`${k} refused`] ?? 0) + n; }
      }),
      { numRuns: 2500, seed: 20220622 },
    );
    // The generator must exercise both sides of the rules, or the test proves little.
    expect(totals.accepted).toBeGreaterThan(20_000);
    expect(totals.refused).toBeGreaterThan(5_000);
    for (const kind of ['pick ok', 'transfer_out ok', 'transfer_in ok', 'count_adjustment ok', 'write_off ok', 'release ok']) expect(byKind[kind], kind).toBeGreaterThan(100);
  });

  it('keeps every balance equal to the sum of its movement lines', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }), (steps) => {
        const ledger = new InMemoryLedger();
        for (const op of buildOps(steps)) ledger.post(op);
        const sums = new Map<string, number[]>();
        for (const m of ledger.movements) {
          const k = `${m.nodeId}|${m.itemId}`;
          const s = sums.get(k) ?? [0, 0, 0, 0];
          s[0] += m.onHandDelta;
          s[1] += m.reservedDelta;
          s[2] += m.inTransitInDelta;
          s[3] += m.inTransitOutDelta;
          sums.set(k, s);
        }
        for (const b of ledger.itemBalances()) {
          expect([b.onHand, b.reserved, b.inTransitIn, b.inTransitOut]).toEqual(sums.get(`${b.nodeId}|${b.itemId}`) ?? [0, 0, 0, 0]);
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
