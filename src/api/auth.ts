import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { AppDeps } from './deps.ts';
import { decide, nodeRefsOf, ROLES, type Principal, type Role } from '../domain/auth/policy.ts';
import { DomainException, fail } from '../domain/shared/result.ts';
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
}

export function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  const cookie = request.headers.cookie;
  const m = cookie?.match(/(?:^|;\s*)bg_session=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

/**
 * Installs authentication (a bearer token or the session cookie), authorisation
 * (the policy in src/domain/auth/policy.ts, checked after the body is parsed so
 * node scope can be read from it), the order rate limit and the audit fallback.
 */
export function installAuth(app: FastifyInstance, deps: AppDeps, config: AuthConfig): void {
  app.decorateRequest('principal', null);

  // Sign-in and role are checked before the body is even parsed, so an unauthorised
  // caller learns nothing from validation; node scope is checked again once the body
  // is there (a node named only in the body).
  app.addHook('onRequest', async (request) => {
    if (!config.enabled) {
      request.principal = LOCAL_ADMIN;
      return;
    }
    const token = bearer(request);
    request.principal = token ? await auth.principalForToken(deps.db, token, deps.clock.now()) : null;
    const path = request.url.split('?')[0];
    if (token && !request.principal && path.startsWith('/api/') && path !== '/api/auth/login') {
      throw new DomainException({ code: 'unauthorized', message: 'the token is unknown, expired or revoked; sign in again', field: 'Authorization' });
    }
    const d = decide(request.principal, request.method, path, nodeRefsOf(path, (request.params ?? {}) as Record<string, unknown>, (request.query ?? {}) as Record<string, unknown>, undefined));
    if (!d.allow && d.kind !== 'scope_missing') {
      throw new DomainException({ code: d.status === 401 ? 'unauthorized' : 'forbidden', message: d.reason, details: { rule: d.rule } });
    }
  });

  const buckets = new Map<string, { tokens: number; at: number }>();
  app.addHook('preHandler', async (request) => {
    const path = request.url.split('?')[0];
    if (config.enabled) {
      let refs = nodeRefsOf(path, (request.params ?? {}) as Record<string, unknown>, (request.query ?? {}) as Record<string, unknown>, request.body);
      if (refs.length === 0) refs = await nodesOfEntity(deps, path);
      const d = decide(request.principal, request.method, path, refs);
      if (!d.allow) {
        throw new DomainException({ code: d.status === 401 ? 'unauthorized' : 'forbidden', message: d.reason, details: { rule: d.rule } });
      }
    }
    if (config.orderRatePerMin > 0 && request.method === 'POST' && /^\/api\/(orders|group-orders)(\/|$)/.test(path) && !/\/(cancel|pick|pack|dispatch|deliver)/.test(path)) {
      const key = bearer(request) ?? request.ip;
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
    if (request.audited || isReadMethod(request.method) || reply.statusCode >= 400) return;
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/auth/')) return;
    try {
      await auth.appendAudit(deps.db, auditEntry(request, reply.statusCode, null, deps.clock.now()));
    } catch (e) {
      request.log.error({ err: e }, 'could not write the audit log');
    }
  });
}

/**
 * For routes that act on a document by its id (a count, a transfer, an order), the
 * node it belongs to, so node-scoped roles can be checked against it.
 */
const ENTITY_NODES: Array<{ path: RegExp; table: string; column: string }> = [
  { path: /^\/api\/inventory\/counts\/([^/]+)/, table: 'stock_counts', column: 'node_id' },
  { path: /^\/api\/inventory\/transfers\/([^/]+)\/receive/, table: 'stock_transfers', column: 'to_node_id' },
  { path: /^\/api\/inventory\/transfers\/([^/]+)/, table: 'stock_transfers', column: 'from_node_id' },
  { path: /^\/api\/orders\/([^/]+)\//, table: 'orders', column: 'node_id' },
];

async function nodesOfEntity(deps: AppDeps, path: string): Promise<string[]> {
  for (const e of ENTITY_NODES) {
    const m = path.match(e.path);
    if (!m) continue;
    try {
      const r = await sql<{ n: string }>`SELECT ${sql.ref(e.column)} AS n FROM ${sql.table(e.table)} WHERE id = ${decodeURIComponent(m[1])}`.execute(deps.db);
      return r.rows.map((x) => x.n).filter(Boolean);
    } catch {
      return [];
    }
  }
  return [];
}

const isReadMethod = (m: string) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS';

export function auditEntry(request: FastifyRequest, statusCode: number, after: unknown, now: Date): auth.AuditEntry {
  const p = request.principal ?? LOCAL_ADMIN;
  const body = request.body as Record<string, unknown> | undefined;
  const reasonHeader = request.headers['x-reason'];
  const reason = typeof body?.reason === 'string' ? body.reason : typeof reasonHeader === 'string' ? reasonHeader : '';
  const sanitized = body && typeof body === 'object' && !Buffer.isBuffer(body) ? { ...body } : body === undefined ? null : { file: `${Buffer.isBuffer(body) ? body.length : String(body).length} bytes` };
  if (sanitized && typeof sanitized === 'object' && 'password' in sanitized) (sanitized as Record<string, unknown>).password = '***';
  return {
    at: now,
    userId: p.userId === 'local' ? null : p.userId,
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
const RoleSchema = Type.String({ enum: [...ROLES], description: ROLES.join(', ') });

export async function authRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, clock } = deps;
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username and password; returns a session token (also set as a cookie)',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: UserSchema }), 400: Err, 401: Err },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      const r = await auth.login(db, username, password, clock.now());
      if (!r) fail({ code: 'unauthorized', message: 'wrong username or password', field: 'password' });
      reply.header('set-cookie', `bg_session=${encodeURIComponent(r.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}`);
      return r;
    },
  );
  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this session' } }, async (req, reply) => {
    const t = bearer(req);
    if (t) await auth.revokeToken(db, t, clock.now());
    reply.header('set-cookie', 'bg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
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
        const u = await auth.updateUser(trx, (req.params as { id: string }).id, req.body as any);
        req.audited = true;
        await auth.appendAudit(trx, auditEntry(req, 200, u, clock.now()));
        return u;
      }),
  );
  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Issue an API token for a user, for integrations (admin)',
        body: Type.Object({ userId: Type.String(), name: Type.String({ minLength: 1, maxLength: 100 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ token: Type.String(), expiresAt: Type.Union([Type.String(), Type.Null()]) }), 400: Err, 404: Err },
      },
    },
    async (req, reply) => {
      const b = req.body as { userId: string; name: string; expiresInDays?: number };
      const users = await auth.listUsers(db);
      if (!users.some((u) => u.id === b.userId)) fail({ code: 'not_found', message: `user ${b.userId} does not exist`, field: 'userId', expected: 'an existing user id', actual: b.userId });
      const now = clock.now();
      const exp = b.expiresInDays ? new Date(now.getTime() + b.expiresInDays * 86400_000) : null;
      const token = await auth.issueToken(db, b.userId, 'api', b.name, now, exp);
      reply.status(201);
      return { token, expiresAt: exp?.toISOString() ?? null };
    },
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
