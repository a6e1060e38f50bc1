import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { typed } from '../typebox.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { networkBoard } from '../../flows/network-board.ts';
import * as board from '../../store/board.ts';

const Err = { $ref: 'Error#' };
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const Alert = Type.Object({
  id: Type.String(),
  severity: Type.Union([Type.Literal('bad'), Type.Literal('warn')]),
  code: Type.String({ description: 'zones.unserved | node.over_capacity | node.fully_booked | stock.key_out | stock.key_low | trip.late_departure | trip.late_arrival' }),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
});
const BoardNode = Type.Object({
  nodeId: Type.String(), nameZh: Type.String(), nameEn: Type.String(), kind: Type.String(), status: Type.String(), trading: Type.Boolean(),
  ordersBooked: Type.Integer(), slotCapacity: Type.Integer(), dailyOrderCapacity: Type.Integer(), zoneDemandOrdersPerDay: Type.Integer(),
  keyOut: Type.Array(Type.String()), keyLow: Type.Array(Type.String()),
});
const BoardOut = Type.Object({
  day: Type.String(), at: Type.String(),
  nodes: Type.Array(BoardNode),
  unserved: Type.Object({ zones: Type.Integer(), ordersPerDay: Type.Integer() }),
  lateTrips: Type.Array(Type.Object({ tripId: Type.String(), ref: Type.String(), kind: Type.String(), minutesLate: Type.Integer(), originNodeId: Type.String() })),
  alerts: Type.Array(Alert),
});

/** The network board: orders against capacity per node, unserved demand, key essentials short, late trips, and alerts to acknowledge. */
export default async function boardRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const tags = ['board'];
  app.get('/api/board', {
    schema: {
      tags, summary: 'The whole network on one screen: per node orders booked against slot capacity and zone demand against capacity, key essentials out of stock or under a day of cover, unserved demand, late trips, and alerts (with acknowledgements)',
      querystring: Type.Object({ day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing); default today' })) }),
      response: { 200: BoardOut, 400: Err },
    },
  }, async (req) => networkBoard(db, clock.now(), req.query.day));

  app.post('/api/board/alerts/:id/ack', {
    schema: {
      tags, summary: 'Acknowledge a board alert by its id (who and when are recorded; the alert stays listed, marked acknowledged)', params: Params, headers: IdempotencyHeader,
      body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ alertId: Type.String(), acknowledgedBy: Type.String(), note: Type.String(), at: Type.String() }), 400: Err },
    },
  }, async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({
    status: 200,
    body: await board.acknowledge(trx, req.params.id, req.principal?.username ?? 'local', req.body?.note ?? '', clock.now()),
  })));
}
