import { afterAll, describe, expect, it } from 'vitest';
import { SolverPool } from './pool.ts';
import { defaultSolver } from './highs.ts';
import { INF, ModelBuilder, openSession, pack, type LinearModel, type PackedModel } from './model.ts';

const solverPool = new SolverPool(2);
const pool = solverPool.mip;
afterAll(() => solverPool.close());

/** max 3x + 2y + z, x + y + z ≤ cap, x ≤ 2, integers: the optimum is known for every cap. */
function knapsack(cap: number): LinearModel {
  const b = new ModelBuilder('maximize');
  const x = b.addVar({ cost: 3, upper: 2, integer: true });
  const y = b.addVar({ cost: 2, upper: 10, integer: true });
  const z = b.addVar({ cost: 1, upper: 10, integer: true });
  b.addRow([[x, 1], [y, 1], [z, 1]], -INF, cap);
  return b.build();
}

describe('the solver pool\'s MIP port (HiGHS in worker threads, sessions pinned to a worker)', () => {
  it('gives the same answer as HiGHS on the calling thread', async () => {
    const [inPool, here] = await Promise.all([pool.solve(knapsack(5)), defaultSolver.solve(knapsack(5))]);
    expect(inPool.status).toBe('optimal');
    expect(inPool.objective).toBe(here.objective);
    expect(Array.from(inPool.values!)).toEqual([2, 3, 0]);
  });

  it('solves independent models concurrently, each to its own optimum', async () => {
    const caps = [1, 2, 3, 4, 5, 6];
    const results = await Promise.all(caps.map((c) => pool.solve(knapsack(c))));
    // 3 per unit of cap for the first two units, 2 after that.
    expect(results.map((r) => r.objective)).toEqual(caps.map((c) => 3 * Math.min(c, 2) + 2 * Math.max(0, c - 2)));
  });

  it('re-solves an open model after its bounds change, in the same worker', async () => {
    const session = await openSession(pool, knapsack(5));
    try {
      expect((await session.solve()).objective).toBe(12);
      // Fix x at 0 and widen the row to 6: 2 per unit for six units.
      const r = await session.solve({}, {
        cols: { index: Int32Array.of(0), lower: Float64Array.of(0), upper: Float64Array.of(0) },
        rows: { index: Int32Array.of(0), lower: Float64Array.of(-INF), upper: Float64Array.of(6) },
      });
      expect(r.objective).toBe(12);
      expect(Array.from(r.values!)).toEqual([0, 6, 0]);
    } finally {
      session.close();
    }
  });

  it('reports an infeasible model as a status from a worker too', async () => {
    const b = new ModelBuilder();
    const x = b.addVar({ upper: 1 });
    b.addRow([[x, 1]], 2, INF);
    const r = await pool.solve(b.build());
    expect(r.status).toBe('infeasible');
    expect(r.values).toBeNull();
  });

  it('opens more sessions than workers at once, each answering for its own model', async () => {
    const caps = [1, 3, 5];
    const sessions = await Promise.all(caps.map((c) => openSession(pool, knapsack(c))));
    try {
      const results = await Promise.all(sessions.map((s) => s.solve()));
      expect(results.map((r) => r.objective)).toEqual(caps.map((c) => 3 * Math.min(c, 2) + 2 * Math.max(0, c - 2)));
      expect(solverPool.stats().workers).toBeLessThanOrEqual(2);
    } finally {
      for (const s of sessions) s.close();
    }
    expect((await sessions[0].solve()).status).toBe('error');
  });

  it('retires a worker whose HiGHS failed and answers the next job from a fresh one', async () => {
    const own = new SolverPool(1);
    try {
      // A row that names column 5 of a one-column model: HiGHS refuses it, which leaves the worker's instance suspect.
      const bad: PackedModel = { ...pack(knapsack(3)), numCols: 1, colCost: Float64Array.of(1), colLower: Float64Array.of(0), colUpper: Float64Array.of(1), integer: Uint8Array.of(0), starts: Int32Array.of(0, 1), indices: Int32Array.of(5), values: Float64Array.of(1) };
      const r = await own.mip.solve(bad);
      expect(r.status).toBe('error');
      expect(own.stats().terminated).toBe(1);
      const next = await own.mip.solve(knapsack(5));
      expect(next.status).toBe('optimal');
      expect(next.objective).toBe(12);
    } finally {
      await own.close();
    }
  });
});

