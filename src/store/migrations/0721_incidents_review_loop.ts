// The review loop (issue 16): a plan is `applying` while its workflow runs (a crash leaves it so,
// to be resumed or undone), remembers the fingerprint of the parts its last simulation played
// (apply refuses a plan changed since, unless told why), and every nightly reconciliation run is
// recorded, failures included. The index on stock_movements.posted_at lets the reconciliation
// sum one operating day's movements set-based (the inventory context's table, read-only here).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE response_plans DROP CONSTRAINT IF EXISTS response_plans_status_check`.execute(db);
  await sql`ALTER TABLE response_plans ADD CONSTRAINT response_plans_status_check CHECK (status IN ('draft', 'applying', 'applied', 'failed', 'superseded', 'undone'))`.execute(db);
  await sql`ALTER TABLE response_plans ADD COLUMN simulated_fingerprint text`.execute(db);
  await sql`ALTER TABLE response_plans ADD COLUMN simulated_at timestamptz`.execute(db);
  await sql`ALTER TABLE response_plans ADD COLUMN apply_override text`.execute(db);
  await sql`ALTER TABLE response_plans ADD COLUMN apply_attempt integer NOT NULL DEFAULT 0`.execute(db);
  await sql`
    CREATE TABLE incident_reconciliation_runs (
      id text PRIMARY KEY,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      day date NOT NULL,
      trigger text NOT NULL CHECK (trigger IN ('nightly', 'on_demand')),
      status text NOT NULL CHECK (status IN ('ok', 'failed')),
      error text,
      movements bigint NOT NULL DEFAULT 0,
      lines integer NOT NULL DEFAULT 0,
      differences integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_reconciliation_runs_day ON incident_reconciliation_runs(incident_id, day, finished_at)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS stock_movements_posted_at ON stock_movements(posted_at)`.execute(db);
}
