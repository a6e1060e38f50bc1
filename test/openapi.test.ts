import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { appWithoutDatabase, serverDocument } from '../web/scripts/gen-api-types.ts';
import { toOpenApi30Schema } from '../src/api/openapi.ts';
import { compileResponseSerializers } from '../src/api/server.ts';

/**
 * `/openapi.json` is a valid OpenAPI 3.0.3 document by an independent validator
 * (@apidevtools/swagger-parser), so client generators a chain's IT team uses accept it.
 */
describe('/openapi.json', () => {
  it('passes an OpenAPI validator', async () => {
    const doc = await serverDocument();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(50);
    // validate() throws with every schema error listed when the document is invalid.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('spells JSON Schema keywords the 3.0 way, so the validator has something to refuse without the rewrite', async () => {
    const s: Record<string, unknown> = { type: 'object', properties: { m: { type: 'number', exclusiveMinimum: 0 }, k: { const: 'a' } } };
    const bad = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: { 200: { description: 'ok', content: { 'application/json': { schema: structuredClone(s) } } } } } } } };
    await expect(SwaggerParser.validate(structuredClone(bad) as never)).rejects.toThrow(/exclusiveMinimum/);
    toOpenApi30Schema(s);
    expect(s.properties).toEqual({ m: { type: 'number', minimum: 0, exclusiveMinimum: true }, k: { type: 'string', enum: ['a'] } });
    bad.paths['/x'].get.responses[200].content['application/json'].schema = s as never;
    await expect(SwaggerParser.validate(bad as never)).resolves.toBeTruthy();
  });
});

/**
 * Response serializers compile on a route's first answer (src/api/lazy-serializers.ts), so a
 * response schema fast-json-stringify refuses would fail a user's request instead of the start:
 * here every one of them is compiled.
 */
describe('response serializers', () => {
  it('compile none at start, and every one of them compiles', async () => {
    const app = await appWithoutDatabase();
    try {
      const health = await app.inject({ url: '/health' });
      // No database here: /health answers 503, through its compiled serializer.
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: expect.any(String) });
      const compiled = compileResponseSerializers(app);
      // Every route's statuses but the one /health just used.
      expect(compiled).toBeGreaterThan(300);
      expect(compileResponseSerializers(app)).toBe(0);
    } finally {
      await app.close();
    }
  });
});
