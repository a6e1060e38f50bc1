/**
 * Stock reads and writes for other contexts (the order flow above all): locking reads of balance
 * rows in the ledger's lock order, what nodes can promise per category, what a node has sold out
 * of, and the set-based reservation of a batch of order lines (`reserveOrderLines`).
 */
import { sql, type RawBuilder } from 'kysely';
import { nodeItemKey, NO_LOT } from '../../domain/inventory/index.ts';
import { fail } from '../../domain/shared/index.ts';
import { jsonRecordset } from '../json-rows.ts';
import { listItems } from '../network.ts';
import { cmpPair, movementInsert, uniquePairs, type Db, type KeyedLine } from './common.ts';

/** A row of `lockItemBalancesQuery`. */
export interface LockedStockRow {
  node_id: string;
  item_id: string;
  on_hand: number;
  reserved: number;
  buffer: number;
}

export interface LockedStock {
  nodeId: string;
  itemId: string;
  onHand: number;
  reserved: number;
  /** Units the node keeps back from online orders. */
  safetyBuffer: number;
}

/**
 * Locks the existing balance rows of these pairs (missing rows hold nothing and need no lock)
 * and reads them, in the ledger's own lock order (sorted by node, then item), so a caller may
 * decide on the figures and then post in the same transaction without deadlocking the ledger.
 */
export async function lockItemBalances(trx: Db, pairs: [string, string][]): Promise<LockedStock[]> {
  const q = lockItemBalancesQuery(pairs);
  if (!q) return [];
  return lockedStockFromRows((await q.execute(trx)).rows);
}

/** The statement of `lockItemBalances` (rows for `lockedStockFromRows`), to run alone or inside a larger one; null for no pair. */
export function lockItemBalancesQuery(pairs: [string, string][]): RawBuilder<LockedStockRow> | null {
  const ps = uniquePairs(pairs);
  if (ps.length === 0) return null;
  return sql<LockedStockRow>`
    SELECT b.node_id, b.item_id, b.on_hand, b.reserved, COALESCE(s.online_safety_buffer, 0) AS buffer
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE (b.node_id, b.item_id) IN (SELECT n, i FROM ${jsonRecordset(ps.map((p) => ({ n: p[0], i: p[1] })), 'p', 'n text, i text')})
    ORDER BY b.node_id, b.item_id FOR UPDATE OF b`;
}

export function lockedStockFromRows(rows: LockedStockRow[]): LockedStock[] {
  return rows.map((x) => ({ nodeId: x.node_id, itemId: x.item_id, onHand: Number(x.on_hand), reserved: Number(x.reserved), safetyBuffer: Number(x.buffer) }));
}

/** Items of these categories these nodes can promise (available to promise > 0), with how many. */
export async function availableByCategory(
  db: Db,
  nodeIds: string[],
  categories: string[],
): Promise<{ nodeId: string; itemId: string; category: string; essentialTier: string; available: number }[]> {
  if (nodeIds.length === 0 || categories.length === 0) return [];
  const items = new Map<string, { category: string; essentialTier: string }>();
  for (const c of new Set(categories)) for (const i of (await listItems(db, { category: c })).items) items.set(i.id, i);
  if (items.size === 0) return [];
  const r = await sql<{ node_id: string; item_id: string; available: number }>`
    SELECT b.node_id, b.item_id, b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) AS available
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ANY(${nodeIds}::text[]) AND b.item_id = ANY(${[...items.keys()]}::text[])
      AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) > 0
    ORDER BY b.node_id, b.item_id`.execute(db);
  return r.rows.map((x) => ({ nodeId: x.node_id, itemId: x.item_id, category: items.get(x.item_id)!.category, essentialTier: items.get(x.item_id)!.essentialTier, available: Number(x.available) }));
}

/** Items a node holds (or held) that it can no longer promise to online orders. */
export async function soldOutAt(db: Db, nodeId: string): Promise<Array<{ itemId: string; onHand: number; reserved: number }>> {
  const r = await sql<{ item_id: string; on_hand: number; reserved: number }>`
    SELECT b.item_id, b.on_hand, b.reserved FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ${nodeId} AND (b.on_hand > 0 OR b.reserved > 0 OR EXISTS (SELECT 1 FROM stock_movements m WHERE m.node_id = b.node_id AND m.item_id = b.item_id AND m.kind = 'reserve'))
      AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) <= 0
    ORDER BY b.item_id`.execute(db);
  return r.rows.map((x) => ({ itemId: x.item_id, onHand: x.on_hand, reserved: x.reserved }));
}

/** Stock a concurrent writer took between a locking read and the set-based reservation: decide again. */
export class StockRace extends Error {
  readonly code = '40001';
  constructor(n: number) {
    super(`${n} stock row(s) no longer hold what was read; the orders must be decided again`);
  }
}

/** The request hash stored with an order batch's operation key: never a SHA-256 digest (see `orderReservationPart`). */
export const ORDER_BATCH_HASH = 'order-batch';

/** One order line's reservation, for `reserveOrderLines`. */
export interface OrderReservation {
  /** The ledger operation key of the lines' group: one `stock_operations` row per group (the order flow: per batch). */
  groupKey: string;
  /** The line's own operation key (kept on its movement line). */
  key: string;
  nodeId: string;
  itemId: string;
  quantity: number;
  reservationId: string;
}

/**
 * The order hot path's reservation: every line of every order of a batch reserved by ONE
 * statement. It writes exactly what `postOperations` writes for `reserve` operations grouped by
 * `groupKey` (one `stock_operations` row per group, one `reserve` movement line and one reservation per
 * line, the balance deltas; only the group's request hash is a marker, `ORDER_BATCH_HASH`, not a digest
 * of its lines), without the generic path's extra reads and row rewrites, and it guards
 * the stock itself: a (node, item) row is only updated where `on_hand - reserved` still covers what
 * the batch reserves there (`UPDATE … FROM unnest(…) WHERE on_hand - reserved >= qty`). The caller
 * holds the balance rows locked (`lockItemBalances`) and decided on them, so a guard that fails
 * means a bug or a writer outside the lock order: the statement is then refused as a whole
 * (`StockRace`, retryable) and the transaction rolls back. Reservation ids and group keys must be
 * fresh (the caller made up the order id); one that exists refuses the batch with a conflict.
 */
export async function reserveOrderLines(trx: Db, lines: OrderReservation[], now: Date): Promise<void> {
  const part = orderReservationPart(lines, now);
  if (!part) return;
  const r = await sql<Record<string, number>>`WITH ${part.ctes} SELECT ${part.counts}`.execute(trx);
  part.verify(r.rows[0]);
}

/**
 * `reserveOrderLines` as a part of a larger statement (the order flow writes a whole batch in one
 * round trip): `ctes` are common table expressions (`res_mv`, `res_it`, `res_op`, `res_ri`) to put in a `WITH`,
 * `counts` the select-list columns (`res_it`, `res_op`, `res_ri`) that `verify` checks on the
 * statement's row (a failed guard: `StockRace`; an existing key or reservation id: a conflict).
 * Null when there is nothing to reserve.
 */
export function orderReservationPart(lines: OrderReservation[], now: Date): { ctes: RawBuilder<unknown>; counts: RawBuilder<unknown>; verify: (row: Record<string, number>) => void } | null {
  if (lines.length === 0) return null;
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) fail({ code: 'validation_failed', message: 'a reservation must be a positive whole quantity', field: 'quantity', expected: 'an integer > 0', actual: l.quantity });
  }
  const sums = new Map<string, [string, string, number]>();
  for (const l of lines) {
    const k = nodeItemKey(l.nodeId, l.itemId);
    const s = sums.get(k) ?? [l.nodeId, l.itemId, 0];
    s[2] += l.quantity;
    sums.set(k, s);
  }
  const pairs = [...sums.values()].sort((a, b) => cmpPair([a[0], a[1]], [b[0], b[1]]));
  // The batch's operation keys. Their request hash is a marker, not a digest of the lines: a group
  // key is never replayed (posting an existing group key is refused as a conflict), and a generic
  // operation reusing one is refused too, since no operation's SHA-256 equals the marker. What the
  // lines hold is checked from the movement lines themselves (`checkProjection`, the auditor).
  const gs = [...new Set(lines.map((l) => l.groupKey))].sort();
  const keyed: KeyedLine[] = lines.map((l) => ({
    key: l.key,
    note: null,
    l: {
      kind: 'reserve', reason: 'order', nodeId: l.nodeId, itemId: l.itemId, lotCode: NO_LOT, quantity: l.quantity, onHandDelta: 0, reservedDelta: l.quantity,
      inTransitInDelta: 0, inTransitOutDelta: 0, counterpartyNodeId: null, documentType: 'order', documentRef: l.reservationId, reservationId: l.reservationId, varianceQuantity: 0,
    },
  }));
  const ctes = sql`${movementInsert(keyed, now, 'res_mv')},
    res_it AS (
      UPDATE stock_item_balances AS b SET reserved = b.reserved + d.q
      FROM ${jsonRecordset(pairs.map((p) => ({ n: p[0], i: p[1], q: p[2] })), 'd', 'n text, i text, q int')}
      WHERE b.node_id = d.n AND b.item_id = d.i AND b.on_hand - b.reserved >= d.q
      RETURNING 1),
    res_op AS (
      INSERT INTO stock_operations (key, kind, request_hash, posted_at)
      SELECT k, 'reserve', ${ORDER_BATCH_HASH}, ${now}::timestamptz FROM unnest(${gs}::text[]) AS t(k)
      ON CONFLICT (key) DO NOTHING
      RETURNING 1),
    res_ri AS (
      INSERT INTO stock_reservations (id, node_id, item_id, quantity)
      SELECT id, n, i, q FROM ${jsonRecordset(lines.map((l) => ({ id: l.reservationId, n: l.nodeId, i: l.itemId, q: l.quantity })), 't', 'id text, n text, i text, q int')}
      ON CONFLICT (id) DO NOTHING
      RETURNING 1)`;
  // The stock guard is checked by the statement itself (`baogong_guard`, SQLSTATE 40001), so that a
  // COMMIT sent right behind it never commits a batch whose guard failed.
  const counts = sql`(SELECT count(*) FROM res_it)::int AS res_it, (SELECT count(*) FROM res_op)::int AS res_op, (SELECT count(*) FROM res_ri)::int AS res_ri,
    baogong_guard((SELECT count(*) FROM res_it) = ${pairs.length}, '40001', 'stock rows no longer hold what was read; the orders must be decided again') AS res_guard,
    baogong_guard((SELECT count(*) FROM res_op) = ${gs.length} AND (SELECT count(*) FROM res_ri) = ${lines.length}, '23505', 'an order operation key or reservation id already exists') AS res_fresh`;
  const verify = (got: Record<string, number>) => {
    if (got.res_it !== pairs.length) throw new StockRace(pairs.length - got.res_it);
    if (got.res_op !== gs.length || got.res_ri !== lines.length) {
      fail({ code: 'conflict', message: `${gs.length - got.res_op} order operation key(s) or ${lines.length - got.res_ri} reservation id(s) already exist`, field: 'reservationId', expected: 'new reservation ids', actual: lines.length - got.res_ri });
    }
  };
  return { ctes, counts, verify };
}
