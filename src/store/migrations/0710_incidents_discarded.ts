// A declared or drafted incident can be discarded (withdrawn before anything was applied):
// it keeps its record and plans for the timeline, but is no longer live anywhere.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE incidents DROP CONSTRAINT incidents_status_check`.execute(db);
  await sql`ALTER TABLE incidents ADD CONSTRAINT incidents_status_check CHECK (status IN ('declared', 'planned', 'applied', 'lifted', 'discarded'))`.execute(db);
  await sql`ALTER TABLE incidents ADD COLUMN discarded_at timestamptz`.execute(db);
}
