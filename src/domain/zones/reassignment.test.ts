import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineExactM } from '../geo/distance.ts';
import { StraightLineTravel } from '../geo/travel.ts';
import { defaultSolver } from '../../solver/highs.ts';
import type { MipSolver } from '../../solver/model.ts';
import { geometryCentroid } from './geometry.ts';
import { planReassignment, type PlannerNode, type PlannerZone, type ReassignmentInput, type ReassignmentProposal } from './reassignment.ts';
import { syntheticReassignment } from './synthetic.ts';
import { yizhuangDemoZones } from './yizhuang-demo.ts';
import { zoneAllocation } from './zone.ts';

const travel = new StraightLineTravel();
const plan = async (input: ReassignmentInput, solver: MipSolver = defaultSolver): Promise<ReassignmentProposal> => {
  const r = await planReassignment(input, { travel, solver });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** The Yizhuang delivery nodes (scenario file; capacities and radii are estimates). */
const YIZHUANG_NODES = [
  { id: 'dazu-plaza', lat: 39.79, lng: 116.5069, maxDeliveryRadiusM: 5000, dailyOrderCapacity: 3000 },
  { id: 'yicheng-jingyuan', lat: 39.761, lng: 116.503, maxDeliveryRadiusM: 3000, dailyOrderCapacity: 3000 },
  { id: 'yz-satellite', lat: 39.778, lng: 116.525, maxDeliveryRadiusM: 3000, dailyOrderCapacity: 2500 },
  { id: 'yz-emergency', lat: 39.77, lng: 116.54, maxDeliveryRadiusM: 3000, dailyOrderCapacity: 2500 },
];

function yizhuangInput(suspended: string[]): ReassignmentInput {
  const zones = yizhuangDemoZones(YIZHUANG_NODES);
  return {
    zones: zones.map((z) => ({ id: z.id, centroid: geometryCentroid(z.geometry), demandOrdersPerDay: z.demandOrdersPerDay, current: zoneAllocation(z) })),
    nodes: YIZHUANG_NODES.map((n) => ({ ...n, trading: !suspended.includes(n.id) })),
  };
}

/** Two nodes 2 km apart and zones between them: small enough to reason about by hand. */
const node = (id: string, lng: number, capacity: number, radiusM = 3000): PlannerNode => ({ id, lat: 39.8, lng, trading: true, dailyOrderCapacity: capacity, maxDeliveryRadiusM: radiusM });
const zone = (id: string, lng: number, demand: number, servedBy: string | null): PlannerZone => ({
  id,
  centroid: { lat: 39.8, lng },
  demandOrdersPerDay: demand,
  current: servedBy ? [{ nodeId: servedBy, ordersPerDay: demand }] : [],
});

describe('the Yizhuang scenario: the Dazu Plaza store is suspended', () => {
  it('moves every Dazu zone to the store and warehouses that remain, leaving none unserved once they widen their range', async () => {
    const input = yizhuangInput(['dazu-plaza']);
    input.overrides = [
      { nodeId: 'yicheng-jingyuan', maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 4000 },
      { nodeId: 'yz-satellite', maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 3500 },
      { nodeId: 'yz-emergency', maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 3000 },
    ];
    const p = await plan(input);
    const dazuZones = input.zones.filter((z) => z.current[0]?.nodeId === 'dazu-plaza');
    expect(p.method).toBe('mip');
    expect(p.unserved).toEqual([]);
    expect(p.totals.unservedOrdersPerDay).toBe(0);
    expect(p.changes.map((c) => c.zoneId).sort()).toEqual(dazuZones.map((z) => z.id).sort());
    expect(p.changes.every((c) => c.oldNodeId === 'dazu-plaza' && c.newNodeId !== 'dazu-plaza')).toBe(true);
    const loads = Object.fromEntries(p.nodeLoads.map((l) => [l.nodeId, l]));
    expect(loads['dazu-plaza'].loadAfter).toBe(0);
    for (const l of p.nodeLoads) expect(l.loadAfter).toBeLessThanOrEqual(l.dailyOrderCapacity);
    expect(p.nodeLoads.reduce((s, l) => s + l.loadAfter, 0)).toBe(10_000);
    // Golden figures of the built-in scenario (update deliberately if the demo data changes).
    expect({ zones: input.zones.length, moved: p.changes.length, dazuOrders: loads['dazu-plaza'].loadBefore, loads: p.nodeLoads.map((l) => [l.nodeId, l.loadAfter]) }).toMatchInlineSnapshot(`
      {
        "dazuOrders": 4969,
        "loads": [
          [
            "dazu-plaza",
            0,
          ],
          [
            "yicheng-jingyuan",
            3534,
          ],
          [
            "yz-satellite",
            3488,
          ],
          [
            "yz-emergency",
            2978,
          ],
        ],
        "moved": 117,
        "zones": 319,
      }
    `);
  });

  it('reports the orders that cannot be served when the others keep their normal range and capacity', async () => {
    const p = await plan(yizhuangInput(['dazu-plaza']));
    expect(p.totals.unservedOrdersPerDay).toBeGreaterThan(0);
    const reasons = new Set(p.unserved.map((u) => u.reason));
    expect([...reasons].every((r) => r === 'no_node_in_reach' || r === 'all_in_reach_full')).toBe(true);
    expect(p.unserved.reduce((s, u) => s + u.ordersPerDay, 0)).toBe(p.totals.unservedOrdersPerDay);
    expect(p.nodeLoads.reduce((s, l) => s + l.loadAfter, 0) + p.totals.unservedOrdersPerDay).toBe(10_000);
  });
});

describe('planReassignment on small cases', () => {
  it('gives a zone to the nearest node with room', async () => {
    const p = await plan({ nodes: [node('a', 116.5, 100), node('b', 116.52, 100), { ...node('x', 116.51, 100), trading: false }], zones: [zone('z', 116.505, 50, 'x')] });
    expect(p.changes).toMatchObject([{ zoneId: 'z', oldNodeId: 'x', newNodeId: 'a', newSplit: null, unservedOrdersPerDay: 0 }]);
  });

  it('splits a zone between two nodes only when neither can take it alone', async () => {
    const p = await plan({ nodes: [node('a', 116.5, 60), node('b', 116.52, 60), { ...node('x', 116.51, 100), trading: false }], zones: [zone('z', 116.505, 100, 'x')] });
    expect(p.changes[0]).toMatchObject({ newNodeId: 'a', newSplit: { nodeId: 'b', ordersPerDay: 40 }, unservedOrdersPerDay: 0 });
    expect(p.totals.splitZones).toBe(1);
  });

  it('leaves nothing unserved and splits nothing when capacity is ample', async () => {
    const input = syntheticReassignment({ zones: 60, nodes: 6, seed: 3, capacitySlack: 5, nodesInReach: 30 });
    const p = await plan(input);
    expect(p.totals.unservedOrdersPerDay).toBe(0);
    expect(p.totals.splitZones).toBe(0);
  });

  it.each([
    ['no node reaches the zone', [node('a', 116.6, 1000, 1000)], 'no_node_in_reach', /no trading node's delivery radius reaches zone z/],
    ['every node in reach is full', [node('a', 116.5, 30)], 'all_in_reach_full', /every node in reach of zone z \(a\) is full/],
    ['every node is suspended', [{ ...node('a', 116.5, 100), trading: false }], 'no_node_in_reach', /no trading node/],
  ])('reports what cannot be served when %s', async (_name, nodes, reason, message) => {
    const p = await plan({ nodes, zones: [zone('z', 116.505, 50, null)] });
    expect(p.unserved).toHaveLength(1);
    expect(p.unserved[0]).toMatchObject({ zoneId: 'z', reason });
    expect(p.unserved[0].message).toMatch(message);
    expect(p.unserved[0].ordersPerDay).toBe(reason === 'all_in_reach_full' ? 20 : 50);
  });

  it('widening a radius in the plan brings a zone into reach', async () => {
    const nodes = [node('a', 116.6, 1000, 1000)];
    const before = await plan({ nodes, zones: [zone('z', 116.505, 50, null)] });
    const after = await plan({ nodes, zones: [zone('z', 116.505, 50, null)], overrides: [{ nodeId: 'a', maxDeliveryRadiusM: 10_000 }] });
    expect(before.totals.unservedOrdersPerDay).toBe(50);
    expect(after.totals.unservedOrdersPerDay).toBe(0);
    expect(after.nodeLoads[0]).toMatchObject({ nodeId: 'a', maxDeliveryRadiusM: 10_000, loadAfter: 50 });
  });

  it('refuses an override for an unknown node', async () => {
    const r = await planReassignment({ nodes: [node('a', 116.5, 10)], zones: [], overrides: [{ nodeId: 'b', dailyOrderCapacity: 5 }] }, { travel, solver: defaultSolver });
    expect(!r.ok && r.error).toMatchObject({ code: 'not_found', field: 'overrides.0.nodeId' });
  });

  it('falls back to the greedy heuristic when the solver fails, and says so', async () => {
    const broken: MipSolver = { solve: async () => ({ status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: 0, message: 'boom' }) };
    const p = await plan({ nodes: [node('a', 116.5, 100), { ...node('x', 116.51, 100), trading: false }], zones: [zone('z', 116.505, 50, 'x')] }, broken);
    expect(p.method).toBe('greedy');
    expect(p.fallbackReason).toMatch(/returned error \(boom\).*greedy fallback/);
    expect(p.changes[0].newNodeId).toBe('a');
  });
});

describe('every proposal respects reach and capacity (property)', () => {
  it('never assigns a zone beyond its node\'s radius nor loads a node over capacity', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 20, max: 120 }), fc.integer({ min: 3, max: 9 }), fc.double({ min: 0.5, max: 1.6, noNaN: true }), fc.boolean(), async (seed, zonesN, nodesN, slack, all) => {
        const input = { ...syntheticReassignment({ zones: zonesN, nodes: nodesN, seed, capacitySlack: slack }), scope: all ? ('all' as const) : ('affected' as const) };
        const p = await plan(input);
        const nodes = new Map(input.nodes.map((n) => [n.id, n]));
        const zones = new Map(input.zones.map((z) => [z.id, z]));
        for (const c of p.changes) {
          const z = zones.get(c.zoneId)!;
          const parts = [c.newNodeId ? { nodeId: c.newNodeId, orders: c.demandOrdersPerDay - (c.newSplit?.ordersPerDay ?? 0) - c.unservedOrdersPerDay } : null, c.newSplit ? { nodeId: c.newSplit.nodeId, orders: c.newSplit.ordersPerDay } : null].filter((x) => x !== null);
          for (const part of parts) {
            const n = nodes.get(part!.nodeId)!;
            expect(n.trading).toBe(true);
            expect(haversineExactM(n, z.centroid)).toBeLessThanOrEqual(n.maxDeliveryRadiusM);
            expect(part!.orders).toBeGreaterThan(0);
          }
        }
        for (const l of p.nodeLoads) {
          if (l.loadAfter > l.loadBefore) expect(l.loadAfter).toBeLessThanOrEqual(l.dailyOrderCapacity);
          if (!l.trading) expect(l.loadAfter).toBe(0);
        }
        const demand = input.zones.reduce((s, z) => s + z.demandOrdersPerDay, 0);
        expect(p.nodeLoads.reduce((s, l) => s + l.loadAfter, 0) + p.totals.unservedOrdersPerDay).toBe(demand);
      }),
      { numRuns: 25, seed: 20220622 },
    );
  });
});
