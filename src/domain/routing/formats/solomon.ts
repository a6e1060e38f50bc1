/**
 * Parser for Solomon (1987) and Gehring & Homberger (1999) VRPTW instances (.txt, CRLF or LF):
 * a name line, a VEHICLE block (NUMBER, CAPACITY), a CUSTOMER header and one row per node
 * `CUST NO. XCOORD. YCOORD. DEMAND READY_TIME DUE_DATE SERVICE_TIME`, node 0 being the depot.
 * Distances are real-valued Euclidean (never rounded) and travel time equals distance.
 */
import { err, ok, type Result } from '../../shared/index.ts';
import type { RoutingProblem } from '../model.ts';

export interface SolomonNode {
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

export interface SolomonInstance {
  name: string;
  vehicleCount: number;
  capacity: number;
  /** nodes[0] is the depot. */
  nodes: SolomonNode[];
}

const FIELDS = ['CUST NO.', 'XCOORD.', 'YCOORD.', 'DEMAND', 'READY TIME', 'DUE DATE', 'SERVICE TIME'] as const;

export function parseSolomon(text: string): Result<SolomonInstance> {
  const lines = text.split(/\r?\n/);
  const fail = (line: number, field: string, message: string, actual?: unknown) =>
    err<SolomonInstance>({ code: 'validation_failed', field: `line ${line}: ${field}`, message: `line ${line}: ${field}: ${message}`, actual, details: { line } });
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && lines[i].trim() === '') i++;
  };
  skipBlank();
  if (i >= lines.length) return fail(1, 'name', 'the file is empty');
  const name = lines[i].trim();
  i++;
  skipBlank();
  if (lines[i]?.trim().toUpperCase() !== 'VEHICLE') return fail(i + 1, 'VEHICLE', 'expected the VEHICLE section', lines[i]?.trim());
  i++;
  skipBlank();
  if (!/^NUMBER\s+CAPACITY$/i.test(lines[i]?.trim() ?? '')) return fail(i + 1, 'NUMBER CAPACITY', 'expected the header "NUMBER CAPACITY"', lines[i]?.trim());
  i++;
  skipBlank();
  const vparts = (lines[i] ?? '').trim().split(/\s+/);
  const vehicleCount = Number(vparts[0]);
  const capacity = Number(vparts[1]);
  if (vparts.length !== 2 || !Number.isInteger(vehicleCount) || vehicleCount < 1)
    return fail(i + 1, 'NUMBER', 'expected a positive integer vehicle count and a capacity', lines[i]?.trim());
  if (!Number.isFinite(capacity) || capacity <= 0) return fail(i + 1, 'CAPACITY', 'expected a positive number', vparts[1]);
  i++;
  skipBlank();
  if (lines[i]?.trim().toUpperCase() !== 'CUSTOMER') return fail(i + 1, 'CUSTOMER', 'expected the CUSTOMER section', lines[i]?.trim());
  i++;
  skipBlank();
  if (!/^CUST/i.test(lines[i]?.trim() ?? '')) return fail(i + 1, 'header', 'expected the column header starting with "CUST NO."', lines[i]?.trim());
  i++;
  const nodes: SolomonNode[] = [];
  for (; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const parts = raw.split(/\s+/);
    if (parts.length !== 7) return fail(i + 1, 'row', `expected 7 numbers (${FIELDS.join(', ')}), got ${parts.length}`, raw);
    const vals = parts.map(Number);
    for (let k = 0; k < 7; k++) if (!Number.isFinite(vals[k])) return fail(i + 1, FIELDS[k], 'expected a number', parts[k]);
    const [id, x, y, demand, ready, due, service] = vals;
    if (id !== nodes.length) return fail(i + 1, 'CUST NO.', `expected ${nodes.length} (rows are numbered from 0)`, id);
    if (demand < 0) return fail(i + 1, 'DEMAND', 'must be >= 0', demand);
    if (ready > due) return fail(i + 1, 'READY TIME', `must be <= DUE DATE (${due})`, ready);
    if (service < 0) return fail(i + 1, 'SERVICE TIME', 'must be >= 0', service);
    nodes.push({ id, x, y, demand, ready, due, service });
  }
  if (nodes.length < 2) return fail(lines.length, 'CUSTOMER', 'expected a depot row and at least one customer', nodes.length);
  return ok({ name, vehicleCount, capacity, nodes });
}

export function euclidean(xs: ArrayLike<number>, ys: ArrayLike<number>): number[][] {
  const n = xs.length;
  const m: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = Math.hypot(xs[i] - xs[j], ys[i] - ys[j]);
    m.push(row);
  }
  return m;
}

/**
 * The literature's convention: one depot whose due date is the horizon, `vehicleCount`
 * identical vehicles, travel time = distance, waiting allowed, service starts by the due date.
 */
export function solomonToProblem(inst: SolomonInstance): RoutingProblem {
  const depot = inst.nodes[0];
  const m = euclidean(
    inst.nodes.map((p) => p.x),
    inst.nodes.map((p) => p.y),
  );
  return {
    dimensions: ['demand'],
    depots: [{ id: 'depot', location: 0, window: [depot.ready, depot.due] }],
    vehicleTypes: [{ id: 'vehicle', count: inst.vehicleCount, capacity: [inst.capacity], depotId: 'depot' }],
    stops: inst.nodes.slice(1).map((p) => ({
      id: String(p.id),
      location: p.id,
      demand: [p.demand],
      windows: [[p.ready, p.due]] as [number, number][],
      serviceDuration: p.service,
    })),
    travel: { kind: 'arrays', distance: m, duration: m },
  };
}
