/**
 * The simulation's KPIs: counters per day, node and metric, their daily rows, the run's summary and
 * the comparison of two runs.
 */
import type { TierNumbers } from './model.ts';

/**
 * The KPIs a run reports, per day and node. Counters are kept in one flat
 * Float64Array (day × node × metric) while the run goes, then turned into these
 * readable rows. A node index equal to the node count collects orders that no node
 * could take ("(none)": zones without a trading node).
 */
export const METRICS = [
  'ordersPlaced',
  'ordersServed',
  'refusedZoneNotServed',
  'refusedNodeNotTrading',
  'refusedSlotFull',
  'refusedInsufficientStock',
  'requestedNone',
  'requestedEssential',
  'requestedKey',
  'filledNone',
  'filledEssential',
  'filledKey',
  'essentialStockoutItemHours',
  'essentialItemHours',
  'unitsAsked',
  'unitsSent',
  'unitsReceived',
  'unitsTransferredOut',
  'unitsSold',
  'unitsWrittenOff',
  'openingOnHand',
  'closingOnHand',
  'closingEssentialOnHand',
  'essentialDailyDemand',
  'coldTrips',
  'ambientTrips',
  'distanceM',
  'coolantPacks',
  'staffHours',
  'staffHoursUsed',
] as const;
export type Metric = (typeof METRICS)[number];
export const M = Object.fromEntries(METRICS.map((m, i) => [m, i])) as Record<Metric, number>;
export const METRIC_COUNT = METRICS.length;

export const REFUSAL_REASONS = ['zone_not_served', 'node_not_trading', 'slot_full', 'insufficient_stock'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface DayKpi {
  day: number;
  date: string;
  /** A node id, or "(none)" for orders no node could take, or "(all)" for the day's total. */
  nodeId: string;
  ordersPlaced: number;
  ordersServed: number;
  refused: Record<RefusalReason, number>;
  unitsRequested: TierNumbers;
  unitsFilled: TierNumbers;
  /** Units filled over units requested, 0-1 (1 when nothing was requested). */
  fillRate: TierNumbers & { all: number };
  /** Hours × essential items (essential and key tiers) with nothing available, while trading. */
  essentialStockoutItemHours: number;
  /** Share of essential item-hours out of stock, 0-1. */
  essentialStockoutShare: number;
  /** Essential stock on hand at the end of the day over expected daily essential demand (surge included). */
  essentialDaysOfCover: number | null;
  unitsAsked: number;
  unitsSent: number;
  unitsReceived: number;
  /** Units a sourcing transfer took from this node's stock to send to another. */
  unitsTransferredOut: number;
  unitsSold: number;
  unitsWrittenOff: number;
  openingOnHand: number;
  closingOnHand: number;
  coldTrips: number;
  ambientTrips: number;
  distanceM: number;
  coolantPacks: number;
  staffHours: number;
  staffHoursUsed: number;
}

export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 1;
}

/** Reads one (day, node) block of counters into a row. */
export function toDayKpi(v: (m: Metric) => number, day: number, date: string, nodeId: string): DayKpi {
  const req = { none: v('requestedNone'), essential: v('requestedEssential'), key: v('requestedKey') };
  const fil = { none: v('filledNone'), essential: v('filledEssential'), key: v('filledKey') };
  const essDemand = v('essentialDailyDemand');
  return {
    day,
    date,
    nodeId,
    ordersPlaced: v('ordersPlaced'),
    ordersServed: v('ordersServed'),
    refused: {
      zone_not_served: v('refusedZoneNotServed'),
      node_not_trading: v('refusedNodeNotTrading'),
      slot_full: v('refusedSlotFull'),
      insufficient_stock: v('refusedInsufficientStock'),
    },
    unitsRequested: req,
    unitsFilled: fil,
    fillRate: {
      none: round4(ratio(fil.none, req.none)),
      essential: round4(ratio(fil.essential, req.essential)),
      key: round4(ratio(fil.key, req.key)),
      all: round4(ratio(fil.none + fil.essential + fil.key, req.none + req.essential + req.key)),
    },
    essentialStockoutItemHours: v('essentialStockoutItemHours'),
    essentialStockoutShare: round4(v('essentialItemHours') > 0 ? v('essentialStockoutItemHours') / v('essentialItemHours') : 0),
    essentialDaysOfCover: essDemand > 0 ? Math.round((10 * v('closingEssentialOnHand')) / essDemand) / 10 : null,
    unitsAsked: v('unitsAsked'),
    unitsSent: v('unitsSent'),
    unitsReceived: v('unitsReceived'),
    unitsTransferredOut: v('unitsTransferredOut'),
    unitsSold: v('unitsSold'),
    unitsWrittenOff: v('unitsWrittenOff'),
    openingOnHand: v('openingOnHand'),
    closingOnHand: v('closingOnHand'),
    coldTrips: v('coldTrips'),
    ambientTrips: v('ambientTrips'),
    distanceM: Math.round(v('distanceM')),
    coolantPacks: v('coolantPacks'),
    staffHours: Math.round(v('staffHours')),
    staffHoursUsed: Math.round(v('staffHoursUsed')),
  };
}

export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** A run's headline figures over all days and nodes. */
export interface KpiSummary {
  ordersPlaced: number;
  ordersServed: number;
  ordersRefused: number;
  refused: Record<RefusalReason, number>;
  fillRate: TierNumbers & { all: number };
  essentialStockoutItemHours: number;
  essentialStockoutShare: number;
  /** Mean over days of the district's essential days of cover at the end of the day. */
  essentialDaysOfCover: number | null;
  unitsSold: number;
  unitsWrittenOff: number;
  trips: number;
  coldTrips: number;
  ambientTrips: number;
  distanceKm: number;
  coolantPacks: number;
  staffHours: number;
  /** Orders served a day, mean. */
  ordersServedPerDay: number;
}

export function summarise(totals: DayKpi[]): KpiSummary {
  const sum = (f: (d: DayKpi) => number) => totals.reduce((a, d) => a + f(d), 0);
  const req = { none: sum((d) => d.unitsRequested.none), essential: sum((d) => d.unitsRequested.essential), key: sum((d) => d.unitsRequested.key) };
  const fil = { none: sum((d) => d.unitsFilled.none), essential: sum((d) => d.unitsFilled.essential), key: sum((d) => d.unitsFilled.key) };
  const covers = totals.map((d) => d.essentialDaysOfCover).filter((x): x is number => x !== null);
  const refused = { zone_not_served: 0, node_not_trading: 0, slot_full: 0, insufficient_stock: 0 };
  for (const d of totals) for (const k of Object.keys(refused) as RefusalReason[]) refused[k] += d.refused[k];
  const ordersServed = sum((d) => d.ordersServed);
  const itemHours = sum((d) => d.essentialStockoutItemHours);
  const share = totals.length ? sum((d) => d.essentialStockoutShare) / totals.length : 0;
  return {
    ordersPlaced: sum((d) => d.ordersPlaced),
    ordersServed,
    ordersRefused: Object.values(refused).reduce((a, b) => a + b, 0),
    refused,
    fillRate: {
      none: round4(ratio(fil.none, req.none)),
      essential: round4(ratio(fil.essential, req.essential)),
      key: round4(ratio(fil.key, req.key)),
      all: round4(ratio(fil.none + fil.essential + fil.key, req.none + req.essential + req.key)),
    },
    essentialStockoutItemHours: itemHours,
    essentialStockoutShare: round4(share),
    essentialDaysOfCover: covers.length ? Math.round((10 * covers.reduce((a, b) => a + b, 0)) / covers.length) / 10 : null,
    unitsSold: sum((d) => d.unitsSold),
    unitsWrittenOff: sum((d) => d.unitsWrittenOff),
    trips: sum((d) => d.coldTrips + d.ambientTrips),
    coldTrips: sum((d) => d.coldTrips),
    ambientTrips: sum((d) => d.ambientTrips),
    distanceKm: Math.round(sum((d) => d.distanceM) / 1000),
    coolantPacks: sum((d) => d.coolantPacks),
    staffHours: sum((d) => d.staffHours),
    ordersServedPerDay: totals.length ? Math.round(ordersServed / totals.length) : 0,
  };
}

/** One line of a side-by-side comparison. `better` says which run did better on it (by the KPI's direction). */
export interface ComparisonRow {
  kpi: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  better: 'a' | 'b' | 'same' | null;
}

const DIRECTIONS: Array<[string, (s: KpiSummary) => number | null, 'up' | 'down' | null]> = [
  ['orders placed', (s) => s.ordersPlaced, null],
  ['orders served', (s) => s.ordersServed, 'up'],
  ['orders served a day', (s) => s.ordersServedPerDay, 'up'],
  ['refused: zone not served', (s) => s.refused.zone_not_served, 'down'],
  ['refused: node not trading', (s) => s.refused.node_not_trading, 'down'],
  ['refused: slot full', (s) => s.refused.slot_full, 'down'],
  ['refused: insufficient stock', (s) => s.refused.insufficient_stock, 'down'],
  ['fill rate (all)', (s) => s.fillRate.all, 'up'],
  ['fill rate: key', (s) => s.fillRate.key, 'up'],
  ['fill rate: essential', (s) => s.fillRate.essential, 'up'],
  ['fill rate: other', (s) => s.fillRate.none, 'up'],
  ['essential stockout item-hours', (s) => s.essentialStockoutItemHours, 'down'],
  ['essential stockout share', (s) => s.essentialStockoutShare, 'down'],
  ['essential days of cover (mean)', (s) => s.essentialDaysOfCover, null],
  ['units sold', (s) => s.unitsSold, 'up'],
  ['units written off', (s) => s.unitsWrittenOff, 'down'],
  ['trips', (s) => s.trips, null],
  ['cold-chain trips', (s) => s.coldTrips, null],
  ['distance km', (s) => s.distanceKm, null],
  ['coolant packs', (s) => s.coolantPacks, null],
  ['staff-hours', (s) => s.staffHours, null],
];

/** Two runs side by side, KPI by KPI. */
export function compareSummaries(a: KpiSummary, b: KpiSummary): ComparisonRow[] {
  return DIRECTIONS.map(([kpi, f, dir]) => {
    const x = f(a);
    const y = f(b);
    const delta = x === null || y === null ? null : round4(y - x);
    let better: ComparisonRow['better'] = null;
    if (dir && delta !== null) better = delta === 0 ? 'same' : (delta > 0) === (dir === 'up') ? 'b' : 'a';
    return { kpi, a: x, b: y, delta, better };
  });
}
