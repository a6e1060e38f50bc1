import { describe, expect, it } from 'vitest';
import { okSmall, OK_SMALL_OPTIMUM } from '../domain/routing/fixtures/small.ts';
import { validateSolution, type RoutingProblem } from '../domain/routing/index.ts';
import { solveInWorker } from './routing.ts';

describe('solveInWorker', () => {
  it('solves in a worker thread, reports progress and keeps the event loop free', async () => {
    const problem = okSmall();
    const fractions: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const r = await solveInWorker(problem, { timeLimitMs: 300, seed: 1 }, (p) => fractions.push(p.fraction));
    clearInterval(timer);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(validateSolution(problem, r.value)).toEqual([]);
    expect(r.value.totals.distance).toBeCloseTo(OK_SMALL_OPTIMUM, 9);
    expect(fractions.at(-1)).toBe(1);
    expect(ticks).toBeGreaterThan(10);
  });

  it('turns travel functions into arrays before crossing the worker boundary', async () => {
    const xs = [0, 10, 20];
    const problem: RoutingProblem = {
      depots: [{ id: 'd', location: 0 }],
      vehicleTypes: [{ id: 'v', count: 1, capacity: [5], depotId: 'd' }],
      stops: [1, 2].map((l) => ({ id: `s${l}`, location: l, demand: [1] })),
      travel: { kind: 'function', size: 3, distance: (a, b) => Math.abs(xs[a] - xs[b]), duration: (a, b) => Math.abs(xs[a] - xs[b]) },
    };
    const r = await solveInWorker(problem, { maxIterations: 50 });
    expect(r.ok && r.value.totals.distance).toBe(40);
  });

  it('returns validation errors from the worker as values', async () => {
    const problem = okSmall();
    problem.vehicleTypes[0].capacity = [-1];
    const r = await solveInWorker(problem, { maxIterations: 10 });
    expect(!r.ok && r.error.code).toBe('validation_failed');
  });
});
