// Zone reassignments with a time (an incident plan's zone hand-back to a store reopening
// online-only): the control-area scheduler tick applies those whose time has come, after the
// timed status changes; a lift or an undone apply cancels the rest and reverts those that ran.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE zone_scheduled_reassignment (
      id text PRIMARY KEY,
      reassignment_id text NOT NULL REFERENCES zone_reassignments(id),
      node_id text NOT NULL,
      at timestamptz NOT NULL,
      reason text NOT NULL DEFAULT '',
      actor text NOT NULL DEFAULT '',
      executed_at timestamptz,
      cancelled_at timestamptz,
      note text,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX zone_scheduled_reassignment_due ON zone_scheduled_reassignment(at) WHERE executed_at IS NULL AND cancelled_at IS NULL`.execute(db);
}
