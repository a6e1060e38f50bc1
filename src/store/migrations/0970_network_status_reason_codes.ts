// A node's status reason as a code with parameters (src/domain/network/status-reason.ts), so the
// command centre translates it and shows names instead of ids. The English text stays in
// `status_reason` / `reason` for the CLI and logs. Older rows become `manual` reasons with
// their text as it was.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, col] of [['nodes', 'status_reason'], ['node_status_events', 'reason']] as const) {
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN status_reason_code text NOT NULL DEFAULT 'manual'`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN status_reason_params jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
    await sql`UPDATE ${sql.table(table)} SET status_reason_params = jsonb_build_object('text', ${sql.ref(col)}) WHERE ${sql.ref(col)} <> ''`.execute(db);
  }
}
