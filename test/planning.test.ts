import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput, NodeInput } from '../src/domain/network/index.ts';
import { postOperations, balances } from '../src/store/inventory.ts';
import { upsertDemand, upsertItems, upsertNodes } from '../src/store/network.ts';
import { createTestApp, type TestApp } from './support/app.ts';

/**
 * "ReopeningDazu": the store inside the lockdown reopens online-only and needs stock. The
 * other store (Yicheng) has rice above its own target, the DC has a milk shipment on the road
 * to the satellite warehouse (which has plenty), and the grain supplier sells flour in packs
 * of 10 with a MOQ of 20.
 */
const node = (id: string, kind: NodeInput['kind'], lat: number, lng: number, status: NodeInput['status'] = 'open'): NodeInput => ({
  id, kind, nameZh: id, nameEn: id, lat, lng, status, storageUnit: 'm2', storageAmbient: 100, storageChilled: 50, storageFrozen: 10,
});
const item = (id: string, category: string, temperatureClass: ItemInput['temperatureClass'], volumeCm3: number): ItemInput => ({
  id, nameZh: id, nameEn: id, category, unit: 'bag', temperatureClass, shelfLifeDays: 30, packSize: 10, volumeCm3, essentialTier: 'essential',
});

let t: TestApp;
const now = new Date('2022-06-23T06:00:00Z');
const post = (url: string, payload?: unknown, key?: string) =>
  t.app.inject({ method: 'POST', url, payload: payload as any, headers: key ? { 'idempotency-key': key } : {} });

beforeAll(async () => {
  t = await createTestApp();
  await upsertNodes(t.db, [
    node('dazu', 'store', 39.79, 116.5069, 'online_only'),
    node('yicheng', 'store', 39.761, 116.503),
    node('satellite', 'satellite_warehouse', 39.778, 116.525),
    node('dc', 'distribution_centre', 39.75, 116.56),
  ], now);
  await upsertItems(t.db, [item('rice', 'rice', 'ambient', 6500), item('flour', 'flour', 'ambient', 6500), item('milk', 'dairy', 'chilled', 1100), item('chips', 'snacks', 'ambient', 500)], now);
  await upsertDemand(t.db, [
    { nodeId: 'dazu', itemId: 'rice', dailyQuantity: 10 },
    { nodeId: 'dazu', itemId: 'flour', dailyQuantity: 3 },
    { nodeId: 'dazu', itemId: 'milk', dailyQuantity: 8 },
    { nodeId: 'dazu', itemId: 'chips', dailyQuantity: 50 },
    { nodeId: 'yicheng', itemId: 'rice', dailyQuantity: 10 },
    { nodeId: 'satellite', itemId: 'milk', dailyQuantity: 4 },
  ]);
  await postOperations(
    t.db,
    [
      { kind: 'receipt', key: 'open-1', nodeId: 'yicheng', itemId: 'rice', quantity: 150, reason: 'opening_balance' },
      { kind: 'receipt', key: 'open-2', nodeId: 'satellite', itemId: 'milk', quantity: 30, reason: 'opening_balance' },
    ],
    { now },
  );
});
afterAll(async () => t?.close());

describe('planning API, end to end', () => {
  it('selects the assortment by demand within the size, leaving snacks out', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/api/planning/settings', payload: { size: 3, categoryMinimums: {}, keyRule: { categories: ['rice'], topPerCategory: 1 }, multipliers: { essential: 5, key: 10, byNode: { yicheng: { key: 5 } } } } })).statusCode).toBe(200);
    const r = await post('/api/planning/assortment/run');
    expect(r.statusCode).toBe(200);
    expect(r.json().lines.map((l: any) => [l.itemId, l.tier]).sort()).toEqual([['flour', 'essential'], ['milk', 'essential'], ['rice', 'key']]);
  });

  it('shows surge targets: 10x for the key item, 5x for essentials', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/planning/targets?nodeId=dazu' });
    expect(r.json().targets.map((x: any) => [x.itemId, x.targetUnits, x.daysOfCover])).toEqual([['flour', 15, 5], ['milk', 40, 5], ['rice', 100, 10]]);
  });

  it('plans the reopening store from a transfer, a diversion and a supplier order, each with its reason', async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/api/planning/suppliers',
      payload: {
        suppliers: [{ id: 'grain', name: 'Grain & oil', dailyCapacityUnits: 1000 }],
        supplierItems: [{ supplierId: 'grain', itemId: 'flour', packSize: 10, moqUnits: 20, leadTimeH: 12, expeditedLeadTimeH: null, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 40 }],
      },
    });
    await t.app.inject({ method: 'PUT', url: '/api/planning/shipments', payload: { shipments: [{ id: 'S1', fromNodeId: 'dc', toNodeId: 'yicheng', itemId: 'milk', quantity: 30, status: 'in_transit' }] } });
    const r = await post('/api/planning/plans', { receivers: ['dazu'] }, 'plan-1');
    expect(r.statusCode).toBe(201);
    const plan = r.json();
    const line = (kind: string, itemId: string) => plan.lines.find((l: any) => l.kind === kind && l.itemId === itemId);
    // Yicheng keeps its own target of 50 (5x for it) and gives the 100 the key item needs.
    expect(line('transfer', 'rice')).toMatchObject({ fromNodeId: 'yicheng', quantity: 100 });
    expect(line('transfer', 'rice').reason).toContain('yicheng keeps 50 ≥ its target 50');
    // Milk: 10 from the satellite (30 against its target of 20), 30 held back from the DC
    // shipment to Yicheng, which sells no milk.
    expect(line('transfer', 'milk')).toMatchObject({ fromNodeId: 'satellite', quantity: 10 });
    expect(line('diversion', 'milk')).toMatchObject({ shipmentId: 'S1', originalNodeId: 'yicheng', quantity: 30 });
    // Flour: 15 needed, MOQ 20 in packs of 10.
    expect(line('supplier_order', 'flour')).toMatchObject({ supplierId: 'grain', quantity: 20, packs: 2 });
    expect(plan.shortages).toEqual([]);
    expect(plan.status).toBe('draft');
  });

  it('applies the plan atomically: transfer order with a hold at the giver, purchase order, split shipment', async () => {
    const id = (await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans[0].id;
    const r = await post(`/api/planning/plans/${id}/apply`, undefined, 'apply-1');
    expect(r.statusCode).toBe(200);
    const plan = r.json();
    expect(plan.status).toBe('applied');
    expect(plan.documents.map((d: any) => d.kind).sort()).toEqual(['diversion', 'purchase_order', 'transfer_order', 'transfer_order']);
    const rice = (await balances(t.db, { nodeId: 'yicheng', itemId: 'rice' })).rows[0];
    expect(rice.reserved).toBe(100);
    const ships = (await t.app.inject({ method: 'GET', url: '/api/planning/shipments' })).json().shipments;
    expect(ships.map((s: any) => [s.toNodeId, s.quantity, s.divertedFrom])).toEqual([['yicheng', 0, null], ['dazu', 30, 'S1']]);
    const pos = (await t.app.inject({ method: 'GET', url: `/api/planning/purchase-orders?planId=${id}` })).json().lines;
    expect(pos).toEqual([expect.objectContaining({ supplierId: 'grain', toNodeId: 'dazu', itemId: 'flour', quantity: 20, packs: 2, status: 'open' })]);
    // Applying twice is a conflict; replaying the same key is not.
    expect((await post(`/api/planning/plans/${id}/apply`, undefined, 'apply-2')).statusCode).toBe(409);
    expect((await post(`/api/planning/plans/${id}/apply`, undefined, 'apply-1')).statusCode).toBe(200);
    // What the plan applied now counts as inbound: nothing more is needed at dazu.
    const needs = (await t.app.inject({ method: 'GET', url: '/api/planning/net-requirements?nodeId=dazu&onlyShort=true' })).json();
    // Transfers are still drafts, not yet inbound; the PO and the diverted shipment are.
    expect(needs.rows.map((n: any) => n.itemId)).toEqual(['milk', 'rice']);
  });

  it('dispatches the transfer order, releasing the hold', async () => {
    const id = (await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans[0].documents.find((d: any) => d.kind === 'transfer_order' && d.fromId === 'yicheng').id;
    const r = await post(`/api/planning/transfers/${id}/dispatch`, undefined, 'dispatch-1');
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('in_transit');
    const rice = (await balances(t.db, { nodeId: 'yicheng', itemId: 'rice' })).rows[0];
    expect([rice.onHand, rice.reserved]).toEqual([50, 0]);
  });

  it('receives the purchase order and the diverted shipment into the ledger at the reopening store', async () => {
    const plan = (await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans[0];
    const po = plan.documents.find((d: any) => d.kind === 'purchase_order').id;
    expect((await post(`/api/planning/purchase-orders/${po}/receive`, undefined, 'po-1')).json()).toMatchObject({ status: 'received', received: 20 });
    expect((await post(`/api/planning/purchase-orders/${po}/receive`, undefined, 'po-2')).statusCode).toBe(409);
    const diverted = (await t.app.inject({ method: 'GET', url: '/api/planning/shipments?nodeId=dazu' })).json().shipments[0];
    expect((await post(`/api/planning/shipments/${encodeURIComponent(diverted.id)}/receive`, undefined, 'ship-1')).statusCode).toBe(200);
    const rows = (await balances(t.db, { nodeId: 'dazu' })).rows.filter((r) => r.onHand > 0).map((r) => [r.itemId, r.onHand]);
    expect(rows).toEqual([['flour', 20], ['milk', 30]]);
  });

  it('exports the documents as an .xlsx workbook', async () => {
    const id = (await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans[0].id;
    const r = await t.app.inject({ method: 'GET', url: `/api/planning/plans/${id}/documents.xlsx` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Transfers 调拨单', 'Purchase orders 采购', 'Diversions 截留分流', 'Shortages 缺口', 'Summary']);
    expect(wb.getWorksheet('Transfers 调拨单')!.getRow(2).getCell(4).value).toBe('milk');
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['an unknown receiver', { receivers: ['nowhere'] }, 404, 'receivers.0'],
    ['a negative lead-time window', { params: { neededWithinH: -1 } }, 400, '/params/neededWithinH'],
    ['an unknown field', { receiver: ['dazu'] }, 400, ''],
  ];
  it.each(bad)('refuses a plan request with %s and changes nothing', async (_n, body, status, field) => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans.length;
    const r = await post('/api/planning/plans', body);
    expect(r.statusCode).toBe(status);
    if (field) expect(String(r.json().field)).toContain(field.replace(/^\//, '').replace(/\//g, '.'));
    expect((await t.app.inject({ method: 'GET', url: '/api/planning/plans' })).json().plans.length).toBe(before);
  });

  it('plans the whole network when no receivers are named', async () => {
    const r = await post('/api/planning/plans', {});
    expect(r.statusCode).toBe(201);
    expect(r.json().summary.receivers).toEqual(['dazu', 'satellite', 'yicheng']);
    expect(r.json().summary.objective).toBeLessThanOrEqual(r.json().summary.greedy.objective);
  });
});
