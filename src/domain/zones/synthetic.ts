/** A seeded synthetic zone-reassignment instance for benchmarks and property tests. */
import { haversineExactM } from '../geo/index.ts';
import { seededRandom } from '../shared/index.ts';
import type { PlannerNode, PlannerZone, ReassignmentInput } from './reassignment.ts';

export interface SyntheticOptions {
  zones: number;
  nodes: number;
  seed?: number;
  /** Share of nodes suspended (they stop trading). */
  suspendedShare?: number;
  /** Total trading capacity over total demand. */
  capacitySlack?: number;
  /** Nodes reaching an average zone (sets the delivery radius). */
  nodesInReach?: number;
}

/**
 * A reproducible reassignment instance for benchmarks and property tests: zones
 * of 5-64 orders a day scattered over a square (about 0.5 km² per zone) south-east
 * of Beijing, nodes scattered over the same square, each zone served today by its
 * nearest node, a share of the nodes suspended, capacities drawn around the
 * average needed, and a radius that lets a zone see a few nodes.
 */
export function syntheticReassignment(o: SyntheticOptions): ReassignmentInput {
  const rnd = seededRandom(o.seed ?? 7);
  const sideM = Math.sqrt(o.zones * 0.5) * 1000;
  const lat0 = 39.7;
  const lng0 = 116.4;
  const dLat = sideM / 111_195;
  const dLng = dLat / Math.cos((lat0 * Math.PI) / 180);
  const nodes: PlannerNode[] = [];
  const radius = Math.round(sideM * Math.sqrt((o.nodesInReach ?? 4) / (Math.PI * o.nodes)));
  for (let i = 0; i < o.nodes; i++) {
    nodes.push({ id: `n${i}`, lat: lat0 + rnd.next() * dLat, lng: lng0 + rnd.next() * dLng, trading: true, dailyOrderCapacity: 0, maxDeliveryRadiusM: radius });
  }
  const suspended = Math.round(o.nodes * (o.suspendedShare ?? 0.1));
  for (let i = 0; i < suspended; i++) nodes[rnd.int(o.nodes)].trading = false;
  const zones: PlannerZone[] = [];
  let total = 0;
  for (let i = 0; i < o.zones; i++) {
    const d = 5 + rnd.int(60);
    total += d;
    const centroid = { lat: lat0 + rnd.next() * dLat, lng: lng0 + rnd.next() * dLng };
    let best = 0;
    let bestD = Infinity;
    nodes.forEach((n, k) => {
      const dist = haversineExactM(n, centroid);
      if (dist < bestD) {
        bestD = dist;
        best = k;
      }
    });
    zones.push({ id: `z${i}`, centroid, demandOrdersPerDay: d, current: [{ nodeId: nodes[best].id, ordersPerDay: d }] });
  }
  const trading = nodes.filter((n) => n.trading).length || 1;
  for (const n of nodes) n.dailyOrderCapacity = Math.round(((total * (o.capacitySlack ?? 1.2)) / trading) * (0.6 + 0.8 * rnd.next()));
  return { zones, nodes };
}
