import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';
import { transfersNotFitting } from '../src/flows/incident/figures.ts';
import { moveStock, prepareMoveStock } from '../src/flows/move-stock.ts';
import { receipt } from '../src/store/inventory.ts';

/** 搬仓 through the API on the demo network (clock: 2022-06-22 06:00 UTC, 14:00 in Beijing). */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({ method, url, payload: payload as any });
const balances = async (nodeId: string) => (await call('GET', `/api/inventory/balances?nodeId=${nodeId}&limit=5000`)).json().rows as Array<{ itemId: string; temperatureClass: string; category: string; onHand: number; reserved: number }>;
const transferCount = async () => (await call('GET', '/api/inventory/transfers')).json().transfers.length as number;

describe('moving a node’s stock to another node (搬仓)', () => {
  it('refuses an unknown node, the same node, an unknown class or category, naming the field, and creates nothing', async () => {
    const before = await transferCount();
    const cases: Array<[unknown, number, string]> = [
      [{ fromNodeId: 'nowhere', toNodeId: 'yicheng-jingyuan' }, 404, 'fromNodeId'],
      [{ fromNodeId: 'yz-satellite', toNodeId: 'nowhere' }, 404, 'toNodeId'],
      [{ fromNodeId: 'yz-satellite', toNodeId: 'yz-satellite' }, 400, 'toNodeId'],
      [{ fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', scope: { categories: ['moon-rock'] } }, 400, 'scope.categories.0'],
      [{ fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', scope: { temperatureClasses: ['lukewarm'] } }, 400, '/scope/temperatureClasses/0'],
    ];
    for (const [body, status, field] of cases) {
      const r = await call('POST', '/api/stock-moves', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(status);
      expect(r.json().field ?? '', JSON.stringify(r.json())).toContain(field.replace(/^\//, '').split('/')[0]);
    }
    expect(await transferCount()).toBe(before);
  });

  let move: any;
  it('moves the frozen stock in vehicle-sized loads of one class, holds it at the giver and confirms the trips', async () => {
    const frozen = (await balances('yz-satellite')).filter((b) => b.temperatureClass === 'frozen' && b.onHand - b.reserved > 0);
    expect(frozen.length).toBeGreaterThan(0);
    const free = frozen.reduce((a, b) => a + b.onHand - b.reserved, 0);
    const r = await call('POST', '/api/stock-moves', { fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', scope: { temperatureClasses: ['frozen'] } });
    expect(r.json().message ?? '').toBe('');
    expect(r.statusCode).toBe(201);
    move = r.json();
    expect(move.units).toBe(free);
    expect(move.items).toBe(frozen.length);
    expect(move.transfers.every((x: any) => x.temperatureClass === 'frozen')).toBe(true);
    expect(move.transfers.reduce((a: number, x: any) => a + x.units, 0)).toBe(free);
    expect(await transfersNotFitting(t.db, move.transfers.map((x: any) => x.id), '2022-06-22')).toBe(0);
    // Held at the giver: nothing frozen is free there any more.
    expect((await balances('yz-satellite')).filter((b) => b.temperatureClass === 'frozen').every((b) => b.onHand === b.reserved)).toBe(true);
    expect(move.trips.tripIds.length).toBeGreaterThan(0);
    expect(move.trips.coldChainTrips).toBe(move.trips.tripIds.length);
    expect(move.trips.dryIceBags).toBeGreaterThan(0);
    const listed = (await call('GET', '/api/trips')).json().trips.filter((x: any) => move.trips.tripIds.includes(x.id));
    expect(listed).toHaveLength(move.trips.tripIds.length);
    const onTrips = listed.flatMap((x: any) => x.stops.map((s: any) => s.loadId));
    const unassigned = move.trips.unassigned.map((u: any) => u.loadId);
    expect([...onTrips, ...unassigned].sort()).toEqual(move.transfers.map((x: any) => x.id).sort());
  }, 120_000);

  it('says there is nothing to move once the stock in scope is held, and creates nothing', async () => {
    const before = await transferCount();
    const r = await call('POST', '/api/stock-moves', { fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', scope: { temperatureClasses: ['frozen'] } });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ field: 'scope', actual: 0 });
    expect(await transferCount()).toBe(before);
  });

  it('receives a trip’s loads at the receiver with the counted quantities, recording the variance', async () => {
    const trip = (await call('GET', `/api/trips/${move.trips.tripIds[0]}`)).json();
    const d = await call('POST', `/api/trips/${trip.id}/dispatch`, {});
    expect(d.json().message ?? '').toBe('');
    expect(d.statusCode).toBe(200);
    const stop = trip.stops[0];
    const [short, ...rest] = stop.manifest;
    const lines = [{ itemId: short.itemId, receivedQuantity: short.quantity - 1 }, ...rest.map((m: any) => ({ itemId: m.itemId, receivedQuantity: m.quantity }))];
    const before = (await balances('yicheng-jingyuan')).find((b) => b.itemId === short.itemId)?.onHand ?? 0;
    const a = await call('POST', `/api/trips/${trip.id}/arrive`, { stops: [{ seq: stop.seq, lines }] });
    expect(a.json().message ?? '').toBe('');
    expect(a.statusCode).toBe(200);
    const line = a.json().stops.find((s: any) => s.seq === stop.seq).manifest.find((m: any) => m.itemId === short.itemId);
    expect(line.varianceQuantity).toBe(-1);
    expect((await balances('yicheng-jingyuan')).find((b) => b.itemId === short.itemId)!.onHand).toBe(before + short.quantity - 1);
  }, 60_000);

  it('plans its trips before the transaction, and plans again inside when the stock moved in between', async () => {
    const body = { fromNodeId: 'yz-satellite', toNodeId: 'yicheng-jingyuan', scope: { temperatureClasses: ['chilled' as const] } };
    const now = new Date('2022-06-22T06:00:00Z'); // the test app's clock
    const chilled = (await balances('yz-satellite')).filter((b) => b.temperatureClass === 'chilled' && b.onHand - b.reserved > 0);
    expect(chilled.length).toBeGreaterThan(0);
    const prepared = await prepareMoveStock(t.db, body, now);
    expect(prepared.trips.drafts.length).toBeGreaterThan(0);
    const plannedUnits = prepared.lines.reduce((a, l) => a + l.quantity, 0);
    // Goods arrive at the giver after the planning: the write sees other stock, and plans for it.
    await t.db.transaction().execute((trx) => receipt(trx, { key: 'stock-moves:race', nodeId: 'yz-satellite', itemId: chilled[0].itemId, quantity: 5, reason: 'supplier_delivery' }, now));
    const moved = await t.db.transaction().execute((trx) => moveStock(trx, body, now, { prepared }));
    expect(moved.moveId).not.toBe(prepared.moveId);
    expect(moved.units).toBe(plannedUnits + 5);
    const loads = moved.transfers.map((x) => x.id).sort();
    const listed = (await call('GET', '/api/trips')).json().trips.filter((x: any) => moved.trips.tripIds.includes(x.id));
    expect([...listed.flatMap((x: any) => x.stops.map((st: any) => st.loadId)), ...moved.trips.unassigned.map((u) => u.loadId)].sort()).toEqual(loads);
  }, 120_000);
});
