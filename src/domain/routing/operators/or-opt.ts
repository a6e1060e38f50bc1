/**
 * Or-opt: move a string of 2 or 3 consecutive stops starting at u to just after v, possibly
 * reversed, in v's route or within u's own. (Single stops are `relocate`.)
 */
import {
  currentCost, departure, finishMove, joinCost, loadFits, routeCost, segmentLoad, segmentSkills, skillsFit,
  type LsContext, type Operator,
} from './operator.ts';

const MAX_LEN = 3;

export function createOrOpt(): Operator {
  let bestLen = 0;
  let bestReversed = false;
  const seq = new Int32Array(4096);
  const zero = new Float64Array(16);
  let load = new Float64Array(16);
  return {
    name: 'or-opt',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { inst, sol } = ctx;
      if (load.length < inst.dims) load = new Float64Array(inst.dims);
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      let best = Infinity;
      bestLen = 0;
      const total = r.cumCost[r.nodes.length - 1];
      for (let k = 2; k <= MAX_LEN; k++) {
        const last = pu + k - 1;
        if (last > r.size) break;
        if (ru === rv && pv >= pu - 1 && pv <= last) continue;
        if (ru !== rv) {
          if (!skillsFit(s, segmentSkills(inst, r, pu, last))) continue;
          if (!loadFits(inst, s, segmentLoad(inst, r, pu, last, load), zero)) continue;
          const jr = joinCost(inst, r, r.nodes[pu - 1], departure(inst, r, pu - 1), seq, 0, r, last + 1);
          if (jr === Infinity) continue;
          const srcDelta = routeCost(ctx, r, r.size - k, r.cumCost[pu - 1] + jr) - currentCost(ctx, r);
          for (let rev = 0; rev < 2; rev++) {
            for (let i = 0; i < k; i++) seq[i] = r.nodes[rev ? last - i : pu + i];
            const js = joinCost(inst, s, v, departure(inst, s, pv), seq, k, s, pv + 1);
            const d = srcDelta + s.cumCost[pv] + js - s.cumCost[s.nodes.length - 1];
            if (d < best) {
              best = d;
              bestLen = k;
              bestReversed = rev === 1;
            }
          }
          continue;
        }
        for (let rev = 0; rev < 2; rev++) {
          let len = 0;
          let from: number;
          let resume: number;
          if (pv > last) {
            if (pv - pu + 1 > seq.length) continue;
            from = pu - 1;
            for (let p = last + 1; p <= pv; p++) seq[len++] = r.nodes[p];
            for (let i = 0; i < k; i++) seq[len++] = r.nodes[rev ? last - i : pu + i];
            resume = pv + 1;
          } else {
            if (last - pv > seq.length) continue;
            from = pv;
            for (let i = 0; i < k; i++) seq[len++] = r.nodes[rev ? last - i : pu + i];
            for (let p = pv + 1; p < pu; p++) seq[len++] = r.nodes[p];
            resume = last + 1;
          }
          const d = r.cumCost[from] + joinCost(inst, r, r.nodes[from], departure(inst, r, from), seq, len, r, resume) - total;
          if (d < best) {
            best = d;
            bestLen = k;
            bestReversed = rev === 1;
          }
        }
      }
      return best;
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const pu = sol.posOf[u];
      const r = sol.routes[ru];
      const segment = r.nodes.splice(pu, bestLen);
      if (bestReversed) segment.reverse();
      const s = sol.routes[rv];
      const at = s.nodes.indexOf(v) + 1;
      s.nodes.splice(at, 0, ...segment);
      finishMove(sol, ru, rv);
    },
  };
}
