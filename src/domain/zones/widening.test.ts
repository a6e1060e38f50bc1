import { describe, expect, it } from 'vitest';
import { haversineExactM } from '../geo/distance.ts';
import { StraightLineTravel } from '../geo/travel.ts';
import { defaultSolver } from '../../solver/highs.ts';
import type { PlannerZone } from './reassignment.ts';
import { checkLimits, planWithWidening, type KindedNode, type NodeKindLimits } from './widening.ts';

const travel = new StraightLineTravel();
const opts = { travel, solver: defaultSolver };

/** Nodes and zones on one line of latitude; 0.01° of longitude is about 850 m here. */
const node = (id: string, kind: string, lng: number, capacity: number, radiusM: number, trading = true): KindedNode => ({ id, kind, lat: 39.8, lng, trading, dailyOrderCapacity: capacity, maxDeliveryRadiusM: radiusM });
const zone = (id: string, lng: number, demand: number, servedBy: string | null): PlannerZone => ({ id, centroid: { lat: 39.8, lng }, demandOrdersPerDay: demand, current: servedBy ? [{ nodeId: servedBy, ordersPerDay: demand }] : [] });
const LIMITS: NodeKindLimits = { store: { maxDeliveryRadiusM: 6000, maxDailyOrderCapacity: 1000 }, satellite_warehouse: { maxDeliveryRadiusM: 8000, maxDailyOrderCapacity: 1000 } };

async function widen(nodes: KindedNode[], zones: PlannerZone[], limits = LIMITS) {
  const r = await planWithWidening({ nodes, zones, scope: 'affected', allowSplit: false }, limits, opts);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('widening before dropping', () => {
  // A closed store at 116.50 served three zones; the open store at 116.46 reaches 2 km and takes 300 a day.
  const closed = node('closed', 'store', 116.5, 1000, 3000, false);
  const open = node('open', 'store', 116.46, 300, 2000);
  const zones = [zone('own', 116.46, 200, 'open'), zone('a', 116.49, 100, 'closed'), zone('b', 116.5, 100, 'closed'), zone('c', 116.51, 100, 'closed')];

  it('widens the radius and raises the capacity of an open node, only as far as its new zones need, instead of leaving them unserved', async () => {
    const w = await widen([closed, open], zones);
    expect(w.unservedWithoutWideningOrdersPerDay).toBeGreaterThan(0);
    expect(w.proposal.totals.unservedOrdersPerDay).toBe(0);
    expect(w.unserved).toEqual([]);
    expect(w.nodeChanges).toHaveLength(1);
    const c = w.nodeChanges[0];
    expect(c.nodeId).toBe('open');
    const farthest = haversineExactM(open, zones[3].centroid);
    // Reaches its farthest zone, within 100 m, and never beyond the kind's limit.
    expect(c.maxDeliveryRadiusM.from).toBe(2000);
    expect(c.maxDeliveryRadiusM.to).toBeGreaterThanOrEqual(farthest);
    expect(c.maxDeliveryRadiusM.to).toBeLessThan(farthest + 100);
    expect(c.maxDeliveryRadiusM.to).toBeLessThanOrEqual(LIMITS.store.maxDeliveryRadiusM);
    expect(c.dailyOrderCapacity).toEqual({ from: 300, to: 500 });
    expect(c.reason).toMatch(/store limits/);
    // The proposal carries the same values as overrides, so applying it writes them to the node.
    expect(w.proposal.overrides).toEqual([{ nodeId: 'open', maxDeliveryRadiusM: c.maxDeliveryRadiusM.to, dailyOrderCapacity: 500 }]);
  });

  it('changes nothing when the nodes as they are serve every zone', async () => {
    const w = await widen([node('closed', 'store', 116.5, 1000, 3000), open], zones);
    expect(w.nodeChanges).toEqual([]);
    expect(w.proposal.totals.unservedOrdersPerDay).toBe(0);
  });

  it('says why a zone stays unserved and the smallest change that would serve it: radius beyond the limit', async () => {
    const far = zone('far', 116.6, 50, 'closed'); // ~12 km from the open store, beyond the 6 km limit
    const w = await widen([closed, open], [...zones, far]);
    const u = w.unserved.find((x) => x.zoneId === 'far')!;
    expect(u.why).toBe('radius');
    expect(u.smallestChange?.nodeId).toBe('open');
    expect(u.smallestChange?.maxDeliveryRadiusM?.to).toBeGreaterThanOrEqual(haversineExactM(open, far.centroid));
    expect(u.message).toMatch(/limit 6000 m/);
  });

  it('says why a zone stays unserved and the smallest change that would serve it: capacity at the limit', async () => {
    const tight = { ...LIMITS, store: { maxDeliveryRadiusM: 6000, maxDailyOrderCapacity: 400 } };
    const w = await widen([closed, open], zones, tight);
    expect(w.proposal.totals.unservedOrdersPerDay).toBe(100);
    expect(w.unserved).toHaveLength(1);
    expect(w.unserved[0].why).toBe('capacity');
    expect(w.unserved[0].smallestChange).toEqual({ nodeId: 'open', dailyOrderCapacity: { from: 400, to: 500 } });
  });

  it('says no node when nothing trades', async () => {
    const w = await widen([closed, node('open', 'store', 116.46, 300, 2000, false)], zones);
    expect(w.unserved.every((u) => u.why === 'no_node' && u.smallestChange === null)).toBe(true);
  });

  it('never takes service away from a zone served before to serve a new one', async () => {
    // One node with room for 200: it keeps its own 200-order zone rather than swap it for a 250-order unserved one.
    const n = node('n', 'store', 116.46, 200, 3000);
    const w = await widen([n], [zone('mine', 116.46, 200, 'n'), zone('new', 116.47, 250, null)], { store: { maxDeliveryRadiusM: 3000, maxDailyOrderCapacity: 200 } });
    expect(w.unserved.map((u) => u.zoneId)).toEqual(['new']);
    expect(w.proposal.changes.find((c) => c.zoneId === 'mine')).toBeUndefined();
  });

  it('refuses limits that are not whole metres and orders, naming the field', () => {
    const r = checkLimits({ store: { maxDeliveryRadiusM: -1, maxDailyOrderCapacity: 10 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe('limits.store.maxDeliveryRadiusM');
  });
});
