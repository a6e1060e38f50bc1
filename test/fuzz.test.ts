import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, type TestApp } from './support/app.ts';
import { dbFingerprint, fillPath, openApiRoutes } from './support/fingerprint.ts';

/**
 * Hostile input on every write route: malformed and oversized bodies, SQL-looking
 * strings, NaN-like and huge numbers, broken GeoJSON. Every answer must be a 4xx
 * with the error shape, the server must stay up, and the database must not change.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ auth: false });
  const r = await t.app.inject({ method: 'POST', url: '/api/nodes', payload: { id: 'n1', kind: 'store', nameZh: '店', nameEn: 'Store', lat: 39.79, lng: 116.5 } });
  expect(r.statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
});

const hostileString = fc.oneof(
  fc.constantFrom("'; DROP TABLE nodes; --", '" OR 1=1 --', '\u0000', '../../etc/passwd', '<script>alert(1)</script>', '𝕏'.repeat(300), 'NaN', 'Infinity', '-1', '1e309', ''),
  fc.string({ maxLength: 40 }),
);
const hostileNumber = fc.oneof(fc.constantFrom(-1, -1e12, 1e308, 2 ** 53 + 1, 0.5, -0), fc.double({ noNaN: false }), fc.integer());
const brokenGeoJson = fc.constantFrom(
  { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[116.5, 39.7], [116.6, 39.7], [116.6, 39.8]]] }, properties: {} }] },
  { type: 'Polygon', coordinates: [[[200, 100], [0, 0], [1, 1], [200, 100]]] },
  { type: 'FeatureCollection', features: 'nope' },
  { type: 'Feature', geometry: null },
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    brokenGeoJson,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('id', 'nodeId', 'itemId', 'quantity', 'lat', 'lng', 'status', 'reason', 'lines', 'rows', 'kind', 'geometry', 'features', 'x'), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('hostile input on every write route', () => {
  it('answers 4xx with the error shape, stays up, and changes nothing', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const routes = openApiRoutes(doc).filter((r) => r.method !== 'GET' && r.hasBody && !r.path.startsWith('/api/auth/'));
    expect(routes.length).toBeGreaterThan(5);
    const before = await dbFingerprint(t.db);
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), hostileValue, fc.constantFrom('json', 'raw', 'huge'), async (route, value: unknown, mode) => {
        const url = fillPath(route.path, (p) => (p === 'id' || p === 'nodeId' ? 'n1' : `fuzz-${p}`));
        // A body whose every field is optional legitimately accepts an object (a preview, a run
        // with defaults): such routes get only values that are not objects, which must be refused.
        // (`null` too: it stands for "no body", which such a route accepts.)
        if (!route.bodyRequiresFields && mode === 'json' && (value === null || (typeof value === 'object' && !Array.isArray(value)))) value = [value];
        let payload: string;
        if (mode === 'raw') payload = JSON.stringify(value).slice(0, -1) + '%%';
        else if (mode === 'huge') payload = JSON.stringify({ blob: 'x'.repeat(11 * 1024 * 1024) });
        else payload = JSON.stringify(value);
        const r = await t.app.inject({ method: route.method as any, url, payload, headers: { 'content-type': 'application/json' } });
        const ok4xx = r.statusCode >= 400 && r.statusCode < 500;
        let shaped = false;
        try {
          const b = r.json();
          shaped = typeof b.code === 'string' && typeof b.message === 'string';
        } catch {
          shaped = false;
        }
        if (!ok4xx || !shaped) problems.push(`${route.method} ${route.path} (${mode}) ${JSON.stringify(value)?.slice(0, 120)} → ${r.statusCode} ${r.body.slice(0, 200)}`);
        return true;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20220622) },
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(await dbFingerprint(t.db)).toEqual(before);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  });
});
