/**
 * 2-opt* (Potvin & Rousseau 1995): exchange the tails of two routes so that u is followed by v
 * (u's route keeps its head up to u and takes v's tail from v) or v is followed by u. Checked in
 * O(1) with the prefix schedule of one route and the suffix slack of the other.
 */
import { currentCost, departure, finishMove, joinCost, routeCost, skillsFit, type LsContext, type Operator } from './operator.ts';
import type { Route } from '../solution.ts';
import type { Instance } from '../instance.ts';

export function createTwoOptStar(): Operator {
  let bestVariant = 0;
  const none = new Int32Array(0);
  return {
    name: '2-opt*',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      if (ru === rv) return Infinity;
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      // Variant 0: r = r[..pu] + s[pv..], s = s[..pv-1] + r[pu+1..]  (u -> v)
      // Variant 1: s = s[..pv] + r[pu..], r = r[..pu-1] + s[pv+1..]  (v -> u)
      const d0 = exchangeTails(ctx, r, pu, s, pv - 1);
      const d1 = exchangeTails(ctx, s, pv, r, pu - 1);
      bestVariant = d0 <= d1 ? 0 : 1;
      return Math.min(d0, d1);
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      if (bestVariant === 0) swapTails(r, pu, s, pv - 1);
      else swapTails(s, pv, r, pu - 1);
      finishMove(sol, ru, rv);
    },
  };

  /** Cost change of r = r[..i] + s[j+1..] and s = s[..j] + r[i+1..] (depots stay with their vehicles). */
  function exchangeTails(ctx: LsContext, r: Route, i: number, s: Route, j: number): number {
    const inst: Instance = ctx.inst;
    if (!skillsFit(r, s.sufSkills[j + 1]) || !skillsFit(s, r.sufSkills[i + 1])) return Infinity;
    const dims = inst.dims;
    const rEnd = (r.nodes.length - 1) * dims;
    const sEnd = (s.nodes.length - 1) * dims;
    for (let d = 0; d < dims; d++) {
      const rHead = r.cumLoad[i * dims + d];
      const sHead = s.cumLoad[j * dims + d];
      const rTail = r.cumLoad[rEnd + d] - rHead;
      const sTail = s.cumLoad[sEnd + d] - sHead;
      if (rHead + sTail > r.veh.capacity[d] + 1e-9 || sHead + rTail > s.veh.capacity[d] + 1e-9) return Infinity;
    }
    const jr = joinCost(inst, r, r.nodes[i], departure(inst, r, i), none, 0, s, j + 1);
    if (jr === Infinity) return Infinity;
    const js = joinCost(inst, s, s.nodes[j], departure(inst, s, j), none, 0, r, i + 1);
    if (js === Infinity) return Infinity;
    const rSize = i + (s.size - j);
    const sSize = j + (r.size - i);
    return (
      routeCost(ctx, r, rSize, r.cumCost[i] + jr) - currentCost(ctx, r) +
      routeCost(ctx, s, sSize, s.cumCost[j] + js) - currentCost(ctx, s)
    );
  }
}

function swapTails(r: Route, i: number, s: Route, j: number): void {
  const rTail = r.nodes.slice(i + 1, r.nodes.length - 1);
  const sTail = s.nodes.slice(j + 1, s.nodes.length - 1);
  const rEnd = r.nodes[r.nodes.length - 1];
  const sEnd = s.nodes[s.nodes.length - 1];
  r.nodes.length = i + 1;
  r.nodes.push(...sTail, rEnd);
  s.nodes.length = j + 1;
  s.nodes.push(...rTail, sEnd);
}
