/**
 * Fills a `PlacementBook` for a set of orders inside a transaction, taking the row locks in the
 * fixed order (windows, slots, stock, buyers; each sorted) so that concurrent batches queue on
 * the rows they share instead of deadlocking. What a batch needs to know is gathered first, then
 * each table is read once.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { PlacementBook, type CounterScope, type TradingStatus, TierPurchaseLimitPolicy, DEFAULT_TIER_LIMITS, type ItemLimit, type PurchaseLimitPolicy, type TierLimits } from '../domain/orders/index.ts';
import {
  answeredKeysFromRows, answeredKeysQuery, boughtSoFarFromRows, boughtSoFarQuery, lockBuyersQuery, lockSlotsQuery, lockWindowsQuery, nodeStatusesQuery, orderItemsFromRows, orderItemsQuery, rowToSlot, rowToWindow, type AnsweredKeyRow, type BoughtRow, type OrderItem, type OrderItemRow, type SlotRow, type WindowRow,
} from '../store/orders.ts';
import { lockedStockFromRows, lockItemBalancesQuery, type LockedStockRow } from '../store/inventory.ts';
import type { Wire } from '../store/rows.ts';
import type { DB } from '../store/tables.ts';

export interface BookNeeds {
  /** (node, slot start, service day) for every candidate node of every order. */
  slots: Array<{ nodeId: string; startMs: number; day: string }>;
  /** (node, item) for every candidate node and line. */
  stock: Array<[string, string]>;
  items: string[];
  /** Buyers per service day: customer and household keys, with the items they buy. */
  buyers: Array<{ customerId: string; household: string; day: string; itemIds: string[] }>;
}

export interface LoadedBook {
  book: PlacementBook;
  items: Map<string, OrderItem>;
  policy: PurchaseLimitPolicy;
}

/**
 * What the batch reads under its locks, in ONE statement (one round trip instead of seven): the
 * Idempotency-Keys already answered (`keys`), the items and their limits, the nodes' status, then,
 * in the lock order, the ordering windows, the slots and the stock rows (`FOR UPDATE`, each
 * sorted), and last the buyers' advisory locks. The select list's subqueries run in their
 * written order, so the locks are taken in the same order as when each was a statement of its
 * own. Every buyer of the batch is locked (a superset of the buyers with a capped item: the caps
 * are only known once the items are read). What the buyers already bought is read by a second
 * statement, which starts after the buyer locks are held and so sees every order committed by
 * the transactions that held them first.
 */
export async function loadBook(trx: Kysely<DB>, needs: BookNeeds, tiers: TierLimits = DEFAULT_TIER_LIMITS, keys: Array<{ scope: string; key: string }> = []): Promise<LoadedBook & { answered: ReturnType<typeof answeredKeysFromRows> }> {
  const row = (await bookQuery(needs, keys).execute(trx)).rows[0];
  return bookFromRow(row, needs, tiers, async (q) => (await q.execute(trx)).rows);
}

/** The statement of `loadBook` (one row), to send as the first of a transaction. */
export function bookQuery(needs: BookNeeds, keys: Array<{ scope: string; key: string }> = []): RawBuilder<Record<string, unknown>> {
  const itemIds = [...new Set(needs.items)];
  const nodeIds = [...new Set(needs.slots.map((s) => s.nodeId))];
  const winKeys = new Map<string, [string, string]>();
  const slotKeys = new Map<string, [string, number]>();
  for (const s of needs.slots) {
    winKeys.set(`${s.nodeId}\u0000${s.day}`, [s.nodeId, s.day]);
    slotKeys.set(`${s.nodeId}\u0000${s.startMs}`, [s.nodeId, s.startMs]);
  }
  const buyerLocks: Array<{ scope: CounterScope; subject: string; day: string }> = [];
  for (const b of needs.buyers) {
    if (b.itemIds.length === 0) continue;
    buyerLocks.push({ scope: 'customer', subject: b.customerId, day: b.day }, { scope: 'household', subject: b.household, day: b.day });
  }
  const parts: Array<[string, RawBuilder<unknown> | null]> = [
    ['keys', keys.length > 0 ? answeredKeysQuery(keys) : null],
    ['items', itemIds.length > 0 ? orderItemsQuery(itemIds) : null],
    ['nodes', nodeIds.length > 0 ? nodeStatusesQuery(nodeIds) : null],
    ['windows', winKeys.size > 0 ? lockWindowsQuery([...winKeys.values()]) : null],
    ['slots', slotKeys.size > 0 ? lockSlotsQuery([...slotKeys.values()]) : null],
    ['stock', lockItemBalancesQuery(needs.stock)],
    ['buyers', buyerLocks.length > 0 ? lockBuyersQuery(buyerLocks) : null],
  ];
  const cols = parts.map(([name, q]) => (q ? sql`(SELECT COALESCE(json_agg(q), '[]'::json) FROM (${q}) AS q) AS ${sql.ref(name)}` : sql`'[]'::json AS ${sql.ref(name)}`));
  return sql<Record<string, unknown>>`SELECT ${sql.join(cols)}`;
}

/**
 * What every buyer of the batch bought of every item of the batch (a superset of the capped
 * items, which are only known once the items are read), to send right behind `bookQuery` in the
 * same transaction: it starts once that statement has ended, so under the buyer locks it took and
 * with a snapshot that sees every order their earlier holders committed; pipelined, it costs no
 * round trip of its own. Null when the batch has no buyer.
 */
export function boughtQuery(needs: BookNeeds): RawBuilder<BoughtRow> | null {
  const items = [...new Set(needs.buyers.flatMap((b) => b.itemIds))];
  return items.length > 0 ? boughtSoFarQuery(needs.buyers, items) : null;
}

/**
 * The book from `bookQuery`'s row; what the buyers bought is `bought` (the rows of `boughtQuery`,
 * read behind it) or else read by `query` (a second statement, after the buyer locks).
 */
export async function bookFromRow(row: Record<string, unknown>, needs: BookNeeds, tiers: TierLimits, query: <R>(q: RawBuilder<R>) => Promise<R[]>, bought?: BoughtRow[]): Promise<LoadedBook & { answered: ReturnType<typeof answeredKeysFromRows> }> {
  // Each part's rows through json_agg (timestamps as ISO strings): the row type of its statement.
  const rows = <T>(name: string): T[] => {
    const v = row[name];
    return (typeof v === 'string' ? JSON.parse(v) : v) as T[];
  };

  const book = new PlacementBook();
  const items = orderItemsFromRows(rows<OrderItemRow>('items'));
  const overrides = new Map<string, ItemLimit>();
  for (const it of items.values()) {
    book.addItem({ itemId: it.itemId, category: it.category, essentialTier: it.essentialTier });
    if (it.override) overrides.set(it.itemId, it.override);
  }
  const policy = new TierPurchaseLimitPolicy(tiers, overrides);
  for (const n of rows<{ id: string; status: string }>('nodes')) book.addNode({ id: n.id, status: n.status as TradingStatus });
  for (const w of rows<Wire<WindowRow>>('windows')) book.addWindow(rowToWindow(w));
  for (const s of rows<Wire<SlotRow>>('slots')) book.addSlot(rowToSlot(s));
  for (const b of lockedStockFromRows(rows<LockedStockRow>('stock'))) book.setStock(b.nodeId, b.itemId, { onHand: Math.max(b.reserved, b.onHand - b.safetyBuffer), reserved: b.reserved });

  // What each buyer already bought, only for items with a cap (uncapped items need no count):
  // counted from the buyers' own orders under the buyer locks taken above, so placing an order
  // writes no counter row.
  const capped = (itemId: string) => isCapped(policy, items, itemId);
  const cappedItems = new Set<string>();
  const buyers = new Map<string, { customerId: string; household: string; day: string }>();
  for (const b of needs.buyers) {
    const mine = b.itemIds.filter(capped);
    if (mine.length === 0) continue;
    for (const i of mine) cappedItems.add(i);
    buyers.set(`${b.customerId}\u0000${b.household}\u0000${b.day}`, { customerId: b.customerId, household: b.household, day: b.day });
  }
  const buyerList = [...buyers.values()];
  if (buyerList.length > 0 && cappedItems.size > 0) {
    const rows = bought ?? (await query(boughtSoFarQuery(buyerList, [...cappedItems])));
    for (const c of boughtSoFarFromRows(rows)) if (cappedItems.has(c.itemId)) book.setBought(c.scope, c.subject, c.itemId, c.day, c.quantity);
  }
  return { book, items, policy, answered: answeredKeysFromRows(rows<AnsweredKeyRow>('keys')) };
}

/** Whether an item has a cap under the policy (so its counters are written). */
export function isCapped(policy: PurchaseLimitPolicy, items: Map<string, OrderItem>, itemId: string): boolean {
  const it = items.get(itemId);
  if (!it) return false;
  const l = policy.limitFor(it);
  return l.perCustomerPerDay !== null || l.perHouseholdPerDay !== null;
}
