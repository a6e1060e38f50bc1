import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testClock, type TestApp } from './support/app.ts';

/** Picking with no date uses today's operating day (Beijing): an expired lot is never taken. */
let t: TestApp;
// 00:30 Beijing on 23 June: still the 22nd in UTC.
const clock = testClock('2022-06-23T00:30:00+08:00');
const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as any });

beforeAll(async () => {
  t = await createTestApp({ clock });
  expect((await post('/api/nodes', { id: 'n1', kind: 'store', nameZh: '店', nameEn: 'Store', lat: 39.79, lng: 116.5 })).statusCode).toBe(201);
  expect((await post('/api/items', { id: 'MILK', nameZh: '奶', nameEn: 'Milk', category: 'dairy', unit: 'box', temperatureClass: 'chilled', shelfLifeDays: 10 })).statusCode).toBe(201);
  // A lot that expired on the 22nd (Beijing), and a fresh one.
  for (const [code, expiryDate] of [['OLD', '2022-06-22'], ['NEW', '2022-07-01']]) {
    const r = await post('/api/inventory/movements', { kind: 'receipt', key: `rcv-${code}`, nodeId: 'n1', itemId: 'MILK', quantity: 5, lot: { code, expiryDate }, reason: 'supplier_delivery' });
    expect(r.statusCode, r.body).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('a pick with no date', () => {
  it('takes the lot still sellable on today\'s Beijing operating day, not one that expired the day before', async () => {
    const r = await post('/api/inventory/movements', { kind: 'pick', key: 'pick-1', nodeId: 'n1', itemId: 'MILK', quantity: 3, reason: 'order_pick' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().lines.map((l: any) => l.lotCode)).toEqual(['NEW']);
  });

  it('is refused when only expired stock would fill it, in a batch too', async () => {
    const r = await post('/api/inventory/movements/batch', { operations: [{ kind: 'pick', key: 'pick-2', nodeId: 'n1', itemId: 'MILK', quantity: 3, reason: 'order_pick' }] });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('insufficient_stock');
  });
});
