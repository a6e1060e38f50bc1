import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { serverDocument } from '../web/scripts/gen-api-types.ts';
import { toOpenApi30Schema } from '../src/api/openapi.ts';

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
