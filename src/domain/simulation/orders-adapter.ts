/**
 * The simulation's PlacementBook: simulated orders are placed by the orders context's own rules
 * against the engine's state.
 */
import { PlacementBook, type NodeInfo } from '../orders/index.ts';
import { NO_LIMITS, type LimitItem, type PurchaseLimitPolicy } from '../orders/index.ts';
import type { SlotState, WindowState } from '../orders/index.ts';
import type { StockBook } from './stock.ts';

/**
 * The simulation's view for the orders context: a `PlacementBook` whose reads and writes go
 * straight to the engine's state (node statuses, hourly delivery capacity, the day's order
 * capacity, the stock book), so each simulated order is placed by the live system's
 * `placeOrder` (node choice among serving and backup nodes, slot capacity, purchase limits, stock
 * per line, partial acceptance) without copying the state into maps first.
 *
 * Time: the orders context works in epoch milliseconds; the simulation's clock is seconds from
 * 00:00 of day 0, read as UTC (placement is called with `utcOffsetMin: 0`), so the placement's
 * service day is the simulation's calendar day.
 *
 * Slots: a simulated customer takes the earliest hourly slot, from the hour they order, up to
 * `maxSlotDelayH` later, in which the node still has riders. So `slot(node, requestedStart)`
 * answers with that node's earliest open slot in the range (its capacity and bookings), or a
 * full one when there is none; `book` books that same slot, and `slotHour(node)` tells the engine
 * which hour it was.
 */
export interface SimOrdersState {
  nodeIds: readonly string[];
  itemIds: readonly string[];
  stock: StockBook;
  /** Is node n trading now (it exists and takes online orders)? Its status otherwise. */
  status(n: number): NodeInfo['status'];
  /** Orders node n can deliver in hour h of the current day (0 = none). */
  hourCapacity(n: number, hour: number): number;
  /** Orders already booked per node and hour of the current day (N × 24). */
  hourUse: Int32Array;
  /** Orders already booked per node today. */
  dayUse: Int32Array;
  /** Orders a day node n can take (0 = no daily cap). */
  dailyCap(n: number): number;
  maxSlotDelayH: number;
}

export class SimPlacementBook extends PlacementBook {
  private readonly nodeIx: Map<string, number>;
  private readonly itemIx: Map<string, number>;
  private readonly slotOf: Int32Array;
  private readonly limits: boolean;
  /** The order being placed: its day start (ms), hour, and what it reserved. */
  private dayStartMs = 0;
  private hour = 0;
  private resBase = 0;
  private readonly slotAnswer: SlotState = { nodeId: '', startMs: 0, endMs: 0, serviceDay: '', capacity: 0, booked: 0 };
  private readonly windowAnswer: WindowState = { nodeId: '', serviceDay: '', opensAtMs: 0, closesAtMs: null, dayCapacity: 0, booked: 0 };
  reservedItems: number[] = [];
  reservedQty: number[] = [];

  constructor(
    private readonly sim: SimOrdersState,
    items: readonly LimitItem[],
    readonly policy: PurchaseLimitPolicy = NO_LIMITS,
  ) {
    super();
    this.nodeIx = new Map(sim.nodeIds.map((id, k) => [id, k]));
    this.itemIx = new Map(sim.itemIds.map((id, k) => [id, k]));
    this.slotOf = new Int32Array(sim.nodeIds.length).fill(-1);
    for (const it of items) this.addItem(it);
    for (const id of sim.nodeIds) this.addNode({ id, status: 'closed' });
    this.limits = policy !== NO_LIMITS;
  }

  /** Makes the book current for one order placed at `hour` of the day starting at `dayStartMs`. */
  beginOrder(dayStartMs: number, hour: number, candidates: readonly number[], reservationBase: number): void {
    this.dayStartMs = dayStartMs;
    this.hour = hour;
    this.resBase = reservationBase;
    this.reservedItems = [];
    this.reservedQty = [];
    for (const n of candidates) {
      this.nodes.get(this.sim.nodeIds[n])!.status = this.sim.status(n);
      this.slotOf[n] = -1;
    }
  }

  private lastNodeId = '';
  private lastNode: number | undefined = undefined;
  private lookupNode(id: string): number | undefined {
    this.lastNodeId = id;
    return (this.lastNode = this.nodeIx.get(id));
  }

  /** The hour of the slot `book` took at node n for the current order. */
  slotHour(n: number): number {
    return this.slotOf[n];
  }

  nodeIndex(id: string): number {
    return this.nodeIx.get(id)!;
  }

  override slot(nodeId: string, startMs: number): SlotState | undefined {
    const n = this.nodeIx.get(nodeId);
    if (n === undefined) return undefined;
    const s = this.sim;
    const serviceDay = '';
    let hour = -1;
    for (let h = this.hour; h <= Math.min(23, this.hour + s.maxSlotDelayH); h++) {
      if (s.hourUse[n * 24 + h] < s.hourCapacity(n, h)) {
        hour = h;
        break;
      }
    }
    this.slotOf[n] = hour;
    // One answer object, reused: the placement reads it before it asks again.
    const out = this.slotAnswer;
    out.nodeId = nodeId;
    out.serviceDay = serviceDay;
    if (hour < 0) {
      out.startMs = startMs;
      out.capacity = 0;
      out.booked = 0;
    } else {
      out.startMs = this.dayStartMs + hour * 3_600_000;
      out.capacity = s.hourCapacity(n, hour);
      out.booked = s.hourUse[n * 24 + hour];
    }
    out.endMs = out.startMs + 3_600_000;
    return out;
  }

  override window(nodeId: string, serviceDay: string): WindowState | undefined {
    const n = this.nodeIx.get(nodeId);
    if (n === undefined) return undefined;
    const cap = this.sim.dailyCap(n);
    if (cap <= 0) return undefined;
    const out = this.windowAnswer;
    out.nodeId = nodeId;
    out.serviceDay = serviceDay;
    out.opensAtMs = this.dayStartMs;
    out.dayCapacity = cap;
    out.booked = this.sim.dayUse[n];
    return out;
  }

  override available(nodeId: string, itemId: string): number {
    const n = nodeId === this.lastNodeId ? this.lastNode : this.lookupNode(nodeId);
    const i = this.itemIx.get(itemId);
    return n === undefined || i === undefined ? 0 : this.sim.stock.available(n, i);
  }

  override reserve(nodeId: string, itemId: string, quantity: number): void {
    const n = this.nodeIx.get(nodeId)!;
    const i = this.itemIx.get(itemId)!;
    this.sim.stock.reserve(n, i, quantity, this.resBase + this.reservedItems.length);
    this.reservedItems.push(i);
    this.reservedQty.push(quantity);
  }

  override book(nodeId: string): void {
    const n = this.nodeIx.get(nodeId)!;
    const h = this.slotOf[n];
    if (h >= 0) this.sim.hourUse[n * 24 + h]++;
    this.sim.dayUse[n]++;
  }

  override bought(scope: 'customer' | 'household', subject: string, itemId: string, day: string): number {
    return this.limits ? super.bought(scope, subject, itemId, day) : 0;
  }

  override addBought(scope: 'customer' | 'household', subject: string, itemId: string, day: string, quantity: number): void {
    if (this.limits) super.addBought(scope, subject, itemId, day, quantity);
  }
}
