/**
 * Authentication and authorisation for the API: sessions, bearer tokens and CSRF, the role policy
 * on every route, the audit log entries, and the /api/auth routes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import type { AppDeps } from './deps.ts';
import { decide, isRead, NODE_SCOPED_ROLES, ROLES, type Principal, type Role } from '../domain/auth/index.ts';
import { nodesTouched } from './scope.ts';
import { LoginThrottle } from './throttle.ts';
import { EMPTY_BODY } from './hardening.ts';
import { DomainException, fail } from '../domain/shared/index.ts';
import * as auth from '../store/auth.ts';
import { toTable, writeTable, XLSX_MIME, type TableFormat } from './tabular.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set by a handler that knows the state before its write, for the audit log. */
    auditBefore?: unknown;
    /** True once the write has been audited inside its transaction. */
    audited?: boolean;
  }
}

/** The identity used when authentication is off (tests of other contexts, the local CLI). */
export const LOCAL_ADMIN: Principal = { userId: 'local', username: 'local', role: 'admin', nodeIds: [] };

export interface AuthConfig {
  /** When false every request acts as LOCAL_ADMIN (still audited). Default true. */
  enabled: boolean;
  /** Orders a minute one token (or address) may place; 0 turns the limit off. */
  orderRatePerMin: number;
  /**
   * How long (ms) a token's principal is reused without reading the database again
   * (`PrincipalCache`; default `PRINCIPAL_CACHE_MS`, 0 reads on every request).
   */
  principalCacheMs?: number;
}

/** Default of `AuthConfig.principalCacheMs`. */
export const PRINCIPAL_CACHE_MS = 2000;

/**
 * The principals of tokens seen in the last `ttlMs` (a rush sends many requests per session: each
 * would otherwise read its token and user). The token's own expiry is still checked on every
 * request. Cleared whenever this process handles a write to users or tokens (sign-in, sign-out,
 * a user changed or disabled, a token issued or revoked), before and after it, so in this process
 * a change counts at once; another server process on the same database sees it within `ttlMs`.
 * Unknown tokens are never kept.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number | null; untilMs: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly monotonicMs: () => number,
  ) {}

  async principal(db: AppDeps['db'], token: string, now: Date): Promise<Principal | null> {
    const key = auth.tokenHash(token);
    const at = this.monotonicMs();
    let e = this.entries.get(key);
    if (!e || e.untilMs <= at) {
      this.entries.delete(key);
      const t = await auth.tokenPrincipal(db, token);
      if (!t) return null;
      e = { ...t, untilMs: at + this.ttlMs };
      if (this.ttlMs > 0) {
        if (this.entries.size >= 10_000) this.entries.clear();
        this.entries.set(key, e);
      }
    }
    return e.expiresAtMs !== null && e.expiresAtMs <= now.getTime() ? null : e.principal;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Routes whose writes change who a token signs in (users, tokens, sign-in and sign-out). */
const changesPrincipals = (method: string, route: string) => !isRead(method) && (route.startsWith('/api/auth/') || route.startsWith('/api/users') || route.startsWith('/api/tokens'));

/** Where a request's credential came from: the Authorization header (CLI, API tokens) or the browser's session cookie. */
export interface Credential {
  token: string;
  via: 'header' | 'cookie';
}

export const SESSION_COOKIE = 'bg_session';
export const CSRF_COOKIE = 'bg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A cookie's value, or null when it is absent or malformed (a broken cookie counts as no cookie). */
export function cookieValue(request: FastifyRequest, name: string): string | null {
  const cookie = request.headers.cookie;
  if (typeof cookie !== 'string') return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      const v = decodeURIComponent(part.slice(eq + 1).trim());
      return /^[\x21-\x7e]{1,200}$/.test(v) ? v : null;
    } catch {
      return null;
    }
  }
  return null;
}

export function credential(request: FastifyRequest): Credential | null {
  const h = request.headers.authorization;
  if (typeof h === 'string' && /^Bearer\s+\S/i.test(h)) {
    const token = h.replace(/^Bearer\s+/i, '').trim();
    return /^[\x21-\x7e]{1,200}$/.test(token) ? { token, via: 'header' } : null;
  }
  const c = cookieValue(request, SESSION_COOKIE);
  return c ? { token: c, via: 'cookie' } : null;
}

export function bearer(request: FastifyRequest): string | null {
  return credential(request)?.token ?? null;
}

/**
 * The CSRF token of a browser session: derived from the session token (so the
 * server keeps no state), handed to the page in a readable cookie and the sign-in
 * answer, and required in the X-CSRF-Token header on every write authenticated by
 * the cookie. Another site can make the browser send the cookie, not the header.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update('baogong-csrf\0').update(sessionToken).digest('base64url');
}

function deny(status: 401 | 403, message: string, rule: string, field?: string): never {
  throw new DomainException({ code: status === 401 ? 'unauthorized' : 'forbidden', message, field, details: { rule } });
}

/** The name audit rows give the caller: the signed-in user, or "anonymous". */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.username ?? 'anonymous';
}

/**
 * Installs authentication (a bearer token or the session cookie), authorisation
 * (the policy in src/domain/auth/policy.ts, decided on the route Fastify matched:
 * role before the body is parsed, node scope from the entities the write touches
 * once it is), CSRF protection of cookie sessions, the order rate limit and the
 * audit fallback. Refusals (401, 403) are audited too.
 */
export function installAuth(app: FastifyInstance, deps: AppDeps, config: AuthConfig): void {
  app.decorateRequest('principal', null);

  const refuse = async (request: FastifyRequest, status: 401 | 403, message: string, rule: string, field?: string): Promise<never> => {
    try {
      await auth.appendAudit(deps.db, { ...auditEntry(request, status, null, deps.clock.now()), reason: message });
    } catch (e) {
      request.log.error({ err: e }, 'could not write the audit log');
    }
    deny(status, message, rule, field);
  };

  const principals = new PrincipalCache(config.principalCacheMs ?? PRINCIPAL_CACHE_MS, () => performance.now());
  app.addHook('onRequest', async (request) => {
    if (!config.enabled) {
      request.principal = LOCAL_ADMIN;
      return;
    }
    const route = request.routeOptions.url;
    // No route matched: the not-found handler answers 404 and runs nothing.
    if (route === undefined) return;
    if ((request.routeOptions.config as { webAsset?: boolean } | undefined)?.webAsset && isRead(request.method)) return;
    if (changesPrincipals(request.method, route)) principals.clear();
    const cred = credential(request);
    request.principal = cred ? await principals.principal(deps.db, cred.token, deps.clock.now()) : null;
    if (cred && !request.principal && route.startsWith('/api/') && route !== '/api/auth/login') {
      await refuse(request, 401, 'the token is unknown, expired or revoked; sign in again', 'token', 'Authorization');
    }
    const d = decide(request.principal, request.method, route, null);
    if (!d.allow) await refuse(request, d.status, d.reason, d.rule);
    if (cred?.via === 'cookie' && request.principal && !isRead(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== csrfTokenFor(cred.token)) {
        await refuse(request, 403, 'a write from the browser session needs the X-CSRF-Token header (the bg_csrf cookie)', 'csrf', CSRF_HEADER);
      }
    }
  });

  // Node scope once the body is parsed and before it is validated (a caller outside
  // its scope learns nothing from validation): the nodes come from the entities the
  // write touches, never from the query string.
  app.addHook('preValidation', async (request) => {
    const route = request.routeOptions.url ?? '';
    const p = request.principal;
    if (config.enabled && p && NODE_SCOPED_ROLES.has(p.role) && !isRead(request.method)) {
      const refs = await nodesTouched(deps.db, request.method, route, { params: (request.params ?? {}) as Record<string, string>, body: request.body });
      const d = decide(p, request.method, route, refs);
      if (!d.allow) await refuse(request, d.status, d.reason, d.rule);
    }
  });

  const buckets = new Map<string, { tokens: number; at: number }>();
  app.addHook('preHandler', async (request) => {
    const route = request.routeOptions.url ?? '';
    const p = request.principal;
    if (config.orderRatePerMin > 0 && request.method === 'POST' && (route === '/api/orders' || route === '/api/group-orders')) {
      // One allowance per user (however many sessions they open), or per address when anonymous.
      const key = p && p.userId !== LOCAL_ADMIN.userId ? `user:${p.userId}` : `ip:${request.ip}`;
      const now = Date.now();
      const b = buckets.get(key) ?? { tokens: config.orderRatePerMin, at: now };
      b.tokens = Math.min(config.orderRatePerMin, b.tokens + ((now - b.at) / 60_000) * config.orderRatePerMin);
      b.at = now;
      if (b.tokens < 1) {
        buckets.set(key, b);
        throw new DomainException({ code: 'rate_limited', message: `more than ${config.orderRatePerMin} orders a minute from one client; slow down`, details: { limitPerMin: config.orderRatePerMin } });
      }
      b.tokens -= 1;
      buckets.set(key, b);
      if (buckets.size > 100_000) buckets.clear();
    }
  });

  // Writes that did not go through withIdempotency are audited after the answer.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    // After the change committed: a request that read the old principal meanwhile kept nothing.
    if (config.enabled && route !== undefined && changesPrincipals(request.method, route)) principals.clear();
    if (request.audited || isReadMethod(request.method) || reply.statusCode >= 400 || !route) return;
    if (!route.startsWith('/api/') || route.startsWith('/api/auth/')) return;
    try {
      await auth.appendAudit(deps.db, auditEntry(request, reply.statusCode, null, deps.clock.now()));
    } catch (e) {
      request.log.error({ err: e }, 'could not write the audit log');
    }
  });
}

const isReadMethod = (m: string) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS';

export function auditEntry(request: FastifyRequest, statusCode: number, after: unknown, now: Date): auth.AuditEntry {
  const p = request.principal ?? { userId: null, username: 'anonymous', role: 'anonymous' };
  const body = request.body as Record<string, unknown> | undefined;
  const reasonHeader = request.headers['x-reason'];
  const reason = typeof body?.reason === 'string' ? body.reason : typeof reasonHeader === 'string' ? reasonHeader : '';
  const sanitized = body && typeof body === 'object' && !Buffer.isBuffer(body) ? { ...body } : body === undefined ? null : { file: `${Buffer.isBuffer(body) ? body.length : String(body).length} bytes` };
  if (sanitized && typeof sanitized === 'object') for (const k of ['password', 'token']) if (k in sanitized) (sanitized as Record<string, unknown>)[k] = '***';
  return {
    at: now,
    userId: p.userId === LOCAL_ADMIN.userId ? null : p.userId,
    username: p.username,
    role: p.role,
    method: request.method,
    route: request.routeOptions.url ?? request.url,
    url: request.url,
    requestId: String(request.id),
    statusCode,
    reason,
    params: { params: request.params ?? null, query: request.query ?? null, body: sanitized },
    before: request.auditBefore ?? null,
    after,
    ip: request.ip,
  };
}

const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String({ enum: [...ROLES] }),
  nodeIds: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
const Err = { $ref: 'Error#' };
const EmptyBody = EMPTY_BODY;
const RoleSchema = Type.String({ enum: [...ROLES], description: ROLES.join(', ') });

export async function authRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, clock } = deps;
  // Per username and per client address: a few free failures, then a doubling wait.
  const byUser = new LoginThrottle({ freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, windowMs: 30 * 60_000 });
  const byAddress = new LoginThrottle({ freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, windowMs: 30 * 60_000 });
  const signInAudit = (req: FastifyRequest, status: number, username: string, message: string, after: unknown = null) =>
    auth.appendAudit(db, { ...auditEntry(req, status, after, clock.now()), username: req.principal?.username ?? username, role: req.principal?.role ?? 'anonymous', reason: message });

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username and password; returns a session token (also set as an HttpOnly cookie)',
        description:
          'mode "token" (default, for the CLI and scripts) answers with the token; mode "cookie" (the web app) keeps it out of the answer: the session lives only in the HttpOnly bg_session cookie, ' +
          'and writes must carry the X-CSRF-Token header (csrfToken here, also in the readable bg_csrf cookie). Repeated failures for a username or an address are slowed down (429 with Retry-After).',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
            mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('cookie')])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.Optional(Type.String()), csrfToken: Type.String(), expiresAt: Type.String(), user: UserSchema }),
          400: Err,
          401: Err,
          429: Err,
        },
      },
    },
    async (req, reply) => {
      const { username, password, mode } = req.body as { username: string; password: string; mode?: 'token' | 'cookie' };
      const nowMs = clock.now().getTime();
      const userKey = username.toLowerCase();
      const waitMs = Math.max(byUser.waitMs(userKey, nowMs), byAddress.waitMs(req.ip, nowMs));
      if (waitMs > 0) {
        const retryAfterS = Math.ceil(waitMs / 1000);
        await signInAudit(req, 429, username, `sign-in throttled for ${retryAfterS} s`);
        reply.header('retry-after', String(retryAfterS));
        throw new DomainException({ code: 'rate_limited', message: `too many failed sign-ins; try again in ${retryAfterS} s`, field: 'username', details: { retryAfterS } });
      }
      const r = await auth.login(db, username, password, clock.now());
      if (!r) {
        byUser.failed(userKey, nowMs);
        byAddress.failed(req.ip, nowMs);
        await signInAudit(req, 401, username, 'sign-in failed');
        fail({ code: 'unauthorized', message: 'wrong username or password', field: 'password' });
      }
      byUser.succeeded(userKey);
      byAddress.succeeded(req.ip);
      await signInAudit(req, 200, r.user.username, 'signed in', { userId: r.user.id, mode: mode ?? 'token' });
      const secure = req.protocol === 'https' ? '; Secure' : '';
      const csrfToken = csrfTokenFor(r.token);
      reply.header('set-cookie', [
        `${SESSION_COOKIE}=${encodeURIComponent(r.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}${secure}`,
        `${CSRF_COOKIE}=${csrfToken}; Path=/; SameSite=Strict; Max-Age=${12 * 3600}${secure}`,
      ]);
      return mode === 'cookie' ? { csrfToken, expiresAt: r.expiresAt, user: r.user } : { token: r.token, csrfToken, expiresAt: r.expiresAt, user: r.user };
    },
  );
  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this session', body: EmptyBody, response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (req, reply) => {
    const t = bearer(req);
    if (t) await auth.revokeToken(db, t, clock.now());
    if (req.principal && req.principal.userId !== LOCAL_ADMIN.userId) await signInAudit(req, 200, req.principal.username, 'signed out');
    reply.header('set-cookie', [`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`, `${CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0`]);
    return { ok: true };
  });
  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Type.Object({ username: Type.String(), role: Type.String(), nodeIds: Type.Array(Type.String()) }) } } },
    async (req) => {
      const p = req.principal ?? LOCAL_ADMIN;
      return { username: p.username, role: p.role, nodeIds: p.nodeIds };
    },
  );

  app.get('/api/users', { schema: { tags: ['auth'], summary: 'List users (admin)', response: { 200: Type.Object({ users: Type.Array(UserSchema) }) } } }, async () => ({ users: await auth.listUsers(db) }));
  app.post(
    '/api/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a user (admin)',
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9_.@-]{2,64}$' }),
            password: Type.String({ minLength: 8, maxLength: 200 }),
            role: RoleSchema,
            nodeIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, 400: Err, 409: Err },
      },
    },
    async (req, reply) => {
      const body = req.body as { username: string; password: string; role: Role; nodeIds?: string[]; displayName?: string };
      return deps.db.transaction().execute(async (trx) => {
        if (body.nodeIds?.length) {
          const found = await trx.selectFrom('nodes').select('id').where('id', 'in', body.nodeIds).execute();
          const missing = body.nodeIds.filter((n) => !found.some((f: any) => f.id === n));
          if (missing.length) fail({ code: 'not_found', message: `node ${missing[0]} does not exist`, field: 'nodeIds', expected: 'existing node ids', actual: missing[0] });
        }
        const u = await auth.createUser(trx, body, clock.now());
        req.audited = true;
        await auth.appendAudit(trx, auditEntry(req, 201, u, clock.now()));
        reply.status(201);
        return u;
      });
    },
  );
  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change a user’s role, nodes, password or disable them (admin)',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          { role: Type.Optional(RoleSchema), nodeIds: Type.Optional(Type.Array(Type.String())), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, 400: Err, 404: Err },
      },
    },
    async (req) =>
      deps.db.transaction().execute(async (trx) => {
        const own = bearer(req);
        const u = await auth.updateUser(trx, (req.params as { id: string }).id, req.body as any, clock.now(), own ? auth.tokenHash(own) : null);
        req.audited = true;
        await auth.appendAudit(trx, auditEntry(req, 200, u, clock.now()));
        return u;
      }),
  );
  const TokenInfoSchema = Type.Object({
    id: Type.String(),
    userId: Type.String(),
    username: Type.String(),
    kind: Type.String({ enum: ['session', 'api'] }),
    name: Type.String(),
    createdAt: Type.String(),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  });
  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: `Issue an API token for a user, for integrations (admin); it expires after expiresInDays (default ${auth.DEFAULT_API_TOKEN_DAYS})`,
        body: Type.Object(
          { userId: Type.String({ minLength: 1, maxLength: 200 }), name: Type.String({ minLength: 1, maxLength: 100 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String(), expiresAt: Type.String() }), 400: Err, 404: Err },
      },
    },
    async (req, reply) => {
      const b = req.body as { userId: string; name: string; expiresInDays?: number };
      const now = clock.now();
      const exp = new Date(now.getTime() + (b.expiresInDays ?? auth.DEFAULT_API_TOKEN_DAYS) * 86400_000);
      // The token and its audit row commit together, or not at all.
      return db.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('id', '=', b.userId).executeTakeFirst();
        if (!user) fail({ code: 'not_found', message: `user ${b.userId} does not exist`, field: 'userId', expected: 'an existing user id', actual: b.userId });
        const token = await auth.issueToken(trx, b.userId, 'api', b.name, now, exp);
        const id = auth.tokenHash(token).slice(0, 16);
        req.audited = true;
        await auth.appendAudit(trx, auditEntry(req, 201, { id, userId: b.userId, name: b.name, expiresAt: exp.toISOString() }, now));
        reply.status(201);
        return { id, token, expiresAt: exp.toISOString() };
      });
    },
  );
  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'List sessions and API tokens (admin); the token itself is never shown again',
        querystring: Type.Object({ userId: Type.Optional(Type.String()), kind: Type.Optional(Type.Union([Type.Literal('session'), Type.Literal('api')])), includeRevoked: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ tokens: Type.Array(TokenInfoSchema) }) },
      },
    },
    async (req) => ({ tokens: await auth.listTokens(db, req.query as { userId?: string; kind?: 'session' | 'api'; includeRevoked?: boolean }) }),
  );
  app.delete(
    '/api/tokens/:id',
    { schema: { tags: ['auth'], summary: 'Revoke a session or API token by its id (admin)', params: Type.Object({ id: Type.String() }), response: { 200: TokenInfoSchema, 404: Err } } },
    async (req) =>
      db.transaction().execute(async (trx) => {
        const id = (req.params as { id: string }).id;
        const t = await auth.revokeTokenById(trx, id, clock.now());
        if (!t) fail({ code: 'not_found', message: `token ${id} does not exist`, field: 'id', expected: 'a token id from GET /api/tokens', actual: id });
        req.audited = true;
        await auth.appendAudit(trx, auditEntry(req, 200, t, clock.now()));
        return t;
      }),
  );

  const AuditQuery = Type.Object({
    username: Type.Optional(Type.String()),
    route: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  });
  app.get('/api/audit', { schema: { tags: ['auth'], summary: 'The audit log: who did what, when, why (admin; read-only)', querystring: AuditQuery } }, async (req) =>
    auth.queryAudit(db, req.query as auth.AuditFilter),
  );
  app.get(
    '/api/audit/export',
    { schema: { tags: ['auth'], summary: 'Export the audit log as CSV or .xlsx (admin)', querystring: Type.Composite([AuditQuery, Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) })]) } },
    async (req, reply) => {
      const q = req.query as auth.AuditFilter & { format?: TableFormat };
      const { entries } = await auth.queryAudit(db, { ...q, limit: q.limit ?? 10000 });
      const rows = entries.map((e) => ({ ...e, params: JSON.stringify(e.params), before: JSON.stringify(e.before), after: JSON.stringify(e.after) }));
      const format = q.format ?? 'csv';
      const buf = await writeTable(toTable(['id', 'at', 'username', 'role', 'method', 'route', 'url', 'statusCode', 'reason', 'requestId', 'ip', 'params', 'before', 'after'], rows), format, 'audit');
      reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME);
      reply.header('content-disposition', `attachment; filename="audit.${format}"`);
      return reply.send(buf);
    },
  );
}
