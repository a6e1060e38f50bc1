import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, missingOperations, SCHEMA_FILE, serverDocument } from '../../web/scripts/gen-api-types.ts';
import { API_OPERATIONS } from '../../web/src/api/operations.ts';

/**
 * The web app's API client against the server's OpenAPI document: every operation
 * the screens call exists, and web/src/api/schema.ts (the generated types the
 * client is checked against) is what the server describes today.
 */
describe('the web client against /openapi.json', () => {
  let doc: Awaited<ReturnType<typeof serverDocument>>;
  beforeAll(async () => {
    doc = await serverDocument();
  });
  afterAll(() => {});

  it('finds every operation the web app calls in the OpenAPI document', () => {
    expect(API_OPERATIONS.length).toBeGreaterThan(10);
    expect(missingOperations(doc)).toEqual([]);
  });

  it('has a committed schema.ts equal to a fresh generation (run `npm run gen:web-api` when this fails)', async () => {
    const fresh = await generate(doc);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(fresh);
  });
});
