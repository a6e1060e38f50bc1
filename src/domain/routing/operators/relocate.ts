/**
 * Relocate: move stop u to just after v or just before v, in v's route or (when they share a
 * route) within it.
 */
import { insertionDelta, routeCanTake } from '../solution.ts';
import { currentCost, departure, finishMove, joinCost, routeCost, type LsContext, type Operator } from './operator.ts';

export function createRelocate(): Operator {
  let bestAfter = -1;
  const seq = new Int32Array(4096);
  return {
    name: 'relocate',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { inst, sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      let best = Infinity;
      bestAfter = -1;
      if (ru !== rv) {
        if (!routeCanTake(inst, s, u)) return Infinity;
        const join = joinCost(inst, r, r.nodes[pu - 1], departure(inst, r, pu - 1), seq, 0, r, pu + 1);
        if (join === Infinity) return Infinity;
        const srcDelta = routeCost(ctx, r, r.size - 1, r.cumCost[pu - 1] + join) - currentCost(ctx, r);
        for (let p = pv - 1; p <= pv; p++) {
          const d = insertionDelta(inst, s, u, p) + srcDelta;
          if (d < best) {
            best = d;
            bestAfter = p;
          }
        }
        return best;
      }
      const total = r.cumCost[r.nodes.length - 1];
      for (let p = pv - 1; p <= pv; p++) {
        if (p === pu || p === pu - 1) continue;
        if (Math.abs(p - pu) > seq.length - 2) continue;
        let from: number;
        let resume: number;
        let len = 0;
        if (p > pu) {
          from = pu - 1;
          for (let k = pu + 1; k <= p; k++) seq[len++] = r.nodes[k];
          seq[len++] = u;
          resume = p + 1;
        } else {
          from = p;
          seq[len++] = u;
          for (let k = p + 1; k <= pu - 1; k++) seq[len++] = r.nodes[k];
          resume = pu + 1;
        }
        const d = r.cumCost[from] + joinCost(inst, r, r.nodes[from], departure(inst, r, from), seq, len, r, resume) - total;
        if (d < best) {
          best = d;
          bestAfter = p;
        }
      }
      return best;
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const pu = sol.posOf[u];
      const p = bestAfter;
      sol.routes[ru].nodes.splice(pu, 1);
      if (ru !== rv) sol.routes[rv].nodes.splice(p + 1, 0, u);
      else sol.routes[rv].nodes.splice(p > pu ? p : p + 1, 0, u);
      finishMove(sol, ru, rv);
    },
  };
}
