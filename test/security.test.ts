import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp, testClock, usingPostgres, type TestApp } from './support/app.ts';
import { appRoleGrants } from '../src/store/roles.ts';
import { dbFingerprint, openApiRoutes } from './support/fingerprint.ts';
import { DAY, HOME, loadOrderFixture, SLOT } from './support/orders-fixture.ts';
import { buildApp } from '../src/api/server.ts';
import { createUser } from '../src/store/auth.ts';
import * as inv from '../src/store/inventory.ts';
import type { Role } from '../src/domain/auth/index.ts';

/**
 * Issue 14: access is decided on the route the server matched, node scope comes
 * from the entities a write touches, and hostile input is a 4xx. One app and one
 * database for the whole file (auth on), plus a second app on the same database
 * with auth off that loads the fixture.
 */
let t: TestApp;
let setup: FastifyInstance;
const clock = testClock('2022-06-22T06:00:00.000Z');
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
const ROLE_USERS: Array<[string, Role, string[]]> = [
  ['admin', 'admin', []],
  ['planner', 'planner', []],
  ['manager-a', 'node_manager', ['A']],
  ['dispatcher', 'dispatcher', []],
  ['counter-a', 'counter', ['A']],
  ['viewer', 'viewer', []],
];
/** Store B's entities, which the node-scoped users of store A must not touch. */
const b = { orderId: '', countId: 'CNT-B', transferId: 'TR-B', staffId: 'S-B' };

beforeAll(async () => {
  t = await createTestApp({ auth: true, clock });
  setup = await buildApp({ ...t.deps, config: { auth: { enabled: false, orderRatePerMin: 0 } } });
  await setup.ready();
  await loadOrderFixture(setup, t.db);
  for (const [username, role, nodeIds] of ROLE_USERS) {
    const u = await createUser(t.db, { username, password: `${username}-password`, role, nodeIds }, clock.now());
    userIds[username] = u.id;
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: `${username}-password` } });
    expect(r.statusCode).toBe(200);
    tokens[username] = r.json().token;
  }
  // Store B: a unit only B holds, an order placed for it (so it is reserved at B), a count, a draft transfer, a staff member.
  await t.db.transaction().execute((trx) => inv.postOperations(trx, [{ kind: 'receipt', key: 'b-last', nodeId: 'B', itemId: 'last-1', quantity: 1, reason: 'opening_balance' }], { now: clock.now() }));
  const order = await setup.inject({ method: 'POST', url: '/api/orders', payload: { customerId: 'c1', address: HOME, lines: [{ itemId: 'last-1', quantity: 1 }], slotStart: SLOT, allowSubstitution: false } });
  expect(order.statusCode, order.body).toBe(201);
  const placed = order.json().orders[0];
  expect(placed.nodeId).toBe('B');
  b.orderId = placed.id;
  const ok = async (method: string, url: string, payload: unknown) => {
    const r = await setup.inject({ method: method as any, url, payload: payload as any });
    expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
    return r;
  };
  await ok('POST', '/api/inventory/counts', { id: b.countId, nodeId: 'B', itemIds: ['rice-1'] });
  await ok('POST', '/api/inventory/transfers', { id: b.transferId, fromNodeId: 'B', toNodeId: 'A', lines: [{ itemId: 'eggs-1', quantity: 1 }], dispatch: false });
  await ok('POST', '/api/staff', { id: b.staffId, name: 'Li', homeNodeId: 'B', roles: ['picker'] });
  await ok('POST', '/api/staff', { id: 'S-A', name: 'Wang', homeNodeId: 'A', roles: ['picker'] });
}, 300_000);
afterAll(async () => {
  await setup?.close();
  await t?.close();
});

const as = (user: string | null, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: method as any, url, payload: payload as any, headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...headers } });

// ---------------------------------------------------------------------------------------------
// 1. Access is decided on the matched route: every spelling of a path gets the same answer.

/** Spellings of one route: plain, every letter %-encoded, doubled slashes, dot segments, a trailing slash, upper case. */
function spellings(template: string, fill: (param: string) => string): Record<string, string> {
  const segs = template.split('/').slice(1).map((s) => {
    const m = s.match(/^\{(.+)\}$/);
    return m ? { text: encodeURIComponent(fill(m[1])), param: true } : { text: s, param: false };
  });
  const join = (f: (s: { text: string; param: boolean }) => string, sep = '/') => '/' + segs.map(f).join(sep);
  const encodeLetters = (s: string) => s.replace(/[A-Za-z]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    plain: join((s) => s.text),
    encoded: join((s) => encodeLetters(s.text)),
    doubleSlash: '/' + join((s) => s.text, '//'),
    dotSegment: join((s) => s.text, '/./'),
    trailingSlash: join((s) => s.text) + '/',
    upperCase: join((s) => (s.param ? s.text : s.text.toUpperCase())),
  };
}

describe('access is decided on the route the server matched', () => {
  it('gives every spelling of every route in /openapi.json the same answer as the plain path, for anonymous callers and each role', async () => {
    const doc = (await as('admin', 'GET', '/openapi.json')).json();
    const routes = openApiRoutes(doc);
    expect(routes.length).toBeGreaterThan(100);
    const before = await dbFingerprint(t.db);
    const mismatches: string[] = [];
    const anonymousAllowed: string[] = [];
    const roleIndex = (who: string) => ROLE_USERS.findIndex(([u]) => u === who);
    for (const [routeIndex, r] of routes.entries()) {
      const urls = spellings(r.path, (p) => `sweep-${p}`);
      for (const who of [null, ...ROLE_USERS.map(([u]) => u)]) {
        // Writes get a body no route accepts, so an allowed caller is stopped by validation, never runs a handler.
        const send = (url: string) =>
          r.method === 'GET' ? as(who, 'GET', url) : as(who, r.method, url, '[]', { 'content-type': 'application/json' });
        const plain = (await send(urls.plain)).statusCode;
        if (who === null && plain !== 401) anonymousAllowed.push(`${r.method} ${r.path} → ${plain}`);
        // Anonymous callers try every spelling of every route; each role tries one spelling per
        // route, turning through them route by route, so every role meets every spelling many times.
        const variants = Object.entries(urls).filter(([v]) => v !== 'plain');
        const tried = who === null ? variants : [variants[(routeIndex + roleIndex(who)) % variants.length]];
        for (const [, url] of tried) {
          const got = (await send(url)).statusCode;
          if (got !== plain) mismatches.push(`${who ?? 'anonymous'} ${r.method} ${url} → ${got}, plain → ${plain}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Only sign-in and the up/down health check answer anonymous callers.
    expect(anonymousAllowed.sort()).toEqual(['GET /health → 200', 'POST /api/auth/login → 400']);
    expect(await dbFingerprint(t.db)).toEqual(before);
  }, 180_000);

  it('refuses the attacks of the issue: anonymous user creation through /%61pi, a planner making itself admin through /api/%75sers', async () => {
    const users = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(t.db)).rows[0].n);
    const n = await users();
    const anon = await as(null, 'POST', '/%61pi/users', { username: 'mallory', password: 'password123', role: 'admin' });
    expect(anon.statusCode).toBe(401);
    expect((await as(null, 'POST', '/%61pi/tokens', { userId: userIds.admin, name: 'x' })).statusCode).toBe(401);
    expect((await as(null, 'GET', '/%61pi/audit')).statusCode).toBe(401);
    const selfPromotion = await as('planner', 'PATCH', `/api/%75sers/${userIds.planner}`, { role: 'admin' });
    expect(selfPromotion.statusCode).toBe(403);
    expect(await users()).toBe(n);
    const me = await as('planner', 'GET', '/api/auth/me');
    expect(me.json().role).toBe('planner');
  });

  it('answers a path no route serves with 404, whoever asks', async () => {
    expect((await as(null, 'GET', '/api/no-such-thing')).statusCode).toBe(404);
    expect((await as('admin', 'POST', '/%61pi/no-such-thing', {})).statusCode).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Node scope comes from the entities a write touches; the query string never widens it.

describe('a node-scoped user of store A cannot touch store B', () => {
  const writes = (): Array<[string, string, string, unknown]> => [
    ['manager-a', 'POST', '/api/nodes/B/status', { status: 'suspended', reason: 'not mine' }],
    ['manager-a', 'PUT', '/api/inventory/nodes/B/settings', { onlineSafetyBuffer: 3 }],
    ['manager-a', 'POST', '/api/inventory/movements', { kind: 'receipt', nodeId: 'B', itemId: 'rice-1', quantity: 5, reason: 'found' }],
    ['manager-a', 'POST', '/api/inventory/movements', { kind: 'release', reservationId: `${b.orderId}:0`, reason: 'manual' }],
    ['manager-a', 'POST', '/api/inventory/movements/batch', { operations: [{ kind: 'receipt', nodeId: 'A', itemId: 'rice-1', quantity: 1, reason: 'found' }, { kind: 'receipt', nodeId: 'B', itemId: 'rice-1', quantity: 1, reason: 'found' }] }],
    ['manager-a', 'POST', '/api/inventory/expiry-write-offs', { nodeId: 'B' }],
    ['manager-a', 'POST', '/api/inventory/expiry-write-offs', {}],
    ['manager-a', 'POST', '/api/inventory/transfers', { fromNodeId: 'B', toNodeId: 'A', lines: [{ itemId: 'eggs-1', quantity: 1 }] }],
    ['manager-a', 'POST', `/api/inventory/transfers/${b.transferId}/dispatch`, {}],
    ['manager-a', 'POST', `/api/inventory/transfers/${b.transferId}/receive`, { lines: [{ itemId: 'eggs-1', receivedQuantity: 1 }] }],
    ['manager-a', 'POST', `/api/inventory/transfers/${b.transferId}/cancel`, {}],
    ['manager-a', 'POST', '/api/inventory/counts', { nodeId: 'B' }],
    ['counter-a', 'POST', '/api/inventory/counts', { nodeId: 'B' }],
    ['counter-a', 'POST', `/api/inventory/counts/${b.countId}/entries`, { entries: [{ itemId: 'rice-1', quantity: 0 }] }],
    ['counter-a', 'POST', `/api/inventory/counts/${b.countId}/post`, {}],
    ['manager-a', 'POST', `/api/inventory/counts/${b.countId}/cancel`, {}],
    ['manager-a', 'POST', `/api/orders/${b.orderId}/start-picking`, {}],
    ['manager-a', 'POST', `/api/orders/${b.orderId}/pack`, {}],
    ['manager-a', 'POST', `/api/orders/${b.orderId}/dispatch`, {}],
    ['manager-a', 'POST', `/api/orders/${b.orderId}/deliver`, {}],
    ['manager-a', 'POST', `/api/orders/${b.orderId}/cancel`, { reason: 'not mine' }],
    ['manager-a', 'PUT', '/api/slots', { nodeId: 'B', day: DAY }],
    ['manager-a', 'POST', '/api/staff', { id: 'S-NEW', name: 'Zhao', homeNodeId: 'B', roles: ['picker'] }],
    ['manager-a', 'PATCH', `/api/staff/${b.staffId}`, { homeNodeId: 'A' }],
    ['manager-a', 'PATCH', '/api/staff/S-A', { homeNodeId: 'B' }],
    ['manager-a', 'DELETE', `/api/staff/${b.staffId}`, undefined],
    ['manager-a', 'POST', `/api/staff/${b.staffId}/unavailability`, { fromAt: '2022-06-23T00:00:00Z', toAt: '2022-06-24T00:00:00Z' }],
    ['manager-a', 'PUT', '/api/workforce/sites/B', { controlled: true, minStaffPerShift: 1, closedLoopFrom: null, closedLoopDays: null }],
    ['manager-a', 'PUT', '/api/workforce/needs', { needs: [{ nodeId: 'B', role: 'picker', shiftLabel: '*', headcount: 2 }] }],
    ['manager-a', 'POST', '/api/orders', { customerId: 'c2', address: HOME, lines: [{ itemId: 'rice-1', quantity: 1 }], slotStart: SLOT }],
  ];

  it('refuses every write on store B with 403, with and without ?nodeId=A, and store B is unchanged', async () => {
    const before = await dbFingerprint(t.db);
    const wrong: string[] = [];
    for (const [who, method, url, body] of writes()) {
      for (const u of [url, `${url}?nodeId=A`]) {
        const r = await as(who, method, u, body);
        if (r.statusCode !== 403) wrong.push(`${who} ${method} ${u} → ${r.statusCode} ${r.body.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await dbFingerprint(t.db)).toEqual(before);
  });

  it('still lets them act on store A (the refusals above are about scope, not a blanket no)', async () => {
    expect((await as('manager-a', 'PUT', '/api/inventory/nodes/A/settings', { onlineSafetyBuffer: 1 })).statusCode).toBe(200);
    expect((await as('manager-a', 'PATCH', '/api/staff/S-A', { maxHoursPerDay: 10 })).statusCode).toBe(200);
    const count = await as('counter-a', 'POST', '/api/inventory/counts', { nodeId: 'A', itemIds: ['rice-2'] });
    expect(count.statusCode, count.body).toBe(201);
    expect((await as('counter-a', 'POST', `/api/inventory/counts/${count.json().id}/cancel`, {})).statusCode).toBe(200);
  });

  it('refuses query parameters a route does not declare', async () => {
    const r = await as('admin', 'GET', '/api/nodes?nodeId=A&status=normal');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'nodeId', expected: 'no such field' });
    expect((await as('admin', 'POST', `/api/orders/${b.orderId}/start-picking?nodeId=B`, {})).statusCode).toBe(400);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The browser session: HttpOnly cookie, CSRF on writes, security headers.

describe('the browser session and the security headers', () => {
  const signInWithCookie = async (username: string) => {
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: `${username}-password`, mode: 'cookie' } });
    expect(r.statusCode).toBe(200);
    const cookies = ([] as string[]).concat(r.headers['set-cookie'] as string | string[]);
    return { body: r.json(), cookies, cookie: cookies.map((c) => c.split(';')[0]).join('; ') };
  };

  it('keeps the session token out of the answer and in an HttpOnly SameSite cookie; the CSRF cookie is readable', async () => {
    const s = await signInWithCookie('viewer');
    expect(s.body.token).toBeUndefined();
    expect(s.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const session = s.cookies.find((c) => c.startsWith('bg_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    const csrf = s.cookies.find((c) => c.startsWith('bg_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).json().username).toBe('viewer');
  });

  it('refuses a write from the cookie session without the X-CSRF-Token header, and accepts it with the header', async () => {
    const s = await signInWithCookie('manager-a');
    const url = '/api/inventory/nodes/A/settings';
    const without = await t.app.inject({ method: 'PUT', url, payload: { onlineSafetyBuffer: 2 }, headers: { cookie: s.cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ code: 'forbidden', field: 'x-csrf-token' });
    const wrong = await t.app.inject({ method: 'PUT', url, payload: { onlineSafetyBuffer: 2 }, headers: { cookie: s.cookie, 'x-csrf-token': 'forged' } });
    expect(wrong.statusCode).toBe(403);
    const withHeader = await t.app.inject({ method: 'PUT', url, payload: { onlineSafetyBuffer: 2 }, headers: { cookie: s.cookie, 'x-csrf-token': s.body.csrfToken } });
    expect(withHeader.statusCode).toBe(200);
  });

  it('sends a Content-Security-Policy without inline scripts, no framing, nosniff and a referrer policy on every answer', async () => {
    for (const url of ['/health', '/api/nodes', '/no-such-page']) {
      const r = await as(null, 'GET', url);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('tells anonymous callers of /health only up or down', async () => {
    const anon = await as(null, 'GET', '/health');
    expect(anon.json()).toEqual({ status: 'ok' });
    const admin = await as('admin', 'GET', '/health');
    expect(admin.json()).toHaveProperty('uptimeS');
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The smaller holes.

const auditRows = async (where: { reason?: string; status?: number; username?: string }) => {
  let q = t.db.selectFrom('audit_log').selectAll();
  if (where.reason) q = q.where('reason', '=', where.reason);
  if (where.status) q = q.where('status_code', '=', where.status);
  if (where.username) q = q.where('username', '=', where.username);
  return q.execute();
};
const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe('sign-in', () => {
  it('slows down repeated failures for one username, with a doubling wait, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('viewer', 'wrong-guess', '10.0.0.1')).statusCode).toBe(401);
    const blocked = await login('viewer', 'viewer-password', '10.0.0.3');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'rate_limited', field: 'username' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    clock.advance(1000);
    expect((await login('viewer', 'wrong-again', '10.0.0.1')).statusCode).toBe(401);
    expect((await login('viewer', 'viewer-password', '10.0.0.3')).statusCode).toBe(429); // now 2 s
    clock.advance(2000);
    expect((await login('viewer', 'viewer-password', '10.0.0.3')).statusCode).toBe(200);
  });

  it('slows down one client address that guesses many usernames', async () => {
    for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, 'guess', '10.0.0.2')).statusCode).toBe(401);
    expect((await login('planner', 'planner-password', '10.0.0.2')).statusCode).toBe(429);
    expect((await login('planner', 'planner-password', '10.0.0.4')).statusCode).toBe(200);
    clock.advance(1000);
    expect((await login('planner', 'planner-password', '10.0.0.2')).statusCode).toBe(200);
  });

  it('audits sign-ins, failed sign-ins, sign-outs, 401s and 403s, each naming its actor', async () => {
    const l = await login('dispatcher', 'dispatcher-password');
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${l.json().token}` } });
    await as('viewer', 'POST', '/api/items', {});
    await as(null, 'GET', '/api/users');
    expect((await auditRows({ reason: 'signed in', username: 'dispatcher' })).length).toBeGreaterThan(0);
    expect((await auditRows({ reason: 'signed out', username: 'dispatcher' })).length).toBe(1);
    expect((await auditRows({ reason: 'sign-in failed', username: 'viewer' })).length).toBeGreaterThanOrEqual(5);
    expect((await auditRows({ status: 403, username: 'viewer' })).length).toBeGreaterThan(0);
    expect((await auditRows({ status: 401, username: 'anonymous' })).length).toBeGreaterThan(0);
    const nameless = await t.db.selectFrom('audit_log').select('id').where('username', '=', '').execute();
    expect(nameless).toEqual([]);
  });

  it('names the actor of zone changes in the zones audit trail', async () => {
    const ring = [[116.49, 39.78], [116.51, 39.78], [116.51, 39.8], [116.49, 39.8], [116.49, 39.78]];
    const z = await as('admin', 'POST', '/api/zones', { id: 'Z-SEC', name: 'zone', geometry: { type: 'Polygon', coordinates: [ring] }, servingNodeId: 'A' });
    expect(z.statusCode, z.body).toBe(201);
    const trail = await as('admin', 'GET', '/api/zones/audit?subjectId=Z-SEC');
    expect(trail.json().events ?? trail.json()).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'zone.created', actor: 'admin' })]));
  });

  it('ends the other sessions of a user whose password changes, but not the admin’s own', async () => {
    const second = (await login('counter-a', 'counter-a-password')).json().token;
    const r = await as('admin', 'PATCH', `/api/users/${userIds['counter-a']}`, { password: 'a-new-password' });
    expect(r.statusCode).toBe(200);
    for (const token of [tokens['counter-a'], second]) {
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    }
    expect((await as('admin', 'GET', '/api/auth/me')).statusCode).toBe(200);
    tokens['counter-a'] = (await login('counter-a', 'a-new-password')).json().token;
  });
});

describe('API tokens', () => {
  it('expire after 90 days by default, are listed without the secret, and can be revoked', async () => {
    const r = await as('admin', 'POST', '/api/tokens', { userId: userIds.viewer, name: 'integration' });
    expect(r.statusCode).toBe(201);
    const { id, token, expiresAt } = r.json();
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBe(90 * 86400_000);
    const list = (await as('admin', 'GET', `/api/tokens?userId=${userIds.viewer}&kind=api`)).json().tokens;
    expect(list).toEqual([expect.objectContaining({ id, name: 'integration', kind: 'api', revokedAt: null })]);
    expect(JSON.stringify(list)).not.toContain(token);
    const bearerOf = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/nodes', headers: bearerOf })).statusCode).toBe(200);
    clock.advance(91 * 86400_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/nodes', headers: bearerOf })).statusCode).toBe(401);
    clock.advance(-91 * 86400_000);
    expect((await as('admin', 'DELETE', `/api/tokens/${id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/nodes', headers: bearerOf })).statusCode).toBe(401);
  });

  it('writes the issuance audit row with the token, and a lone surrogate in the name issues nothing', async () => {
    const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_tokens WHERE kind = 'api'`.execute(t.db)).rows[0].n);
    const n = await count();
    const bad = await as('admin', 'POST', '/api/tokens', `{"userId":"${userIds.viewer}","name":"\\ud800"}`, { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(await count()).toBe(n);
    const ok = await as('admin', 'POST', '/api/tokens', { userId: userIds.viewer, name: 'audited' });
    const row = await t.db.selectFrom('audit_log').selectAll().where('route', '=', '/api/tokens').where('method', '=', 'POST').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.after).toMatchObject({ id: ok.json().id, name: 'audited' });
    expect(JSON.stringify(row)).not.toContain(ok.json().token);
  });
});

describe('the audit log', () => {
  it('refuses TRUNCATE as it refuses UPDATE and DELETE', async () => {
    await expect(sql`TRUNCATE audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await auditRows({})).length).toBeGreaterThan(0);
  });
});

describe.skipIf(!usingPostgres())('running as a role that does not own the tables (PostgreSQL)', () => {
  it('reads and writes the data, appends to the audit log, and cannot edit, empty or drop anything', async () => {
    const role = `bg_app_${Math.random().toString(36).slice(2, 10)}`;
    await sql.raw(`CREATE ROLE ${role} NOLOGIN`).execute(t.db);
    try {
      for (const stmt of appRoleGrants(role)) await sql.raw(stmt).execute(t.db);
      const asApp = (statement: string) =>
        t.db.transaction().execute(async (trx) => {
          await sql.raw(`SET LOCAL ROLE ${role}`).execute(trx);
          return sql.raw(statement).execute(trx);
        });
      await asApp(`SELECT count(*) FROM nodes`);
      await asApp(`UPDATE nodes SET name_en = name_en WHERE id = 'A'`);
      await asApp(`INSERT INTO audit_log (at, username, role, method, route, url, request_id, status_code) VALUES (now(), 'app', 'admin', 'POST', '/x', '/x', 'r', 200)`);
      for (const forbidden of ['UPDATE audit_log SET username = username', 'DELETE FROM audit_log', 'TRUNCATE audit_log', 'DROP TABLE nodes', 'ALTER TABLE nodes ADD COLUMN x int', 'DROP TRIGGER audit_log_no_update ON audit_log']) {
        await expect(asApp(forbidden), forbidden).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await sql.raw(`DROP OWNED BY ${role}`).execute(t.db);
      await sql.raw(`DROP ROLE ${role}`).execute(t.db);
    }
  });
});

describe('reservations held by orders', () => {
  it('cannot be released by a manual movement, so the last unit is not sold twice', async () => {
    const before = await dbFingerprint(t.db);
    const release = await as('admin', 'POST', '/api/inventory/movements', { kind: 'release', reservationId: `${b.orderId}:0`, reason: 'manual' });
    expect(release.statusCode).toBe(403);
    expect(release.json()).toMatchObject({ code: 'not_allowed', field: 'reservationId' });
    const batch = await as('admin', 'POST', '/api/inventory/movements/batch', { operations: [{ kind: 'release', reservationId: `${b.orderId}:0`, reason: 'manual' }] });
    expect(batch.statusCode).toBe(403);
    expect(await dbFingerprint(t.db)).toEqual(before);
    const second = await as('admin', 'POST', '/api/orders', { customerId: 'c9', address: HOME, lines: [{ itemId: 'last-1', quantity: 1 }], slotStart: SLOT, allowSubstitution: false });
    expect(second.statusCode).not.toBe(201);
  });
});

describe('CSV exports', () => {
  it('neutralise cells a spreadsheet would run as a formula', async () => {
    const r = await as('admin', 'POST', '/api/items', { id: 'formula', nameZh: '=HYPERLINK("http://evil.example","x")', nameEn: '@SUM(1)', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 9 });
    expect(r.statusCode, r.body).toBe(201);
    const csv = (await as('admin', 'GET', '/api/items/export?format=csv')).body;
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'@SUM(1)`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});

describe('hostile input gets a 4xx in the one error shape and changes nothing', () => {
  const shaped = (r: { statusCode: number; json(): any }) => {
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json()).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  };
  const node = { id: 'hostile', kind: 'store', nameZh: 'x', nameEn: 'x', lat: 39.79, lng: 116.5 };
  it('NUL bytes, lone surrogates and __proto__ keys in JSON', async () => {
    const before = await dbFingerprint(t.db);
    for (const raw of [JSON.stringify({ ...node, nameZh: 'a\u0000b' }), JSON.stringify(node).replace('"x"', '"\\udc00"'), JSON.stringify(node).replace('{', '{"__proto__":{"admin":true},')]) {
      const r = await as('admin', 'POST', '/api/nodes', raw, { 'content-type': 'application/json' });
      shaped(r);
      expect(r.json().code).toBe('validation_failed');
    }
    shaped(await as('admin', 'GET', '/api/nodes/a%00b'));
    shaped(await as('admin', 'GET', '/api/items?q=%00'));
    expect(await dbFingerprint(t.db)).toEqual(before);
  });
  it('null or text where a number belongs', async () => {
    const before = await dbFingerprint(t.db);
    for (const bad of [{ ...node, lng: null }, { ...node, lat: '39.79' }]) {
      const r = await as('admin', 'POST', '/api/nodes', bad);
      shaped(r);
      expect(r.json().field).toMatch(/lng|lat/);
    }
    expect(await dbFingerprint(t.db)).toEqual(before);
  });
  it('deep nesting under any JSON media type, GeoJSON included', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    for (const type of ['application/json', 'application/geo+json', 'application/vnd.baogong+json']) {
      const r = await as('admin', 'POST', '/api/zones/import', `{"type":"FeatureCollection","features":${deep}}`, { 'content-type': type });
      shaped(r);
    }
  });
  it('malformed cookies and authorization headers', async () => {
    for (const headers of [{ cookie: 'bg_session=%E0%A4%A' }, { cookie: 'bg_session=' + 'x'.repeat(5000) }, { authorization: 'Bearer' }, { authorization: 'Bearer \u00ff\u00fe' }]) {
      const r = await t.app.inject({ method: 'GET', url: '/api/nodes', headers });
      shaped(r);
      expect(r.statusCode).toBe(401);
    }
  });
  it('every write route declares a body schema (imports take a file and check it themselves)', async () => {
    const doc = (await as('admin', 'GET', '/openapi.json')).json();
    const without = openApiRoutes(doc).filter((r) => r.method !== 'GET' && !r.hasBody && !r.path.endsWith('/import'));
    expect(without.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});

describe('the order rate limit', () => {
  it('counts per user, so signing in again does not multiply it', async () => {
    const limited = await buildApp({ ...t.deps, config: { auth: { enabled: true, orderRatePerMin: 2 } } });
    try {
      await limited.ready();
      const second = (await login('planner', 'planner-password', '10.0.0.9')).json().token;
      const place = (token: string) =>
        limited.inject({ method: 'POST', url: '/api/orders', headers: { authorization: `Bearer ${token}` }, payload: { customerId: `rl-${Math.random()}`, address: HOME, lines: [{ itemId: 'rice-2', quantity: 1 }], slotStart: SLOT } });
      const codes = [(await place(tokens.planner)).statusCode, (await place(second)).statusCode, (await place(second)).statusCode];
      expect(codes.slice(0, 2).every((c) => c !== 429)).toBe(true);
      expect(codes[2]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
