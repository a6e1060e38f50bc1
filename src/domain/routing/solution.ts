/**
 * The search's working representation of a solution: routes as node arrays with cached
 * forward and backward schedule data, so that most moves are checked in O(1).
 *
 * For a route of positions 0..m+1 (0 the start depot, m+1 the end depot):
 *  - `start[p]`  earliest service start at position p given the route before it (at p = 0 the
 *                departure time); `start[p] + service` is the earliest departure;
 *  - `latest[p]` latest arrival at position p from which the rest of the route is still
 *                feasible (waiting allowed); at p = 0 the latest departure;
 *  - `cumCost[p]` edge cost from position 0 to p, under the vehicle's cost profile;
 *  - `cumLoad[p*dims+d]` load of positions 1..p in dimension d;
 *  - `sufSkills[p]` union of the skills required at positions p..m+1.
 * A prefix ending at p joins a suffix starting at q in O(1): depart at `start[p] + service`,
 * travel, and compare the arrival with `latest[q]`. This is the forward/backward time-slack
 * scheme of Savelsbergh (1992) in the form Vidal et al. (2013) use for route concatenation.
 */
import { compatible, fitsCapacity, latestArrival, serviceStart, type Instance, type VehicleInst } from './instance.ts';

// A monotone counter: only comparisons between versions matter, so sharing it is harmless.
let routeVersions = 0;

export class Route {
  nodes: number[];
  start: number[] = [];
  latest: number[] = [];
  cumCost: number[] = [];
  cumLoad: Float64Array;
  sufSkills: number[] = [];
  cost = 0;
  feasible = true;
  /** Bumped on every change; local search skips pairs whose routes have not changed. */
  version = 0;

  readonly veh: VehicleInst;

  constructor(
    readonly inst: Instance,
    readonly vehicle: number,
    stops: number[] = [],
  ) {
    const v = inst.vehicles[vehicle];
    this.veh = v;
    this.nodes = [v.startNode, ...stops, v.endNode];
    this.cumLoad = new Float64Array(0);
    this.update();
  }

  /** Number of stops (depots excluded). */
  get size(): number {
    return this.nodes.length - 2;
  }

  /** Total load in dimension d. */
  load(d: number): number {
    return this.cumLoad[(this.nodes.length - 1) * this.inst.dims + d];
  }

  /** Recomputes every cache after the node array changed; O(route length). */
  update(): void {
    this.version = ++routeVersions;
    const inst = this.inst;
    const { dur, service, dims, demand } = inst;
    const nodes = this.nodes;
    const len = nodes.length;
    const n = inst.n;
    const v = this.veh;
    const cost = inst.cost[v.profile];
    const start = this.start;
    const latest = this.latest;
    const cumCost = this.cumCost;
    start.length = len;
    latest.length = len;
    cumCost.length = len;
    this.sufSkills.length = len;
    if (this.cumLoad.length < len * dims) this.cumLoad = new Float64Array(len * dims * 2);
    const cumLoad = this.cumLoad;
    start[0] = v.earliest;
    cumCost[0] = 0;
    for (let d = 0; d < dims; d++) cumLoad[d] = 0;
    let feasible = true;
    for (let p = 1; p < len; p++) {
      const a = nodes[p - 1];
      const b = nodes[p];
      const arrival = start[p - 1] + service[a] + dur[a * n + b];
      start[p] = p === len - 1 ? arrival : serviceStart(inst, b, arrival);
      cumCost[p] = cumCost[p - 1] + cost[a * n + b];
      for (let d = 0; d < dims; d++) cumLoad[p * dims + d] = cumLoad[(p - 1) * dims + d] + demand[b * dims + d];
    }
    latest[len - 1] = v.latest;
    if (start[len - 1] > v.latest) feasible = false;
    let skills = 0;
    this.sufSkills[len - 1] = 0;
    for (let p = len - 2; p >= 0; p--) {
      const a = nodes[p];
      const b = nodes[p + 1];
      const latestEnd = latest[p + 1] - dur[a * n + b];
      latest[p] = p === 0 ? latestEnd : latestArrival(inst, a, latestEnd);
      skills |= inst.skills[a];
      this.sufSkills[p] = skills;
      if (start[p] === Infinity) feasible = false;
    }
    if (start[0] > latest[0]) feasible = false;
    for (let d = 0; d < dims; d++) if (cumLoad[(len - 1) * dims + d] > v.capacity[d] + 1e-9) feasible = false;
    if ((skills & ~v.skills) !== 0) feasible = false;
    this.feasible = feasible;
    this.cost = len > 2 ? cumCost[len - 1] + v.fixedCost : 0;
  }

  clone(): Route {
    const r = Object.create(Route.prototype) as Route;
    Object.assign(r, this);
    r.nodes = this.nodes.slice();
    r.start = this.start.slice();
    r.latest = this.latest.slice();
    r.cumCost = this.cumCost.slice();
    r.cumLoad = this.cumLoad.slice();
    r.sufSkills = this.sufSkills.slice();
    return r;
  }
}

export class Solution {
  routes: Route[] = [];
  /** Route index of each node (-1 for depots and unassigned stops) and its position there. */
  routeOf: Int32Array;
  posOf: Int32Array;
  usedVehicle: Uint8Array;
  unassigned: number[] = [];

  constructor(readonly inst: Instance) {
    this.routeOf = new Int32Array(inst.n).fill(-1);
    this.posOf = new Int32Array(inst.n);
    this.usedVehicle = new Uint8Array(inst.vehicles.length);
  }

  /**
   * Whether `routes[i]` belongs to this solution alone. A copy made by `cloneShared` shares
   * its routes with the original until `mutable(i)` copies one: ruin and recreate touch only a
   * few routes, so copying all of them every iteration would be most of the work.
   */
  private owned: boolean[] = [];

  /** A deep copy. */
  clone(): Solution {
    const s = this.cloneShared();
    for (let i = 0; i < s.routes.length; i++) s.mutable(i);
    return s;
  }

  /** A copy whose routes are shared (copy-on-write): call `mutable(i)` before changing route i. */
  cloneShared(): Solution {
    const s = new Solution(this.inst);
    s.routes = this.routes.slice();
    s.owned = new Array<boolean>(this.routes.length).fill(false);
    s.routeOf.set(this.routeOf);
    s.posOf.set(this.posOf);
    s.usedVehicle.set(this.usedVehicle);
    s.unassigned = this.unassigned.slice();
    return s;
  }

  /** Makes this solution a copy-on-write copy of `from`, reusing this one's arrays (no allocation). */
  assignShared(from: Solution): void {
    this.routes.length = 0;
    for (const r of from.routes) this.routes.push(r);
    this.owned.length = from.routes.length;
    this.owned.fill(false);
    this.routeOf.set(from.routeOf);
    this.posOf.set(from.posOf);
    this.usedVehicle.set(from.usedVehicle);
    this.unassigned.length = 0;
    for (const u of from.unassigned) this.unassigned.push(u);
  }

  /** Route i, copied first if it is still shared with another solution. */
  mutable(i: number): Route {
    if (!this.owned[i]) {
      this.routes[i] = this.routes[i].clone();
      this.owned[i] = true;
    }
    return this.routes[i];
  }

  get cost(): number {
    let c = 0;
    for (const r of this.routes) c += r.cost;
    return c;
  }

  get vehicles(): number {
    return this.routes.length;
  }

  /** Re-indexes one route's nodes after it changed, and refreshes its caches. */
  refresh(ri: number): void {
    const r = this.mutable(ri);
    r.update();
    const nodes = r.nodes;
    for (let p = 1; p < nodes.length - 1; p++) {
      this.routeOf[nodes[p]] = ri;
      this.posOf[nodes[p]] = p;
    }
  }

  /** Removes empty routes, freeing their vehicles, and re-indexes. */
  compact(): void {
    let changed = false;
    for (let i = this.routes.length - 1; i >= 0; i--) {
      if (this.routes[i].size === 0) {
        this.usedVehicle[this.routes[i].vehicle] = 0;
        this.routes.splice(i, 1);
        this.owned.splice(i, 1);
        changed = true;
      }
    }
    if (changed) for (let i = 0; i < this.routes.length; i++) this.reindex(i);
  }

  reindex(ri: number): void {
    const nodes = this.routes[ri].nodes;
    for (let p = 1; p < nodes.length - 1; p++) {
      this.routeOf[nodes[p]] = ri;
      this.posOf[nodes[p]] = p;
    }
  }

  /** Opens a route on a free vehicle and returns its index. */
  openRoute(vehicle: number, stops: number[]): number {
    this.usedVehicle[vehicle] = 1;
    this.routes.push(new Route(this.inst, vehicle, stops));
    this.owned.push(true);
    const ri = this.routes.length - 1;
    this.reindex(ri);
    return ri;
  }

  removeNode(u: number): void {
    const ri = this.routeOf[u];
    const r = this.mutable(ri);
    r.nodes.splice(this.posOf[u], 1);
    this.routeOf[u] = -1;
    this.refresh(ri);
  }

  insertAfter(u: number, ri: number, p: number): void {
    this.mutable(ri).nodes.splice(p + 1, 0, u);
    this.refresh(ri);
  }
}

/**
 * Cost change of inserting `u` after position p of route r, or Infinity when that breaks a
 * time window or the shift. Capacity and skills are the caller's business (checked once per
 * route, not per position).
 */
export function insertionDelta(inst: Instance, r: Route, u: number, p: number): number {
  const n = inst.n;
  const nodes = r.nodes;
  const prev = nodes[p];
  const next = nodes[p + 1];
  const arrival = r.start[p] + inst.service[prev] + inst.dur[prev * n + u];
  const s = serviceStart(inst, u, arrival);
  if (s === Infinity) return Infinity;
  if (s + inst.service[u] + inst.dur[u * n + next] > r.latest[p + 1]) return Infinity;
  const c = inst.cost[r.veh.profile];
  return c[prev * n + u] + c[u * n + next] - c[prev * n + next];
}

/** Whether route r can take u's load and skills. */
export function routeCanTake(inst: Instance, r: Route, u: number): boolean {
  const v = r.veh;
  if ((inst.skills[u] & ~v.skills) !== 0) return false;
  const dims = inst.dims;
  const base = (r.nodes.length - 1) * dims;
  for (let d = 0; d < dims; d++) if (r.cumLoad[base + d] + inst.demand[u * dims + d] > v.capacity[d] + 1e-9) return false;
  return true;
}

/** Cost of serving u alone with vehicle v (fixed cost included), or Infinity if it cannot. */
export function singletonCost(inst: Instance, vi: number, u: number): number {
  const v = inst.vehicles[vi];
  if (!compatible(inst, v, u) || !fitsCapacity(inst, v, u)) return Infinity;
  const n = inst.n;
  const arrival = v.earliest + inst.dur[v.startNode * n + u];
  const s = serviceStart(inst, u, arrival);
  if (s === Infinity || s + inst.service[u] + inst.dur[u * n + v.endNode] > v.latest) return Infinity;
  const c = inst.cost[v.profile];
  return v.fixedCost + c[v.startNode * n + u] + c[u * n + v.endNode];
}
