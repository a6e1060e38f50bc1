import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import { seededRandom } from '../src/domain/shared/index.ts';
import { defaultTravel } from '../src/domain/geo/index.ts';
import { generateH3Zones, geometryBBox, ZoneIndex, type DeliveryZone, allocationCost, buildProblem, decodeShares, greedyAllocation, solveReassignmentMip, syntheticReassignment } from '../src/domain/zones/index.ts';
import { defaultSolver } from '../src/solver/highs.ts';

/**
 * `npm run bench -- zones [--full]`: address → zone lookups per second (1,000 and
 * 10,000 H3 zones; grid index, flatbush R-tree, and flatbush + turf for reference),
 * and the reassignment planner on synthetic instances (500 zones × 10 nodes,
 * 5,000 × 60): solve time, MIP gap, and the greedy fallback's cost over the MIP's.
 */
export async function run(args: string[]): Promise<Record<string, number>> {
  const full = args.includes('--full');
  const lookupsN = full ? 5_000_000 : 2_000_000;
  const rows: Array<[string, string]> = [];
  const out: Record<string, number> = {};

  for (const n of [1_000, 10_000]) {
    const zones = demoZones(n);
    const b = zones.map((z) => geometryBBox(z.geometry)).reduce((a, c) => ({ minLat: Math.min(a.minLat, c.minLat), maxLat: Math.max(a.maxLat, c.maxLat), minLng: Math.min(a.minLng, c.minLng), maxLng: Math.max(a.maxLng, c.maxLng) }));
    const rnd = seededRandom(n);
    const pts = new Float64Array(lookupsN * 2);
    for (let i = 0; i < lookupsN; i++) {
      pts[i * 2] = b.minLat + rnd.next() * (b.maxLat - b.minLat);
      pts[i * 2 + 1] = b.minLng + rnd.next() * (b.maxLng - b.minLng);
    }
    for (const backend of ['grid', 'flatbush'] as const) {
      const index = new ZoneIndex(zones, [], { backend });
      const rate = measure(lookupsN, (i) => (index.lookup(pts[i * 2], pts[i * 2 + 1]) ? 1 : 0));
      rows.push([`lookups/s, ${n} zones, ${backend}`, fmt(rate.perSec) + `  (hit ${(100 * rate.hits / lookupsN).toFixed(1)}%)`]);
      if (backend === 'grid') out[n === 1000 ? 'lookupsPerSec1k' : 'lookupsPerSec10k'] = Math.round(rate.perSec);
    }
    // Reference: flatbush candidates + turf's point-in-polygon (allocates per call).
    const tree = new Flatbush(zones.length);
    for (const z of zones) {
      const bb = geometryBBox(z.geometry);
      tree.add(bb.minLng, bb.minLat, bb.maxLng, bb.maxLat);
    }
    tree.finish();
    const turfN = Math.min(lookupsN, 300_000);
    const turf = measure(turfN, (i) => {
      const lat = pts[i * 2];
      const lng = pts[i * 2 + 1];
      const c = tree.search(lng, lat, lng, lat);
      for (const k of c) if (booleanPointInPolygon([lng, lat], zones[k].geometry)) return 1;
      return 0;
    });
    rows.push([`lookups/s, ${n} zones, flatbush + turf`, fmt(turf.perSec)]);
  }

  for (const [zonesN, nodesN, key] of [
    [500, 10, 'reassign500x10Sec'],
    [5_000, 60, 'reassign5000x60Sec'],
  ] as const) {
    const input = syntheticReassignment({ zones: zonesN, nodes: nodesN, seed: 11, capacitySlack: 1.3, nodesInReach: 6 });
    const t0 = performance.now();
    const travel = await defaultTravel.table(input.nodes, input.zones.map((z) => z.centroid));
    const p = buildProblem(input, travel);
    const mip = await solveReassignmentMip(p, defaultSolver, { timeLimitS: 60 });
    const a = decodeShares(p, mip.shares);
    const sec = (performance.now() - t0) / 1000;
    const g0 = performance.now();
    const greedy = greedyAllocation(p);
    const greedySec = (performance.now() - g0) / 1000;
    const mipCost = allocationCost(p, a);
    const greedyCost = allocationCost(p, greedy);
    const unserved = (al: typeof a) => al.parts.reduce((s, parts, zi) => s + p.zones[p.movable[zi]].demandOrdersPerDay - parts.reduce((t, q) => t + q.ordersPerDay, 0), 0);
    const served = (al: typeof a) => al.parts.reduce((s, parts) => s + parts.reduce((t, q) => t + q.ordersPerDay, 0), 0);
    const travelCost = (al: typeof a) => al.parts.reduce((s, parts, zi) => s + parts.reduce((t, q) => t + q.ordersPerDay * (p.reach[zi].find((c) => c.node === q.node)?.distanceM ?? 0), 0), 0);
    rows.push([`reassign ${zonesN}×${nodesN}: movable zones`, String(p.movable.length)]);
    rows.push([`reassign ${zonesN}×${nodesN}: MIP total s (LP+sub-MIP s)`, `${sec.toFixed(2)} (${mip.solveTimeS.toFixed(2)}), status ${mip.status}, ${mip.fractionalZones} fractional zones`]);
    rows.push([`reassign ${zonesN}×${nodesN}: MIP gap vs LP bound`, `${mip.gapPct.toFixed(4)}%`]);
    rows.push([`reassign ${zonesN}×${nodesN}: unserved orders/day MIP | greedy`, `${unserved(a)} | ${unserved(greedy)}`]);
    rows.push([`reassign ${zonesN}×${nodesN}: travel order·km MIP | greedy`, `${Math.round(travelCost(a) / 1000)} | ${Math.round(travelCost(greedy) / 1000)}  (km per served order ${(travelCost(a) / 1000 / served(a)).toFixed(3)} | ${(travelCost(greedy) / 1000 / served(greedy)).toFixed(3)})`]);
    rows.push([`reassign ${zonesN}×${nodesN}: objective greedy / MIP`, (greedyCost / mipCost).toFixed(4) + `  (greedy ${greedySec.toFixed(3)} s)`]);
    out[key] = round3(sec);
    if (key === 'reassign5000x60Sec') {
      out.mipGapPct = round3(mip.gapPct);
      out.greedyOverMipCostRatio = round3(greedyCost / mipCost);
    }
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
  return out;
}

/** `n` H3 res-9 zones around Yizhuang (about 0.1 km² each). */
function demoZones(n: number): DeliveryZone[] {
  const radiusM = Math.sqrt((n * 1.15 * 105_000) / Math.PI);
  const zones = generateH3Zones({ resolution: 9, area: { aroundNodes: [{ id: 'c', lat: 39.795, lng: 116.5, maxDeliveryRadiusM: radiusM }] }, maxCells: n * 3 });
  if (!zones.ok) throw new Error(zones.error.message);
  return zones.value.slice(0, n).map((z, i) => ({ ...z, servingNodeId: `n${i % 7}`, demandOrdersPerDay: 10 }));
}

function measure(n: number, fn: (i: number) => number): { perSec: number; hits: number } {
  for (let i = 0; i < Math.min(n, 50_000); i++) fn(i); // warm up
  const t = performance.now();
  let hits = 0;
  for (let i = 0; i < n; i++) hits += fn(i);
  return { perSec: n / ((performance.now() - t) / 1000), hits };
}

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const round3 = (v: number) => Math.round(v * 1000) / 1000;
