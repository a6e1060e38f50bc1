/** The sourcing bound: valid (LP ≤ Lagrangian ≤ proven optimum ≤ plan), the item blocks' order and stop rule, and the exact per-need block minimum. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSolver } from '../../../solver/highs.ts';
import { seededRandom } from '../../shared/random.ts';
import { syntheticSourcing } from '../synthetic.ts';
import { itemSurplus, needMinimum, roundUpSurplus } from './bound.ts';
import { planSourcing, type PlanSummary } from './plan.ts';
import type { SourcingInput } from './prepare.ts';

async function summary(input: SourcingInput): Promise<PlanSummary> {
  const r = await planSourcing(input, defaultSolver);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value.summary;
}

describe('the Lagrangian bound of an LP-rounded plan', () => {
  it('lies between the LP bound and the proven optimum, which lies below the plan', async () => {
    const input = syntheticSourcing({ nodes: 5, items: 60, random: seededRandom(3) });
    // Branch and bound on the whole model proves the optimum (within mipRelGap).
    const mip = await summary({ ...input, params: { maxTotalColumnsMip: 100_000, maxColumnsMip: 100_000, mipRelGap: 1e-6 } });
    expect(mip.method).toBe('mip');
    expect(mip.status).toBe('optimal');
    // LP rounding: without item blocks (LP + per-need blocks), then with every item's block solved.
    const lp = await summary({ ...input, params: { maxTotalColumnsMip: 0, boundTimeS: 0 } });
    const lifted = await summary({ ...input, params: { maxTotalColumnsMip: 0, boundTimeS: 60, boundMaxItems: 10_000, boundBlockColumns: 1e9, boundTargetGapPct: 0 } });
    expect(lifted.method).toBe('lp_rounding');
    expect(lifted.boundKind).toBe('lagrangian');
    // bound ≤ optimum ≤ plan, and solving the item blocks only raises the bound.
    expect(lp.bound!).toBeLessThanOrEqual(lifted.bound!);
    expect(lifted.bound!).toBeLessThanOrEqual(mip.objective);
    expect(mip.objective).toBeLessThanOrEqual(lifted.objective);
    // The gap printed is the plan's distance to that bound.
    expect(lifted.gapPct!).toBeCloseTo(((lifted.objective - lifted.bound!) / lifted.objective) * 100, 2);
    // On this instance the item blocks close part of the LP's distance to the optimum (the rest is
    // the storage and supplier rows, which the Lagrangian prices instead of enforcing).
    expect(lifted.bound!).toBeGreaterThan(lp.bound!);
  });
});

describe('the bound does not depend on how fast the machine is', () => {
  // Without a target (a count of blocks), and with one the blocks reach part way (1 %: the LP and
  // per-need blocks prove 1.75 % on this instance, all item blocks 0.35 %).
  it.each([0, 1])('is the same when the clock runs fast (a loaded machine) as when it stands still (boundTargetGapPct %s)', async (boundTargetGapPct) => {
    const input = { ...syntheticSourcing({ nodes: 6, items: 80, random: seededRandom(5) }), params: { maxTotalColumnsMip: 0, boundMaxItems: 20, boundTargetGapPct } };
    const still = await planSourcing(input, defaultSolver, () => 0);
    // Every reading of this clock is a quarter of a second later than the one before.
    let t = 0;
    const fast = await planSourcing(input, defaultSolver, () => (t += 250));
    if (!still.ok || !fast.ok) throw new Error('planSourcing failed');
    expect(still.value.summary.boundKind).toBe('lagrangian');
    expect(fast.value.summary.bound).toBe(still.value.summary.bound);
    expect(fast.value.summary.objective).toBe(still.value.summary.objective);
  });
});

describe('the item blocks of the bound', () => {
  const input = syntheticSourcing({ nodes: 6, items: 80, random: seededRandom(5) });
  const lpRounding = { maxTotalColumnsMip: 0, boundMaxItems: 10_000, boundBlockColumns: 1e9, boundBlockShare: 1 };

  it('stop once the bound proves the plan within boundTargetGapPct, and the gap is the proven one', async () => {
    const none = await summary({ ...input, params: { ...lpRounding, boundTimeS: 0 } });
    const all = await summary({ ...input, params: { ...lpRounding, boundTargetGapPct: 0 } });
    const target = await summary({ ...input, params: { ...lpRounding, boundTargetGapPct: 1 } });
    const loose = await summary({ ...input, params: { ...lpRounding, boundTargetGapPct: 100 } });
    // The same plan whatever the bound.
    expect(new Set([none.objective, all.objective, target.objective, loose.objective]).size).toBe(1);
    expect(none.gapPct!).toBeGreaterThan(1);
    expect(all.gapPct!).toBeLessThan(1);
    // Within the target, by some blocks but not all of them.
    expect(target.gapPct!).toBeLessThanOrEqual(1);
    expect(target.bound!).toBeGreaterThan(none.bound!);
    expect(target.bound!).toBeLessThan(all.bound!);
    // A target the LP and per-need blocks already meet solves no item block.
    expect(loose.bound).toBe(none.bound);
  });

  it('come in the order of their promise: the first tenth lifts the bound more than half of the way', async () => {
    // 10 × 150: ranked by their fractional packs times price (the earlier order) the first 7 of the
    // 70 blocks gave 42 % of the lift of all of them, by the rounding up of each need alone 27 %.
    const other = syntheticSourcing({ nodes: 10, items: 150, random: seededRandom(2) });
    const none = await summary({ ...other, params: { ...lpRounding, boundTimeS: 0 } });
    const all = await summary({ ...other, params: { ...lpRounding, boundTargetGapPct: 0 } });
    const first = await summary({ ...other, params: { ...lpRounding, boundMaxItems: 7, boundTargetGapPct: 0 } });
    expect((first.bound! - none.bound!) / (all.bound! - none.bound!)).toBeGreaterThan(0.5);
  });
});

describe('the promise of an item block', () => {
  it("counts the units an order rounds up by beyond what the need's other sources bring", () => {
    // Not taken, or whole: nothing to round.
    expect(roundUpSurplus(0, 10, 1, 0)).toBe(0);
    expect(roundUpSurplus(3, 10, 1, 0)).toBe(0);
    // 0.2 of a pack up to the MOQ of one pack: 8 units, less what transfers bring (5, then 20).
    expect(roundUpSurplus(0.2, 10, 1, 0)).toBeCloseTo(0.8, 9);
    expect(roundUpSurplus(0.2, 10, 1, 5)).toBeCloseTo(0.3, 9);
    expect(roundUpSurplus(0.2, 10, 1, 20)).toBe(0);
    // Below an MOQ of 3 packs, and between whole packs above it.
    expect(roundUpSurplus(1.5, 10, 3, 0)).toBeCloseTo(1.5, 9);
    expect(roundUpSurplus(3.25, 10, 3, 0)).toBeCloseTo(0.75, 9);
  });

  it('rounds what the whole item buys up to whole packs and the MOQ of its cheapest offer', () => {
    // Two needs buy 0.8 and 0.4 of a 10-unit pack: 12 units, at least 2 packs (8 units more).
    expect(itemSurplus(12, [{ unitCost: 1_421, pack: 10, minUnits: 10 }])).toBeCloseTo(8 * 1_421, 6);
    // A dearer offer in packs of 3 buys exactly 12: no surplus.
    expect(itemSurplus(12, [{ unitCost: 10, pack: 10, minUnits: 10 }, { unitCost: 12, pack: 3, minUnits: 3 }])).toBe(0);
    // The MOQ binds: 5 units bought, at least 30.
    expect(itemSurplus(5, [{ unitCost: 2, pack: 10, minUnits: 30 }])).toBe(50);
    expect(itemSurplus(5, [])).toBe(0);
  });
});

describe('needMinimum (one need\'s block, solved exactly)', () => {
  it('equals the brute-force minimum over whole packs and units', () => {
    const flow = fc.record({ cost: fc.integer({ min: 0, max: 50 }), ub: fc.integer({ min: 0, max: 12 }) });
    const order = fc.record({ costPerPack: fc.integer({ min: 0, max: 300 }), pack: fc.integer({ min: 1, max: 6 }), minPacks: fc.integer({ min: 1, max: 3 }), maxPacks: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100 }), fc.array(flow, { maxLength: 3 }), fc.array(order, { minLength: 1, maxLength: 2 }), (units, shortPrice, flows, orders) => {
        // Brute force: every pack count of each order, then every whole unit of each flow.
        let best = Number.POSITIVE_INFINITY;
        const packs = (o: (typeof orders)[number]) => [0, ...Array.from({ length: Math.max(0, o.maxPacks - o.minPacks + 1) }, (_, k) => o.minPacks + k)];
        const flowsRec = (i: number, left: number, cost: number) => {
          if (i === flows.length) {
            best = Math.min(best, cost + Math.max(0, left) * shortPrice);
            return;
          }
          for (let q = 0; q <= flows[i].ub; q++) flowsRec(i + 1, left - q, cost + q * flows[i].cost);
        };
        const ordersRec = (i: number, left: number, cost: number) => {
          if (i === orders.length) return flowsRec(0, left, cost);
          for (const k of packs(orders[i])) ordersRec(i + 1, left - k * orders[i].pack, cost + k * orders[i].costPerPack);
        };
        ordersRec(0, units, 0);
        expect(needMinimum(units, shortPrice, flows, orders)).toBeCloseTo(best, 6);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
