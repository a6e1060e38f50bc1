/**
 * Who may do what. Roles are fixed; each request is matched against an ordered
 * list of rules by method and by the route the server matched (its pattern, e.g.
 * `/api/nodes/:id/status`, never the raw URL, so no spelling of a path can reach a
 * route under another rule). A route no rule names is refused (deny by default).
 * Node-scoped roles (node manager, counter) may write only to the nodes they are
 * given; the nodes a write touches come from the entities it names (see
 * src/api/scope.ts), never from the query string. The policy is data, so the
 * route sweep test can walk every route against it.
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
  /** Tested against the matched route pattern (`/api/orders/:id/cancel`). */
  route: RegExp;
  /** null = public (no sign-in needed). */
  roles: Role[] | null;
}

const WRITE_ALL: Role[] = ['admin', 'planner'];

/**
 * The web command centre's static files are allowed by their own rule: the server
 * tags the routes it registers for them (see `WEB_ASSET_RULE`), so a GET route
 * outside `/api/` is not public just because of where it lives.
 */
export const WEB_ASSET_RULE = 'web app';

export const ACCESS_RULES: AccessRule[] = [
  { name: 'public', methods: 'read', route: /^\/(health|openapi\.json|docs|docs\/.*)$/, roles: null },
  { name: 'sign in', methods: 'write', route: /^\/api\/auth\/login$/, roles: null },
  { name: 'own session', methods: 'any', route: /^\/api\/auth\/(me|logout)$/, roles: [...ROLES] },
  { name: 'users and tokens', methods: 'any', route: /^\/api\/(users|tokens)(\/|$)/, roles: ['admin'] },
  { name: 'audit log', methods: 'any', route: /^\/api\/audit(\/|$)/, roles: ['admin'] },
  { name: 'read anything', methods: 'read', route: /^\/api\//, roles: [...ROLES] },
  { name: 'node status', methods: 'write', route: /^\/api\/nodes\/:id\/status$/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'network', methods: 'write', route: /^\/api\/(nodes|items|demand)(\/|$)/, roles: WRITE_ALL },
  { name: 'stock counts', methods: 'write', route: /^\/api\/inventory\/counts(\/|$)/, roles: ['admin', 'planner', 'node_manager', 'counter'] },
  { name: 'stock', methods: 'write', route: /^\/api\/inventory\//, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'orders', methods: 'write', route: /^\/api\/(orders|group-orders|slots)(\/|$)/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'trips', methods: 'write', route: /^\/api\/(trips|fleet)(\/|$)/, roles: ['admin', 'planner', 'dispatcher'] },
  { name: 'staff', methods: 'write', route: /^\/api\/(staff|workforce)(\/|$)/, roles: ['admin', 'planner', 'node_manager'] },
  { name: 'incident plans', methods: 'write', route: /^\/api\/incidents(\/|$)/, roles: WRITE_ALL },
  { name: 'stock moves (搬仓)', methods: 'write', route: /^\/api\/stock-moves$/, roles: ['admin', 'planner'] },
  { name: 'other writes', methods: 'write', route: /^\/api\//, roles: WRITE_ALL },
];

export type AccessDecision =
  | { allow: true; rule: string; nodeScoped: boolean }
  | { allow: false; status: 401 | 403; rule: string; reason: string; kind: 'unauthenticated' | 'role' | 'scope_missing' | 'scope_outside' };

export function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export function ruleFor(method: string, route: string): AccessRule | null {
  const kind = isRead(method) ? 'read' : 'write';
  return ACCESS_RULES.find((r) => (r.methods === 'any' || r.methods === kind) && r.route.test(route)) ?? null;
}

/**
 * Decides a request on the route the server matched. `nodeRefs` are the nodes the
 * request touches (from its path parameters and the entities it names); a
 * node-scoped role needs every one of them in its scope, and a write that names no
 * node is refused for it. Pass `nodeRefs = null` to decide on role alone (before
 * the body is parsed).
 */
export function decide(principal: Principal | null, method: string, route: string, nodeRefs: string[] | null): AccessDecision {
  const rule = ruleFor(method, route);
  if (!rule) {
    return principal
      ? { allow: false, status: 403, rule: 'none', reason: 'no rule allows this request', kind: 'role' }
      : { allow: false, status: 401, rule: 'none', reason: 'sign in first', kind: 'unauthenticated' };
  }
  if (rule.roles === null) return { allow: true, rule: rule.name, nodeScoped: false };
  if (!principal) return { allow: false, status: 401, rule: rule.name, reason: 'sign in first (Authorization: Bearer <token>)', kind: 'unauthenticated' };
  if (!rule.roles.includes(principal.role)) {
    return { allow: false, status: 403, rule: rule.name, reason: `role ${principal.role} may not do this (${rule.name}: ${rule.roles.join(', ')})`, kind: 'role' };
  }
  const scoped = NODE_SCOPED_ROLES.has(principal.role) && !isRead(method);
  if (scoped && nodeRefs !== null) {
    if (nodeRefs.length === 0) return { allow: false, status: 403, rule: rule.name, reason: `role ${principal.role} may only act on its own nodes, and this request touches none of them`, kind: 'scope_missing' };
    const outside = nodeRefs.filter((n) => !principal.nodeIds.includes(n));
    if (outside.length > 0) return { allow: false, status: 403, rule: rule.name, reason: `node ${outside[0]} is outside your nodes (${principal.nodeIds.join(', ') || 'none'})`, kind: 'scope_outside' };
  }
  return { allow: true, rule: rule.name, nodeScoped: scoped };
}
