/**
 * The database handle every store module receives. `kind` tells which engine is
 * behind it; the SQL is the same for both.
 */
import { Kysely, PostgresDialect, type Kysely as K } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { acquireFolderLock, type FolderLock } from './lock.ts';
import { pgliteDialect } from './pglite-dialect.ts';
import type { DB } from './tables.ts';

export interface Database {
  readonly db: K<DB>;
  readonly kind: 'pglite' | 'pg';
  /** A human-readable location: the PGlite folder, or the PostgreSQL URL without password. */
  readonly location: string;
  /** The folder lock of an embedded database kept in a folder (see lock.ts). */
  readonly lock?: FolderLock;
  close(): Promise<void>;
  /** PGlite only: the data folder as a tarball (for test templates, see scratch.ts). */
  dumpDataDir?(): Promise<Blob>;
  /**
   * PostgreSQL only: a connection of a small pool of its own in pipeline mode, where a statement
   * is sent without waiting for the answer to the one before (BEGIN and a first statement, or a
   * last statement and COMMIT, then cost one round trip). Used by the order batcher.
   */
  pipelined?(): Promise<PipelinedConnection>;
}

/** A raw connection in pipeline mode: `query` sends at once; answers come back in order. */
export interface PipelinedConnection {
  query(text: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;
  /** Back to the pool; `broken` closes it instead (after an error that may leave it in a transaction). */
  release(broken?: boolean): void;
}

export interface OpenOptions {
  /** postgres://… to use a PostgreSQL server; unset for embedded PGlite. */
  url?: string;
  /** PGlite data folder; unset (with no url) means in memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** What opens a PGlite folder (`serve`, `cli`), written in its lock file. */
  purpose?: string;
  /** PGlite started from this data folder tarball (from `dumpDataDir`) instead of initdb: in memory, or into an empty `dataDir`. */
  loadDataDir?: Blob;
}

// PostgreSQL returns bigint (int8) and numeric as strings by default; our sums of
// integer quantities fit in a double, so parse int8 to number. numeric stays a string.
pg.types.setTypeParser(20, (v: string) => Number(v));

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 20 });
    // Fail fast with a clear message if the server is not there.
    const client = await pool.connect();
    client.release();
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    let pipePool: pg.Pool | null = null;
    const url = options.url;
    return {
      db,
      kind: 'pg',
      location: redact(options.url),
      pipelined: async () => {
        if (!pipePool) {
          pipePool = new pg.Pool({ connectionString: url, max: 4, pipeline: true } as pg.PoolConfig);
          // An idle connection the server ended (a restart, a dropped database) leaves the pool; not a crash.
          pipePool.on('error', () => undefined);
        }
        const c = await pipePool.connect();
        return { query: (text, params) => c.query(text, params as unknown[]), release: (broken) => c.release(broken) };
      },
      close: async () => {
        await db.destroy();
        if (pipePool) await pipePool.end();
      },
    };
  }
  // A folder is opened by one process at a time: this throws FolderLockedError (naming the
  // holder and its URL) before PGlite touches a folder another process holds.
  const lock = options.dataDir ? acquireFolderLock(options.dataDir, options.purpose ?? 'process') : undefined;
  let client: PGlite;
  try {
    client = await PGlite.create({ dataDir: options.dataDir, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } catch (e) {
    lock?.release();
    throw e;
  }
  // PGlite returns int8 as bigint JS values by default in some versions; normalise via SQL casts where needed.
  const db = new Kysely<DB>({ dialect: pgliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    location: options.dataDir ?? 'memory',
    lock,
    dumpDataDir: () => client.dumpDataDir('none'),
    close: async () => {
      try {
        await db.destroy();
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
