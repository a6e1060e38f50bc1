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

/** How often a board stream recomputes the board; it sends it only when something changed. */
export const BOARD_STREAM_MS = Number(process.env.BAOGONG_BOARD_STREAM_MS ?? 5000);
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 20_000;

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

  // Open streams end when the server closes (a stream never ends by itself).
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
    streams.clear();
  });

  // Server-sent events: the board as it is now, then again whenever it changes (recomputed every
  // BOARD_STREAM_MS while the connection is open). The screen falls back to polling GET /api/board
  // when the stream cannot be opened. The board's time ("at") alone is not a change.
  app.get('/api/board/stream', {
    schema: {
      tags, summary: 'The network board pushed as server-sent events (event "board", data = GET /api/board\'s JSON): at once, then on every change while the caller accepts text/event-stream (otherwise once)',
      querystring: Type.Object({ day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing); default today' })) }),
      produces: ['text/event-stream'],
      response: { 200: Type.String({ description: 'text/event-stream: "event: board" lines with the board as JSON' }), 400: Err },
    },
  }, async (req, reply) => {
    const day = req.query.day;
    // A caller that does not ask for an event stream (EventSource always sends this Accept)
    // gets the board once, as one event, and the response ends: a script or a route sweep
    // never holds a connection open by accident.
    const follow = /text\/event-stream/.test(String(req.headers.accept ?? ''));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff' });
    let last = '';
    let closed = false;
    let running = false;
    const push = async () => {
      if (closed || running) return;
      running = true;
      try {
        const b = await networkBoard(db, clock.now(), day);
        const key = JSON.stringify({ ...b, at: undefined });
        if (key !== last && !closed) {
          last = key;
          res.write(`event: board\ndata: ${JSON.stringify(b)}\n\n`);
        }
      } catch (e) {
        if (!closed) res.write(`event: failed\ndata: ${JSON.stringify({ code: 'internal', message: (e as Error).message })}\n\n`);
      } finally {
        running = false;
      }
    };
    res.write(`retry: ${BOARD_STREAM_MS}\n\n`);
    const tick = setInterval(() => void push(), BOARD_STREAM_MS);
    const beat = setInterval(() => {
      if (!closed) res.write(': still here\n\n');
    }, HEARTBEAT_MS);
    const stop = () => {
      closed = true;
      clearInterval(tick);
      clearInterval(beat);
    };
    const end = () => {
      stop();
      res.end();
    };
    streams.add(end);
    req.raw.on('close', () => {
      stop();
      streams.delete(end);
    });
    await push();
    if (!follow) {
      stop();
      streams.delete(end);
      res.end();
    }
  });

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
