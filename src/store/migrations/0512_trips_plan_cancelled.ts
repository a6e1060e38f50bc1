// A confirmed trip plan whose trips are all cancelled (by hand, a lift or an apply's
// compensation) is `cancelled`, so it is no longer shown as confirmed.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE trip_plans DROP CONSTRAINT IF EXISTS trip_plans_status_check`.execute(db);
  await sql`ALTER TABLE trip_plans ADD CONSTRAINT trip_plans_status_check CHECK (status IN ('proposed','confirmed','discarded','cancelled'))`.execute(db);
}
