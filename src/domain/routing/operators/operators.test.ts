import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.ts';
import { regretInsertion } from '../construction.ts';
import { planeProblem } from '../fixtures/small.ts';
import { compileProblem, type Instance } from '../instance.ts';
import { Solution } from '../solution.ts';
import { createCrossExchange } from './cross-exchange.ts';
import { createOrOpt } from './or-opt.ts';
import type { LsContext, Operator } from './operator.ts';
import { createRelocate } from './relocate.ts';
import { createSwap } from './swap.ts';
import { createTwoOpt } from './two-opt.ts';
import { createTwoOptStar } from './two-opt-star.ts';

/** A random instance of 12-25 stops with windows, two vehicle types and two skills. */
function randomInstance(seed: number): Instance {
  const rng = seededRandom(seed);
  const count = 12 + rng.int(14);
  const pts = [{ x: 50, y: 50 }];
  const stops = [];
  for (let i = 0; i < count; i++) {
    pts.push({ x: rng.int(100), y: rng.int(100) });
    const open = rng.int(300);
    stops.push({
      id: `c${i}`,
      demand: [1 + rng.int(4), rng.int(3)],
      windows: [[open, open + 60 + rng.int(200)]] as [number, number][],
      serviceDuration: rng.int(10),
      requiredSkills: rng.next() < 0.15 ? ['cold'] : undefined,
    });
  }
  const problem = planeProblem(pts, stops, [
    { id: 'small', count: 6, capacity: [12, 4], depotId: 'depot', shift: [0, 700] },
    { id: 'cold', count: 3, capacity: [10, 8], depotId: 'depot', shift: [0, 700], skills: ['cold'], fixedCost: 10, costPerDistance: 1.5 },
  ]);
  const r = compileProblem(problem);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const makers: [string, () => Operator][] = [
  ['relocate', createRelocate],
  ['swap', createSwap],
  ['or-opt', createOrOpt],
  ['2-opt*', createTwoOptStar],
  ['2-opt', createTwoOpt],
  ['cross-exchange', createCrossExchange],
];

describe.each(makers)('operator %s', (_name, make) => {
  it('predicts the exact cost change of the move it applies and keeps every route feasible', () => {
    let applied = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const inst = randomInstance(seed);
        const sol = new Solution(inst);
        const stops = Array.from({ length: inst.nStops }, (_, i) => inst.nDepots + i);
        regretInsertion(sol, stops, { minimiseRoutes: false, maxRoutes: inst.vehicles.length });
        const op = make();
        const rng = seededRandom(seed);
        let checked = 0;
        for (let trial = 0; trial < 200 && checked < 20; trial++) {
          const u = inst.nDepots + rng.int(inst.nStops);
          const v = inst.nDepots + rng.int(inst.nStops);
          if (u === v || sol.routeOf[u] < 0 || sol.routeOf[v] < 0) continue;
          const ctx: LsContext = { inst, sol, routePenalty: 0 };
          const before = sol.cost;
          const delta = op.evaluate(ctx, u, v);
          if (delta === Infinity) continue;
          op.apply(ctx, u, v);
          checked++;
          applied++;
          expect(sol.cost - before).toBeCloseTo(delta, 6);
          for (const r of sol.routes) expect(r.feasible).toBe(true);
          for (const r of sol.routes) for (let p = 1; p < r.nodes.length - 1; p++) expect(sol.posOf[r.nodes[p]]).toBe(p);
        }
      }),
      { seed: 20260101, numRuns: 40 },
    );
    // Guard against a vacuous pass: the operator must have found feasible moves.
    expect(applied).toBeGreaterThan(40);
  });
});
