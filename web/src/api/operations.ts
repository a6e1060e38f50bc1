/**
 * Every API operation the command centre calls, as "METHOD /path" with OpenAPI
 * path templates. The client (./client.ts) only accepts paths listed here, so the
 * compiler keeps this list complete; web/scripts/gen-api-types.ts generates
 * ./schema.ts for exactly these operations from the server's OpenAPI document, and
 * test/e2e/api-contract.test.ts checks that each one exists on the server and that
 * the committed schema.ts is what the server describes today.
 *
 * Add a line here before calling a new route, then run `npm run gen:web-api`.
 */
export const API_OPERATIONS = [
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/nodes',
  'POST /api/nodes/{id}/status',
  'GET /api/items',
  'GET /api/places',
  'GET /api/zones/export',
  'GET /api/control-areas',
  'POST /api/control-areas/preview',
  'POST /api/control-areas',
  'POST /api/control-areas/{id}/lift',
  'POST /api/zones/reassignments',
  'POST /api/zones/reassignments/{id}/apply',
  'POST /api/incidents',
  'POST /api/incidents/{id}/plan',
  'POST /api/incidents/{id}/simulate',
  'POST /api/incidents/{id}/apply',
  'POST /api/incidents/{id}/lift',
  'GET /api/incidents',
  'GET /api/incidents/{id}',
  'GET /api/incidents/{id}/timeline',
  'POST /api/incidents/{id}/discard',
  'POST /api/incidents/{id}/extend',
  'PUT /api/incidents/{id}/plan/parts/{part}',
  'GET /api/board/stream',
  'POST /api/incidents/{id}/plan/parts/{part}/rerun',
  'GET /api/incidents/{id}/reconciliation',
  'GET /api/board',
  'POST /api/board/alerts/{id}/ack',
  'GET /api/slots',
  'GET /api/orders',
  'POST /api/orders',
  'GET /api/inventory/balances',
  'GET /api/inventory/summary',
  'GET /api/inventory/lots',
  'GET /api/inventory/counts',
  'POST /api/inventory/counts',
  'GET /api/inventory/counts/{id}',
  'POST /api/inventory/counts/{id}/entries',
  'GET /api/inventory/counts/{id}/report',
  'POST /api/inventory/counts/{id}/post',
  'GET /api/planning/settings',
  'GET /api/planning/plans',
  'GET /api/planning/plans/{id}',
  'GET /api/planning/suppliers',
  'POST /api/planning/plans',
  'POST /api/planning/plans/{id}/apply',
  'GET /api/trips',
  'GET /api/fleet',
  'GET /api/trips/plans',
  'POST /api/trips/plans',
  'POST /api/trips/plans/{id}/confirm',
  'POST /api/trips/plans/{id}/discard',
  'PATCH /api/trips/{id}',
  'POST /api/trips/{id}/dispatch',
  'POST /api/trips/{id}/arrive',
  'POST /api/trips/{id}/cancel',
  'GET /api/trips/{id}/sheet',
  'GET /api/staff',
  'GET /api/staffing-plans',
  'POST /api/staffing-plans',
  'POST /api/staffing-plans/{id}/apply',
] as const;

/**
 * Screens for contexts whose routes may not be on every server yet (sourcing,
 * trips, staff, reconciliation): the app calls them and shows "not available" on a
 * 404, so they are listed apart and only checked when the server has them.
 */
export const OPTIONAL_OPERATIONS = [] as const satisfies readonly string[];

export type Operation = (typeof API_OPERATIONS)[number] | (typeof OPTIONAL_OPERATIONS)[number];
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The paths the app may call with a method. */
export type PathFor<M extends Method> = Operation extends infer O ? (O extends `${M} ${infer P}` ? P : never) : never;
