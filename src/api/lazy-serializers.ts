/** Response serializers compiled on a route's first answer instead of at start-up, and a way to compile them all at once. */
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type RouteDefinition = SerializerSelector.RouteDefinition;
type Serializer = SerializerSelector.Serializer;

/**
 * Fastify compiles one fast-json-stringify serializer per route and status code when the app
 * starts: ~450 of them here, ~5 s of CPU at every start (measured: `app.ready()` 5.5 s wall,
 * 6.5 s CPU, of which fast-json-stringify's own checks of each schema ~4 s). A server answers a
 * few dozen routes in its first minutes, and a test app a handful. So each serializer is compiled
 * by the first response that needs it (~10 ms for most routes, more for the incident plan's), and
 * answers exactly as the eager one would: same compiler, same shared schemas, same options.
 *
 * A schema fast-json-stringify refuses would then fail on its route's first answer rather than at
 * start-up: `compileAll` compiles every pending serializer (test/openapi.test.ts runs it on the
 * whole app, so a bad schema fails the suite, not a user's request).
 */
export interface LazySerializers {
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  factory: SerializerSelector.SerializerFactory;
  /** Compiles every serializer not compiled yet; answers how many it compiled. Throws the first compile error, naming the route. */
  compileAll(): number;
}

export function lazySerializers(): LazySerializers {
  const eager = SerializerSelector();
  const pending = new Set<() => void>();
  const factory: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
    const compile = eager(externalSchemas, options);
    return (route: RouteDefinition): Serializer => {
      let compiled: Serializer | null = null;
      const force = (): Serializer => {
        if (compiled) return compiled;
        try {
          compiled = compile(route);
        } catch (e) {
          throw new Error(`response schema of ${route.method} ${route.url} (status ${route.httpStatus}) does not compile: ${(e as Error).message}`, { cause: e });
        }
        pending.delete(run);
        return compiled;
      };
      const run = () => void force();
      pending.add(run);
      return (doc: unknown) => force()(doc);
    };
  };
  return {
    factory,
    compileAll: () => {
      let n = 0;
      for (const run of [...pending]) {
        run();
        n++;
      }
      return n;
    },
  };
}
