/**
 * Who may do what. Roles are fixed; each request is matched against an ordered
 * list of rules by method and path, and node-scoped roles (node manager, counter)
 * may act only on the nodes they are given. The policy is data, so the table-driven
 * authorisation test can walk every route against it.
 */
export const ROLES = ['admin', 'planner', 'node_manager', 'dispatcher', 'counter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose writes are limited to their own nodes. */
export const NODE_SCOPED_ROLES: ReadonlySet<Role> = new Set(['node_manager', 'counter']);

export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Nodes a node-scoped role may act on; empty for the others. */
  nodeIds: string[];
}

export interface AccessRule {
  name: string;
  /** 'read' = GET/HEAD, 'write' = everything else, 'any' = both. */
  methods: 'read' | 'write' | 'any';
  path: RegExp;
  /** null = public (no sign-in needed). */
  roles: Role[] | null;
}

const WRITE_ALL: Role[] = ['admin', 'planner'];

export const ACCESS_RULES: AccessRule[] = [
  { name: 'public', methods: 'any', path: /^\/(health|openapi\.json|docs)(\/|$|\?)/, roles: null },
  { name: 'sign in', methods: 'write', path: /^\/api\/auth\/login$/, roles: null },
  { name: 'own session', methods: 'any', path: /^\/api\/auth\/(me|logout)$/, roles: [...ROLES] },
  { name: 'users and tokens', methods: 'any', path: /^\/api\/(users|tokens)(\/|$)/, roles: ['admin'] },
  { name: 'audit log', methods: 'any', path: /^\/api\/audit(\/|$)/, roles: ['admin'] },
  { name: 'read anything', methods: 'read', path: /^\/api\//, roles: [...ROLES] },
  { name: 'node status', methods: 'write', path: /^\/api\/nodes\/[^/]+\/status$/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'network', methods: 'write', path: /^\/api\/(nodes|items|demand)(\/|$)/, roles: WRITE_ALL },
  { name: 'stock counts', methods: 'write', path: /^\/api\/(inventory\/)?counts(\/|$)/, roles: ['admin', 'planner', 'node_manager', 'counter'] },
  { name: 'stock', methods: 'write', path: /^\/api\/(inventory|stock|movements|transfers|lots)(\/|$)/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'orders', methods: 'write', path: /^\/api\/(orders|group-orders|slots|drop-points)(\/|$)/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'trips', methods: 'write', path: /^\/api\/(trips|fleet|vehicles|routing|route)(\/|$)/, roles: ['admin', 'planner', 'dispatcher'] },
  { name: 'staff', methods: 'write', path: /^\/api\/(staff|workforce|roster|needs)(\/|$)/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'other writes', methods: 'write', path: /^\/api\//, roles: WRITE_ALL },
];

export type AccessDecision =
  | { allow: true; rule: string; nodeScoped: boolean }
  | { allow: false; status: 401 | 403; rule: string; reason: string; kind: 'unauthenticated' | 'role' | 'scope_missing' | 'scope_outside' };

export function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export function ruleFor(method: string, path: string): AccessRule | null {
  const kind = isRead(method) ? 'read' : 'write';
  return ACCESS_RULES.find((r) => (r.methods === 'any' || r.methods === kind) && r.path.test(path)) ?? null;
}

/**
 * Decides a request. `nodeRefs` are the nodes the request touches, as far as the
 * route can tell from its parameters and body; a node-scoped role needs every one
 * of them in its scope, and a write with no node named is refused for it.
 */
export function decide(principal: Principal | null, method: string, path: string, nodeRefs: string[]): AccessDecision {
  const pathOnly = path.split('?')[0];
  if (!pathOnly.startsWith('/api/')) {
    const publicRule = ruleFor(method, pathOnly);
    if (!publicRule || publicRule.roles === null) return { allow: true, rule: publicRule?.name ?? 'web app', nodeScoped: false };
  }
  const rule = ruleFor(method, pathOnly);
  if (!rule) return principal ? { allow: false, status: 403, rule: 'none', reason: 'no rule allows this request', kind: 'role' } : { allow: false, status: 401, rule: 'none', reason: 'sign in first', kind: 'unauthenticated' };
  if (rule.roles === null) return { allow: true, rule: rule.name, nodeScoped: false };
  if (!principal) return { allow: false, status: 401, rule: rule.name, reason: 'sign in first (Authorization: Bearer <token>)', kind: 'unauthenticated' };
  if (!rule.roles.includes(principal.role)) {
    return { allow: false, status: 403, rule: rule.name, reason: `role ${principal.role} may not do this (${rule.name}: ${rule.roles.join(', ')})`, kind: 'role' };
  }
  const scoped = NODE_SCOPED_ROLES.has(principal.role) && !isRead(method);
  if (scoped) {
    if (nodeRefs.length === 0) return { allow: false, status: 403, rule: rule.name, reason: `role ${principal.role} may only act on its own nodes, and this request names none`, kind: 'scope_missing' };
    const outside = nodeRefs.filter((n) => !principal.nodeIds.includes(n));
    if (outside.length > 0) return { allow: false, status: 403, rule: rule.name, reason: `node ${outside[0]} is outside your nodes (${principal.nodeIds.join(', ') || 'none'})`, kind: 'scope_outside' };
  }
  return { allow: true, rule: rule.name, nodeScoped: scoped };
}

/** The nodes a request names in its path parameters, query or body. */
export function nodeRefsOf(path: string, params: Record<string, unknown>, query: Record<string, unknown>, body: unknown): string[] {
  const refs = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v !== '') refs.add(v);
  };
  add(params.nodeId);
  if (/^\/api\/nodes\/[^/]+/.test(path)) add(params.id);
  add(query.nodeId);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const k of ['nodeId', 'fromNodeId', 'toNodeId', 'sourceNodeId', 'destinationNodeId']) add(b[k]);
    if (Array.isArray(b.lines)) for (const l of b.lines) if (l && typeof l === 'object') add((l as Record<string, unknown>).nodeId);
    if (Array.isArray(b.rows)) for (const l of b.rows) if (l && typeof l === 'object') add((l as Record<string, unknown>).nodeId);
  }
  return [...refs];
}
