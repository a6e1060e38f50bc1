/**
 * Nearest-neighbour lists over stops. The ruin step walks them to find stops close to a seed;
 * local search looks only at the first k (a granular neighbourhood, Toth & Vigo 2003), since
 * good solutions almost never link stops that are far apart.
 */
import type { Instance } from './instance.ts';

export interface Neighbours {
  /** `list[u]` stop nodes sorted by closeness to u (u excluded); empty for depots. */
  list: Int32Array[];
}

/**
 * Closeness is the symmetric distance plus a penalty for time windows that cannot follow each
 * other without waiting or lateness, so that in VRPTW the neighbours are stops that can share a
 * route. `limit` caps each list (memory stays O(n · limit)).
 */
export function buildNeighbours(inst: Instance, limit: number, timeWeight = 0.1): Neighbours {
  const { n, nDepots, dist, dur, twOpen, twClose, service } = inst;
  const list: Int32Array[] = [];
  for (let i = 0; i < nDepots; i++) list.push(new Int32Array(0));
  const others: number[] = [];
  const score = new Float64Array(n);
  for (let u = nDepots; u < n; u++) {
    others.length = 0;
    for (let v = nDepots; v < n; v++) {
      if (v === u) continue;
      others.push(v);
      const d = 0.5 * (dist[u * n + v] + dist[v * n + u]);
      // Time gap between the windows in either direction: waiting (weight 0.2) or lateness (1).
      const gap = (a: number, b: number): number => {
        const arrive = twOpen[a] + service[a] + dur[a * n + b];
        if (!Number.isFinite(arrive)) return 0;
        const wait = Math.max(0, twOpen[b] - arrive);
        const late = Math.max(0, arrive - twClose[b]);
        return 0.2 * wait + late;
      };
      score[v] = timeWeight === 0 ? d : d + Math.min(gap(u, v), gap(v, u)) * timeWeight;
    }
    others.sort((a, b) => score[a] - score[b] || a - b);
    list.push(Int32Array.from(others.slice(0, limit)));
  }
  return { list };
}
