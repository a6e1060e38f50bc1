/**
 * An independent auditor for trip plans. It shares no code with the planner or the routing
 * solver: from the plan as stored, the fleet, the items and the loads it recomputes every trip's
 * loads per compartment, its schedule at the vehicle's speed, its distance, and checks
 *  - capacity: weight and volume per temperature compartment;
 *  - compatibility: every line travels in a compartment of its temperature class;
 *  - time windows: unloading starts inside one of the stop's receiving windows;
 *  - shift: the vehicle leaves home no earlier than its shift starts and is back by its end;
 *    one vehicle never drives two trips at once;
 *  - completeness: every load is on exactly one trip or reported unassigned, with the manifest
 *    equal to the load's lines.
 * It returns every violation found; an empty list means the plan is valid.
 */
import { roadDistanceM } from '../geo/index.ts';
import type { TripItem } from './loads.ts';
import type { FleetVehicleType, Load, TripPlanResult } from './model.ts';

export type TripViolationCode =
  | 'unknown_vehicle_type'
  | 'vehicle_overbooked'
  | 'capacity_exceeded'
  | 'incompatible'
  | 'time_window_violated'
  | 'shift_violated'
  | 'schedule_mismatch'
  | 'load_missing'
  | 'load_twice'
  | 'manifest_mismatch'
  | 'unknown_load';

export interface TripViolation {
  code: TripViolationCode;
  trip?: string;
  loadId?: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export interface AuditInput {
  plan: TripPlanResult;
  fleet: FleetVehicleType[];
  items: ReadonlyMap<string, TripItem>;
  loads: Load[];
  /** Places of the nodes trips start and end at. */
  nodes: ReadonlyMap<string, { lat: number; lng: number }>;
  detourFactor: number;
  loadingS: number;
  stopFixedS: number;
  stopSPerTonne: number;
  /** Vehicles busy before this plan (confirmed trips), as `type#k` → free from. */
  busyUntil?: ReadonlyMap<string, number>;
}

const hhmm = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

export function auditTripPlan(x: AuditInput): TripViolation[] {
  const out: TripViolation[] = [];
  const types = new Map(x.fleet.map((t) => [t.id, t]));
  const loads = new Map(x.loads.map((l) => [l.id, l]));
  const seen = new Map<string, string>();
  const road = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => roadDistanceM(a, b, x.detourFactor);
  const clock = (t: string) => Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60;
  const byVehicle = new Map<string, Array<[number, number, string]>>();

  for (const trip of x.plan.trips) {
    const v = types.get(trip.vehicleTypeId);
    if (!v) {
      out.push({ code: 'unknown_vehicle_type', trip: trip.ref, message: `${trip.ref}: unknown vehicle type ${trip.vehicleTypeId}`, actual: trip.vehicleTypeId });
      continue;
    }
    const k = Number(trip.vehicleKey.split('#')[1]);
    if (!trip.vehicleKey.startsWith(`${v.id}#`) || !(k >= 1 && k <= v.count))
      out.push({ code: 'vehicle_overbooked', trip: trip.ref, message: `${trip.ref}: vehicle ${trip.vehicleKey} is not one of the ${v.count} of type ${v.id}`, expected: `${v.id}#1..${v.count}`, actual: trip.vehicleKey });
    const speed = (m: number) => Math.round((m * 3.6) / v.speedKmh);
    // Loads per compartment, recomputed from the manifests and the item master.
    const weight = { ambient: 0, chilled: 0, frozen: 0 };
    const volume = { ambient: 0, chilled: 0, frozen: 0 };
    const origin = x.nodes.get(trip.originNodeId);
    const home = x.nodes.get(v.homeNodeId);
    if (!origin || !home) {
      out.push({ code: 'unknown_load', trip: trip.ref, message: `${trip.ref}: origin ${trip.originNodeId} or home ${v.homeNodeId} is not a known node` });
      continue;
    }
    let t = trip.departS;
    let at = origin;
    for (const stop of trip.stops) {
      const load = loads.get(stop.loadId);
      if (!load) {
        out.push({ code: 'unknown_load', trip: trip.ref, loadId: stop.loadId, message: `${trip.ref}: stop ${stop.seq} carries unknown load ${stop.loadId}` });
        continue;
      }
      if (seen.has(load.id)) out.push({ code: 'load_twice', trip: trip.ref, loadId: load.id, message: `load ${load.id} is on ${seen.get(load.id)} and ${trip.ref}` });
      seen.set(load.id, trip.ref);
      if (load.originNodeId !== trip.originNodeId)
        out.push({ code: 'manifest_mismatch', trip: trip.ref, loadId: load.id, message: `${trip.ref}: load ${load.id} leaves from ${load.originNodeId}, the trip from ${trip.originNodeId}`, expected: load.originNodeId, actual: trip.originNodeId });
      const want = load.lines.map((l) => `${l.itemId}:${l.quantity}`).sort().join(',');
      const got = stop.manifest.map((l) => `${l.itemId}:${l.quantity}`).sort().join(',');
      if (want !== got) out.push({ code: 'manifest_mismatch', trip: trip.ref, loadId: load.id, message: `${trip.ref}: the manifest of stop ${stop.seq} differs from load ${load.id}`, expected: want, actual: got });
      let stopWeight = 0;
      for (const line of load.lines) {
        const item = x.items.get(line.itemId);
        if (!item) continue;
        weight[item.temperatureClass] += item.weightG * line.quantity;
        volume[item.temperatureClass] += item.volumeCm3 * line.quantity;
        stopWeight += item.weightG * line.quantity;
        if (!v.compartments.some((c) => c.temperatureClass === item.temperatureClass))
          out.push({ code: 'incompatible', trip: trip.ref, loadId: load.id, message: `${trip.ref}: ${item.temperatureClass} item ${item.id} on ${v.id}, which has no ${item.temperatureClass} compartment`, expected: v.compartments.map((c) => c.temperatureClass), actual: item.temperatureClass });
      }
      const arrival = t + speed(road(at, load.destination));
      const windows = stop.windows;
      const open = windows.find((w) => arrival <= w[1]);
      const start = open ? Math.max(open[0], arrival) : arrival;
      if (!open)
        out.push({ code: 'time_window_violated', trip: trip.ref, loadId: load.id, message: `${trip.ref}: arrives at ${load.destination.name} at ${hhmm(arrival)}, after its last receiving window closes`, expected: windows, actual: arrival });
      if (load.windows && JSON.stringify(windows.filter((w) => !load.windows!.some((lw) => lw[0] <= w[0] && w[1] <= lw[1]))) !== '[]')
        out.push({ code: 'time_window_violated', trip: trip.ref, loadId: load.id, message: `${trip.ref}: stop ${stop.seq} uses windows outside the load's own`, expected: load.windows, actual: windows });
      const departure = start + x.stopFixedS + Math.ceil((stopWeight / 1e6) * x.stopSPerTonne);
      if (stop.arrivalS !== arrival || stop.startS !== start || stop.departureS !== departure)
        out.push({ code: 'schedule_mismatch', trip: trip.ref, loadId: load.id, message: `${trip.ref}: the schedule at stop ${stop.seq} differs from a replay at ${v.speedKmh} km/h`, expected: { arrival, start, departure }, actual: { arrival: stop.arrivalS, start: stop.startS, departure: stop.departureS } });
      t = departure;
      at = load.destination;
    }
    const back = t + speed(road(at, home));
    if (back !== trip.returnS) out.push({ code: 'schedule_mismatch', trip: trip.ref, message: `${trip.ref}: returns at ${trip.returnS}, replay says ${back}`, expected: back, actual: trip.returnS });
    const leaveHome = trip.departS - x.loadingS - (trip.originNodeId === v.homeNodeId ? 0 : speed(road(home, origin)));
    const shiftStart = clock(v.shiftStart);
    const shiftEnd = clock(v.shiftEnd);
    if (leaveHome < shiftStart) out.push({ code: 'shift_violated', trip: trip.ref, message: `${trip.ref}: ${trip.vehicleKey} must leave home at ${hhmm(leaveHome)}, before its shift starts at ${v.shiftStart}`, expected: `>= ${v.shiftStart}`, actual: hhmm(leaveHome) });
    if (back > shiftEnd) out.push({ code: 'shift_violated', trip: trip.ref, message: `${trip.ref}: ${trip.vehicleKey} is back at ${hhmm(back)}, after its shift ends at ${v.shiftEnd}`, expected: `<= ${v.shiftEnd}`, actual: hhmm(back) });
    const busy = x.busyUntil?.get(trip.vehicleKey);
    if (busy !== undefined && leaveHome < busy) out.push({ code: 'vehicle_overbooked', trip: trip.ref, message: `${trip.ref}: ${trip.vehicleKey} leaves at ${hhmm(leaveHome)} but is busy until ${hhmm(busy)}`, expected: `>= ${busy}`, actual: leaveHome });
    byVehicle.set(trip.vehicleKey, [...(byVehicle.get(trip.vehicleKey) ?? []), [leaveHome, back, trip.ref]]);
    for (const c of v.compartments) {
      const cls = c.temperatureClass;
      if (weight[cls] > c.maxWeightKg * 1000) out.push({ code: 'capacity_exceeded', trip: trip.ref, message: `${trip.ref}: ${cls} load ${weight[cls]} g exceeds ${c.maxWeightKg} kg`, expected: `<= ${c.maxWeightKg * 1000}`, actual: weight[cls] });
      if (volume[cls] > c.maxVolumeL * 1000) out.push({ code: 'capacity_exceeded', trip: trip.ref, message: `${trip.ref}: ${cls} volume ${volume[cls]} cm³ exceeds ${c.maxVolumeL} L`, expected: `<= ${c.maxVolumeL * 1000}`, actual: volume[cls] });
    }
  }
  for (const [key, spans] of byVehicle) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++)
      if (spans[i][0] < spans[i - 1][1])
        out.push({ code: 'vehicle_overbooked', trip: spans[i][2], message: `${key} drives ${spans[i - 1][2]} and ${spans[i][2]} at the same time`, actual: [spans[i - 1], spans[i]] });
  }
  const unassigned = new Set(x.plan.unassigned.map((u) => u.loadId));
  for (const id of unassigned) if (seen.has(id)) out.push({ code: 'load_twice', loadId: id, message: `load ${id} is on ${seen.get(id)} and reported unassigned` });
  for (const l of x.loads) if (!seen.has(l.id) && !unassigned.has(l.id)) out.push({ code: 'load_missing', loadId: l.id, message: `load ${l.id} is on no trip and not reported unassigned` });
  return out;
}
