import { describe, expect, it } from 'vitest';
import { compileScenario, type ScenarioFile } from './scenario.ts';
import { runSimulation } from './engine.ts';
import { twoStores } from './fixtures.ts';

/** The actions a reviewed plan compiles to: exact zone assignments and deliveries after a lead time. */
async function run(mutate: (f: ScenarioFile) => void) {
  const f = twoStores();
  f.response.actions = [];
  mutate(f);
  const c = await compileScenario(f, f.network as any);
  if (!c.ok) throw new Error(c.error.message);
  return runSimulation(c.value.response, { stock: 'fast', series: false });
}

describe('plan actions in a scenario', () => {
  it('assign_zones hands exactly the named zones over, without the planner: the locked-down store\'s zones served by B', async () => {
    const none = await run(() => {});
    const handed = await run((f) => f.response.actions.push({ at: { day: 0, time: '09:00' }, kind: 'assign_zones', assignments: [{ zoneId: 'za1', nodeIds: ['store-b'] }, { zoneId: 'za2', nodeIds: ['store-b'] }] }));
    const one = await run((f) => f.response.actions.push({ at: { day: 0, time: '09:00' }, kind: 'assign_zones', assignments: [{ zoneId: 'za1', nodeIds: ['store-b'] }] }));
    expect(handed.summary.ordersServed).toBeGreaterThan(one.summary.ordersServed);
    expect(one.summary.ordersServed).toBeGreaterThan(none.summary.ordersServed);
  });

  it('a delivery brings its units to the node at its time', async () => {
    const base = await run(() => {});
    const delivered = await run((f) => f.response.actions.push({ at: { day: 1, time: '06:00' }, kind: 'delivery', nodeId: 'store-b', lines: [{ itemId: 'RICE', quantity: 500 }, { itemId: 'MILK', quantity: 300 }] }));
    // Day 1 at store B: the delivery on top of the 03:00 wave planned before it; later waves then need less.
    const received = (r: typeof base, day: number) => r.perDay.find((d) => d.nodeId === 'store-b' && d.day === day)!.unitsReceived;
    expect(received(delivered, 1) - received(base, 1)).toBe(800);
    expect(received(delivered, 2)).toBeLessThanOrEqual(received(base, 2));
  });

  it('a transfer sends only what the giver has: the rest is not sent, and the giver\'s stock goes down by what left', async () => {
    const base = await run(() => {});
    const asked = 1_000_000;
    // From B (trading) to A (the store inside the lockdown, which may receive but not give).
    const moved = await run((f) => f.response.actions.push({ at: { day: 1, time: '07:00' }, kind: 'transfer', fromNodeId: 'store-b', nodeId: 'store-a', arrive: { day: 1, time: '09:00' }, lines: [{ itemId: 'RICE', quantity: asked }] }));
    const row = (r: typeof base, node: string) => r.perDay.find((d) => d.nodeId === node && d.day === 1)!;
    const out = row(moved, 'store-b').unitsTransferredOut;
    expect(out).toBeGreaterThan(0);
    expect(out).toBeLessThan(asked);
    expect(row(moved, 'store-a').unitsReceived - row(base, 'store-a').unitsReceived).toBe(out);
    // The stock flow still balances at the giver, the transfer out counted.
    for (const r of moved.perDay) expect(r.openingOnHand + r.unitsReceived - r.unitsSold - r.unitsTransferredOut - r.unitsWrittenOff).toBe(r.closingOnHand);
  });

  it('a transfer from the store the lockdown suspends (A) sends nothing: it is sealed, nobody picks there', async () => {
    const moved = await run((f) => {
      f.response.actions.push({ at: { day: 1, time: '07:00' }, kind: 'transfer', fromNodeId: 'store-a', nodeId: 'store-b', arrive: { day: 1, time: '09:00' }, lines: [{ itemId: 'RICE', quantity: 100 }] });
    });
    expect(moved.perDay.find((d) => d.nodeId === 'store-a' && d.day === 1)!.unitsTransferredOut).toBe(0);
  });

  it('slot_capacity gives a node the roster\'s orders per hour: none staffed, none served; after the roster, its own staff again', async () => {
    const zero = await run((f) => f.response.actions.push({ at: { day: 0, time: '00:00' }, kind: 'slot_capacity', nodeId: 'store-b', ordersPerHour: new Array(48).fill(0) }));
    const served = (r: typeof zero, day: number) => r.perDay.find((d) => d.nodeId === 'store-b' && d.day === day)?.ordersServed ?? 0;
    expect([0, 1].map((d) => served(zero, d))).toEqual([0, 0]);
    expect(served(zero, 2)).toBeGreaterThan(10);
    const some = await run((f) => f.response.actions.push({ at: { day: 0, time: '00:00' }, kind: 'slot_capacity', nodeId: 'store-b', ordersPerHour: new Array(48).fill(0).map((_, h) => (h % 24 === 10 ? 3 : 0)) }));
    for (const d of [0, 1]) expect(served(some, d)).toBeLessThanOrEqual(3);
    expect(served(some, 1)).toBeGreaterThan(0);
  });

  it('refuses a delivery of an unknown item, naming the field', async () => {
    const f = twoStores();
    f.response.actions = [{ at: { day: 0 }, kind: 'delivery', nodeId: 'store-b', lines: [{ itemId: 'NOPE', quantity: 1 }] }] as any;
    const c = await compileScenario(f, f.network as any);
    expect(!c.ok && c.error.field).toBe('response.actions.0.lines.0.itemId');
  });
});
