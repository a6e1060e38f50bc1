/**
 * The balance tables are a projection of the movement lines: `checkProjection` recomputes them and
 * lists differences, `rebuildProjection` rewrites them from the movements.
 */
import { sql } from 'kysely';
import type { Db } from './common.ts';

/** A balance column (null where the row is missing) or a sum of movements (int8: a number, see db.ts; null where none). */
type Figure = number | string | null;

export interface ProjectionMismatch {
  table: 'stock_item_balances' | 'stock_balances' | 'stock_reservations';
  key: string;
  projected: number[];
  fromMovements: number[];
}

/**
 * Recomputes every balance from the movement lines and lists where the projection differs.
 * An empty list means every balance equals the sum of its movements.
 */
export async function checkProjection(db: Db): Promise<ProjectionMismatch[]> {
  const out: ProjectionMismatch[] = [];
  const items = await sql<{ node_id: string; item_id: string; on_hand: Figure; reserved: Figure; in_transit_in: Figure; in_transit_out: Figure; oh: Figure; rv: Figure; ti: Figure; tout: Figure }>`
    WITH m AS (
      SELECT node_id, item_id, SUM(on_hand_delta)::bigint AS oh, SUM(reserved_delta)::bigint AS rv, SUM(in_transit_in_delta)::bigint AS ti, SUM(in_transit_out_delta)::bigint AS tout
      FROM stock_movements GROUP BY node_id, item_id)
    SELECT COALESCE(b.node_id, m.node_id) AS node_id, COALESCE(b.item_id, m.item_id) AS item_id,
      b.on_hand, b.reserved, b.in_transit_in, b.in_transit_out, m.oh, m.rv, m.ti, m.tout
    FROM stock_item_balances b FULL JOIN m ON m.node_id = b.node_id AND m.item_id = b.item_id
    WHERE COALESCE(b.on_hand, 0) <> COALESCE(m.oh, 0) OR COALESCE(b.reserved, 0) <> COALESCE(m.rv, 0)
       OR COALESCE(b.in_transit_in, 0) <> COALESCE(m.ti, 0) OR COALESCE(b.in_transit_out, 0) <> COALESCE(m.tout, 0)`.execute(db);
  for (const r of items.rows) {
    out.push({
      table: 'stock_item_balances',
      key: `${r.node_id}/${r.item_id}`,
      projected: [r.on_hand, r.reserved, r.in_transit_in, r.in_transit_out].map((x) => Number(x ?? 0)),
      fromMovements: [r.oh, r.rv, r.ti, r.tout].map((x) => Number(x ?? 0)),
    });
  }
  const lots = await sql<{ node_id: string; item_id: string; lot_code: string; on_hand: Figure; in_transit_in: Figure; in_transit_out: Figure; oh: Figure; ti: Figure; tout: Figure }>`
    WITH m AS (
      SELECT node_id, item_id, lot_code, SUM(on_hand_delta)::bigint AS oh, SUM(in_transit_in_delta)::bigint AS ti, SUM(in_transit_out_delta)::bigint AS tout
      FROM stock_movements GROUP BY node_id, item_id, lot_code)
    SELECT COALESCE(b.node_id, m.node_id) AS node_id, COALESCE(b.item_id, m.item_id) AS item_id, COALESCE(b.lot_code, m.lot_code) AS lot_code,
      b.on_hand, b.in_transit_in, b.in_transit_out, m.oh, m.ti, m.tout
    FROM stock_balances b FULL JOIN m ON m.node_id = b.node_id AND m.item_id = b.item_id AND m.lot_code = b.lot_code
    WHERE COALESCE(b.on_hand, 0) <> COALESCE(m.oh, 0) OR COALESCE(b.in_transit_in, 0) <> COALESCE(m.ti, 0) OR COALESCE(b.in_transit_out, 0) <> COALESCE(m.tout, 0)`.execute(db);
  for (const r of lots.rows) {
    out.push({
      table: 'stock_balances',
      key: `${r.node_id}/${r.item_id}/${r.lot_code}`,
      projected: [r.on_hand, r.in_transit_in, r.in_transit_out].map((x) => Number(x ?? 0)),
      fromMovements: [r.oh, r.ti, r.tout].map((x) => Number(x ?? 0)),
    });
  }
  const res = await sql<{ id: string; quantity: Figure; q: Figure }>`
    WITH m AS (SELECT reservation_id AS id, SUM(reserved_delta)::bigint AS q FROM stock_movements WHERE reservation_id IS NOT NULL GROUP BY reservation_id)
    SELECT COALESCE(r.id, m.id) AS id, r.quantity, m.q FROM stock_reservations r FULL JOIN m ON m.id = r.id
    WHERE COALESCE(r.quantity, 0) <> COALESCE(m.q, 0)`.execute(db);
  for (const r of res.rows) out.push({ table: 'stock_reservations', key: r.id, projected: [Number(r.quantity ?? 0)], fromMovements: [Number(r.q ?? 0)] });
  return out;
}

/**
 * Rewrites the projection tables from the movements (run it in a transaction; it takes an
 * exclusive lock on them, so writers wait until it commits).
 */
export async function rebuildProjection(trx: Db): Promise<{ itemRows: number; lotRows: number; reservations: number }> {
  await sql`LOCK TABLE stock_item_balances, stock_balances, stock_reservations IN EXCLUSIVE MODE`.execute(trx);
  await sql`DELETE FROM stock_item_balances`.execute(trx);
  await sql`DELETE FROM stock_balances`.execute(trx);
  await sql`DELETE FROM stock_reservations`.execute(trx);
  const a = await sql`
    INSERT INTO stock_item_balances (node_id, item_id, on_hand, reserved, in_transit_in, in_transit_out)
    SELECT node_id, item_id, SUM(on_hand_delta), SUM(reserved_delta), SUM(in_transit_in_delta), SUM(in_transit_out_delta)
    FROM stock_movements GROUP BY node_id, item_id`.execute(trx);
  const b = await sql`
    INSERT INTO stock_balances (node_id, item_id, lot_code, on_hand, in_transit_in, in_transit_out)
    SELECT node_id, item_id, lot_code, SUM(on_hand_delta), SUM(in_transit_in_delta), SUM(in_transit_out_delta)
    FROM stock_movements WHERE on_hand_delta <> 0 OR in_transit_in_delta <> 0 OR in_transit_out_delta <> 0 GROUP BY node_id, item_id, lot_code`.execute(trx);
  const c = await sql`
    INSERT INTO stock_reservations (id, node_id, item_id, quantity)
    SELECT reservation_id, MIN(node_id), MIN(item_id), SUM(reserved_delta) FROM stock_movements
    WHERE reservation_id IS NOT NULL AND reserved_delta <> 0 GROUP BY reservation_id`.execute(trx);
  return { itemRows: Number(a.numAffectedRows ?? 0), lotRows: Number(b.numAffectedRows ?? 0), reservations: Number(c.numAffectedRows ?? 0) };
}
