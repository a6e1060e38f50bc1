import { describe, expect, it } from 'vitest';
import { okSmall, threeTemps } from './fixtures/small.ts';
import type { RoutingSolution } from './model.ts';
import { solveRouting } from './solve.ts';
import { validateSolution } from './validator.ts';

function solved(problem = okSmall()): RoutingSolution {
  const r = solveRouting(problem, { maxIterations: 100, seed: 3 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const codes = (problem: Parameters<typeof validateSolution>[0], s: RoutingSolution) => validateSolution(problem, s).map((v) => v.code);

describe('validateSolution', () => {
  it('accepts a solver answer as is', () => {
    expect(validateSolution(okSmall(), solved())).toEqual([]);
  });

  it('catches a stop served twice and the totals that no longer add up', () => {
    const s = solved();
    s.routes[1].stops.push({ ...s.routes[0].stops[0] });
    expect(codes(okSmall(), s)).toContain('stop_served_twice');
    expect(codes(okSmall(), s)).toContain('capacity_exceeded');
    expect(codes(okSmall(), s)).toContain('total_mismatch');
  });

  it('catches a stop left out without a reason', () => {
    const s = solved();
    s.routes[0].stops.pop();
    expect(codes(okSmall(), s)).toContain('stop_missing');
  });

  it('catches a missed time window with the arrival time as the actual value', () => {
    const problem = okSmall();
    const s = solved(problem);
    const id = s.routes[0].stops[1].stopId;
    problem.stops.find((x) => x.id === id)!.windows = [[0, 1]];
    const v = validateSolution(problem, s).find((x) => x.code === 'time_window_violated');
    expect(v).toMatchObject({ stopId: id, expected: '<= 1' });
  });

  it('catches a frozen stop on a dry van and a shift overrun', () => {
    const problem = threeTemps();
    const s = solved(problem);
    const reefer = s.routes.find((r) => r.vehicleTypeId === 'reefer')!;
    reefer.vehicleTypeId = 'dry-van';
    reefer.vehicleId = 'dry-van#9';
    const found = codes(problem, s);
    expect(found).toContain('incompatible');
    expect(found).toContain('capacity_exceeded');
    problem.vehicleTypes[0].shift = [0, 10];
    expect(codes(problem, s)).toContain('shift_violated');
  });

  it('catches more routes than a vehicle type has vehicles', () => {
    const problem = okSmall();
    problem.vehicleTypes[0].count = 1;
    expect(codes(problem, solved())).toContain('fleet_exceeded');
  });
});
