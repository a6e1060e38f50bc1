// A guard a statement can evaluate on what its own parts wrote: when `ok` is false it raises an
// error with this SQLSTATE and message, so the statement (and a COMMIT sent right behind it on a
// pipelined connection) fails as a whole. The order batch checks with it that every stock row it
// decided on still covered its reservation (SQLSTATE 40001: decide again).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION baogong_guard(ok boolean, state text, message text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      IF ok IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message;
      END IF;
      RETURN true;
    END $$`.execute(db);
}
