/**
 * Kysely on an embedded PGlite: PostgreSQL's SQL compiler and adapter, and a driver whose one
 * connection is PGlite's one session (PGlite runs a statement at a time).
 *
 * Ours rather than the kysely-pglite package's, whose entry module also loads its code generator
 * and migration CLI (kysely-codegen, jiti, globby): ~1.2 s of CPU at every start of a process that
 * opens a database (each CLI command, server and test worker), for nothing we use.
 */
import type { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type QueryResult } from 'kysely';

/** The dialect for one open PGlite. */
export function pgliteDialect(client: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(client),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PGliteDriver implements Driver {
  readonly #connection: DatabaseConnection;

  constructor(private readonly client: PGlite) {
    this.#connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const r = await client.query<R>(query.sql, [...query.parameters]);
        // As the pg driver: the count of rows an INSERT, UPDATE, DELETE or MERGE touched.
        return { rows: r.rows, ...(r.affectedRows !== undefined ? { numAffectedRows: BigInt(r.affectedRows) } : {}) };
      },
      streamQuery: () => {
        throw new Error('PGlite: streamed queries are not supported');
      },
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('BEGIN'));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    if (!this.client.closed) await this.client.close();
  }
}
