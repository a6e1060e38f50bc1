import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import * as inv from '../src/store/inventory.ts';
import type { Operation } from '../src/domain/inventory/index.ts';

/**
 * A bounded soak over loopback: the real HTTP server takes orders at a steady rate
 * for SOAK_SECONDS at SOAK_RATE orders a second (20 s at 50/s by default: 1,000 orders, as 40 s at
 * 25/s did, in half the suite's time; set more for a longer run). Memory must stay flat,
 * latency within bounds, and no request may fail. Figures are printed, not timed
 * against the wall clock beyond generous bounds: the machines are shared.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const RATE_PER_S = Number(process.env.SOAK_RATE ?? 50);
const ITEMS = Array.from({ length: 12 }, (_, i) => `soak-${i}`);
const NOW = '2022-06-22T06:00:05.000Z';
const SLOT = '2022-06-22T15:00:00+08:00';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp({ clock: testClock(NOW), orderRatePerMin: 0 });
  for (const [id, lat, lng] of [['SA', 39.7905, 116.5005], ['SB', 39.795, 116.505]] as const) {
    const r = await t.app.inject({ method: 'POST', url: '/api/nodes', payload: { id, kind: 'store', nameZh: id, nameEn: id, lat, lng, dailyOrderCapacity: 1_000_000, maxDeliveryRadiusM: 5000 } });
    expect(r.statusCode).toBe(201);
  }
  for (const id of ITEMS) {
    const r = await t.app.inject({ method: 'POST', url: '/api/items', payload: { id, nameZh: id, nameEn: id, category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365 } });
    expect(r.statusCode).toBe(201);
  }
  const ops: Operation[] = ITEMS.flatMap((itemId) => ['SA', 'SB'].map((nodeId) => ({ kind: 'receipt', key: `soak-${nodeId}-${itemId}`, nodeId, itemId, quantity: 1_000_000, reason: 'opening_balance' }) as Operation));
  await t.db.transaction().execute((trx) => inv.postOperations(trx, ops, { now: new Date(NOW) }));
  for (const nodeId of ['SA', 'SB']) {
    const r = await t.app.inject({ method: 'PUT', url: '/api/slots', payload: { nodeId, day: '2022-06-22' } });
    expect(r.statusCode).toBeLessThan(300);
  }
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await t.close();
});

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

describe(`a ${SECONDS} s soak at ${RATE_PER_S} orders a second`, () => {
  it('keeps memory flat, latency bounded and every request answered', async () => {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const heap: number[] = [];
    let errors = 0;
    let n = 0;
    const sampler = setInterval(() => heap.push(process.memoryUsage().heapUsed), 1000);
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    while (performance.now() - started < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE_PER_S);
      while (n < due) {
        const k = n++;
        const body = {
          customerId: `soak-c${k}`,
          address: { lat: 39.791 + (k % 7) * 0.0005, lng: 116.501 + (k % 5) * 0.0005, householdId: `soak-h${k}` },
          lines: [0, 1, 2].map((j) => ({ itemId: ITEMS[(k + j * 5) % ITEMS.length], quantity: 1 + ((k + j) % 2) })),
          slotStart: SLOT,
        };
        const t0 = performance.now();
        const p = fetch(`${base}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `soak-${k}` }, body: JSON.stringify(body) })
          .then(async (r) => {
            await r.arrayBuffer();
            latencies.push(performance.now() - t0);
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          })
          .catch(() => {
            errors++;
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    clearInterval(sampler);

    const third = Math.max(1, Math.floor(heap.length / 3));
    const early = percentile(heap.slice(0, third), 50);
    const late = percentile(heap.slice(-third), 50);
    const figures = {
      orders: n,
      ordersPerSec: Math.round(n / SECONDS),
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      heapEarlyMb: Math.round(early / 1e6),
      heapLateMb: Math.round(late / 1e6),
      statuses: Object.fromEntries(statuses),
      errors,
    };
    console.log('soak figures:', JSON.stringify(figures));

    expect(errors).toBe(0);
    expect(statuses.get(201)).toBe(n);
    // Bounded latency, as a relation rather than a speed (speed is `npm run bench -- orders`): no request
    // waits out a large part of the soak, as one would behind a wedged batch or a leaked lock. On a quiet
    // machine p99 is tens of milliseconds; at load 30 on 2 cores it reached 12 s of a 40 s soak.
    expect(figures.p99Ms).toBeLessThan((SECONDS * 1000) / 2);
    // Flat memory: the late heap may not grow more than half again (plus 40 MB of slack for GC timing).
    expect(late).toBeLessThan(early * 1.5 + 40e6);
    const check = await t.app.inject({ method: 'GET', url: '/api/inventory/check' });
    expect(check.json().consistent).toBe(true);
  }, (SECONDS + 120) * 1000);
});
