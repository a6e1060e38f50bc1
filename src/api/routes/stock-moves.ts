/** The route for 搬仓: moving a node's stock to another node as one operation. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { StringEnum, typed } from '../typebox.ts';
import type { AppDeps } from '../deps.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import type { SolveFn } from '../../domain/trips/index.ts';
import { solveInWorker } from '../../solver/routing.ts';
import { moveStock, prepareMoveStock } from '../../flows/move-stock.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 403: Err, 404: Err, 409: Err, 422: Err };
const poolSolve: SolveFn = (problem, options) => solveInWorker(problem, options);

const MoveBody = Type.Object(
  {
    fromNodeId: Type.String({ minLength: 1, description: 'the node whose stock moves out' }),
    toNodeId: Type.String({ minLength: 1, description: 'the node that receives it' }),
    scope: Type.Optional(
      Type.Object(
        {
          categories: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100, description: 'only items of these categories (default: all)' })),
          temperatureClasses: Type.Optional(Type.Array(StringEnum(['ambient', 'chilled', 'frozen'] as const), { maxItems: 3, description: 'only items of these classes (default: all)' })),
        },
        { additionalProperties: false },
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const MoveOut = Type.Object(
  {
    moveId: Type.String(),
    fromNodeId: Type.String(),
    toNodeId: Type.String(),
    scope: Type.Object({}, { additionalProperties: true }),
    items: Type.Integer(),
    units: Type.Integer(),
    transfers: Type.Array(Type.Object({ id: Type.String(), temperatureClass: Type.Union([Type.String(), Type.Null()]), units: Type.Integer() })),
    trips: Type.Object({}, { additionalProperties: true, description: 'the trips planned and confirmed for the next 24 hours (tripIds, unassigned loads with the reason)' }),
  },
  { additionalProperties: false },
);

/** 搬仓: move a node's stock (all, or by category or temperature class) to another node as one operation. */
export default async function routes(scope: FastifyInstance, deps: AppDeps) {
  const app = typed(scope);
  const { db, clock } = deps;
  app.post(
    '/api/stock-moves',
    {
      schema: {
        tags: ['inventory'],
        summary: '搬仓: move a node’s stock to another node: vehicle-sized transfer orders held at the giver, and the trips for the next 24 hours',
        description: 'What moves is on hand less reserved, for the items in scope. The transfers are one per temperature class and truckload; the trips are confirmed (GET /api/trips). Dispatch and arrival are the trips routes; arrival records received quantities and the variances. Errors: unknown node (404, field fromNodeId/toNodeId), the same node (400, toNodeId), nothing to move (409, scope).',
        headers: IdempotencyHeader, body: MoveBody, response: { 201: MoveOut, ...errors },
      },
    },
    async (req, reply) => {
      // The trips are planned before the transaction (the solver takes seconds); the transaction
      // writes them, checking the stock again. A request that cannot be prepared (bad input, a
      // replay whose stock has moved already) goes on unprepared: the transaction answers it.
      const now = clock.now();
      const solve = deps.routing ?? poolSolve;
      const prepared = await prepareMoveStock(db, req.body, now, { solve }).catch(() => undefined);
      return withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await moveStock(trx, req.body, now, { solve, prepared }) }));
    },
  );
}
