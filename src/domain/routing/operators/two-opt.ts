/**
 * 2-opt within a route: reverse the stops between u and v so that u is followed by v.
 * Reversal changes every arrival in the reversed part, so this walks it (O(length)).
 */
import { departure, finishMove, joinCost, type LsContext, type Operator } from './operator.ts';

export function createTwoOpt(): Operator {
  const seq = new Int32Array(4096);
  return {
    name: '2-opt',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { inst, sol } = ctx;
      const ru = sol.routeOf[u];
      if (ru !== sol.routeOf[v]) return Infinity;
      const r = sol.routes[ru];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      // u stays, then v ... succ(u) reversed; only meaningful when v comes after succ(u).
      if (pv <= pu + 1 || pv - pu > seq.length) return Infinity;
      let len = 0;
      for (let p = pv; p > pu; p--) seq[len++] = r.nodes[p];
      const total = r.cumCost[r.nodes.length - 1];
      return r.cumCost[pu] + joinCost(inst, r, u, departure(inst, r, pu), seq, len, r, pv + 1) - total;
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const r = sol.routes[ru];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      const middle = r.nodes.slice(pu + 1, pv + 1).reverse();
      r.nodes.splice(pu + 1, pv - pu, ...middle);
      finishMove(sol, ru, ru);
    },
  };
}
