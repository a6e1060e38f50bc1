/**
 * Format detection and best-known-solution look-up for benchmark files. Pure: callers read
 * the files and pass their text.
 */
import { ok, type Result } from '../../shared/index.ts';
import type { RoutingObjective, RoutingProblem } from '../model.ts';
import { cvrpToProblem, parseCvrp } from './cvrplib.ts';
import { parseSolomon, solomonToProblem } from './solomon.ts';

export interface LoadedInstance {
  name: string;
  format: 'solomon' | 'cvrplib';
  problem: RoutingProblem;
}

/** `.vrp` (or text starting with a TSPLIB `NAME :` header) is CVRPLIB; anything else Solomon. */
export function parseInstance(fileName: string, text: string): Result<LoadedInstance> {
  if (fileName.toLowerCase().endsWith('.vrp') || /^\s*NAME\s*:/.test(text)) {
    const r = parseCvrp(text);
    if (!r.ok) return r;
    return ok({ name: r.value.name || baseName(fileName), format: 'cvrplib', problem: cvrpToProblem(r.value) });
  }
  const r = parseSolomon(text);
  if (!r.ok) return r;
  return ok({ name: r.value.name || baseName(fileName), format: 'solomon', problem: solomonToProblem(r.value) });
}

export interface BestKnown {
  vehicles?: number;
  distance: number;
  /** Which column the figures came from, e.g. `distonly_distance`. */
  source: string;
}

/**
 * Finds `name` in a benchmark csv (bks_solomon.csv, bks_homberger_200.csv, bks_cvrp_x.csv) and
 * returns the figures matching the objective: `distonly_*` for distance where present,
 * `hier_*` for vehicles (and for distance when the file has nothing else), the rounded cost
 * for CVRP. Null when the instance is not listed.
 */
export function findBestKnown(csvText: string, name: string, objective: RoutingObjective): BestKnown | null {
  const lines = csvText.trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (h: string): number => header.indexOf(h);
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells[0].toLowerCase() !== name.toLowerCase()) continue;
    const get = (h: string): number | undefined => (col(h) >= 0 ? Number(cells[col(h)]) : undefined);
    if (objective === 'distance' && get('distonly_distance') !== undefined)
      return { vehicles: get('distonly_vehicles'), distance: get('distonly_distance')!, source: 'distonly_distance' };
    if (get('hier_distance') !== undefined)
      return { vehicles: get('hier_vehicles'), distance: get('hier_distance')!, source: 'hier_distance' };
    if (get('bks_cost_rounded_int') !== undefined)
      return { vehicles: get('bks_routes'), distance: get('bks_cost_rounded_int')!, source: 'bks_cost_rounded_int' };
  }
  return null;
}

function baseName(fileName: string): string {
  const b = fileName.split(/[\\/]/).pop() ?? fileName;
  return b.replace(/\.[^.]+$/, '');
}
