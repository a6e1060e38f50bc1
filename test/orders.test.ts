import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildApp } from '../src/api/server.ts';
import { ORDER_ROUTE_LOG_LEVEL } from '../src/api/routes/orders.ts';
import { checkProjection, ORDER_BATCH_HASH, postOperations } from '../src/store/inventory.ts';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import { DAY, FAR_AWAY, HOME, SLOT, TOMORROW_SLOT, loadOrderFixture, order, reservedAt } from './support/orders-fixture.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: testClock('2022-06-22T06:00:00.000Z') });
  await loadOrderFixture(t.app, t.db);
});
afterAll(async () => {
  await t.close();
});

const place = (body: unknown, key?: string) =>
  t.app.inject({ method: 'POST', url: '/api/orders', payload: body as any, headers: key ? { 'idempotency-key': key } : {} });
const post = (url: string, body?: unknown) => t.app.inject({ method: 'POST', url, payload: (body ?? {}) as any });

describe('placing an order', () => {
  it('accepts every line at the nearest node, reserves the stock and books the slot', async () => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const r = await place(order([['rice-2', 2], ['oil-2', 1]], { customerId: 'c-accept' }));
    expect(r.statusCode).toBe(201);
    const b = r.json();
    expect(b).toMatchObject({ status: 'accepted', rejectedLines: [] });
    expect(b.orders).toHaveLength(1);
    expect(b.orders[0]).toMatchObject({ nodeId: 'A', serviceDay: DAY, deliveryMode: 'door', lines: [{ lineNo: 0, itemId: 'rice-2', quantity: 2 }, { lineNo: 1, itemId: 'oil-2', quantity: 1 }] });
    expect((await reservedAt(t.db, 'A', 'rice-2')).reserved).toBe(before.reserved + 2);
    const o = await t.app.inject({ method: 'GET', url: `/api/orders/${b.orders[0].id}` });
    expect(o.json()).toMatchObject({ status: 'placed', customerId: 'c-accept', events: [{ toStatus: 'placed' }] });
  });

  it('accepts what it can, says what is left of the rest, and suggests a same-category substitute', async () => {
    const r = await place(order([['rice-2', 1], ['oil-1', 9]], { customerId: 'c-partial' }));
    expect(r.statusCode).toBe(201);
    const b = r.json();
    expect(b.status).toBe('partially_accepted');
    expect(b.rejectedLines).toEqual([
      expect.objectContaining({ line: 1, itemId: 'oil-1', code: 'insufficient_stock', available: 5, substitutes: [{ itemId: 'oil-2', available: expect.any(Number) }] }),
    ]);
  });

  it('refuses the whole order with 422 when the customer does not accept part of it, and reserves nothing', async () => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const r = await place(order([['rice-2', 1], ['oil-1', 9]], { customerId: 'c-whole', acceptPartial: false }));
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ status: 'rejected', code: 'insufficient_stock', orders: [] });
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(before);
  });

  it('splits the order across the two nodes when allowed', async () => {
    const r = await place(order([['oil-2', 1], ['eggs-1', 45]], { customerId: 'c-split', allowSplit: true }));
    expect(r.statusCode).toBe(201);
    expect(r.json().orders.map((o: any) => o.nodeId).sort()).toEqual(['A', 'B']);
  });

  it.each([
    ['an address no node reaches', order([['rice-2', 1]], { address: FAR_AWAY }), 'zone_not_served'],
    ['a day whose ordering window has not opened', order([['rice-2', 1]], { slotStart: TOMORROW_SLOT }), 'window_closed'],
    ['a slot that does not exist', order([['rice-2', 1]], { slotStart: '2022-06-22T23:30:00+08:00' }), 'slot_full'],
  ])('refuses %s with 422 and the reason', async (_n, body, code) => {
    const r = await place(body);
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ status: 'rejected', code });
  });

  it.each([
    ['an unknown item', order([['no-such-item', 1]]), 404, 'lines.0.itemId'],
    ['the same item twice', order([['rice-2', 1], ['rice-2', 1]]), 400, 'lines.1.itemId'],
    ['a fractional quantity', order([['rice-2', 1.5]]), 400, 'lines.0.quantity'],
    ['an unreadable slot time', order([['rice-2', 1]], { slotStart: 'soon' }), 400, 'slotStart'],
  ])('refuses %s naming the field, and changes nothing', async (_n, body, status, field) => {
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const r = await place(body);
    expect(r.statusCode).toBe(status);
    expect(r.json().field).toBe(field);
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(before);
  });
});

describe('purchase limits (限购)', () => {
  it('lets a customer buy up to the key-essential cap and refuses more the same day', async () => {
    expect((await place(order([['rice-2', 5]], { customerId: 'c-limit', address: { ...HOME, householdId: 'h-limit' } }))).statusCode).toBe(201);
    const r = await place(order([['rice-2', 1]], { customerId: 'c-limit', address: { ...HOME, householdId: 'h-limit' } }));
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'over_purchase_limit', rejectedLines: [{ itemId: 'rice-2', limitRemaining: 0 }] });
  });

  it('applies an operator’s per-item override', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/api/purchase-limits/oil-2', payload: { perCustomerPerDay: 1, perHouseholdPerDay: 2 } })).statusCode).toBe(200);
    const r = await place(order([['oil-2', 2]], { customerId: 'c-override' }));
    expect(r.json().rejectedLines[0]).toMatchObject({ code: 'over_purchase_limit', limitRemaining: 1 });
    await t.app.inject({ method: 'PUT', url: '/api/purchase-limits/oil-2', payload: { perCustomerPerDay: null, perHouseholdPerDay: null } });
  });
});

describe('idempotency', () => {
  it('places an order retried with the same key once and replays the answer', async () => {
    const body = order([['rice-2', 1]], { customerId: 'c-retry' });
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const first = await place(body, 'retry-key-1');
    const second = await place(body, 'retry-key-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replay']).toBe('true');
    expect(second.json().placementId).toBe(first.json().placementId);
    expect((await reservedAt(t.db, 'A', 'rice-2')).reserved).toBe(before.reserved + 1);
  });

  it('refuses the same key for a different order with 409', async () => {
    await place(order([['rice-2', 1]], { customerId: 'c-reuse' }), 'retry-key-2');
    const r = await place(order([['rice-2', 2]], { customerId: 'c-reuse' }), 'retry-key-2');
    expect(r.statusCode).toBe(409);
    expect(r.json().field).toBe('Idempotency-Key');
  });
});

describe('the order lifecycle', () => {
  it('picks first-expired-first-out, shrinks a short pick and releases the rest, then delivers', async () => {
    const placed = (await place(order([['rice-1', 4], ['oil-2', 2]], { customerId: 'c-life' }))).json();
    const id = placed.orders[0].id;
    const beforeOil = await reservedAt(t.db, 'A', 'oil-2');
    const picking = await post(`/api/orders/${id}/start-picking`);
    expect(picking.statusCode).toBe(200);
    expect(picking.json().pickList[0]).toMatchObject({ itemId: 'rice-1', lots: [{ lotCode: 'rice-1-2022-06-25', quantity: 4 }] });
    const packed = await post(`/api/orders/${id}/pack`, { lines: [{ lineNo: 1, pickedQuantity: 1 }] });
    expect(packed.statusCode).toBe(200);
    expect(packed.json().shortLines).toEqual([{ lineNo: 1, itemId: 'oil-2', shortBy: 1 }]);
    const oil = await reservedAt(t.db, 'A', 'oil-2');
    expect(oil).toEqual({ onHand: beforeOil.onHand - 1, reserved: beforeOil.reserved - 2 });
    expect((await post(`/api/orders/${id}/dispatch`)).json().status).toBe('out_for_delivery');
    expect((await post(`/api/orders/${id}/deliver`)).json().status).toBe('delivered');
    const cancel = await post(`/api/orders/${id}/cancel`, { reason: 'too late' });
    expect(cancel.statusCode).toBe(403);
    expect(cancel.json()).toMatchObject({ code: 'not_allowed', actual: 'delivered' });
  });

  it('cancelling releases the reservation and gives the slot back', async () => {
    const slotBooked = async () => (await t.app.inject({ method: 'GET', url: `/api/slots?nodeId=A&day=${DAY}` })).json().slots.find((s: any) => s.startAt === new Date(SLOT).toISOString()).booked;
    const before = await reservedAt(t.db, 'A', 'rice-2');
    const booked = await slotBooked();
    const id = (await place(order([['rice-2', 3]], { customerId: 'c-cancel' }))).json().orders[0].id;
    expect(await slotBooked()).toBe(booked + 1);
    const r = await post(`/api/orders/${id}/cancel`, { reason: 'changed my mind' });
    expect(r.json().status).toBe('cancelled');
    expect(await reservedAt(t.db, 'A', 'rice-2')).toEqual(before);
    expect(await slotBooked()).toBe(booked);
  });
});

describe('group orders (团购)', () => {
  const group = (members: number, min: number, qty = 1) => ({
    leaderId: 'leader-1',
    dropPoint: { id: 'bldg-7-gate', name: 'Building 7 gate', ...HOME },
    slotStart: SLOT,
    minHouseholds: min,
    members: Array.from({ length: members }, (_, i) => ({ customerId: `g-c${i}`, householdId: `g-h${i}`, lines: [{ itemId: 'eggs-1', quantity: qty }] })),
  });

  it('accepts a group as a whole: one order per household to the drop point, one delivery', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/group-orders', payload: group(4, 3) });
    expect(r.statusCode).toBe(201);
    const b = r.json();
    expect(b).toMatchObject({ status: 'accepted', households: 4, totals: [{ itemId: 'eggs-1', quantity: 4 }] });
    const g = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${b.groupId}` })).json();
    expect(g.orders).toHaveLength(4);
    expect(g.orders[0]).toMatchObject({ deliveryMode: 'drop_point', dropPoint: { id: 'bldg-7-gate' } });
  });

  it.each([
    ['fewer households than its minimum', group(2, 10), 'group_too_small'],
    ['more than any node holds', group(5, 3, 30), 'insufficient_stock'],
  ])('refuses a group with %s, and places nothing', async (_n, body, code) => {
    const r = await t.app.inject({ method: 'POST', url: '/api/group-orders', payload: body });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ status: 'refused', code, groupId: null });
  });
});

describe('slot and capacity views', () => {
  it('shows orders per slot against capacity, the backlog and what is sold out', async () => {
    await place(order([['oil-1', 5]], { customerId: 'c-soldout' }));
    const r = await t.app.inject({ method: 'GET', url: `/api/slots?nodeId=A&day=${DAY}` });
    expect(r.statusCode).toBe(200);
    const v = r.json();
    expect(v.slots).toHaveLength(15);
    const s = v.slots.find((x: any) => x.startAt === new Date(SLOT).toISOString());
    expect(s.capacity).toBe(10);
    expect(s.booked).toBeGreaterThan(0);
    expect(v.backlog).toBeGreaterThan(0);
    expect(v.windows[0]).toMatchObject({ nodeId: 'A', serviceDay: DAY, dayCapacity: 150 });
    expect(v.soldOutItems.map((x: any) => x.itemId)).toContain('oil-1');
  });
});

describe('node status', () => {
  it('falls back to the backup node when the serving node is suspended', async () => {
    expect((await post('/api/nodes/A/status', { status: 'suspended', reason: 'lockdown' })).statusCode).toBe(200);
    const r = await place(order([['eggs-1', 1]], { customerId: 'c-fallback' }));
    expect(r.statusCode).toBe(201);
    expect(r.json().orders[0].nodeId).toBe('B');
    expect(r.json().nodeRefusals).toEqual([expect.objectContaining({ nodeId: 'A', code: 'node_not_trading' })]);
    await post('/api/nodes/A/status', { status: 'online_only', reason: 'reopened for online orders' });
    expect((await place(order([['eggs-1', 1]], { customerId: 'c-online-only' }))).json().orders[0].nodeId).toBe('A');
  });
});

describe('the order hot path, lighter', () => {
  it('stores a marker as the batch key’s request hash, so a ledger operation reusing that key is refused, and the ledger still adds up', async () => {
    const r = await place(order([['eggs-1', 1]], { customerId: 'c-batch-key' }));
    expect(r.statusCode).toBe(201);
    const ops = (await sql<{ key: string; request_hash: string }>`SELECT key, request_hash FROM stock_operations WHERE key LIKE 'orders:%:reserve'`.execute(t.db)).rows;
    expect(ops.length).toBeGreaterThan(0);
    for (const o of ops) expect(o.request_hash).toBe(ORDER_BATCH_HASH);
    const [out] = await postOperations(t.db, [{ kind: 'reserve', key: ops[0].key, nodeId: 'A', itemId: 'eggs-1', quantity: 1, reservationId: 'hold-reusing-a-batch-key', reason: 'manual_hold' }], { now: testClock('2022-06-22T06:00:00.000Z').now(), atomic: false });
    expect(out).toMatchObject({ ok: false, error: { code: 'conflict', field: 'key' } });
    expect(await checkProjection(t.db)).toEqual([]);
  });

  it('logs no access line for an order placed, while other routes still log theirs', async () => {
    const lines: Array<{ level: number; msg: string; req?: { url: string }; reqId?: string }> = [];
    const app = await buildApp(t.deps, { logger: { level: 'info', stream: { write: (l: string) => lines.push(JSON.parse(l)) } } });
    try {
      const placed = await app.inject({ method: 'POST', url: '/api/orders', payload: order([['eggs-1', 1]], { customerId: 'c-quiet-log' }) as any });
      expect(placed.statusCode).toBe(201);
      const listed = await app.inject({ method: 'GET', url: '/api/orders?customerId=c-quiet-log' });
      expect(listed.json().orders).toHaveLength(1);
    } finally {
      await app.close();
    }
    expect(ORDER_ROUTE_LOG_LEVEL).toBe('warn');
    expect(lines.filter((l) => l.msg === 'incoming request').map((l) => l.req?.url)).toEqual(['/api/orders?customerId=c-quiet-log']);
    expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(1);
  });
});

// Last: drawing zones switches routing from the radius fallback to the zones context.
describe('lockdown drop points', () => {
  const square = (lat: number, lng: number, d: number) => ({
    type: 'Polygon',
    coordinates: [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]],
  });

  it('sends an order from inside a lockdown area to the area’s drop point, and one from outside to the door', async () => {
    const z = await t.app.inject({ method: 'POST', url: '/api/zones', payload: { id: 'z-home', name: 'Home zone', geometry: square(HOME.lat, HOME.lng, 0.02), demandOrdersPerDay: 100, servingNodeId: 'A', backupNodeIds: ['B'] } });
    expect(z.statusCode).toBe(201);
    const area = await t.app.inject({
      method: 'POST',
      url: '/api/control-areas',
      payload: { id: 'compound-lock', name: 'Compound 3', level: 'lockdown', geometry: square(HOME.lat, HOME.lng, 0.001), startsAt: '2022-06-22T00:00:00Z', allowOnlineOnly: true, dropPoints: [{ id: 'gate-3', name: 'Compound 3 north gate', lat: HOME.lat + 0.0009, lng: HOME.lng }] },
    });
    expect(area.statusCode).toBeLessThan(300);
    const inside = await place(order([['eggs-1', 1]], { customerId: 'c-locked' }));
    expect(inside.statusCode).toBe(201);
    expect(inside.json()).toMatchObject({ zoneId: 'z-home', orders: [{ deliveryMode: 'drop_point', dropPoint: { id: 'gate-3' } }] });
    const outside = await place(order([['eggs-1', 1]], { customerId: 'c-free', address: { lat: HOME.lat + 0.01, lng: HOME.lng } }));
    expect(outside.json()).toMatchObject({ zoneId: 'z-home', orders: [{ deliveryMode: 'door' }] });
  });
});
