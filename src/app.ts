/**
 * The service: opens the database, migrates, loads the demo on first start, builds the app and runs
 * the scheduler ticks and the nightly reconciliation.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from './store/db.ts';
import { migrateToLatest } from './store/migrate.ts';
import { isEmpty, loadDemo } from './store/demo.ts';
import { buildApp } from './api/server.ts';
import { systemClock, type AppDeps, type Clock } from './api/deps.ts';
import { defaultSolverPool } from './solver/pool.ts';
import { randomBytes } from 'node:crypto';
import { countUsers, createUser } from './store/auth.ts';
import { tickControlAreas } from './flows/zone-node-status.ts';
import { runDueReconciliations } from './flows/incident/reconcile.ts';
import { DEFAULT_CALENDAR } from './domain/shared/index.ts';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServiceOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Load the demo scenario when the database is empty (default true). */
  demo?: boolean;
  clock?: Clock;
  logger?: boolean | object;
  /** Require sign-in (default true; the local CLI turns it off: it already holds the database). */
  auth?: boolean;
  /** Orders a minute per client (env BAOGONG_ORDER_RATE_PER_MIN; 0 = no limit). */
  orderRatePerMin?: number;
  log?: (message: string) => void;
  /** Apply pending migrations at start (default true; env BAOGONG_MIGRATE=off turns it off). */
  migrate?: boolean;
  /** Where a secret meant for the operator's eyes only goes (default: stderr, never the log). */
  showSecret?: (text: string) => void;
  /** Run the periodic jobs (the control-area scheduler, every minute). Only `baogong serve` sets it. */
  schedulers?: boolean;
  /** What opens the database folder (`serve`, `cli`), written in its lock file. */
  purpose?: string;
}

export interface Service {
  app: FastifyInstance;
  database: Database;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Opens the database (PGlite folder or PostgreSQL), migrates, loads the demo if empty, builds the app. */
/** The nightly reconciliation hour from the environment (0-23), default the calendar's (04:00). */
export function reconcileHour(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_CALENDAR.reconcileAtHour;
  const h = Number(raw);
  if (!Number.isInteger(h) || h < 0 || h > 23) throw new Error(`BAOGONG_RECONCILE_HOUR must be an hour 0-23, got ${JSON.stringify(raw)}`);
  return h;
}

export async function openService(options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? (() => {});
  const database = await openDatabase({ url: options.databaseUrl, dataDir: options.databaseUrl ? undefined : options.dataDir, purpose: options.purpose });
  try {
    return await serviceOn(database, options, log);
  } catch (e) {
    await database.close();
    throw e;
  }
}

async function serviceOn(database: Database, options: ServiceOptions, log: (message: string) => void): Promise<Service> {
  // A server running as a role that does not own the tables (docs/operations.md) skips
  // migrations: the owner applies them (BAOGONG_MIGRATE=off for the application role).
  if (options.migrate ?? process.env.BAOGONG_MIGRATE !== 'off') {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log(`applied ${applied.length} migration(s)`);
  }
  const clock = options.clock ?? systemClock;
  if ((options.demo ?? true) && (await isEmpty(database.db))) {
    log('empty database: loading the Yizhuang 2022 demo scenario…');
    await loadDemo(database.db, clock.now(), log);
  }
  const authEnabled = options.auth ?? process.env.BAOGONG_AUTH !== 'off';
  if (authEnabled && (await countUsers(database.db)) === 0) {
    // The first admin: from BAOGONG_ADMIN_PASSWORD, or a random password printed once.
    // The password never goes to the log: one from the environment is not repeated, a generated one
    // is written once straight to the terminal (stderr), outside the structured log.
    const fromEnv = process.env.BAOGONG_ADMIN_PASSWORD;
    const password = fromEnv || randomBytes(12).toString('base64url');
    await createUser(database.db, { username: 'admin', password, role: 'admin', displayName: 'Administrator' }, clock.now());
    if (fromEnv) log('created the first admin user "admin" with the password from BAOGONG_ADMIN_PASSWORD');
    else {
      log('created the first admin user "admin" with a generated password (shown once on the terminal)');
      (options.showSecret ?? ((text: string) => process.stderr.write(text)))(`\n  first admin user — username: admin  password: ${password}\n  (shown once; change it with PATCH /api/users/:id)\n\n`);
    }
  }
  const envRate = process.env.BAOGONG_ORDER_RATE_PER_MIN;
  const deps: AppDeps = {
    database,
    db: database.db,
    clock,
    // Every HiGHS and routing solve runs in the solver pool's worker threads, off the API's event
    // loop, with deadlines and cancellation; hot-started sessions (sourcing's LP rounding) too.
    solver: defaultSolverPool().mip,
    routing: defaultSolverPool().solveRouting,
    roster: defaultSolverPool().planRoster,
    config: {
      webDir: path.join(ROOT_DIR, 'web', 'dist'),
      auth: { enabled: authEnabled, orderRatePerMin: options.orderRatePerMin ?? (envRate !== undefined ? Number(envRate) : 1200) },
    },
  };
  const app = await buildApp(deps, { logger: options.logger });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  if (options.schedulers) {
    const runTick = async () => {
      try {
        const r = await database.db.transaction().execute((trx) => tickControlAreas(trx, clock.now()));
        if (r.tookEffect.length || r.lifted.length) log(`control areas: took effect ${r.tookEffect.map((a) => a.areaId).join(', ') || '-'}; ended ${r.lifted.map((a) => a.areaId).join(', ') || '-'}`);
      } catch (e) {
        app.log.error({ err: e }, 'control-area scheduler failed');
      }
    };
    // The nightly reconciliation: due once the local clock passes the configured hour (default 04:00
    // Asia/Shanghai, env BAOGONG_RECONCILE_HOUR); failures are logged and recorded, then retried.
    const calendar = { ...DEFAULT_CALENDAR, reconcileAtHour: reconcileHour(process.env.BAOGONG_RECONCILE_HOUR) };
    const runNightly = async () => {
      try {
        const r = await runDueReconciliations({ db: database.db, solver: deps.solver, now: () => clock.now() }, { calendar });
        for (const x of r.ran) {
          if (x.status === 'ok') log(`reconciliation ${x.incidentId} ${r.day}: ${x.lines} node(s)`);
          else app.log.error({ incidentId: x.incidentId, day: r.day, error: x.error }, 'nightly reconciliation failed');
        }
      } catch (e) {
        app.log.error({ err: e }, 'nightly reconciliation scheduler failed');
      }
    };
    const tick = () => (running = running.then(runTick).then(runNightly));
    await tick();
    timer = setInterval(tick, 60_000);
    timer.unref();
  }
  return {
    app,
    database,
    deps,
    close: async () => {
      if (timer) clearInterval(timer);
      await running;
      await app.close();
      await database.close();
    },
  };
}
