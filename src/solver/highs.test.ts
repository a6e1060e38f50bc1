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
    const build = () => {
      const b = new PackedModelBuilder();
      const x: number[][] = [];
      for (let i = 0; i < 12; i++) x.push(Array.from({ length: 15 }, (_, j) => b.addVar({ cost: ((i * 7 + j * 13) % 17) + 1 })));
      for (let i = 0; i < 12; i++) b.addRow(x[i].map((c) => [c, 1] as [number, number]), -INF, 30 + i);
      for (let j = 0; j < 15; j++) b.addRow(x.map((r) => [r[j], 1] as [number, number]), 20, INF);
      return b.build();
    };
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
});
