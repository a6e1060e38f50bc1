import type { Kysely } from 'kysely';
import { PlacementBook, type CounterScope, type TradingStatus } from '../domain/orders/book.ts';
import { TierPurchaseLimitPolicy, DEFAULT_TIER_LIMITS, type ItemLimit, type PurchaseLimitPolicy, type TierLimits } from '../domain/orders/limits.ts';
import { boughtSoFar, lockBuyers, lockSlots, lockWindows, loadOrderItems, nodeStatuses, type OrderItem } from '../store/orders.ts';
import { lockItemBalances as lockStock } from '../store/inventory.ts';

/**
 * Fills a `PlacementBook` for a set of orders inside a transaction, taking the row locks in the
 * fixed order (windows, slots, stock, buyers; each sorted) so that concurrent batches queue on
 * the rows they share instead of deadlocking. What a batch needs to know is gathered first, then
 * each table is read once.
 */
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

export async function loadBook(trx: Kysely<any>, needs: BookNeeds, tiers: TierLimits = DEFAULT_TIER_LIMITS): Promise<LoadedBook> {
  const book = new PlacementBook();
  const items = await loadOrderItems(trx, [...new Set(needs.items)]);
  const overrides = new Map<string, ItemLimit>();
  for (const it of items.values()) {
    book.addItem({ itemId: it.itemId, category: it.category, essentialTier: it.essentialTier });
    if (it.override) overrides.set(it.itemId, it.override);
  }
  const policy = new TierPurchaseLimitPolicy(tiers, overrides);

  const nodeIds = [...new Set(needs.slots.map((s) => s.nodeId))];
  for (const n of await nodeStatuses(trx, nodeIds)) book.addNode({ id: n.id, status: n.status as TradingStatus });
  const winKeys = new Map<string, [string, string]>();
  const slotKeys = new Map<string, [string, number]>();
  for (const s of needs.slots) {
    winKeys.set(`${s.nodeId}\u0000${s.day}`, [s.nodeId, s.day]);
    slotKeys.set(`${s.nodeId}\u0000${s.startMs}`, [s.nodeId, s.startMs]);
  }
  for (const w of await lockWindows(trx, [...winKeys.values()])) book.addWindow(w);
  for (const s of await lockSlots(trx, [...slotKeys.values()])) book.addSlot(s);
  for (const b of await lockStock(trx, needs.stock)) book.setStock(b.nodeId, b.itemId, { onHand: Math.max(b.reserved, b.onHand - b.safetyBuffer), reserved: b.reserved });

  // What each buyer already bought, only for items with a cap (uncapped items need no count):
  // counted from the buyers' own orders under one advisory lock per buyer and day, so placing an
  // order writes no counter row.
  const capped = (itemId: string) => isCapped(policy, items, itemId);
  const cappedItems = new Set<string>();
  const buyers = new Map<string, { customerId: string; household: string; day: string }>();
  const locks: Array<{ scope: CounterScope; subject: string; day: string }> = [];
  for (const b of needs.buyers) {
    const mine = b.itemIds.filter(capped);
    if (mine.length === 0) continue;
    for (const i of mine) cappedItems.add(i);
    buyers.set(`${b.customerId}\u0000${b.household}\u0000${b.day}`, { customerId: b.customerId, household: b.household, day: b.day });
    locks.push({ scope: 'customer', subject: b.customerId, day: b.day }, { scope: 'household', subject: b.household, day: b.day });
  }
  await lockBuyers(trx, locks);
  for (const c of await boughtSoFar(trx, [...buyers.values()], [...cappedItems])) book.setBought(c.scope, c.subject, c.itemId, c.day, c.quantity);
  return { book, items, policy };
}

/** Whether an item has a cap under the policy (so its counters are written). */
export function isCapped(policy: PurchaseLimitPolicy, items: Map<string, OrderItem>, itemId: string): boolean {
  const it = items.get(itemId);
  if (!it) return false;
  const l = policy.limitFor(it);
  return l.perCustomerPerDay !== null || l.perHouseholdPerDay !== null;
}
