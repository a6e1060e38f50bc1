/** Routes of the network board: /api/board, its live stream and alert acknowledgements. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { typed } from '../typebox.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { networkBoard } from '../../flows/network-board.ts';
import * as board from '../../store/board.ts';
import { SharedFeed } from '../../flows/board-feed.ts';

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

  // One computation per tick per board day, whatever the number of open streams
  // (src/flows/board-feed.ts); open streams end when the server closes.
  const feed = new SharedFeed(async (day) => {
    const b = await networkBoard(db, clock.now(), day === '' ? undefined : day);
    // The board's time ("at") alone is not a change.
    return { payload: `event: board\ndata: ${JSON.stringify(b)}\n\n`, changeKey: JSON.stringify({ ...b, at: undefined }) };
  }, BOARD_STREAM_MS);
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
    streams.clear();
    feed.close();
  });

  // Server-sent events: the board as it is now, then again whenever it changes (recomputed every
  // BOARD_STREAM_MS, once for all the open streams of that day). The screen falls back to polling
  // GET /api/board when the stream cannot be opened.
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
    res.write(`retry: ${BOARD_STREAM_MS}\n\n`);
    const failed = (e: Error) => `event: failed\ndata: ${JSON.stringify({ code: 'internal', message: e.message })}\n\n`;
    if (!follow) {
      try {
        const b = await networkBoard(db, clock.now(), day);
        res.write(`event: board\ndata: ${JSON.stringify(b)}\n\n`);
      } catch (e) {
        res.write(failed(e as Error));
      }
      res.end();
      return;
    }
    let closed = false;
    const sub = {
      send: (payload: string) => {
        if (!closed) res.write(payload);
      },
      fail: (e: Error) => {
        if (!closed) res.write(failed(e));
      },
    };
    const beat = setInterval(() => {
      if (!closed) res.write(': still here\n\n');
    }, HEARTBEAT_MS);
    let unsubscribe: (() => void) | null = null;
    const stop = () => {
      closed = true;
      clearInterval(beat);
      unsubscribe?.();
      streams.delete(end);
    };
    const end = () => {
      stop();
      res.end();
    };
    streams.add(end);
    req.raw.on('close', stop);
    const off = await feed.subscribe(day ?? '', sub);
    if (closed) off();
    else unsubscribe = off;
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
