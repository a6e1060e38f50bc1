/**
 * An independent auditor for routing solutions. It shares no code with the solver: it reads
 * the problem as the caller wrote it, replays every route from its start time (waiting when
 * early), and recomputes loads, distances, durations and costs. It returns every violation it
 * finds (an empty list means the solution is valid); it never throws on a bad solution.
 */
import type { RoutingProblem, RoutingSolution } from './model.ts';

export type ViolationCode =
  | 'unknown_vehicle_type'
  | 'fleet_exceeded'
  | 'duplicate_vehicle'
  | 'wrong_depot'
  | 'unknown_stop'
  | 'stop_served_twice'
  | 'stop_missing'
  | 'assigned_and_unassigned'
  | 'empty_route'
  | 'capacity_exceeded'
  | 'incompatible'
  | 'shift_violated'
  | 'time_window_violated'
  | 'schedule_mismatch'
  | 'total_mismatch';

export interface Violation {
  code: ViolationCode;
  message: string;
  routeIndex?: number;
  stopId?: string;
  expected?: unknown;
  actual?: unknown;
}

const TOL = 1e-6;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a), Math.abs(b));

export function validateSolution(problem: RoutingProblem, solution: RoutingSolution): Violation[] {
  const out: Violation[] = [];
  const add = (v: Violation): void => {
    out.push(v);
  };
  const travel = problem.travel;
  const distance = (a: number, b: number): number =>
    travel.kind === 'arrays' ? travel.distance[a][b] : travel.distance(a, b);
  const duration = (a: number, b: number): number =>
    travel.kind === 'arrays' ? travel.duration[a][b] : travel.duration(a, b);
  const depots = new Map(problem.depots.map((d) => [d.id, d]));
  const types = new Map(problem.vehicleTypes.map((t) => [t.id, t]));
  const stops = new Map(problem.stops.map((s) => [s.id, s]));
  const served = new Map<string, number>();
  const usedPerType = new Map<string, number>();
  const vehicleIds = new Set<string>();
  let totalDistance = 0;
  let totalTravel = 0;
  let totalCost = 0;

  solution.routes.forEach((route, ri) => {
    const type = types.get(route.vehicleTypeId);
    if (!type) {
      add({ code: 'unknown_vehicle_type', routeIndex: ri, message: `route ${ri}: unknown vehicle type "${route.vehicleTypeId}"`, actual: route.vehicleTypeId });
      return;
    }
    if (vehicleIds.has(route.vehicleId))
      add({ code: 'duplicate_vehicle', routeIndex: ri, message: `route ${ri}: vehicle "${route.vehicleId}" drives two routes`, actual: route.vehicleId });
    vehicleIds.add(route.vehicleId);
    usedPerType.set(type.id, (usedPerType.get(type.id) ?? 0) + 1);
    const startDepot = depots.get(type.depotId)!;
    const endDepot = depots.get(type.endDepotId ?? type.depotId)!;
    if (route.startDepotId !== startDepot.id || route.endDepotId !== endDepot.id)
      add({
        code: 'wrong_depot', routeIndex: ri, message: `route ${ri}: depots must be the vehicle type's`,
        expected: [startDepot.id, endDepot.id], actual: [route.startDepotId, route.endDepotId],
      });
    if (route.stops.length === 0) add({ code: 'empty_route', routeIndex: ri, message: `route ${ri}: a used vehicle with no stops` });
    const shiftStart = Math.max(type.shift?.[0] ?? -Infinity, startDepot.window?.[0] ?? -Infinity);
    const shiftEnd = Math.min(type.shift?.[1] ?? Infinity, endDepot.window?.[1] ?? Infinity);
    if (route.startTime < shiftStart - TOL)
      add({ code: 'shift_violated', routeIndex: ri, message: `route ${ri}: leaves at ${route.startTime}, before the shift starts at ${shiftStart}`, expected: `>= ${shiftStart}`, actual: route.startTime });
    const dims = type.capacity.length;
    const load = new Array<number>(dims).fill(0);
    const skills = new Set(type.skills ?? []);
    let t = route.startTime;
    let at = startDepot.location;
    let dist = 0;
    let trav = 0;
    for (const visit of route.stops) {
      const stop = stops.get(visit.stopId);
      if (!stop) {
        add({ code: 'unknown_stop', routeIndex: ri, stopId: visit.stopId, message: `route ${ri}: unknown stop "${visit.stopId}"` });
        continue;
      }
      served.set(stop.id, (served.get(stop.id) ?? 0) + 1);
      for (let d = 0; d < dims; d++) load[d] += stop.demand[d] ?? 0;
      for (const skill of stop.requiredSkills ?? [])
        if (!skills.has(skill))
          add({ code: 'incompatible', routeIndex: ri, stopId: stop.id, message: `route ${ri}: stop "${stop.id}" needs skill "${skill}" that ${type.id} lacks`, expected: skill, actual: [...skills] });
      const arrival = t + duration(at, stop.location);
      dist += distance(at, stop.location);
      trav += duration(at, stop.location);
      const windows = stop.windows && stop.windows.length > 0 ? stop.windows : [[-Infinity, Infinity] as [number, number]];
      const window = windows.find((w) => arrival <= w[1] + TOL);
      if (!window) {
        add({
          code: 'time_window_violated', routeIndex: ri, stopId: stop.id,
          message: `route ${ri}: arrives at stop "${stop.id}" at ${arrival}, after its last window closes at ${windows[windows.length - 1][1]}`,
          expected: `<= ${windows[windows.length - 1][1]}`, actual: arrival,
        });
      }
      const start = window ? Math.max(arrival, window[0]) : arrival;
      const departure = start + (stop.serviceDuration ?? 0);
      if (!close(visit.arrival, arrival) || !close(visit.start, start) || !close(visit.departure, departure))
        add({
          code: 'schedule_mismatch', routeIndex: ri, stopId: stop.id, message: `route ${ri}: reported schedule at stop "${stop.id}" differs from the replay`,
          expected: { arrival, start, departure }, actual: { arrival: visit.arrival, start: visit.start, departure: visit.departure },
        });
      t = departure;
      at = stop.location;
    }
    const end = t + duration(at, endDepot.location);
    dist += distance(at, endDepot.location);
    trav += duration(at, endDepot.location);
    if (end > shiftEnd + TOL)
      add({ code: 'shift_violated', routeIndex: ri, message: `route ${ri}: returns at ${end}, after the shift ends at ${shiftEnd}`, expected: `<= ${shiftEnd}`, actual: end });
    for (let d = 0; d < dims; d++)
      if (load[d] > type.capacity[d] + TOL)
        add({
          code: 'capacity_exceeded', routeIndex: ri,
          message: `route ${ri}: load ${load[d]} exceeds capacity ${type.capacity[d]} in dimension ${problem.dimensions?.[d] ?? d}`,
          expected: `<= ${type.capacity[d]}`, actual: load[d],
        });
    const cost =
      (route.stops.length > 0 ? type.fixedCost ?? 0 : 0) + (type.costPerDistance ?? 1) * dist + (type.costPerDuration ?? 0) * trav;
    const checks: [string, number, number][] = [
      ['endTime', end, route.endTime],
      ['distance', dist, route.distance],
      ['travelDuration', trav, route.travelDuration],
      ['cost', cost, route.cost],
      ...load.map((l, d): [string, number, number] => [`load.${d}`, l, route.load[d]]),
    ];
    for (const [field, expected, actual] of checks)
      if (!close(expected, actual))
        add({ code: 'total_mismatch', routeIndex: ri, message: `route ${ri}: ${field} is ${actual}, recomputed ${expected}`, expected, actual });
    totalDistance += dist;
    totalTravel += trav;
    totalCost += cost;
  });

  for (const [typeId, used] of usedPerType) {
    const type = types.get(typeId)!;
    if (used > type.count)
      add({ code: 'fleet_exceeded', message: `vehicle type "${typeId}" drives ${used} routes but has ${type.count} vehicles`, expected: `<= ${type.count}`, actual: used });
  }
  for (const [id, count] of served)
    if (count > 1) add({ code: 'stop_served_twice', stopId: id, message: `stop "${id}" is served ${count} times`, expected: 1, actual: count });
  const unassigned = new Set(solution.unassigned.map((u) => u.stopId));
  for (const id of unassigned) {
    if (!stops.has(id)) add({ code: 'unknown_stop', stopId: id, message: `unassigned stop "${id}" is not in the problem` });
    if (served.has(id)) add({ code: 'assigned_and_unassigned', stopId: id, message: `stop "${id}" is both served and reported unassigned` });
  }
  for (const id of stops.keys())
    if (!served.has(id) && !unassigned.has(id)) add({ code: 'stop_missing', stopId: id, message: `stop "${id}" is neither served nor reported unassigned` });
  const totals = solution.totals;
  const totalChecks: [string, number, number][] = [
    ['vehicles', solution.routes.length, totals.vehicles],
    ['distance', totalDistance, totals.distance],
    ['travelDuration', totalTravel, totals.travelDuration],
    ['cost', totalCost, totals.cost],
    ['unassigned', solution.unassigned.length, totals.unassigned],
  ];
  for (const [field, expected, actual] of totalChecks)
    if (!close(expected, actual)) add({ code: 'total_mismatch', message: `totals.${field} is ${actual}, recomputed ${expected}`, expected, actual });
  return out;
}
