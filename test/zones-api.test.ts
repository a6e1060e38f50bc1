import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';

/** A square of side `d` degrees with its south-west corner at (lng, lat). */
const square = (lng: number, lat: number, d: number) => ({ type: 'Polygon', coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]] });
const DAZU = { lat: 39.79, lng: 116.5069 };

describe('zones API on the Yizhuang demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = async (url: string) => t.app.inject({ method: 'GET', url });
  const post = async (url: string, payload?: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload: payload as never, headers });

  it('loads demo zones with about 10,000 orders a day, each served by a Yizhuang node', async () => {
    const r = await get('/api/zones');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.zones.length).toBeGreaterThan(200);
    expect(body.totalOrdersPerDay).toBe(10_000);
    expect(new Set(body.zones.map((z: any) => z.servingNodeId))).toEqual(new Set(['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite']));
  });

  it('serves every zone before any incident: each node reaches its zones and has the capacity for them', async () => {
    const nodes = new Map(((await get('/api/nodes')).json().nodes as any[]).map((n) => [n.id, n]));
    const zones = (await get('/api/zones')).json().zones as any[];
    const load = new Map<string, number>();
    for (const z of zones) {
      const n = nodes.get(z.servingNodeId)!;
      const dLat = (z.centroid.lat - n.lat) * 111_195;
      const dLng = (z.centroid.lng - n.lng) * 111_195 * Math.cos((n.lat * Math.PI) / 180);
      expect(Math.hypot(dLat, dLng)).toBeLessThanOrEqual(n.maxDeliveryRadiusM + 50);
      load.set(n.id, (load.get(n.id) ?? 0) + z.demandOrdersPerDay);
    }
    for (const [id, orders] of load) expect(orders).toBeLessThanOrEqual(nodes.get(id)!.dailyOrderCapacity);
    const plan = await post('/api/zones/reassignments', { scope: 'all', allowSplit: false });
    expect(plan.json().proposal.totals.unservedOrdersPerDay).toBe(0);
  });

  it('shows and sets the per-kind widening limits, refusing a bad value and naming the field', async () => {
    const limits = (await get('/api/zones/node-limits')).json().limits;
    expect(limits.store.maxDeliveryRadiusM).toBeGreaterThan(0);
    const put = (payload: unknown) => t.app.inject({ method: 'PUT', url: '/api/zones/node-limits', payload: payload as never });
    const bad = await put({ limits: { store: { maxDeliveryRadiusM: -5, maxDailyOrderCapacity: 100 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toContain('maxDeliveryRadiusM');
    expect((await get('/api/zones/node-limits')).json().limits).toEqual(limits);
    const ok = await put({ limits: { store: { maxDeliveryRadiusM: 7000, maxDailyOrderCapacity: 4500 } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().limits).toEqual({ ...limits, store: { maxDeliveryRadiusM: 7000, maxDailyOrderCapacity: 4500 } });
    await put({ limits: { store: limits.store } });
  });

  it('looks up the zone and serving node of an address', async () => {
    const r = await get(`/api/zones/lookup?lat=${DAZU.lat}&lng=${DAZU.lng}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().lookup).toMatchObject({ servingNodeId: 'dazu-plaza', underLockdown: false });
    expect((await get('/api/zones/lookup?lat=31.2&lng=121.5')).json().lookup).toBeNull();
    const bad = await get('/api/zones/lookup?lat=95&lng=116.5');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation_failed', field: expect.stringContaining('lat') });
  });

  it('refuses an import with bad geometry, naming the feature, and changes nothing', async () => {
    const before = (await get('/api/zones')).json().zones.length;
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'ok-1', demandOrdersPerDay: 5 }, geometry: square(117.0, 40.0, 0.01) },
        { type: 'Feature', properties: { id: 'bow', demandOrdersPerDay: 5 }, geometry: { type: 'Polygon', coordinates: [[[117.1, 40], [117.2, 40.1], [117.2, 40], [117.1, 40.1], [117.1, 40]]] } },
      ],
    };
    const r = await post('/api/zones/import', fc);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'features.1.geometry.coordinates.0' });
    expect(r.json().message).toContain('features[1] "bow"');
    expect((await get('/api/zones')).json().zones.length).toBe(before);
  });

  it('refuses an imported zone overlapping an existing one', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'over', demandOrdersPerDay: 5 }, geometry: square(DAZU.lng - 0.005, DAZU.lat - 0.005, 0.01) }] };
    const r = await post('/api/zones/import', fc);
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/overlaps the existing zone "h3-/);
  });

  it('exports GeoJSON that imports back unchanged', async () => {
    const r = await get('/api/zones/export');
    expect(r.headers['content-type']).toContain('application/geo+json');
    const fc = r.json();
    expect(fc.type).toBe('FeatureCollection');
    const again = await post('/api/zones/import?dryRun=true', fc);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, updated: fc.features.length, dryRun: true });
  });

  it('declares the Dazu lockdown area: the store is suspended and addresses inside go to a drop point', async () => {
    const area = {
      id: 'dazu-area',
      name: 'Dazu Plaza',
      level: 'lockdown',
      geometry: square(DAZU.lng - 0.004, DAZU.lat - 0.003, 0.006),
      startsAt: '2022-06-22T00:00:00Z',
      dropPoints: [{ id: 'gate', name: 'north gate', lat: DAZU.lat + 0.002, lng: DAZU.lng }],
    };
    const preview = await post('/api/control-areas/preview', area);
    expect(preview.statusCode).toBe(200);
    expect(preview.json().effects).toContainEqual(expect.objectContaining({ kind: 'node_status', nodeId: 'dazu-plaza', toStatus: 'suspended' }));
    expect((await get('/api/nodes/dazu-plaza')).json().status).toBe('open');

    const r = await post('/api/control-areas', area, { 'idempotency-key': 'area-1' });
    expect(r.statusCode).toBe(201);
    expect(r.json().effects.filter((e: any) => e.kind === 'zone_drop_points_only').length).toBeGreaterThan(0);
    expect((await get('/api/nodes/dazu-plaza')).json().status).toBe('suspended');
    const inside = (await get(`/api/zones/lookup?lat=${DAZU.lat}&lng=${DAZU.lng}`)).json().lookup;
    expect(inside).toMatchObject({ underLockdown: true, controlAreaId: 'dazu-area', dropPoint: { id: 'gate' } });
  });

  it('plans, applies and reverts the reassignment of the suspended store’s zones', async () => {
    const overrides = [
      { nodeId: 'yicheng-jingyuan', maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 5500 },
      { nodeId: 'yz-satellite', maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 5000 },
    ];
    const planned = await post('/api/zones/reassignments', { overrides }, { 'idempotency-key': 'plan-1' });
    expect(planned.statusCode).toBe(201);
    const plan = planned.json();
    expect(plan.status).toBe('proposed');
    expect(plan.proposal.method).toBe('mip');
    expect(plan.proposal.unserved).toEqual([]);
    expect(plan.proposal.changes.length).toBeGreaterThan(0);
    expect(plan.proposal.changes.every((c: any) => c.oldNodeId === 'dazu-plaza' && c.newNodeId && c.newNodeId !== 'dazu-plaza')).toBe(true);
    // Nothing changes until it is applied.
    expect((await get('/api/zones?nodeId=dazu-plaza')).json().zones.length).toBe(plan.proposal.changes.length);

    const applied = await post(`/api/zones/reassignments/${plan.id}/apply`, undefined, { 'idempotency-key': 'apply-1' });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().status).toBe('applied');
    expect((await get('/api/zones?nodeId=dazu-plaza')).json().zones).toEqual([]);
    expect((await get('/api/nodes/yicheng-jingyuan')).json()).toMatchObject({ maxDeliveryRadiusM: 12_000, dailyOrderCapacity: 5500 });
    const served = (await get(`/api/zones/lookup?lat=${DAZU.lat + 0.01}&lng=${DAZU.lng}`)).json().lookup;
    expect(served.servingNodeId).not.toBe('dazu-plaza');

    expect((await post(`/api/zones/reassignments/${plan.id}/apply`)).statusCode).toBe(409);
    const reverted = await post(`/api/zones/reassignments/${plan.id}/revert`);
    expect(reverted.json().status).toBe('reverted');
    expect((await get('/api/zones?nodeId=dazu-plaza')).json().zones.length).toBe(plan.proposal.changes.length);
    expect((await get('/api/nodes/yicheng-jingyuan')).json()).toMatchObject({ maxDeliveryRadiusM: 5600, dailyOrderCapacity: 3000 });
    const audit = (await get(`/api/zones/audit?subjectId=${plan.id}`)).json().events.map((e: any) => e.action);
    expect(audit).toEqual(['reassignment.reverted', 'reassignment.applied', 'reassignment.planned']);
  });

  it('lifts the lockdown area and restores the store', async () => {
    const r = await post('/api/control-areas/dazu-area/lift');
    expect(r.statusCode).toBe(200);
    expect(r.json().effects.find((e: any) => e.kind === 'node_status')).toMatchObject({ nodeId: 'dazu-plaza', revertNote: 'restored to open' });
    expect((await get('/api/nodes/dazu-plaza')).json().status).toBe('open');
    expect((await get(`/api/zones/lookup?lat=${DAZU.lat}&lng=${DAZU.lng}`)).json().lookup.underLockdown).toBe(false);
    expect((await post('/api/control-areas/dazu-area/lift')).statusCode).toBe(409);
  });

  it('generates an H3 grid around a node, refusing to overwrite zones unless asked', async () => {
    const body = { resolution: 8, nodeIds: ['yz-satellite'], radiusM: 2000, totalOrdersPerDay: 1000 };
    expect((await post('/api/zones/generate', body)).statusCode).toBe(409);
    const r = await post('/api/zones/generate', { ...body, replace: true });
    expect(r.statusCode).toBe(200);
    const zones = (await get('/api/zones')).json();
    expect(zones.zones.length).toBe(r.json().created);
    expect(zones.totalOrdersPerDay).toBe(1000);
  });
});
