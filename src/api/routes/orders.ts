/** Routes of the orders context: placing and following orders, group orders, delivery slots and purchase limits. */
import { createHash } from 'node:crypto';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { StringEnum, typed } from '../typebox.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { auditEntry } from '../auth.ts';
import { DomainException, fail, unwrap } from '../../domain/shared/index.ts';
import { parseOrderInput, parseGroupOrderInput, ORDER_STATUSES, daySlots, DEFAULT_SLOT_TEMPLATE, type SlotTemplate } from '../../domain/orders/index.ts';
import { OrderBatcher } from '../../flows/order-batcher.ts';
import type { PlacementAnswer } from '../../flows/place-order.ts';
import { defaultZoneDirectory } from '../../flows/zone-directory.ts';
import { placeGroup } from '../../flows/group-order.ts';
import { advanceOrder, cancelOrder, packOrder, startPicking } from '../../flows/order-lifecycle.ts';
import { soldOutAt } from '../../store/inventory.ts';
import * as store from '../../store/orders.ts';
import { requireNode, requireItem } from '../../store/network.ts';
import { registerOrdersDemo } from '../../flows/orders-demo.ts';

registerOrdersDemo();

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 403: Err, 404: Err, 409: Err, 422: Err };

const Hhmm = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM local time' });
const Code = Type.String({ minLength: 1, maxLength: 128 });
const LineIn = Type.Object({ itemId: Code, quantity: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false });

const OrderInputSchema = Type.Object(
  {
    customerId: Code,
    address: Type.Object(
      {
        lat: Type.Number({ minimum: -90, maximum: 90 }),
        lng: Type.Number({ minimum: -180, maximum: 180 }),
        householdId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'compound + building + unit + room; purchase limits per household count against it' })),
        compound: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    lines: Type.Array(LineIn, { minItems: 1, maxItems: 50 }),
    slotStart: Type.String({ description: 'start of the chosen delivery slot, ISO 8601, e.g. 2022-06-23T07:00:00+08:00' }),
    allowSubstitution: Type.Optional(Type.Boolean({ description: 'suggest same-category substitutes for lines that cannot be served (default true)' })),
    allowSplit: Type.Optional(Type.Boolean({ description: 'split the order across nodes when no single node has every line (default false)' })),
    acceptPartial: Type.Optional(Type.Boolean({ description: 'accept the lines that can be served when others cannot (default true)' })),
  },
  { additionalProperties: false },
);

const DropPointSchema = Type.Object({ id: Type.String(), name: Type.String(), lat: Type.Number(), lng: Type.Number() });
const Rejection = Type.Object({
  line: Type.Integer(),
  member: Type.Optional(Type.Integer()),
  itemId: Type.String(),
  quantity: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  available: Type.Optional(Type.Integer()),
  limitRemaining: Type.Optional(Type.Integer()),
  substitutes: Type.Optional(Type.Array(Type.Object({ itemId: Type.String(), available: Type.Integer() }))),
});
const NodeRefusal = Type.Object({ nodeId: Type.String(), code: Type.String(), message: Type.String() });
const PlacementAnswerSchema = Type.Object({
  placementId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ enum: ['accepted', 'partially_accepted', 'rejected'] }),
  code: Type.Optional(Type.String()),
  message: Type.String(),
  zoneId: Type.Optional(Type.String()),
  orders: Type.Array(
    Type.Object({
      id: Type.String(),
      nodeId: Type.String(),
      slotStart: Type.String(),
      serviceDay: Type.String(),
      deliveryMode: Type.String(),
      dropPoint: Type.Optional(DropPointSchema),
      lines: Type.Array(Type.Object({ lineNo: Type.Integer(), itemId: Type.String(), quantity: Type.Integer() })),
    }),
  ),
  rejectedLines: Type.Array(Rejection),
  nodeRefusals: Type.Array(NodeRefusal),
});
const OrderSchema = Type.Object({
  id: Type.String(),
  placementId: Type.String(),
  customerId: Type.String(),
  household: Type.String(),
  nodeId: Type.String(),
  zoneId: Type.Union([Type.String(), Type.Null()]),
  slotStart: Type.String(),
  serviceDay: Type.String(),
  status: Type.String({ enum: [...ORDER_STATUSES] }),
  deliveryMode: Type.String(),
  dropPoint: Type.Union([DropPointSchema, Type.Null()]),
  address: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  groupId: Type.Union([Type.String(), Type.Null()]),
  placedAt: Type.String(),
  updatedAt: Type.String(),
  lines: Type.Array(Type.Object({ lineNo: Type.Integer(), itemId: Type.String(), quantity: Type.Integer(), pickedQuantity: Type.Union([Type.Integer(), Type.Null()]), reservationId: Type.String() })),
  events: Type.Optional(Type.Array(Type.Object({ fromStatus: Type.Union([Type.String(), Type.Null()]), toStatus: Type.String(), note: Type.String(), at: Type.String() }))),
});
const IdParams = Type.Object({ id: Type.String() });
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const GroupAnswerSchema = Open({
  status: StringEnum(['accepted', 'refused'] as const),
  code: Type.Optional(Type.String()),
  message: Type.String(),
  zoneId: Type.Optional(Type.String()),
  nodeId: Type.Optional(Type.String()),
  serviceDay: Type.Optional(Type.String()),
  households: Type.Integer(),
  totals: Type.Array(Type.Object({ itemId: Type.String(), quantity: Type.Integer() })),
  rejectedLines: Type.Array(Rejection),
  nodeRefusals: Type.Array(NodeRefusal),
  groupId: Nullable(Type.String()),
  orders: Type.Array(Open({ id: Type.String(), customerId: Type.String(), householdId: Type.String(), lines: Type.Array(Type.Object({ lineNo: Type.Integer(), itemId: Type.String(), quantity: Type.Integer() })) })),
});
const GroupOrderSchema = Open({
  id: Type.String(),
  leaderId: Type.String(),
  nodeId: Type.String(),
  zoneId: Nullable(Type.String()),
  dropPoint: Open({ name: Type.String(), lat: Type.Number(), lng: Type.Number() }),
  slotStartMs: Type.Number(),
  slotStart: Type.String(),
  serviceDay: Type.String(),
  minHouseholds: Type.Integer(),
  households: Type.Integer(),
  members: Type.Integer(),
  createdAt: Type.String(),
  orders: Type.Array(OrderSchema),
});
const SlotsSchema = Type.Object({
  windows: Type.Array(
    Open({
      nodeId: Type.String(),
      serviceDay: Type.String(),
      opensAtMs: Type.Number(),
      closesAtMs: Nullable(Type.Number()),
      dayCapacity: Type.Integer(),
      booked: Type.Integer(),
      opensAt: Type.String(),
      closesAt: Nullable(Type.String({ description: 'null: open until the day’s capacity is gone' })),
      remaining: Type.Integer(),
      soldOut: Type.Boolean(),
    }),
  ),
  slots: Type.Array(
    Open({
      nodeId: Type.String(),
      startMs: Type.Number(),
      endMs: Type.Number(),
      serviceDay: Type.String(),
      capacity: Type.Integer(),
      booked: Type.Integer(),
      startAt: Type.String(),
      endAt: Type.String(),
      remaining: Type.Integer(),
      full: Type.Boolean(),
      orders: Type.Record(Type.String(), Type.Integer(), { description: 'orders in this slot by status' }),
      backlog: Type.Integer(),
    }),
  ),
  backlog: Type.Integer(),
  soldOutItems: Type.Optional(Type.Array(Type.Object({ itemId: Type.String(), onHand: Type.Integer(), reserved: Type.Integer() }), { description: 'with nodeId: the items sold out there' })),
});
const ItemLimitSchema = Type.Object({ itemId: Type.String(), perCustomerPerDay: Nullable(Type.Integer()), perHouseholdPerDay: Nullable(Type.Integer()) });


/** What the audit log keeps of a placement: which orders, where (the full answer is kept under the idempotency key). */
function auditSummary(b: PlacementAnswer): unknown {
  return { placementId: b.placementId, status: b.status, orders: b.orders.map((o) => ({ id: o.id, nodeId: o.nodeId, lines: o.lines.length })), rejectedLines: b.rejectedLines.length };
}

function requestHash(req: FastifyRequest): string {
  return createHash('sha256').update(req.url).update('\0').update(JSON.stringify(req.body ?? null)).digest('hex');
}

function idempotencyOf(req: FastifyRequest): { key: string; scope: string; hash: string } | undefined {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) return undefined;
  if (key.length > 200) fail({ code: 'validation_failed', message: 'Idempotency-Key is too long', field: 'Idempotency-Key', expected: 'at most 200 characters', actual: `${key.length} characters` });
  return { key, scope: `POST ${req.routeOptions.url ?? req.url}`, hash: requestHash(req) };
}

/** The order placement route's log level (`logLevel` of Fastify's route options): requests and answers are not logged. */
export const ORDER_ROUTE_LOG_LEVEL = 'warn';

/** Batching settings from the environment (the benchmark and operators tune them). */
function batcherSettings(deps: AppDeps): { maxBatch: number; maxInFlight: number; lingerMs: number } {
  const env = (n: string, d: number) => (process.env[n] && Number.isInteger(Number(process.env[n])) ? Number(process.env[n]) : d);
  return { maxBatch: env('BAOGONG_ORDER_BATCH', 500), maxInFlight: env('BAOGONG_ORDER_INFLIGHT', deps.database.kind === 'pg' ? 2 : 1), lingerMs: env('BAOGONG_ORDER_LINGER_MS', 5) };
}

export default async function orderRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const batcher = new OrderBatcher(db, clock, { ...batcherSettings(deps), pipelined: deps.database.pipelined });

  app.post(
    '/api/orders',
    {
      // Off the hot path: in a rush this route takes thousands of requests a second, and the two
      // access-log lines of each (level info) cost more server CPU than its placement rules. Errors
      // are still logged (level error); every accepted order is in the audit log, written with it.
      logLevel: ORDER_ROUTE_LOG_LEVEL,
      schema: {
        tags: ['orders'],
        summary: 'Place an order: routed by address, checked against node status, window, slot and purchase limits, stock reserved atomically',
        description:
          'Answers 201 with the orders accepted (one per fulfilling node) and, for each line not accepted, why (insufficient_stock with what is left, over_purchase_limit with what the limit still allows) and same-category substitutes; answers 422 with the same shape when nothing was accepted (zone_not_served, node_not_trading, window_closed, slot_full, …). Orders that arrive together are written in one transaction (group commit), each atomically.',
        headers: IdempotencyHeader,
        body: OrderInputSchema,
        response: { 201: PlacementAnswerSchema, 422: PlacementAnswerSchema, 400: Err, 404: Err, 409: Err },
      },
    },
    async (req, reply) => {
      const request = unwrap(parseOrderInput(req.body));
      const r = await batcher.place({ request, idempotency: idempotencyOf(req), audit: (status, body) => auditEntry(req, status, auditSummary(body as PlacementAnswer), clock.now()) });
      // Accepted orders were audited inside their batch's transaction; a replay changes nothing.
      req.audited = true;
      if (!r.ok) throw new DomainException(r.error);
      if (r.replayed) reply.header('idempotent-replay', 'true');
      reply.status(r.status as 201 | 422);
      return r.body;
    },
  );

  app.get(
    '/api/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'List orders',
        querystring: Type.Object({
          nodeId: Type.Optional(Type.String()),
          customerId: Type.Optional(Type.String()),
          status: Type.Optional(StringEnum(ORDER_STATUSES)),
          placementId: Type.Optional(Type.String()),
          groupId: Type.Optional(Type.String()),
          day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ orders: Type.Array(OrderSchema), total: Type.Integer() }) },
      },
    },
    async (req) => store.listOrders(db, req.query),
  );

  app.get(
    '/api/orders/:id',
    { schema: { tags: ['orders'], summary: 'One order, with its lifecycle history', params: IdParams, response: { 200: OrderSchema, ...errors } } },
    async (req) => {
      const id = req.params.id;
      return { ...(await store.requireOrder(db, id)), events: await store.orderEvents(db, id) };
    },
  );

  app.post(
    '/api/orders/:id/start-picking',
    {
      schema: {
        tags: ['orders'],
        summary: 'Start picking: the pick list, lots first-expired-first-out',
        params: IdParams,
        headers: IdempotencyHeader,
        response: {
          200: Type.Object({
            order: OrderSchema,
            pickList: Type.Array(Type.Object({ lineNo: Type.Integer(), itemId: Type.String(), quantity: Type.Integer(), lots: Type.Array(Type.Object({ lotCode: Type.String(), expiryDate: Type.Union([Type.String(), Type.Null()]), quantity: Type.Integer() })) })),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await startPicking(trx, req.params.id, clock.now()) })),
  );

  app.post(
    '/api/orders/:id/pack',
    {
      schema: {
        tags: ['orders'],
        summary: 'Packed: picked quantities leave stock (FEFO); a short pick shrinks the order and releases the rest',
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Optional(Type.Object({ lines: Type.Optional(Type.Array(Type.Object({ lineNo: Type.Integer({ minimum: 0 }), pickedQuantity: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }))) }, { additionalProperties: false })),
        response: { 200: Type.Object({ order: OrderSchema, shortLines: Type.Array(Type.Object({ lineNo: Type.Integer(), itemId: Type.String(), shortBy: Type.Integer() })) }), ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await packOrder(trx, req.params.id, req.body?.lines, clock.now()),
      })),
  );

  for (const [path, event, summary] of [
    ['dispatch', 'dispatch', 'Out for delivery'],
    ['deliver', 'deliver', 'Delivered'],
  ] as const) {
    app.post(
      `/api/orders/:id/${path}`,
      { schema: { tags: ['orders'], summary, params: IdParams, headers: IdempotencyHeader, response: { 200: OrderSchema, ...errors } } },
      async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await advanceOrder(trx, req.params.id, event, clock.now()) })),
    );
  }

  app.post(
    '/api/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order before it is packed: releases its reservation, slot and purchase allowance',
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })),
        response: { 200: OrderSchema, ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await cancelOrder(trx, req.params.id, req.body?.reason ?? 'cancelled', clock.now()),
      })),
  );

  // ---- group orders ----
  app.post(
    '/api/group-orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Place a community group order (团购): accepted or refused as a whole, delivered to one drop point',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            leaderId: Code,
            dropPoint: Type.Object({ id: Type.Optional(Type.String({ maxLength: 128 })), name: Type.String({ minLength: 1, maxLength: 200 }), lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false }),
            slotStart: Type.String(),
            minHouseholds: Type.Integer({ minimum: 1, maximum: 500 }),
            members: Type.Array(Type.Object({ customerId: Code, householdId: Type.String({ minLength: 1, maxLength: 200 }), lines: Type.Array(LineIn, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: GroupAnswerSchema, 422: GroupAnswerSchema, 400: Err, 404: Err, 409: Err },
      },
    },
    async (req, reply) => {
      const g = unwrap(parseGroupOrderInput(req.body));
      const now = clock.now();
      const routing = (await defaultZoneDirectory(db, now)).lookup(g.dropPoint.lat, g.dropPoint.lng);
      return withIdempotency(db, req, reply, async (trx) => placeGroup(trx, g, routing, now));
    },
  );

  app.get(
    '/api/group-orders/:id',
    { schema: { tags: ['orders'], summary: 'A group order with its members’ orders', params: IdParams, response: { 200: GroupOrderSchema, ...errors } } },
    async (req) => {
      const id = req.params.id;
      const g = await store.getGroupOrder(db, id);
      if (!g) fail({ code: 'not_found', message: `group order ${id} does not exist`, field: 'id', expected: 'an existing group order id', actual: id });
      return { ...g, orders: (await store.listOrders(db, { groupId: id, limit: 1000 })).orders };
    },
  );

  // ---- slots and capacity ----
  app.get(
    '/api/slots',
    {
      schema: {
        tags: ['orders'],
        summary: 'Slots and capacity per node: orders per slot against capacity, backlog, and what is sold out',
        querystring: Type.Object({ nodeId: Type.Optional(Type.String()), day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }),
        response: { 200: SlotsSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const v = await store.slotViews(db, q);
      const soldOut = q.nodeId ? await soldOutAt(db, q.nodeId) : undefined;
      return {
        windows: v.window.map((w) => ({ ...w, opensAt: new Date(w.opensAtMs).toISOString(), closesAt: w.closesAtMs === null ? null : new Date(w.closesAtMs).toISOString(), remaining: w.dayCapacity - w.booked, soldOut: w.booked >= w.dayCapacity })),
        slots: v.slots,
        backlog: v.slots.reduce((s, x) => s + x.backlog, 0),
        ...(soldOut ? { soldOutItems: soldOut } : {}),
      };
    },
  );

  app.put(
    '/api/slots',
    {
      schema: {
        tags: ['orders'],
        summary: 'Create or resize a node’s delivery slots and ordering window for a day',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            nodeId: Code,
            day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
            dailyOrderCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'default: the node’s dailyOrderCapacity' })),
            firstStart: Type.Optional(Hhmm),
            lastEnd: Type.Optional(Hhmm),
            slotMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
            windowOpens: Type.Optional(Hhmm),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ nodeId: Type.String(), day: Type.String(), slots: Type.Integer(), dayCapacity: Type.Integer(), opensAt: Type.String() }), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        const node = await requireNode(trx, b.nodeId, 'nodeId');
        const mins = (s: string | undefined, d: number) => (s ? Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)) : d);
        const t: SlotTemplate = {
          firstStartMin: mins(b.firstStart, DEFAULT_SLOT_TEMPLATE.firstStartMin),
          lastEndMin: mins(b.lastEnd, DEFAULT_SLOT_TEMPLATE.lastEndMin),
          slotLengthMin: b.slotMinutes ?? DEFAULT_SLOT_TEMPLATE.slotLengthMin,
          windowOpensMin: mins(b.windowOpens, DEFAULT_SLOT_TEMPLATE.windowOpensMin),
        };
        const d = unwrap(daySlots(node.id, b.day, b.dailyOrderCapacity ?? node.dailyOrderCapacity, t));
        await store.upsertDay(trx, d.slots, d.window);
        const v = await store.slotViews(trx, { nodeId: node.id, day: b.day });
        return { status: 200, body: { nodeId: node.id, day: b.day, slots: v.slots.length, dayCapacity: d.window.dayCapacity, opensAt: new Date(d.window.opensAtMs).toISOString() } };
      });
    },
  );

  // ---- purchase limits ----
  app.get(
    '/api/purchase-limits',
    { schema: { tags: ['orders'], summary: 'Per-item purchase-limit overrides (the tier defaults apply to the rest)', response: { 200: Type.Object({ overrides: Type.Array(ItemLimitSchema) }) } } },
    async () => ({ overrides: await store.listPurchaseLimits(db) }),
  );

  app.put(
    '/api/purchase-limits/:itemId',
    {
      schema: {
        tags: ['orders'],
        summary: 'Set an item’s purchase limits per customer and per household per day (null: no cap)',
        params: Type.Object({ itemId: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Object(
          { perCustomerPerDay: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100000 })]), perHouseholdPerDay: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100000 })]) },
          { additionalProperties: false },
        ),
        response: { 200: ItemLimitSchema, ...errors },
      },
    },
    async (req, reply) => {
      const itemId = req.params.itemId;
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        await requireItem(trx, itemId, 'itemId');
        await store.setPurchaseLimit(trx, itemId, b, clock.now());
        return { status: 200, body: { itemId, ...b } };
      });
    },
  );
}
