/**
 * The discrete-event simulation of the days ahead. A virtual clock (seconds from
 * 00:00 of day 0) moves from event to event: day starts (expiry write-offs),
 * the world's and the policy's actions, replenishment waves leaving the source,
 * trucks arriving, hour ticks (which draw that hour's orders), and picks. Orders
 * are drawn per zone and hour (Poisson, by the hourly profile) and placed by the
 * orders context's `placeOrder` (the live system's rules: serving then backup
 * nodes by status, day and slot capacity, purchase limits, stock per line,
 * partial acceptance) through `SimPlacementBook`, which reserves in the stock
 * book (the inventory ledger by default); they are picked `pickDelayMin` later.
 *
 * Determinism: one seeded random stream, consumed only by demand (how many
 * orders, when, which items), never by routing or policy; so two policies run on
 * the same seed see exactly the same orders (common random numbers), and the same
 * seed always gives the same report.
 */
import { roadDistanceM } from '../geo/index.ts';
import { takesOnlineOrders, type NodeStatus, type TemperatureClass } from '../network/index.ts';
import { seededRandom, type Random } from '../shared/index.ts';
import { invariant } from '../shared/index.ts';
import { AliasTable, poisson } from './demand.ts';
import { EventQueue, type SimEvent } from './events.ts';
import { M, METRIC_COUNT, toDayKpi, summarise, type DayKpi, type KpiSummary, type Metric, type RefusalReason } from './kpi.ts';
import { SECONDS_PER_DAY, tierIndex, type Replenishment, type SimAction, type SimInput, type StaffLevel, type TierNumbers } from './model.ts';
import { ArrayStock, isoDay, LedgerStock, type StockBook } from './stock.ts';
import { SimPlacementBook } from './orders-adapter.ts';
import { placeOrder, type PlacementContext } from '../orders/index.ts';
import type { PurchaseLimitPolicy } from '../orders/index.ts';
import type { OrderRequest, RejectionCode, RoutingInfo } from '../orders/index.ts';

export interface RunOptions {
  /** 'ledger' (default): the inventory context's in-memory ledger; 'fast': typed arrays. */
  stock?: 'ledger' | 'fast';
  /** With the ledger book: keep every movement line in memory, e.g. to check balances against them in `onDayEnd` (default false: a week makes millions). */
  keepMovements?: boolean;
  /** Called at the end of each simulated day (after closing counts), e.g. to check invariants. */
  onDayEnd?: (day: number, stock: StockBook) => void;
  /** Called after each simulated hour with the fraction done (0-1). */
  onProgress?: (fractionDone: number) => void;
  /** Keep the hourly series for charts (default true). */
  series?: boolean;
  /** Monotonic milliseconds (the caller's `performance.now`) for `stats.wallMs`; the domain reads no clock. Without it wallMs is 0. */
  monotonicMs?: () => number;
  /** Purchase limits the placement applies (default none: every simulated order is a new customer). */
  purchaseLimits?: PurchaseLimitPolicy;
}

export interface HourPoint {
  /** Hours since 00:00 of day 0. */
  hour: number;
  unitsRequested: number;
  unitsFilled: number;
  ordersPlaced: number;
  ordersServed: number;
  /** Essential units on hand at the delivery nodes at the start of the hour. */
  essentialOnHand: number;
  /** Share of essential items out of stock at trading nodes at the start of the hour. */
  essentialStockoutShare: number;
}

export interface SimReport {
  scenario: string;
  policy: string;
  seed: number;
  days: number;
  startDate: string;
  stock: 'ledger' | 'fast';
  summary: KpiSummary;
  /** Per day: one row per node, plus "(none)" and "(all)". */
  perDay: DayKpi[];
  hourly: HourPoint[];
  /** The actions that ran, in order, with their time. */
  log: Array<{ atS: number; kind: string; reason: string }>;
  stats: { orders: number; events: number; wallMs: number };
}

const P_DAY = 0;
const P_ACTION = 1;
const P_ARRIVAL = 2;
const P_WAVE = 3;
const P_HOUR = 4;
const P_PICK = 5;

type Ev =
  | (SimEvent & { kind: 'day' })
  | (SimEvent & { kind: 'action'; action: SimAction })
  | (SimEvent & { kind: 'arrival'; node: number; items: number[]; qty: number[]; expiry: number[]; ref: string })
  | (SimEvent & { kind: 'wave'; version: number; classes: TemperatureClass[]; leadTimeMin: number; nodes: number[] | null })
  | (SimEvent & { kind: 'hour' })
  | (SimEvent & { kind: 'pick'; node: number; items: number[]; qty: number[]; res: number });

const CLASS_IX: Record<TemperatureClass, number> = { ambient: 0, chilled: 1, frozen: 2 };
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

export function runSimulation(input: SimInput, options: RunOptions = {}): SimReport {
  // A timer for the report's stats only; nothing the run decides depends on it.
  const monotonicMs = options.monotonicMs ?? (() => 0);
  const wall0 = monotonicMs();
  const N = input.nodes.length;
  const I = input.items.length;
  const Z = input.zones.length;
  const D = input.days;
  const H = D * 24;
  const rng: Random = seededRandom(input.seed);
  const nodeIx = new Map(input.nodes.map((n, k) => [n.id, k]));
  const zoneIx = new Map(input.zones.map((z, k) => [z.id, k]));
  const itemIx = new Map(input.items.map((it, k) => [it.id, k]));
  const nodeOf = (id: string): number => {
    const k = nodeIx.get(id);
    invariant(k !== undefined, `unknown node ${id}`);
    return k;
  };
  const source = nodeOf(input.fleet.sourceNodeId);
  const stock: StockBook =
    options.stock === 'fast' ? new ArrayStock(N, I) : new LedgerStock(input.nodes.map((n) => n.id), input.items.map((i) => i.id), input.startDate, options.keepMovements === true);
  const wantSeries = options.series !== false;
  const epochMs = Date.parse(`${input.startDate}T00:00:00.000Z`);

  // ---- state ----
  const status: NodeStatus[] = input.nodes.map((n) => n.status);
  const exists = input.nodes.map((n) => n.existsFromS === undefined || n.existsFromS <= 0);
  const dailyCap = input.nodes.map((n) => n.dailyOrderCapacity);
  const staff: Array<StaffLevel | null> = input.nodes.map(() => null);
  /** A roster's orders per hour at a node, from an absolute hour (a 'slot_capacity' action). */
  const rosterCap: Array<{ fromHour: number; perHour: number[]; staffPerHour?: number[] } | null> = input.nodes.map(() => null);
  let nextTransferRes = 0;
  /** The day being simulated (-1 before the first day starts). */
  let currentDay = -1;
  for (const s of input.staff) staff[nodeOf(s.nodeId)] = s;
  const zoneNodes: number[][] = input.zones.map((z) => z.nodeIds.map(nodeOf));
  const itemTier = Int8Array.from(input.items, (it) => tierIndex(it.tier));
  const itemClass = Int8Array.from(input.items, (it) => CLASS_IX[it.temperatureClass]);
  const itemsByClass: number[][] = [[], [], []];
  input.items.forEach((it, i) => input.itemMix[i] > 0 && itemsByClass[CLASS_IX[it.temperatureClass]].push(i));
  const essentialItems = input.items.map((_, i) => i).filter((i) => itemTier[i] > 0 && input.itemMix[i] > 0);
  const inTransit = new Int32Array(N * I);
  const distToSource = input.nodes.map((n) => roadDistanceM(input.nodes[source], n, input.fleet.roadFactor));
  let replenishment: Replenishment = input.replenishment;
  let replVersion = 0;
  let ordersMult = 1;
  let tierMult: TierNumbers = { none: 1, essential: 1, key: 1 };
  const unitsPerLine = 1 + input.demand.twoUnitShare;
  const unitsPerOrder = input.demand.linesPerOrder * unitsPerLine;
  const profileSum = input.demand.hourlyProfile.reduce((a, b) => a + b, 0);
  invariant(profileSum > 0, 'the hourly profile must have a positive total');
  let alias = buildAlias();
  function buildAlias(): AliasTable {
    const tm = [tierMult.none, tierMult.essential, tierMult.key];
    return new AliasTable(input.itemMix.map((w, i) => w * tm[itemTier[i]]));
  }

  // ---- counters ----
  const stride = (N + 1) * METRIC_COUNT;
  const counters = new Float64Array(D * stride);
  const add = (day: number, node: number, m: number, v: number) => {
    if (day < D) counters[day * stride + node * METRIC_COUNT + m] += v;
  };
  const hourUse = new Int32Array(N * 24);
  const dayUse = new Int32Array(N);
  const hourly: HourPoint[] = [];
  const log: SimReport['log'] = [];
  let nextOrderId = 0;
  let events = 0;
  let shippedToday = 0;

  const trading = (n: number) => exists[n] && takesOnlineOrders(status[n]);
  const isDeliveryNode = (n: number) => n !== source && input.nodes[n].dailyOrderCapacity > 0;

  /** Normal orders a day the node serves as primary, from its current zones. */
  function expectedOrders(): Float64Array {
    const out = new Float64Array(N);
    for (let z = 0; z < Z; z++) {
      const ns = zoneNodes[z];
      const live = ns.filter(trading);
      if (live.length > 0) out[live[0]] += input.zones[z].ordersPerDay;
    }
    return out;
  }

  function hourCapacity(n: number, hour: number): number {
    const node = input.nodes[n];
    const r = rosterCap[n];
    if (r && r.perHour.length > 0) {
      const abs = Math.max(0, currentDay) * 24 + hour;
      if (abs >= r.fromHour) {
        // Past the roster's end the node's own staff model again, as apply leaves the slots
        // after the roster's horizon at the capacity they had.
        const k = abs - r.fromHour;
        if (k < r.perHour.length) return r.perHour[k];
      }
    }
    const m = hour * 60;
    const s = staff[n];
    if (s) return m >= s.shiftStartMin && m < s.shiftEndMin ? Math.floor(s.staff * s.ordersPerStaffHour) : 0;
    if (m < node.opensMin || m >= node.closesMin) return 0;
    const openH = Math.max(1, (node.closesMin - node.opensMin) / 60);
    return Math.ceil(dailyCap[n] / openH);
  }

  // ---- the queue ----
  const q = new EventQueue<Ev>();
  for (let d = 0; d < D; d++) q.push({ kind: 'day', atS: d * SECONDS_PER_DAY, priority: P_DAY });
  for (let h = 0; h < H; h++) q.push({ kind: 'hour', atS: h * 3600, priority: P_HOUR });
  for (const a of [...input.imposed, ...input.policy.actions]) {
    if (a.atS < D * SECONDS_PER_DAY) q.push({ kind: 'action', atS: Math.max(0, a.atS), priority: P_ACTION, action: a });
  }

  function scheduleWaves(fromS: number, day: number): void {
    for (const w of replenishment.waves) {
      const at = day * SECONDS_PER_DAY + w.departMin * 60;
      if (at >= fromS) q.push({ kind: 'wave', atS: at, priority: P_WAVE, version: replVersion, classes: w.classes, leadTimeMin: w.leadTimeMin, nodes: null });
    }
  }

  // ---- opening stock ----
  {
    const exp = expectedOrders();
    const cover = [input.openingCoverDays.none, input.openingCoverDays.essential, input.openingCoverDays.key];
    for (let n = 0; n < N; n++) {
      if (!exists[n] || !isDeliveryNode(n) || exp[n] === 0) continue;
      const units = exp[n] * unitsPerOrder;
      for (let i = 0; i < I; i++) {
        const qty = Math.ceil(units * input.itemMix[i] * cover[itemTier[i]]);
        if (qty > 0) stock.receive(n, i, qty, Math.max(0, Math.ceil(input.items[i].shelfLifeDays / 2) - 1), 'opening');
      }
    }
  }

  // ---- handlers ----
  function dayStart(day: number): void {
    // Opening stock is counted before the expiry write-offs, which belong to the day.
    for (let n = 0; n < N; n++) add(day, n, M.openingOnHand, totalOnHand(n));
    stock.expire(day, (n, _i, qty) => add(day, n, M.unitsWrittenOff, qty));
    hourUse.fill(0);
    dayUse.fill(0);
    shippedToday = 0;
    scheduleWaves(day * SECONDS_PER_DAY, day);
  }

  function totalOnHand(n: number): number {
    let s = 0;
    for (let i = 0; i < I; i++) s += stock.onHand(n, i);
    return s;
  }

  function dayEnd(day: number): void {
    const exp = expectedOrders();
    const dm = [tierMult.none, tierMult.essential, tierMult.key];
    for (let n = 0; n < N; n++) {
      add(day, n, M.closingOnHand, totalOnHand(n));
      let ess = 0;
      let essDemand = 0;
      for (const i of essentialItems) {
        ess += stock.onHand(n, i);
        essDemand += exp[n] * ordersMult * unitsPerOrder * input.itemMix[i] * dm[itemTier[i]];
      }
      add(day, n, M.closingEssentialOnHand, ess);
      add(day, n, M.essentialDailyDemand, essDemand);
    }
    options.onDayEnd?.(day, stock);
  }

  function applyAction(a: SimAction, nowS: number): void {
    log.push({ atS: nowS, kind: a.kind, reason: a.reason });
    switch (a.kind) {
      case 'node_status':
        status[nodeOf(a.nodeId)] = a.status;
        break;
      case 'open_node': {
        const n = nodeOf(a.nodeId);
        exists[n] = true;
        if (status[n] === 'closed' || status[n] === 'suspended') status[n] = 'open';
        // Stock it up straight away: every class, the first wave's lead time.
        const lead = replenishment.waves[0]?.leadTimeMin ?? 120;
        q.push({ kind: 'wave', atS: nowS, priority: P_WAVE, version: replVersion, classes: ['ambient', 'chilled', 'frozen'], leadTimeMin: lead, nodes: [n] });
        break;
      }
      case 'zones':
        for (const zid of a.zoneIds) {
          const z = zoneIx.get(zid);
          invariant(z !== undefined, `unknown zone ${zid}`);
          zoneNodes[z] = a.nodeIds.map(nodeOf);
          routings[z] = undefined;
        }
        break;
      case 'demand':
        ordersMult = a.ordersMultiplier;
        tierMult = a.tierMultipliers;
        alias = buildAlias();
        break;
      case 'staff':
        staff[nodeOf(a.level.nodeId)] = a.level;
        break;
      case 'capacity':
        dailyCap[nodeOf(a.nodeId)] = a.dailyOrderCapacity;
        break;
      case 'delivery': {
        // Received at once (the action's time is the arrival), through the same path as a wave's goods.
        const n = nodeOf(a.nodeId);
        const day = Math.floor(nowS / SECONDS_PER_DAY);
        const s = newShipment();
        for (const l of a.lines) {
          const i = itemIx.get(l.itemId);
          invariant(i !== undefined, `unknown item ${l.itemId}`);
          if (l.quantity > 0) load(s, n, i, l.quantity, day);
        }
        send(s, n, nowS, `delivery@${nowS}`);
        break;
      }
      case 'slot_capacity':
        rosterCap[nodeOf(a.nodeId)] = { fromHour: Math.floor(nowS / 3600), perHour: a.ordersPerHour, staffPerHour: a.staffPerHour };
        break;
      case 'transfer':
        transfer(a, nowS);
        break;
      case 'replenishment': {
        replenishment = a.replenishment;
        replVersion++;
        // The waves still to come today follow the new plan.
        scheduleWaves(nowS, Math.floor(nowS / SECONDS_PER_DAY));
        break;
      }
    }
  }

  /** A sourcing transfer leaves its giver with what the giver has, and arrives later. */
  function transfer(a: Extract<SimAction, { kind: 'transfer' }>, nowS: number): void {
    const from = nodeOf(a.fromNodeId);
    const to = nodeOf(a.toNodeId);
    const day = Math.floor(nowS / SECONDS_PER_DAY);
    const arrivalDay = Math.floor(a.arriveAtS / SECONDS_PER_DAY);
    const s = newShipment();
    for (const l of a.lines) {
      const i = itemIx.get(l.itemId);
      invariant(i !== undefined, `unknown item ${l.itemId}`);
      let take = l.quantity;
      if (from === source) {
        // The source's stock is not modelled: its daily shipping (shared with the waves) is the limit.
        take = Math.min(take, Math.max(0, input.fleet.dailyUnits - shippedToday));
        shippedToday += take;
      } else if (!trading(from)) {
        // A store the lockdown suspends is sealed: nobody may pick there, so nothing leaves it
        // (from its online-only reopening, closed-loop staff pick again and it may give).
        take = 0;
      } else {
        take = Math.min(take, Math.max(0, stock.available(from, i)));
        if (take > 0) {
          const res = -1 - nextTransferRes++;
          stock.reserve(from, i, take, res);
          stock.pick(from, i, take, res, day);
          add(day, from, M.unitsTransferredOut, take);
        }
      }
      if (take <= 0) continue;
      add(day, to, M.unitsSent, take);
      load(s, to, i, take, arrivalDay);
    }
    send(s, to, Math.max(nowS, a.arriveAtS), `transfer@${nowS}`);
  }

  /** Goods on their way to one node: item, quantity and expiry day per line. */
  interface Shipment {
    items: number[];
    qty: number[];
    expiry: number[];
  }
  function newShipment(): Shipment {
    return { items: [], qty: [], expiry: [] };
  }
  /** Puts `qty` of item i on a shipment to node `to` arriving on `arrivalDay` (in transit until it arrives; the lot expires after the item's shelf life). */
  function load(s: Shipment, to: number, i: number, qty: number, arrivalDay: number): void {
    s.items.push(i);
    s.qty.push(qty);
    s.expiry.push(arrivalDay + input.items[i].shelfLifeDays - 1);
    inTransit[to * I + i] += qty;
  }
  /** Queues the shipment's arrival at node `to` (nothing when it carries nothing). */
  function send(s: Shipment, to: number, atS: number, ref: string): void {
    if (s.items.length > 0) q.push({ kind: 'arrival', atS, priority: P_ARRIVAL, node: to, items: s.items, qty: s.qty, expiry: s.expiry, ref });
  }

  function wave(e: Extract<Ev, { kind: 'wave' }>): void {
    if (e.nodes === null && e.version !== replVersion) return;
    const day = Math.floor(e.atS / SECONDS_PER_DAY);
    const exp = expectedOrders();
    const cover = [replenishment.coverDays.none, replenishment.coverDays.essential, replenishment.coverDays.key];
    const classes = e.classes.map((c) => CLASS_IX[c]);
    const targets = e.nodes ?? input.nodes.map((_, n) => n);
    // Needs by tier (key first), so a short source serves key items first.
    const needs: Array<Array<{ n: number; i: number; q: number }>> = [[], [], []];
    for (const n of targets) {
      if (!trading(n) || !isDeliveryNode(n) || exp[n] === 0) continue;
      const units = exp[n] * unitsPerOrder;
      for (const c of classes) {
        const list: Array<{ n: number; i: number; q: number }> = [];
        let volAfter = 0;
        for (const i of itemsByClass[c]) {
          const target = Math.ceil(units * input.itemMix[i] * cover[itemTier[i]]);
          const position = stock.available(n, i) + inTransit[n * I + i];
          const need = target - position;
          volAfter += (position + Math.max(0, need)) * input.items[i].volumeCm3;
          if (need > 0) list.push({ n, i, q: need });
        }
        // Storage: scale needs down so the class fits (0 = unlimited).
        const cap = input.nodes[n].storageCm3[(['ambient', 'chilled', 'frozen'] as const)[c]];
        let scale = 1;
        if (cap > 0 && volAfter > cap) {
          const needVol = list.reduce((a, x) => a + x.q * input.items[x.i].volumeCm3, 0);
          scale = Math.max(0, 1 - (volAfter - cap) / Math.max(1, needVol));
        }
        for (const x of list) {
          add(day, n, M.unitsAsked, x.q);
          const qq = Math.floor(x.q * scale);
          if (qq > 0) needs[itemTier[x.i]].push({ n, i: x.i, q: qq });
        }
      }
    }
    const perNode = new Map<number, { s: Shipment; coldCm3: number; ambientCm3: number }>();
    const arrivalS = e.atS + e.leadTimeMin * 60;
    const arrivalDay = Math.floor(arrivalS / SECONDS_PER_DAY);
    for (const t of [2, 1, 0]) {
      const list = needs[t];
      const want = list.reduce((a, x) => a + x.q, 0);
      const left = Math.max(0, input.fleet.dailyUnits - shippedToday);
      const share = want <= left ? 1 : left / want;
      for (const x of list) {
        const qq = share === 1 ? x.q : Math.floor(x.q * share);
        if (qq <= 0) continue;
        shippedToday += qq;
        let p = perNode.get(x.n);
        if (!p) perNode.set(x.n, (p = { s: newShipment(), coldCm3: 0, ambientCm3: 0 }));
        load(p.s, x.n, x.i, qq, arrivalDay);
        const vol = qq * input.items[x.i].volumeCm3;
        if (itemClass[x.i] === 0) p.ambientCm3 += vol;
        else p.coldCm3 += vol;
        add(day, x.n, M.unitsSent, qq);
      }
    }
    for (const [n, p] of perNode) {
      const cold = p.coldCm3 > 0 ? Math.ceil(p.coldCm3 / input.fleet.coldTripCapacityCm3) : 0;
      const amb = p.ambientCm3 > 0 ? Math.ceil(p.ambientCm3 / input.fleet.ambientTripCapacityCm3) : 0;
      add(day, n, M.coldTrips, cold);
      add(day, n, M.ambientTrips, amb);
      add(day, n, M.distanceM, (cold + amb) * 2 * distToSource[n]);
      add(day, n, M.coolantPacks, cold * input.fleet.coolantPacksPerColdTrip);
      send(p.s, n, arrivalS, `wave@${e.atS}`);
    }
  }

  function arrival(e: Extract<Ev, { kind: 'arrival' }>): void {
    const day = Math.floor(e.atS / SECONDS_PER_DAY);
    for (let k = 0; k < e.items.length; k++) {
      stock.receive(e.node, e.items[k], e.qty[k], e.expiry[k], e.ref);
      inTransit[e.node * I + e.items[k]] -= e.qty[k];
      add(day, e.node, M.unitsReceived, e.qty[k]);
    }
  }

  function pick(e: Extract<Ev, { kind: 'pick' }>): void {
    const day = Math.floor(e.atS / SECONDS_PER_DAY);
    for (let k = 0; k < e.items.length; k++) {
      stock.pick(e.node, e.items[k], e.qty[k], e.res + k, day);
      add(day, e.node, M.unitsSold, e.qty[k]);
    }
  }

  function hourTick(hourAbs: number): void {
    const day = Math.floor(hourAbs / 24);
    const hour = hourAbs % 24;
    // Staff-hours and the essential stock picture at the start of the hour.
    let essOn = 0;
    let outCount = 0;
    let essCount = 0;
    for (let n = 0; n < N; n++) {
      if (!exists[n] || !isDeliveryNode(n)) continue;
      const s = staff[n];
      const r = rosterCap[n];
      const k = r ? day * 24 + hour - r.fromHour : -1;
      if (r && k >= 0 && k < r.perHour.length) {
        // A roster's hour: its own people at work then (pickers and packers).
        if (trading(n)) add(day, n, M.staffHours, r.staffPerHour?.[k] ?? 0);
      } else if (s && trading(n) && hour * 60 >= s.shiftStartMin && hour * 60 < s.shiftEndMin) add(day, n, M.staffHours, s.staff);
      const live = trading(n);
      let out = 0;
      for (const i of essentialItems) {
        const a = stock.available(n, i);
        if (wantSeries) essOn += stock.onHand(n, i);
        if (live && a <= 0) out++;
      }
      if (live) {
        add(day, n, M.essentialStockoutItemHours, out);
        add(day, n, M.essentialItemHours, essentialItems.length);
        outCount += out;
        essCount += essentialItems.length;
      }
    }
    const point: HourPoint = { hour: hourAbs, unitsRequested: 0, unitsFilled: 0, ordersPlaced: 0, ordersServed: 0, essentialOnHand: essOn, essentialStockoutShare: essCount > 0 ? Math.round((10000 * outCount) / essCount) / 10000 : 0 };

    // This hour's orders: a Poisson count per zone, at uniform seconds, in time order.
    const share = (input.demand.hourlyProfile[hour] / profileSum) * ordersMult;
    if (share > 0) {
      const keys: number[] = [];
      for (let z = 0; z < Z; z++) {
        const count = poisson(input.zones[z].ordersPerDay * share, rng);
        for (let k = 0; k < count; k++) keys.push(rng.int(3600) * Z + z);
      }
      const sorted = Float64Array.from(keys).sort();
      const base = hourAbs * 3600;
      for (let k = 0; k < sorted.length; k++) {
        const off = Math.floor(sorted[k] / Z);
        const z = sorted[k] - off * Z;
        drain(base + off);
        order(base + off, day, hour, z, point);
      }
    }
    if (wantSeries) hourly.push(point);
  }

  // Orders are placed by the orders context's rules, through a book that reads and writes the engine's state.
  const orderBook = new SimPlacementBook(
    {
      nodeIds: input.nodes.map((n) => n.id),
      itemIds: input.items.map((i) => i.id),
      stock,
      status: (n) => (exists[n] ? status[n] : 'closed'),
      hourCapacity,
      hourUse,
      dayUse,
      dailyCap: (n) => dailyCap[n],
      maxSlotDelayH: input.demand.maxSlotDelayH,
    },
    input.items.map((it) => ({ itemId: it.id, category: it.temperatureClass, essentialTier: it.tier })),
    options.purchaseLimits,
  );
  const placement: PlacementContext = { book: orderBook, policy: orderBook.policy, nowMs: 0, utcOffsetMin: 0 };
  const limitsOn = options.purchaseLimits !== undefined;
  const itemIds = input.items.map((i) => i.id);
  /** The zone lookup's answer per zone, rebuilt when a 'zones' action changes who serves it. */
  const routings: Array<RoutingInfo | null | undefined> = new Array(Z);
  function routingOf(z: number): RoutingInfo | null {
    let r = routings[z];
    if (r === undefined) {
      const c = zoneNodes[z];
      r = routings[z] = c.length === 0 ? null : { zoneId: input.zones[z].id, servingNodeId: input.nodes[c[0]].id, backupNodeIds: c.slice(1).map((n) => input.nodes[n].id), underLockdown: false };
    }
    return r;
  }
  const lineItems = new Int32Array(MAX_LINES);
  const lineQty = new Int32Array(MAX_LINES);
  function order(atS: number, day: number, hour: number, z: number, point: HourPoint): void {
    const orderId = nextOrderId++;
    const drawn = Math.min(MAX_LINES, 1 + poisson(input.demand.linesPerOrder - 1, rng));
    // One line per item: a customer who picks an item twice asks for the sum.
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
    const cands = zoneNodes[z];
    const home = cands.length > 0 ? cands[0] : N;
    point.ordersPlaced++;
    point.unitsRequested += requested;

    const res = orderId * MAX_LINES;
    const dayStartMs = epochMs + day * SECONDS_PER_DAY * 1000;
    orderBook.beginOrder(dayStartMs, hour, cands, res);
    placement.nowMs = epochMs + atS * 1000;
    const reqLines: OrderRequest['lines'] = [];
    for (let k = 0; k < lines; k++) reqLines.push({ itemId: itemIds[lineItems[k]], quantity: lineQty[k] });
    // Every simulated order is a new customer; without limits the id is never read.
    const customerId = limitsOn ? `c${orderId}` : 'c';
    const req: OrderRequest = {
      customerId,
      address: { lat: 0, lng: 0, householdId: customerId },
      lines: reqLines,
      slotStartMs: dayStartMs + hour * 3_600_000,
      allowSubstitution: false,
      allowSplit: false,
      acceptPartial: true,
    };
    const out = placeOrder(req, routingOf(z), placement);

    if (out.status === 'rejected') {
      const reason = refusalReason(out.code!);
      // A stock refusal belongs to the node that had a slot; the others to the zone's home node.
      let at = home;
      if (reason === 'insufficient_stock') {
        const refused = new Set(out.nodeRefusals.map((r) => r.nodeId));
        const first = cands.find((n) => !refused.has(input.nodes[n].id));
        if (first !== undefined) at = first;
      }
      add(day, at, M.ordersPlaced, 1);
      for (let k = 0; k < lines; k++) add(day, at, M.requestedNone + itemTier[lineItems[k]], lineQty[k]);
      const m = reason === 'zone_not_served' ? M.refusedZoneNotServed : reason === 'node_not_trading' ? M.refusedNodeNotTrading : reason === 'slot_full' ? M.refusedSlotFull : M.refusedInsufficientStock;
      add(day, at, m, 1);
      return;
    }
    invariant(out.orders.length === 1, 'an order that may not be split is placed at one node');
    const n = orderBook.nodeIndex(out.orders[0].nodeId);
    add(day, n, M.ordersPlaced, 1);
    for (let k = 0; k < lines; k++) add(day, n, M.requestedNone + itemTier[lineItems[k]], lineQty[k]);
    const items = orderBook.reservedItems;
    const qty = orderBook.reservedQty;
    for (let k = 0; k < items.length; k++) {
      add(day, n, M.filledNone + itemTier[items[k]], qty[k]);
      point.unitsFilled += qty[k];
    }
    add(day, n, M.ordersServed, 1);
    const s = staff[n];
    if (s) add(day, n, M.staffHoursUsed, 1 / s.ordersPerStaffHour);
    point.ordersServed++;
    const slotStart = day * SECONDS_PER_DAY + orderBook.slotHour(n) * 3600;
    const pickAt = Math.min(Math.max(atS, slotStart) + input.demand.pickDelayMin * 60, (day + 1) * SECONDS_PER_DAY - 1);
    q.push({ kind: 'pick', atS: pickAt, priority: P_PICK, node: n, items, qty, res });
  }

  function handle(e: Ev): void {
    events++;
    const day = Math.floor(e.atS / SECONDS_PER_DAY);
    if (e.kind === 'day') {
      if (currentDay >= 0) dayEnd(currentDay);
      currentDay = day;
      dayStart(day);
      return;
    }
    switch (e.kind) {
      case 'action':
        applyAction(e.action, e.atS);
        break;
      case 'wave':
        wave(e);
        break;
      case 'arrival':
        arrival(e);
        break;
      case 'pick':
        pick(e);
        break;
      case 'hour':
        hourTick(Math.floor(e.atS / 3600));
        if (options.onProgress && (e.atS / 3600) % 6 === 5) options.onProgress((e.atS / 3600 + 1) / H);
        break;
    }
  }

  /** Runs every queued event due at or before `t` (hour ticks excluded: they drive this). */
  function drain(t: number): void {
    for (;;) {
      const top = q.peek();
      if (!top || top.atS > t || top.kind === 'hour' || top.kind === 'day') return;
      handle(q.pop()!);
    }
  }

  const endS = D * SECONDS_PER_DAY;
  for (;;) {
    const e = q.pop();
    if (!e || e.atS >= endS) break;
    handle(e);
  }
  if (currentDay >= 0) dayEnd(currentDay);
  options.onProgress?.(1);

  // ---- report ----
  const perDay: DayKpi[] = [];
  const totals: DayKpi[] = [];
  for (let d = 0; d < D; d++) {
    const date = isoDay(input.startDate, d);
    for (let n = 0; n <= N; n++) {
      const off = d * stride + n * METRIC_COUNT;
      const row = toDayKpi((m: Metric) => counters[off + M[m]], d, date, n < N ? input.nodes[n].id : '(none)');
      if (n === N && row.ordersPlaced === 0) continue;
      if (n < N && row.ordersPlaced === 0 && row.openingOnHand === 0 && row.closingOnHand === 0 && row.unitsSent === 0) continue;
      perDay.push(row);
    }
    const totalRow = toDayKpi((m: Metric) => {
      let s = 0;
      for (let n = 0; n <= N; n++) s += counters[d * stride + n * METRIC_COUNT + M[m]];
      // Days of cover is for the district's delivery nodes: the source's stock is not counted.
      if (m === 'closingEssentialOnHand') s -= counters[d * stride + source * METRIC_COUNT + M[m]];
      return s;
    }, d, date, '(all)');
    perDay.push(totalRow);
    totals.push(totalRow);
  }
  return {
    scenario: input.name,
    policy: input.policy.name,
    seed: input.seed,
    days: D,
    startDate: input.startDate,
    stock: stock.kind,
    summary: summarise(totals),
    perDay,
    hourly,
    log,
    stats: { orders: nextOrderId, events, wallMs: Math.round(monotonicMs() - wall0) },
  };
}
