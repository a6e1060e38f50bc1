import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSolution } from '../validator.ts';
import type { RoutingSolution } from '../model.ts';
import { cvrpToProblem, parseCvrp, parseCvrpSolution } from './cvrplib.ts';
import { VRPTW_DIR } from '../../../../test/fixtures/vrptw.ts';

const DIR = `${VRPTW_DIR}/cvrp_x`;
const tiny = ['NAME : tiny', 'TYPE : CVRP', 'DIMENSION : 3', 'EDGE_WEIGHT_TYPE : EUC_2D', 'CAPACITY : 10',
  'NODE_COORD_SECTION', '1 0 0', '2 3 4', '3 1 1', 'DEMAND_SECTION', '1 0', '2 4', '3 5', 'DEPOT_SECTION', '1', '-1', 'EOF'];

describe('parseCvrp', () => {
  it('reads a tiny instance and rounds each edge to the nearest integer', () => {
    const r = parseCvrp(tiny.join('\n'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = cvrpToProblem(r.value);
    expect(p.stops.map((s) => s.id)).toEqual(['2', '3']);
    expect(p.travel.kind === 'arrays' && p.travel.distance[0][1]).toBe(5);
    expect(p.travel.kind === 'arrays' && p.travel.distance[0][2]).toBe(1); // √2 rounds to 1
  });

  it('names the section and line of a malformed coordinate', () => {
    const bad = [...tiny];
    bad[7] = '2 3';
    const r = parseCvrp(bad.join('\n'));
    expect(!r.ok && r.error.message).toBe('line 8: NODE_COORD_SECTION: expected "id x y"');
  });

  it('rejects an edge weight type other than EUC_2D', () => {
    const bad = [...tiny];
    bad[3] = 'EDGE_WEIGHT_TYPE : EXPLICIT';
    const r = parseCvrp(bad.join('\n'));
    expect(!r.ok && r.error.message).toBe('line 4: EDGE_WEIGHT_TYPE: only EUC_2D is supported');
  });

  it('rejects a file whose node count differs from DIMENSION', () => {
    const bad = tiny.filter((l) => l !== '3 1 1');
    const r = parseCvrp(bad.join('\n'));
    expect(!r.ok && r.error.message).toContain('NODE_COORD_SECTION: expected 3 nodes');
  });

  it('reproduces the published cost of the best-known solution of X-n101-k25', () => {
    const inst = parseCvrp(readFileSync(`${DIR}/X-n101-k25.vrp`, 'utf8'));
    const sol = parseCvrpSolution(readFileSync(`${DIR}/X-n101-k25.sol`, 'utf8'));
    if (!inst.ok || !sol.ok) throw new Error('parse failed');
    const problem = cvrpToProblem(inst.value);
    const m = problem.travel.kind === 'arrays' ? problem.travel.distance : [];
    const routes: RoutingSolution['routes'] = sol.value.routes.map((customers, k) => {
      let prev = 0;
      let dist = 0;
      let load = 0;
      const stops = customers.map((c) => {
        dist += m[prev][c];
        const at = dist;
        prev = c;
        load += inst.value.demand[c];
        return { stopId: String(c + 1), arrival: at, start: at, departure: at };
      });
      dist += m[prev][0];
      return {
        vehicleId: `vehicle#${k + 1}`, vehicleTypeId: 'vehicle', startDepotId: '1', endDepotId: '1',
        startTime: 0, endTime: dist, stops, distance: dist, travelDuration: dist, waiting: 0, load: [load], cost: dist,
      };
    });
    const total = routes.reduce((s, r) => s + r.distance, 0);
    expect(total).toBe(sol.value.cost);
    const solution: RoutingSolution = {
      routes, unassigned: [],
      totals: { vehicles: routes.length, distance: total, travelDuration: total, cost: total, unassigned: 0 },
      stats: { seed: 0, iterations: 0, elapsedMs: 0, timeToBestMs: 0 },
    };
    expect(validateSolution(problem, solution)).toEqual([]);
  });
});

describe('parseCvrpSolution', () => {
  it('names the line of an unexpected entry', () => {
    const r = parseCvrpSolution('Route #1: 1 2\nRoute two: 3\nCost 10');
    expect(!r.ok && r.error.message).toBe('line 2: line: expected "Route #k: ..." or "Cost N"');
  });
  it('requires the Cost line', () => {
    const r = parseCvrpSolution('Route #1: 1 2');
    expect(!r.ok && r.error.message).toContain('missing the "Cost N" line');
  });
});
