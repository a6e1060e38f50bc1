import { describe, expect, it } from 'vitest';
import { okSmall, OK_SMALL_OPTIMUM, planeProblem, threeTemps } from './fixtures/small.ts';
import type { RoutingProblem, RoutingSolution, SolveOptions } from './model.ts';
import { solveRouting } from './solve.ts';
import { validateSolution } from './validator.ts';

function solve(problem: RoutingProblem, options: SolveOptions = {}): RoutingSolution {
  const r = solveRouting(problem, { maxIterations: 300, seed: 7, ...options });
  if (!r.ok) throw new Error(r.error.message);
  expect(validateSolution(problem, r.value)).toEqual([]);
  return r.value;
}

describe('solveRouting', () => {
  it('finds the optimum of OkSmall: one vehicle per side', () => {
    const s = solve(okSmall());
    expect(s.totals.vehicles).toBe(2);
    expect(s.totals.distance).toBeCloseTo(OK_SMALL_OPTIMUM, 9);
    expect(s.unassigned).toEqual([]);
    const sides = s.routes.map((r) => r.stops.map((x) => x.stopId).sort().join(',')).sort();
    expect(sides).toEqual(['east,north-east', 'north-west,west']);
  });

  it('reproduces a seeded run exactly under an iteration limit', () => {
    const problem = threeTemps();
    const a = solve(problem, { seed: 42, maxIterations: 500 });
    const b = solve(problem, { seed: 42, maxIterations: 500 });
    expect(b.routes).toEqual(a.routes);
    expect(b.stats.iterations).toBe(500);
  });

  it('puts frozen stops on the reefer and respects every compartment', () => {
    const problem = threeTemps();
    const s = solve(problem);
    expect(s.unassigned).toEqual([]);
    for (const r of s.routes) {
      if (r.vehicleTypeId === 'reefer') continue;
      for (const stop of r.stops) expect(['s0', 's3', 's6']).not.toContain(stop.stopId);
    }
  });

  it('waits for the second window of a stop with two windows', () => {
    const problem = planeProblem(
      [{ x: 0, y: 0 }, { x: 20, y: 0 }],
      [{ id: 'late', demand: [1], windows: [[0, 5], [50, 60]] }],
      [{ id: 'van', count: 1, capacity: [1], depotId: 'depot' }],
    );
    const s = solve(problem);
    expect(s.routes[0].stops[0]).toMatchObject({ arrival: 20, start: 50, departure: 50 });
    expect(s.routes[0].waiting).toBe(30);
  });

  it('accepts travel given as a function and vehicles ending at another depot', () => {
    const xs = [0, 100, 10, 50, 90];
    const problem: RoutingProblem = {
      depots: [{ id: 'west', location: 0 }, { id: 'east', location: 1 }],
      vehicleTypes: [{ id: 'shuttle', count: 1, capacity: [10], depotId: 'west', endDepotId: 'east' }],
      stops: [2, 3, 4].map((loc) => ({ id: `at${xs[loc]}`, location: loc, demand: [1] })),
      travel: { kind: 'function', size: 5, distance: (a, b) => Math.abs(xs[a] - xs[b]), duration: (a, b) => Math.abs(xs[a] - xs[b]) },
    };
    const s = solve(problem);
    expect(s.routes[0].stops.map((x) => x.stopId)).toEqual(['at10', 'at50', 'at90']);
    expect(s.totals.distance).toBe(100);
  });

  it('reports stops no vehicle can serve as unassigned with the reason', () => {
    const problem = planeProblem(
      [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }, { x: 100, y: 0 }, { x: 3, y: 0 }],
      [
        { id: 'too-big', demand: [5] },
        { id: 'needs-frozen', demand: [1], requiredSkills: ['frozen'] },
        { id: 'too-far', demand: [1], windows: [[0, 50]] },
        { id: 'fine', demand: [1] },
      ],
      [{ id: 'van', count: 1, capacity: [4], depotId: 'depot' }],
    );
    const s = solve(problem);
    expect(s.unassigned).toEqual([
      { stopId: 'too-big', reason: 'demand_exceeds_capacity' },
      { stopId: 'needs-frozen', reason: 'incompatible' },
      { stopId: 'too-far', reason: 'time_window_unreachable' },
    ]);
    expect(s.routes.map((r) => r.stops.map((x) => x.stopId))).toEqual([['fine']]);
  });

  it('reports the stops a too-small fleet cannot carry as fleet_exhausted', () => {
    const problem = planeProblem(
      [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 }],
      ['a', 'b', 'c'].map((id) => ({ id, demand: [1] })),
      [{ id: 'van', count: 1, capacity: [2], depotId: 'depot' }],
    );
    const s = solve(problem);
    expect(s.totals.vehicles).toBe(1);
    expect(s.unassigned).toHaveLength(1);
    expect(s.unassigned[0].reason).toBe('fleet_exhausted');
  });

  it('rejects an invalid problem with the field, expected and actual values', () => {
    const problem = okSmall();
    problem.stops[1].windows = [[30, 20]];
    const r = solveRouting(problem, { maxIterations: 10 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.field).toBe('stops.1.windows.0');
    expect(r.error.message).toContain('open must be <= close, got 30 > 20');
  });

  it('returns the constructed and locally optimised solution with zero iterations', () => {
    const s = solve(okSmall(), { maxIterations: 0 });
    expect(s.stats.iterations).toBe(0);
    expect(s.totals.distance).toBeCloseTo(OK_SMALL_OPTIMUM, 9);
  });

  it('requires a clock with a time limit', () => {
    const r = solveRouting(okSmall(), { timeLimitMs: 100 });
    expect(r.ok).toBe(false);
  });

  it('stops at the time limit of an injected virtual clock', () => {
    let now = 0;
    const clock = () => (now += 1);
    const s = solve(threeTemps(), { timeLimitMs: 400, maxIterations: undefined, clock });
    expect(s.stats.elapsedMs).toBeGreaterThanOrEqual(400);
    expect(s.stats.iterations).toBeLessThan(400);
  });

  it('reports progress from 0 to 1 with the best cost', () => {
    const seen: number[] = [];
    solve(threeTemps(), { onProgress: (p) => seen.push(p.fraction) });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});
