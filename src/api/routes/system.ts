/** System routes: /health and /api/summary. */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { networkCounts } from '../../store/network.ts';

export default async function systemRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check: anonymous callers get only up or down; signed-in callers also the database kind, time, uptime and memory',
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, databaseKind: { type: 'string' }, time: { type: 'string' }, uptimeS: { type: 'integer' }, memoryRssBytes: { type: 'integer' }, heapUsedBytes: { type: 'integer' } } },
          503: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' } } },
        },
      },
    },
    async (req, reply) => {
      try {
        await sql`SELECT 1`.execute(deps.db);
      } catch (e) {
        // The error text goes to the log, never to the caller.
        req.log.error({ err: e }, 'health check: the database is unreachable');
        return reply.status(503).send(req.principal ? { status: 'down', database: 'unreachable' } : { status: 'down' });
      }
      if (!req.principal) return { status: 'ok' };
      const mem = process.memoryUsage();
      return {
        status: 'ok',
        database: 'ok',
        databaseKind: deps.database.kind,
        time: deps.clock.now().toISOString(),
        uptimeS: Math.round(process.uptime()),
        memoryRssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
      };
    },
  );

  app.get(
    '/api/summary',
    { schema: { tags: ['system'], summary: 'Counts of the network', response: { 200: { type: 'object', additionalProperties: true } } } },
    async () => ({ ...(await networkCounts(deps.db)), databaseKind: deps.database.kind }),
  );
}
