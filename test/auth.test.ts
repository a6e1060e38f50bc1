import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';
import { dbFingerprint, fillPath, openApiRoutes } from './support/fingerprint.ts';
import { createUser, issueToken } from '../src/store/auth.ts';
import { PrincipalCache } from '../src/api/auth.ts';
import type { Role } from '../src/domain/auth/index.ts';

let t: TestApp;
const tokens: Record<string, string> = {};
const node = (id: string) => ({ id, kind: 'store', nameZh: id, nameEn: id, lat: 39.79, lng: 116.5 });

beforeAll(async () => {
  t = await createTestApp({ auth: true });
  const now = new Date();
  const users: Array<[string, Role, string[]]> = [
    ['admin', 'admin', []],
    ['planner', 'planner', []],
    ['manager-a', 'node_manager', ['store-a']],
    ['dispatcher', 'dispatcher', []],
    ['counter-a', 'counter', ['store-a']],
    ['viewer', 'viewer', []],
  ];
  for (const [username, role, nodeIds] of users) await createUser(t.db, { username, password: `${username}-password`, role, nodeIds }, now);
  for (const [username] of users) {
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: `${username}-password` } });
    expect(r.statusCode).toBe(200);
    tokens[username] = r.json().token;
  }
  for (const id of ['store-a', 'store-b']) {
    const r = await t.app.inject({ method: 'POST', url: '/api/nodes', payload: node(id), headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(r.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

const as = (user: string | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({ method: method as any, url, payload: payload as any, headers: user ? { authorization: `Bearer ${tokens[user]}` } : {} });

describe('sign-in', () => {
  it('refuses a wrong password with 401 and no token', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('unauthorized');
  });
  it('refuses an unknown token with 401', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/nodes', headers: { authorization: 'Bearer bg_forged' } });
    expect(r.statusCode).toBe(401);
  });
  it('tells a signed-in user who they are', async () => {
    const r = await as('manager-a', 'GET', '/api/auth/me');
    expect(r.json()).toEqual({ username: 'manager-a', role: 'node_manager', nodeIds: ['store-a'] });
  });
  it('ends a session on logout', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'viewer', password: 'viewer-password' } });
    const token = login.json().token;
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } });
    const r = await t.app.inject({ method: 'GET', url: '/api/nodes', headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(401);
  });
});

describe('every write route refuses the callers it should, and changes nothing', () => {
  it('refuses anonymous callers (401) and viewers (403) on every write route in the OpenAPI document', async () => {
    const doc = (await as('admin', 'GET', '/openapi.json')).json();
    const writes = openApiRoutes(doc).filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/auth/'));
    expect(writes.length).toBeGreaterThan(8);
    const before = await dbFingerprint(t.db);
    const failures: string[] = [];
    for (const r of writes) {
      const url = fillPath(r.path, (p) => (p === 'nodeId' || p === 'id' ? 'store-b' : 'x'));
      const anon = await as(null, r.method, url, {});
      if (anon.statusCode !== 401) failures.push(`${r.method} ${r.path} anonymous → ${anon.statusCode}`);
      const viewer = await as('viewer', r.method, url, {});
      if (viewer.statusCode !== 403) failures.push(`${r.method} ${r.path} viewer → ${viewer.statusCode}`);
      else expect(viewer.json()).toMatchObject({ code: 'forbidden' });
    }
    expect(failures).toEqual([]);
    expect(await dbFingerprint(t.db)).toEqual(before);
  });

  // [who, method, url, body, expected status]
  const table: Array<[string, string, string, unknown, number]> = [
    ['planner', 'POST', '/api/users', { username: 'eve', password: 'password1', role: 'admin' }, 403],
    ['manager-a', 'POST', '/api/users', { username: 'eve', password: 'password1', role: 'admin' }, 403],
    ['dispatcher', 'POST', '/api/items', { id: 'I1', nameZh: 'x', nameEn: 'x', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 9 }, 403],
    ['counter-a', 'PATCH', '/api/nodes/store-a', { dailyOrderCapacity: 9 }, 403],
    ['manager-a', 'PATCH', '/api/nodes/store-a', { dailyOrderCapacity: 9 }, 403],
    ['manager-a', 'POST', '/api/nodes/store-b/status', { status: 'suspended', reason: 'not mine' }, 403],
    ['counter-a', 'POST', '/api/nodes/store-a/status', { status: 'suspended', reason: 'counters cannot' }, 403],
    ['planner', 'GET', '/api/audit', undefined, 403],
    ['viewer', 'GET', '/api/users', undefined, 403],
  ];
  it.each(table)('%s %s %s %j is refused with %i and changes nothing', async (who, method, url, body, status) => {
    const before = await dbFingerprint(t.db);
    const r = await as(who, method, url, body);
    expect(r.statusCode).toBe(status);
    expect(await dbFingerprint(t.db)).toEqual(before);
  });

  it('lets a node manager change the status of their own node, and audits it', async () => {
    const r = await as('manager-a', 'POST', '/api/nodes/store-a/status', { status: 'online_only', reason: 'reopened for online orders' });
    expect(r.statusCode).toBe(200);
    const audit = await as('admin', 'GET', '/api/audit?route=status');
    expect(audit.json().entries[0]).toMatchObject({ username: 'manager-a', role: 'node_manager', reason: 'reopened for online orders', method: 'POST' });
  });

  it('lets an admin create users, and a disabled user can no longer sign in', async () => {
    const c = await as('admin', 'POST', '/api/users', { username: 'temp', password: 'temp-password', role: 'viewer' });
    expect(c.statusCode).toBe(201);
    expect(c.json()).not.toHaveProperty('password');
    await as('admin', 'PATCH', `/api/users/${c.json().id}`, { disabled: true });
    const l = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'temp', password: 'temp-password' } });
    expect(l.statusCode).toBe(401);
  });
});

describe('the principal of a token, reused for a moment', () => {
  it('refuses a signed-in user at once once an admin disables them, though their token was just used', async () => {
    const c = await as('admin', 'POST', '/api/users', { username: 'busy', password: 'busy-password', role: 'viewer' });
    const l = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'busy', password: 'busy-password' } });
    const me = () => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${l.json().token}` } });
    expect((await me()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200);
    await as('admin', 'PATCH', `/api/users/${c.json().id}`, { disabled: true });
    expect((await me()).statusCode).toBe(401);
  });

  it('reads the database again after its time, or after a clear, checks the token’s expiry every time, and keeps no unknown token', async () => {
    const u = await createUser(t.db, { username: 'cached', password: 'cached-password', role: 'viewer', nodeIds: [] }, new Date());
    const now = new Date();
    const token = await issueToken(t.db, u.id, 'api', 'cache test', now, new Date(now.getTime() + 60_000));
    let clockMs = 0;
    let reads = 0;
    const counting = new Proxy(t.db, { get: (db, k) => (k === 'selectFrom' ? (...a: unknown[]) => (reads++, (db.selectFrom as (...x: unknown[]) => unknown)(...a)) : Reflect.get(db, k)) });
    const cache = new PrincipalCache(1000, () => clockMs);
    expect(await cache.principal(counting, token, now)).toMatchObject({ username: 'cached' });
    expect(await cache.principal(counting, token, now)).toMatchObject({ username: 'cached' });
    expect(reads).toBe(1);
    expect(await cache.principal(counting, token, new Date(now.getTime() + 60_000))).toBeNull();
    expect(reads).toBe(1);
    clockMs = 1000;
    await cache.principal(counting, token, now);
    expect(reads).toBe(2);
    cache.clear();
    await cache.principal(counting, token, now);
    expect(reads).toBe(3);
    expect(await cache.principal(counting, 'no-such-token', now)).toBeNull();
    expect(await cache.principal(counting, 'no-such-token', now)).toBeNull();
    expect(reads).toBe(5);
  });
});

describe('the audit log', () => {
  it('records writes with who, what and the request id, and hides passwords', async () => {
    const r = await as('admin', 'GET', '/api/audit?route=/api/users');
    const entry = r.json().entries.find((e: any) => e.method === 'POST');
    expect(entry.username).toBe('admin');
    expect(entry.params.body.password).toBe('***');
    expect(entry.requestId).toMatch(/[0-9a-f-]{36}/);
  });
  it('cannot be edited: there is no write route, and the database refuses updates', async () => {
    const doc = (await as('admin', 'GET', '/openapi.json')).json();
    const auditWrites = openApiRoutes(doc).filter((r) => r.path.startsWith('/api/audit') && r.method !== 'GET');
    expect(auditWrites).toEqual([]);
    await expect(t.db.updateTable('audit_log').set({ username: 'mallory' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
  it('exports as CSV', async () => {
    const r = await as('admin', 'GET', '/api/audit/export?format=csv');
    expect(r.statusCode).toBe(200);
    expect(r.body.split('\n')[0]).toContain('username');
  });
});
