import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';

/** The Yizhuang outbreak as an incident on the demo network (clock: 2022-06-22 06:00 UTC). */
const outbreak = {
  id: 'yz-2022-06',
  name: 'Yizhuang outbreak',
  areas: [
    { id: 'dazu', name: 'Dazu Plaza', level: 'lockdown', circle: { lat: 39.79, lng: 116.5069, radiusM: 400 }, startsAt: '2022-06-22T02:00:00Z' },
    { id: 'chaolin', name: 'Chaolin Plaza', level: 'lockdown', circle: { lat: 39.792, lng: 116.4998, radiusM: 350 }, startsAt: '2022-06-22T02:00:00Z' },
  ],
  emergencyWarehouse: { id: 'yz-emergency', templateNodeId: 'yz-satellite', nameZh: '亦庄保供仓', nameEn: 'Yizhuang emergency warehouse', lat: 39.77, lng: 116.54 },
  reopenOnlineOnlyAt: '2022-06-23T20:00:00Z',
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: true });
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.inject({ method, url, payload: payload as any });
const status = async (id: string) => (await call('GET', `/api/nodes/${id}`)).json().status;

describe('declaring an incident', () => {
  it('refuses an emergency warehouse whose template does not exist, naming the field', async () => {
    const r = await call('POST', '/api/incidents', { ...outbreak, id: 'bad', emergencyWarehouse: { ...outbreak.emergencyWarehouse, templateNodeId: 'nowhere' } });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ field: 'emergencyWarehouse.templateNodeId', actual: 'nowhere' });
  });

  it('refuses an area with neither geometry nor circle, naming the area', async () => {
    const r = await call('POST', '/api/incidents', { ...outbreak, id: 'bad2', areas: [{ id: 'x', level: 'lockdown', startsAt: '2022-06-22T02:00:00Z' }] });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toMatch(/^areas\.0/);
  });

  it('declares the outbreak', async () => {
    const r = await call('POST', '/api/incidents', outbreak);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ id: 'yz-2022-06', status: 'declared' });
  });
});

describe('the response plan', () => {
  it('is drafted as one document with every part and a summary', async () => {
    const r = await call('POST', '/api/incidents/yz-2022-06/plan');
    expect(r.statusCode).toBe(201);
    const plan = r.json();
    expect(plan.parts.map((p: any) => p.part)).toEqual(['node_status', 'emergency_warehouse', 'zones', 'targets', 'sourcing', 'trips', 'staffing']);
    const changes = plan.parts[0].content.changes;
    expect(changes).toContainEqual(expect.objectContaining({ nodeId: 'dazu-plaza', to: 'suspended' }));
    expect(changes).toContainEqual(expect.objectContaining({ nodeId: 'dazu-plaza', to: 'online_only' }));
    expect(plan.parts[1].content.node).toMatchObject({ id: 'yz-emergency', kind: 'emergency_warehouse' });
    expect(plan.summary).toHaveProperty('ordersPerDayCovered');
    expect(plan.summary).toHaveProperty('staffHoursPerDay');
  }, 180_000);

  it('lets a reviewer edit a part', async () => {
    const r = await call('PUT', '/api/incidents/yz-2022-06/plan/parts/staffing', { content: { nodes: [], note: 'rostered by hand' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().parts.find((p: any) => p.part === 'staffing')).toMatchObject({ edited: true, content: { note: 'rostered by hand' } });
  });

  it('is simulated against no response, and the plan serves more', async () => {
    const r = await call('POST', '/api/incidents/yz-2022-06/simulate', { days: 2, seed: 5 });
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s.b.summary.ordersServed).toBeGreaterThan(s.a.summary.ordersServed);
    expect(s.comparison.find((x: any) => x.kpi === 'fill rate (all)').better).toBe('b');
  }, 180_000);
});

describe('applying and lifting', () => {
  it('undoes the steps already applied when a later step fails', async () => {
    const r = await call('POST', '/api/incidents/yz-2022-06/apply', { failAtStep: 'zones' });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.json().details.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['emergency_warehouse', 'compensated'],
      ['control_areas', 'compensated'],
      ['zones', 'failed'],
    ]);
    expect(await status('dazu-plaza')).toBe('open');
    expect(await status('yz-emergency')).toBe('suspended');
  }, 180_000);

  it('applies a plan drafted again: the store inside the lockdown is suspended and the warehouse opens', async () => {
    expect((await call('POST', '/api/incidents/yz-2022-06/plan')).statusCode).toBe(201);
    const r = await call('POST', '/api/incidents/yz-2022-06/apply');
    expect(r.json().message ?? '').toBe('');
    expect(r.statusCode).toBe(200);
    expect(r.json().steps.every((s: any) => s.status === 'applied')).toBe(true);
    expect(await status('dazu-plaza')).toBe('suspended');
    expect(await status('yz-emergency')).toBe('open');
    expect((await call('GET', '/api/incidents/yz-2022-06')).json().status).toBe('applied');
  }, 180_000);

  it('reconciles a day per node', async () => {
    const r = await call('GET', '/api/incidents/yz-2022-06/reconciliation?day=2022-06-22');
    expect(r.statusCode).toBe(200);
    expect(r.json().lines.map((l: any) => l.nodeId)).toContain('dazu-plaza');
    for (const l of r.json().lines) expect(l).toHaveProperty('differences');
  });

  it('lifts the incident: the store reopens and the warehouse stops trading', async () => {
    const r = await call('POST', '/api/incidents/yz-2022-06/lift');
    expect(r.statusCode).toBe(200);
    expect(r.json().kind).toBe('lift');
    expect(await status('dazu-plaza')).toBe('open');
    expect(await status('yz-emergency')).toBe('suspended');
    expect((await call('POST', '/api/incidents/yz-2022-06/lift')).statusCode).toBe(409);
  }, 180_000);
});
