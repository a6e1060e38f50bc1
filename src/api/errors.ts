/** The one place where error codes become HTTP statuses. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainException, InvariantError, type DomainError, type ErrorCode } from '../domain/shared/index.ts';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  conflict: 409,
  plan_not_simulated: 409,
  duplicate: 409,
  not_allowed: 403,
  unauthorized: 401,
  forbidden: 403,
  insufficient_stock: 422,
  zone_not_served: 422,
  node_not_trading: 422,
  over_purchase_limit: 422,
  slot_full: 422,
  window_closed: 422,
  infeasible: 422,
  solver_failed: 500,
  rate_limited: 429,
  payload_too_large: 413,
  internal: 500,
};

/** CLI exit codes: 1 for a refused operation, 2 for bad input. */
export function exitCodeFor(code: string): number {
  return code === 'validation_failed' ? 2 : 1;
}

export function errorBody(e: DomainError): Record<string, unknown> {
  const body: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.field !== undefined) body.field = e.field;
  if (e.expected !== undefined) body.expected = e.expected;
  if (e.actual !== undefined) body.actual = e.actual;
  if (e.details !== undefined) body.details = e.details;
  return body;
}

export const ErrorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
    expected: {},
    actual: {},
    details: { type: 'object', additionalProperties: true },
  },
  required: ['code', 'message'],
} as const;

function fromValidation(err: FastifyError): DomainError {
  const v = err.validation?.[0] as any;
  const ctx = (err as any).validationContext ?? 'body';
  let field = String(v?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  let expected: unknown = v?.message;
  let actual: unknown = undefined;
  if (v?.keyword === 'required') {
    field = [field, v.params?.missingProperty].filter(Boolean).join('.');
    expected = 'a value';
    actual = '(missing)';
  } else if (v?.keyword === 'additionalProperties') {
    field = [field, v.params?.additionalProperty].filter(Boolean).join('.');
    expected = 'no such field';
    actual = v.params?.additionalProperty;
  } else if (v?.keyword === 'type') {
    expected = v.params?.type;
  } else if (v?.keyword === 'minimum' || v?.keyword === 'maximum') {
    expected = `${v.keyword === 'minimum' ? '>=' : '<='} ${v.params?.limit}`;
  } else if (v?.keyword === 'enum' || v?.keyword === 'anyOf' || v?.keyword === 'const') {
    expected = v?.params?.allowedValues ?? v?.schema ?? 'one of the allowed values';
  }
  if (v && 'data' in v) actual = v.data;
  return {
    code: 'validation_failed',
    message: `${ctx}${field ? '.' + field : ''}: ${v?.message ?? err.message}`,
    field: field || ctx,
    expected,
    actual: actual === undefined ? undefined : actual,
  };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainException) {
      return reply.status(STATUS_BY_CODE[error.error.code] ?? 500).send(errorBody(error.error));
    }
    if (error.validation) {
      return reply.status(400).send(errorBody(fromValidation(error)));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError && error.statusCode === 400)) {
      return reply.status(400).send(errorBody({ code: 'validation_failed', message: `malformed JSON body: ${error.message}`, field: 'body', expected: 'valid JSON', actual: 'unparseable text' }));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(errorBody({ code: 'payload_too_large', message: error.message, field: 'body' }));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send(errorBody({ code: 'validation_failed', message: error.message, field: 'content-type', expected: 'application/json, text/csv or an .xlsx workbook', actual: request.headers['content-type'] }));
    }
    if (error.statusCode === 429) {
      return reply.status(429).send(errorBody({ code: 'rate_limited', message: error.message }));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody({ code: 'validation_failed', message: error.message }));
    }
    if (error instanceof InvariantError) request.log.error({ err: error }, 'invariant violated');
    else request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody({ code: 'internal', message: 'internal error; see the server log' }));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody({ code: 'not_found', message: `no route ${request.method} ${request.url}`, field: 'url', actual: request.url }));
  });
}
