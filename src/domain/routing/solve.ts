/**
 * The routing context's entry point: `solveRouting(problem, options)` checks the problem,
 * sets aside stops no vehicle could ever serve (with a reason), runs the search and reports
 * routes with their schedules. Pure: time comes from `options.clock`, randomness from the seed.
 */
import { err, ok, type Result } from '../shared/index.ts';
import { seededRandom } from '../shared/index.ts';
import { compatible, compileProblem, fitsCapacity, serviceStart, type Instance } from './instance.ts';
import type {
  RouteResult, RoutingProblem, RoutingSolution, ScheduledStop, SolveOptions, UnassignedReason, UnassignedStop,
} from './model.ts';
import { search } from './search.ts';
import { singletonCost, type Solution } from './solution.ts';

const DEFAULT_ITERATIONS = 20_000;

export function solveRouting(problem: RoutingProblem, options: SolveOptions = {}): Result<RoutingSolution> {
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  if (Number.isFinite(timeLimitMs) && !options.clock)
    return err({ code: 'validation_failed', field: 'options.clock', message: 'options.clock: a clock is required with a time limit' });
  if (!(timeLimitMs > 0))
    return err({ code: 'validation_failed', field: 'options.timeLimitMs', message: `options.timeLimitMs: must be > 0, got ${timeLimitMs}`, expected: '> 0', actual: timeLimitMs });
  const maxIterations = options.maxIterations ?? (Number.isFinite(timeLimitMs) ? Infinity : DEFAULT_ITERATIONS);
  if (!(maxIterations >= 0))
    return err({ code: 'validation_failed', field: 'options.maxIterations', message: `options.maxIterations: must be >= 0, got ${maxIterations}`, expected: '>= 0', actual: maxIterations });
  const objective = options.objective ?? 'distance';
  if (objective !== 'distance' && objective !== 'vehicles')
    return err({ code: 'validation_failed', field: 'options.objective', message: `options.objective: expected "distance" or "vehicles", got "${objective}"`, expected: ['distance', 'vehicles'], actual: objective });
  const compiled = compileProblem(problem);
  if (!compiled.ok) return compiled;
  const inst = compiled.value;
  const seed = options.seed ?? 1;

  const unassigned: UnassignedStop[] = [];
  const assignable: number[] = [];
  for (let s = 0; s < inst.nStops; s++) {
    const node = inst.nDepots + s;
    const reason = unservableReason(inst, node);
    if (reason) unassigned.push({ stopId: inst.stopIds[s], reason });
    else assignable.push(node);
  }
  const clock = options.clock ?? (() => 0);
  const result = search(inst, assignable, {
    objective,
    rng: seededRandom(seed),
    maxIterations,
    timeLimitMs,
    clock,
    neighbours: options.neighbours ?? 20,
    onProgress: options.onProgress,
  });
  for (const u of result.best.unassigned) unassigned.push({ stopId: inst.stopIds[u - inst.nDepots], reason: 'fleet_exhausted' });
  const solution = report(inst, result.best, unassigned);
  solution.stats = {
    seed,
    iterations: result.iterations,
    elapsedMs: result.elapsedMs,
    timeToBestMs: result.timeToBestMs,
  };
  return ok(solution);
}

/** Why no vehicle could serve this stop even alone; null when one could. */
function unservableReason(inst: Instance, node: number): UnassignedReason | null {
  let anyCompatible = false;
  let anyFits = false;
  for (let v = 0; v < inst.vehicles.length; v++) {
    const veh = inst.vehicles[v];
    if (!compatible(inst, veh, node)) continue;
    anyCompatible = true;
    if (!fitsCapacity(inst, veh, node)) continue;
    anyFits = true;
    if (singletonCost(inst, v, node) < Infinity) return null;
  }
  if (!anyCompatible) return 'incompatible';
  if (!anyFits) return 'demand_exceeds_capacity';
  return 'time_window_unreachable';
}

function report(inst: Instance, sol: Solution, unassigned: UnassignedStop[]): RoutingSolution {
  const { n, dist, dur, service, dims } = inst;
  const types = inst.problem.vehicleTypes;
  const routes: RouteResult[] = [];
  for (const r of [...sol.routes].sort((a, b) => a.vehicle - b.vehicle)) {
    if (r.size === 0) continue;
    const v = r.veh;
    const nodes = r.nodes;
    let t = v.earliest;
    let distance = 0;
    let travel = 0;
    let waiting = 0;
    const stops: ScheduledStop[] = [];
    for (let p = 1; p < nodes.length; p++) {
      const a = nodes[p - 1];
      const b = nodes[p];
      distance += dist[a * n + b];
      travel += dur[a * n + b];
      const arrival = t + dur[a * n + b];
      if (p === nodes.length - 1) {
        t = arrival;
        break;
      }
      const start = serviceStart(inst, b, arrival);
      waiting += start - arrival;
      t = start + service[b];
      stops.push({ stopId: inst.stopIds[b - inst.nDepots], arrival, start, departure: t });
    }
    const load: number[] = [];
    for (let d = 0; d < dims; d++) load.push(r.load(d));
    const vt = types[v.typeIndex];
    routes.push({
      vehicleId: v.id,
      vehicleTypeId: vt.id,
      startDepotId: inst.problem.depots[v.startNode].id,
      endDepotId: inst.problem.depots[v.endNode].id,
      startTime: v.earliest,
      endTime: t,
      stops,
      distance,
      travelDuration: travel,
      waiting,
      load,
      cost: r.cost,
    });
  }
  let distance = 0;
  let travel = 0;
  let cost = 0;
  for (const r of routes) {
    distance += r.distance;
    travel += r.travelDuration;
    cost += r.cost;
  }
  return {
    routes,
    unassigned,
    totals: { vehicles: routes.length, distance, travelDuration: travel, cost, unassigned: unassigned.length },
    stats: { seed: 0, iterations: 0, elapsedMs: 0, timeToBestMs: 0 },
  };
}
