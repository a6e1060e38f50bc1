import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { solveRouting } from '../domain/routing/solve.ts';
import {
  auditTripPlan, isCold, planTrips, secondsInDay, sizeLoad, parseClock,
  type FleetVehicleType, type Load, type PlanNode, type PlanParams, type SolveFn, type Trip, type TripItem, type UnassignedLoad,
} from '../domain/trips/index.ts';
import { pieceCapacity, transferLoads, type TransferLine } from '../domain/incidents/trip-loads.ts';
import { unwrap } from '../domain/shared/result.ts';
import * as network from '../store/network.ts';
import * as trips from '../store/trips.ts';
import { addDays } from '../domain/shared/calendar.ts';

/**
 * The response plan's trips part: the sourcing part's transfers planned as trips by the trips
 * context's planner (routing solver), without any transfer order in the ledger yet. Loads are
 * the transfer lines split by temperature class and truckload (src/domain/incidents/trip-loads.ts).
 * Day by day from the draft time: cold-chain loads over the day (several rounds per vehicle),
 * then the ambient loads on each wave (settings `waves`, `waveHours`) with the vehicles the cold
 * trips left free; what the fleet could not take that day moves to the next day. Budget: an
 * iteration cap per solve and a wall-time budget for the whole part, so a draft stays fast.
 */
type Db = Kysely<any>;

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
const CARRY = new Set(['fleet_exhausted', 'time_window_unreachable']);

export async function draftTrips(db: Db, lines: TransferLine[], o: TripsDraftOptions) {
  const t0 = performance.now();
  const days = o.days ?? 2;
  const maxIterations = o.maxIterations ?? 400;
  const budgetMs = o.budgetMs ?? 5000;
  const deadline = t0 + budgetMs;
  // Each solve gets the iteration cap and what is left of the part's budget, in the worker pool
  // when the caller passes it (the server), else in-process.
  const budget = (s: Parameters<SolveFn>[1]) => ({ seed: s.seed, objective: s.objective, maxIterations: Math.min(s.maxIterations ?? maxIterations, maxIterations), timeLimitMs: Math.max(20, deadline - performance.now()) });
  const solve: SolveFn = o.solve
    ? (problem, s) => o.solve!(problem, budget(s))
    : async (problem, s) => solveRouting(problem, { ...budget(s), clock: () => performance.now() });
  const settings = await trips.getSettings(db);
  const nodes = await network.listNodes(db);
  const places = new Map<string, PlanNode>(nodes.map((n) => [n.id, { id: n.id, name: n.nameEn, lat: n.lat, lng: n.lng, openingHours: n.openingHours }]));
  const itemRows = await network.itemsByIds(db, [...new Set(lines.map((l) => l.itemId))]);
  const items = new Map<string, TripItem>([...itemRows.values()].map((i) => [i.id, { id: i.id, name: i.nameEn, unit: i.unit, temperatureClass: i.temperatureClass, weightG: i.weightG, volumeCm3: i.volumeCm3 }]));
  const firstDay = trips.beijingDay(new Date(o.fromMs));
  const fleetOf = async (day: string): Promise<FleetVehicleType[]> => (await trips.fleetForDay(db, day)).map(({ defaultCount: _d, ...t }) => t).filter((v) => v.kind !== 'rider_ebike' && v.count > 0);
  const { loads, skipped } = transferLoads(lines, items, places, pieceCapacity(await fleetOf(firstDay)));
  const t = settings.times;
  const base: Partial<PlanParams> = { loadingS: t.loadingS, stopFixedS: t.stopFixedS, stopSPerTonne: t.stopSPerTonne, turnaroundS: t.turnaroundS, detourFactor: t.detourPct / 100, maxRounds: t.maxRounds, outsideTempC: settings.outsideTempC };
  const cold = new Set(loads.filter((l) => isCold(sizeLoad(l, items).size)).map((l) => l.id));

  let pending: Load[] = loads;
  const planned: DraftTrip[] = [];
  const final: UnassignedLoad[] = [];
  const lastReason = new Map<string, UnassignedLoad>();
  const warnings = new Set<string>();
  const runs: Array<{ day: string; mode: string; wave: string | null; loads: number; trips: number; unassigned: number; violations: number; elapsedMs: number }> = [];
  let violations = 0;
  let dryIceBags = 0;
  let icePacks = 0;
  let distanceM = 0;
  let solves = 0;

  for (let d = 0; d < days && pending.length > 0; d++) {
    const day = addDays(firstDay, d);
    const fleet = await fleetOf(day);
    const startS = d === 0 ? Math.max(0, Math.min(86_400, secondsInDay(day, new Date(o.fromMs).toISOString()))) : 0;
    const busy = new Map<string, number>(await trips.busyVehicles(db, day, t.turnaroundS));
    const plan = async (mode: 'cold' | 'wave', wave: string | null, window: [number, number], these: Load[], params: Partial<PlanParams>) => {
      if (these.length === 0 || window[1] <= window[0]) return;
      const r = await planTrips({ day, window, fleet, nodes: places, items, loads: these, busyUntil: busy, params, coolant: settings.coolant, seed: (o.seed ?? 1) + d * 100 + runs.length, maxIterations }, solve);
      const p = { ...base, ...params } as PlanParams;
      const v = auditTripPlan({ plan: r, fleet, items, loads: these, nodes: places, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne, busyUntil: busy });
      violations += v.length;
      solves += r.stats.solves;
      for (const w of r.warnings) warnings.add(w);
      const done = new Set<string>();
      for (const trip of r.trips) {
        planned.push(toDraft(day, mode, wave, trip));
        busy.set(trip.vehicleKey, Math.max(busy.get(trip.vehicleKey) ?? 0, trip.returnS + p.turnaroundS));
        dryIceBags += trip.coolant.dryIceBags;
        icePacks += trip.coolant.icePacks;
        distanceM += trip.distanceM;
        for (const s of trip.stops) done.add(s.loadId);
      }
      for (const u of r.unassigned) {
        lastReason.set(u.loadId, u);
        if (!CARRY.has(u.reason)) {
          final.push(u);
          done.add(u.loadId);
        }
      }
      pending = pending.filter((l) => !done.has(l.id));
      runs.push({ day, mode, wave, loads: these.length, trips: r.trips.length, unassigned: r.unassigned.length, violations: v.length, elapsedMs: Math.round(r.stats.elapsedMs) });
    };
    // Cold chain first, over the rest of the day.
    await plan('cold', null, [startS, 86_400], pending.filter((l) => cold.has(l.id)), {});
    // Ambient goods on the waves still ahead, with the vehicles the cold trips left.
    for (const wave of settings.waves) {
      const w = unwrap(parseClock(wave, 'waves'));
      if (w < startS) continue;
      await plan('wave', wave, [w, Math.min(86_400, w + settings.waveHours * 3600)], pending.filter((l) => !cold.has(l.id)), { fixedDeparture: true, maxRounds: 1 });
    }
    if (performance.now() > deadline) break;
  }
  for (const l of pending) {
    const u = lastReason.get(l.id);
    final.push(u ? { ...u, message: `${u.message} (not placed within ${days} day(s) of trips)` } : { loadId: l.id, kind: 'transfer', reason: 'fleet_exhausted', message: `not planned: no wave or day left within the draft's ${days} day(s) and ${budgetMs} ms budget` });
  }
  const byNode = new Map<string, { nodeId: string; stops: number; coldStops: number }>();
  for (const trip of planned) {
    for (const s of trip.stops) {
      const b = byNode.get(s) ?? { nodeId: s, stops: 0, coldStops: 0 };
      b.stops++;
      if (trip.coldChain) b.coldStops++;
      byNode.set(s, b);
    }
  }
  const coldChainTrips = planned.filter((x) => x.coldChain).length;
  return {
    method: 'trips planner (routing solver) on the sourcing part\'s transfers, split by temperature class and truckload',
    firstDay,
    days,
    trips: planned.length,
    coldChainTrips,
    ambientTrips: planned.length - coldChainTrips,
    vehicles: new Set(planned.map((x) => `${x.day}/${x.vehicleKey}`)).size,
    distanceKm: Math.round(distanceM / 1000),
    dryIceBags,
    icePacks,
    coolantPacks: dryIceBags + icePacks,
    loads: loads.length,
    unassigned: final.map((u) => ({ loadId: u.loadId, reason: u.reason, message: u.message })),
    skippedLines: skipped.length,
    skipped: skipped.slice(0, 50).map((s) => ({ ...s.line, reason: s.reason })),
    violations,
    byNode: [...byNode.values()].sort((a, b) => b.stops - a.stops),
    runs,
    list: planned,
    warnings: [...warnings].slice(0, 20),
    budget: { maxIterations, budgetMs, elapsedMs: Math.round(performance.now() - t0), solves },
  };
}

function toDraft(day: string, mode: 'cold' | 'wave', wave: string | null, t: Trip): DraftTrip {
  const c = t.load;
  return {
    day, mode, wave, ref: `${day}/${mode === 'cold' ? 'C' : `W${wave}`}/${t.ref}`, vehicleTypeId: t.vehicleTypeId, vehicleKey: t.vehicleKey, originNodeId: t.originNodeId,
    depart: clock(t.departS), back: clock(t.returnS), stops: t.stops.map((s) => s.place.id), loads: t.stops.length,
    coldChain: c.weightG.chilled + c.weightG.frozen + c.volumeCm3.chilled + c.volumeCm3.frozen > 0,
    distanceKm: Math.round(t.distanceM / 100) / 10, dryIceBags: t.coolant.dryIceBags, icePacks: t.coolant.icePacks,
    deliveries: t.stops.map((s) => ({ nodeId: s.place.id, arrive: clock(s.arrivalS), lines: s.manifest.map((m) => ({ itemId: m.itemId, quantity: m.quantity })) })),
  };
}
