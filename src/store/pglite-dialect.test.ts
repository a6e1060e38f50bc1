import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from './db.ts';
import { openScratchDatabase } from './scratch.ts';

/** The embedded engine's Kysely dialect answers as the PostgreSQL server's does (src/store/pglite-dialect.ts). */
describe('Kysely on PGlite', () => {
  let database: Database;
  /** The database with this test's own table (not one of the app's). */
  const t = () => database.db as unknown as Kysely<{ t: { id: number; v: string } }>;
  beforeAll(async () => {
    // PGlite whatever DATABASE_URL says: a copy of the migrated template (no initdb).
    database = (await openScratchDatabase({ prefix: 'bg_test' })).database;
    await sql`CREATE TABLE t (id int PRIMARY KEY, v text)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('counts the rows a write touched, as the pg driver does', async () => {
    const ins = await sql`INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')`.execute(database.db);
    expect(ins.numAffectedRows).toBe(3n);
    const upd = await t().updateTable('t').set({ v: 'x' }).where('id', '>', 1).executeTakeFirstOrThrow();
    expect(upd.numUpdatedRows).toBe(2n);
    const none = await sql`DELETE FROM t WHERE id = 99`.execute(database.db);
    expect(none.numAffectedRows).toBe(0n);
    const rows = await t().selectFrom('t').select(['id', 'v']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'x' },
      { id: 3, v: 'x' },
    ]);
  });

  it('commits a transaction and rolls back one that throws, leaving nothing of it', async () => {
    await t().transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 10, v: 'kept' }).execute();
    });
    await expect(
      t().transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 11, v: 'gone' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const ids = (await t().selectFrom('t').select('id').where('id', '>=', 10).execute()).map((r) => r.id);
    expect(ids).toEqual([10]);
  });
});
