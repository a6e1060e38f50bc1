import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSolomon, solomonToProblem } from './formats/solomon.ts';
import { solveRouting } from './solve.ts';
import { validateSolution } from './validator.ts';
import { VRPTW_DIR } from '../../../test/fixtures/vrptw.ts';

const DIR = VRPTW_DIR;

function load(name: string) {
  const r = parseSolomon(readFileSync(`${DIR}/solomon/${name}.txt`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return solomonToProblem(r.value);
}

describe('Solomon instances', () => {
  it('solves RC105 within 3% of the best-known distance-only solution in 3000 iterations', () => {
    const problem = load('RC105');
    const r = solveRouting(problem, { maxIterations: 3000, seed: 1 });
    if (!r.ok) throw new Error(r.error.message);
    expect(validateSolution(problem, r.value)).toEqual([]);
    expect(r.value.unassigned).toEqual([]);
    expect(r.value.totals.distance).toBeLessThan(1518.58 * 1.03);
  });

  it('finds the 10-vehicle optimum of C101 under the vehicles objective', () => {
    const problem = load('C101');
    const r = solveRouting(problem, { maxIterations: 1500, seed: 1, objective: 'vehicles' });
    if (!r.ok) throw new Error(r.error.message);
    expect(validateSolution(problem, r.value)).toEqual([]);
    expect(r.value.totals.vehicles).toBe(10);
    expect(r.value.totals.distance).toBeCloseTo(828.94, 1);
  });

  it('uses fewer vehicles under the vehicles objective than under distance on R201', () => {
    const problem = load('R201');
    const byDistance = solveRouting(problem, { maxIterations: 1500, seed: 1, objective: 'distance' });
    const byVehicles = solveRouting(problem, { maxIterations: 3000, seed: 1, objective: 'vehicles' });
    if (!byDistance.ok || !byVehicles.ok) throw new Error('solve failed');
    expect(validateSolution(problem, byVehicles.value)).toEqual([]);
    expect(byVehicles.value.totals.vehicles).toBeLessThan(byDistance.value.totals.vehicles);
    expect(byVehicles.value.totals.vehicles).toBeLessThanOrEqual(5);
  });
});
