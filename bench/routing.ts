/**
 * Benchmark `routing`: solution quality of the VRPTW solver against best-known solutions, and
 * speed on synthetic Baogong-sized days. Every solution goes through the independent validator.
 *
 * Default (under a minute, single core):
 *  - the 14 Solomon instances at 2 s each, distance-only objective, gap to `distonly_distance`;
 *  - day300: 300 stops around Beijing Yizhuang, 20 vehicles, 3 temperature classes;
 *  - slot1000: 1,000 customer orders of one two-hour delivery slot, e-bike riders from a store.
 * `--full` adds the 10 s Solomon pass, Gehring-Homberger 200 (vehicles objective) and CVRP X.
 * Options: `--seconds N` (Solomon short pass), `--only NAME` (Solomon instance subset), `--seed N`,
 * `--wall` (time limits in wall time instead of process CPU time).
 *
 * Headline: solomonAvgGapPct2s, solomonAvgGapPct10s (full only), infeasibleRoutes (routes with
 * a validator violation, over every run; must be 0), day300StopsSec (wall time of the day300
 * solve at a fixed iteration budget), plus a few secondary figures.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findBestKnown, parseInstance, type RoutingObjective, type RoutingProblem, type RoutingSolution, type Stop, type VehicleType, solveRouting, validateSolution } from '../src/domain/routing/index.ts';
import { seededRandom } from '../src/domain/shared/index.ts';
import { VRPTW_DIR } from '../test/fixtures/vrptw.ts';
import { StraightLineTravel } from '../src/domain/geo/index.ts';

const DIR = VRPTW_DIR;
const SOLOMON = ['C101', 'C105', 'C201', 'C205', 'R101', 'R105', 'R109', 'R201', 'R205', 'R209', 'RC101', 'RC105', 'RC201', 'RC205'];

interface Row {
  instance: string;
  objective: RoutingObjective;
  seconds: number;
  vehicles: number;
  distance: number;
  bksVehicles?: number;
  bksDistance?: number;
  gapPct?: number;
  timeToBestSec: number;
  iterations: number;
  badRoutes: number;
  unassigned: number;
}

let infeasibleRoutes = 0;
let lastBadRoutes = 0;

/**
 * The clock the time limits use. By default the process's CPU time: the benchmark machine is
 * shared, and CPU time is what a dedicated single core would give (it also counts the garbage
 * collector's helper threads, so it errs on the short side). `--wall` uses wall time.
 */
let clock: () => number = () => performance.now();
const cpuClock = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

function solve(problem: RoutingProblem, objective: RoutingObjective, opts: { seconds?: number; iterations?: number; seed: number }): RoutingSolution {
  const r = solveRouting(problem, {
    objective,
    seed: opts.seed,
    timeLimitMs: opts.seconds !== undefined ? opts.seconds * 1000 : undefined,
    maxIterations: opts.iterations,
    clock,
  });
  if (!r.ok) throw new Error(r.error.message);
  const violations = validateSolution(problem, r.value);
  const bad = new Set(violations.map((v) => v.routeIndex ?? -1));
  infeasibleRoutes += bad.size;
  lastBadRoutes = bad.size;
  if (violations.length > 0) process.stderr.write(`validator: ${violations.slice(0, 5).map((v) => v.message).join('; ')}\n`);
  return r.value;
}

function runFile(file: string, csv: string, objective: RoutingObjective, seconds: number, seed: number): Row {
  const loaded = parseInstance(file, readFileSync(file, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.error.message);
  const s = solve(loaded.value.problem, objective, { seconds, seed });
  const bks = findBestKnown(readFileSync(csv, 'utf8'), loaded.value.name, objective);
  return {
    instance: loaded.value.name,
    objective,
    seconds,
    vehicles: s.totals.vehicles,
    distance: s.totals.distance,
    bksVehicles: bks?.vehicles,
    bksDistance: bks?.distance,
    gapPct: bks ? (100 * (s.totals.distance - bks.distance)) / bks.distance : undefined,
    timeToBestSec: s.stats.timeToBestMs / 1000,
    iterations: s.stats.iterations,
    badRoutes: lastBadRoutes,
    unassigned: s.unassigned.length,
  };
}

function printTable(title: string, rows: Row[]): void {
  const head = ['instance', 'obj', 'veh', 'distance', 'BKS veh', 'BKS dist', 'gap %', 'to best s', 'iters', 'bad'];
  const body = rows.map((r) => [
    r.instance, r.objective === 'distance' ? 'dist' : 'veh', String(r.vehicles), r.distance.toFixed(2),
    r.bksVehicles !== undefined ? String(r.bksVehicles) : '-', r.bksDistance !== undefined ? r.bksDistance.toFixed(2) : '-',
    r.gapPct !== undefined ? r.gapPct.toFixed(2) : '-', r.timeToBestSec.toFixed(2), String(r.iterations), String(r.badRoutes),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  for (const b of body) console.log(line(b));
  const gaps = rows.filter((r) => r.gapPct !== undefined).map((r) => r.gapPct!);
  if (gaps.length) console.log(`average gap ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(3)} %`);
}

const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

// Synthetic days around Beijing Yizhuang (39.79 N, 116.50 E).
const YIZHUANG = { lat: 39.79, lng: 116.5 };
const RAD = Math.PI / 180;

/** The house travel model (haversine × 1.3 circuity), whole metres and seconds at the given speed. */
function travelFor(points: { lat: number; lng: number }[], speedMps: number): RoutingProblem['travel'] {
  const table = new StraightLineTravel({ speedMps }).tableSync(points, points);
  const n = points.length;
  const distance = points.map((_, i) => Array.from(table.distanceM.subarray(i * n, (i + 1) * n)));
  const duration = points.map((_, i) => Array.from(table.durationS.subarray(i * n, (i + 1) * n)));
  return { kind: 'arrays', distance, duration };
}

/**
 * day300: 300 community drop points within ~12 km of a DC in Yizhuang, two-hour windows between
 * 07:00 and 19:00 (seconds from midnight), demand in crates per class [ambient, chilled, frozen];
 * a fifth of the stops need frozen goods (a reefer); 20 vehicles of three types.
 */
export function day300(seed = 300): RoutingProblem {
  const rng = seededRandom(seed);
  const points = [YIZHUANG];
  const stops: Stop[] = [];
  for (let i = 0; i < 300; i++) {
    const r = 12_000 * Math.sqrt(rng.next());
    const a = rng.next() * 2 * Math.PI;
    points.push({ lat: YIZHUANG.lat + (r * Math.sin(a)) / 111_320, lng: YIZHUANG.lng + (r * Math.cos(a)) / (111_320 * Math.cos(YIZHUANG.lat * RAD)) });
    const frozen = rng.next() < 0.2;
    const chilled = rng.next() < 0.6;
    const open = 7 * 3600 + rng.int(11) * 3600;
    stops.push({
      id: `drop-${String(i + 1).padStart(3, '0')}`,
      location: i + 1,
      demand: [2 + rng.int(8), chilled || frozen ? 1 + rng.int(4) : 0, frozen ? 1 + rng.int(4) : 0],
      windows: [[open, open + 2 * 3600]],
      serviceDuration: 300 + 60 * rng.int(6),
      requiredSkills: frozen ? ['frozen'] : undefined,
    });
  }
  const shift: [number, number] = [6 * 3600, 21 * 3600];
  const vehicleTypes: VehicleType[] = [
    { id: 'van-ambient', count: 6, capacity: [120, 0, 0], depotId: 'dc', shift, fixedCost: 20_000, costPerDistance: 1 },
    { id: 'truck-2temp', count: 8, capacity: [100, 50, 0], depotId: 'dc', shift, fixedCost: 30_000, costPerDistance: 1.2, skills: ['chilled'] },
    { id: 'reefer-3temp', count: 6, capacity: [80, 40, 40], depotId: 'dc', shift, fixedCost: 40_000, costPerDistance: 1.5, skills: ['chilled', 'frozen'] },
  ];
  return {
    dimensions: ['ambient', 'chilled', 'frozen'],
    depots: [{ id: 'dc', location: 0, window: [5 * 3600, 22 * 3600] }],
    vehicleTypes,
    stops,
    travel: travelFor(points, 8.3), // ~30 km/h in town
  };
}

/** slot1000: 1,000 home orders within 3 km of a store, one 18:00-20:00 slot, 150 e-bike riders of 12 bags. */
export function slot1000(seed = 1000): RoutingProblem {
  const rng = seededRandom(seed);
  const store = { lat: 39.795, lng: 116.51 };
  const points = [store];
  const stops: Stop[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = 3000 * Math.sqrt(rng.next());
    const a = rng.next() * 2 * Math.PI;
    points.push({ lat: store.lat + (r * Math.sin(a)) / 111_320, lng: store.lng + (r * Math.cos(a)) / (111_320 * Math.cos(store.lat * RAD)) });
    stops.push({ id: `order-${String(i + 1).padStart(4, '0')}`, location: i + 1, demand: [1 + rng.int(2)], windows: [[18 * 3600, 20 * 3600]], serviceDuration: 120 });
  }
  return {
    dimensions: ['bags'],
    depots: [{ id: 'store', location: 0 }],
    vehicleTypes: [{ id: 'rider', count: 150, capacity: [12], depotId: 'store', shift: [17.5 * 3600, 20.5 * 3600] }],
    stops,
    travel: travelFor(points, 4.2),
  };
}

function syntheticRow(name: string, problem: RoutingProblem, opts: { seconds?: number; iterations?: number; seed: number }): Row & { wallSec: number } {
  const t0 = clock();
  const s = solve(problem, 'distance', opts);
  const wallSec = (clock() - t0) / 1000;
  return {
    instance: name, objective: 'distance', seconds: opts.seconds ?? wallSec, vehicles: s.totals.vehicles, distance: s.totals.distance,
    timeToBestSec: s.stats.timeToBestMs / 1000, iterations: s.stats.iterations, badRoutes: lastBadRoutes, unassigned: s.unassigned.length, wallSec,
  };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const full = args.includes('--full');
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seed = Number(opt('--seed') ?? 1);
  const shortSec = Number(opt('--seconds') ?? 2);
  const only = opt('--only')?.split(',');
  const names = only ?? SOLOMON;
  infeasibleRoutes = 0;
  clock = args.includes('--wall') ? () => performance.now() : cpuClock;
  console.log(`time limits measured in ${args.includes('--wall') ? 'wall' : 'process CPU'} time`);
  const csv = `${DIR}/bks_solomon.csv`;
  const out: Record<string, number> = {};

  const short = names.map((n) => runFile(`${DIR}/solomon/${n}.txt`, csv, 'distance', shortSec, seed));
  printTable(`Solomon, distance-only objective, ${shortSec} s each (gap to distonly BKS)`, short);
  out[`solomonAvgGapPct${shortSec}s`] = round3(avg(short.map((r) => r.gapPct!)));
  // R109's listed distance-only BKS is below the proven optimum for truncated distances, hence
  // unreachable under these conventions (docs/routing.md): also report the average without it.
  out[`solomonAvgGapPct${shortSec}sExclR109`] = round3(avg(short.filter((r) => r.instance !== 'R109').map((r) => r.gapPct!)));

  if (full) {
    const long = names.map((n) => runFile(`${DIR}/solomon/${n}.txt`, csv, 'distance', 10, seed));
    printTable('Solomon, distance-only objective, 10 s each', long);
    out.solomonAvgGapPct10s = round3(avg(long.map((r) => r.gapPct!)));
    out.solomonAvgGapPct10sExclR109 = round3(avg(long.filter((r) => r.instance !== 'R109').map((r) => r.gapPct!)));
    const gh = ['c1_2_1', 'r1_2_1', 'rc2_2_1'].map((n) => runFile(`${DIR}/homberger_200/${n}.txt`, `${DIR}/bks_homberger_200.csv`, 'vehicles', 10, seed));
    printTable('Gehring-Homberger 200, vehicles objective, 10 s each (gap meaningful at equal vehicles)', gh);
    out.hombergerExtraVehicles = gh.reduce((s, r) => s + (r.vehicles - (r.bksVehicles ?? r.vehicles)), 0);
    out.hombergerAvgGapPct10s = round3(avg(gh.map((r) => r.gapPct!)));
    const x = ['X-n101-k25', 'X-n110-k13', 'X-n120-k6'].map((n) => runFile(`${DIR}/cvrp_x/${n}.vrp`, `${DIR}/bks_cvrp_x.csv`, 'distance', 10, seed));
    printTable('CVRP X (rounded edges), 10 s each', x);
    out.cvrpXAvgGapPct10s = round3(avg(x.map((r) => r.gapPct!)));
  }

  const day = syntheticRow('day300', day300(), { iterations: 3000, seed });
  const slot = syntheticRow('slot1000', slot1000(), { seconds: 8, seed });
  printTable('Synthetic Yizhuang days (day300: 3000 iterations; slot1000: 8 s)', [day, slot]);
  console.log(`day300: ${day.wallSec.toFixed(2)} s, ${day.unassigned} unassigned; slot1000: ${slot.vehicles} riders, ${slot.unassigned} unassigned`);
  out.infeasibleRoutes = infeasibleRoutes;
  out.day300StopsSec = round3(day.wallSec);
  out.day300Unassigned = day.unassigned;
  out.slot1000Riders = slot.vehicles;
  out.slot1000Unassigned = slot.unassigned;
  return out;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
