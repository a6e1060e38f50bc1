import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/db.ts';
import { openScratchDatabase, type ScratchSeed } from '../../src/store/scratch.ts';
import { buildApp } from '../../src/api/server.ts';
import type { AppDeps, Clock } from '../../src/api/deps.ts';
import { defaultSolver } from '../../src/solver/highs.ts';
import type { RosterPlanner } from '../../src/domain/workforce/index.ts';
import type { MipSolver } from '../../src/domain/shared/index.ts';
import { demoSeed } from './drafted.ts';
import type { DB } from '../../src/store/tables.ts';

/**
 * A fresh database for one test file: PGlite in memory by default, or a brand-new
 * database on the PostgreSQL server named by DATABASE_URL (dropped on close), so
 * parallel test files and CI runs never see each other's rows.
 */
export interface TestDb {
  database: Database;
  db: Kysely<DB>;
  url?: string;
  close(): Promise<void>;
}

export const usingPostgres = (): boolean => !!process.env.DATABASE_URL;

/**
 * A fresh database; `seed` data is loaded once into a template that later copies start from
 * (see src/store/scratch.ts), so a file pays for migrations and the demo only the first time.
 */
export async function createTestDb(seed?: ScratchSeed): Promise<TestDb> {
  const scratch = await openScratchDatabase({ baseUrl: process.env.DATABASE_URL, prefix: 'bg_test', poolSize: 30, seed });
  return { database: scratch.database, db: scratch.database.db, url: scratch.url, close: scratch.close };
}

/**
 * Fills the empty PGlite folder `dir` with a copy of the migrated template (and `seed`'s data), for
 * a process the test then starts on it (a server, a CLI command): it skips PGlite's initdb and the
 * migrations, which a test of what that process does with its data need not pay for.
 */
export async function fillDataFolder(dir: string, seed?: ScratchSeed): Promise<void> {
  const scratch = await openScratchDatabase({ prefix: 'bg_test', dataDir: dir, seed });
  await scratch.close();
}

/** A fixed clock that tests can move. */
export function testClock(start = '2022-06-22T06:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), set: (iso) => (t = new Date(iso).getTime()), advance: (ms) => (t += ms) };
}

export interface TestApp extends TestDb {
  app: FastifyInstance;
  deps: AppDeps;
}

/**
 * An app on a fresh database; `demo: true` starts it with the Yizhuang demo data, `seed` with the
 * data a seed loads at the clock's time (e.g. `dazuDraftedSeed` of ./drafted.ts: the demo with an
 * incident drafted, a template copied like the demo's). HiGHS runs
 * in-process unless a test passes `solver` (e.g. a SolverPool's `mip`, as the server does) and
 * `roster` (a SolverPool's `planRoster`: the whole roster planner in a worker).
 */
export async function createTestApp(options: { demo?: boolean; seed?: (now: Date) => ScratchSeed; clock?: Clock; auth?: boolean; orderRatePerMin?: number; solver?: MipSolver; roster?: RosterPlanner } = {}): Promise<TestApp> {
  const clock = options.clock ?? testClock();
  const now = clock.now();
  const tdb = await createTestDb(options.seed ? options.seed(now) : options.demo ? demoSeed(now) : undefined);
  // Authentication is off unless a test asks for it: requests then act as the local admin.
  const deps: AppDeps = {
    database: tdb.database,
    db: tdb.db,
    clock,
    solver: options.solver ?? defaultSolver,
    ...(options.roster ? { roster: options.roster } : {}),
    config: { auth: { enabled: options.auth ?? false, orderRatePerMin: options.orderRatePerMin ?? 0 } },
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    ...tdb,
    app,
    deps,
    close: async () => {
      await app.close();
      await tdb.close();
    },
  };
}
