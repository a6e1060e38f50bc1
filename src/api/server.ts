/** Building the HTTP application: schemas, OpenAPI, error mapping, auth, every context's routes and the web command centre. */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import compress from '@fastify/compress';
import { constants as zlib } from 'node:zlib';
import { existsSync } from 'node:fs';
import type { AppDeps } from './deps.ts';
import { ErrorSchema, installErrorHandler } from './errors.ts';
import { XLSX_MIME } from './tabular.ts';
import { routePlugins, sharedSchemas } from './routes/index.ts';
import { toOpenApi30Document } from './openapi.ts';
import { authRoutes, installAuth } from './auth.ts';
import { normalisePath } from './normalise.ts';
import { installInputHardening, installSecurityHeaders } from './hardening.ts';
import { lazySerializers, type LazySerializers } from './lazy-serializers.ts';

const serializersOf = new WeakMap<FastifyInstance, LazySerializers>();

/**
 * Compiles every response serializer the app has not compiled yet (they compile on a route's first
 * answer, see lazy-serializers.ts) and answers how many: a check that every response schema compiles.
 */
export function compileResponseSerializers(app: FastifyInstance): number {
  return serializersOf.get(app)?.compileAll() ?? 0;
}

/**
 * Builds the HTTP application: schemas, OpenAPI, error mapping, every context's
 * routes, and (when built) the web command centre as static files.
 */
export async function buildApp(deps: AppDeps, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const serializers = lazySerializers();
  const app = Fastify({
    // Response serializers compile on a route's first answer, not all ~450 at start (~5 s of CPU).
    schemaController: { compilersFactory: { buildSerializer: serializers.factory } },
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
  serializersOf.set(app, serializers);
  installErrorHandler(app);
  // API answers (JSON, GeoJSON, CSV) compressed on the fly when the client accepts it:
  // brotli at a low quality (fast: a few ms for a megabyte) or gzip. The web app's files
  // are compressed once at build time (web/vite.config.ts) and served as they are.
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  app.addSchema(ErrorSchema);
  for (const schema of sharedSchemas) app.addSchema(schema);
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
    // Hashed files under /assets/ never change (a new build has new names): cached for a
    // year without revalidation. index.html (and the unhashed basemap) must be checked every
    // time so a new build is picked up. The .br/.gz twins made at build are sent when the
    // browser accepts them.
    await app.register(async (web) => {
      web.addHook('onRoute', (route) => {
        route.config = { ...(route.config as object), webAsset: true } as typeof route.config;
      });
      await web.register(fastifyStatic, {
        root: webDir,
        prefix: '/',
        // `/` is served by the route below: @fastify/static's directory index with preCompressed
        // answers 404 when index.html has no .br/.gz twin; sendFile falls back to the plain file.
        index: false,
        wildcard: false,
        preCompressed: true,
        cacheControl: false,
        setHeaders: (reply, filePath) => void reply.header('cache-control', cacheControlFor(filePath)),
      });
      const indexHtml = (_req: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
      web.get('/', { schema: { hide: true } }, indexHtml);
      web.get('/app/*', { schema: { hide: true } }, indexHtml);
    });
  }
  return app;
}

/** Cache policy of a web file: immutable for content-hashed build output, revalidate otherwise. */
export function cacheControlFor(filePath: string): string {
  return /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
