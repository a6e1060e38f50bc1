/**
 * `baogong route solve FILE`: solve a Solomon / Gehring-Homberger (.txt) or CVRPLIB (.vrp)
 * instance and print the routes and totals as JSON, with the gap to the best-known solution
 * when a `bks_*.csv` beside the file (or in its parent folder) lists the instance.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { findBestKnown, parseInstance, type BestKnown, type RoutingObjective, solveRouting, validateSolution } from '../../domain/routing/index.ts';
import { textTable } from '../context.ts';

/** Exit codes: 2 for bad input (as for usage errors), 1 for a failed solve. */
class RouteCliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export interface RouteSolveOptions {
  timeLimit: string;
  seed?: string;
  objective?: string;
  progress?: boolean;
}

export function registerRouteCommands(program: Command): void {
  const route = program.command('route').description('vehicle routing (VRPTW): solve benchmark instances');
  route
    .command('solve <file>')
    .description('solve a Solomon/Homberger .txt or CVRPLIB .vrp instance; prints a table (--json for the full result)')
    .requiredOption('--time-limit <seconds>', 'wall-time budget in seconds')
    .option('--seed <n>', 'random seed', '1')
    .option('--objective <objective>', 'distance | vehicles', 'distance')
    .option('--no-progress', 'no progress bar on stderr')
    .action((file: string, o: RouteSolveOptions) => {
      try {
        const r = routeSolve(file, o);
        process.stdout.write((program.opts().json ? JSON.stringify(r, null, 2) : routeTable(r)) + '\n');
      } catch (e) {
        if (!(e instanceof RouteCliError)) throw e;
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = e.exitCode;
      }
    });
}

/** The command's work, callable from tests: returns the JSON object it prints. */
export function routeSolve(file: string, o: RouteSolveOptions): Record<string, unknown> {
  const seconds = Number(o.timeLimit);
  if (!(seconds > 0)) throw new RouteCliError(`--time-limit: expected a number of seconds > 0, got "${o.timeLimit}"`, 2);
  const seed = Number(o.seed ?? 1);
  if (!Number.isInteger(seed) || seed < 0) throw new RouteCliError(`--seed: expected an integer >= 0, got "${o.seed}"`, 2);
  const objective = (o.objective ?? 'distance') as RoutingObjective;
  if (objective !== 'distance' && objective !== 'vehicles')
    throw new RouteCliError(`--objective: expected "distance" or "vehicles", got "${o.objective}"`, 2);
  if (!existsSync(file)) throw new RouteCliError(`${file}: no such file`, 2);
  const loaded = parseInstance(file, readFileSync(file, 'utf8'));
  if (!loaded.ok) throw new RouteCliError(`${file}: ${loaded.error.message}`, 2);
  const { name, problem } = loaded.value;

  const bar = o.progress !== false && process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'solving [{bar}] {percentage}% | best {best}', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(100, 0, { best: '-' });
  const result = solveRouting(problem, {
    objective,
    seed,
    timeLimitMs: seconds * 1000,
    clock: () => performance.now(),
    onProgress: (p) => bar?.update(Math.round(p.fraction * 100), { best: `${p.bestVehicles} vehicles, ${p.bestCost.toFixed(2)}` }),
  });
  bar?.stop();
  if (!result.ok) throw new RouteCliError(`${file}: ${result.error.message}`, 2);
  const s = result.value;
  const violations = validateSolution(problem, s);
  const bks = lookUpBks(file, name, objective);
  return {
    instance: name,
    objective,
    seed,
    timeLimitSec: seconds,
    vehicles: s.totals.vehicles,
    distance: round(s.totals.distance),
    ...(bks ? { bks: { vehicles: bks.vehicles, distance: bks.distance, source: bks.source }, gapPct: round((100 * (s.totals.distance - bks.distance)) / bks.distance) } : {}),
    timeToBestSec: round(s.stats.timeToBestMs / 1000),
    iterations: s.stats.iterations,
    violations,
    unassigned: s.unassigned,
    routes: s.routes.map((r) => ({
      vehicle: r.vehicleId,
      stops: r.stops.map((x) => x.stopId),
      distance: round(r.distance),
      load: r.load,
      start: round(r.startTime),
      end: round(r.endTime),
    })),
  };
}

/** The human form of a solve: totals, then one line per route. */
export function routeTable(r: Record<string, any>): string {
  const totals: Array<[string, string]> = [
    ['instance', String(r.instance)],
    ['objective', String(r.objective)],
    ['vehicles', String(r.vehicles)],
    ['distance', String(r.distance)],
    ...(r.bks ? ([['best known', `${r.bks.vehicles} vehicles, ${r.bks.distance} (${r.bks.source})`], ['gap', `${r.gapPct} %`]] as Array<[string, string]>) : []),
    ['time to best', `${r.timeToBestSec} s of ${r.timeLimitSec} s`],
    ['iterations', String(r.iterations)],
    ['violations', (r.violations as unknown[]).length === 0 ? 'none' : (r.violations as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ')],
    ['unassigned', (r.unassigned as unknown[]).length === 0 ? 'none' : (r.unassigned as unknown[]).join(', ')],
  ];
  const routes = (r.routes as Array<Record<string, any>>).map((x) => [x.vehicle, x.stops.length, x.distance, x.load, x.start, x.end, shorten(x.stops.join(' '), 60)]);
  return `${textTable(['', ''], totals).split('\n').slice(2).join('\n')}\n\n${textTable(['vehicle', 'stops', 'distance', 'load', 'start', 'end', 'sequence'], routes)}`;
}

const shorten = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function lookUpBks(file: string, name: string, objective: RoutingObjective): BestKnown | null {
  const dir = path.dirname(path.resolve(file));
  for (const d of [dir, path.dirname(dir)]) {
    for (const f of readdirSync(d).filter((x) => /^bks.*\.csv$/i.test(x)).sort()) {
      const found = findBestKnown(readFileSync(path.join(d, f), 'utf8'), name, objective);
      if (found) return found;
    }
  }
  return null;
}

const round = (x: number): number => Math.round(x * 100) / 100;
