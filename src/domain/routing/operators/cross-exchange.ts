/**
 * Cross-exchange (Taillard et al. 1997): swap a string of 1-3 stops starting at u with a string
 * of 1-3 stops starting at v between two routes, so that v follows u's predecessor and u
 * follows v's. The (1, 1) case is `swap`.
 */
import {
  currentCost, departure, finishMove, joinCost, loadFits, routeCost, segmentLoad, segmentSkills, skillsFit,
  type LsContext, type Operator,
} from './operator.ts';

const MAX_LEN = 3;

export function createCrossExchange(): Operator {
  let bestA = 0;
  let bestB = 0;
  const seq = new Int32Array(MAX_LEN);
  let loadU = new Float64Array(16);
  let loadV = new Float64Array(16);
  return {
    name: 'cross-exchange',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { inst, sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      if (ru === rv) return Infinity;
      if (loadU.length < inst.dims) {
        loadU = new Float64Array(inst.dims);
        loadV = new Float64Array(inst.dims);
      }
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      const rCur = currentCost(ctx, r);
      const sCur = currentCost(ctx, s);
      let best = Infinity;
      for (let a = 1; a <= MAX_LEN && pu + a - 1 <= r.size; a++) {
        const lastU = pu + a - 1;
        segmentLoad(inst, r, pu, lastU, loadU);
        const skillsU = segmentSkills(inst, r, pu, lastU);
        if (!skillsFit(s, skillsU)) break;
        for (let b = 1; b <= MAX_LEN && pv + b - 1 <= s.size; b++) {
          if (a === 1 && b === 1) continue;
          const lastV = pv + b - 1;
          segmentLoad(inst, s, pv, lastV, loadV);
          if (!skillsFit(r, segmentSkills(inst, s, pv, lastV))) break;
          if (!loadFits(inst, r, loadV, loadU) || !loadFits(inst, s, loadU, loadV)) continue;
          for (let i = 0; i < b; i++) seq[i] = s.nodes[pv + i];
          const jr = joinCost(inst, r, r.nodes[pu - 1], departure(inst, r, pu - 1), seq, b, r, lastU + 1);
          if (jr === Infinity) continue;
          for (let i = 0; i < a; i++) seq[i] = r.nodes[pu + i];
          const js = joinCost(inst, s, s.nodes[pv - 1], departure(inst, s, pv - 1), seq, a, s, lastV + 1);
          if (js === Infinity) continue;
          const d =
            routeCost(ctx, r, r.size - a + b, r.cumCost[pu - 1] + jr) - rCur +
            routeCost(ctx, s, s.size - b + a, s.cumCost[pv - 1] + js) - sCur;
          if (d < best) {
            best = d;
            bestA = a;
            bestB = b;
          }
        }
      }
      return best;
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      const segU = r.nodes.slice(pu, pu + bestA);
      const segV = s.nodes.slice(pv, pv + bestB);
      r.nodes.splice(pu, bestA, ...segV);
      s.nodes.splice(pv, bestB, ...segU);
      finishMove(sol, ru, rv);
    },
  };
}
