/**
 * What the crash tests (test/apply-crash.test.ts, test/plan-apply-crash.test.ts) share: a database
 * a child process can open (a fresh one on the PostgreSQL server when DATABASE_URL is set, else a
 * PGlite data folder), the child run through tsx until it kills itself, and the clean-up.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { openScratchDatabase, type ScratchSeed } from '../../src/store/scratch.ts';
import { createTestDb, usingPostgres, type TestDb } from './app.ts';

export interface CrashDrill {
  /** Prepares the database from `seed` (migrated, and `seed`'s data) and runs `f` on it; the folder is closed after, for the children. */
  setUp<T>(seed: ScratchSeed | undefined, f: (d: Database) => Promise<T>): Promise<T>;
  /** Runs `f` with the database: the server's (kept open), or the folder opened and closed around it. */
  withDb<T>(f: (d: Database) => Promise<T>): Promise<T>;
  /** Runs the child `script` (a path from the repository's root) with `args`; whether it died by SIGKILL, with its output. */
  crashAfter(script: string, args: string[]): Promise<{ killed: boolean; out: string }>;
  tearDown(): Promise<void>;
}

/** A drill whose data folder (on PGlite) is a fresh temporary folder named from `prefix`. */
export function crashDrill(prefix: string): CrashDrill {
  let dir = '';
  const dataDir = () => path.join(dir, 'data');
  const env: NodeJS.ProcessEnv = { ...process.env };
  let tdb: TestDb | null = null;
  return {
    async setUp(seed, f) {
      dir = mkdtempSync(path.join(tmpdir(), prefix));
      let database: Database;
      if (usingPostgres()) {
        tdb = await createTestDb(seed);
        env.DATABASE_URL = tdb.url;
        database = tdb.database;
      } else {
        delete env.DATABASE_URL;
        env.BAOGONG_DATA = dataDir();
        database = (await openScratchDatabase({ prefix: 'bg_test', dataDir: dataDir(), seed })).database;
      }
      try {
        return await f(database);
      } finally {
        if (!tdb) await database.close();
      }
    },
    async withDb(f) {
      const database = tdb ? tdb.database : await openDatabase({ dataDir: dataDir() });
      try {
        return await f(database);
      } finally {
        if (!tdb) await database.close();
      }
    },
    crashAfter: (script, args) =>
      new Promise((resolve) => {
        const tsx = createRequire(import.meta.url).resolve('tsx/cli');
        const child = spawn(process.execPath, [tsx, path.resolve(script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        // tsx runs the script in a node process of its own: its death shows as SIGKILL or exit 137.
        child.on('exit', (code, signal) => resolve({ killed: signal === 'SIGKILL' || code === 137, out }));
      }),
    async tearDown() {
      await tdb?.close();
      // PGlite finishes writing its folder shortly after close; remove it once that is done.
      await new Promise((r) => setTimeout(r, 3000));
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
