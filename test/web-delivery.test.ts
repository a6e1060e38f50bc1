import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { buildApp } from '../src/api/server.ts';
import { createTestApp, type TestApp } from './support/app.ts';

/**
 * What makes the command centre light on a phone, checked on the server: compressed
 * answers, long-lived caching of hashed files only, the Stock screen's summary in one
 * small answer, item names in one request, and the offline address search.
 */
describe('serving the command centre to a phone', () => {
  let t: TestApp;
  let web: string;
  let withWeb: Awaited<ReturnType<typeof buildApp>>;
  const bigScript = `console.log(${JSON.stringify('x'.repeat(20_000))});`;

  beforeAll(async () => {
    t = await createTestApp({ demo: true });
    web = mkdtempSync(path.join(tmpdir(), 'baogong-web-'));
    mkdirSync(path.join(web, 'assets'));
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>x</title><div id="root"></div>');
    writeFileSync(path.join(web, 'assets', 'index-AbC123xY.js'), bigScript);
    writeFileSync(path.join(web, 'assets', 'index-AbC123xY.js.br'), brotliCompressSync(bigScript));
    withWeb = await buildApp({ ...t.deps, config: { ...t.deps.config, webDir: web } });
    await withWeb.ready();
  }, 180_000);

  afterAll(async () => {
    await withWeb?.close();
    await t?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('sends the precompressed brotli twin of a hashed script, cached for a year as immutable', async () => {
    const r = await withWeb.inject({ method: 'GET', url: '/assets/index-AbC123xY.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.rawPayload.length).toBeLessThan(bigScript.length / 10);
    expect(brotliDecompressSync(r.rawPayload).toString()).toBe(bigScript);
  });

  it('makes the browser revalidate index.html and every /app/ path, so a new build is picked up', async () => {
    for (const url of ['/', '/app/stock']) {
      const r = await withWeb.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(r.statusCode).toBe(200);
      expect(r.headers['cache-control']).toBe('no-cache');
      const enc = r.headers['content-encoding'];
      const html = enc === 'br' ? brotliDecompressSync(r.rawPayload) : enc === 'gzip' ? gunzipSync(r.rawPayload) : r.rawPayload;
      expect(html.toString()).toContain('<div id="root">');
    }
  });

  it('compresses large API answers for a client that accepts gzip, and not for one that does not', async () => {
    const zipped = await t.app.inject({ method: 'GET', url: '/api/zones/export', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const plain = await t.app.inject({ method: 'GET', url: '/api/zones/export', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(plain.json());
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
  });

  it("sums a node's stock up on the server: the same figures as the rows, in a small fraction of the bytes", async () => {
    const rows = await t.app.inject({ method: 'GET', url: '/api/inventory/balances?nodeId=dazu-plaza&includeZero=true&limit=5000' });
    const all = rows.json().rows as Array<{ itemId: string; availableToPromise: number; dailyDemand: number; daysOfCover: number | null }>;
    expect(all.length).toBeGreaterThan(100);
    const r = await t.app.inject({ method: 'GET', url: '/api/inventory/summary?nodeId=dazu-plaza' });
    expect(r.statusCode).toBe(200);
    const s = r.json();
    const withDemand = all.filter((x) => x.dailyDemand > 0);
    expect(s.items).toBe(all.length);
    expect(s.stockouts).toBe(withDemand.filter((x) => x.availableToPromise <= 0).length);
    expect(s.underThreeDays).toBe(withDemand.filter((x) => (x.daysOfCover ?? 0) < 3).length);
    expect(s.coverHistogram.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(withDemand.length);
    expect(s.lowest).toHaveLength(Math.min(15, withDemand.length));
    const covers = s.lowest.map((x: { daysOfCover: number | null }) => x.daysOfCover ?? 0);
    expect(covers).toEqual([...covers].sort((a, b) => a - b));
    expect(s.lowest[0].nameZh).not.toBe(s.lowest[0].itemId);
    expect(r.rawPayload.length * 20).toBeLessThan(rows.rawPayload.length);
  });

  it('refuses a summary of an unknown node, naming the field', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/inventory/summary?nodeId=atlantis' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'not_found', field: 'nodeId', actual: 'atlantis' });
  });

  it('answers the names of many items in one request', async () => {
    const some = (await t.app.inject({ method: 'GET', url: '/api/items?limit=40' })).json().items.map((i: { id: string }) => i.id);
    const r = await t.app.inject({ method: 'GET', url: `/api/items?ids=${encodeURIComponent([...some, 'NO-SUCH-ITEM'].join(','))}` });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.map((i: { id: string }) => i.id).sort()).toEqual([...some].sort());
    const tooMany = await t.app.inject({ method: 'GET', url: `/api/items?ids=${Array.from({ length: 501 }, (_, i) => `I${i}`).join(',')}` });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ field: 'ids', actual: 501 });
  });

  it("finds an address by name among the network's nodes and the shipped points of interest", async () => {
    const byName = (await t.app.inject({ method: 'GET', url: `/api/places?q=${encodeURIComponent('力宝')}` })).json().places;
    expect(byName[0]).toMatchObject({ nameEn: 'Lippo Plaza', source: 'poi' });
    const node = (await t.app.inject({ method: 'GET', url: '/api/places?q=dazu' })).json().places;
    expect(node.map((p: { source: string }) => p.source)).toEqual(expect.arrayContaining(['node', 'poi']));
    expect((await t.app.inject({ method: 'GET', url: '/api/places?q=atlantis' })).json().places).toEqual([]);
  });
});
