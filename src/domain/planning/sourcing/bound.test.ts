/** The sourcing bound: valid (LP ≤ Lagrangian ≤ proven optimum ≤ plan) and the exact per-need block minimum. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSolver } from '../../../solver/highs.ts';
import { seededRandom } from '../../shared/random.ts';
import { syntheticSourcing } from '../synthetic.ts';
import { needMinimum } from './bound.ts';
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
    const lifted = await summary({ ...input, params: { maxTotalColumnsMip: 0, boundTimeS: 60, boundMaxItems: 10_000, boundBlockColumns: 1e9 } });
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
  it('is the same when the clock runs fast (a loaded machine) as when it stands still', async () => {
    const input = { ...syntheticSourcing({ nodes: 6, items: 80, random: seededRandom(5) }), params: { maxTotalColumnsMip: 0, boundMaxItems: 20 } };
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
