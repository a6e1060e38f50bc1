/**
 * One simulation run's state (`SimRun`): the input's indexes, the nodes' live state (status,
 * capacity, staff, rosters, zones), the stock book and goods in transit, the replenishment and
 * demand in force, the event queue and the KPI counters; with the run's options and report types.
 * The phase modules (setup, day, shipments, actions, hour, order-placement) read and change it.
 */
import { roadDistanceM } from '../geo/index.ts';
import { takesOnlineOrders, type NodeStatus, type TemperatureClass } from '../network/index.ts';
import { invariant, seededRandom, type Random } from '../shared/index.ts';
import type { PurchaseLimitPolicy, RoutingInfo } from '../orders/index.ts';
import { AliasTable } from './demand.ts';
import { EventQueue, type SimEvent } from './events.ts';
import { KpiCounters } from './kpi-counters.ts';
import type { DayKpi, KpiSummary } from './kpi.ts';
import { tierIndex, type Replenishment, type SimAction, type SimInput, type StaffLevel, type TierNumbers } from './model.ts';
import { ArrayStock, LedgerStock, type StockBook } from './stock.ts';

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

/** Event priorities at the same second: day start, actions, arrivals, waves, hour ticks, picks. */
export const P_DAY = 0;
export const P_ACTION = 1;
export const P_ARRIVAL = 2;
export const P_WAVE = 3;
export const P_HOUR = 4;
export const P_PICK = 5;

export type Ev =
  | (SimEvent & { kind: 'day' })
  | (SimEvent & { kind: 'action'; action: SimAction })
  | (SimEvent & { kind: 'arrival'; node: number; items: number[]; qty: number[]; expiry: number[]; ref: string })
  | (SimEvent & { kind: 'wave'; version: number; classes: TemperatureClass[]; leadTimeMin: number; nodes: number[] | null })
  | (SimEvent & { kind: 'hour' })
  | (SimEvent & { kind: 'pick'; node: number; items: number[]; qty: number[]; res: number });

export const CLASS_IX: Record<TemperatureClass, number> = { ambient: 0, chilled: 1, frozen: 2 };

/** A roster's orders per hour at a node, from an absolute hour (a 'slot_capacity' action). */
export interface RosterCapacity {
  fromHour: number;
  perHour: number[];
  staffPerHour?: number[];
}

export class SimRun {
  readonly input: SimInput;
  readonly options: RunOptions;
  /** Nodes, items, zones and days of the run. */
  readonly N: number;
  readonly I: number;
  readonly Z: number;
  readonly D: number;
  /** The one random stream, consumed by demand only. */
  readonly rng: Random;
  readonly source: number;
  readonly stock: StockBook;
  readonly wantSeries: boolean;
  readonly epochMs: number;
  private readonly nodeIx: Map<string, number>;
  private readonly zoneIx: Map<string, number>;
  private readonly itemIx: Map<string, number>;

  // The nodes as the run changes them.
  readonly status: NodeStatus[];
  readonly exists: boolean[];
  readonly dailyCap: number[];
  readonly staff: Array<StaffLevel | null>;
  readonly rosterCap: Array<RosterCapacity | null>;
  readonly zoneNodes: number[][];
  /** The zone lookup's answer per zone, rebuilt when a 'zones' action changes who serves it. */
  readonly routings: Array<RoutingInfo | null | undefined>;
  /** Orders booked per node and hour of the current day (N × 24), and per node today. */
  readonly hourUse: Int32Array;
  readonly dayUse: Int32Array;

  // The items.
  readonly itemIds: string[];
  readonly itemTier: Int8Array;
  readonly itemClass: Int8Array;
  /** Items with a share of the mix, per temperature class. */
  readonly itemsByClass: number[][];
  /** Essential and key items with a share of the mix. */
  readonly essentialItems: number[];

  // Goods on the move.
  readonly inTransit: Int32Array;
  readonly distToSource: number[];
  replenishment: Replenishment;
  replVersion = 0;
  shippedToday = 0;
  nextTransferRes = 0;

  // Demand in force.
  ordersMult = 1;
  tierMult: TierNumbers = { none: 1, essential: 1, key: 1 };
  readonly unitsPerOrder: number;
  readonly profileSum: number;
  alias: AliasTable;

  // The clock, the queue and what the report needs.
  readonly q = new EventQueue<Ev>();
  /** The day being simulated (-1 before the first day starts). */
  currentDay = -1;
  events = 0;
  nextOrderId = 0;
  readonly kpi: KpiCounters;
  readonly hourly: HourPoint[] = [];
  readonly log: SimReport['log'] = [];

  constructor(input: SimInput, options: RunOptions) {
    this.input = input;
    this.options = options;
    this.N = input.nodes.length;
    this.I = input.items.length;
    this.Z = input.zones.length;
    this.D = input.days;
    this.rng = seededRandom(input.seed);
    this.nodeIx = new Map(input.nodes.map((n, k) => [n.id, k]));
    this.zoneIx = new Map(input.zones.map((z, k) => [z.id, k]));
    this.itemIx = new Map(input.items.map((it, k) => [it.id, k]));
    this.source = this.nodeOf(input.fleet.sourceNodeId);
    this.stock = options.stock === 'fast' ? new ArrayStock(this.N, this.I) : new LedgerStock(input.nodes.map((n) => n.id), input.items.map((i) => i.id), input.startDate, options.keepMovements === true);
    this.wantSeries = options.series !== false;
    this.epochMs = Date.parse(`${input.startDate}T00:00:00.000Z`);

    this.status = input.nodes.map((n) => n.status);
    this.exists = input.nodes.map((n) => n.existsFromS === undefined || n.existsFromS <= 0);
    this.dailyCap = input.nodes.map((n) => n.dailyOrderCapacity);
    this.staff = input.nodes.map(() => null);
    this.rosterCap = input.nodes.map(() => null);
    for (const s of input.staff) this.staff[this.nodeOf(s.nodeId)] = s;
    this.zoneNodes = input.zones.map((z) => z.nodeIds.map((id) => this.nodeOf(id)));
    this.routings = new Array(this.Z);
    this.hourUse = new Int32Array(this.N * 24);
    this.dayUse = new Int32Array(this.N);

    this.itemIds = input.items.map((i) => i.id);
    this.itemTier = Int8Array.from(input.items, (it) => tierIndex(it.tier));
    this.itemClass = Int8Array.from(input.items, (it) => CLASS_IX[it.temperatureClass]);
    this.itemsByClass = [[], [], []];
    input.items.forEach((it, i) => input.itemMix[i] > 0 && this.itemsByClass[CLASS_IX[it.temperatureClass]].push(i));
    this.essentialItems = input.items.map((_, i) => i).filter((i) => this.itemTier[i] > 0 && input.itemMix[i] > 0);

    this.inTransit = new Int32Array(this.N * this.I);
    this.distToSource = input.nodes.map((n) => roadDistanceM(input.nodes[this.source], n, input.fleet.roadFactor));
    this.replenishment = input.replenishment;
    this.unitsPerOrder = input.demand.linesPerOrder * (1 + input.demand.twoUnitShare);
    this.profileSum = input.demand.hourlyProfile.reduce((a, b) => a + b, 0);
    invariant(this.profileSum > 0, 'the hourly profile must have a positive total');
    this.alias = this.buildAlias();
    this.kpi = new KpiCounters(this.D, this.N);
  }

  nodeOf(id: string): number {
    const k = this.nodeIx.get(id);
    invariant(k !== undefined, `unknown node ${id}`);
    return k;
  }

  itemOf(id: string): number {
    const i = this.itemIx.get(id);
    invariant(i !== undefined, `unknown item ${id}`);
    return i;
  }

  zoneOf(id: string): number {
    const z = this.zoneIx.get(id);
    invariant(z !== undefined, `unknown zone ${id}`);
    return z;
  }

  /** The item mix reweighted by the tier multipliers in force. */
  buildAlias(): AliasTable {
    const tm = [this.tierMult.none, this.tierMult.essential, this.tierMult.key];
    return new AliasTable(this.input.itemMix.map((w, i) => w * tm[this.itemTier[i]]));
  }

  /** Does node n exist and take online orders now? */
  trading(n: number): boolean {
    return this.exists[n] && takesOnlineOrders(this.status[n]);
  }

  isDeliveryNode(n: number): boolean {
    return n !== this.source && this.input.nodes[n].dailyOrderCapacity > 0;
  }

  /** Normal orders a day the node serves as primary, from its current zones. */
  expectedOrders(): Float64Array {
    const out = new Float64Array(this.N);
    for (let z = 0; z < this.Z; z++) {
      const ns = this.zoneNodes[z];
      const live = ns.filter((n) => this.trading(n));
      if (live.length > 0) out[live[0]] += this.input.zones[z].ordersPerDay;
    }
    return out;
  }

  /** Orders node n can deliver in hour `hour` of the current day: its roster's, else its staff's or opening hours' share of its day. */
  hourCapacity(n: number, hour: number): number {
    const node = this.input.nodes[n];
    const r = this.rosterCap[n];
    if (r && r.perHour.length > 0) {
      const abs = Math.max(0, this.currentDay) * 24 + hour;
      if (abs >= r.fromHour) {
        // Past the roster's end the node's own staff model again, as apply leaves the slots
        // after the roster's horizon at the capacity they had.
        const k = abs - r.fromHour;
        if (k < r.perHour.length) return r.perHour[k];
      }
    }
    const m = hour * 60;
    const s = this.staff[n];
    if (s) return m >= s.shiftStartMin && m < s.shiftEndMin ? Math.floor(s.staff * s.ordersPerStaffHour) : 0;
    if (m < node.opensMin || m >= node.closesMin) return 0;
    const openH = Math.max(1, (node.closesMin - node.opensMin) / 60);
    return Math.ceil(this.dailyCap[n] / openH);
  }

  /** The zone lookup's answer for zone z (its first node serves, the rest back it up; null: no node). */
  routingOf(z: number): RoutingInfo | null {
    let r = this.routings[z];
    if (r === undefined) {
      const c = this.zoneNodes[z];
      const nodes = this.input.nodes;
      r = this.routings[z] = c.length === 0 ? null : { zoneId: this.input.zones[z].id, servingNodeId: nodes[c[0]].id, backupNodeIds: c.slice(1).map((n) => nodes[n].id), underLockdown: false };
    }
    return r;
  }
}
