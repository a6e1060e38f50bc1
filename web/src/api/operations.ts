/**
 * Every API operation the command centre calls, as "METHOD /path" with OpenAPI
 * path templates. web/scripts/gen-api-types.ts generates ./schema.ts for exactly
 * these operations from the server's OpenAPI document, and
 * test/e2e/api-contract.test.ts checks that each one exists on the server and that
 * the committed schema.ts is what the server describes today.
 *
 * Add a line here before calling a new route, then run `npm run gen:web-api`.
 */
export const API_OPERATIONS = [
  'GET /api/nodes',
  'GET /api/nodes/{id}',
  'POST /api/nodes/{id}/status',
  'GET /api/items',
  'GET /api/summary',
] as const;

/**
 * Routes the app tries but does without when the server answers 404 (a part of the
 * platform that is not installed): they are not in the OpenAPI check.
 */
export const OPTIONAL_OPERATIONS = ['POST /api/auth/login', 'POST /api/auth/logout'] as const;
