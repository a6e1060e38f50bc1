import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from './support/app.ts';

const store = {
  id: 's1',
  kind: 'store',
  nameZh: '测试店',
  nameEn: 'Test store',
  lat: 39.79,
  lng: 116.5,
  dailyOrderCapacity: 1000,
  maxDeliveryRadiusM: 3000,
};
const item = { id: 'RICE-1', nameZh: '大米', nameEn: 'Rice', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365 };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as any, headers });

async function counts() {
  const r = await t.app.inject({ method: 'GET', url: '/api/summary' });
  return r.json();
}

describe('health and docs', () => {
  it('reports the database as ok', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json().database).toBe('ok');
  });
  it('serves an OpenAPI 3 document that lists the network routes', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/nodes');
  });
});

describe('nodes', () => {
  it('creates a node and reads it back with defaults', async () => {
    const r = await post('/api/nodes', store);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ id: 's1', status: 'open', storageUnit: 'm2' });
    const g = await t.app.inject({ method: 'GET', url: '/api/nodes/s1' });
    expect(g.json().nameEn).toBe('Test store');
  });

  it('refuses a duplicate code with 409 and the field', async () => {
    const r = await post('/api/nodes', store);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'duplicate', field: 'id', actual: 's1' });
  });

  it.each([
    ['a latitude above 90', { ...store, id: 'x1', lat: 91 }, 'lat'],
    ['a longitude below -180', { ...store, id: 'x2', lng: -181 }, 'lng'],
    ['a negative capacity', { ...store, id: 'x3', dailyOrderCapacity: -5 }, 'dailyOrderCapacity'],
    ['a wrong type', { ...store, id: 'x4', lat: 'north' }, 'lat'],
    ['an unknown kind', { ...store, id: 'x5', kind: 'castle' }, 'kind'],
    ['a missing name', { ...store, id: 'x6', nameZh: undefined }, 'nameZh'],
    ['an unknown field', { ...store, id: 'x7', colour: 'red' }, 'colour'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_name, body, field) => {
    const before = await counts();
    const r = await post('/api/nodes', body);
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('validation_failed');
    expect(r.json().field).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('refuses malformed JSON with 400', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/nodes', payload: '{"id": ', headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'body' });
  });

  it('answers 404 with the error shape for an unknown id', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/nodes/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'not_found', actual: 'nope' });
  });

  it('changes status with a reason and keeps the history', async () => {
    const r = await post('/api/nodes/s1/status', { status: 'suspended', reason: 'inside a lockdown area' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'suspended', statusReason: 'inside a lockdown area' });
    await post('/api/nodes/s1/status', { status: 'online_only', reason: 'reopened for online orders' });
    const h = await t.app.inject({ method: 'GET', url: '/api/nodes/s1/status-history' });
    expect(h.json().events.map((e: any) => e.toStatus)).toEqual(['suspended', 'online_only']);
    // The reason also comes as a code with parameters, for the command centre to word.
    expect(r.json()).toMatchObject({ statusReasonCode: 'manual', statusReasonParams: { text: 'inside a lockdown area' } });
    expect(h.json().events[1]).toMatchObject({ reasonCode: 'manual', reasonParams: { text: 'reopened for online orders' } });
  });

  it('refuses a status change to the same status with 409', async () => {
    const r = await post('/api/nodes/s1/status', { status: 'online_only', reason: 'again' });
    expect(r.statusCode).toBe(409);
  });

  it('patches settings such as the delivery radius', async () => {
    const r = await t.app.inject({ method: 'PATCH', url: '/api/nodes/s1', payload: { maxDeliveryRadiusM: 5000 } });
    expect(r.statusCode).toBe(200);
    expect(r.json().maxDeliveryRadiusM).toBe(5000);
  });

  it('applies a write once when it is retried with the same idempotency key', async () => {
    const body = { ...store, id: 'idem1' };
    const a = await post('/api/nodes', body, { 'idempotency-key': 'k-1' });
    const b = await post('/api/nodes', body, { 'idempotency-key': 'k-1' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replay']).toBe('true');
    const c = await post('/api/nodes', { ...body, id: 'idem2' }, { 'idempotency-key': 'k-1' });
    expect(c.statusCode).toBe(409);
  });
});

describe('items and demand', () => {
  it('creates an item and sets its baseline demand', async () => {
    expect((await post('/api/items', item)).statusCode).toBe(201);
    const r = await t.app.inject({ method: 'PUT', url: '/api/demand', payload: { rows: [{ nodeId: 's1', itemId: 'RICE-1', dailyQuantity: 12 }] } });
    expect(r.statusCode).toBe(200);
    const d = await t.app.inject({ method: 'GET', url: '/api/demand?nodeId=s1' });
    expect(d.json().rows).toEqual([{ nodeId: 's1', itemId: 'RICE-1', dailyQuantity: 12 }]);
  });

  it('refuses demand for an unknown item with 404 naming the row', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/api/demand', payload: { rows: [{ nodeId: 's1', itemId: 'NOPE', dailyQuantity: 1 }] } });
    expect(r.statusCode).toBe(404);
    expect(r.json().field).toBe('rows.0.itemId');
  });

  it('refuses a negative demand quantity', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/api/demand', payload: { rows: [{ nodeId: 's1', itemId: 'RICE-1', dailyQuantity: -1 }] } });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toContain('dailyQuantity');
  });
});

describe('CSV and .xlsx import and export', () => {
  const csvHeader = 'id,nameZh,nameEn,category,unit,temperatureClass,shelfLifeDays,essentialTier';

  it('imports items from CSV', async () => {
    const csv = `${csvHeader}\nEGG-1,鸡蛋,Eggs,eggs,box,ambient,30,key\nMILK-1,牛奶,Milk,dairy,box,chilled,14,essential\n`;
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ rows: 2, imported: 2, created: 2, skipped: 0 });
  });

  it('reports every bad row with row, column, expected and actual, and imports nothing', async () => {
    const before = await counts();
    const csv = `${csvHeader}\nOK-1,好,Good,rice,bag,ambient,10,none\nBAD-1,坏,Bad,rice,bag,warm,10,none\nBAD-2,坏,Bad,rice,bag,ambient,-3,none\n`;
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    const errors = r.json().errors;
    expect(errors.map((e: any) => [e.row, e.column])).toEqual([
      [3, 'temperatureClass'],
      [4, 'shelfLifeDays'],
    ]);
    expect(errors[0].actual).toBe('warm');
    expect(await counts()).toEqual(before);
  });

  it('imports only the good rows when asked to skip bad rows', async () => {
    const csv = `${csvHeader}\nOK-2,好,Good,rice,bag,ambient,10,none\nBAD-3,坏,Bad,rice,bag,warm,10,none\n`;
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import?skipBadRows=true', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ imported: 1, skipped: 1 });
  });

  it('refuses a CSV with a missing required column', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import', payload: 'id,nameZh\nA,B\n', headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ row: 1 });
    expect(r.json().errors[0].message).toContain('nameEn');
  });

  it('refuses a row missing cells, naming them, instead of importing an item of defaults', async () => {
    const before = await counts();
    const header = 'id,nameZh,nameEn,category,unit,temperatureClass,shelfLifeDays,priceFen,volumeCm3';
    const csv = `${header}\nFULL-1,米,Rice,rice,bag,ambient,10,1250,900\nSHORT-1,盐,Salt,salt,bag,ambient,10\n`;
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([expect.objectContaining({ row: 3, column: 'priceFen,volumeCm3', actual: '7 cells' })]);
    expect(r.json().errors[0].message).toContain('missing priceFen, volumeCm3');
    expect(await counts()).toEqual(before);
    const item = await t.app.inject({ method: 'GET', url: '/api/items/SHORT-1' });
    expect(item.statusCode).toBe(404);
  });

  it('keeps an explicitly empty optional cell as "no value" (the row has every cell)', async () => {
    const header = 'id,nameZh,nameEn,category,unit,temperatureClass,shelfLifeDays,priceFen';
    const r = await t.app.inject({ method: 'POST', url: '/api/items/import', payload: `${header}\nEMPTY-1,盐,Salt,salt,bag,ambient,10,\n`, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(200);
  });

  it('refuses an .xlsx that is not a workbook', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/items/import?format=xlsx',
      payload: Buffer.from('this is not a zip file'),
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'body' });
  });

  it('round-trips items through .xlsx export and import', async () => {
    const exp = await t.app.inject({ method: 'GET', url: '/api/items/export?format=xlsx' });
    expect(exp.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exp.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBeGreaterThan(2);
    const imp = await t.app.inject({
      method: 'POST',
      url: '/api/items/import?format=xlsx',
      payload: exp.rawPayload,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(imp.statusCode).toBe(200);
    expect(imp.json().created).toBe(0);
    expect(imp.json().updated).toBe(imp.json().rows);
  });

  it('imports demand and refuses rows naming unknown nodes', async () => {
    const csv = 'nodeId,itemId,dailyQuantity\ns1,EGG-1,20\nghost,EGG-1,3\n';
    const r = await t.app.inject({ method: 'POST', url: '/api/demand/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ row: 3, column: 'nodeId', actual: 'ghost' });
  });

  it('exports nodes as CSV with a header row', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/nodes/export?format=csv' });
    expect(r.statusCode).toBe(200);
    expect(r.body.split('\n')[0]).toContain('id,kind,nameZh');
  });
});
