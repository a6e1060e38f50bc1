/**
 * What the inventory store modules share: the handle type, the request hash of an operation, the
 * (node, item) pair order every lock follows, the row mappers of movement lines and transfer
 * documents, and the statement piece that inserts movement lines (used by the posting path and
 * by the order flow's reservations).
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { canonicalJson, type MovementLine, type Operation, type TransferDoc } from '../../domain/inventory/index.ts';
import { jsonRecordset } from '../json-rows.ts';
import type { DB, StockMovementsTable, StockTransferLinesTable, StockTransfersTable } from '../tables.ts';

/** Rows as `SELECT *` returns them. */
export type TransferRow = Selectable<StockTransfersTable>;
export type TransferLineRow = Selectable<StockTransferLinesTable>;
export type MovementRowDb = Selectable<StockMovementsTable>;

export type Db = Kysely<DB>;

export const hashOf = (op: Operation): string => createHash('sha256').update(canonicalJson(op)).digest('hex');

export const cmpPair = (a: [string, string], b: [string, string]) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1);

export function uniquePairs(pairs: [string, string][]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const p of pairs) seen.set(`${p[0]}\u0000${p[1]}`, p);
  return [...seen.values()].sort(cmpPair);
}

export function rowToTransfer(t: TransferRow, lines: TransferLineRow[]): TransferDoc {
  return {
    id: t.id,
    fromNodeId: t.from_node_id,
    toNodeId: t.to_node_id,
    status: t.status as TransferDoc['status'],
    lines: lines.map((l) => ({
      itemId: l.item_id,
      quantity: l.quantity,
      receivedQuantity: l.received_quantity,
      lots: typeof l.lots === 'string' ? JSON.parse(l.lots) : l.lots,
    })),
  };
}

export function rowToLine(r: MovementRowDb): MovementLine {
  return {
    kind: r.kind as MovementLine['kind'],
    reason: r.reason,
    nodeId: r.node_id,
    itemId: r.item_id,
    lotCode: r.lot_code,
    quantity: r.quantity,
    onHandDelta: r.on_hand_delta,
    reservedDelta: r.reserved_delta,
    inTransitInDelta: r.in_transit_in_delta,
    inTransitOutDelta: r.in_transit_out_delta,
    counterpartyNodeId: r.counterparty_node_id,
    documentType: r.document_type as MovementLine['documentType'],
    documentRef: r.document_ref,
    reservationId: r.reservation_id,
    varianceQuantity: r.variance_quantity,
  };
}


export type KeyedLine = { key: string; note: string | null; l: MovementLine };

/** A CTE `mv` inserting movement lines (unnest arrays: one parameter per column, any row count). */
export function movementInsert(c: KeyedLine[], now: Date, name = 'mv') {
  // One JSON parameter for every line (`jsonRecordset`), not one array per column.
  const rows = c.map((x) => ({
    k: x.key, kd: x.l.kind, rs: x.l.reason, n: x.l.nodeId, i: x.l.itemId, lc: x.l.lotCode, q: x.l.quantity, oh: x.l.onHandDelta, rv: x.l.reservedDelta,
    ti: x.l.inTransitInDelta, tout: x.l.inTransitOutDelta, cp: x.l.counterpartyNodeId, dt: x.l.documentType, dr: x.l.documentRef, rid: x.l.reservationId, v: x.l.varianceQuantity, nt: x.note,
  }));
  return sql`${sql.raw(name)} AS (
      INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, lot_code, quantity, on_hand_delta, reserved_delta,
        in_transit_in_delta, in_transit_out_delta, counterparty_node_id, document_type, document_ref, reservation_id, variance_quantity, note, posted_at)
      SELECT k, kd, rs, n, i, lc, q, oh, rv, ti, tout, cp, dt, dr, rid, v, nt, ${now}::timestamptz
      FROM ${jsonRecordset(rows, 't', 'k text, kd text, rs text, n text, i text, lc text, q int, oh int, rv int, ti int, tout int, cp text, dt text, dr text, rid text, v int, nt text')}
      RETURNING 1)`;
}
