// Node status changes with a time (an incident plan's online-only reopening): the control-area
// scheduler tick executes those whose time has come; a lift or an undone apply cancels the rest.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE zone_scheduled_node_status (
      id text PRIMARY KEY,
      node_id text NOT NULL REFERENCES nodes(id),
      to_status text NOT NULL,
      at timestamptz NOT NULL,
      reason text NOT NULL DEFAULT '',
      actor text NOT NULL DEFAULT '',
      from_status text,
      executed_at timestamptz,
      cancelled_at timestamptz,
      note text,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX zone_scheduled_node_status_due ON zone_scheduled_node_status(at) WHERE executed_at IS NULL AND cancelled_at IS NULL`.execute(db);
}
