/** The candidate table gives back what went in, and a need's candidates as one range (also for needs with none). */
import { describe, expect, it } from 'vitest';
import { CandidateTable, type Candidate } from './candidates.ts';

const offer = { supplierId: 's1', packSize: 12, moqUnits: 48, leadTimeH: 24, expeditePremiumFenPerUnit: 30 };

describe('CandidateTable', () => {
  it('returns every candidate as pushed, its need range holding exactly its candidates', () => {
    const cands: Candidate[] = [
      { kind: 'transfer', need: 0, fromNodeId: 'b', distanceM: 1200, maxUnits: 7, arrivalH: 1.5, unitCostFen: 20.25, effectiveFenPerUnit: 20.25 },
      { kind: 'supplier_order', need: 0, supplierId: 's1', expedited: true, premiumFenPerUnit: 30, normalLeadTimeH: 24, packSize: 12, moqUnits: 48, maxPacks: 5, arrivalH: 6, unitCostFen: 80, effectiveFenPerUnit: 80 },
      // need 1 has none
      { kind: 'diversion', need: 2, shipmentId: 'sh2', fromNodeId: 'a', originalNodeId: 'c', distanceM: 900, maxUnits: 3, arrivalH: 2, unitCostFen: 10, effectiveFenPerUnit: 11 },
      { kind: 'supplier_order', need: 2, supplierId: 's1', expedited: false, premiumFenPerUnit: 0, normalLeadTimeH: 24, packSize: 12, moqUnits: 48, maxPacks: 1, arrivalH: 24, unitCostFen: 50, effectiveFenPerUnit: 90 },
    ];
    // Room for 2 only, so the table must grow.
    const t = new CandidateTable(['a', 'b', 'c'], ['sh1', 'sh2'], 4, 2);
    for (const c of cands) t.push(c, c.kind === 'supplier_order' ? offer : undefined);
    t.seal();
    expect(t.count).toBe(cands.length);
    cands.forEach((c, i) => expect(t.at(i)).toEqual(c));
    expect([0, 1, 2, 3].map((n) => t.ofNeed(n))).toEqual([[0, 1], [], [2, 3], []]);
    expect(t.packSizeOf(3)).toBe(offer.packSize);
    expect(t.moqUnitsOf(1)).toBe(offer.moqUnits);
    expect(t.isOrder(1) && !t.isOrder(0) && t.kindOf(2) === 'diversion').toBe(true);
  });

  it('refuses a supplier order without its offer', () => {
    const t = new CandidateTable(['a'], [], 1);
    expect(() => t.push({ kind: 'supplier_order', need: 0, supplierId: 's1', expedited: false, premiumFenPerUnit: 0, normalLeadTimeH: 24, packSize: 12, moqUnits: 48, maxPacks: 1, arrivalH: 24, unitCostFen: 50, effectiveFenPerUnit: 50 })).toThrow(/offer/);
  });
});
