/**
 * Parsers for CVRPLIB: TSPLIB-style `.vrp` instances (`KEY : value` header, NODE_COORD_SECTION,
 * DEMAND_SECTION, DEPOT_SECTION, EOF) and `.sol` solutions (`Route #k: c1 c2 ...`, `Cost N`).
 * Only EUC_2D is supported; by the CVRPLIB convention each edge is rounded to the nearest
 * integer. In `.sol` files customers are numbered 1..n, i.e. `.vrp` node id minus one.
 */
import { err, ok, type Result } from '../../shared/index.ts';
import type { RoutingProblem } from '../model.ts';

export interface CvrpInstance {
  name: string;
  capacity: number;
  /** Node ids as in the file (1-based), coordinates and demands in file order. */
  ids: number[];
  x: number[];
  y: number[];
  demand: number[];
  depot: number;
  edgeWeightType: string;
}

export interface CvrpSolution {
  /** Customers per route, numbered as in the `.sol` file (1..n). */
  routes: number[][];
  cost: number;
}

const failAt = <T>(line: number, field: string, message: string, actual?: unknown): Result<T> =>
  err<T>({ code: 'validation_failed', field: `line ${line}: ${field}`, message: `line ${line}: ${field}: ${message}`, actual, details: { line } });

export function parseCvrp(text: string): Result<CvrpInstance> {
  const lines = text.split(/\r?\n/);
  const header = new Map<string, { value: string; line: number }>();
  let section: 'none' | 'coords' | 'demand' | 'depot' = 'none';
  const coords = new Map<number, [number, number]>();
  const demands = new Map<number, number>();
  const depots: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    const ln = i + 1;
    if (raw === '') continue;
    if (raw === 'EOF') break;
    const keyword = raw.split(/\s+/)[0].replace(/:$/, '');
    if (keyword === 'NODE_COORD_SECTION') { section = 'coords'; continue; }
    if (keyword === 'DEMAND_SECTION') { section = 'demand'; continue; }
    if (keyword === 'DEPOT_SECTION') { section = 'depot'; continue; }
    if (raw.includes(':') && /^[A-Z_]+\s*:/.test(raw)) {
      const at = raw.indexOf(':');
      header.set(raw.slice(0, at).trim(), { value: raw.slice(at + 1).trim(), line: ln });
      section = 'none';
      continue;
    }
    const parts = raw.split(/\s+/).map(Number);
    if (section === 'coords') {
      if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) return failAt(ln, 'NODE_COORD_SECTION', 'expected "id x y"', raw);
      coords.set(parts[0], [parts[1], parts[2]]);
    } else if (section === 'demand') {
      if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) return failAt(ln, 'DEMAND_SECTION', 'expected "id demand"', raw);
      if (parts[1] < 0) return failAt(ln, 'DEMAND_SECTION', 'demand must be >= 0', parts[1]);
      demands.set(parts[0], parts[1]);
    } else if (section === 'depot') {
      if (parts.length !== 1 || !Number.isInteger(parts[0])) return failAt(ln, 'DEPOT_SECTION', 'expected one node id per line', raw);
      if (parts[0] !== -1) depots.push(parts[0]);
    } else {
      return failAt(ln, 'line', 'unexpected line outside any section', raw);
    }
  }
  const name = header.get('NAME')?.value ?? '';
  const dimension = Number(header.get('DIMENSION')?.value);
  const capacity = Number(header.get('CAPACITY')?.value);
  const ewt = header.get('EDGE_WEIGHT_TYPE')?.value ?? '';
  if (!Number.isInteger(dimension) || dimension < 2) return failAt(header.get('DIMENSION')?.line ?? 1, 'DIMENSION', 'expected an integer >= 2', header.get('DIMENSION')?.value);
  if (!(capacity > 0)) return failAt(header.get('CAPACITY')?.line ?? 1, 'CAPACITY', 'expected a positive number', header.get('CAPACITY')?.value);
  if (ewt !== 'EUC_2D') return failAt(header.get('EDGE_WEIGHT_TYPE')?.line ?? 1, 'EDGE_WEIGHT_TYPE', 'only EUC_2D is supported', ewt);
  if (coords.size !== dimension) return failAt(lines.length, 'NODE_COORD_SECTION', `expected ${dimension} nodes (DIMENSION)`, coords.size);
  if (demands.size !== dimension) return failAt(lines.length, 'DEMAND_SECTION', `expected ${dimension} demands (DIMENSION)`, demands.size);
  if (depots.length !== 1) return failAt(lines.length, 'DEPOT_SECTION', 'expected exactly one depot', depots.length);
  const ids = [...coords.keys()].sort((a, b) => a - b);
  for (const id of ids) if (!demands.has(id)) return failAt(lines.length, 'DEMAND_SECTION', `no demand for node ${id}`);
  if (!coords.has(depots[0])) return failAt(lines.length, 'DEPOT_SECTION', `depot ${depots[0]} is not a node`, depots[0]);
  return ok({
    name, capacity, ids,
    x: ids.map((id) => coords.get(id)![0]),
    y: ids.map((id) => coords.get(id)![1]),
    demand: ids.map((id) => demands.get(id)!),
    depot: depots[0],
    edgeWeightType: ewt,
  });
}

export function parseCvrpSolution(text: string): Result<CvrpSolution> {
  const lines = text.split(/\r?\n/);
  const routes: number[][] = [];
  let cost: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const route = /^Route\s*#\s*(\d+)\s*:(.*)$/i.exec(raw);
    if (route) {
      const parts = route[2].trim() === '' ? [] : route[2].trim().split(/\s+/).map(Number);
      if (parts.some((p) => !Number.isInteger(p) || p < 1)) return failAt(i + 1, `Route #${route[1]}`, 'expected customer numbers >= 1', route[2].trim());
      routes.push(parts);
      continue;
    }
    const c = /^Cost\s+(\S+)$/i.exec(raw);
    if (c) {
      cost = Number(c[1]);
      if (!Number.isFinite(cost)) return failAt(i + 1, 'Cost', 'expected a number', c[1]);
      continue;
    }
    return failAt(i + 1, 'line', 'expected "Route #k: ..." or "Cost N"', raw);
  }
  if (cost === undefined) return failAt(lines.length, 'Cost', 'missing the "Cost N" line');
  return ok({ routes, cost });
}

/** TSPLIB nint of the Euclidean distance. */
export function roundedEuclidean(xs: number[], ys: number[]): number[][] {
  return xs.map((x, i) => xs.map((x2, j) => Math.floor(Math.hypot(x - x2, ys[i] - ys[j]) + 0.5)));
}

/** One depot, an unlimited fleet (one vehicle per customer), no time windows. */
export function cvrpToProblem(inst: CvrpInstance): RoutingProblem {
  const m = roundedEuclidean(inst.x, inst.y);
  const depotIndex = inst.ids.indexOf(inst.depot);
  const stops = inst.ids
    .map((id, k) => ({ id: String(id), location: k, demand: [inst.demand[k]] }))
    .filter((_, k) => k !== depotIndex);
  return {
    dimensions: ['demand'],
    depots: [{ id: String(inst.depot), location: depotIndex }],
    vehicleTypes: [{ id: 'vehicle', count: stops.length, capacity: [inst.capacity], depotId: String(inst.depot) }],
    stops,
    travel: { kind: 'arrays', distance: m, duration: m },
  };
}
