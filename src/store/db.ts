import { Kysely, PostgresDialect, type Kysely as K } from 'kysely';
import { KyselyPGlite } from 'kysely-pglite';
import pg from 'pg';

/**
 * The database handle every store module receives. `kind` tells which engine is
 * behind it; the SQL is the same for both.
 */
export interface Database {
  readonly db: K<any>;
  readonly kind: 'pglite' | 'pg';
  /** A human-readable location: the PGlite folder, or the PostgreSQL URL without password. */
  readonly location: string;
  close(): Promise<void>;
  /** PGlite only: the data folder as a tarball (for test templates, see scratch.ts). */
  dumpDataDir?(): Promise<Blob>;
}

export interface OpenOptions {
  /** postgres://… to use a PostgreSQL server; unset for embedded PGlite. */
  url?: string;
  /** PGlite data folder; unset (with no url) means in memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PGlite in memory, started from this data folder tarball (from `dumpDataDir`) instead of initdb. */
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
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'pg',
      location: redact(options.url),
      close: () => db.destroy(),
    };
  }
  const { dialect, client } = options.loadDataDir ? await KyselyPGlite.create({ loadDataDir: options.loadDataDir }) : await KyselyPGlite.create(options.dataDir);
  // PGlite returns int8 as bigint JS values by default in some versions; normalise via SQL casts where needed.
  const db = new Kysely<any>({ dialect });
  return {
    db,
    kind: 'pglite',
    location: options.dataDir ?? 'memory',
    dumpDataDir: () => client.dumpDataDir('none'),
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
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
