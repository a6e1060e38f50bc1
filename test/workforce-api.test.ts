import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from './support/app.ts';
import { loadWorkforceDemo } from '../src/store/workforce.ts';

let t: TestApp;
let planId = '';

beforeAll(async () => {
  t = await createTestApp({ demo: true });
  // The demo loader may already run the workforce step; loading again is an idempotent upsert.
  await loadWorkforceDemo(t.db, t.deps.clock.now());
});
afterAll(async () => t?.close());

const json = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: method as any, url, payload: payload as any, headers });

describe('staff records', () => {
  it('creates a staff member and refuses the same id twice', async () => {
    const body = { id: 'T-001', name: '测试', homeNodeId: 'yicheng-jingyuan', roles: ['picker', 'packer'], permitStatus: 'cleared', canLiveOnSite: true };
    const r = await json('POST', '/api/staff', body);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ id: 'T-001', roles: ['picker', 'packer'], maxHoursPerDay: 12, active: true, insideNodeId: null });
    const again = await json('POST', '/api/staff', body);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'duplicate', field: 'id' });
  });

  it.each([
    [{ id: 'T-002', homeNodeId: 'yicheng-jingyuan', roles: ['cook'] }, 400, '/roles/0'],
    [{ id: 'T-002', homeNodeId: 'nowhere', roles: ['picker'] }, 404, 'homeNodeId'],
    [{ id: 'T-002', homeNodeId: 'yicheng-jingyuan', roles: ['picker'], maxHoursPerDay: 30 }, 400, '/maxHoursPerDay'],
  ])('refuses %j with %i naming the field', async (body, status, field) => {
    const r = await json('POST', '/api/staff', body);
    expect(r.statusCode).toBe(status);
    expect(String(r.json().field)).toContain(field.replace(/^\//, '').split('/')[0]);
    expect((await json('GET', '/api/staff/T-002')).statusCode).toBe(404);
  });

  it('changes roles and records unavailability', async () => {
    const r = await json('PATCH', '/api/staff/T-001', { roles: ['rider'], maxHoursPerDay: 10 });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ roles: ['rider'], maxHoursPerDay: 10, canLiveOnSite: true });
    const u = await json('POST', '/api/staff/T-001/unavailability', { fromAt: '2022-06-23T00:00:00Z', toAt: '2022-06-24T00:00:00Z', reason: 'quarantine' });
    expect(u.json().unavailable).toMatchObject([{ fromAt: '2022-06-23T00:00:00.000Z', reason: 'quarantine' }]);
    const bad = await json('POST', '/api/staff/T-001/unavailability', { fromAt: '2022-06-24T00:00:00Z', toAt: '2022-06-23T00:00:00Z' });
    expect(bad.json()).toMatchObject({ code: 'validation_failed', field: 'toAt' });
  });

  it('imports staff from CSV all-or-nothing, with a per-row report', async () => {
    const bad = 'id,name,homeNodeId,roles,canLiveOnSite\nC-1,甲,taihe-plaza,picker;packer,yes\nC-2,乙,nowhere,picker,no\nC-3,丙,taihe-plaza,chef,no\n';
    const r = await t.app.inject({ method: 'POST', url: '/api/staff/import', payload: bad, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: any) => [e.row, e.column])).toEqual([[3, 'homeNodeId'], [4, 'roles']]);
    expect((await json('GET', '/api/staff/C-1')).statusCode).toBe(404);
    const good = await t.app.inject({ method: 'POST', url: '/api/staff/import', payload: bad.split('\n').slice(0, 2).join('\n'), headers: { 'content-type': 'text/csv' } });
    expect(good.json()).toMatchObject({ imported: 1, created: 1 });
    expect((await json('GET', '/api/staff/C-1')).json()).toMatchObject({ roles: ['picker', 'packer'], canLiveOnSite: true });
  });

  it('refuses a staff row missing cells, naming the columns, instead of defaulting them', async () => {
    const csv = 'id,name,homeNodeId,roles,canLiveOnSite\nC-9,丁,taihe-plaza\n';
    const r = await t.app.inject({ method: 'POST', url: '/api/staff/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([expect.objectContaining({ row: 2, column: 'roles,canLiveOnSite' })]);
    expect((await json('GET', '/api/staff/C-9')).statusCode).toBe(404);
  });

  it('exports staff as .xlsx that imports back', async () => {
    const x = await json('GET', '/api/staff/export?format=xlsx');
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const r = await t.app.inject({ method: 'POST', url: '/api/staff/import?format=xlsx&dryRun=true', payload: x.rawPayload, headers: { 'content-type': 'application/octet-stream' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().errors).toEqual([]);
  });
});

describe('staffing rules the user sets', () => {
  it('has documented defaults, refuses a bad value naming the field without changing anything, and stores a good one', async () => {
    expect((await json('GET', '/api/workforce/rules')).json()).toEqual({ minRestMin: 480, liveInMaxHoursPerDay: 16 });
    const bad = await json('PUT', '/api/workforce/rules', { minRestMin: 480, liveInMaxHoursPerDay: 30 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toMatch(/liveInMaxHoursPerDay/);
    expect((await json('GET', '/api/workforce/rules')).json()).toEqual({ minRestMin: 480, liveInMaxHoursPerDay: 16 });
    const good = await json('PUT', '/api/workforce/rules', { minRestMin: 540, liveInMaxHoursPerDay: 14 });
    expect(good.statusCode).toBe(200);
    expect((await json('GET', '/api/workforce/rules')).json()).toEqual({ minRestMin: 540, liveInMaxHoursPerDay: 14 });
    // Back to the defaults for the tests that follow.
    await json('PUT', '/api/workforce/rules', { minRestMin: 480, liveInMaxHoursPerDay: 16 });
  });
});

describe('a staffing plan for the Yizhuang demo', () => {
  it('previews the needs a request asks for', async () => {
    const r = await json('POST', '/api/workforce/needs/preview', { startsAt: '2022-06-22T00:00:00Z', days: 1 });
    expect(r.statusCode).toBe(200);
    const needs = r.json().needs as Array<{ siteId: string; role: string; shiftId: string; requiredMin: number; source: string }>;
    expect(needs.find((n) => n.siteId === 'plc-south' && n.role === 'driver' && n.shiftId === 'd1-early')).toMatchObject({ requiredMin: 12 * 480, source: 'manual' });
    // Without loads given, a trading node expects its daily order capacity.
    expect(needs.some((n) => n.siteId === 'yicheng-jingyuan' && n.role === 'picker' && n.source === 'orders')).toBe(true);
  });

  it('plans a day, keeps closed-loop people inside, overworks no one, and reports the shortfall', async () => {
    const dazu = await json('POST', '/api/nodes/dazu-plaza/status', { status: 'online_only', reason: 'reopens online-only, closed loop' });
    expect(dazu.statusCode).toBe(200);
    const dailyLoads = (
      [['dazu-plaza', 600], ['yicheng-jingyuan', 800], ['yz-satellite', 600], ['fengtai-dayue', 300], ['fengtai-wannian', 300], ['taihe-plaza', 300]] as const
    ).map(([nodeId, orders]) => ({ nodeId, ordersPerDay: orders, inboundUnitsPerDay: orders * 15 }));
    const r = await json('POST', '/api/staffing-plans', { startsAt: '2022-06-22T00:00:00Z', days: 1, defaultLoads: false, dailyLoads, rules: { timeLimitS: 8 } });
    expect(r.statusCode).toBe(201);
    const plan = r.json();
    planId = plan.id;
    expect(plan.status).toBe('draft');
    expect(['mip', 'greedy']).toContain(plan.method);
    expect(plan.review.violations).toEqual([]);
    expect(plan.review.overHours).toEqual([]);
    const a = (await json('GET', `/api/staffing-plans/${planId}/assignments`)).json().assignments as Array<{ staffId: string; siteId: string }>;
    const staff = new Map<string, any>((await json('GET', '/api/staff')).json().staff.map((s: any) => [s.id, s]));
    const inside = new Set(a.filter((x) => x.siteId === 'dazu-plaza').map((x) => x.staffId));
    expect(inside.size).toBeGreaterThan(0);
    for (const id of inside) expect(staff.get(id)).toMatchObject({ canLiveOnSite: true, permitStatus: 'cleared' });
    for (const x of a) if (inside.has(x.staffId)) expect(x.siteId).toBe('dazu-plaza');
    expect(typeof plan.review.totals.unmetRoleHours).toBe('number');
  });

  it('applies the plan, then gives a person their schedule and a node its capacity per slot', async () => {
    const ap = await json('POST', `/api/staffing-plans/${planId}/apply`);
    expect(ap.json()).toMatchObject({ status: 'applied' });
    expect((await json('POST', `/api/staffing-plans/${planId}/apply`)).statusCode).toBe(409);
    const a = (await json('GET', `/api/staffing-plans/${planId}/assignments?nodeId=dazu-plaza`)).json().assignments;
    const who = a[0].staffId;
    const s = (await json('GET', `/api/staff/${who}/schedule?planId=${planId}`)).json();
    expect(s.items.length).toBeGreaterThan(0);
    expect(s.items.every((i: any) => i.nodeId === 'dazu-plaza')).toBe(true);
    const times = s.items.map((i: any) => i.startsAt);
    expect([...times].sort()).toEqual(times);
    const c = (await json('GET', `/api/nodes/dazu-plaza/capacity?planId=${planId}&slotMin=120`)).json();
    expect(c.slots).toHaveLength(12);
    expect(c.slots.some((x: any) => x.ordersPerSlot > 0)).toBe(true);
  });

  it('exports the roster as a workbook with the roster and the shortfall', async () => {
    const r = await json('GET', `/api/staffing-plans/${planId}/roster.xlsx`);
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Roster', 'Shortfall', 'Over hours', 'Minimum staffing', 'Needs', 'Summary']);
    expect(wb.getWorksheet('Roster')!.rowCount).toBeGreaterThan(10);
  });
});
