/**
 * Trips for what a plan moves (the apply's `trips` step, and 搬仓): the transfer orders (one per
 * vehicle-sized load, see ./loads.ts) and the purchase-order deliveries, planned by the trips
 * context's planner and confirmed as trips, so they are on the Trips screen and in
 * `baogong trips list`.
 *
 * A purchase order is delivered by the supplier to the chain's hub, the processing & logistics
 * centre for chilled and frozen goods and the distribution centre for ambient ones (either when
 * the other is missing); the chain's trucks take it on from there, split like a transfer. A load
 * is ready when its goods are at its origin: a transfer at once, a purchase order at its expected
 * arrival. Over the 24 hours from `now` the planner runs at `now` and at each wave time (trips
 * settings): on a wave, first the ambient loads ready by then (leaving at the wave's time, one
 * round, every vehicle free by then, the multi-temperature trucks included); then every load
 * still waiting and ready, cold and ambient together, over the rest of that day (several rounds
 * per vehicle, a vehicle taking a further round once it is back within its shift; a
 * multi-temperature truck may carry goods of several classes from one origin on one trip). A
 * load the fleet had no time for waits for the next run; what is left at the end is reported
 * with the planner's reason, never dropped silently. Since a run only takes loads already ready,
 * no trip leaves before its goods are there.
 *
 * Planning and writing are apart: `prepareTrips` only reads (the solver runs outside any
 * transaction, each run seeing the vehicles the earlier runs booked), `writeTrips` stores and
 * confirms the plans in the caller's transaction, and `confirmPlan` refuses (a conflict) when a
 * load or a vehicle was taken in between, so the caller plans again.
 */
import { performance } from 'node:perf_hooks';
import { solveRouting } from '../../domain/routing/index.ts';
import { pieceCapacity, splitTransfer, vehiclesShort, vehiclesShortText, type ApplyStepResult, type TripDone } from '../../domain/incidents/index.ts';
import { isCold, parseClock, secondsInDay, sizeLoad, type Load, type SolveFn, type TripItem, type UnassignedLoad } from '../../domain/trips/index.ts';
import { addDays, unwrap } from '../../domain/shared/index.ts';
import * as inventory from '../../store/inventory.ts';
import * as network from '../../store/network.ts';
import * as planning from '../../store/planning.ts';
import * as trips from '../../store/trips.ts';
import type { Step } from '../workflow.ts';
import type { PlanDraft } from '../../store/trips.ts';
import { tripItems, truckFleet } from './loads.ts';
import type { Db } from './common.ts';

/**
 * The trips planned and confirmed, with their figures: what the apply's `trips` step records (its
 * schema, with each field's meaning: domain/incidents/steps.ts). `vehiclesShortText` says
 * `vehiclesShortDay1` in a line, as an estimate.
 */
export type PlannedTrips = ApplyStepResult<'trips'>;

/** What `prepareTrips` planned, for `writeTrips`: the figures, and the plans to store in order. */
export interface PreparedTrips {
  figures: Omit<PlannedTrips, 'tripPlanIds' | 'tripIds'>;
  drafts: PlanDraft[];
}

export interface TripsOptions {
  solve?: SolveFn;
  /** Iterations per routing solve (default 400) and wall time for all solves (default 15 s). */
  maxIterations?: number;
  budgetMs?: number;
  seed?: number;
}

/** A transfer to carry: a draft transfer order, or one about to be created (搬仓 plans before it writes). */
export interface TransferToCarry {
  id: string;
  fromNodeId: string;
  toNodeId: string;
  lines: Array<{ itemId: string; quantity: number }>;
}

interface ReadyLoad {
  load: Load;
  readyMs: number;
  cold: boolean;
}

const CARRY = new Set(['fleet_exhausted', 'time_window_unreachable']);
/** Rounds per vehicle in a day run (the planner stops earlier when a round places nothing). */
const DAY_RUN_ROUNDS = 8;

/** The runs of the `hours` from `nowMs`: now, then each wave time (ascending), each as day + seconds; a wave at `now` is one run. */
function runsOf(nowMs: number, waves: string[], hours: number): Array<{ day: string; s: number; ms: number; wave: string | null }> {
  const day0 = trips.beijingDay(new Date(nowMs));
  const out: Array<{ day: string; s: number; ms: number; wave: string | null }> = [];
  for (let d = 0; d <= Math.ceil(hours / 24); d++) {
    const day = addDays(day0, d);
    for (const w of waves) {
      const s = unwrap(parseClock(w, 'waves'));
      const ms = nowMs + (s - secondsInDay(day, new Date(nowMs).toISOString())) * 1000;
      if (ms >= nowMs && ms < nowMs + hours * 3_600_000) out.push({ day, s, ms, wave: w });
    }
  }
  if (!out.some((r) => r.ms === nowMs)) out.push({ day: day0, s: secondsInDay(day0, new Date(nowMs).toISOString()), ms: nowMs, wave: null });
  return out.sort((a, b) => a.ms - b.ms);
}

/** Draft transfer orders, as loads. */
export async function draftTransfers(db: Db, ids: string[]): Promise<TransferToCarry[]> {
  const out: TransferToCarry[] = [];
  const transfers = await inventory.getTransfers(db, ids);
  for (const id of ids) {
    const t = transfers.get(id);
    if (t && t.status === 'draft') out.push({ id, fromNodeId: t.fromNodeId, toNodeId: t.toNodeId, lines: t.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })) });
  }
  return out;
}

async function transferLoadsOf(db: Db, transfers: TransferToCarry[], nowMs: number): Promise<ReadyLoad[]> {
  const nodes = new Map((await network.listNodes(db)).map((n) => [n.id, n]));
  const out: ReadyLoad[] = [];
  for (const t of transfers) {
    const dest = nodes.get(t.toNodeId);
    if (!dest) continue;
    out.push({ load: { id: t.id, kind: 'transfer', originNodeId: t.fromNodeId, destination: { id: dest.id, name: dest.nameEn, lat: dest.lat, lng: dest.lng }, lines: t.lines }, readyMs: nowMs, cold: false });
  }
  return out;
}

/** A purchase order the supplier delivers to the chain's hub, at `expectedAt`, for `toNodeId`. */
export interface PurchaseOrderToCarry {
  id: string;
  toNodeId: string;
  expectedAt: string;
  lines: Array<{ itemId: string; quantity: number }>;
}

/** The open purchase orders of the sourcing plans `planIds`, one entry per order. */
export async function openPurchaseOrders(db: Db, planIds: string[]): Promise<PurchaseOrderToCarry[]> {
  const byId = new Map<string, PurchaseOrderToCarry>();
  for (const planId of planIds) {
    for (const l of await planning.listPurchaseOrders(db, { planId })) {
      if (l.status !== 'open') continue;
      const po = byId.get(l.id) ?? byId.set(l.id, { id: l.id, toNodeId: l.toNodeId, expectedAt: l.expectedAt, lines: [] }).get(l.id)!;
      po.lines.push({ itemId: l.itemId, quantity: l.quantity });
    }
  }
  return [...byId.values()];
}

/** Purchase orders merged per receiver and arrival, split by class and piece size, from the hub of their class. */
async function purchaseOrderLoads(db: Db, orders: PurchaseOrderToCarry[], items: Map<string, TripItem>, day: string): Promise<ReadyLoad[]> {
  const nodes = await network.listNodes(db);
  const hubOf = (kind: string) => nodes.find((n) => n.kind === kind && n.status !== 'closed');
  const coldHub = hubOf('processing_centre') ?? hubOf('distribution_centre');
  const ambientHub = hubOf('distribution_centre') ?? hubOf('processing_centre');
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const capacity = pieceCapacity(await truckFleet(db, day));
  // The lines of every purchase order, grouped by receiver and expected arrival: the goods of
  // several small orders that reach the hub together go on together (one load per piece of a
  // class), rather than each order's few cases taking a trip of its own.
  const groups = new Map<string, { toNodeId: string; expectedAt: string; poIds: string[]; lines: Array<{ itemId: string; quantity: number }> }>();
  for (const po of orders) {
    const key = `${po.toNodeId}@${Date.parse(po.expectedAt)}`;
    const g = groups.get(key) ?? groups.set(key, { toNodeId: po.toNodeId, expectedAt: po.expectedAt, poIds: [], lines: [] }).get(key)!;
    if (!g.poIds.includes(po.id)) g.poIds.push(po.id);
    g.lines.push(...po.lines);
  }
  const out: ReadyLoad[] = [];
  for (const g of groups.values()) {
    const dest = byId.get(g.toNodeId);
    if (!dest) continue;
    const id = g.poIds.length > 1 ? `${g.poIds[0]}+${g.poIds.length - 1}` : g.poIds[0];
    for (const [k, piece] of splitTransfer(g.lines, items, capacity).entries()) {
      const hub = piece.temperatureClass === 'ambient' ? ambientHub : coldHub;
      if (!hub || piece.unsized) continue;
      out.push({ load: { id: `${id}:${k + 1}`, kind: 'purchase_order', originNodeId: hub.id, destination: { id: dest.id, name: dest.nameEn, lat: dest.lat, lng: dest.lng }, lines: piece.lines }, readyMs: Date.parse(g.expectedAt), cold: false });
    }
  }
  return out;
}

/**
 * Plans the trips for `transfers` and the open purchase orders of `poPlanIds` over the 24 hours
 * from `now`. Reads only: nothing is stored (see `writeTrips`).
 */
export async function prepareTrips(db: Db, input: { transfers: TransferToCarry[]; purchaseOrders: PurchaseOrderToCarry[]; now: Date; hours?: number }, o: TripsOptions = {}): Promise<PreparedTrips> {
  const nowMs = input.now.getTime();
  const day0 = trips.beijingDay(input.now);
  const t0 = performance.now();
  const maxIterations = o.maxIterations ?? 400;
  const deadline = t0 + (o.budgetMs ?? 15_000);
  const budget = (s: Parameters<SolveFn>[1]) => ({ seed: s.seed, objective: s.objective, maxIterations: Math.min(s.maxIterations ?? maxIterations, maxIterations), timeLimitMs: Math.max(20, deadline - performance.now()) });
  const solve: SolveFn = o.solve ? (problem, s) => o.solve!(problem, budget(s)) : async (problem, s) => solveRouting(problem, { ...budget(s), clock: () => performance.now() });

  const transfers = await transferLoadsOf(db, input.transfers, nowMs);
  const items = await tripItems(db, [...transfers.flatMap((x) => x.load.lines.map((l) => l.itemId)), ...input.purchaseOrders.flatMap((po) => po.lines.map((l) => l.itemId))]);
  const pos = await purchaseOrderLoads(db, input.purchaseOrders, items, day0);
  let pending: ReadyLoad[] = [...transfers, ...pos];
  for (const r of pending) r.cold = isCold(sizeLoad(r.load, items).size);

  const settings = await trips.getSettings(db);
  const out: PreparedTrips['figures'] = {
    fromIso: input.now.toISOString(), loads: { transfers: transfers.length, purchaseOrders: pos.length }, onTrips: 0,
    coldChainTrips: 0, ambientTrips: 0, dryIceBags: 0, icePacks: 0, unassigned: [], violations: 0, vehiclesShortDay1: [], vehiclesShortText: '', runs: [],
  };
  const drafts: PlanDraft[] = [];
  const lastReason = new Map<string, UnassignedLoad>();
  const tripsDone: TripDone[] = [];
  // When each vehicle is free again, per day: the stored trips, then those of the runs planned here.
  const busy = new Map<string, Map<string, number>>();
  const busyOn = async (day: string) => busy.get(day) ?? busy.set(day, await trips.busyVehicles(db, day, settings.times.turnaroundS)).get(day)!;
  const hours = input.hours ?? 24;
  // A day run lets each vehicle go round again while its shift lasts (the planner stops when a
  // round places nothing); the settings' rounds bound one plan, and a vehicle back at noon would
  // otherwise stand idle for the afternoon while loads wait.
  const dayRounds = DAY_RUN_ROUNDS;
  for (const run of runsOf(nowMs, settings.waves, hours)) {
    const modes: Array<'wave' | 'day'> = run.wave ? ['wave', 'day'] : ['day'];
    for (const mode of modes) {
      const these = pending.filter((r) => r.readyMs <= run.ms && (mode === 'day' || !r.cold));
      if (these.length === 0 || performance.now() > deadline) continue;
      const busyUntil = await busyOn(run.day);
      const draft = await trips.prepareLoadsPlan(db, { day: run.day, mode: mode === 'wave' ? 'wave' : 'cold', ...(mode === 'wave' && run.wave ? { wave: run.wave } : { maxRounds: dayRounds }), fromS: run.s, loads: these.map((r) => r.load), busyUntil, items, seed: (o.seed ?? 1) + out.runs.length, maxIterations }, solve);
      drafts.push(draft);
      const done = new Set<string>();
      if (draft.violations.length > 0) {
        out.violations += draft.violations.length;
      } else {
        for (const trip of draft.result.trips) {
          const cold = trip.load.weightG.chilled + trip.load.weightG.frozen + trip.load.volumeCm3.chilled + trip.load.volumeCm3.frozen > 0;
          tripsDone.push({ capability: cold ? 'cold_chain' : 'ambient', vehicleKey: trip.vehicleKey, loads: trip.stops.length });
          if (cold) out.coldChainTrips++;
          else out.ambientTrips++;
          out.dryIceBags += trip.coolant.dryIceBags;
          out.icePacks += trip.coolant.icePacks;
          busyUntil.set(trip.vehicleKey, Math.max(busyUntil.get(trip.vehicleKey) ?? 0, trip.returnS + settings.times.turnaroundS));
          for (const st of trip.stops) done.add(st.loadId);
        }
        out.onTrips += draft.result.trips.reduce((a, t) => a + t.stops.length, 0);
      }
      for (const u of draft.result.unassigned) {
        lastReason.set(u.loadId, u);
        if (!CARRY.has(u.reason)) {
          out.unassigned.push({ loadId: u.loadId, reason: u.reason, message: u.message });
          done.add(u.loadId);
        }
      }
      pending = pending.filter((r) => !done.has(r.load.id));
      out.runs.push({ day: run.day, mode, at: clockOf(run.s), loads: these.length, trips: draft.violations.length > 0 ? 0 : draft.result.trips.length });
    }
  }
  for (const r of pending) {
    const u = lastReason.get(r.load.id);
    // A purchase order the chain's fleet cannot take on: the supplier's own transport is the other way.
    const po = r.load.kind === 'purchase_order' && u?.reason === 'fleet_exhausted' ? `; or have the supplier deliver it to ${r.load.destination.name} itself` : '';
    out.unassigned.push(u ? { loadId: u.loadId, reason: u.reason, message: `${u.message} (no trip within ${hours} hours)${po}` } : { loadId: r.load.id, reason: 'not_ready', message: `ready at ${new Date(r.readyMs).toISOString()}, after the last run of the ${hours} hours (or the planning budget ran out)` });
  }
  const short = { cold_chain: 0, ambient: 0 };
  for (const r of pending) if (lastReason.get(r.load.id)?.reason === 'fleet_exhausted') short[r.cold ? 'cold_chain' : 'ambient']++;
  out.vehiclesShortDay1 = vehiclesShort(tripsDone, short);
  out.vehiclesShortText = vehiclesShortText(out.vehiclesShortDay1);
  return { figures: out, drafts };
}

/**
 * Stores what `prepareTrips` planned and confirms the plans that have trips and passed their
 * audit, in the caller's transaction. `confirmPlan` checks the state again (each load still
 * open and on no other trip, each vehicle free): a conflict there means the state moved since
 * the planning, and the caller plans again.
 */
export async function writeTrips(trx: Db, prepared: PreparedTrips, now: Date): Promise<PlannedTrips> {
  const out: PlannedTrips = { ...prepared.figures, tripPlanIds: [], tripIds: [] };
  for (const draft of prepared.drafts) {
    const saved = await trips.savePlan(trx, draft, now);
    out.tripPlanIds.push(saved.id);
    if (draft.violations.length === 0 && draft.result.trips.length > 0) out.tripIds.push(...(await trips.confirmPlan(trx, saved.id, now)).tripIds);
  }
  return out;
}

/** Plans and confirms trips for the transfer orders `transferIds` and the open purchase orders of `poPlanIds`, with one database handle. */
export async function planTripsFor(db: Db, input: { transferIds: string[]; poPlanIds: string[]; now: Date }, o: TripsOptions = {}): Promise<PlannedTrips> {
  return writeTrips(db, await prepareTrips(db, { transfers: await draftTransfers(db, input.transferIds), purchaseOrders: await openPurchaseOrders(db, input.poPlanIds), now: input.now }, o), input.now);
}

const clockOf = (s: number) => `${String(Math.floor(s / 3600) % 24).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

/** Cancels the trips not yet dispatched; lists the others (on the road, done) for a decision. */
export async function cancelOpenTrips(db: Db, tripIds: string[]): Promise<{ cancelled: string[]; underWay: Array<{ id: string; status: string }> }> {
  const out = { cancelled: [] as string[], underWay: [] as Array<{ id: string; status: string }> };
  for (const id of tripIds) {
    const t = await trips.requireTrip(db, id);
    if (t.status === 'confirmed') {
      await trips.cancelTrip(db, id);
      out.cancelled.push(id);
    } else if (t.status !== 'cancelled') out.underWay.push({ id, status: t.status });
  }
  return out;
}

/**
 * The apply's `trips` step (after sourcing and emergency sourcing): trips for the transfer orders
 * and purchase orders of the sourcing plans the apply created, read from the apply's journal.
 * Compensation: the trips not dispatched are cancelled (their loads are open again).
 */
export function tripsStep(sourcingPlanIds: (db: Db) => Promise<string[]>, now: Date, options: TripsOptions): Step<PlannedTrips> {
  // The routing solver runs in `prepare`, before the step's transaction; `run` writes.
  const prepare = async (db: Db): Promise<PreparedTrips> => {
    const planIds = await sourcingPlanIds(db);
    const transferIds: string[] = [];
    for (const id of planIds) for (const d of await planning.planDocuments(db, id)) if (d.kind === 'transfer_order') transferIds.push(d.id);
    return prepareTrips(db, { transfers: await draftTransfers(db, transferIds), purchaseOrders: await openPurchaseOrders(db, planIds), now }, options);
  };
  return {
    name: 'trips',
    prepare,
    run: async (trx, prepared) => writeTrips(trx, (prepared as PreparedTrips | undefined) ?? (await prepare(trx)), now),
    compensate: async (trx, r) => {
      await cancelOpenTrips(trx, r.tripIds ?? []);
    },
  };
}
