/**
 * Granular local search: for every stop u and each of its k nearest neighbours v, try every
 * operator on (u, v) and apply the first improving move, until no move improves. Pairs whose
 * two routes have not changed since u was last examined are skipped.
 */
import type { Random } from '../shared/index.ts';
import type { Neighbours } from './neighbours.ts';
import { createCrossExchange } from './operators/cross-exchange.ts';
import type { LsContext, Operator } from './operators/operator.ts';
import { createOrOpt } from './operators/or-opt.ts';
import { createRelocate } from './operators/relocate.ts';
import { createSwap } from './operators/swap.ts';
import { createTwoOpt } from './operators/two-opt.ts';
import { createTwoOptStar } from './operators/two-opt-star.ts';
import type { Solution } from './solution.ts';

export function defaultOperators(): Operator[] {
  return [createRelocate(), createSwap(), createTwoOptStar(), createOrOpt(), createTwoOpt(), createCrossExchange()];
}

const EPS = 1e-7;

export interface LocalSearch {
  /** Improves `sol` in place; returns the number of moves applied. */
  run(sol: Solution, routePenalty: number, focus?: number[]): number;
}

export function createLocalSearch(nb: Neighbours, k: number, rng: Random, ops: Operator[]): LocalSearch {
  let lastTested = new Float64Array(0);
  return {
    run(sol: Solution, routePenalty: number, focus?: number[]): number {
      const inst = sol.inst;
      const active = ops.filter((op) => op.supports(inst));
      const ctx: LsContext = { inst, sol, routePenalty };
      const order: number[] = [];
      if (focus) {
        // Only the stops of the routes that hold a focus stop (the routes that just changed).
        const routes = new Set<number>();
        for (const u of focus) if (sol.routeOf[u] >= 0) routes.add(sol.routeOf[u]);
        for (const ri of [...routes].sort((a, b) => a - b)) {
          const nodes = sol.routes[ri].nodes;
          for (let p = 1; p < nodes.length - 1; p++) order.push(nodes[p]);
        }
      } else {
        for (let u = inst.nDepots; u < inst.n; u++) if (sol.routeOf[u] >= 0) order.push(u);
      }
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      if (lastTested.length !== inst.n) lastTested = new Float64Array(inst.n);
      lastTested.fill(-1);
      let moves = 0;
      let improved = true;
      let guard = 0;
      while (improved && guard++ < 1000) {
        improved = false;
        for (const u of order) {
          const tested = lastTested[u];
          lastTested[u] = routeVersionNow(sol);
          const list = nb.list[u];
          const kk = Math.min(k, list.length);
          for (let i = 0; i < kk; i++) {
            const v = list[i];
            const ru = sol.routeOf[u];
            const rv = sol.routeOf[v];
            if (ru < 0 || rv < 0) continue;
            if (sol.routes[ru].version <= tested && sol.routes[rv].version <= tested) continue;
            for (const op of active) {
              if (op.evaluate(ctx, u, v) < -EPS) {
                // Operators change routes in place: own them first if shared with another solution.
                sol.mutable(sol.routeOf[u]);
                sol.mutable(sol.routeOf[v]);
                op.apply(ctx, u, v);
                moves++;
                improved = true;
                break;
              }
            }
          }
        }
      }
      return moves;
    },
  };
}

function routeVersionNow(sol: Solution): number {
  let m = 0;
  for (const r of sol.routes) if (r.version > m) m = r.version;
  return m;
}
