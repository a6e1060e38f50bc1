/**
 * A run's orders: each simulated order's lines drawn from the item mix, placed by the orders
 * context's `placeOrder` (the live rules) through `SimPlacementBook`, counted as served or refused
 * by reason, and picked later; and the pick itself.
 */
import { invariant } from '../shared/index.ts';
import { placeOrder, type OrderRequest, type PlacementContext, type RejectionCode } from '../orders/index.ts';
import { poisson } from './demand.ts';
import { M, type RefusalReason } from './kpi.ts';
import { SECONDS_PER_DAY } from './model.ts';
import { SimPlacementBook } from './orders-adapter.ts';
import { P_PICK, type Ev, type HourPoint, type SimRun } from './run.ts';

const MAX_LINES = 16;

/** The simulation's refusal reasons, from the orders context's codes. */
function refusalReason(code: RejectionCode): RefusalReason {
  switch (code) {
    case 'zone_not_served':
    case 'node_not_trading':
    case 'slot_full':
      return code;
    case 'window_closed':
      // The day's delivery capacity is gone: no slot left today.
      return 'slot_full';
    default:
      // insufficient_stock, and over_purchase_limit when every line is over its cap.
      return 'insufficient_stock';
  }
}

/** Places a run's orders; holds the placement book and the current order's lines. */
export class OrderPlacer {
  private readonly run: SimRun;
  private readonly book: SimPlacementBook;
  private readonly placement: PlacementContext;
  private readonly limitsOn: boolean;
  /** The order being placed: one line per item, and the units it asks for. */
  private readonly lineItems = new Int32Array(MAX_LINES);
  private readonly lineQty = new Int32Array(MAX_LINES);
  private lines = 0;
  private requested = 0;

  constructor(run: SimRun) {
    this.run = run;
    const { input } = run;
    // The book reads and writes the run's state.
    this.book = new SimPlacementBook(
      {
        nodeIds: input.nodes.map((n) => n.id),
        itemIds: run.itemIds,
        stock: run.stock,
        status: (n) => (run.exists[n] ? run.status[n] : 'closed'),
        hourCapacity: (n, hour) => run.hourCapacity(n, hour),
        hourUse: run.hourUse,
        dayUse: run.dayUse,
        dailyCap: (n) => run.dailyCap[n],
        maxSlotDelayH: input.demand.maxSlotDelayH,
      },
      input.items.map((it) => ({ itemId: it.id, category: it.temperatureClass, essentialTier: it.tier })),
      run.options.purchaseLimits,
    );
    this.placement = { book: this.book, policy: this.book.policy, nowMs: 0, utcOffsetMin: 0 };
    this.limitsOn = run.options.purchaseLimits !== undefined;
  }

  /** An order from zone z at `atS` (hour `hour` of `day`): drawn, placed, counted; an accepted one is picked later. */
  place(atS: number, day: number, hour: number, z: number, point: HourPoint): void {
    const run = this.run;
    const orderId = run.nextOrderId++;
    this.drawLines();
    const cands = run.zoneNodes[z];
    point.ordersPlaced++;
    point.unitsRequested += this.requested;

    const res = orderId * MAX_LINES;
    const dayStartMs = run.epochMs + day * SECONDS_PER_DAY * 1000;
    this.book.beginOrder(dayStartMs, hour, cands, res);
    this.placement.nowMs = run.epochMs + atS * 1000;
    const reqLines: OrderRequest['lines'] = [];
    for (let k = 0; k < this.lines; k++) reqLines.push({ itemId: run.itemIds[this.lineItems[k]], quantity: this.lineQty[k] });
    // Every simulated order is a new customer; without limits the id is never read.
    const customerId = this.limitsOn ? `c${orderId}` : 'c';
    const req: OrderRequest = {
      customerId,
      address: { lat: 0, lng: 0, householdId: customerId },
      lines: reqLines,
      slotStartMs: dayStartMs + hour * 3_600_000,
      allowSubstitution: false,
      allowSplit: false,
      acceptPartial: true,
    };
    const out = placeOrder(req, run.routingOf(z), this.placement);
    if (out.status === 'rejected') {
      this.refused(day, cands, refusalReason(out.code!), out.nodeRefusals);
      return;
    }
    invariant(out.orders.length === 1, 'an order that may not be split is placed at one node');
    this.served(atS, day, this.book.nodeIndex(out.orders[0].nodeId), res, point);
  }

  /** Draws the order's lines: one line per item (a customer who picks an item twice asks for the sum). */
  private drawLines(): void {
    const { input, rng, alias } = this.run;
    const { lineItems, lineQty } = this;
    const drawn = Math.min(MAX_LINES, 1 + poisson(input.demand.linesPerOrder - 1, rng));
    let lines = 0;
    let requested = 0;
    for (let k = 0; k < drawn; k++) {
      const i = alias.draw(rng);
      const qty = rng.next() < input.demand.twoUnitShare ? 2 : 1;
      requested += qty;
      let j = 0;
      while (j < lines && lineItems[j] !== i) j++;
      if (j < lines) lineQty[j] += qty;
      else {
        lineItems[lines] = i;
        lineQty[lines++] = qty;
      }
    }
    this.lines = lines;
    this.requested = requested;
  }

  /** Counts the order's placement and the units it asked for at node `at`, by tier. */
  private countPlaced(day: number, at: number): void {
    const { kpi, itemTier } = this.run;
    kpi.add(day, at, M.ordersPlaced, 1);
    for (let k = 0; k < this.lines; k++) kpi.add(day, at, M.requestedNone + itemTier[this.lineItems[k]], this.lineQty[k]);
  }

  /** A refusal: a stock refusal belongs to the node that had a slot; the others to the zone's home node (or "(none)"). */
  private refused(day: number, cands: number[], reason: RefusalReason, nodeRefusals: ReadonlyArray<{ nodeId: string }>): void {
    const run = this.run;
    let at = cands.length > 0 ? cands[0] : run.N;
    if (reason === 'insufficient_stock') {
      const refused = new Set(nodeRefusals.map((r) => r.nodeId));
      const first = cands.find((n) => !refused.has(run.input.nodes[n].id));
      if (first !== undefined) at = first;
    }
    this.countPlaced(day, at);
    const m = reason === 'zone_not_served' ? M.refusedZoneNotServed : reason === 'node_not_trading' ? M.refusedNodeNotTrading : reason === 'slot_full' ? M.refusedSlotFull : M.refusedInsufficientStock;
    run.kpi.add(day, at, m, 1);
  }

  /** An order node n took: what it reserved counted as filled, staff time used, and its pick queued after its slot starts. */
  private served(atS: number, day: number, n: number, res: number, point: HourPoint): void {
    const run = this.run;
    const { kpi, itemTier } = run;
    this.countPlaced(day, n);
    const items = this.book.reservedItems;
    const qty = this.book.reservedQty;
    for (let k = 0; k < items.length; k++) {
      kpi.add(day, n, M.filledNone + itemTier[items[k]], qty[k]);
      point.unitsFilled += qty[k];
    }
    kpi.add(day, n, M.ordersServed, 1);
    const s = run.staff[n];
    if (s) kpi.add(day, n, M.staffHoursUsed, 1 / s.ordersPerStaffHour);
    point.ordersServed++;
    const slotStart = day * SECONDS_PER_DAY + this.book.slotHour(n) * 3600;
    const pickAt = Math.min(Math.max(atS, slotStart) + run.input.demand.pickDelayMin * 60, (day + 1) * SECONDS_PER_DAY - 1);
    run.q.push({ kind: 'pick', atS: pickAt, priority: P_PICK, node: n, items, qty, res });
  }
}

/** An order's pick: its reserved units leave the node's stock, sold. */
export function pick(run: SimRun, e: Extract<Ev, { kind: 'pick' }>): void {
  const day = Math.floor(e.atS / SECONDS_PER_DAY);
  for (let k = 0; k < e.items.length; k++) {
    run.stock.pick(e.node, e.items[k], e.qty[k], e.res + k, day);
    run.kpi.add(day, e.node, M.unitsSold, e.qty[k]);
  }
}
