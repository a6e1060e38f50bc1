// A node's staffing priority: how much an unmet minute there weighs against one elsewhere.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE workforce_sites ADD COLUMN priority integer NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 100)`.execute(db);
}
