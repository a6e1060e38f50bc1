import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';

let t: TestApp;

const nodes = [
  { id: 'yc-store', kind: 'store', nameZh: '亦城景园店', nameEn: 'Yicheng store', lat: 39.761, lng: 116.503 },
  { id: 'ew-1', kind: 'emergency_warehouse', nameZh: '保供仓', nameEn: 'Emergency warehouse', lat: 39.77, lng: 116.54 },
];
const items = [
  { id: 'RICE-5KG', nameZh: '大米', nameEn: 'Rice 5 kg', category: 'grain', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365, priceFen: 4990, essentialTier: 'key' },
  { id: 'MILK-1L', nameZh: '牛奶', nameEn: 'Milk 1 L', category: 'dairy', unit: 'carton', temperatureClass: 'chilled', shelfLifeDays: 7, priceFen: 1290, essentialTier: 'essential' },
];

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload: payload as any, headers });
const get = (url: string) => t.app.inject({ method: 'GET', url });

beforeAll(async () => {
  t = await createTestApp();
  for (const n of nodes) expect((await post('/api/nodes', n)).statusCode).toBe(201);
  for (const i of items) expect((await post('/api/items', i)).statusCode).toBe(201);
  await post('/api/demand/import', 'nodeId,itemId,dailyQuantity\nyc-store,RICE-5KG,20\nyc-store,MILK-1L,30\n', { 'content-type': 'text/csv' });
});
afterAll(async () => {
  await t.close();
});

describe('movements over HTTP', () => {
  it('posts receipts and shows on hand, available to promise and days of cover', async () => {
    expect((await post('/api/inventory/movements', { kind: 'receipt', key: 'rcv-rice', nodeId: 'yc-store', itemId: 'RICE-5KG', quantity: 100, reason: 'dc_replenishment' })).statusCode).toBe(201);
    const milk = await post('/api/inventory/movements', { kind: 'receipt', key: 'rcv-milk', nodeId: 'yc-store', itemId: 'MILK-1L', quantity: 60, lot: { code: 'M0624', expiryDate: '2022-06-24' }, reason: 'supplier_delivery' });
    expect(milk.json().lines[0]).toMatchObject({ kind: 'receipt', lotCode: 'M0624', onHandDelta: 60 });
    await t.app.inject({ method: 'PUT', url: '/api/inventory/nodes/yc-store/settings', payload: { onlineSafetyBuffer: 5 } });
    expect((await post('/api/inventory/movements', { kind: 'reserve', key: 'res-1', nodeId: 'yc-store', itemId: 'RICE-5KG', quantity: 15, reservationId: 'order-1/line-1' })).statusCode).toBe(201);
    const r = await get('/api/inventory/balances?nodeId=yc-store&essentialTier=key');
    expect(r.json()).toEqual({
      total: 1,
      rows: [
        {
          nodeId: 'yc-store', itemId: 'RICE-5KG', category: 'grain', temperatureClass: 'ambient', essentialTier: 'key',
          onHand: 100, reserved: 15, inTransitIn: 0, inTransitOut: 0, safetyBuffer: 5, availableToPromise: 80, dailyDemand: 20, daysOfCover: 5,
        },
      ],
    });
    const page = (await get('/api/inventory/balances?nodeId=yc-store&limit=1&offset=1')).json();
    expect([page.total, page.rows.map((x: any) => x.itemId)]).toEqual([2, ['RICE-5KG']]);
    const surge = await get('/api/inventory/balances?nodeId=yc-store&itemId=RICE-5KG&demand=surge&surgePercent=250');
    expect(surge.json().rows[0]).toMatchObject({ dailyDemand: 50, daysOfCover: 2 });
  });

  it('refuses an oversell with 422 insufficient_stock and the available quantity', async () => {
    const r = await post('/api/inventory/movements', { kind: 'pick', nodeId: 'yc-store', itemId: 'RICE-5KG', quantity: 86 });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'insufficient_stock', field: 'quantity', actual: 86, details: { available: 85 } });
  });

  it.each([
    { name: 'an adjustment without a reason code', body: { kind: 'adjustment', nodeId: 'yc-store', itemId: 'RICE-5KG', quantityDelta: -2 }, status: 400, field: 'reasonCode' },
    { name: 'a fractional quantity', body: { kind: 'receipt', nodeId: 'yc-store', itemId: 'RICE-5KG', quantity: 1.5, reason: 'supplier_delivery' }, status: 400, field: 'quantity' },
    { name: 'an unknown node', body: { kind: 'receipt', nodeId: 'nowhere', itemId: 'RICE-5KG', quantity: 1, reason: 'supplier_delivery' }, status: 404, field: 'nodeId' },
    { name: 'an unknown kind', body: { kind: 'teleport', nodeId: 'yc-store' }, status: 400, field: 'kind' },
  ])('refuses $name, naming the field', async ({ body, status, field }) => {
    const r = await post('/api/inventory/movements', body);
    expect(r.statusCode).toBe(status);
    expect(r.json().field).toBe(field);
  });

  it('posts a retried request once', async () => {
    const body = { kind: 'pick', nodeId: 'yc-store', itemId: 'RICE-5KG', quantity: 1 };
    const a = await post('/api/inventory/movements', body, { 'idempotency-key': 'walk-in-1' });
    const b = await post('/api/inventory/movements', body, { 'idempotency-key': 'walk-in-1' });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replay']).toBe('true');
    const m = await get('/api/inventory/movements?documentRef=&kind=pick&nodeId=yc-store');
    expect(m.json().movements.filter((x: any) => x.operationKey === 'walk-in-1')).toHaveLength(1);
  });

  it('exports the balance view as CSV and as .xlsx', async () => {
    const csv = await get('/api/inventory/balances/export?format=csv&nodeId=yc-store');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('nodeId,itemId,category,temperatureClass,essentialTier,onHand,reserved,inTransitIn,inTransitOut,safetyBuffer,availableToPromise,dailyDemand,daysOfCover');
    const x = await get('/api/inventory/balances/export?format=xlsx&category=dairy');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getRow(2).getCell(2).value).toBe('MILK-1L');
  });
});

describe('transfers over HTTP', () => {
  it('dispatches, shows stock in transit on both sides, and receives with a variance', async () => {
    const r = await post('/api/inventory/transfers', { id: 'TR-1', fromNodeId: 'yc-store', toNodeId: 'ew-1', lines: [{ itemId: 'MILK-1L', quantity: 20 }], asOf: '2022-06-22' });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ status: 'in_transit', lines: [{ itemId: 'MILK-1L', quantity: 20, lots: [{ lotCode: 'M0624', quantity: 20 }] }] });
    const both = (await get('/api/inventory/balances?itemId=MILK-1L')).json().rows;
    expect(both.find((b: any) => b.nodeId === 'yc-store')).toMatchObject({ onHand: 40, inTransitOut: 20 });
    expect(both.find((b: any) => b.nodeId === 'ew-1')).toMatchObject({ onHand: 0, inTransitIn: 20 });
    const recv = await post('/api/inventory/transfers/TR-1/receive', { lines: [{ itemId: 'MILK-1L', receivedQuantity: 21 }] });
    expect(recv.json()).toMatchObject({ status: 'received', lines: [{ receivedQuantity: 21, varianceQuantity: 1 }] });
    // The same receipt sent again is a retry and posts nothing; a different one is a conflict.
    const again = await post('/api/inventory/transfers/TR-1/receive', { lines: [{ itemId: 'MILK-1L', receivedQuantity: 21 }] });
    expect(again.statusCode).toBe(200);
    expect((await get('/api/inventory/balances?itemId=MILK-1L&nodeId=ew-1')).json().rows[0].onHand).toBe(21);
    const other = await post('/api/inventory/transfers/TR-1/receive', { lines: [{ itemId: 'MILK-1L', receivedQuantity: 19 }] });
    expect(other.statusCode).toBe(409);
  });
});

describe('counts and expiry over HTTP', () => {
  it('runs a blind count with a recount and posts it', async () => {
    const open = await post('/api/inventory/counts', { id: 'CNT-1', nodeId: 'yc-store', category: 'grain', recountThreshold: 3 });
    expect(open.statusCode).toBe(201);
    expect(open.json()).toMatchObject({ id: 'CNT-1', status: 'open', lines: 1 });
    const sheet = (await get('/api/inventory/counts/CNT-1')).json();
    expect(sheet.lines).toEqual([{ itemId: 'RICE-5KG', lotCode: '', countedQuantity: null, recountQuantity: null, status: 'not_counted' }]);
    const first = await post('/api/inventory/counts/CNT-1/entries', { lines: [{ itemId: 'RICE-5KG', quantity: 90 }] });
    expect(first.json().lines[0].status).toBe('recount_required');
    expect((await post('/api/inventory/counts/CNT-1/post', {})).statusCode).toBe(403);
    await post('/api/inventory/counts/CNT-1/entries', { lines: [{ itemId: 'RICE-5KG', quantity: 97 }] });
    const posted = await post('/api/inventory/counts/CNT-1/post', {});
    expect(posted.statusCode).toBe(200);
    expect(posted.json().lines[0]).toMatchObject({ bookQuantity: 99, countedQuantity: 97, differenceQuantity: -2, differenceValueFen: -9980 });
    const csv = await get('/api/inventory/counts/CNT-1/report?format=csv');
    expect(csv.body).toContain('RICE-5KG');
  });

  it('writes off expired milk in the daily job and reports it', async () => {
    const r = await post('/api/inventory/expiry-write-offs', { asOf: '2022-06-25' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ asOf: '2022-06-25', writtenOffQuantity: 61, blockedQuantity: 0 });
    expect((await get('/api/inventory/check')).json()).toEqual({ consistent: true, mismatches: [] });
  });
});
