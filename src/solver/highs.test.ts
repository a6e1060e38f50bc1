import { describe, expect, it } from 'vitest';
import { defaultSolver } from './highs.ts';
import { INF, ModelBuilder } from './model.ts';

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
});
