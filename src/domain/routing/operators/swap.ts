/**
 * Swap: exchange stops u and v, between two routes or within one.
 */
import { currentCost, departure, finishMove, joinCost, routeCost, type LsContext, type Operator } from './operator.ts';

export function createSwap(): Operator {
  const seq = new Int32Array(4096);
  const one = new Int32Array(1);
  return {
    name: 'swap',
    supports: () => true,
    evaluate(ctx: LsContext, u: number, v: number): number {
      const { inst, sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      const r = sol.routes[ru];
      const s = sol.routes[rv];
      const pu = sol.posOf[u];
      const pv = sol.posOf[v];
      const dims = inst.dims;
      if (ru !== rv) {
        if ((inst.skills[v] & ~r.veh.skills) !== 0 || (inst.skills[u] & ~s.veh.skills) !== 0) return Infinity;
        const rb = (r.nodes.length - 1) * dims;
        const sb = (s.nodes.length - 1) * dims;
        for (let d = 0; d < dims; d++) {
          const du = inst.demand[u * dims + d];
          const dv = inst.demand[v * dims + d];
          if (r.cumLoad[rb + d] - du + dv > r.veh.capacity[d] + 1e-9) return Infinity;
          if (s.cumLoad[sb + d] - dv + du > s.veh.capacity[d] + 1e-9) return Infinity;
        }
        one[0] = v;
        const jr = joinCost(inst, r, r.nodes[pu - 1], departure(inst, r, pu - 1), one, 1, r, pu + 1);
        if (jr === Infinity) return Infinity;
        one[0] = u;
        const js = joinCost(inst, s, s.nodes[pv - 1], departure(inst, s, pv - 1), one, 1, s, pv + 1);
        if (js === Infinity) return Infinity;
        return (
          routeCost(ctx, r, r.size, r.cumCost[pu - 1] + jr) -
          currentCost(ctx, r) +
          routeCost(ctx, s, s.size, s.cumCost[pv - 1] + js) -
          currentCost(ctx, s)
        );
      }
      const a = Math.min(pu, pv);
      const b = Math.max(pu, pv);
      if (b - a + 1 > seq.length) return Infinity;
      let len = 0;
      for (let k = a; k <= b; k++) seq[len++] = r.nodes[k];
      seq[0] = r.nodes[b];
      seq[len - 1] = r.nodes[a];
      const total = r.cumCost[r.nodes.length - 1];
      return r.cumCost[a - 1] + joinCost(inst, r, r.nodes[a - 1], departure(inst, r, a - 1), seq, len, r, b + 1) - total;
    },
    apply(ctx: LsContext, u: number, v: number): void {
      const { sol } = ctx;
      const ru = sol.routeOf[u];
      const rv = sol.routeOf[v];
      sol.routes[ru].nodes[sol.posOf[u]] = v;
      sol.routes[rv].nodes[sol.posOf[v]] = u;
      finishMove(sol, ru, rv);
    },
  };
}
