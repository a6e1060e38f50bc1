import { describe, expect, it } from 'vitest';
import { inProcessSolve, oneTruck, planInput, threeTemps, transfer, vehicle } from './fixtures.ts';
import { planTrips, DEFAULT_PLAN_PARAMS, type PlanInput } from './plan.ts';
import { auditTripPlan } from './validate.ts';
import type { TripPlanResult } from './model.ts';
import { seededRandom } from '../shared/random.ts';

async function plan(input: PlanInput): Promise<TripPlanResult> {
  const r = await planTrips(input, inProcessSolve);
  const p = { ...DEFAULT_PLAN_PARAMS, ...(input.params ?? {}) };
  const violations = auditTripPlan({ plan: r, fleet: input.fleet, items: input.items, loads: input.loads, nodes: input.nodes, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne, busyUntil: input.busyUntil });
  expect(violations).toEqual([]);
  return r;
}

describe('planTrips on tiny named instances', () => {
  it('OneTruck: one truck takes both chilled transfers in one trip, on the golden schedule', async () => {
    const r = await plan(oneTruck());
    expect(r.unassigned).toEqual([]);
    expect(r.trips).toHaveLength(1);
    const t = r.trips[0];
    // Golden: the stores open at 07:00; the truck leaves so as to be at the first one then.
    expect({ ref: t.ref, key: t.vehicleKey, departS: t.departS, stops: t.stops.map((s) => [s.loadId, s.arrivalS, s.startS, s.departureS]), returnS: t.returnS, distanceM: t.distanceM }).toMatchInlineSnapshot(`
      {
        "departS": 24515,
        "distanceM": 18004,
        "key": "reefer#1",
        "ref": "T01",
        "returnS": 28325,
        "stops": [
          [
            "TR-2",
            25200,
            25200,
            25980,
          ],
          [
            "TR-1",
            26486,
            26486,
            27356,
          ],
        ],
      }
    `);
    expect(t.load.weightG.chilled).toBe(500_000);
    expect(t.coolant.icePacks).toBeGreaterThan(0);
    expect(t.coolant.dryIceBags).toBe(0);
  });

  it('ThreeTemps: frozen goods ride only in the freezer, ambient only in vans', async () => {
    const r = await plan(threeTemps());
    expect(r.unassigned).toEqual([]);
    for (const t of r.trips) {
      const ids = t.stops.map((s) => s.loadId);
      if (t.vehicleTypeId === 'freezer') expect(ids.every((i) => i.startsWith('TR-F'))).toBe(true);
      if (t.vehicleTypeId === 'reefer') expect(ids.every((i) => i.startsWith('TR-C'))).toBe(true);
      if (t.vehicleTypeId === 'van') expect(ids.every((i) => i.startsWith('TR-A'))).toBe(true);
    }
    expect(r.totals.trips).toBe(3);
    expect(r.totals.dryIceBags).toBeGreaterThan(0);
  });

  it('reproduces a seeded run exactly', async () => {
    const a = await plan(threeTemps());
    const b = await plan(threeTemps());
    expect(b).toEqual(a);
  });
});

describe('infeasible loads are reported with the reason, never dropped', () => {
  const cases: Array<{ name: string; input: () => PlanInput; loadId: string | null; reason: string; message: RegExp }> = [
    {
      name: 'an order bigger than any vehicle',
      input: () => planInput([transfer('BIG', 'plc-south', 'dazu-plaza', [['MILK', 5000]]), transfer('OK', 'plc-south', 'dazu-plaza', [['MILK', 10]])], [vehicle('reefer', 'refrigerated_truck', 'plc-south', 2)]),
      loadId: 'BIG', reason: 'demand_exceeds_capacity', message: /chilled 5,000 kg .*room 2,000 kg/,
    },
    {
      name: 'a time window no vehicle can reach',
      input: () => planInput([transfer('FAR', 'plc-south', 'far-away', [['MILK', 10]])], [vehicle('reefer', 'refrigerated_truck', 'plc-south', 1, { shiftStart: '06:00' })]),
      loadId: 'FAR', reason: 'time_window_unreachable', message: /07:00-08:00/,
    },
    {
      name: 'frozen goods with no frozen compartment in the fleet',
      input: () => planInput([transfer('ICE', 'plc-south', 'dazu-plaza', [['DUMPLING', 10]])], [vehicle('reefer', 'refrigerated_truck', 'plc-south', 1)]),
      loadId: 'ICE', reason: 'incompatible', message: /frozen/,
    },
    {
      name: 'a transfer with an unknown item',
      input: () => planInput([transfer('BAD', 'plc-south', 'dazu-plaza', [['NOPE', 1]])], [vehicle('reefer', 'refrigerated_truck', 'plc-south', 1)]),
      loadId: 'BAD', reason: 'invalid_load', message: /unknown item NOPE/,
    },
    {
      name: 'more loads than one small van can carry on a wave',
      input: () =>
        planInput(
          [transfer('W1', 'south-dc', 'dazu-plaza', [['RICE', 150]]), transfer('W2', 'south-dc', 'yicheng-jingyuan', [['RICE', 150]])],
          [vehicle('van', 'ambient_van', 'south-dc', 1)],
          { window: [21600, 50400], params: { fixedDeparture: true, loadingS: 1800 } },
        ),
      loadId: null, reason: 'fleet_exhausted', message: /another wave/,
    },
  ];
  it.each(cases)('$name → $reason', async ({ input, loadId, reason, message }) => {
    const r = await plan(input());
    const u = r.unassigned.find((x) => (loadId === null ? x.reason === reason : x.loadId === loadId));
    expect(u, JSON.stringify(r.unassigned)).toBeDefined();
    expect(u!.reason).toBe(reason);
    expect(u!.message).toMatch(message);
    expect(r.totals.assigned + r.totals.unassigned).toBe(r.totals.loads);
  });
});

describe('vehicles and rounds', () => {
  it('sends a vehicle based elsewhere empty to the origin and brings it home', async () => {
    const r = await plan(planInput([transfer('GIVE', 'dazu-plaza', 'yz-emergency', [['RICE', 50]])], [vehicle('van', 'ambient_van', 'south-dc', 1)]));
    const t = r.trips[0];
    expect(t.originNodeId).toBe('dazu-plaza');
    expect(t.endNodeId).toBe('south-dc');
    expect(t.deadheadM).toBeGreaterThan(0);
    expect(t.leaveHomeS).toBeLessThan(t.departS - 1800);
  });

  it('runs a second trip with the same truck when it is back in time', async () => {
    const loads = [transfer('A', 'plc-south', 'dazu-plaza', [['MILK', 1800]]), transfer('B', 'plc-south', 'yz-satellite', [['MILK', 1800]])];
    const r = await plan(planInput(loads, [vehicle('reefer', 'refrigerated_truck', 'plc-south', 1)]));
    expect(r.unassigned).toEqual([]);
    expect(r.trips.map((t) => t.vehicleKey)).toEqual(['reefer#1', 'reefer#1']);
    expect(r.trips[1].leaveHomeS).toBeGreaterThanOrEqual(r.trips[0].returnS + 1800);
  });

  it('leaves every trip of a wave at the wave time', async () => {
    const loads = [transfer('W1', 'south-dc', 'dazu-plaza', [['RICE', 100]]), transfer('W2', 'south-dc', 'yicheng-jingyuan', [['RICE', 100]]), transfer('W3', 'south-dc', 'yz-satellite', [['RICE', 100]])];
    const r = await plan(planInput(loads, [vehicle('van', 'ambient_van', 'south-dc', 3)], { window: [50400, 79200], params: { fixedDeparture: true } }));
    expect(r.trips.length).toBeGreaterThan(0);
    for (const t of r.trips) expect(t.departS).toBe(50400);
  });

  it('does not use a vehicle before a confirmed trip brings it back', async () => {
    const r = await plan({ ...oneTruck(), busyUntil: new Map([['reefer#1', 40000]]) });
    expect(r.trips[0].leaveHomeS).toBeGreaterThanOrEqual(40000);
  });
});

describe('property: random days plan into valid trips', () => {
  const stores = ['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite', 'yz-emergency'];
  const items = ['MILK', 'DUMPLING', 'RICE'];
  it.each([1, 2, 3, 4, 5])('seed %i: every load is on one trip or unassigned, and the audit finds nothing', async (seed) => {
    const rnd = seededRandom(seed);
    const loads = Array.from({ length: 8 + rnd.int(10) }, (_, i) =>
      transfer(`L${i}`, rnd.int(3) === 0 ? 'south-dc' : 'plc-south', stores[rnd.int(stores.length)], [[items[rnd.int(3)], 1 + rnd.int(600)]]));
    const fleet = [
      vehicle('reefer', 'refrigerated_truck', 'plc-south', 1 + rnd.int(2)),
      vehicle('freezer', 'frozen_truck', 'plc-south', rnd.int(2)),
      vehicle('multi', 'multi_temperature_truck', 'plc-south', rnd.int(2)),
      vehicle('van', 'ambient_van', 'south-dc', 1 + rnd.int(2)),
    ];
    const r = await plan(planInput(loads, fleet, { seed, maxIterations: 200 }));
    expect(r.totals.assigned + r.totals.unassigned).toBe(loads.length);
  });
});

describe('a slot of customer orders on riders', () => {
  it('batches a store\'s orders of one slot into rider routes inside the slot, each order whole', async () => {
    const rnd = seededRandom(11);
    const slot: [number, number] = [10 * 3600, 11 * 3600];
    const loads = Array.from({ length: 12 }, (_, i) => ({
      id: `O${i}`, kind: 'order' as const, originNodeId: 'dazu-plaza',
      destination: { id: `O${i}`, name: `order ${i}`, lat: 39.785 + rnd.next() * 0.01, lng: 116.502 + rnd.next() * 0.01 },
      lines: [{ itemId: 'MILK', quantity: 1 + rnd.int(3) }, { itemId: 'RICE', quantity: 1 }],
      windows: [slot],
    }));
    loads.push({ ...loads[0], id: 'O-HEAVY', destination: { ...loads[0].destination, id: 'O-HEAVY' }, lines: [{ itemId: 'RICE', quantity: 8 }] });
    const riders = [vehicle('rider', 'rider_ebike', 'dazu-plaza', 3)];
    const r = await plan(planInput(loads, riders, { window: [slot[0] - 3600, 86400], params: { loadingS: 300, stopFixedS: 180, stopSPerTonne: 0, turnaroundS: 300, maxRounds: 2 } }));
    expect(r.unassigned).toEqual([expect.objectContaining({ loadId: 'O-HEAVY', reason: 'demand_exceeds_capacity' })]);
    expect(r.totals.assigned).toBe(12);
    for (const t of r.trips)
      for (const s of t.stops) {
        expect(s.startS).toBeGreaterThanOrEqual(slot[0]);
        expect(s.startS).toBeLessThanOrEqual(slot[1]);
      }
  });
});
