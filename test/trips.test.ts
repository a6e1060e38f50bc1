import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import { receipt, writeOff } from '../src/store/inventory.ts';
import { workflowJournal } from '../src/store/workflow.ts';
import * as trips from '../src/store/trips.ts';
import { inProcessSolve } from '../src/domain/trips/fixtures.ts';
import { sql } from 'kysely';

// A small network: the processing centre and the DC send to two stores.
const NODES = [
  { id: 'plc', kind: 'processing_centre', nameZh: '加工中心', nameEn: 'Processing centre', lat: 39.745, lng: 116.55, openingHours: '00:00-24:00' },
  { id: 'dc', kind: 'distribution_centre', nameZh: '大仓', nameEn: 'DC', lat: 39.75, lng: 116.56, openingHours: '00:00-24:00' },
  { id: 'store-a', kind: 'store', nameZh: '大族店', nameEn: 'Dazu store', lat: 39.79, lng: 116.5069, openingHours: '07:00-22:00' },
  { id: 'store-b', kind: 'store', nameZh: '亦城店', nameEn: 'Yicheng store', lat: 39.761, lng: 116.503, openingHours: '07:00-22:00' },
];
const ITEMS = [
  { id: 'MILK', nameZh: '鲜奶', nameEn: 'Fresh milk 1 L', category: 'dairy', unit: 'bottle', temperatureClass: 'chilled', shelfLifeDays: 7, weightG: 1000, volumeCm3: 1100 },
  { id: 'DUMPLING', nameZh: '水饺', nameEn: 'Frozen dumplings', category: 'frozen', unit: 'bag', temperatureClass: 'frozen', shelfLifeDays: 180, weightG: 1000, volumeCm3: 1500 },
  { id: 'RICE', nameZh: '大米', nameEn: 'Rice 5 kg', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365, weightG: 5000, volumeCm3: 6500 },
];

let t: TestApp;
const clock = testClock('2022-06-22T22:00:00.000Z'); // 06:00 on 23 June in Beijing
const DAY = '2022-06-23';
let key = 0;
const post = (url: string, payload?: unknown) => t.app.inject({ method: 'POST', url, payload: payload as any, headers: { 'idempotency-key': `k${++key}` } });
const get = (url: string) => t.app.inject({ method: 'GET', url });
const ok = async (p: Promise<any>, status = 200) => {
  const r = await p;
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  for (const n of NODES) await ok(post('/api/nodes', n), 201);
  for (const i of ITEMS) await ok(post('/api/items', i), 201);
  await t.db.transaction().execute(async (trx) => {
    for (const [node, item, q] of [['plc', 'MILK', 2000], ['plc', 'DUMPLING', 1000], ['dc', 'RICE', 1000]] as const)
      await receipt(trx, { key: `seed:${node}:${item}`, nodeId: node, itemId: item, quantity: q, reason: 'supplier_delivery' }, clock.now());
  });
  await ok(post('/api/fleet/vehicle-types', { id: 'reefer', kind: 'refrigerated_truck', homeNodeId: 'plc', count: 2 }), 201);
  await ok(post('/api/fleet/vehicle-types', { id: 'freezer', kind: 'frozen_truck', homeNodeId: 'plc', count: 1 }), 201);
  await ok(post('/api/fleet/vehicle-types', { id: 'van', kind: 'ambient_van', homeNodeId: 'dc', count: 1 }), 201);
  await ok(t.app.inject({ method: 'PUT', url: '/api/fleet/vehicles/reefer-1', payload: { vehicleTypeId: 'reefer', plate: '京A·L0001', driverName: 'Wang Wei' } }));
  const transfers: Array<[string, string, string, Array<[string, number]>]> = [
    ['TR-MILK-A', 'plc', 'store-a', [['MILK', 300]]],
    ['TR-MILK-B', 'plc', 'store-b', [['MILK', 200]]],
    ['TR-ICE-A', 'plc', 'store-a', [['DUMPLING', 150]]],
    ['TR-HUGE', 'plc', 'store-b', [['MILK', 1], ['DUMPLING', 900]]],
    ['TR-RICE-A', 'dc', 'store-a', [['RICE', 60]]],
    ['TR-RICE-B', 'dc', 'store-b', [['RICE', 40]]],
  ];
  for (const [id, from, to, lines] of transfers)
    await ok(post('/api/inventory/transfers', { id, fromNodeId: from, toNodeId: to, dispatch: false, lines: lines.map(([itemId, quantity]) => ({ itemId, quantity })) }), 201);
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('fleet', () => {
  it('lists vehicle types with the day\'s availability, which can be overridden', async () => {
    await ok(t.app.inject({ method: 'PUT', url: '/api/fleet/availability', payload: { vehicleTypeId: 'freezer', day: '2022-06-24', available: 0 } }));
    const f = await ok(get('/api/fleet?day=2022-06-24'));
    expect(f.vehicleTypes.find((v: any) => v.id === 'freezer')).toMatchObject({ count: 0, defaultCount: 1, compartments: [{ temperatureClass: 'frozen' }] });
    expect(f.vehicles).toEqual([expect.objectContaining({ id: 'reefer-1', plate: '京A·L0001' })]);
  });

  it('refuses a bad vehicle type, naming the field', async () => {
    const r = await post('/api/fleet/vehicle-types', { id: 'bad', kind: 'ambient_van', homeNodeId: 'plc', count: 1, shiftStart: '20:00', shiftEnd: '06:00' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'shiftEnd' });
    const r2 = await post('/api/fleet/vehicle-types', { id: 'bad', kind: 'ambient_van', homeNodeId: 'nowhere', count: 1 });
    expect(r2.statusCode).toBe(404);
    expect(r2.json()).toMatchObject({ field: 'homeNodeId' });
  });
});

describe('cold-chain trips from open transfers, end to end', () => {
  let planId = '';
  let tripId = '';

  it('plans the chilled and frozen transfers, reporting the oversized one with its reason', async () => {
    const plan = await ok(post('/api/trips/plans', { day: DAY, mode: 'cold', seed: 3, maxIterations: 300 }), 201);
    planId = plan.id;
    expect(plan.status).toBe('proposed');
    expect(plan.violations).toEqual([]);
    const onTrips = plan.result.trips.flatMap((x: any) => x.stops.map((s: any) => s.loadId)).sort();
    expect(onTrips).toEqual(['TR-ICE-A', 'TR-MILK-A', 'TR-MILK-B']);
    expect(plan.result.unassigned).toEqual([expect.objectContaining({ loadId: 'TR-HUGE', reason: 'incompatible' })]);
    const frozen = plan.result.trips.find((x: any) => x.stops.some((s: any) => s.loadId === 'TR-ICE-A'));
    expect(frozen.vehicleTypeId).toBe('freezer');
    expect(frozen.coolant.dryIceBags).toBeGreaterThan(0);
  });

  it('confirms the plan; its loads are no longer open for the next plan', async () => {
    const c = await ok(post(`/api/trips/plans/${planId}/confirm`));
    expect(c.status).toBe('confirmed');
    const again = await ok(post('/api/trips/plans', { day: DAY, mode: 'cold', seed: 3, maxIterations: 100 }), 201);
    expect(again.result.trips).toEqual([]);
    expect(again.result.unassigned.map((u: any) => u.loadId)).toEqual(['TR-HUGE']);
    const trips = (await ok(get(`/api/trips?day=${DAY}`))).trips;
    const milk = trips.find((x: any) => x.vehicleTypeId === 'reefer');
    tripId = milk.id;
    expect(milk).toMatchObject({ status: 'confirmed', vehicleId: 'reefer-1', driverName: 'Wang Wei' });
    expect(milk.stops.map((s: any) => s.loadId).sort()).toEqual(['TR-MILK-A', 'TR-MILK-B']);
    // The coolant note comes as a code with the rule's figures, for the command centre to word.
    expect(milk.coolantNoteCode).toBe('coolant_rule');
    expect(milk.coolantNoteParams).toMatchObject({ dryIceBagG: expect.any(Number), outsideTempC: expect.any(Number), crateL: expect.any(Number) });
  });

  it('refuses to confirm a plan whose load a confirmed trip carries, naming the load, and writes nothing', async () => {
    // The same load planned again on the next day (its vehicles free then): only its stop collides.
    const load = (await trips.requirePlan(t.db, planId)).loads.find((l) => l.id === 'TR-MILK-B')!;
    const draft = await trips.prepareLoadsPlan(t.db, { day: '2022-06-24', mode: 'cold', fromS: 6 * 3600, loads: [load], maxIterations: 100 }, inProcessSolve);
    expect(draft.result.trips.length).toBe(1);
    const saved = await trips.savePlan(t.db, draft, clock.now());
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM trips`.execute(t.db)).rows[0].n;
    await expect(t.db.transaction().execute((trx) => trips.confirmPlan(trx, saved.id, clock.now()))).rejects.toMatchObject({ error: { code: 'conflict', field: 'loads', actual: 'TR-MILK-B' } });
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM trips`.execute(t.db)).rows[0].n).toBe(before);
    expect((await trips.requirePlan(t.db, saved.id)).status).toBe('proposed');
  });

  it('prints the trip sheet as JSON, printable HTML and .xlsx', async () => {
    const sheet = await ok(get(`/api/trips/${tripId}/sheet`));
    expect(sheet).toMatchObject({ tripId, day: DAY, driver: { name: 'Wang Wei' }, vehicle: { plate: '京A·L0001' } });
    expect(sheet.stops[0].eta).toMatch(/^\d\d:\d\d$/);
    expect(sheet.coolant.icePacks).toBeGreaterThan(0);
    const html = await get(`/api/trips/${tripId}/sheet?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('派车单');
    expect(html.body).toContain('Fresh milk 1 L');
    const x = await get(`/api/trips/${tripId}/sheet?format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const values: string[] = [];
    wb.worksheets[0].eachRow((row) => values.push(JSON.stringify(row.values)));
    expect(values.join('\n')).toContain('MILK');
  });

  it('dispatch moves the transfers to in transit', async () => {
    const d = await ok(post(`/api/trips/${tripId}/dispatch`));
    expect(d.status).toBe('dispatched');
    for (const id of ['TR-MILK-A', 'TR-MILK-B']) expect((await ok(get(`/api/inventory/transfers/${id}`))).status).toBe('in_transit');
    const bal = await ok(get('/api/inventory/balances?nodeId=plc&itemId=MILK'));
    expect(bal.rows[0]).toMatchObject({ onHand: 1500 });
    const again = await post(`/api/trips/${tripId}/dispatch`);
    expect(again.statusCode).toBe(409);
  });

  it('undoes a dispatch whose stock cannot leave: the trip is confirmed again and nothing moved', async () => {
    const ice = (await ok(get(`/api/trips?day=${DAY}`))).trips.find((x: any) => x.stops.some((s: any) => s.loadId === 'TR-ICE-A'));
    // 1000 dumplings at plc, 900 written off: the 150 on the trip are no longer there.
    await t.db.transaction().execute((trx) => writeOff(trx, { key: 'wo:plc:dumpling', nodeId: 'plc', itemId: 'DUMPLING', lotCode: '', quantity: 900, reason: 'spoiled' }, clock.now()));
    const r = await post(`/api/trips/${ice.id}/dispatch`);
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'insufficient_stock', details: { tripId: ice.id, transferId: 'TR-ICE-A' } });
    expect((await ok(get(`/api/trips/${ice.id}`))).status).toBe('confirmed');
    expect((await ok(get('/api/inventory/transfers/TR-ICE-A'))).status).toBe('draft');
    const steps = await workflowJournal('trip_dispatch', ice.id, () => clock.now()).load(t.db);
    expect(steps.map((e) => [e.step, e.status])).toEqual([['trip', 'compensated'], ['transfers', 'failed']]);
  });

  it('arrival receives the counted quantities and records short as a variance', async () => {
    const stops = (await ok(get(`/api/trips/${tripId}`))).stops;
    const a = stops.find((s: any) => s.loadId === 'TR-MILK-A');
    const b = stops.find((s: any) => s.loadId === 'TR-MILK-B');
    const missing = await post(`/api/trips/${tripId}/arrive`, { stops: [{ seq: a.seq }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'stops.0.lines' });
    const r = await ok(post(`/api/trips/${tripId}/arrive`, { stops: [{ seq: a.seq, lines: [{ itemId: 'MILK', receivedQuantity: 296 }] }] }));
    expect(r.status).toBe('dispatched');
    expect(r.stops.find((s: any) => s.seq === a.seq).manifest[0]).toMatchObject({ quantity: 300, receivedQuantity: 296, varianceQuantity: -4 });
    const tr = await ok(get('/api/inventory/transfers/TR-MILK-A'));
    expect(tr).toMatchObject({ status: 'received', lines: [expect.objectContaining({ receivedQuantity: 296, varianceQuantity: -4 })] });
    const done = await ok(post(`/api/trips/${tripId}/arrive`, { stops: [{ seq: b.seq, asShipped: true }] }));
    expect(done.status).toBe('completed');
    const bal = await ok(get('/api/inventory/balances?nodeId=store-a&itemId=MILK'));
    expect(bal.rows[0]).toMatchObject({ onHand: 296 });
  });
});

describe('ambient waves', () => {
  let wavePlanId = '';
  it('puts the ambient transfers on the 14:00 wave, every trip leaving at 14:00', async () => {
    const s = await ok(t.app.inject({ method: 'PATCH', url: '/api/trips/settings', payload: { waves: ['06:00', '14:00'], outsideTempC: 33 } }));
    expect(s.waves).toEqual(['06:00', '14:00']);
    const plan = await ok(post('/api/trips/plans', { day: DAY, mode: 'wave', wave: '14:00', seed: 1, maxIterations: 200 }), 201);
    expect(plan.wave).toBe('14:00');
    wavePlanId = plan.id;
    expect(plan.violations).toEqual([]);
    expect(plan.result.trips.length).toBeGreaterThan(0);
    for (const trip of plan.result.trips) expect(trip.departS).toBe(14 * 3600);
    expect(plan.result.trips.flatMap((x: any) => x.stops.map((st: any) => st.loadId)).sort()).toEqual(['TR-RICE-A', 'TR-RICE-B']);
  });

  it('shows a confirmed plan as cancelled once every one of its trips is cancelled, not before', async () => {
    expect((await ok(post(`/api/trips/plans/${wavePlanId}/confirm`))).status).toBe('confirmed');
    const ids = (await ok(get(`/api/trips?planId=${wavePlanId}`))).trips.map((x: any) => x.id) as string[];
    expect(ids.length).toBeGreaterThan(0);
    for (const [i, id] of ids.entries()) {
      await ok(post(`/api/trips/${id}/cancel`));
      expect((await ok(get(`/api/trips/plans/${wavePlanId}`))).status).toBe(i === ids.length - 1 ? 'cancelled' : 'confirmed');
    }
  });

  it('refuses a bad setting, naming it', async () => {
    const r = await t.app.inject({ method: 'PATCH', url: '/api/trips/settings', payload: { waves: ['14:00', '06:00'] } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'waves.1' });
  });
});
