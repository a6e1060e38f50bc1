import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './db.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * A throw-away, migrated database for tests and benchmarks: PGlite in memory when
 * `baseUrl` is unset, else a brand-new database on that PostgreSQL server, dropped on
 * close, so parallel runs never see each other's rows.
 */
export interface ScratchDatabase {
  database: Database;
  /** The scratch database's URL (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

export async function openScratchDatabase(options: { baseUrl?: string; prefix: string; poolSize?: number }): Promise<ScratchDatabase> {
  const { baseUrl } = options;
  if (!baseUrl) {
    const database = await openDatabase();
    await migrateToLatest(database.db);
    return { database, close: () => database.close() };
  }
  const name = `${options.prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withAdmin(baseUrl, (a) => a.query(`CREATE DATABASE ${name}`));
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await openDatabase({ url, poolSize: options.poolSize ?? 20 });
  await migrateToLatest(database.db);
  return {
    database,
    url,
    close: async () => {
      await database.close();
      await dropDatabase(baseUrl, name);
    },
  };
}

/**
 * Drops a database once its connections are gone. pool.end() resolves before every
 * socket has closed; a forced drop would then kill connections that still have
 * listeners and surface as unhandled FATAL 57P01 errors.
 */
export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withAdmin(baseUrl, async (a) => {
    for (let i = 0; i < 40; i++) {
      const r = await a.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (r.rows[0].n === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

async function withAdmin<T>(url: string, fn: (a: pg.Client) => Promise<T>): Promise<T> {
  const a = new pg.Client({ connectionString: url });
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.end();
  }
}
