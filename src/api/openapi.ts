/**
 * Turns the JSON Schema (draft 7, from TypeBox) that route schemas are written in into the
 * schema dialect of OpenAPI 3.0.3, which `/openapi.json` declares. @fastify/swagger already
 * maps `$ref`s and nullable unions; what it leaves are keywords that 3.0 spells differently
 * (`exclusiveMinimum: 0` is `minimum: 0, exclusiveMinimum: true` there, `const: x` is
 * `enum: [x]`, ...). A document that breaks them is refused by validators and client
 * generators, so `test/openapi.test.ts` validates the result with an OpenAPI validator.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rewrites every schema inside an OpenAPI document in place and returns the document. */
export function toOpenApi30Document<T>(doc: T): T {
  walkDocument(doc as unknown, false);
  return doc;
}

function walkDocument(node: unknown, inComponentSchemas: boolean): void {
  if (Array.isArray(node)) {
    for (const v of node) walkDocument(v, false);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (inComponentSchemas) {
      if (isObject(value)) toOpenApi30Schema(value);
    } else if (key === 'schema' && isObject(value)) {
      toOpenApi30Schema(value);
    } else {
      walkDocument(value, key === 'schemas');
    }
  }
}

/** Rewrites one schema (and the schemas nested in it) in place. */
export function toOpenApi30Schema(s: Json): void {
  if (typeof s.exclusiveMinimum === 'number') {
    s.minimum = s.exclusiveMinimum;
    s.exclusiveMinimum = true;
  }
  if (typeof s.exclusiveMaximum === 'number') {
    s.maximum = s.exclusiveMaximum;
    s.exclusiveMaximum = true;
  }
  if ('const' in s) {
    s.enum = [s.const];
    if (s.type === undefined && s.const !== null) s.type = typeof s.const === 'number' ? 'number' : typeof s.const;
    delete s.const;
  }
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    if (types.length < (s.type as string[]).length) s.nullable = true;
    if (types.length === 1) s.type = types[0];
    else {
      delete s.type;
      s.anyOf = types.map((t) => ({ type: t }));
    }
  }
  if (Array.isArray(s.examples)) {
    if (s.example === undefined && s.examples.length > 0) s.example = s.examples[0];
    delete s.examples;
  }
  if (isObject(s.patternProperties)) {
    // 3.0 has no patternProperties: a map of anything-keyed values is additionalProperties.
    const values = Object.values(s.patternProperties);
    if (s.additionalProperties === undefined || s.additionalProperties === false) s.additionalProperties = values.length === 1 ? values[0] : true;
    delete s.patternProperties;
  }
  for (const k of ['$schema', '$id', '$comment', 'contentEncoding', 'contentMediaType', 'if', 'then', 'else', 'dependencies', 'propertyNames']) delete s[k];
  for (const k of ['items', 'additionalProperties', 'not']) if (isObject(s[k])) toOpenApi30Schema(s[k] as Json);
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) for (const sub of s[k] as unknown[]) if (isObject(sub)) toOpenApi30Schema(sub);
  if (isObject(s.properties)) for (const sub of Object.values(s.properties)) if (isObject(sub)) toOpenApi30Schema(sub);
}
