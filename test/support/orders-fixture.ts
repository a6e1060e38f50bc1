import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import * as inv from '../../src/store/inventory.ts';
import type { Operation } from '../../src/domain/inventory/index.ts';
import type { DB } from '../../src/store/tables.ts';

/**
 * A small named network for the order tests: store A and satellite warehouse B, 600 m apart in
 * Yizhuang, both reaching the test address; a handful of items; stock at both; hourly slots
 * 07:00-22:00 Beijing time on 2022-06-22 (the test clock says 14:00 there) and 2022-06-23.
 */
export const DAY = '2022-06-22';
export const SLOT = '2022-06-22T15:00:00+08:00';
export const TOMORROW_SLOT = '2022-06-23T09:00:00+08:00';
export const HOME = { lat: 39.79, lng: 116.5 };
export const FAR_AWAY = { lat: 31.23, lng: 121.47 };
export const NOW = new Date('2022-06-22T06:00:00Z');

export const NODES = [
  { id: 'A', kind: 'store', nameZh: '门店A', nameEn: 'Store A', lat: 39.7905, lng: 116.5005, dailyOrderCapacity: 150, maxDeliveryRadiusM: 3000 },
  { id: 'B', kind: 'satellite_warehouse', nameZh: '卫星仓B', nameEn: 'Satellite B', lat: 39.795, lng: 116.505, dailyOrderCapacity: 150, maxDeliveryRadiusM: 3000 },
];
export const ITEMS = [
  { id: 'rice-1', nameZh: '大米1', nameEn: 'Rice 1', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365, essentialTier: 'key' },
  { id: 'rice-2', nameZh: '大米2', nameEn: 'Rice 2', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365, essentialTier: 'key' },
  { id: 'oil-1', nameZh: '油1', nameEn: 'Oil 1', category: 'oil', unit: 'bottle', temperatureClass: 'ambient', shelfLifeDays: 365, essentialTier: 'essential' },
  { id: 'oil-2', nameZh: '油2', nameEn: 'Oil 2', category: 'oil', unit: 'bottle', temperatureClass: 'ambient', shelfLifeDays: 365, essentialTier: 'essential' },
  { id: 'eggs-1', nameZh: '鸡蛋', nameEn: 'Eggs', category: 'eggs', unit: 'box', temperatureClass: 'chilled', shelfLifeDays: 20, essentialTier: 'none' },
  { id: 'last-1', nameZh: '最后一件', nameEn: 'The last units', category: 'snacks', unit: 'pack', temperatureClass: 'ambient', shelfLifeDays: 100, essentialTier: 'none' },
];
export const STOCK: Array<[string, string, number, string?]> = [
  ['A', 'rice-1', 6, '2022-06-25'],
  ['A', 'rice-1', 6, '2022-07-30'],
  ['A', 'rice-2', 20],
  ['A', 'oil-1', 5],
  ['A', 'oil-2', 20],
  ['A', 'eggs-1', 40, '2022-06-28'],
  ['B', 'rice-1', 3],
  ['B', 'eggs-1', 50, '2022-06-29'],
];

export async function loadOrderFixture(app: FastifyInstance, db: Kysely<DB>, opts: { lastUnits?: number } = {}): Promise<void> {
  for (const n of NODES) expectOk(await app.inject({ method: 'POST', url: '/api/nodes', payload: n }));
  for (const i of ITEMS) expectOk(await app.inject({ method: 'POST', url: '/api/items', payload: i }));
  const ops: Operation[] = STOCK.map(([nodeId, itemId, quantity, expiry], k) => ({
    kind: 'receipt', key: `fixture-${k}`, nodeId, itemId, quantity, reason: 'opening_balance',
    ...(expiry ? { lot: { code: `${itemId}-${expiry}`, expiryDate: expiry } } : {}),
  }));
  if (opts.lastUnits) ops.push({ kind: 'receipt', key: 'fixture-last', nodeId: 'A', itemId: 'last-1', quantity: opts.lastUnits, reason: 'opening_balance' });
  await db.transaction().execute((trx) => inv.postOperations(trx, ops, { now: NOW }));
  for (const nodeId of ['A', 'B']) {
    for (const day of [DAY, '2022-06-23']) {
      expectOk(await app.inject({ method: 'PUT', url: '/api/slots', payload: { nodeId, day } }));
    }
  }
}

function expectOk(r: { statusCode: number; body: string }): void {
  if (r.statusCode >= 300) throw new Error(`fixture request failed: ${r.statusCode} ${r.body}`);
}

/** An order from HOME; each customer is its own household unless `address` says otherwise. */
export const order = (lines: Array<[string, number]>, extra: Record<string, unknown> = {}) => ({
  customerId: 'c-1',
  address: { ...HOME, householdId: `household-of-${(extra.customerId as string | undefined) ?? 'c-1'}` },
  lines: lines.map(([itemId, quantity]) => ({ itemId, quantity })),
  slotStart: SLOT,
  ...extra,
});

export async function reservedAt(db: Kysely<DB>, nodeId: string, itemId: string): Promise<{ onHand: number; reserved: number }> {
  const r = (await inv.balances(db, { nodeId, itemId, includeZero: true })).rows[0];
  return { onHand: r?.onHand ?? 0, reserved: r?.reserved ?? 0 };
}
