/** The network board's storage: acknowledgements of its alerts (the alerts themselves are computed). */
import type { Kysely } from 'kysely';
import type { DB } from './tables.ts';

type Db = Kysely<DB>;

export async function acknowledgements(db: Db): Promise<Map<string, { by: string; at: string; note: string }>> {
  const rows = await db.selectFrom('board_alert_acks').selectAll().execute();
  return new Map(rows.map((r) => [r.alert_id, { by: r.acknowledged_by, at: new Date(r.at).toISOString(), note: r.note }]));
}

/** Acknowledges an alert (again: the newest acknowledgement wins). */
export async function acknowledge(db: Db, alertId: string, by: string, note: string, now: Date): Promise<{ alertId: string; acknowledgedBy: string; note: string; at: string }> {
  await db
    .insertInto('board_alert_acks')
    .values({ alert_id: alertId, acknowledged_by: by, note, at: now })
    .onConflict((oc) => oc.column('alert_id').doUpdateSet({ acknowledged_by: by, note, at: now }))
    .execute();
  return { alertId, acknowledgedBy: by, note, at: now.toISOString() };
}
