/**
 * Construction by regret-2 insertion (Potvin & Rousseau 1993): at each step insert the stop
 * whose best position beats its second-best (in another route, or a new route) by the most,
 * because postponing it would cost the most. The best position per (stop, route) is cached and
 * recomputed only for the route that changed, so a step costs O(stops × routes) plus
 * O(stops × length of the changed route).
 */
import type { Solution } from './solution.ts';
import { insertionDelta, routeCanTake, singletonCost } from './solution.ts';
import { bestFreeVehicle } from './ruin-recreate.ts';

export interface ConstructionParams {
  /** When true, only open a route when no pending stop fits any open route (vehicles objective). */
  minimiseRoutes: boolean;
  maxRoutes: number;
}

export function regretInsertion(sol: Solution, pending: number[], params: ConstructionParams): void {
  const inst = sol.inst;
  const left = new Set(pending);
  // cache[u] holds, per route index, [delta, position].
  const cacheCost = new Map<number, number[]>();
  const cachePos = new Map<number, number[]>();
  for (const u of left) {
    cacheCost.set(u, []);
    cachePos.set(u, []);
  }
  const evalRoute = (u: number, ri: number): void => {
    const r = sol.routes[ri];
    let best = Infinity;
    let bestP = -1;
    if (routeCanTake(inst, r, u)) {
      const last = r.nodes.length - 1;
      for (let p = 0; p < last; p++) {
        const d = insertionDelta(inst, r, u, p);
        if (d < best) {
          best = d;
          bestP = p;
        }
      }
    }
    cacheCost.get(u)![ri] = best;
    cachePos.get(u)![ri] = bestP;
  };
  const newRouteCost = new Map<number, number>();
  const refreshNewRouteCosts = (): void => {
    for (const u of left) {
      const v = sol.routes.length < params.maxRoutes ? bestFreeVehicle(sol, u) : -1;
      newRouteCost.set(u, v < 0 ? Infinity : singletonCost(inst, v, u));
    }
  };
  refreshNewRouteCosts();
  while (left.size > 0) {
    let pick = -1;
    let pickRegret = -Infinity;
    let pickBest = Infinity;
    let pickRoute = -1;
    for (const u of left) {
      const costs = cacheCost.get(u)!;
      let b1 = Infinity;
      let b2 = Infinity;
      let r1 = -1;
      for (let ri = 0; ri < sol.routes.length; ri++) {
        const c = costs[ri];
        if (c < b1) {
          b2 = b1;
          b1 = c;
          r1 = ri;
        } else if (c < b2) b2 = c;
      }
      const fresh = newRouteCost.get(u)!;
      if (params.minimiseRoutes) {
        if (r1 < 0) continue;
      } else if (fresh < b1) {
        b2 = b1;
        b1 = fresh;
        r1 = -1;
      } else if (fresh < b2) b2 = fresh;
      if (b1 === Infinity) continue;
      // A stop with one option left has "infinite" regret; among those, the costliest goes first.
      const regret = b2 === Infinity ? 1e15 + b1 : b2 - b1;
      if (regret > pickRegret || (regret === pickRegret && b1 < pickBest)) {
        pick = u;
        pickRegret = regret;
        pickBest = b1;
        pickRoute = r1;
      }
    }
    if (pick < 0) {
      // Nothing fits an open route: open one with the stop farthest from its depot.
      let seed = -1;
      let far = -Infinity;
      for (const u of left) {
        if (newRouteCost.get(u)! === Infinity) continue;
        const d = newRouteCost.get(u)!;
        if (d > far) {
          far = d;
          seed = u;
        }
      }
      if (seed < 0) break;
      pick = seed;
      pickRoute = -1;
    }
    left.delete(pick);
    let ri: number;
    if (pickRoute < 0) {
      const v = bestFreeVehicle(sol, pick);
      ri = sol.openRoute(v, [pick]);
      refreshNewRouteCosts();
    } else {
      ri = pickRoute;
      sol.insertAfter(pick, ri, cachePos.get(pick)![ri]);
    }
    for (const u of left) evalRoute(u, ri);
  }
  for (const u of left) sol.unassigned.push(u);
}
