/**
 * The compiled form of a `RoutingProblem`: flat typed arrays indexed by internal node number
 * (depots first, then stops), one entry per physical vehicle, skills as bit masks and one cost
 * matrix per distinct (cost per distance, cost per duration) pair. Compiling checks every
 * field once, so the search code can assume a valid instance.
 */
import { err, ok, type Result } from '../shared/index.ts';
import type { RoutingProblem } from './model.ts';

export interface VehicleInst {
  id: string;
  typeIndex: number;
  startNode: number;
  endNode: number;
  capacity: Float64Array;
  /** Earliest departure and latest return, already intersected with the depots' windows. */
  earliest: number;
  latest: number;
  fixedCost: number;
  /** Index into `Instance.cost`. */
  profile: number;
  skills: number;
}

export interface Instance {
  problem: RoutingProblem;
  nDepots: number;
  nStops: number;
  /** nDepots + nStops. */
  n: number;
  dims: number;
  dist: Float64Array;
  dur: Float64Array;
  /** One n×n edge-cost matrix per cost profile. */
  cost: Float64Array[];
  demand: Float64Array;
  service: Float64Array;
  /** First window's open and last window's close; the whole story when `windows[i]` is null. */
  twOpen: Float64Array;
  twClose: Float64Array;
  /** Flattened [open, close, open, close, ...] for stops with more than one window. */
  windows: (Float64Array | null)[];
  skills: Uint32Array;
  vehicles: VehicleInst[];
  /** For each vehicle type, the indices of its vehicles in `vehicles`. */
  vehiclesByType: number[][];
  stopIds: string[];
}

const fieldError = (field: string, message: string, expected?: unknown, actual?: unknown) =>
  err<Instance>({ code: 'validation_failed', field, message: `${field}: ${message}`, expected, actual });

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function compileProblem(problem: RoutingProblem): Result<Instance> {
  const { depots, vehicleTypes, stops, travel } = problem;
  if (depots.length === 0) return fieldError('depots', 'at least one depot is required', '>= 1', 0);
  if (vehicleTypes.length === 0) return fieldError('vehicleTypes', 'at least one vehicle type is required', '>= 1', 0);
  const size = travel.kind === 'arrays' ? travel.distance.length : travel.size;
  if (travel.kind === 'arrays') {
    if (travel.duration.length !== size)
      return fieldError('travel.duration', 'must have as many rows as travel.distance', size, travel.duration.length);
    for (let i = 0; i < size; i++) {
      if (travel.distance[i].length !== size) return fieldError(`travel.distance.${i}`, 'row length must equal the matrix size', size, travel.distance[i].length);
      if (travel.duration[i].length !== size) return fieldError(`travel.duration.${i}`, 'row length must equal the matrix size', size, travel.duration[i].length);
    }
  }
  const dims = vehicleTypes[0].capacity.length;
  const skillBits = new Map<string, number>();
  const skillMask = (names: string[] | undefined, field: string): number | string => {
    let mask = 0;
    for (const name of names ?? []) {
      let bit = skillBits.get(name);
      if (bit === undefined) {
        if (skillBits.size >= 31) return `${field}: at most 31 distinct skills are supported`;
        bit = skillBits.size;
        skillBits.set(name, bit);
      }
      mask |= 1 << bit;
    }
    return mask;
  };

  const depotIndex = new Map<string, number>();
  for (let i = 0; i < depots.length; i++) {
    const d = depots[i];
    if (depotIndex.has(d.id)) return fieldError(`depots.${i}.id`, `duplicate depot id "${d.id}"`);
    depotIndex.set(d.id, i);
    if (!Number.isInteger(d.location) || d.location < 0 || d.location >= size)
      return fieldError(`depots.${i}.location`, 'must index the travel matrix', `0..${size - 1}`, d.location);
    if (d.window && !(finite(d.window[0]) && finite(d.window[1]) && d.window[0] <= d.window[1]))
      return fieldError(`depots.${i}.window`, 'open must be <= close', 'open <= close', d.window);
  }
  const nDepots = depots.length;
  const nStops = stops.length;
  const n = nDepots + nStops;
  const location = new Int32Array(n);
  const demand = new Float64Array(n * dims);
  const service = new Float64Array(n);
  const twOpen = new Float64Array(n).fill(-Infinity);
  const twClose = new Float64Array(n).fill(Infinity);
  const windows: (Float64Array | null)[] = new Array(n).fill(null);
  const skills = new Uint32Array(n);
  const stopIds: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < nDepots; i++) {
    location[i] = depots[i].location;
    if (depots[i].window) {
      twOpen[i] = depots[i].window![0];
      twClose[i] = depots[i].window![1];
    }
  }
  for (let s = 0; s < nStops; s++) {
    const stop = stops[s];
    const node = nDepots + s;
    const f = `stops.${s}`;
    if (seen.has(stop.id)) return fieldError(`${f}.id`, `duplicate stop id "${stop.id}"`);
    seen.add(stop.id);
    stopIds.push(stop.id);
    if (!Number.isInteger(stop.location) || stop.location < 0 || stop.location >= size)
      return fieldError(`${f}.location`, 'must index the travel matrix', `0..${size - 1}`, stop.location);
    location[node] = stop.location;
    if (stop.demand.length !== dims)
      return fieldError(`${f}.demand`, 'must have one entry per capacity dimension', dims, stop.demand.length);
    for (let d = 0; d < dims; d++) {
      const q = stop.demand[d];
      if (!finite(q) || q < 0) return fieldError(`${f}.demand.${d}`, 'must be a finite number >= 0', '>= 0', q);
      demand[node * dims + d] = q;
    }
    const svc = stop.serviceDuration ?? 0;
    if (!finite(svc) || svc < 0) return fieldError(`${f}.serviceDuration`, 'must be a finite number >= 0', '>= 0', svc);
    service[node] = svc;
    const ws = stop.windows ?? [];
    for (let w = 0; w < ws.length; w++) {
      const [a, b] = ws[w];
      if (!(finite(a) && finite(b))) return fieldError(`${f}.windows.${w}`, 'open and close must be finite numbers', 'numbers', ws[w]);
      if (a > b) return fieldError(`${f}.windows.${w}`, `open must be <= close, got ${a} > ${b}`, 'open <= close', ws[w]);
      if (w > 0 && a <= ws[w - 1][1])
        return fieldError(`${f}.windows.${w}`, 'windows must be sorted and must not overlap', `open > ${ws[w - 1][1]}`, a);
    }
    if (ws.length > 0) {
      twOpen[node] = ws[0][0];
      twClose[node] = ws[ws.length - 1][1];
    }
    if (ws.length > 1) windows[node] = Float64Array.from(ws.flat());
    const mask = skillMask(stop.requiredSkills, `${f}.requiredSkills`);
    if (typeof mask === 'string') return fieldError(`${f}.requiredSkills`, mask);
    skills[node] = mask;
  }

  const dist = new Float64Array(n * n);
  const dur = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = location[i];
      const b = location[j];
      const d = travel.kind === 'arrays' ? travel.distance[a][b] : travel.distance(a, b);
      const t = travel.kind === 'arrays' ? travel.duration[a][b] : travel.duration(a, b);
      if (!finite(d) || d < 0) return fieldError(`travel.distance.${a}.${b}`, 'must be a finite number >= 0', '>= 0', d);
      if (!finite(t) || t < 0) return fieldError(`travel.duration.${a}.${b}`, 'must be a finite number >= 0', '>= 0', t);
      dist[i * n + j] = d;
      dur[i * n + j] = t;
    }
  }

  const profiles: [number, number][] = [];
  const cost: Float64Array[] = [];
  const vehicles: VehicleInst[] = [];
  const vehiclesByType: number[][] = [];
  const typeIds = new Set<string>();
  for (let t = 0; t < vehicleTypes.length; t++) {
    const vt = vehicleTypes[t];
    const f = `vehicleTypes.${t}`;
    if (typeIds.has(vt.id)) return fieldError(`${f}.id`, `duplicate vehicle type id "${vt.id}"`);
    typeIds.add(vt.id);
    if (!Number.isInteger(vt.count) || vt.count < 0) return fieldError(`${f}.count`, 'must be an integer >= 0', '>= 0', vt.count);
    if (vt.capacity.length !== dims)
      return fieldError(`${f}.capacity`, 'every vehicle type needs the same number of dimensions', dims, vt.capacity.length);
    for (let d = 0; d < dims; d++)
      if (!finite(vt.capacity[d]) || vt.capacity[d] < 0) return fieldError(`${f}.capacity.${d}`, 'must be a finite number >= 0', '>= 0', vt.capacity[d]);
    const start = depotIndex.get(vt.depotId);
    if (start === undefined) return fieldError(`${f}.depotId`, `unknown depot "${vt.depotId}"`, [...depotIndex.keys()], vt.depotId);
    const end = depotIndex.get(vt.endDepotId ?? vt.depotId);
    if (end === undefined) return fieldError(`${f}.endDepotId`, `unknown depot "${vt.endDepotId}"`, [...depotIndex.keys()], vt.endDepotId);
    const shift = vt.shift ?? [-Infinity, Infinity];
    if (!(shift[0] <= shift[1])) return fieldError(`${f}.shift`, `start must be <= end, got ${shift[0]} > ${shift[1]}`, 'start <= end', shift);
    const cd = vt.costPerDistance ?? 1;
    const ct = vt.costPerDuration ?? 0;
    const fixed = vt.fixedCost ?? 0;
    for (const [name, v] of [['costPerDistance', cd], ['costPerDuration', ct], ['fixedCost', fixed]] as const)
      if (!finite(v) || v < 0) return fieldError(`${f}.${name}`, 'must be a finite number >= 0', '>= 0', v);
    let profile = profiles.findIndex(([a, b]) => a === cd && b === ct);
    if (profile < 0) {
      profile = profiles.length;
      profiles.push([cd, ct]);
      if (cd === 1 && ct === 0) cost.push(dist);
      else {
        const m = new Float64Array(n * n);
        for (let k = 0; k < n * n; k++) m[k] = cd * dist[k] + ct * dur[k];
        cost.push(m);
      }
    }
    const mask = skillMask(vt.skills, `${f}.skills`);
    if (typeof mask === 'string') return fieldError(`${f}.skills`, mask);
    const capacity = Float64Array.from(vt.capacity);
    // With neither a shift nor a depot window, routes leave at time 0.
    const earliestRaw = Math.max(shift[0], twOpen[start]);
    const earliest = Number.isFinite(earliestRaw) ? earliestRaw : 0;
    const latest = Math.min(shift[1], twClose[end]);
    const ids: number[] = [];
    for (let k = 0; k < vt.count; k++) {
      ids.push(vehicles.length);
      vehicles.push({
        id: vt.count === 1 ? vt.id : `${vt.id}#${k + 1}`,
        typeIndex: t,
        startNode: start,
        endNode: end,
        capacity,
        earliest,
        latest,
        fixedCost: fixed,
        profile,
        skills: mask,
      });
    }
    vehiclesByType.push(ids);
  }
  return ok({
    problem, nDepots, nStops, n, dims, dist, dur, cost, demand, service, twOpen, twClose, windows, skills,
    vehicles, vehiclesByType, stopIds,
  });
}

/**
 * Service start at `node` when arriving at `arrival`: the arrival itself inside a window, the
 * next window's opening when early, Infinity when every window has closed.
 */
export function serviceStart(inst: Instance, node: number, arrival: number): number {
  const ws = inst.windows[node];
  if (ws === null) {
    if (arrival > inst.twClose[node]) return Infinity;
    return arrival < inst.twOpen[node] ? inst.twOpen[node] : arrival;
  }
  for (let k = 0; k < ws.length; k += 2) {
    if (arrival <= ws[k + 1]) return arrival < ws[k] ? ws[k] : arrival;
  }
  return Infinity;
}

/**
 * The latest arrival at `node` from which service can start and finish by `latestEnd`
 * (the latest departure the rest of the route allows); -Infinity when none.
 */
export function latestArrival(inst: Instance, node: number, latestEnd: number): number {
  const latestStart = latestEnd - inst.service[node];
  const ws = inst.windows[node];
  if (ws === null) {
    if (latestStart < inst.twOpen[node]) return -Infinity;
    return latestStart < inst.twClose[node] ? latestStart : inst.twClose[node];
  }
  for (let k = ws.length - 2; k >= 0; k -= 2) {
    if (latestStart >= ws[k]) return latestStart < ws[k + 1] ? latestStart : ws[k + 1];
  }
  return -Infinity;
}

/** Whether a vehicle can carry a stop at all: skills and non-zero capacity where demanded. */
export function compatible(inst: Instance, v: VehicleInst, node: number): boolean {
  if ((inst.skills[node] & ~v.skills) !== 0) return false;
  const base = node * inst.dims;
  for (let d = 0; d < inst.dims; d++) if (inst.demand[base + d] > 0 && v.capacity[d] <= 0) return false;
  return true;
}

export function fitsCapacity(inst: Instance, v: VehicleInst, node: number): boolean {
  const base = node * inst.dims;
  for (let d = 0; d < inst.dims; d++) if (inst.demand[base + d] > v.capacity[d]) return false;
  return true;
}
