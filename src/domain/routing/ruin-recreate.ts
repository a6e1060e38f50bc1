/**
 * Ruin and recreate in the style of SISR (Christiaens & Vanden Berghe, "Slack induction by
 * string removals for vehicle routing problems", Transportation Science 2020): remove a few
 * strings of consecutive stops from routes near a random seed stop, then put every removed
 * stop back greedily, each at its cheapest feasible position, skipping positions at random
 * ("blinks") so the same solution can be rebuilt in different ways.
 */
import type { Random } from '../shared/index.ts';
import type { Instance } from './instance.ts';
import type { Neighbours } from './neighbours.ts';
import { insertionDelta, routeCanTake, singletonCost, type Solution } from './solution.ts';

export interface RuinParams {
  /** Average number of stops removed (c̄ in the paper). */
  avgRemoved: number;
  /** Longest string removed from one route (L_max). */
  maxString: number;
  /** Probability of the split-string variant. */
  splitRate: number;
}

export const defaultRuinParams: RuinParams = { avgRemoved: 10, maxString: 10, splitRate: 0.5 };

/** Removes strings around a random seed stop; returns the removed stops. */
export function ruin(sol: Solution, nb: Neighbours, rng: Random, params: RuinParams, removed: number[]): number[] {
  removed.length = 0;
  const routes = sol.routes;
  if (routes.length === 0) return removed;
  let assigned = 0;
  for (const r of routes) assigned += r.size;
  if (assigned === 0) return removed;
  const avgSize = assigned / routes.length;
  const lsMax = Math.min(params.maxString, avgSize);
  const ksMax = (4 * params.avgRemoved) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * ksMax) + 1;
  // Seed: a random assigned stop.
  let seed = -1;
  {
    const r = routes[rng.int(routes.length)];
    if (r.size > 0) seed = r.nodes[1 + rng.int(r.size)];
    else return removed;
  }
  const ruined = new Set<number>();
  const candidates = nb.list[seed];
  for (let k = -1; k < candidates.length && ruined.size < ks; k++) {
    const c = k < 0 ? seed : candidates[k];
    const ri = sol.routeOf[c];
    if (ri < 0 || ruined.has(ri)) continue;
    const route = routes[ri];
    const size = route.size;
    const ltMax = Math.min(size, lsMax);
    const lt = Math.floor(rng.next() * ltMax) + 1;
    const pos = sol.posOf[c];
    if (lt < size && rng.next() < params.splitRate) {
      // Split string: a string of lt + m stops containing c, of which m consecutive stay.
      let m = 1;
      while (lt + m < size && rng.next() < 0.5) m++;
      const total = lt + m;
      const first = clampStart(pos, total, size, rng);
      const keepFrom = first + rng.int(total - m + 1);
      for (let p = first; p < first + total; p++) {
        if (p >= keepFrom && p < keepFrom + m) continue;
        removed.push(route.nodes[p]);
      }
    } else {
      const first = clampStart(pos, lt, size, rng);
      for (let p = first; p < first + lt; p++) removed.push(route.nodes[p]);
    }
    ruined.add(ri);
  }
  // Remove from the ruined routes in one pass each.
  const gone = new Set(removed);
  for (const ri of ruined) {
    const r = sol.mutable(ri);
    r.nodes = r.nodes.filter((x) => !gone.has(x));
  }
  for (const u of removed) sol.routeOf[u] = -1;
  for (const ri of ruined) sol.refresh(ri);
  sol.compact();
  return removed;
}

/** A start position (1-based, within the route) for a string of `len` stops that covers `pos`. */
function clampStart(pos: number, len: number, size: number, rng: Random): number {
  const lo = Math.max(1, pos - len + 1);
  const hi = Math.min(pos, size - len + 1);
  return lo + rng.int(hi - lo + 1);
}

export interface RecreateParams {
  blinkRate: number;
  /** Whether a stop with no feasible position may open a new route. */
  allowNewRoutes: boolean;
  /** Upper bound on routes when new ones are allowed. */
  maxRoutes: number;
  /** Open a new route even when an open one could take the stop, if that is cheaper. */
  newRouteWhenCheaper: boolean;
}

/**
 * Inserts `pending` (plus any stops already unassigned) greedily, in an order drawn from the
 * paper's mix: random, largest demand first, farthest from the depot first, closest first.
 * Stops that fit nowhere end up in `sol.unassigned`.
 */
export function recreate(sol: Solution, pending: number[], rng: Random, params: RecreateParams): void {
  const inst = sol.inst;
  const order = pending.concat(sol.unassigned);
  sol.unassigned = [];
  sortForInsertion(inst, order, rng);
  const blink = params.blinkRate;
  // Positions to evaluate before the next blink: geometric, so one random draw per blink
  // rather than one per position.
  const logKeep = Math.log(1 - blink);
  const nextGap = (): number => (blink > 0 ? Math.floor(Math.log(1 - rng.next()) / logKeep) : Infinity);
  let untilBlink = nextGap();
  for (const u of order) {
    let best = Infinity;
    let bestR = -1;
    let bestP = -1;
    for (let ri = 0; ri < sol.routes.length; ri++) {
      const r = sol.routes[ri];
      if (!routeCanTake(inst, r, u)) continue;
      const last = r.nodes.length - 1;
      for (let p = 0; p < last; p++) {
        if (untilBlink-- === 0) {
          untilBlink = nextGap();
          continue;
        }
        const d = insertionDelta(inst, r, u, p);
        if (d < best) {
          best = d;
          bestR = ri;
          bestP = p;
        }
      }
    }
    if (params.allowNewRoutes && sol.routes.length < params.maxRoutes && (bestR < 0 || params.newRouteWhenCheaper)) {
      const v = bestFreeVehicle(sol, u);
      if (v >= 0 && (bestR < 0 || singletonCost(inst, v, u) < best)) {
        sol.openRoute(v, [u]);
        continue;
      }
    }
    if (bestR >= 0) {
      sol.insertAfter(u, bestR, bestP);
      continue;
    }
    sol.unassigned.push(u);
  }
}

/** The free vehicle (one per type is enough: they are identical) that serves u alone cheapest. */
export function bestFreeVehicle(sol: Solution, u: number): number {
  const inst = sol.inst;
  let best = Infinity;
  let bestV = -1;
  for (const ids of inst.vehiclesByType) {
    let free = -1;
    for (const v of ids) {
      if (!sol.usedVehicle[v]) {
        free = v;
        break;
      }
    }
    if (free < 0) continue;
    const c = singletonCost(inst, free, u);
    if (c < best) {
      best = c;
      bestV = free;
    }
  }
  return bestV;
}

function sortForInsertion(inst: Instance, order: number[], rng: Random): void {
  const roll = rng.int(11);
  const depot = 0;
  const n = inst.n;
  if (roll < 4) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  } else if (roll < 8) {
    const dims = inst.dims;
    const total = (u: number): number => {
      let s = 0;
      for (let d = 0; d < dims; d++) s += inst.demand[u * dims + d];
      return s;
    };
    order.sort((a, b) => total(b) - total(a) || a - b);
  } else if (roll < 10) {
    order.sort((a, b) => inst.dist[depot * n + b] - inst.dist[depot * n + a] || a - b);
  } else {
    order.sort((a, b) => inst.dist[depot * n + a] - inst.dist[depot * n + b] || a - b);
  }
}
