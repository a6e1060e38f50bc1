import { describe, expect, it } from 'vitest';
import { defaultSolver } from './highs.ts';
import { INF, ModelBuilder, PackedModelBuilder } from './model.ts';

describe('HighsSolver', () => {
  it('solves the workshop MIP to its known optimum', async () => {
    const b = new ModelBuilder('maximize');
    const chairs = b.addVar({ cost: 30, integer: true });
    const tables = b.addVar({ cost: 50, integer: true });
    b.addRow([[chairs, 1], [tables, 2]], -INF, 40);
    b.addRow([[chairs, 2], [tables, 1]], -INF, 50);
    const r = await defaultSolver.solve(b.build());
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(1100);
    expect(Array.from(r.values!)).toEqual([20, 10]);
  });

  it('reports an infeasible model as a status, not an exception', async () => {
    const b = new ModelBuilder();
    const x = b.addVar({ upper: 1 });
    b.addRow([[x, 1]], 2, INF);
    const r = await defaultSolver.solve(b.build());
    expect(r.status).toBe('infeasible');
    expect(r.values).toBeNull();
  });

  it('solves an empty model trivially', async () => {
    const r = await defaultSolver.solve(new ModelBuilder().build());
    expect(r.status).toBe('optimal');
  });

  it('restarts an LP from the basis of an earlier solve of the same model, loaded again, and reaches the same optimum', async () => {
    // A transport LP: 12 sources × 15 sinks.
    const build = () => transportLp({ sources: 12, sinks: 15, costA: 7, costB: 13, costMod: 17, supply: 30, demand: 20 });
    const first = await defaultSolver.solve(build(), { withBasis: true });
    expect(first.status).toBe('optimal');
    expect(first.basis!.colStatus.length).toBe(180);
    expect(first.basis!.rowStatus.length).toBe(27);
    const again = await defaultSolver.open!(build());
    try {
      const r = await again.solve({ basis: first.basis });
      expect(r.status).toBe('optimal');
      expect(r.objective).toBeCloseTo(first.objective!, 6);
    } finally {
      again.close();
    }
  });

  it('solves an LP without presolve and with Devex pricing to the same optimum, in a session too', async () => {
    const build = () => transportLp({ sources: 10, sinks: 12, costA: 5, costB: 11, costMod: 13, supply: 25, demand: 18 });
    const plain = await defaultSolver.solve(build());
    const fast = await defaultSolver.solve(build(), { presolve: false, simplexPricing: 'devex' });
    expect(fast.status).toBe('optimal');
    expect(fast.objective).toBeCloseTo(plain.objective!, 6);
    const session = await defaultSolver.open!(build());
    try {
      const a = await session.solve({ presolve: false, simplexPricing: 'devex' });
      // Back to the defaults on the same loaded model: the options do not stick.
      const b = await session.solve({}, { cols: { index: Int32Array.of(0), lower: Float64Array.of(1), upper: Float64Array.of(1) } });
      expect(a.objective).toBeCloseTo(plain.objective!, 6);
      expect(b.status).toBe('optimal');
      expect(b.objective!).toBeGreaterThanOrEqual(plain.objective! - 1e-6);
    } finally {
      session.close();
    }
  });

  it('stopped by a node limit, a bound-only MIP still reports a dual bound no higher than the optimum', async () => {
    // A knapsack with awkward weights: branch and bound needs many nodes to prove it.
    const build = () => {
      const b = new ModelBuilder('minimize');
      const xs = Array.from({ length: 30 }, (_, i) => b.addVar({ cost: -(((i * 37) % 23) + 10), upper: 1, integer: true }));
      b.addRow(xs.map((x, i) => [x, ((i * 53) % 29) + 7] as [number, number]), -INF, 211);
      return b.build();
    };
    const exact = await defaultSolver.solve(build(), { mipRelGap: 0 });
    expect(exact.status).toBe('optimal');
    const start = new Float64Array(30);
    const capped = await defaultSolver.solve(build(), { mipRelGap: 0, maxNodes: 1, boundOnly: true, start });
    expect(capped.bound).not.toBeNull();
    expect(capped.bound!).toBeLessThanOrEqual(exact.objective! + 1e-6);
    // The same work gives the same bound: no clock in it.
    const again = await defaultSolver.solve(build(), { mipRelGap: 0, maxNodes: 1, boundOnly: true, start });
    expect(again.bound).toBe(capped.bound);
  });
});

/** A transport LP: each source ships at most `supply + i`, each sink gets at least `demand`; costs vary by (i, j). */
function transportLp(o: { sources: number; sinks: number; costA: number; costB: number; costMod: number; supply: number; demand: number }) {
  const b = new PackedModelBuilder();
  const x: number[][] = [];
  for (let i = 0; i < o.sources; i++) x.push(Array.from({ length: o.sinks }, (_, j) => b.addVar({ cost: ((i * o.costA + j * o.costB) % o.costMod) + 1 })));
  for (let i = 0; i < o.sources; i++) b.addRow(x[i].map((c) => [c, 1] as [number, number]), -INF, o.supply + i);
  for (let j = 0; j < o.sinks; j++) b.addRow(x.map((r) => [r[j], 1] as [number, number]), o.demand, INF);
  return b.build();
}
