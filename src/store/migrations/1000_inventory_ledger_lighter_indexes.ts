// Fewer index entries per ledger line on the order hot path (issue 17): each order line writes a
// movement line and a reservation, and every index on them is one more entry per line. Dropped:
// `stock_movements_document` (no query constrains its leading column `document_type`: the movement
// listing filters `document_ref` alone, which the planner answers from the balance index or a scan,
// as EXPLAIN showed before this change) and `stock_reservations_balance` (reservations are only read
// by id). `stock_movements_posted_at` becomes a BRIN index: movement lines are appended in time
// order, so the reconciliation's day ranges find their pages from a summary per block range
// instead of a B-tree entry per line.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS stock_movements_document`.execute(db);
  await sql`DROP INDEX IF EXISTS stock_reservations_balance`.execute(db);
  await sql`DROP INDEX IF EXISTS stock_movements_posted_at`.execute(db);
  await sql`CREATE INDEX stock_movements_posted_at ON stock_movements USING brin (posted_at)`.execute(db);
}
