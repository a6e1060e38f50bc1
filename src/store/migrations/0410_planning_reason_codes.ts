// Each sourcing line's reason also as codes with parameters (what, when, why this source), so
// the command centre can show it in the reader's language; the English reason stays.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE planning_plan_lines ADD COLUMN reason_codes jsonb`.execute(db);
}
