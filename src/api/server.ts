import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { existsSync } from 'node:fs';
import type { AppDeps } from './deps.ts';
import { ErrorSchema, installErrorHandler } from './errors.ts';
import { XLSX_MIME } from './tabular.ts';
import { routePlugins } from './routes/index.ts';
import { toOpenApi30Document } from './openapi.ts';
import { authRoutes, installAuth } from './auth.ts';

/**
 * Builds the HTTP application: schemas, OpenAPI, error mapping, every context's
 * routes, and (when built) the web command centre as static files.
 */
export async function buildApp(deps: AppDeps, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: deps.config.bodyLimitBytes ?? 10 * 1024 * 1024,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
    genReqId: () => crypto.randomUUID(),
    requestTimeout: deps.config.requestTimeoutMs ?? 60_000,
    connectionTimeout: 120_000,
  });
  installErrorHandler(app);
  app.addSchema(ErrorSchema);
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser([XLSX_MIME, 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser(['application/geo+json'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      const err = e as Error & { statusCode?: number; code?: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Baogong (保供) API',
        description: 'Emergency supply assurance for fresh-grocery chains: network, stock, zones, orders, plans, trips, staff, incidents.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
    // Route schemas are JSON Schema draft 7; the document is OpenAPI 3.0.3 (see openapi.ts).
    transformObject: (doc) => toOpenApi30Document('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installAuth(app, deps, deps.config.auth ?? { enabled: true, orderRatePerMin: 1200 });
  await app.register(async (scope) => authRoutes(scope, deps));
  for (const plugin of routePlugins) {
    await app.register(async (scope) => plugin(scope, deps));
  }

  const webDir = deps.config.webDir;
  if (webDir && existsSync(webDir)) {
    const fastifyStatic = (await import('@fastify/static')).default;
    await app.register(fastifyStatic, { root: webDir, prefix: '/', index: 'index.html', wildcard: false });
    app.get('/app/*', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
  }
  return app;
}
