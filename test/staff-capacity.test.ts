import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import { DAY, SLOT, loadOrderFixture, order } from './support/orders-fixture.ts';
import { restoreSlotCapacities, type SlotCapacityChange } from '../src/flows/staff-capacity.ts';

/**
 * Staffing → slot capacity: store A has one picker and one packer, both rostered on the late
 * shift (14:00-22:00 Beijing) of 2022-06-22; satellite B has nobody. At the slow rates below a
 * picker-hour is 2.55 orders and a packer-hour 5.1, so each late slot at A takes 2 orders, and
 * every other slot, at A and at B, none.
 */
let t: TestApp;
let planId = '';
let changes: SlotCapacityChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ clock: testClock('2022-06-22T06:00:00.000Z') });
  await loadOrderFixture(t.app, t.db);
  for (const s of [
    { id: 'pick-a', name: 'Picker A', homeNodeId: 'A', roles: ['picker'], permitStatus: 'cleared' },
    { id: 'pack-a', name: 'Packer A', homeNodeId: 'A', roles: ['packer'], permitStatus: 'cleared' },
  ]) expect((await post('/api/staff', s)).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: unknown = {}) => t.app.inject({ method: 'POST', url, payload: payload as any });
const slotsOf = async (nodeId: string) => (await t.app.inject({ method: 'GET', url: `/api/slots?nodeId=${nodeId}&day=${DAY}` })).json().slots as Array<{ startAt: string; capacity: number; booked: number }>;
const at = (iso: string) => new Date(iso).toISOString();

describe('applying a staffing plan sets the slot capacity of its nodes', () => {
  it('leaves the slots alone while the plan is a draft', async () => {
    const r = await post('/api/staffing-plans', {
      startsAt: '2022-06-21T16:00:00Z', // 00:00 in Beijing on 2022-06-22
      days: 1,
      shiftsPerDay: 3,
      nodeIds: ['A', 'B'],
      loads: [{ nodeId: 'A', shiftId: 'd1-late', orders: 5, inboundUnits: 0 }],
      defaultLoads: false,
      rates: { pickSPerOrder: 1200, packSPerOrder: 600, deliverSPerOrder: 0, managersPerShift: 0 },
    });
    expect(r.statusCode).toBe(201);
    planId = r.json().id;
    expect((await slotsOf('A')).find((s) => s.startAt === at(SLOT))?.capacity).toBe(10);
  });

  it('gives each slot the orders the rostered pickers and packers can handle, and none where nobody works', async () => {
    const r = await post(`/api/staffing-plans/${planId}/apply`);
    expect(r.statusCode).toBe(200);
    expect(r.json().slotCapacity.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'A' }), expect.objectContaining({ nodeId: 'B', after: 0 })]));
    const a = await slotsOf('A');
    expect(a.find((s) => s.startAt === at(SLOT))?.capacity).toBe(2);
    expect(a.find((s) => s.startAt === at('2022-06-22T09:00:00+08:00'))?.capacity).toBe(0);
    expect((await slotsOf('B')).every((s) => s.capacity === 0)).toBe(true);
  });

  it('refuses an order with slot_full once the roster capacity is used up', async () => {
    for (const c of ['cap-1', 'cap-2']) {
      const r = await post('/api/orders', order([['rice-2', 1]], { customerId: c }));
      expect(r.statusCode).toBe(201);
      expect(r.json().orders[0].nodeId).toBe('A');
    }
    const r = await post('/api/orders', order([['rice-2', 1]], { customerId: 'cap-3' }));
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('slot_full');
  });

  it('puts the old capacities back on undo, never below what is booked', async () => {
    const { applyStaffCapacity } = await import('../src/flows/staff-capacity.ts');
    // Applying the capacity again records the current state, which the undo then restores.
    changes = (await applyStaffCapacity(t.db, planId)).changes;
    const slot = changes.find((c) => c.nodeId === 'A' && c.startMs === Date.parse(SLOT))!;
    expect(slot).toMatchObject({ before: 2, after: 2 });
    await restoreSlotCapacities(t.db, changes.map((c) => (c === slot ? { ...c, before: 1 } : { ...c, before: 10 })));
    const a = await slotsOf('A');
    expect(a.find((s) => s.startAt === at(SLOT))).toMatchObject({ capacity: 2, booked: 2 });
    expect(a.find((s) => s.startAt === at('2022-06-22T09:00:00+08:00'))?.capacity).toBe(10);
  });
});
