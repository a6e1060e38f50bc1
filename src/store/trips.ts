/**
 * The trips context's storage: the fleet, the settings (waves, coolant rule), trip plans (planned
 * from open transfer orders or a node's slot orders, kept for review), confirmed trips with stops
 * and manifests, and this context's part of a dispatch and an arrival (the trip's status, the
 * counted quantities). Only the trips tables: moving the stock through the inventory ledger is
 * composed with these in src/flows/trip-dispatch.ts.
 *
 * Planning solves outside any transaction (a solve takes seconds and PGlite has one connection):
 * `preparePlan` reads the inputs and runs the solver, `savePlan` stores the result in the
 * request's transaction. Confirming re-checks that every load is still open and every vehicle
 * still free, so a plan that went stale meanwhile is refused rather than double-booking.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { fail, operatingDay, unwrap } from '../domain/shared/index.ts';
import {
  auditTripPlan, DEFAULT_COOLANT_RULE, DEFAULT_PLAN_PARAMS, isCold, parseClock, parseCoolantRule, parseVehicleType, planTrips,
  secondsInDay, sizeLoad, tripSheet, tripSheetRows, FLEET_TEMPLATES,
  type CoolantRule, type FleetVehicleType, type Load, type PlanInput, type PlanNode, type PlanParams, type SolveFn, type TripItem,
  type TemperatureClass, type TripPlanResult, type TripSheet, type TripViolation, type VehicleKind,
} from '../domain/trips/index.ts';
import { getTransfer, getTransfers, listTransfers, type TransferView } from './inventory.ts';
import { itemsByIds, listNodes, requireNode } from './network.ts';
import { listOrders, slotViews } from './orders.ts';
import type { DemoStep } from './demo.ts';
import type { DB, TripManifestLinesTable, TripPlansTable, TripsTable, TripStopsTable, TripVehiclesTable, TripVehicleTypesTable } from './tables.ts';
import { jsonRecordset } from './json-rows.ts';

type Db = Kysely<DB>;
const iso = (d: unknown): string | null => (d ? new Date(d as string).toISOString() : null);
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(day: unknown, field = 'day'): string {
  if (typeof day !== 'string' || !DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    fail({ code: 'validation_failed', field, message: `${field}: expected a date YYYY-MM-DD, got ${JSON.stringify(day)}`, expected: 'YYYY-MM-DD', actual: day });
  return day;
}

/** The operating day (Beijing time) of an instant. */
export const beijingDay = (now: Date): string => operatingDay(now.getTime());

// ---------------------------------------------------------------------------------------------
// Fleet
// ---------------------------------------------------------------------------------------------

export interface VehicleView {
  id: string;
  vehicleTypeId: string;
  plate: string;
  driverName: string | null;
  driverPhone: string | null;
}

function rowToType(r: Selectable<TripVehicleTypesTable>): FleetVehicleType {
  return {
    id: r.id, name: r.name, kind: r.kind as VehicleKind, compartments: json(r.compartments), speedKmh: r.speed_kmh, costPerKmFen: r.cost_per_km_fen,
    costPerHourFen: r.cost_per_hour_fen, shiftStart: r.shift_start, shiftEnd: r.shift_end, homeNodeId: r.home_node_id, count: r.count,
  };
}
const rowToVehicle = (r: Selectable<TripVehiclesTable>): VehicleView => ({ id: r.id, vehicleTypeId: r.vehicle_type_id, plate: r.plate, driverName: r.driver_name, driverPhone: r.driver_phone });

export async function listVehicleTypes(db: Db): Promise<FleetVehicleType[]> {
  return (await sql<Selectable<TripVehicleTypesTable>>`SELECT * FROM trip_vehicle_types ORDER BY id`.execute(db)).rows.map(rowToType);
}

export async function requireVehicleType(db: Db, id: string, field = 'id'): Promise<FleetVehicleType> {
  const r = (await sql<Selectable<TripVehicleTypesTable>>`SELECT * FROM trip_vehicle_types WHERE id = ${id}`.execute(db)).rows[0];
  if (!r) fail({ code: 'not_found', field, message: `vehicle type ${id} does not exist`, expected: 'an existing vehicle type id', actual: id });
  return rowToType(r);
}

async function writeType(db: Db, v: FleetVehicleType, now: Date, insert: boolean): Promise<void> {
  await requireNode(db, v.homeNodeId, 'homeNodeId');
  if (insert) {
    const r = await sql<{ id: string }>`
      INSERT INTO trip_vehicle_types (id, name, kind, compartments, speed_kmh, cost_per_km_fen, cost_per_hour_fen, shift_start, shift_end, home_node_id, count, created_at, updated_at)
      VALUES (${v.id}, ${v.name}, ${v.kind}, ${JSON.stringify(v.compartments)}::jsonb, ${v.speedKmh}, ${v.costPerKmFen}, ${v.costPerHourFen}, ${v.shiftStart}, ${v.shiftEnd}, ${v.homeNodeId}, ${v.count}, ${now}, ${now})
      ON CONFLICT (id) DO NOTHING RETURNING id`.execute(db);
    if (r.rows.length === 0) fail({ code: 'duplicate', field: 'id', message: `vehicle type ${v.id} already exists`, expected: 'a new id', actual: v.id });
  } else {
    await sql`
      UPDATE trip_vehicle_types SET name = ${v.name}, kind = ${v.kind}, compartments = ${JSON.stringify(v.compartments)}::jsonb, speed_kmh = ${v.speedKmh},
        cost_per_km_fen = ${v.costPerKmFen}, cost_per_hour_fen = ${v.costPerHourFen}, shift_start = ${v.shiftStart}, shift_end = ${v.shiftEnd},
        home_node_id = ${v.homeNodeId}, count = ${v.count}, updated_at = ${now}
      WHERE id = ${v.id}`.execute(db);
  }
}

export async function createVehicleType(db: Db, input: unknown, now: Date): Promise<FleetVehicleType> {
  const v = unwrap(parseVehicleType(input));
  await writeType(db, v, now, true);
  return v;
}

/** Changes fields of a vehicle type; the result is checked as a whole. */
export async function updateVehicleType(db: Db, id: string, patch: Record<string, unknown>, now: Date): Promise<FleetVehicleType> {
  const cur = await requireVehicleType(db, id);
  if ('id' in patch && patch.id !== id) fail({ code: 'validation_failed', field: 'id', message: 'id: a vehicle type id cannot change', expected: id, actual: patch.id });
  const v = unwrap(parseVehicleType({ ...cur, ...patch, id }));
  await writeType(db, v, now, false);
  return v;
}

export async function deleteVehicleType(db: Db, id: string): Promise<void> {
  await requireVehicleType(db, id);
  const busy = (await sql<{ id: string }>`SELECT id FROM trips WHERE vehicle_type_id = ${id} AND status IN ('confirmed','dispatched') LIMIT 1`.execute(db)).rows[0];
  if (busy) fail({ code: 'conflict', field: 'id', message: `vehicle type ${id} has trip ${busy.id} under way; finish or cancel it first`, expected: 'no active trips', actual: busy.id });
  await sql`DELETE FROM trip_vehicle_types WHERE id = ${id}`.execute(db);
}

export async function listVehicles(db: Db, vehicleTypeId?: string): Promise<VehicleView[]> {
  return (await sql<Selectable<TripVehiclesTable>>`SELECT * FROM trip_vehicles WHERE true ${vehicleTypeId ? sql`AND vehicle_type_id = ${vehicleTypeId}` : sql``} ORDER BY vehicle_type_id, id`.execute(db)).rows.map(rowToVehicle);
}

/** Creates or changes a named vehicle (a plate and its usual driver). */
export async function upsertVehicle(db: Db, v: VehicleView, now: Date): Promise<VehicleView> {
  await requireVehicleType(db, v.vehicleTypeId, 'vehicleTypeId');
  await sql`
    INSERT INTO trip_vehicles (id, vehicle_type_id, plate, driver_name, driver_phone, created_at)
    VALUES (${v.id}, ${v.vehicleTypeId}, ${v.plate}, ${v.driverName}, ${v.driverPhone}, ${now})
    ON CONFLICT (id) DO UPDATE SET vehicle_type_id = EXCLUDED.vehicle_type_id, plate = EXCLUDED.plate, driver_name = EXCLUDED.driver_name, driver_phone = EXCLUDED.driver_phone`.execute(db);
  return v;
}

export async function deleteVehicle(db: Db, id: string): Promise<void> {
  const r = await sql`DELETE FROM trip_vehicles WHERE id = ${id}`.execute(db);
  if (Number(r.numAffectedRows ?? 0) === 0) fail({ code: 'not_found', field: 'id', message: `vehicle ${id} does not exist`, actual: id });
}

/** Vehicles of a type available on a day, when it differs from the type's count. */
export async function setAvailability(db: Db, vehicleTypeId: string, day: string, available: number): Promise<void> {
  checkDay(day);
  await requireVehicleType(db, vehicleTypeId, 'vehicleTypeId');
  await sql`
    INSERT INTO trip_fleet_availability (vehicle_type_id, day, available) VALUES (${vehicleTypeId}, ${day}, ${available})
    ON CONFLICT (vehicle_type_id, day) DO UPDATE SET available = EXCLUDED.available`.execute(db);
}

/** The fleet on a day: each type with `count` = vehicles available that day. */
export async function fleetForDay(db: Db, day: string): Promise<Array<FleetVehicleType & { defaultCount: number }>> {
  const types = await listVehicleTypes(db);
  const av = new Map((await sql<{ vehicle_type_id: string; available: number }>`SELECT vehicle_type_id, available FROM trip_fleet_availability WHERE day = ${day}`.execute(db)).rows.map((r) => [r.vehicle_type_id, r.available]));
  return types.map((t) => ({ ...t, defaultCount: t.count, count: av.get(t.id) ?? t.count }));
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export interface TripSettings {
  /** Departure times of the ambient waves, "HH:MM". */
  waves: string[];
  /** How long a wave's trips may take, from the wave's time to the last vehicle back. */
  waveHours: number;
  outsideTempC: number;
  coolant: CoolantRule;
  /** Loading, unloading and turnaround times, road detour (percent over the straight line), rounds. */
  times: { loadingS: number; stopFixedS: number; stopSPerTonne: number; turnaroundS: number; detourPct: number; maxRounds: number };
  /** Customer-order trips (riders and vans from a store): shorter handling. */
  orderTimes: { loadingS: number; stopFixedS: number; turnaroundS: number };
}

export const DEFAULT_TRIP_SETTINGS: TripSettings = {
  waves: ['06:00', '14:00'],
  waveHours: 8,
  outsideTempC: 30,
  coolant: DEFAULT_COOLANT_RULE,
  times: { loadingS: 1800, stopFixedS: 600, stopSPerTonne: 900, turnaroundS: 1800, detourPct: 130, maxRounds: 3 },
  orderTimes: { loadingS: 300, stopFixedS: 180, turnaroundS: 300 },
};

export async function getSettings(db: Db): Promise<TripSettings> {
  const r = (await sql<{ settings: unknown }>`SELECT settings FROM trip_settings WHERE id = 1`.execute(db)).rows[0];
  if (!r) return structuredClone(DEFAULT_TRIP_SETTINGS);
  const s = json<Partial<TripSettings>>(r.settings);
  return { ...DEFAULT_TRIP_SETTINGS, ...s, coolant: { ...DEFAULT_COOLANT_RULE, ...(s.coolant ?? {}) }, times: { ...DEFAULT_TRIP_SETTINGS.times, ...(s.times ?? {}) }, orderTimes: { ...DEFAULT_TRIP_SETTINGS.orderTimes, ...(s.orderTimes ?? {}) } };
}

function intIn(v: unknown, lo: number, hi: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail({ code: 'validation_failed', field, message: `${field}: expected an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`, expected: `integer in [${lo}, ${hi}]`, actual: v });
  return v;
}

/** Merges a patch into the settings; every field is checked and named on error. */
export async function saveSettings(db: Db, patch: Record<string, unknown>, now: Date): Promise<TripSettings> {
  const s = await getSettings(db);
  for (const key of Object.keys(patch)) if (!(key in DEFAULT_TRIP_SETTINGS)) fail({ code: 'validation_failed', field: key, message: `${key}: unknown setting`, expected: Object.keys(DEFAULT_TRIP_SETTINGS), actual: key });
  if (patch.waves !== undefined) {
    if (!Array.isArray(patch.waves) || patch.waves.length < 1 || patch.waves.length > 8) fail({ code: 'validation_failed', field: 'waves', message: 'waves: expected 1 to 8 departure times HH:MM', expected: '1..8 times', actual: patch.waves });
    const secs = patch.waves.map((w: unknown, i: number) => unwrap(parseClock(w, `waves.${i}`)));
    for (let i = 1; i < secs.length; i++) if (secs[i] <= secs[i - 1]) fail({ code: 'validation_failed', field: `waves.${i}`, message: `waves.${i}: wave times must increase`, expected: `> ${patch.waves[i - 1]}`, actual: patch.waves[i] });
    s.waves = patch.waves;
  }
  if (patch.waveHours !== undefined) s.waveHours = intIn(patch.waveHours, 1, 24, 'waveHours');
  if (patch.outsideTempC !== undefined) s.outsideTempC = intIn(patch.outsideTempC, -40, 50, 'outsideTempC');
  if (patch.coolant !== undefined) s.coolant = unwrap(parseCoolantRule(patch.coolant, s.coolant));
  const limits: Record<string, [number, number]> = { loadingS: [0, 14_400], stopFixedS: [0, 7200], stopSPerTonne: [0, 7200], turnaroundS: [0, 14_400], detourPct: [100, 300], maxRounds: [1, 6] };
  for (const group of ['times', 'orderTimes'] as const) {
    if (patch[group] === undefined) continue;
    if (typeof patch[group] !== 'object' || patch[group] === null) fail({ code: 'validation_failed', field: group, message: `${group}: expected an object`, expected: 'object', actual: patch[group] });
    for (const [k, v] of Object.entries(patch[group] as Record<string, unknown>)) {
      if (!(k in s[group])) fail({ code: 'validation_failed', field: `${group}.${k}`, message: `${group}.${k}: unknown setting`, expected: Object.keys(s[group]), actual: k });
      (s[group] as Record<string, number>)[k] = intIn(v, limits[k][0], limits[k][1], `${group}.${k}`);
    }
  }
  await sql`
    INSERT INTO trip_settings (id, settings, updated_at) VALUES (1, ${JSON.stringify(s)}::jsonb, ${now})
    ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at`.execute(db);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------

export interface PlanRequest {
  day: string;
  mode: 'cold' | 'wave' | 'orders';
  /** For a wave: its departure time, one of the settings' waves unless given explicitly. */
  wave?: string;
  /** For orders: the node and its delivery slot's start (ISO). */
  nodeId?: string;
  slotStart?: string;
  /** Restrict the fleet to these vehicle types. */
  vehicleTypeIds?: string[];
  outsideTempC?: number;
  seed?: number;
  maxIterations?: number;
  timeLimitS?: number;
}

export interface PlanDraft {
  id: string;
  request: PlanRequest;
  loads: Load[];
  result: TripPlanResult;
  violations: TripViolation[];
  /** Facts for the coolant line of the sheets. */
  coolantNote: string;
  /** The same facts as figures, for the command centre to word (code `coolant_rule`). */
  coolantNoteParams: CoolantNoteParams;
}

/** The coolant rule's figures behind a plan's trips, and the outside temperature planned for. */
export type CoolantNoteParams = Record<string, number>;

export interface PlanView extends PlanDraft {
  day: string;
  mode: string;
  wave: string | null;
  /** `cancelled`: was confirmed, and every one of its trips has been cancelled since. */
  status: 'proposed' | 'confirmed' | 'discarded' | 'cancelled';
  createdAt: string;
  decidedAt: string | null;
}

const ACTIVE_ORDER_STATUSES = new Set(['placed', 'picking', 'packed']);

async function claimedLoads(db: Db, kind: string): Promise<Set<string>> {
  return new Set((await sql<{ load_id: string }>`SELECT load_id FROM trip_stops WHERE active AND load_kind = ${kind}`.execute(db)).rows.map((r) => r.load_id));
}

async function openTransfers(db: Db): Promise<TransferView[]> {
  const claimed = await claimedLoads(db, 'transfer');
  return (await listTransfers(db, { status: 'draft' })).filter((t) => !claimed.has(t.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Reads the inputs, plans through `solve` and audits the result. Reads only: nothing is stored. */
export async function preparePlan(db: Db, request: PlanRequest, solve: SolveFn): Promise<PlanDraft> {
  const day = checkDay(request.day);
  const settings = await getSettings(db);
  const nodes = await listNodes(db);
  const planNodes = new Map<string, PlanNode>(nodes.map((n) => [n.id, { id: n.id, name: n.nameEn, lat: n.lat, lng: n.lng, openingHours: n.openingHours }]));
  let fleet: FleetVehicleType[] = (await fleetForDay(db, day)).map(({ defaultCount: _d, ...t }) => t);
  if (request.vehicleTypeIds) {
    for (const [i, id] of request.vehicleTypeIds.entries()) if (!fleet.some((t) => t.id === id)) fail({ code: 'not_found', field: `vehicleTypeIds.${i}`, message: `vehicle type ${id} does not exist`, actual: id });
    fleet = fleet.filter((t) => request.vehicleTypeIds!.includes(t.id));
  }
  const t = settings.times;
  const params: Partial<PlanParams> = {
    loadingS: t.loadingS, stopFixedS: t.stopFixedS, stopSPerTonne: t.stopSPerTonne, turnaroundS: t.turnaroundS, detourFactor: t.detourPct / 100,
    maxRounds: t.maxRounds, outsideTempC: request.outsideTempC ?? settings.outsideTempC,
  };
  let window: [number, number] = [0, 86400];
  let loads: Load[] = [];
  const transferLoad = (tr: TransferView): Load | null => {
    const dest = planNodes.get(tr.toNodeId);
    if (!dest) return null;
    return { id: tr.id, kind: 'transfer', originNodeId: tr.fromNodeId, destination: { id: dest.id, name: dest.name, lat: dest.lat, lng: dest.lng }, lines: tr.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })) };
  };
  let wave: string | null = null;
  if (request.mode === 'cold' || request.mode === 'wave') {
    fleet = fleet.filter((v) => v.kind !== 'rider_ebike');
    const transfers = (await openTransfers(db)).map(transferLoad).filter((l): l is Load => l !== null);
    const items = await loadItems(db, transfers);
    const cold = (l: Load) => isCold(sizeLoad(l, items).size);
    if (request.mode === 'cold') loads = transfers.filter(cold);
    else {
      wave = request.wave ?? nextWave(settings.waves);
      const w = unwrap(parseClock(wave, 'wave'));
      window = [w, Math.min(86400, w + settings.waveHours * 3600)];
      params.fixedDeparture = true;
      params.maxRounds = 1;
      loads = transfers.filter((l) => !cold(l));
    }
  } else if (request.mode === 'orders') {
    if (!request.nodeId) fail({ code: 'validation_failed', field: 'nodeId', message: 'nodeId: required for mode "orders"', expected: 'a node id', actual: '(missing)' });
    if (!request.slotStart || Number.isNaN(Date.parse(request.slotStart))) fail({ code: 'validation_failed', field: 'slotStart', message: 'slotStart: the slot start as an ISO date-time is required for mode "orders"', expected: 'ISO date-time', actual: request.slotStart ?? '(missing)' });
    const node = await requireNode(db, request.nodeId, 'nodeId');
    const startMs = Date.parse(request.slotStart);
    const slots = (await slotViews(db, { nodeId: node.id })).slots;
    const slot = slots.find((s) => s.startMs === startMs);
    if (!slot) fail({ code: 'not_found', field: 'slotStart', message: `node ${node.id} has no delivery slot starting at ${request.slotStart}`, expected: slots.slice(0, 10).map((s) => s.startAt), actual: request.slotStart });
    fleet = fleet.filter((v) => v.homeNodeId === node.id);
    const claimed = await claimedLoads(db, 'order');
    const orders = (await listOrders(db, { nodeId: node.id, limit: 10_000 })).orders.filter((o) => Date.parse(o.slotStart) === startMs && ACTIVE_ORDER_STATUSES.has(o.status) && !claimed.has(o.id));
    const a = secondsInDay(day, new Date(slot.startMs).toISOString());
    const b = secondsInDay(day, new Date(slot.endMs).toISOString());
    window = [Math.max(0, a - 3600), 86400];
    const o = settings.orderTimes;
    Object.assign(params, { loadingS: o.loadingS, stopFixedS: o.stopFixedS, stopSPerTonne: 0, turnaroundS: o.turnaroundS, maxRounds: 2 });
    loads = orders.map((ord) => {
      const at = ord.dropPoint ? { lat: ord.dropPoint.lat, lng: ord.dropPoint.lng, name: ord.dropPoint.name } : { ...ord.address, name: `order ${ord.id}` };
      return {
        id: ord.id, kind: 'order' as const, originNodeId: node.id, destination: { id: ord.id, name: at.name, lat: at.lat, lng: at.lng },
        lines: ord.lines.map((l) => ({ itemId: l.itemId, quantity: l.pickedQuantity ?? l.quantity })).filter((l) => l.quantity > 0),
        windows: [[a, b]] as [number, number][],
      };
    });
  } else {
    fail({ code: 'validation_failed', field: 'mode', message: `mode: expected cold, wave or orders, got ${JSON.stringify(request.mode)}`, expected: ['cold', 'wave', 'orders'], actual: request.mode });
  }
  return solvePlan(db, { day, request, wave, window, fleet, planNodes, loads, params, coolant: settings.coolant }, solve);
}

/** Plans given loads (and audits the result): the common end of `preparePlan` and `prepareLoadsPlan`. Reads only. */
async function solvePlan(
  db: Db,
  x: { day: string; request: PlanRequest; wave: string | null; window: [number, number]; fleet: FleetVehicleType[]; planNodes: Map<string, PlanNode>; loads: Load[]; params: Partial<PlanParams>; coolant: CoolantRule; busyUntil?: ReadonlyMap<string, number>; items?: ReadonlyMap<string, TripItem> },
  solve: SolveFn,
): Promise<PlanDraft> {
  const { day, request, wave, window, fleet, planNodes, loads, params } = x;
  const settings = { coolant: x.coolant };
  const items = x.items ?? (await loadItems(db, loads));
  const busyUntil = x.busyUntil ?? (await busyVehicles(db, day, params.turnaroundS ?? DEFAULT_PLAN_PARAMS.turnaroundS));
  const input: PlanInput = {
    day, window, fleet, nodes: planNodes, items, loads, busyUntil, params, coolant: settings.coolant, seed: request.seed ?? 1,
    ...(request.timeLimitS !== undefined ? { timeLimitMs: request.timeLimitS * 1000 } : { maxIterations: request.maxIterations ?? 2000 }),
  };
  const result = await planTrips(input, solve);
  const p = { ...DEFAULT_PLAN_PARAMS, ...params };
  const violations = auditTripPlan({ plan: result, fleet, items, loads, nodes: planNodes, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne, busyUntil });
  const c = settings.coolant;
  const coolantNote = `rule: frozen ${c.dryIceGPerM3Hour} g dry ice per m³ per hour (min ${c.minDryIceG} g, bags of ${c.dryIceBagG} g); chilled ${c.icePacksPerCrate} + ${c.icePacksPerCrateHour}/h ice packs per ${c.crateL} L crate; ±${c.perDegreePct}%/°C from ${c.referenceTempC} °C (outside ${p.outsideTempC} °C); ${c.refrigeratedPct}% in refrigerated compartments`;
  const coolantNoteParams: CoolantNoteParams = {
    dryIceGPerM3Hour: c.dryIceGPerM3Hour, minDryIceG: c.minDryIceG, dryIceBagG: c.dryIceBagG, icePacksPerCrate: c.icePacksPerCrate, icePacksPerCrateHour: c.icePacksPerCrateHour,
    crateL: c.crateL, perDegreePct: c.perDegreePct, referenceTempC: c.referenceTempC, outsideTempC: p.outsideTempC, refrigeratedPct: c.refrigeratedPct,
  };
  return { id: `TP-${day}-${randomUUID().slice(0, 6)}`, request: { ...request, ...(wave ? { wave } : {}) }, loads, result, violations, coolantNote, coolantNoteParams };
}

export interface LoadsPlanRequest {
  day: string;
  /** Cold chain over the rest of the day from `fromS`, or an ambient wave (leaves at its time, one round). */
  mode: 'cold' | 'wave';
  wave?: string;
  /** Seconds from midnight: no trip leaves earlier (the loads are ready then). */
  fromS: number;
  loads: Load[];
  /**
   * When each vehicle is free again (`type#k` -> seconds, turnaround included), for a caller that
   * plans several runs before it confirms any (the trips of its earlier runs are not stored yet);
   * default: from the day's confirmed trips. `confirmPlan` checks again against the stored trips.
   */
  busyUntil?: ReadonlyMap<string, number>;
  /** The loads' items, when the caller read them already (several runs over the same loads); default: read here. */
  items?: ReadonlyMap<string, TripItem>;
  /** Restrict the fleet to the vehicles that have a compartment of one of these classes. */
  classes?: TemperatureClass[];
  /** Rounds per vehicle over the rest of the day (not for a wave); default the settings' `times.maxRounds`. */
  maxRounds?: number;
  seed?: number;
  maxIterations?: number;
  timeLimitS?: number;
}

/**
 * Plans loads the caller gives (an incident's apply, a 搬仓), rather than the open transfers: the
 * same fleet (no riders), settings, audit and draft as `preparePlan`. Reads only; `savePlan` and
 * `confirmPlan` then make them trips.
 */
export async function prepareLoadsPlan(db: Db, r: LoadsPlanRequest, solve: SolveFn): Promise<PlanDraft> {
  const day = checkDay(r.day);
  const settings = await getSettings(db);
  const planNodes = new Map<string, PlanNode>((await listNodes(db)).map((n) => [n.id, { id: n.id, name: n.nameEn, lat: n.lat, lng: n.lng, openingHours: n.openingHours }]));
  const fleet = (await fleetForDay(db, day)).map(({ defaultCount: _d, ...t }) => t).filter((v) => v.kind !== 'rider_ebike' && (!r.classes || v.compartments.some((c) => r.classes!.includes(c.temperatureClass))));
  const t = settings.times;
  const params: Partial<PlanParams> = {
    loadingS: t.loadingS, stopFixedS: t.stopFixedS, stopSPerTonne: t.stopSPerTonne, turnaroundS: t.turnaroundS, detourFactor: t.detourPct / 100, maxRounds: t.maxRounds, outsideTempC: settings.outsideTempC,
  };
  let window: [number, number] = [Math.max(0, Math.min(86_400, r.fromS)), 86_400];
  if (r.mode === 'wave') {
    const w = unwrap(parseClock(r.wave, 'wave'));
    window = [w, Math.min(86_400, w + settings.waveHours * 3600)];
    params.fixedDeparture = true;
    params.maxRounds = 1;
  } else if (r.maxRounds !== undefined) params.maxRounds = r.maxRounds;
  const request: PlanRequest = { day, mode: r.mode, ...(r.wave ? { wave: r.wave } : {}), seed: r.seed ?? 1, ...(r.timeLimitS !== undefined ? { timeLimitS: r.timeLimitS } : { maxIterations: r.maxIterations ?? 2000 }) };
  return solvePlan(db, { day, request, wave: r.wave ?? null, window, fleet, planNodes, loads: r.loads, params, coolant: settings.coolant, ...(r.busyUntil ? { busyUntil: r.busyUntil } : {}), ...(r.items ? { items: r.items } : {}) }, solve);
}

function nextWave(waves: string[]): string {
  return waves[0];
}

async function loadItems(db: Db, loads: Load[]): Promise<Map<string, TripItem>> {
  const ids = [...new Set(loads.flatMap((l) => l.lines.map((x) => x.itemId)))];
  const m = await itemsByIds(db, ids);
  return new Map([...m.values()].map((i) => [i.id, { id: i.id, name: i.nameEn, unit: i.unit, temperatureClass: i.temperatureClass, weightG: i.weightG, volumeCm3: i.volumeCm3 }]));
}

/** When each vehicle is free again after the day's confirmed and dispatched trips. */
export async function busyVehicles(db: Db, day: string, turnaroundS: number): Promise<Map<string, number>> {
  const rows = (await sql<{ vehicle_key: string; r: number }>`SELECT vehicle_key, max(return_s)::int AS r FROM trips WHERE day = ${day} AND status IN ('confirmed','dispatched','completed') GROUP BY vehicle_key`.execute(db)).rows;
  return new Map(rows.map((r) => [r.vehicle_key, r.r + turnaroundS]));
}

export async function savePlan(db: Db, d: PlanDraft, now: Date): Promise<PlanView> {
  await sql`
    INSERT INTO trip_plans (id, day, mode, wave, status, request, loads, result, violations, created_at)
    VALUES (${d.id}, ${d.request.day}, ${d.request.mode}, ${d.request.wave ?? null}, 'proposed', ${JSON.stringify({ ...d.request, coolantNote: d.coolantNote, coolantNoteParams: d.coolantNoteParams })}::jsonb,
      ${JSON.stringify(d.loads)}::jsonb, ${JSON.stringify(d.result)}::jsonb, ${JSON.stringify(d.violations)}::jsonb, ${now})`.execute(db);
  return (await getPlan(db, d.id))!;
}

function rowToPlan(r: Selectable<TripPlansTable>): PlanView {
  const request = json<PlanRequest & { coolantNote?: string; coolantNoteParams?: CoolantNoteParams }>(r.request);
  const { coolantNote, coolantNoteParams, ...req } = request;
  return {
    id: r.id, day: r.day, mode: r.mode, wave: r.wave, status: r.status as PlanView['status'], request: req, loads: json(r.loads), result: json(r.result), violations: json(r.violations),
    coolantNote: coolantNote ?? '', coolantNoteParams: coolantNoteParams ?? {}, createdAt: iso(r.created_at)!, decidedAt: iso(r.decided_at),
  };
}

export async function getPlan(db: Db, id: string): Promise<PlanView | null> {
  const r = (await sql<Selectable<TripPlansTable>>`SELECT * FROM trip_plans WHERE id = ${id}`.execute(db)).rows[0];
  return r ? rowToPlan(r) : null;
}

export async function requirePlan(db: Db, id: string, forUpdate = false): Promise<PlanView> {
  const r = (forUpdate ? await sql<Selectable<TripPlansTable>>`SELECT * FROM trip_plans WHERE id = ${id} FOR UPDATE`.execute(db) : await sql<Selectable<TripPlansTable>>`SELECT * FROM trip_plans WHERE id = ${id}`.execute(db)).rows[0];
  if (!r) fail({ code: 'not_found', field: 'id', message: `trip plan ${id} does not exist`, actual: id });
  return rowToPlan(r);
}

export async function listPlans(db: Db, filter: { day?: string } = {}): Promise<Array<Omit<PlanView, 'loads' | 'result'> & { totals: TripPlanResult['totals'] }>> {
  const rows = (await sql<Selectable<TripPlansTable>>`SELECT * FROM trip_plans WHERE true ${filter.day ? sql`AND day = ${filter.day}` : sql``} ORDER BY created_at DESC, id LIMIT 200`.execute(db)).rows;
  return rows.map((r) => {
    const { loads: _l, result, ...rest } = rowToPlan(r);
    return { ...rest, totals: result.totals };
  });
}

export async function discardPlan(db: Db, id: string, now: Date): Promise<PlanView> {
  const p = await requirePlan(db, id, true);
  if (p.status !== 'proposed') fail({ code: 'conflict', field: 'id', message: `trip plan ${id} is ${p.status}; only a proposed plan can be discarded`, expected: 'proposed', actual: p.status });
  await sql`UPDATE trip_plans SET status = 'discarded', decided_at = ${now} WHERE id = ${id}`.execute(db);
  return (await getPlan(db, id))!;
}

/**
 * Confirms a proposed plan: its trips become trips with stops and manifests, named vehicles and
 * their drivers are assigned in order. Refused when the plan has audit violations, when a load
 * is no longer open (dispatched, cancelled, on another trip) or a vehicle is now busy.
 */
export async function confirmPlan(db: Db, id: string, now: Date): Promise<PlanView & { tripIds: string[] }> {
  const p = await requirePlan(db, id, true);
  if (p.status !== 'proposed') fail({ code: 'conflict', field: 'id', message: `trip plan ${id} is ${p.status}, not proposed`, expected: 'proposed', actual: p.status });
  if (p.violations.length > 0) fail({ code: 'conflict', field: 'id', message: `trip plan ${id} failed its audit (${p.violations[0].message}); plan again`, expected: 'no violations', actual: p.violations.length });
  const transfers = await getTransfers(db, p.result.trips.flatMap((trip) => trip.stops.filter((s) => s.loadKind === 'transfer').map((s) => s.loadId)));
  for (const trip of p.result.trips) {
    for (const s of trip.stops) {
      if (s.loadKind === 'transfer') {
        const t = transfers.get(s.loadId);
        if (!t || t.status !== 'draft') fail({ code: 'conflict', field: 'loads', message: `transfer ${s.loadId} is ${t?.status ?? 'gone'}, no longer open; plan again`, expected: 'draft', actual: t?.status ?? null });
      }
    }
  }
  const busy = await busyVehicles(db, p.day, 0);
  for (const trip of p.result.trips) {
    const until = busy.get(trip.vehicleKey);
    if (until !== undefined && trip.leaveHomeS < until) fail({ code: 'conflict', field: 'vehicles', message: `${trip.vehicleKey} was booked by another plan until ${Math.floor(until / 3600)}:${String(Math.floor((until % 3600) / 60)).padStart(2, '0')}; plan again`, expected: 'a free vehicle', actual: trip.vehicleKey });
  }
  const named = new Map<string, VehicleView[]>();
  for (const v of await listVehicles(db)) named.set(v.vehicleTypeId, [...(named.get(v.vehicleTypeId) ?? []), v]);
  // The trips, their stops and the stops' manifest lines are written in one statement each.
  const ids: string[] = [];
  const tripRows: Array<Record<string, unknown>> = [];
  const stopRows: Array<Record<string, unknown>> = [];
  const manifest: Array<{ t: string; s: number; i: string; n: string; u: string; c: string; q: number }> = [];
  const onTrip = (s: { loadKind: string; loadId: string }): never => fail({ code: 'conflict', field: 'loads', message: `${s.loadKind} ${s.loadId} is already on another trip; plan again`, expected: 'an open load', actual: s.loadId });
  const notePars = p.coolantNoteParams && Object.keys(p.coolantNoteParams).length > 0 ? p.coolantNoteParams : null;
  // A load already on an active stop (another plan's trip), or twice in this plan (its second
  // stop would find the first active): the first such stop in order is named.
  const stops = p.result.trips.flatMap((trip) => trip.stops);
  const seen = new Set(
    stops.length === 0
      ? []
      : (await sql<{ load_kind: string; load_id: string }>`SELECT load_kind, load_id FROM trip_stops WHERE active
          AND (load_kind, load_id) IN (SELECT * FROM unnest(${stops.map((s) => s.loadKind)}::text[], ${stops.map((s) => s.loadId)}::text[]))`.execute(db)).rows.map((r) => `${r.load_kind}\u0000${r.load_id}`),
  );
  for (const trip of p.result.trips) {
    const tripId = `${p.id}-${trip.ref}`;
    ids.push(tripId);
    const k = Number(trip.vehicleKey.split('#')[1]) - 1;
    const v = named.get(trip.vehicleTypeId)?.[k] ?? null;
    tripRows.push({
      id: tripId, ref: trip.ref, vt: trip.vehicleTypeId, vk: trip.vehicleKey, v: v?.id ?? null, dn: v?.driverName ?? null, dp: v?.driverPhone ?? null, o: trip.originNodeId, e: trip.endNodeId,
      lh: trip.leaveHomeS, ds: trip.departS, rs: trip.returnS, dm: trip.distanceM, dh: trip.deadheadM, ts: trip.travelS, cf: trip.costFen, ld: trip.load, cl: trip.coolant,
    });
    for (const s of trip.stops) {
      if (seen.has(`${s.loadKind}\u0000${s.loadId}`)) onTrip(s);
      seen.add(`${s.loadKind}\u0000${s.loadId}`);
      stopRows.push({ t: tripId, s: s.seq, lk: s.loadKind, li: s.loadId, pl: s.place, a: s.arrivalS, st: s.startS, d: s.departureS, w: s.windows, wg: s.weightG, vc: s.volumeCm3, cl: s.coolant });
      for (const m of s.manifest) manifest.push({ t: tripId, s: s.seq, i: m.itemId, n: m.name, u: m.unit, c: m.temperatureClass, q: m.quantity });
    }
  }
  if (tripRows.length > 0) {
    await sql`
      INSERT INTO trips (id, plan_id, ref, day, status, vehicle_type_id, vehicle_key, vehicle_id, driver_name, driver_phone, origin_node_id, end_node_id,
        leave_home_s, depart_s, return_s, distance_m, deadhead_m, travel_s, cost_fen, load, coolant, coolant_note, coolant_note_params, created_at)
      SELECT id, ${p.id}::text, ref, ${p.day}::text, 'confirmed', vt, vk, v, dn, dp, o, e, lh, ds, rs, dm, dh, ts, cf, ld, cl, ${p.coolantNote}::text, ${notePars === null ? null : JSON.stringify(notePars)}::jsonb, ${now}::timestamptz
      FROM ${jsonRecordset(tripRows, 'x', 'id text, ref text, vt text, vk text, v text, dn text, dp text, o text, e text, lh int, ds int, rs int, dm int, dh int, ts int, cf int, ld jsonb, cl jsonb')}`.execute(db);
  }
  if (stopRows.length > 0) {
    try {
      await sql`
        INSERT INTO trip_stops (trip_id, seq, load_kind, load_id, place, arrival_s, start_s, departure_s, windows, weight_g, volume_cm3, coolant)
        SELECT t, s, lk, li, pl, a, st, d, w, wg, vc, cl FROM ${jsonRecordset(stopRows, 'x', 't text, s int, lk text, li text, pl jsonb, a int, st int, d int, w jsonb, wg bigint, vc bigint, cl jsonb')}`.execute(db);
    } catch (e) {
      // A load another writer put on a trip since the check above (the error names its key when it can).
      if (/unique|duplicate/i.test(String((e as Error).message))) {
        const m = /\(load_kind, load_id\)=\(([^,]+), ([^)]+)\)/.exec(String((e as { detail?: string }).detail ?? (e as Error).message));
        onTrip(stops.find((s) => m && s.loadKind === m[1] && s.loadId === m[2]) ?? stops[0]);
      }
      throw e;
    }
  }
  // Every stop's manifest lines (after their stops).
  if (manifest.length > 0) {
    await sql`
      INSERT INTO trip_manifest_lines (trip_id, seq, item_id, name, unit, temperature_class, quantity)
      SELECT t, s, i, n, u, c, q FROM ${jsonRecordset(manifest, 'x', 't text, s int, i text, n text, u text, c text, q int')}`.execute(db);
  }
  await sql`UPDATE trip_plans SET status = 'confirmed', decided_at = ${now} WHERE id = ${id}`.execute(db);
  return { ...(await getPlan(db, id))!, tripIds: ids };
}

// ---------------------------------------------------------------------------------------------
// Trips
// ---------------------------------------------------------------------------------------------

export interface TripStopView {
  seq: number;
  loadKind: string;
  loadId: string;
  place: { id: string; name: string; lat: number; lng: number };
  arrivalS: number;
  startS: number;
  departureS: number;
  windows: [number, number][];
  weightG: number;
  volumeCm3: number;
  coolant: { dryIceG: number; dryIceBags: number; icePacks: number };
  status: 'pending' | 'arrived';
  arrivedAt: string | null;
  manifest: Array<{ itemId: string; name: string; unit: string; temperatureClass: string; quantity: number; receivedQuantity: number | null; varianceQuantity: number | null }>;
}

export interface TripView {
  id: string;
  planId: string;
  ref: string;
  day: string;
  status: 'confirmed' | 'dispatched' | 'completed' | 'cancelled';
  vehicleTypeId: string;
  vehicleKey: string;
  vehicleId: string | null;
  driverName: string | null;
  driverPhone: string | null;
  originNodeId: string;
  endNodeId: string;
  leaveHomeS: number;
  departS: number;
  returnS: number;
  distanceM: number;
  deadheadM: number;
  travelS: number;
  costFen: number;
  load: { weightG: Record<string, number>; volumeCm3: Record<string, number> };
  coolant: { dryIceG: number; dryIceBags: number; icePacks: number };
  coolantNote: string;
  /** `coolant_rule` with the rule's figures for the command centre to word; '' for trips planned before these were kept. */
  coolantNoteCode: 'coolant_rule' | '';
  coolantNoteParams: CoolantNoteParams;
  createdAt: string;
  dispatchedAt: string | null;
  completedAt: string | null;
  stops: TripStopView[];
}

type TripRow = Selectable<TripsTable>;

function rowToTrip(r: TripRow, stops: TripStopView[]): TripView {
  return {
    id: r.id, planId: r.plan_id, ref: r.ref, day: r.day, status: r.status as TripView['status'], vehicleTypeId: r.vehicle_type_id, vehicleKey: r.vehicle_key, vehicleId: r.vehicle_id,
    driverName: r.driver_name, driverPhone: r.driver_phone, originNodeId: r.origin_node_id, endNodeId: r.end_node_id, leaveHomeS: r.leave_home_s, departS: r.depart_s,
    returnS: r.return_s, distanceM: r.distance_m, deadheadM: r.deadhead_m, travelS: r.travel_s, costFen: r.cost_fen, load: json(r.load), coolant: json(r.coolant),
    coolantNote: r.coolant_note, coolantNoteCode: r.coolant_note_params ? 'coolant_rule' : '', coolantNoteParams: r.coolant_note_params ? json(r.coolant_note_params) : {}, createdAt: iso(r.created_at)!, dispatchedAt: iso(r.dispatched_at), completedAt: iso(r.completed_at), stops,
  };
}

async function tripsWithStops(db: Db, rows: TripRow[]): Promise<TripView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const stops = (await sql<Selectable<TripStopsTable>>`SELECT * FROM trip_stops WHERE trip_id = ANY(${ids}::text[]) ORDER BY trip_id, seq`.execute(db)).rows;
  const lines = (await sql<Selectable<TripManifestLinesTable>>`SELECT * FROM trip_manifest_lines WHERE trip_id = ANY(${ids}::text[]) ORDER BY trip_id, seq, item_id`.execute(db)).rows;
  const linesOf = new Map<string, Array<Selectable<TripManifestLinesTable>>>();
  for (const l of lines) linesOf.set(`${l.trip_id}\u0000${l.seq}`, [...(linesOf.get(`${l.trip_id}\u0000${l.seq}`) ?? []), l]);
  const stopsOf = new Map<string, TripStopView[]>();
  for (const s of stops) {
    const v: TripStopView = {
      seq: s.seq, loadKind: s.load_kind, loadId: s.load_id, place: json(s.place), arrivalS: s.arrival_s, startS: s.start_s, departureS: s.departure_s, windows: json(s.windows),
      weightG: Number(s.weight_g), volumeCm3: Number(s.volume_cm3), coolant: json(s.coolant), status: s.status as TripStopView['status'], arrivedAt: iso(s.arrived_at),
      manifest: (linesOf.get(`${s.trip_id}\u0000${s.seq}`) ?? []).map((l) => ({
        itemId: l.item_id, name: l.name, unit: l.unit, temperatureClass: l.temperature_class, quantity: l.quantity, receivedQuantity: l.received_quantity,
        varianceQuantity: l.received_quantity === null ? null : l.received_quantity - l.quantity,
      })),
    };
    stopsOf.set(s.trip_id, [...(stopsOf.get(s.trip_id) ?? []), v]);
  }
  return rows.map((r) => rowToTrip(r, stopsOf.get(r.id) ?? []));
}

export async function listTrips(db: Db, filter: { day?: string; status?: string; planId?: string } = {}): Promise<TripView[]> {
  const rows = (await sql<TripRow>`
    SELECT * FROM trips WHERE true ${filter.day ? sql`AND day = ${filter.day}` : sql``} ${filter.status ? sql`AND status = ${filter.status}` : sql``}
      ${filter.planId ? sql`AND plan_id = ${filter.planId}` : sql``}
    ORDER BY day, depart_s, id LIMIT 1000`.execute(db)).rows;
  return tripsWithStops(db, rows);
}

export async function requireTrip(db: Db, id: string, forUpdate = false): Promise<TripView> {
  const r = (forUpdate ? await sql<TripRow>`SELECT * FROM trips WHERE id = ${id} FOR UPDATE`.execute(db) : await sql<TripRow>`SELECT * FROM trips WHERE id = ${id}`.execute(db)).rows[0];
  if (!r) fail({ code: 'not_found', field: 'id', message: `trip ${id} does not exist`, actual: id });
  return (await tripsWithStops(db, [r]))[0];
}

/** Sets the vehicle (a named one of the trip's type) or the driver of a trip not yet completed. */
export async function assignTrip(db: Db, id: string, patch: { vehicleId?: string | null; driverName?: string | null; driverPhone?: string | null }): Promise<TripView> {
  const t = await requireTrip(db, id, true);
  if (t.status === 'completed' || t.status === 'cancelled') fail({ code: 'conflict', field: 'id', message: `trip ${id} is ${t.status}`, expected: 'confirmed or dispatched', actual: t.status });
  let vehicleId = t.vehicleId;
  let driverName = t.driverName;
  let driverPhone = t.driverPhone;
  if (patch.vehicleId !== undefined) {
    if (patch.vehicleId !== null) {
      const v = (await listVehicles(db)).find((x) => x.id === patch.vehicleId);
      if (!v) fail({ code: 'not_found', field: 'vehicleId', message: `vehicle ${patch.vehicleId} does not exist`, actual: patch.vehicleId });
      if (v.vehicleTypeId !== t.vehicleTypeId) fail({ code: 'validation_failed', field: 'vehicleId', message: `vehicle ${v.id} is a ${v.vehicleTypeId}, the trip needs a ${t.vehicleTypeId}`, expected: t.vehicleTypeId, actual: v.vehicleTypeId });
      driverName = v.driverName ?? driverName;
      driverPhone = v.driverPhone ?? driverPhone;
    }
    vehicleId = patch.vehicleId;
  }
  if (patch.driverName !== undefined) driverName = patch.driverName;
  if (patch.driverPhone !== undefined) driverPhone = patch.driverPhone;
  await sql`UPDATE trips SET vehicle_id = ${vehicleId}, driver_name = ${driverName}, driver_phone = ${driverPhone} WHERE id = ${id}`.execute(db);
  return requireTrip(db, id);
}

/**
 * The trips context's part of a dispatch (src/flows/trip-dispatch.ts moves the stock): a
 * confirmed trip whose transfers all still exist (none cancelled) is `dispatched`. Answers the
 * transfer stops, in order, for the ledger.
 */
export async function startDispatch(db: Db, id: string, now: Date): Promise<Array<{ seq: number; transferId: string }>> {
  const t = await requireTrip(db, id, true);
  if (t.status !== 'confirmed') fail({ code: 'conflict', field: 'id', message: `trip ${id} is ${t.status}; only a confirmed trip can be dispatched`, expected: 'confirmed', actual: t.status });
  const out: Array<{ seq: number; transferId: string }> = [];
  for (const s of t.stops) {
    if (s.loadKind !== 'transfer') continue;
    const tr = await getTransfer(db, s.loadId);
    if (!tr) fail({ code: 'not_found', field: `stops.${s.seq}.loadId`, message: `transfer ${s.loadId} on stop ${s.seq} does not exist`, actual: s.loadId });
    if (tr.status === 'cancelled') fail({ code: 'conflict', field: `stops.${s.seq}.loadId`, message: `transfer ${s.loadId} on stop ${s.seq} was cancelled; cancel the trip and plan again`, expected: 'draft', actual: tr.status });
    out.push({ seq: s.seq, transferId: s.loadId });
  }
  await db.updateTable('trips').set({ status: 'dispatched', dispatched_at: now }).where('id', '=', id).execute();
  return out;
}

/** Undoes `startDispatch` (a dispatch whose stock could not move): the trip is confirmed again. */
export async function undoDispatch(db: Db, id: string): Promise<void> {
  await db.updateTable('trips').set({ status: 'confirmed', dispatched_at: null }).where('id', '=', id).where('status', '=', 'dispatched').execute();
}

export interface ArrivalInput {
  seq: number;
  /** Counted quantities; omitted with `asShipped: true` to receive exactly what was shipped. */
  lines?: Array<{ itemId: string; receivedQuantity: number }>;
  asShipped?: boolean;
}

/**
 * The trips context's part of an arrival at stops (src/flows/trip-dispatch.ts receives the
 * transfers): each stop's counted quantities are checked against what was shipped (a transfer
 * stop's lines, read through the inventory context) and kept on the manifest, the stops are
 * arrived, and when every stop has arrived the trip is completed. Answers the transfer receipts
 * to post, in order.
 */
export async function recordArrival(db: Db, id: string, arrivals: ArrivalInput[], now: Date): Promise<Array<{ seq: number; transferId: string; lines: Array<{ itemId: string; receivedQuantity: number }> }>> {
  const t = await requireTrip(db, id, true);
  if (t.status !== 'dispatched') fail({ code: 'conflict', field: 'id', message: `trip ${id} is ${t.status}; only a dispatched trip can arrive`, expected: 'dispatched', actual: t.status });
  const receipts: Array<{ seq: number; transferId: string; lines: Array<{ itemId: string; receivedQuantity: number }> }> = [];
  for (const [ai, a] of arrivals.entries()) {
    const f = `stops.${ai}`;
    const stop = t.stops.find((s) => s.seq === a.seq);
    if (!stop) fail({ code: 'not_found', field: `${f}.seq`, message: `${f}.seq: trip ${id} has no stop ${a.seq}`, expected: t.stops.map((s) => s.seq), actual: a.seq });
    if (stop.status === 'arrived') fail({ code: 'conflict', field: `${f}.seq`, message: `${f}.seq: stop ${a.seq} has already arrived`, expected: 'pending', actual: 'arrived' });
    let counted: Map<string, number>;
    if (stop.loadKind === 'transfer') {
      const tr = (await getTransfer(db, stop.loadId))!;
      const shipped = tr.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity }));
      if (a.lines === undefined) {
        if (!a.asShipped) fail({ code: 'validation_failed', field: `${f}.lines`, message: `${f}.lines: give the counted quantity of every line, or asShipped: true`, expected: shipped.map((l) => l.itemId), actual: '(missing)' });
        counted = new Map(shipped.map((l) => [l.itemId, l.quantity]));
      } else {
        counted = new Map();
        for (const [li, l] of a.lines.entries()) {
          if (!shipped.some((x) => x.itemId === l.itemId)) fail({ code: 'validation_failed', field: `${f}.lines.${li}.itemId`, message: `${f}.lines.${li}.itemId: item ${l.itemId} was not shipped on transfer ${tr.id}`, expected: shipped.map((x) => x.itemId), actual: l.itemId });
          if (counted.has(l.itemId)) fail({ code: 'validation_failed', field: `${f}.lines.${li}.itemId`, message: `${f}.lines.${li}.itemId: item ${l.itemId} is counted twice`, actual: l.itemId });
          counted.set(l.itemId, l.receivedQuantity);
        }
        const missing = shipped.find((x) => !counted.has(x.itemId));
        if (missing) fail({ code: 'validation_failed', field: `${f}.lines`, message: `${f}.lines: no counted quantity for item ${missing.itemId} (count 0 if nothing arrived)`, expected: shipped.map((x) => x.itemId), actual: [...counted.keys()] });
      }
      receipts.push({ seq: a.seq, transferId: tr.id, lines: [...counted].map(([itemId, receivedQuantity]) => ({ itemId, receivedQuantity })) });
    } else {
      counted = new Map(stop.manifest.map((m) => [m.itemId, m.quantity]));
      for (const l of a.lines ?? []) counted.set(l.itemId, l.receivedQuantity);
    }
    for (const [itemId, q] of counted) await db.updateTable('trip_manifest_lines').set({ received_quantity: q }).where('trip_id', '=', id).where('seq', '=', a.seq).where('item_id', '=', itemId).execute();
    await db.updateTable('trip_stops').set({ status: 'arrived', arrived_at: now }).where('trip_id', '=', id).where('seq', '=', a.seq).execute();
  }
  const pending = await db.selectFrom('trip_stops').select('seq').where('trip_id', '=', id).where('status', '=', 'pending').limit(1).executeTakeFirst();
  if (!pending) await db.updateTable('trips').set({ status: 'completed', completed_at: now }).where('id', '=', id).execute();
  return receipts;
}

/** Undoes `recordArrival` for these stops (an arrival whose receipts could not be posted): pending again, nothing counted, the trip dispatched. */
export async function undoArrival(db: Db, id: string, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.updateTable('trip_manifest_lines').set({ received_quantity: null }).where('trip_id', '=', id).where('seq', 'in', seqs).execute();
  await db.updateTable('trip_stops').set({ status: 'pending', arrived_at: null }).where('trip_id', '=', id).where('seq', 'in', seqs).execute();
  await db.updateTable('trips').set({ status: 'dispatched', completed_at: null }).where('id', '=', id).where('status', '=', 'completed').execute();
}

/** Cancels a confirmed trip: its loads are open again for the next plan. */
export async function cancelTrip(db: Db, id: string): Promise<TripView> {
  const t = await requireTrip(db, id, true);
  if (t.status !== 'confirmed') fail({ code: 'conflict', field: 'id', message: `trip ${id} is ${t.status}; only a confirmed trip can be cancelled`, expected: 'confirmed', actual: t.status });
  await sql`UPDATE trips SET status = 'cancelled' WHERE id = ${id}`.execute(db);
  await sql`UPDATE trip_stops SET active = false WHERE trip_id = ${id}`.execute(db);
  // The plan is no longer shown as confirmed once none of its trips is left.
  await sql`UPDATE trip_plans SET status = 'cancelled' WHERE id = ${t.planId} AND status = 'confirmed'
    AND NOT EXISTS (SELECT 1 FROM trips WHERE plan_id = ${t.planId} AND status <> 'cancelled')`.execute(db);
  return requireTrip(db, id);
}

/**
 * Puts a trip cancelled by an undo back (the compensation of a lift's trips step): confirmed again
 * with its stops active. Refused when one of its loads went on another trip meanwhile.
 */
export async function reinstateTrip(db: Db, id: string): Promise<TripView> {
  const t = await requireTrip(db, id, true);
  if (t.status !== 'cancelled') return t;
  try {
    await sql`UPDATE trip_stops SET active = true WHERE trip_id = ${id}`.execute(db);
  } catch (e) {
    if (/unique|duplicate/i.test(String((e as Error).message))) fail({ code: 'conflict', field: 'id', message: `a load of trip ${id} is on another trip now; plan again`, expected: 'loads on no other trip', actual: id });
    throw e;
  }
  await sql`UPDATE trips SET status = 'confirmed' WHERE id = ${id}`.execute(db);
  await sql`UPDATE trip_plans SET status = 'confirmed' WHERE id = ${t.planId} AND status = 'cancelled'`.execute(db);
  return requireTrip(db, id);
}

// ---------------------------------------------------------------------------------------------
// Trip sheets
// ---------------------------------------------------------------------------------------------

export async function sheetOf(db: Db, id: string): Promise<TripSheet> {
  const t = await requireTrip(db, id);
  const type = (await sql<{ name: string }>`SELECT name FROM trip_vehicle_types WHERE id = ${t.vehicleTypeId}`.execute(db)).rows[0];
  const plate = t.vehicleId ? (await sql<{ plate: string }>`SELECT plate FROM trip_vehicles WHERE id = ${t.vehicleId}`.execute(db)).rows[0]?.plate ?? null : null;
  const names = new Map((await listNodes(db)).map((n) => [n.id, `${n.nameZh} ${n.nameEn}`]));
  return tripSheet({
    id: t.id, planId: t.planId, day: t.day, status: t.status, vehicleTypeId: t.vehicleTypeId, vehicleTypeName: type?.name ?? t.vehicleTypeId, vehicleKey: t.vehicleKey,
    plate, driverName: t.driverName, driverPhone: t.driverPhone,
    origin: { id: t.originNodeId, name: names.get(t.originNodeId) ?? t.originNodeId }, end: { id: t.endNodeId, name: names.get(t.endNodeId) ?? t.endNodeId },
    departS: t.departS, returnS: t.returnS, distanceM: t.distanceM + t.deadheadM, loadWeightG: t.load.weightG as Record<TemperatureClass, number>, coolant: t.coolant, coolantNote: t.coolantNote,
    stops: t.stops.map((s) => ({
      seq: s.seq, loadId: s.loadId, loadKind: s.loadKind, placeName: names.get(s.place.id) ?? s.place.name, arrivalS: s.arrivalS, startS: s.startS, windows: s.windows,
      weightG: s.weightG, coolant: s.coolant, status: s.status,
      manifest: s.manifest.map((m) => ({ itemId: m.itemId, name: m.name, unit: m.unit, temperatureClass: m.temperatureClass as TemperatureClass, quantity: m.quantity })),
    })),
  });
}


// ---------------------------------------------------------------------------------------------
// Demo
// ---------------------------------------------------------------------------------------------

/**
 * The demo fleet for Yizhuang: refrigerated, frozen and multi-temperature trucks at the
 * processing & logistics centre, ambient vans at the DC, two riders at each store and warehouse
 * that delivers online orders. Plates and drivers are invented.
 */
export async function loadTripsDemo(db: Db, now: Date): Promise<number> {
  const nodes = await listNodes(db);
  const has = (id: string) => nodes.some((n) => n.id === id);
  const types: Array<{ id: string; kind: VehicleKind; homeNodeId: string; count: number }> = [];
  if (has('plc-south')) types.push({ id: 'reefer-plc', kind: 'refrigerated_truck', homeNodeId: 'plc-south', count: 8 }, { id: 'freezer-plc', kind: 'frozen_truck', homeNodeId: 'plc-south', count: 4 }, { id: 'multi-plc', kind: 'multi_temperature_truck', homeNodeId: 'plc-south', count: 3 });
  if (has('south-dc')) types.push({ id: 'van-dc', kind: 'ambient_van', homeNodeId: 'south-dc', count: 6 });
  for (const n of nodes) if (n.kind === 'store' || n.kind === 'satellite_warehouse' || n.kind === 'emergency_warehouse') types.push({ id: `rider-${n.id}`.slice(0, 64), kind: 'rider_ebike', homeNodeId: n.id, count: 2 });
  let vehicles = 0;
  for (const t of types) {
    const exists = (await sql<{ '?column?': number }>`SELECT 1 FROM trip_vehicle_types WHERE id = ${t.id}`.execute(db)).rows.length > 0;
    if (exists) continue;
    await createVehicleType(db, { id: t.id, kind: t.kind, homeNodeId: t.homeNodeId, count: t.count, name: FLEET_TEMPLATES[t.kind].name }, now);
    if (t.kind !== 'rider_ebike') {
      for (let k = 1; k <= t.count; k++) {
        vehicles++;
        await upsertVehicle(db, { id: `${t.id}-${k}`, vehicleTypeId: t.id, plate: `京A·${t.kind === 'ambient_van' ? 'V' : 'L'}${String(1000 + vehicles * 37).slice(-4)}`, driverName: `Driver ${vehicles}`, driverPhone: null }, now);
      }
    }
  }
  return types.length;
}

export const tripsDemoStep: DemoStep = {
  name: 'trips fleet',
  run: async (db, ctx) => {
    const n = await loadTripsDemo(db, ctx.now);
    ctx.log(`demo trips: ${n} vehicle types (reefers, freezers and multi-temperature trucks at plc-south, vans at south-dc, riders at each store)`);
  },
};

