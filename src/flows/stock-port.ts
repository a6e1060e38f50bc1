import { sql, type Kysely } from 'kysely';

/**
 * The two reads the order hot path needs from the inventory ledger that `src/store/inventory.ts`
 * does not export yet: lock-and-read many (node, item) balances at once, and what a node holds of
 * a category (for substitutes). Writes never happen here: reservations, releases and picks go
 * through the ledger's `postOperations`. These read the ledger's projection tables read-only and
 * take the same row locks, in the same order (sorted by node, item), as the ledger's own
 * lock-and-load, so they can be replaced by ledger functions without changing the locking.
 * (Asked of the inventory context: export `lockItemBalances(trx, pairs)` and an
 * `availableByCategory(db, nodeIds, categories)`.)
 */
export interface LockedStock {
  nodeId: string;
  itemId: string;
  onHand: number;
  reserved: number;
  /** Units the node keeps back from online orders (the inventory context's online safety buffer). */
  safetyBuffer: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Locks the existing balance rows of these pairs (missing rows hold nothing and need no lock). */
export async function lockStock(trx: Kysely<any>, pairs: Array<[string, string]>): Promise<LockedStock[]> {
  if (pairs.length === 0) return [];
  const uniq = new Map<string, [string, string]>();
  for (const p of pairs) uniq.set(`${p[0]}\u0000${p[1]}`, p);
  const ps = [...uniq.values()].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  const r = await sql<any>`
    SELECT b.node_id, b.item_id, b.on_hand, b.reserved, COALESCE(s.online_safety_buffer, 0) AS buffer
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE (b.node_id, b.item_id) IN (SELECT * FROM unnest(${ps.map((p) => p[0])}::text[], ${ps.map((p) => p[1])}::text[]))
    ORDER BY b.node_id, b.item_id FOR UPDATE OF b`.execute(trx);
  return r.rows.map((x) => ({ nodeId: x.node_id, itemId: x.item_id, onHand: x.on_hand, reserved: x.reserved, safetyBuffer: x.buffer }));
}

/** Items of these categories that these nodes can promise, with how many. */
export async function availableByCategory(db: Kysely<any>, nodeIds: string[], categories: string[]): Promise<Array<{ nodeId: string; itemId: string; category: string; essentialTier: string; available: number }>> {
  if (nodeIds.length === 0 || categories.length === 0) return [];
  const r = await sql<any>`
    SELECT b.node_id, i.id, i.category, i.essential_tier, b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) AS available
    FROM stock_item_balances b JOIN items i ON i.id = b.item_id LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ANY(${nodeIds}::text[]) AND i.category = ANY(${categories}::text[]) AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) > 0`.execute(db);
  return r.rows.map((x) => ({ nodeId: x.node_id, itemId: x.id, category: x.category, essentialTier: x.essential_tier, available: Number(x.available) }));
}

/** Items a node holds (or held) that it can no longer promise to online orders. */
export async function soldOutAt(db: Kysely<any>, nodeId: string): Promise<Array<{ itemId: string; onHand: number; reserved: number }>> {
  const r = await sql<any>`
    SELECT b.item_id, b.on_hand, b.reserved FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ${nodeId} AND (b.on_hand > 0 OR b.reserved > 0 OR EXISTS (SELECT 1 FROM stock_movements m WHERE m.node_id = b.node_id AND m.item_id = b.item_id AND m.kind = 'reserve'))
      AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) <= 0
    ORDER BY b.item_id`.execute(db);
  return r.rows.map((x) => ({ itemId: x.item_id, onHand: x.on_hand, reserved: x.reserved }));
}
