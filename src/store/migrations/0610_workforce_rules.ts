// The staffing rules the user sets (one row): minimum rest between shifts and the long days
// live-in (closed-loop) staff may work. Absent row: the workforce defaults (DEFAULT_RULES).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE workforce_rules (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      min_rest_min integer NOT NULL CHECK (min_rest_min BETWEEN 0 AND 2880),
      live_in_max_hours_per_day integer NOT NULL CHECK (live_in_max_hours_per_day BETWEEN 0 AND 24),
      updated_at timestamptz NOT NULL
    )`.execute(db);
}
