/**
 * The response plan's trips part: what the sourcing part moves, planned as trips by the same
 * planner as the apply's `trips` step (./incident/steps-trips.ts, `prepareTrips`), without any
 * transfer or purchase order in the ledger yet, so the plan shows what the apply will do. Loads:
 * the transfer lines split by temperature class and piece size (src/domain/incidents/trip-loads.ts),
 * and the supplier orders, which the supplier delivers to the chain's hub of their class and the
 * chain's trucks take on from there when the goods are in (draft time + the line's arrival hours,
 * as the apply dates the purchase order). Runs at the draft time and at each wave: the ambient
 * loads on the wave, then every load still waiting over the rest of the day (several rounds per
 * vehicle); what the fleet could not take waits for the next run, over `days` days. Budget: an
 * iteration cap per solve and a wall-time budget for the whole part, so a draft stays fast. Reads
 * only: the plans are not stored.
 */
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { PlanNode, SolveFn, Trip, TripItem } from '../domain/trips/index.ts';
import { pieceCapacity, transferLoads, type TransferLine } from '../domain/incidents/index.ts';
import * as network from '../store/network.ts';
import * as trips from '../store/trips.ts';
import { prepareTrips, type PurchaseOrderToCarry } from './incident/steps-trips.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

export interface TripsDraftOptions {
  /** From when trips may leave (the draft time, or the incident's start when later). */
  fromMs: number;
  days?: number;
  /** Iterations per routing solve (default 400); a draft under this cap reproduces from its seed. */
  maxIterations?: number;
  /** Wall time for the whole part (default 5,000 ms); each solve gets what is left. */
  budgetMs?: number;
  seed?: number;
  /** The routing solver (the server passes its worker pool); default in-process. The budgets above apply either way. */
  solve?: SolveFn;
}

/** A supplier-order line of the sourcing part: the goods reach the hub `arrivalH` hours after `fromMs`. */
export interface SupplierLine {
  supplierId: string | null;
  toNodeId: string;
  itemId: string;
  quantity: number;
  expedited: boolean;
  arrivalH: number;
}

export interface DraftTrip {
  day: string;
  mode: 'cold' | 'wave';
  wave: string | null;
  ref: string;
  vehicleTypeId: string;
  vehicleKey: string;
  originNodeId: string;
  depart: string;
  back: string;
  stops: string[];
  loads: number;
  coldChain: boolean;
  distanceKm: number;
  dryIceBags: number;
  icePacks: number;
  /**
   * What the trip hands over at each stop, in order: the receiver, the arrival (clock time on the
   * trip's day) and the units per item (the stop's manifest). The simulation plays these, so a
   * receiver gets what its trips carry, when they arrive, and nothing that found no trip.
   */
  deliveries: Array<{ nodeId: string; arrive: string; lines: Array<{ itemId: string; quantity: number }> }>;
}

const clock = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

export async function draftTrips(db: Db, lines: TransferLine[], o: TripsDraftOptions, supplierLines: SupplierLine[] = []) {
  const t0 = performance.now();
  const days = o.days ?? 2;
  const maxIterations = o.maxIterations ?? 400;
  const budgetMs = o.budgetMs ?? 5000;
  const nodes = await network.listNodes(db);
  const places = new Map<string, PlanNode>(nodes.map((n) => [n.id, { id: n.id, name: n.nameEn, lat: n.lat, lng: n.lng, openingHours: n.openingHours }]));
  const itemRows = await network.itemsByIds(db, [...new Set(lines.map((l) => l.itemId))]);
  const items = new Map<string, TripItem>([...itemRows.values()].map((i) => [i.id, { id: i.id, name: i.nameEn, unit: i.unit, temperatureClass: i.temperatureClass, weightG: i.weightG, volumeCm3: i.volumeCm3 }]));
  const firstDay = trips.beijingDay(new Date(o.fromMs));
  const fleet = (await trips.fleetForDay(db, firstDay)).map(({ defaultCount: _d, ...t }) => t).filter((v) => v.kind !== 'rider_ebike' && v.count > 0);
  const { loads, skipped } = transferLoads(lines, items, places, pieceCapacity(fleet));
  // Purchase orders as the apply makes them: one per supplier, receiver and mode, due at the latest line's arrival.
  const orders = new Map<string, PurchaseOrderToCarry>();
  for (const l of supplierLines) {
    const k = `${l.supplierId}>${l.toNodeId}>${l.expedited ? 'x' : 'n'}`;
    const po = orders.get(k) ?? orders.set(k, { id: `draft-po:${k}`, toNodeId: l.toNodeId, expectedAt: new Date(o.fromMs).toISOString(), lines: [] }).get(k)!;
    po.lines.push({ itemId: l.itemId, quantity: l.quantity });
    po.expectedAt = new Date(Math.max(Date.parse(po.expectedAt), o.fromMs + l.arrivalH * 3_600_000)).toISOString();
  }
  const prepared = await prepareTrips(
    db,
    { transfers: loads.map((l) => ({ id: l.id, fromNodeId: l.originNodeId, toNodeId: l.destination.id, lines: l.lines })), purchaseOrders: [...orders.values()], now: new Date(o.fromMs), hours: days * 24 },
    { maxIterations, budgetMs, seed: o.seed ?? 1, ...(o.solve ? { solve: o.solve } : {}) },
  );
  const f = prepared.figures;
  const planned: DraftTrip[] = [];
  const warnings = new Set<string>();
  let distanceM = 0;
  let solves = 0;
  for (const d of prepared.drafts) {
    for (const w of d.result.warnings) warnings.add(w);
    solves += d.result.stats.solves;
    if (d.violations.length > 0) continue;
    for (const trip of d.result.trips) {
      planned.push(toDraft(d.request.day, d.request.mode === 'wave' ? 'wave' : 'cold', d.request.wave ?? null, trip));
      distanceM += trip.distanceM;
    }
  }
  const byNode = new Map<string, { nodeId: string; stops: number; coldStops: number }>();
  for (const trip of planned) {
    for (const st of trip.stops) {
      const b = byNode.get(st) ?? { nodeId: st, stops: 0, coldStops: 0 };
      b.stops++;
      if (trip.coldChain) b.coldStops++;
      byNode.set(st, b);
    }
  }
  return {
    method: 'trips planner (routing solver) on the sourcing part\'s transfers and supplier orders (from the hub), split by temperature class and piece size; the apply plans the same way',
    firstDay,
    days,
    trips: planned.length,
    coldChainTrips: f.coldChainTrips,
    ambientTrips: f.ambientTrips,
    vehicles: new Set(planned.map((x) => `${x.day}/${x.vehicleKey}`)).size,
    distanceKm: Math.round(distanceM / 1000),
    dryIceBags: f.dryIceBags,
    icePacks: f.icePacks,
    coolantPacks: f.dryIceBags + f.icePacks,
    loads: f.loads.transfers + f.loads.purchaseOrders,
    /** Loads by kind: transfers, and purchase orders the chain carries on from the hub. */
    loadsByKind: f.loads,
    onTrips: f.onTrips,
    unassigned: f.unassigned,
    vehiclesShort: f.vehiclesShortDay1,
    vehiclesShortText: f.vehiclesShortText,
    skippedLines: skipped.length,
    skipped: skipped.slice(0, 50).map((x) => ({ ...x.line, reason: x.reason })),
    violations: f.violations,
    byNode: [...byNode.values()].sort((a, b) => b.stops - a.stops),
    runs: f.runs,
    list: planned,
    warnings: [...warnings].slice(0, 20),
    budget: { maxIterations, budgetMs, elapsedMs: Math.round(performance.now() - t0), solves },
  };
}

/** A trip of the draft; `mode` is the cargo's for a day run (cold when it carries chilled or frozen goods, else wave). */
function toDraft(day: string, runMode: 'cold' | 'wave', wave: string | null, t: Trip): DraftTrip {
  const c = t.load;
  const coldChain = c.weightG.chilled + c.weightG.frozen + c.volumeCm3.chilled + c.volumeCm3.frozen > 0;
  const mode = runMode === 'wave' ? 'wave' : coldChain ? 'cold' : 'wave';
  return {
    day, mode, wave, ref: `${day}/${runMode === 'cold' ? 'D' : `W${wave}`}/${t.ref}`, vehicleTypeId: t.vehicleTypeId, vehicleKey: t.vehicleKey, originNodeId: t.originNodeId,
    depart: clock(t.departS), back: clock(t.returnS), stops: t.stops.map((s) => s.place.id), loads: t.stops.length,
    coldChain, distanceKm: Math.round(t.distanceM / 100) / 10, dryIceBags: t.coolant.dryIceBags, icePacks: t.coolant.icePacks,
    deliveries: t.stops.map((s) => ({ nodeId: s.place.id, arrive: clock(s.arrivalS), lines: s.manifest.map((m) => ({ itemId: m.itemId, quantity: m.quantity })) })),
  };
}
