/**
 * Trip planning: turns loads and a fleet into trips through the routing solver.
 *
 * The routing model serves stops from one depot per vehicle type, each vehicle once. Loads here
 * come from several origins (the processing centre, the DC, a store giving stock) and vehicles
 * may run more than one trip a day, so the planner decomposes:
 *  - loads are grouped by origin; origins are solved one after the other, heaviest first, each with
 *    the vehicles still free. A vehicle based elsewhere drives empty to the origin first (its shift
 *    start moves by that drive and the loading time; the drive's cost is its fixed cost, so
 *    vehicles based at the origin are preferred) and ends its trip at home;
 *  - after a round over every origin, each used vehicle is free again when it is back home plus a
 *    turnaround, and a further round plans what is left (up to `maxRounds`; a wave has one round,
 *    since everything on a wave leaves at the wave's time).
 * Each routing problem has six capacity dimensions, weight and volume per temperature class, and a
 * skill per class: a vehicle carries a class only in a compartment of that class. The objective is
 * fewest vehicles, then cost. The solver drives at the slowest speed of the problem's vehicles;
 * each trip is then re-timed at its own vehicle's speed, which keeps it feasible (arriving earlier
 * never makes a window or the shift end harder to meet).
 *
 * A load no vehicle could ever carry (incompatible, too big, window out of reach even for a fresh
 * vehicle) is reported with that reason before solving; a load the solver leaves out is
 * `fleet_exhausted`. Nothing is dropped silently: every load is on a trip or in `unassigned`.
 * Pure: the solver is passed in (in the server it runs in a worker thread).
 */
import type { RouteResult, RoutingProblem, RoutingSolution, RoutingObjective, Stop, VehicleType } from '../routing/index.ts';
import { invariant, type Result } from '../shared/index.ts';
import { addCoolant, coolantFor, noCoolant, type CoolantRule } from './coolant.ts';
import { compartmentOf } from './fleet.ts';
import { addSize, classesOf, emptySize, sizeLoad, totalWeightG, totalVolumeCm3, type SizedLoad, type TripItem } from './loads.ts';
import type { FleetVehicleType, Load, ManifestLine, Place, TemperatureClass, Trip, TripPlanResult, TripStop, UnassignedLoad, UnassignedReasonCode } from './model.ts';
import { clipWindows, formatClock, openingWindows, parseClock } from './time.ts';
import { driveS, roadDistanceM } from './travel.ts';

export interface PlanNode extends Place {
  openingHours: string;
}

export interface PlanParams {
  /** Loading at the origin before a trip leaves. */
  loadingS: number;
  /** Unloading at a stop: a fixed part plus a part per tonne. */
  stopFixedS: number;
  stopSPerTonne: number;
  /** Back home to ready for the next trip (cleaning, re-icing). */
  turnaroundS: number;
  detourFactor: number;
  outsideTempC: number;
  maxRounds: number;
  /** Every trip leaves at the start of the plan's window (a wave). */
  fixedDeparture: boolean;
}

export const DEFAULT_PLAN_PARAMS: PlanParams = {
  loadingS: 1800,
  stopFixedS: 600,
  stopSPerTonne: 900,
  turnaroundS: 1800,
  detourFactor: 1.3,
  outsideTempC: 30,
  maxRounds: 3,
  fixedDeparture: false,
};

export interface SolveRequest {
  seed: number;
  maxIterations?: number;
  timeLimitMs?: number;
  objective: RoutingObjective;
}

/** The routing solver, passed in: `solveRouting` in tests, `solveInWorker` in the server. */
export type SolveFn = (problem: RoutingProblem, options: SolveRequest) => Promise<Result<RoutingSolution>>;

export interface PlanInput {
  day: string;
  /** The plan's time frame, seconds from midnight: trips leave at or after [0] and are back by [1]. */
  window: [number, number];
  /** The vehicle types that may take part, `count` = vehicles available that day. */
  fleet: FleetVehicleType[];
  nodes: ReadonlyMap<string, PlanNode>;
  items: ReadonlyMap<string, TripItem>;
  loads: Load[];
  /** Earliest time each vehicle (`type#k`) is free, from trips already confirmed that day. */
  busyUntil?: ReadonlyMap<string, number>;
  params?: Partial<PlanParams>;
  coolant: CoolantRule;
  seed?: number;
  /** Per solve; with no time limit a run is reproducible from its seed. Default 2,000. */
  maxIterations?: number;
  /** Wall-time budget for the whole plan, shared among the solves. */
  timeLimitMs?: number;
}

/** Capacity dimensions of every trips routing problem. */
export const DIMENSIONS = ['ambient_g', 'ambient_cm3', 'chilled_g', 'chilled_cm3', 'frozen_g', 'frozen_cm3'];
const CLASSES: TemperatureClass[] = ['ambient', 'chilled', 'frozen'];

interface Slot {
  key: string;
  type: FleetVehicleType;
  readyS: number;
}

const fmtKg = (g: number) => `${Math.round(g / 1000).toLocaleString('en-US')} kg`;
const fmtL = (cm3: number) => `${Math.round(cm3 / 1000).toLocaleString('en-US')} L`;

export function vehicleCapacity(v: FleetVehicleType): number[] {
  return CLASSES.flatMap((c) => {
    const k = compartmentOf(v, c);
    return k ? [k.maxWeightKg * 1000, k.maxVolumeL * 1000] : [0, 0];
  });
}

function demandOf(s: SizedLoad): number[] {
  return CLASSES.flatMap((c) => [s.size.weightG[c], s.size.volumeCm3[c]]);
}

export function serviceS(p: PlanParams, weightG: number): number {
  return p.stopFixedS + Math.ceil((weightG / 1e6) * p.stopSPerTonne);
}

/** Service start for an arrival: inside a window, or waiting for the next; Infinity when all are closed. */
export function startIn(windows: [number, number][], arrival: number): number {
  for (const [a, b] of windows) if (arrival <= b) return Math.max(a, arrival);
  return Infinity;
}

/** Plans trips for the loads; see the module comment. */
export async function planTrips(input: PlanInput, solve: SolveFn): Promise<TripPlanResult> {
  const p: PlanParams = { ...DEFAULT_PLAN_PARAMS, ...(input.params ?? {}) };
  const seed = input.seed ?? 1;
  const warnings: string[] = [];
  const unassigned: UnassignedLoad[] = [];
  const nodes = input.nodes;
  const place = (id: string): PlanNode => {
    const n = nodes.get(id);
    invariant(n, `node ${id} is missing from the plan input`);
    return n;
  };
  const shiftOf = (v: FleetVehicleType): [number, number] => {
    const a = parseClock(v.shiftStart, 'shiftStart');
    const b = parseClock(v.shiftEnd, 'shiftEnd');
    return [a.ok ? a.value : 0, b.ok ? b.value : 86400];
  };
  const dist = (a: Place, b: Place) => roadDistanceM(a, b, p.detourFactor);

  // 1. Size every load and set aside those no vehicle could carry.
  const unsizedItems = new Set<string>();
  const pending: SizedLoad[] = [];
  const windowsOf = new Map<string, [number, number][]>();
  for (const load of input.loads) {
    const s = sizeLoad(load, input.items);
    for (const i of s.unsized) unsizedItems.add(i);
    const reject = (reason: UnassignedReasonCode, message: string) => unassigned.push({ loadId: load.id, kind: load.kind, reason, message });
    if (s.invalid) { reject('invalid_load', s.invalid); continue; }
    if (!nodes.has(load.originNodeId)) { reject('invalid_load', `${load.kind} ${load.id}: origin node ${load.originNodeId} is unknown`); continue; }
    let windows: [number, number][];
    if (load.windows) windows = load.windows;
    else {
      const dest = nodes.get(load.destination.id);
      const w = openingWindows(dest?.openingHours);
      windows = w.ok ? w.value : [[0, 86400]];
    }
    windows = clipWindows(windows, input.window[0], input.window[1]);
    if (windows.length === 0) {
      reject('time_window_unreachable', `${load.destination.name} receives at no time within the plan's hours ${formatClock(input.window[0])}-${formatClock(input.window[1])}`);
      continue;
    }
    windowsOf.set(load.id, windows);
    const why = staticReason(s, windows);
    if (why) { reject(why.reason, why.message); continue; }
    pending.push(s);
  }
  if (unsizedItems.size > 0)
    warnings.push(`${unsizedItems.size} item(s) have no weight or volume on file and count as zero: ${[...unsizedItems].sort().slice(0, 10).join(', ')}${unsizedItems.size > 10 ? ', …' : ''}`);

  /** The reason no vehicle of the fleet could carry this load even alone and fresh, or null. */
  function staticReason(s: SizedLoad, windows: [number, number][]): { reason: UnassignedReasonCode; message: string } | null {
    const classes = classesOf(s.size);
    const compatible = input.fleet.filter((v) => v.count > 0 && classes.every((c) => compartmentOf(v, c)));
    const what = s.load.kind === 'order' ? `order ${s.load.id}` : `${s.load.kind.replace('_', ' ')} ${s.load.id}`;
    if (compatible.length === 0) {
      const missing = classes.filter((c) => !input.fleet.some((v) => v.count > 0 && compartmentOf(v, c)));
      return {
        reason: 'incompatible',
        message: missing.length > 0
          ? `${what} has ${missing.join(' and ')} goods and no available vehicle has a ${missing.join(' or ')} compartment`
          : `${what} has ${classes.join(' + ')} goods and no available vehicle has all of those compartments (split the transfer by temperature class)`,
      };
    }
    const demand = demandOf(s);
    const fits = compatible.filter((v) => vehicleCapacity(v).every((cap, d) => demand[d] <= cap));
    if (fits.length === 0) {
      const big = compatible.map((v) => ({ v, cap: vehicleCapacity(v) })).sort((a, b) => b.cap.reduce((x, y) => x + y, 0) - a.cap.reduce((x, y) => x + y, 0))[0];
      const parts = classes.map((c) => {
        const k = compartmentOf(big.v, c)!;
        return `${c} ${fmtKg(s.size.weightG[c])} / ${fmtL(s.size.volumeCm3[c])} (room ${fmtKg(k.maxWeightKg * 1000)} / ${fmtL(k.maxVolumeL * 1000)})`;
      });
      return { reason: 'demand_exceeds_capacity', message: `${what} is bigger than any vehicle: ${parts.join(', ')} on the largest, ${big.v.name}` };
    }
    const origin = place(s.load.originNodeId);
    const svc = serviceS(p, totalWeightG(s.size));
    for (const v of fits) {
      const home = place(v.homeNodeId);
      const [s0, s1] = shiftOf(v);
      const dead = driveS(dist(home, origin), v.speedKmh);
      const depart = p.fixedDeparture ? input.window[0] : Math.max(input.window[0], s0 + dead + p.loadingS);
      if (p.fixedDeparture && s0 + dead + p.loadingS > depart) continue;
      const start = startIn(windows, depart + driveS(dist(origin, s.load.destination), v.speedKmh));
      if (start + svc + driveS(dist(s.load.destination, home), v.speedKmh) <= Math.min(s1, input.window[1])) return null;
    }
    const w = windows.map(([a, b]) => `${formatClock(a)}-${formatClock(b)}`).join(', ');
    return {
      reason: 'time_window_unreachable',
      message: `no vehicle can reach ${s.load.destination.name} from ${origin.name} within its receiving window ${w} and be back by the end of its shift`,
    };
  }

  // 2. Vehicle slots.
  const slots: Slot[] = [];
  for (const v of input.fleet) {
    const [s0] = shiftOf(v);
    for (let k = 1; k <= v.count; k++) {
      const key = `${v.id}#${k}`;
      slots.push({ key, type: v, readyS: Math.max(s0, input.busyUntil?.get(key) ?? -Infinity) });
    }
  }

  // 3. Rounds over origins.
  const trips: Trip[] = [];
  let solves = 0;
  let iterations = 0;
  let elapsedMs = 0;
  const left = new Map(pending.map((s) => [s.load.id, s]));
  for (let round = 0; round < p.maxRounds && left.size > 0; round++) {
    const byOrigin = new Map<string, SizedLoad[]>();
    for (const s of left.values()) byOrigin.set(s.load.originNodeId, [...(byOrigin.get(s.load.originNodeId) ?? []), s]);
    const origins = [...byOrigin.entries()]
      .map(([o, ls]) => ({ o, ls, w: ls.reduce((a, s) => a + totalWeightG(s.size) + totalVolumeCm3(s.size) / 5, 0) }))
      .sort((a, b) => b.w - a.w || (a.o < b.o ? -1 : 1));
    let progress = false;
    for (let oi = 0; oi < origins.length; oi++) {
      const { o, ls } = origins[oi];
      const built = buildProblem(o, ls, slots);
      if (!built) continue;
      const budget = input.timeLimitMs !== undefined ? Math.max(50, Math.floor(input.timeLimitMs / (p.maxRounds * origins.length))) : undefined;
      const r = await solve(built.problem, {
        seed: seed + round * 1000 + oi,
        objective: 'vehicles',
        ...(budget !== undefined ? { timeLimitMs: budget } : { maxIterations: input.maxIterations ?? 2000 }),
      });
      if (!r.ok) throw new Error(`routing solve failed: ${r.error.message}`);
      solves++;
      iterations += r.value.stats.iterations;
      elapsedMs += r.value.stats.elapsedMs;
      for (const route of r.value.routes) {
        const slot = built.slotOf(route);
        const trip = toTrip(route, slot, o, built.loads);
        trips.push(trip);
        slot.readyS = trip.returnS + p.turnaroundS;
        for (const st of trip.stops) left.delete(st.loadId);
        progress = true;
      }
    }
    if (!progress || p.fixedDeparture) break;
  }
  for (const s of [...left.values()].sort((a, b) => (a.load.id < b.load.id ? -1 : 1)))
    unassigned.push({
      loadId: s.load.id, kind: s.load.kind, reason: 'fleet_exhausted',
      message: `every vehicle able to carry ${s.load.kind.replace('_', ' ')} ${s.load.id} is busy ${p.fixedDeparture ? 'on this wave' : 'for the rest of its shift'}; add vehicles${p.fixedDeparture ? ' or use another wave' : ''}`,
    });

  function buildProblem(originId: string, ls: SizedLoad[], all: Slot[]) {
    const origin = place(originId);
    const locations: Place[] = [origin];
    const locIndex = new Map<string, number>([[`node:${originId}`, 0]]);
    const loc = (key: string, pl: Place): number => {
      let i = locIndex.get(key);
      if (i === undefined) {
        i = locations.length;
        locations.push(pl);
        locIndex.set(key, i);
      }
      return i;
    };
    const depots = [{ id: `origin:${originId}`, location: 0 }];
    const groups = new Map<string, { slots: Slot[]; vt: VehicleType; deadS: number; deadM: number }>();
    for (const slot of all) {
      const v = slot.type;
      const home = place(v.homeNodeId);
      const [, s1] = shiftOf(v);
      const deadM = v.homeNodeId === originId ? 0 : dist(home, origin);
      const deadS = driveS(deadM, v.speedKmh);
      let start = Math.max(input.window[0], slot.readyS + deadS + p.loadingS);
      if (p.fixedDeparture) {
        if (start > input.window[0]) continue;
        start = input.window[0];
      }
      const end = Math.min(s1, input.window[1]);
      if (start >= end) continue;
      const gid = `${v.id}@${start}`;
      let g = groups.get(gid);
      if (!g) {
        const homeLoc = loc(`node:${v.homeNodeId}`, home);
        if (v.homeNodeId !== originId && !depots.some((d) => d.id === `home:${v.homeNodeId}`)) depots.push({ id: `home:${v.homeNodeId}`, location: homeLoc });
        g = {
          slots: [], deadS, deadM,
          vt: {
            id: gid, count: 0, capacity: vehicleCapacity(v), depotId: `origin:${originId}`,
            ...(v.homeNodeId !== originId ? { endDepotId: `home:${v.homeNodeId}` } : {}),
            shift: [start, end],
            fixedCost: (deadM / 1000) * v.costPerKmFen + (deadS / 3600) * v.costPerHourFen,
            costPerDistance: v.costPerKmFen / 1000,
            costPerDuration: v.costPerHourFen / 3600,
            skills: v.compartments.map((c) => c.temperatureClass),
          },
        };
        groups.set(gid, g);
      }
      g.slots.push(slot);
      g.vt.count++;
    }
    if (groups.size === 0) return null;
    const stops: Stop[] = ls.map((s) => ({
      id: s.load.id,
      location: loc(s.load.kind === 'order' ? `place:${s.load.destination.id}:${s.load.destination.lat},${s.load.destination.lng}` : `node:${s.load.destination.id}`, s.load.destination),
      demand: demandOf(s),
      windows: windowsOf.get(s.load.id)!,
      serviceDuration: serviceS(p, totalWeightG(s.size)),
      requiredSkills: classesOf(s.size),
    }));
    const speed = Math.min(...[...groups.values()].map((g) => g.slots[0].type.speedKmh));
    const n = locations.length;
    const distance: number[][] = [];
    const duration: number[][] = [];
    for (let i = 0; i < n; i++) {
      const dr: number[] = [];
      const tr: number[] = [];
      for (let j = 0; j < n; j++) {
        const d = i === j ? 0 : dist(locations[i], locations[j]);
        dr.push(d);
        tr.push(driveS(d, speed));
      }
      distance.push(dr);
      duration.push(tr);
    }
    const problem: RoutingProblem = { dimensions: DIMENSIONS, depots, vehicleTypes: [...groups.values()].map((g) => g.vt), stops, travel: { kind: 'arrays', distance, duration } };
    const loads = new Map(ls.map((s) => [s.load.id, s]));
    return {
      problem,
      loads,
      slotOf(route: RouteResult): Slot & { deadS: number; deadM: number } {
        const g = groups.get(route.vehicleTypeId)!;
        const hash = route.vehicleId.lastIndexOf('#');
        const k = g.vt.count === 1 || hash < 0 ? 0 : Number(route.vehicleId.slice(hash + 1)) - 1;
        return Object.assign(g.slots[k], { deadS: g.deadS, deadM: g.deadM });
      },
    };
  }

  function toTrip(route: RouteResult, slot: Slot & { deadS: number; deadM: number }, originId: string, loads: Map<string, SizedLoad>): Trip {
    const v = slot.type;
    const origin = place(originId);
    const home = place(v.homeNodeId);
    // Leave as late as the first stop allows instead of waiting at its door: the rest of the
    // schedule is unchanged and the goods spend less time on board (less coolant).
    let departS = route.startTime;
    if (!p.fixedDeparture && route.stops.length > 0) {
      const first = loads.get(route.stops[0].stopId)!;
      const arrival = departS + driveS(dist(origin, first.load.destination), v.speedKmh);
      departS += startIn(windowsOf.get(first.load.id)!, arrival) - arrival;
    }
    let t = departS;
    let at: Place = origin;
    let distanceM = 0;
    let travelS = 0;
    const size = emptySize();
    let coolant = noCoolant();
    const stops: TripStop[] = route.stops.map((rs, i) => {
      const s = loads.get(rs.stopId)!;
      const windows = windowsOf.get(s.load.id)!;
      const d = dist(at, s.load.destination);
      const arrivalS = t + driveS(d, v.speedKmh);
      distanceM += d;
      travelS += driveS(d, v.speedKmh);
      const startS = startIn(windows, arrivalS);
      const departureS = startS + serviceS(p, totalWeightG(s.size));
      t = departureS;
      at = s.load.destination;
      addSize(size, s.size);
      const c = coolantFor(input.coolant, {
        size: s.size, onBoardS: startS - departS, outsideTempC: p.outsideTempC,
        chilledRefrigerated: compartmentOf(v, 'chilled')?.refrigerated ?? false,
        frozenRefrigerated: compartmentOf(v, 'frozen')?.refrigerated ?? false,
      });
      coolant = addCoolant(coolant, c);
      const manifest: ManifestLine[] = s.load.lines.map((l) => {
        const it = input.items.get(l.itemId)!;
        return { itemId: l.itemId, name: it.name, unit: it.unit, temperatureClass: it.temperatureClass, quantity: l.quantity };
      });
      return {
        seq: i + 1, loadId: s.load.id, loadKind: s.load.kind, place: { ...s.load.destination }, arrivalS, startS, departureS, windows,
        weightG: totalWeightG(s.size), volumeCm3: totalVolumeCm3(s.size), manifest, coolant: c,
      };
    });
    const back = dist(at, home);
    distanceM += back;
    travelS += driveS(back, v.speedKmh);
    const returnS = t + driveS(back, v.speedKmh);
    const costFen = Math.round(((distanceM + slot.deadM) / 1000) * v.costPerKmFen + ((travelS + slot.deadS) / 3600) * v.costPerHourFen);
    return {
      ref: '', vehicleTypeId: v.id, vehicleKey: slot.key, originNodeId: originId, endNodeId: v.homeNodeId,
      departS, returnS, leaveHomeS: departS - p.loadingS - slot.deadS, distanceM, deadheadM: slot.deadM, travelS, costFen, load: size, stops, coolant,
    };
  }

  trips.sort((a, b) => a.departS - b.departS || (a.vehicleKey < b.vehicleKey ? -1 : a.vehicleKey > b.vehicleKey ? 1 : 0));
  trips.forEach((t, i) => (t.ref = `T${String(i + 1).padStart(2, '0')}`));
  unassigned.sort((a, b) => (a.loadId < b.loadId ? -1 : a.loadId > b.loadId ? 1 : 0));
  const assigned = trips.reduce((a, t) => a + t.stops.length, 0);
  return {
    trips,
    unassigned,
    warnings,
    totals: {
      trips: trips.length,
      vehicles: new Set(trips.map((t) => t.vehicleKey)).size,
      loads: input.loads.length,
      assigned,
      unassigned: unassigned.length,
      distanceM: trips.reduce((a, t) => a + t.distanceM + t.deadheadM, 0),
      costFen: trips.reduce((a, t) => a + t.costFen, 0),
      dryIceBags: trips.reduce((a, t) => a + t.coolant.dryIceBags, 0),
      icePacks: trips.reduce((a, t) => a + t.coolant.icePacks, 0),
    },
    stats: { solves, iterations, elapsedMs, seed },
  };
}
