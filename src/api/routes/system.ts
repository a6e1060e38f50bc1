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
        summary: 'Liveness and database check',
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, databaseKind: { type: 'string' }, time: { type: 'string' }, uptimeS: { type: 'integer' }, memoryRssBytes: { type: 'integer' }, heapUsedBytes: { type: 'integer' } } },
          503: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, error: { type: 'string' } } },
        },
      },
    },
    async (_req, reply) => {
      try {
        await sql`SELECT 1`.execute(deps.db);
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
      } catch (e) {
        return reply.status(503).send({ status: 'degraded', database: 'unreachable', error: (e as Error).message });
      }
    },
  );

  app.get(
    '/api/summary',
    { schema: { tags: ['system'], summary: 'Counts of the network', response: { 200: { type: 'object', additionalProperties: true } } } },
    async () => ({ ...(await networkCounts(deps.db)), databaseKind: deps.database.kind }),
  );
}
