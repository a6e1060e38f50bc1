// The network board's alerts are computed on every read; an acknowledgement is kept by the
// alert's stable id (e.g. `stock.key_out:<node>:<day>`), with who acknowledged it and why.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE board_alert_acks (
      alert_id text PRIMARY KEY,
      acknowledged_by text NOT NULL,
      note text NOT NULL DEFAULT '',
      at timestamptz NOT NULL
    )`.execute(db);
}
