import type { Kysely } from 'kysely';
import { PlacementBook, type CounterScope, type TradingStatus } from '../domain/orders/book.ts';
import { TierPurchaseLimitPolicy, DEFAULT_TIER_LIMITS, type ItemLimit, type PurchaseLimitPolicy, type TierLimits } from '../domain/orders/limits.ts';
import { counterKeyOf, lockCounters, lockSlots, lockWindows, loadOrderItems, nodeStatuses, type CounterKey, type OrderItem } from '../store/orders.ts';
import { lockItemBalances as lockStock } from '../store/inventory.ts';

/**
 * Fills a `PlacementBook` for a set of orders inside a transaction, taking the row locks in the
 * fixed order (windows, slots, stock, counters; each sorted) so that concurrent batches queue on
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
  /** The purchase counters that exist (and are locked); pass to `addToCounters`. */
  existingCounters: Set<string>;
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

  // Counters only for items with a cap: uncapped items need neither a row nor a lock.
  const capped = (itemId: string) => {
    const it = items.get(itemId);
    if (!it) return false;
    const l = policy.limitFor(it);
    return l.perCustomerPerDay !== null || l.perHouseholdPerDay !== null;
  };
  const keys: CounterKey[] = [];
  for (const b of needs.buyers) {
    for (const itemId of b.itemIds) {
      if (!capped(itemId)) continue;
      keys.push({ scope: 'customer', subject: b.customerId, itemId, day: b.day }, { scope: 'household', subject: b.household, itemId, day: b.day });
    }
  }
  const existingCounters = new Set<string>();
  for (const c of await lockCounters(trx, keys)) {
    book.setBought(c.scope as CounterScope, c.subject, c.itemId, c.day, c.quantity);
    existingCounters.add(counterKeyOf(c));
  }
  return { book, items, policy, existingCounters };
}

/** Whether an item has a cap under the policy (so its counters are written). */
export function isCapped(policy: PurchaseLimitPolicy, items: Map<string, OrderItem>, itemId: string): boolean {
  const it = items.get(itemId);
  if (!it) return false;
  const l = policy.limitFor(it);
  return l.perCustomerPerDay !== null || l.perHouseholdPerDay !== null;
}
