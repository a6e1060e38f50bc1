import type { Kysely } from 'kysely';
import type { Database } from '../store/db.ts';
import type { MipSolver } from '../solver/model.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What every route plugin receives. Tests build one with a fresh database. */
export interface AppDeps {
  database: Database;
  db: Kysely<any>;
  clock: Clock;
  solver: MipSolver;
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
