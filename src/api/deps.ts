/** What every route plugin receives (AppDeps: database, clock, solvers, config), and the system clock. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/db.ts';
import type { MipSolver } from '../domain/shared/index.ts';
import type { SolveFn } from '../domain/trips/index.ts';
import type { RosterPlanner } from '../domain/workforce/index.ts';
import type { DB } from '../store/tables.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What every route plugin receives. Tests build one with a fresh database. */
export interface AppDeps {
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  /** LP/MIP solver: the solver pool's (`defaultSolverPool().mip`) in the server, so no solve runs on the event loop. */
  solver: MipSolver;
  /** Routing solver; default the process-wide solver pool (src/solver/pool.ts). */
  routing?: SolveFn;
  /** Roster planner (greedy and MIP); default in-process with `solver`; the server's runs in the solver pool. */
  roster?: RosterPlanner;
  /** Extra settings: the demo flag, the data folder, the web build folder. */
  config: AppConfig;
}

export interface AppConfig {
  webDir?: string;
  /** Authentication and limits; default: on, 1,200 orders a minute per client. */
  auth?: { enabled: boolean; orderRatePerMin: number };
  /** Longest a request may take, in milliseconds (default 60 s). */
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  logLevel?: string;
}
