/**
 * Hostile input stops at the door with a 400 in the one error shape: JSON bodies
 * (any JSON media type, GeoJSON included) nested deeper than MAX_JSON_DEPTH, text
 * with NUL bytes or lone surrogates (the database refuses both, which used to be a
 * 500), and `__proto__` keys. Querystrings accept only the parameters their schema
 * names, and a write route without a body schema accepts only an empty body.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DomainException } from '../domain/shared/index.ts';

export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function bad(field: string, message: string, expected: string, actual: unknown): DomainException {
  return new DomainException({ code: 'validation_failed', message: `${field}: ${message}`, field, expected, actual });
}

/** The first problem in a string, or null. */
function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL byte';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return null;
}

/** Throws on the first hostile value in a parsed JSON document (iterative: no recursion to overflow). */
export function checkJsonValue(root: unknown, part: string): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: root, path: part, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) throw bad(path, p, 'text without NUL bytes or lone surrogates', JSON.stringify(v).slice(0, 80));
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw bad(path, `nested deeper than ${MAX_JSON_DEPTH} levels`, `at most ${MAX_JSON_DEPTH} levels of arrays and objects`, 'deeper');
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: `${path}.${i}`, depth: depth + 1 });
      continue;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const p = textProblem(k);
      if (p) throw bad(path, `a key ${p}`, 'keys without NUL bytes or lone surrogates', JSON.stringify(k).slice(0, 80));
      if (k === '__proto__') throw bad(`${path}.${k}`, 'a __proto__ key is not accepted', 'no __proto__ key', k);
      stack.push({ v: child, path: `${path}.${k}`, depth: depth + 1 });
    }
  }
}

/** Parses a JSON body; everything wrong with it is a 400 naming the problem. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  // Cheap depth check before parsing, so a deeply nested document cannot exhaust the stack.
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) throw bad('body', `nested deeper than ${MAX_JSON_DEPTH} levels`, `at most ${MAX_JSON_DEPTH} levels of arrays and objects`, 'deeper');
    } else if (c === 93 || c === 125) depth--;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DomainException({ code: 'validation_failed', message: `malformed JSON body: ${(e as Error).message}`, field: 'body', expected: 'valid JSON', actual: 'unparseable text' });
  }
  checkJsonValue(value, 'body');
  return value;
}

const JSON_TYPES = /^application\/([a-z0-9!#$&^_.-]+\+)?json$/i;

/** The body of a write that takes no input: none at all, `null`, or `{}`. */
export const EMPTY_BODY = { anyOf: [{ type: 'object', properties: {}, additionalProperties: false }, { type: 'null' }] } as const;

interface JsonObjectSchema {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  allOf?: JsonObjectSchema[];
  [k: string]: unknown;
}

/** An object schema that refuses properties it does not name (an `allOf` of objects is flattened first). */
export function closedObject(schema: JsonObjectSchema | undefined): JsonObjectSchema {
  if (!schema) return { type: 'object', properties: {}, additionalProperties: false };
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((p) => closedObject(p));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: [...new Set(parts.flatMap((p) => p.required ?? []))],
      additionalProperties: false,
    };
  }
  return { ...schema, additionalProperties: false };
}

const isWrite = (m: string) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * Two validators: path parameters, querystrings and headers arrive as text, so
 * their schemas coerce ("5" is 5); JSON bodies are taken as sent, so `null` where
 * a number belongs is refused instead of becoming 0, and "5" is not a number.
 */
function validators(shared: object[]): { body: Ajv; text: Ajv } {
  const base: AjvOptions = { useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false, strict: false };
  const make = (coerceTypes: AjvOptions['coerceTypes']) => {
    const ajv = addFormats(new Ajv({ ...base, coerceTypes }));
    for (const s of shared) ajv.addSchema(s);
    return ajv;
  };
  return { body: make(false), text: make('array') };
}

export function installInputHardening(app: FastifyInstance, sharedSchemas: object[] = []): void {
  const v = validators(sharedSchemas);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? v.body : v.text;
    const id = (schema as { $id?: string }).$id;
    return (id && ajv.getSchema(id)) || ajv.compile(schema);
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!route.url.startsWith('/api/') && route.url !== '/health') return;
    const schema = (route.schema ??= {});
    // Unknown query parameters are refused, on every route (none of them reads one it does not declare).
    schema.querystring = closedObject(schema.querystring as JsonObjectSchema | undefined);
    // A write that declares no body takes none (or `{}`); imports take a file and check it themselves.
    if (methods.some(isWrite) && schema.body === undefined && !route.url.endsWith('/import')) {
      schema.body = EMPTY_BODY;
    }
  });

  // Path and query parameters get the same text checks as bodies; so do CSV/text bodies.
  app.addHook('preValidation', async (request: FastifyRequest) => {
    checkJsonValue(request.params ?? null, 'params');
    checkJsonValue(request.query ?? null, 'query');
    if (typeof request.body === 'string') checkJsonValue(request.body, 'body');
  });
}

/** Content-Security-Policy for the web app and the API docs: scripts only from this origin, never inline; no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
}
