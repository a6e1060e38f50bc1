/**
 * CI check: writes the server's OpenAPI document to test-artifacts/openapi.json and validates
 * it with an independent OpenAPI validator (@apidevtools/swagger-parser). Exit 1 lists the errors.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdirSync, writeFileSync } from 'node:fs';
import { serverDocument } from '../web/scripts/gen-api-types.ts';

const doc = await serverDocument();
mkdirSync('test-artifacts', { recursive: true });
writeFileSync('test-artifacts/openapi.json', JSON.stringify(doc, null, 2));
try {
  await SwaggerParser.validate(doc as never);
  console.log(`openapi check: ok (OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths)`);
} catch (e) {
  console.error(`openapi check failed: ${(e as Error).message}`);
  process.exit(1);
}
