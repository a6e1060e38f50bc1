/**
 * The placement book: the in-memory state (statuses, slots, windows, stock, purchase counters) a
 * batch of placements reads and changes.
 */
import type { LimitItem } from './limits.ts';
import type { SlotState, WindowState } from './slots.ts';

/**
 * What a placement needs to decide, held in memory: node statuses, slots, ordering windows,
 * stock balances and purchase counters. The store fills a book with the rows it has locked for a
 * batch of orders; the placement rules read it and, for each accepted order, change it by exactly
 * what the order takes, so the next order in the batch sees the stock and capacity that are left.
 * The simulation and the tests fill one directly.
 */
export type TradingStatus = 'open' | 'online_only' | 'suspended' | 'closed';

export interface NodeInfo {
  id: string;
  status: TradingStatus;
}

export interface StockState {
  onHand: number;
  reserved: number;
}

export type CounterScope = 'customer' | 'household';

const k2 = (a: string, b: string | number) => `${a}\u0000${b}`;

export class PlacementBook {
  readonly nodes = new Map<string, NodeInfo>();
  readonly items = new Map<string, LimitItem>();
  private readonly slots = new Map<string, SlotState>();
  private readonly windows = new Map<string, WindowState>();
  private readonly stock = new Map<string, StockState>();
  private readonly counters = new Map<string, number>();

  addNode(n: NodeInfo): this {
    this.nodes.set(n.id, n);
    return this;
  }
  addItem(i: LimitItem): this {
    this.items.set(i.itemId, i);
    return this;
  }
  addSlot(s: SlotState): this {
    this.slots.set(k2(s.nodeId, s.startMs), s);
    return this;
  }
  addWindow(w: WindowState): this {
    this.windows.set(k2(w.nodeId, w.serviceDay), w);
    return this;
  }
  setStock(nodeId: string, itemId: string, s: StockState): this {
    this.stock.set(k2(nodeId, itemId), { ...s });
    return this;
  }
  setBought(scope: CounterScope, subject: string, itemId: string, day: string, quantity: number): this {
    this.counters.set(counterKey(scope, subject, itemId, day), quantity);
    return this;
  }

  slot(nodeId: string, startMs: number): SlotState | undefined {
    return this.slots.get(k2(nodeId, startMs));
  }
  window(nodeId: string, day: string): WindowState | undefined {
    return this.windows.get(k2(nodeId, day));
  }
  available(nodeId: string, itemId: string): number {
    const s = this.stock.get(k2(nodeId, itemId));
    return s ? s.onHand - s.reserved : 0;
  }
  stockOf(nodeId: string, itemId: string): StockState | undefined {
    return this.stock.get(k2(nodeId, itemId));
  }
  bought(scope: CounterScope, subject: string, itemId: string, day: string): number {
    return this.counters.get(counterKey(scope, subject, itemId, day)) ?? 0;
  }

  /** Records what an accepted order takes. The caller has checked it fits. */
  reserve(nodeId: string, itemId: string, quantity: number): void {
    const key = k2(nodeId, itemId);
    const s = this.stock.get(key);
    if (!s || s.onHand - s.reserved < quantity) throw new Error(`book: reserving ${quantity} of ${itemId} at ${nodeId} exceeds what is available`);
    s.reserved += quantity;
  }
  book(nodeId: string, startMs: number, day: string, deliveries = 1): void {
    const s = this.slots.get(k2(nodeId, startMs));
    if (s) s.booked += deliveries;
    const w = this.windows.get(k2(nodeId, day));
    if (w) w.booked += deliveries;
  }
  addBought(scope: CounterScope, subject: string, itemId: string, day: string, quantity: number): void {
    const key = counterKey(scope, subject, itemId, day);
    this.counters.set(key, (this.counters.get(key) ?? 0) + quantity);
  }
}

export function counterKey(scope: CounterScope, subject: string, itemId: string, day: string): string {
  return `${scope}\u0000${subject}\u0000${itemId}\u0000${day}`;
}
