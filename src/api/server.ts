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
import { normalisePath } from './normalise.ts';
import { installInputHardening, installSecurityHeaders } from './hardening.ts';

/**
 * Builds the HTTP application: schemas, OpenAPI, error mapping, every context's
 * routes, and (when built) the web command centre as static files.
 */
export async function buildApp(deps: AppDeps, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: deps.config.bodyLimitBytes ?? 10 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // One spelling per path: the router ignores case in the static parts of a route,
    // doubled and trailing slashes; rewriteUrl decodes %-encoded letters and resolves
    // dot segments, so every variant reaches the same route (and the same access decision).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    rewriteUrl: (req) => normalisePath(req.url ?? '/'),
    requestTimeout: deps.config.requestTimeoutMs ?? 60_000,
    connectionTimeout: 120_000,
  });
  installErrorHandler(app);
  app.addSchema(ErrorSchema);
  installInputHardening(app, [ErrorSchema]);
  installSecurityHeaders(app);
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser([XLSX_MIME, 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

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
    // The web app's files and its client-side routes are public by their own rule
    // (WEB_ASSET_RULE): only the routes registered here carry the tag.
    await app.register(async (web) => {
      web.addHook('onRoute', (route) => {
        route.config = { ...(route.config as object), webAsset: true } as typeof route.config;
      });
      await web.register(fastifyStatic, { root: webDir, prefix: '/', index: 'index.html', wildcard: false });
      web.get('/app/*', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
    });
  }
  return app;
}
