/**
 * The local-search operator interface and the helpers the operators share.
 *
 * An operator looks at a pair (u, v) of stops, v being one of u's nearest neighbours, and
 * considers moves that make u and v adjacent. `evaluate` returns the cost change of its best
 * feasible variant (Infinity when none is feasible) and remembers that variant; `apply` then
 * performs it. `supports` says whether the operator makes sense for an instance. Evaluation
 * never allocates on the hot path and is O(1) for inter-route moves of short segments, using
 * the forward/backward schedule data kept by `Route`.
 */
import { serviceStart, type Instance } from '../instance.ts';
import type { Route, Solution } from '../solution.ts';

export interface LsContext {
  inst: Instance;
  sol: Solution;
  /** Added to the cost of every non-empty route: large under the `vehicles` objective. */
  routePenalty: number;
}

export interface Operator {
  readonly name: string;
  supports(inst: Instance): boolean;
  evaluate(ctx: LsContext, u: number, v: number): number;
  apply(ctx: LsContext, u: number, v: number): void;
}

/** Current cost of a route, penalty included. */
export function currentCost(ctx: LsContext, r: Route): number {
  return r.size === 0 ? 0 : r.cumCost[r.nodes.length - 1] + r.veh.fixedCost + ctx.routePenalty;
}

/** Cost of a route of `size` stops and the given edge cost, penalty included. */
export function routeCost(ctx: LsContext, r: Route, size: number, edgeCost: number): number {
  return size === 0 ? 0 : edgeCost + r.veh.fixedCost + ctx.routePenalty;
}

/** Earliest departure from position p of r. */
export function departure(inst: Instance, r: Route, p: number): number {
  return r.start[p] + inst.service[r.nodes[p]];
}

/**
 * Edge cost, under route r's vehicle, of leaving `prev` at time `dep`, visiting seq[0..len),
 * then following route s from position q to its end and closing with r's vehicle; Infinity
 * when a window or the shift is broken. When s's tail is interchangeable with r's (same end
 * depot, return deadline and cost profile) the tail is checked in O(1) with `s.latest[q]`;
 * otherwise it is walked.
 */
export function joinCost(
  inst: Instance,
  r: Route,
  prev: number,
  dep: number,
  seq: ArrayLike<number>,
  len: number,
  s: Route,
  q: number,
): number {
  const { n, dur, service } = inst;
  const rv = r.veh;
  const cost = inst.cost[rv.profile];
  let c = 0;
  let t = dep;
  let a = prev;
  for (let i = 0; i < len; i++) {
    const b = seq[i];
    const st = serviceStart(inst, b, t + dur[a * n + b]);
    if (st === Infinity) return Infinity;
    c += cost[a * n + b];
    t = st + service[b];
    a = b;
  }
  const sv = s.veh;
  const sEnd = s.nodes.length - 1;
  if (s === r || (sv.endNode === rv.endNode && sv.latest === rv.latest && sv.profile === rv.profile)) {
    const b = s.nodes[q];
    if (t + dur[a * n + b] > s.latest[q]) return Infinity;
    return c + cost[a * n + b] + s.cumCost[sEnd] - s.cumCost[q];
  }
  for (let k = q; k < sEnd; k++) {
    const b = s.nodes[k];
    const st = serviceStart(inst, b, t + dur[a * n + b]);
    if (st === Infinity) return Infinity;
    c += cost[a * n + b];
    t = st + service[b];
    a = b;
  }
  const end = rv.endNode;
  if (t + dur[a * n + end] > rv.latest) return Infinity;
  return c + cost[a * n + end];
}

/** Whether `base` load (a route's total, possibly adjusted) plus `add` minus `sub` fits r. */
export function loadFits(inst: Instance, r: Route, add: Float64Array, sub: Float64Array): boolean {
  const dims = inst.dims;
  const base = (r.nodes.length - 1) * dims;
  const cap = r.veh.capacity;
  for (let d = 0; d < dims; d++) if (r.cumLoad[base + d] + add[d] - sub[d] > cap[d] + 1e-9) return false;
  return true;
}

/** Writes into `out` the load of positions from..to (inclusive) of r. */
export function segmentLoad(inst: Instance, r: Route, from: number, to: number, out: Float64Array): Float64Array {
  const dims = inst.dims;
  for (let d = 0; d < dims; d++) out[d] = r.cumLoad[to * dims + d] - r.cumLoad[(from - 1) * dims + d];
  return out;
}

/** Union of the skills required at positions from..to of r. */
export function segmentSkills(inst: Instance, r: Route, from: number, to: number): number {
  let m = 0;
  for (let p = from; p <= to; p++) m |= inst.skills[r.nodes[p]];
  return m;
}

export function skillsFit(r: Route, skills: number): boolean {
  return (skills & ~r.veh.skills) === 0;
}

/** Refreshes the routes a move changed, then drops any route it emptied. */
export function finishMove(sol: Solution, a: number, b: number): void {
  sol.refresh(a);
  if (b !== a) sol.refresh(b);
  if (sol.routes[a].size === 0 || sol.routes[b].size === 0) sol.compact();
}
