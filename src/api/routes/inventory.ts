/**
 * Routes of the inventory context (/api/inventory): balances, lots, movements, transfers, stock
 * counts, expiry write-offs and the ledger check.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { StringEnum, typed } from '../typebox.ts';
import { refuseOrderReservations } from '../scope.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { toTable, writeTable, XLSX_MIME, type TableFormat } from '../tabular.ts';
import { MOVEMENT_KINDS, isIsoDay, summarizeStock, type Operation } from '../../domain/inventory/index.ts';
import { operatingDay, fail } from '../../domain/shared/index.ts';
import * as inv from '../../store/inventory.ts';
import { getNode, itemsByIds } from '../../store/network.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 403: Err, 404: Err, 409: Err, 422: Err };
const TAG = ['inventory'];

const Line = Type.Object({
  kind: Type.String(),
  reason: Type.String(),
  nodeId: Type.String(),
  itemId: Type.String(),
  lotCode: Type.String(),
  quantity: Type.Integer(),
  onHandDelta: Type.Integer(),
  reservedDelta: Type.Integer(),
  inTransitInDelta: Type.Integer(),
  inTransitOutDelta: Type.Integer(),
  counterpartyNodeId: Type.Union([Type.String(), Type.Null()]),
  documentType: Type.Union([Type.String(), Type.Null()]),
  documentRef: Type.Union([Type.String(), Type.Null()]),
  reservationId: Type.Union([Type.String(), Type.Null()]),
  varianceQuantity: Type.Integer(),
});

const PostedSchema = Type.Object({ key: Type.String(), kind: Type.String(), replayed: Type.Boolean(), lines: Type.Array(Line) });

const OperationBody = Type.Object(
  {
    kind: StringEnum(MOVEMENT_KINDS),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'idempotency key of the movement; defaults to the Idempotency-Key header, else a new id' })),
  },
  {
    additionalProperties: true,
    description:
      'One movement, by kind. receipt {nodeId,itemId,quantity,lot?{code,expiryDate},reason,sourceRef?} · reserve {nodeId,itemId,quantity,reservationId} · ' +
      'release {reservationId,quantity?} · pick {nodeId,itemId,quantity,reservationId?,orderRef?,asOf?} · transfer_out {transferId,fromNodeId,toNodeId,lines[{itemId,quantity}]} · ' +
      'transfer_in {transferId,lines[{itemId,receivedQuantity}]} · adjustment {nodeId,itemId,lotCode?,quantityDelta,reasonCode,expiryDate?} · ' +
      'write_off {nodeId,itemId,lotCode,quantity,reason} · count_adjustment (posted by counts). Every field is checked; errors name the field, expected and actual value.',
  },
);

const BalanceQuery = Type.Object({
  nodeId: Type.Optional(Type.String()),
  itemId: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  temperatureClass: Type.Optional(StringEnum(['ambient', 'chilled', 'frozen'] as const)),
  essentialTier: Type.Optional(StringEnum(['none', 'essential', 'key'] as const)),
  includeZero: Type.Optional(Type.Boolean()),
  demand: Type.Optional(StringEnum(['baseline', 'surge'] as const, { description: 'days of cover against baseline or surge demand' })),
  surgePercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'surge demand as % of baseline (default 300)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

const BalanceRow = Type.Object({
  nodeId: Type.String(),
  itemId: Type.String(),
  category: Type.String(),
  temperatureClass: Type.String(),
  essentialTier: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  inTransitIn: Type.Integer(),
  inTransitOut: Type.Integer(),
  safetyBuffer: Type.Integer(),
  availableToPromise: Type.Integer(),
  dailyDemand: Type.Number(),
  daysOfCover: Type.Union([Type.Number(), Type.Null()]),
});

const BALANCE_COLUMNS = Object.keys(BalanceRow.properties);

const TransferLineIn = Type.Object({ itemId: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const TransferSchema = Type.Object({
  id: Type.String(),
  fromNodeId: Type.String(),
  toNodeId: Type.String(),
  status: Type.String(),
  note: Type.String(),
  createdAt: Type.String(),
  dispatchedAt: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Array(
    Type.Object({
      itemId: Type.String(),
      quantity: Type.Integer(),
      receivedQuantity: Type.Union([Type.Integer(), Type.Null()]),
      varianceQuantity: Type.Union([Type.Integer(), Type.Null()]),
      lots: Type.Array(Type.Object({ lotCode: Type.String(), quantity: Type.Integer(), receivedQuantity: Type.Union([Type.Integer(), Type.Null()]) })),
    }),
  ),
});

const CountHeader = Type.Object({
  id: Type.String(),
  nodeId: Type.String(),
  scope: Type.Object({ category: Type.Optional(Type.String()), itemIds: Type.Optional(Type.Array(Type.String())) }),
  status: Type.String(),
  recountThreshold: Type.Integer(),
  openedAt: Type.String(),
  postedAt: Type.Union([Type.String(), Type.Null()]),
});
const SheetLine = Type.Object({
  itemId: Type.String(),
  lotCode: Type.String(),
  countedQuantity: Type.Union([Type.Integer(), Type.Null()]),
  recountQuantity: Type.Union([Type.Integer(), Type.Null()]),
  status: StringEnum(['not_counted', 'recount_required', 'counted'] as const),
});
const ReportLine = Type.Object({
  itemId: Type.String(),
  lotCode: Type.String(),
  status: Type.String(),
  snapshotQuantity: Type.Integer(),
  movedSinceSnapshot: Type.Integer(),
  bookQuantity: Type.Integer(),
  firstCountQuantity: Type.Union([Type.Integer(), Type.Null()]),
  recountQuantity: Type.Union([Type.Integer(), Type.Null()]),
  countedQuantity: Type.Union([Type.Integer(), Type.Null()]),
  differenceQuantity: Type.Union([Type.Integer(), Type.Null()]),
  differenceValueFen: Type.Union([Type.Integer(), Type.Null()]),
});
const CountReportSchema = Type.Intersect([
  CountHeader,
  Type.Object({
    lines: Type.Array(ReportLine),
    totals: Type.Object({ lines: Type.Integer(), counted: Type.Integer(), withDifference: Type.Integer(), differenceQuantity: Type.Integer(), differenceValueFen: Type.Integer(), absoluteValueFen: Type.Integer() }),
    movements: Type.Optional(Type.Integer()),
  }),
]);
const REPORT_COLUMNS = ['itemId', 'lotCode', 'snapshotQuantity', 'movedSinceSnapshot', 'bookQuantity', 'firstCountQuantity', 'recountQuantity', 'countedQuantity', 'differenceQuantity', 'differenceValueFen', 'status'];

const ExportFormat = Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]));

/** A pick or dispatch with no date takes lots sellable on today's operating day, never an expired one. */
function withOperatingDay<T extends { kind: string; asOf?: string }>(op: T, now: Date): T {
  return (op.kind === 'pick' || op.kind === 'transfer_out') && !op.asOf ? { ...op, asOf: operatingDay(now.getTime()) } : op;
}

/** The operating day of the chain for a moment (the operating calendar's). */
export function beijingDay(now: Date): string {
  return operatingDay(now.getTime());
}

function opKey(req: FastifyRequest, body: { key?: string }): string {
  const h = req.headers['idempotency-key'];
  return body.key ?? (Array.isArray(h) ? h[0] : h) ?? randomUUID();
}

/** Refuses a movement naming a node or item the network does not know. */
async function checkRefs(db: any, nodeIds: (string | undefined)[], itemIds: (string | undefined)[]): Promise<void> {
  for (const [i, id] of nodeIds.entries()) {
    if (id === undefined || typeof id !== 'string') continue;
    if (!(await getNode(db, id))) fail({ code: 'not_found', message: `node ${id} does not exist`, field: ['nodeId', 'fromNodeId', 'toNodeId'][i] ?? 'nodeId', expected: 'an existing node id', actual: id });
  }
  const wanted = [...new Set(itemIds.filter((x): x is string => typeof x === 'string'))];
  if (wanted.length === 0) return;
  const known = await itemsByIds(db, wanted);
  const missing = wanted.find((i) => !known.has(i));
  if (missing) fail({ code: 'not_found', message: `item ${missing} does not exist`, field: 'itemId', expected: 'an existing item id', actual: missing });
}

function refsOf(op: any): [(string | undefined)[], (string | undefined)[]] {
  const lines: any[] = Array.isArray(op.lines) ? op.lines : [];
  return [[op.nodeId ?? op.fromNodeId, op.toNodeId], [op.itemId, ...lines.map((l) => l?.itemId)]];
}

async function sendTable(reply: FastifyReply, rows: object[], columns: string[], format: TableFormat, name: string) {
  const buf = await writeTable(toTable(columns, rows), format, name);
  reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME);
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  return reply.send(buf);
}

export default async function inventoryRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;

  // ---- balances ----
  app.get(
    '/api/inventory/balances',
    {
      schema: {
        tags: TAG,
        summary: 'On hand, reserved, in transit, available to promise and days of cover per node and item',
        querystring: BalanceQuery,
        response: { 200: Type.Object({ rows: Type.Array(BalanceRow), total: Type.Integer() }) },
      },
    },
    async (req) => inv.balances(db, req.query),
  );

  app.get(
    '/api/inventory/summary',
    {
      schema: {
        tags: TAG,
        summary: "One node's stock in a few numbers: items, stockouts, under 3 days of cover, lots expiring soon, a days-of-cover histogram and the lowest-cover items with their names",
        description: 'What the Stock screen shows, computed on the server (a few kB instead of every balance row). Counts of stockouts and cover are over items with demand at the node.',
        querystring: Type.Object({
          nodeId: Type.String({ minLength: 1 }),
          demand: Type.Optional(StringEnum(['baseline', 'surge'] as const, { description: 'days of cover against baseline or surge demand' })),
          expiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: 3 })),
          lowest: Type.Optional(Type.Integer({ minimum: 0, maximum: 200, default: 15, description: 'how many lowest-cover items to list' })),
        }),
        response: {
          200: Type.Object({
            nodeId: Type.String(),
            demand: Type.String(),
            items: Type.Integer(),
            itemsWithDemand: Type.Integer(),
            stockouts: Type.Integer(),
            underThreeDays: Type.Integer(),
            expiringLots: Type.Integer(),
            expiringBefore: Type.String(),
            coverHistogram: Type.Array(Type.Object({ fromDays: Type.Number(), toDays: Type.Union([Type.Number(), Type.Null()]), count: Type.Integer() })),
            lowest: Type.Array(Type.Intersect([BalanceRow, Type.Object({ nameZh: Type.String(), nameEn: Type.String(), unit: Type.String() })])),
          }),
          404: { $ref: 'Error#' },
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (!(await getNode(db, q.nodeId))) fail({ code: 'not_found', message: `node ${q.nodeId} does not exist`, field: 'nodeId', expected: 'an existing node id', actual: q.nodeId });
      const demand = q.demand ?? 'baseline';
      const { rows } = await inv.balances(db, { nodeId: q.nodeId, includeZero: true, demand });
      const s = summarizeStock(rows, q.lowest ?? 15);
      // Expiry is by calendar day in the network's time zone (Beijing, UTC+8).
      const beijingToday = new Date(clock.now().getTime() + 8 * 3_600_000);
      const expiringBefore = new Date(beijingToday.getTime() + (q.expiringWithinDays ?? 3) * 86_400_000).toISOString().slice(0, 10);
      const lots = await inv.lotBalances(db, { nodeId: q.nodeId, expiringBefore });
      const names = await itemsByIds(db, s.lowest.map((r) => r.itemId));
      return {
        nodeId: q.nodeId,
        demand,
        ...s,
        expiringLots: lots.length,
        expiringBefore,
        lowest: s.lowest.map((r) => {
          const it = names.get(r.itemId);
          return { ...r, nameZh: it?.nameZh ?? r.itemId, nameEn: it?.nameEn ?? r.itemId, unit: it?.unit ?? '' };
        }),
      };
    },
  );

  app.get(
    '/api/inventory/balances/export',
    { schema: { tags: TAG, summary: 'The balance view as CSV or .xlsx (same filters)', querystring: Type.Intersect([BalanceQuery, Type.Object({ format: ExportFormat })]) } },
    async (req, reply) => {
      const q = req.query;
      const { rows } = await inv.balances(db, q);
      return sendTable(reply, rows, BALANCE_COLUMNS, q.format ?? 'csv', 'stock-balances');
    },
  );

  app.get(
    '/api/inventory/lots',
    {
      schema: {
        tags: TAG,
        summary: 'Lot balances with expiry dates, first-expired-first-out',
        querystring: Type.Object({ nodeId: Type.Optional(Type.String()), itemId: Type.Optional(Type.String()), expiringBefore: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }),
        response: {
          200: Type.Object({
            lots: Type.Array(
              Type.Object({ nodeId: Type.String(), itemId: Type.String(), lotCode: Type.String(), expiryDate: Type.Union([Type.String(), Type.Null()]), onHand: Type.Integer(), inTransitIn: Type.Integer(), inTransitOut: Type.Integer() }),
            ),
          }),
        },
      },
    },
    async (req) => ({ lots: await inv.lotBalances(db, req.query) }),
  );

  // ---- movements ----
  app.get(
    '/api/inventory/movements',
    {
      schema: {
        tags: TAG,
        summary: 'The ledger: movement lines in posting order',
        querystring: Type.Object({
          nodeId: Type.Optional(Type.String()),
          itemId: Type.Optional(Type.String()),
          kind: Type.Optional(StringEnum(MOVEMENT_KINDS)),
          documentRef: Type.Optional(Type.String()),
          afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 500 })),
        }),
        response: {
          200: Type.Object({
            movements: Type.Array(Type.Intersect([Line, Type.Object({ seq: Type.Integer(), operationKey: Type.String(), note: Type.Union([Type.String(), Type.Null()]), postedAt: Type.String() })])),
          }),
        },
      },
    },
    async (req) => ({ movements: await inv.movements(db, req.query) }),
  );

  app.post(
    '/api/inventory/movements',
    {
      schema: {
        tags: TAG,
        summary: 'Post one movement (receipt, reserve, release, pick, transfer_out, transfer_in, adjustment, write_off)',
        description: 'A movement that would break a rule is refused (insufficient_stock with the available quantity, conflict, not_found) and changes nothing. A retried key replays.',
        headers: IdempotencyHeader,
        body: OperationBody,
        response: { 201: PostedSchema, 200: PostedSchema, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (body.kind === 'count_adjustment') fail({ code: 'not_allowed', message: 'count adjustments are posted by counts: POST /api/inventory/counts/:id/post', field: 'kind', expected: 'not count_adjustment', actual: body.kind });
      const op = { ...withOperatingDay(body, clock.now()), key: opKey(req, body) } as Operation;
      return withIdempotency(db, req, reply, async (trx) => {
        await refuseOrderReservations(trx, [op as Record<string, any>]);
        const [nodes, items] = refsOf(op);
        await checkRefs(trx, nodes, items);
        const r = await inv.post(trx, op, clock.now());
        return { status: r.replayed ? 200 : 201, body: { key: op.key, kind: op.kind, replayed: r.replayed, lines: r.posting.lines } };
      });
    },
  );

  app.post(
    '/api/inventory/movements/batch',
    {
      schema: {
        tags: TAG,
        summary: 'Post many movements in one transaction',
        description: 'atomic=true (default): all or nothing, the first refusal answers with its error. atomic=false: each movement stands alone and its outcome is listed.',
        headers: IdempotencyHeader,
        body: Type.Object({ operations: Type.Array(OperationBody, { minItems: 1, maxItems: 10000 }), atomic: Type.Optional(Type.Boolean({ default: true })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            posted: Type.Integer(),
            refused: Type.Integer(),
            outcomes: Type.Array(Type.Object({ key: Type.String(), ok: Type.Boolean(), replayed: Type.Optional(Type.Boolean()), lines: Type.Optional(Type.Array(Line)), error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()), expected: Type.Optional(Type.Unknown()), actual: Type.Optional(Type.Unknown()) }, { additionalProperties: true })) })),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const ops = body.operations.map((o, i) => {
        if (o.kind === 'count_adjustment') fail({ code: 'not_allowed', message: 'count adjustments are posted by counts', field: `operations.${i}.kind`, expected: 'not count_adjustment', actual: o.kind });
        return { ...withOperatingDay(o, clock.now()), key: o.key ?? randomUUID() } as Operation;
      });
      return withIdempotency(db, req, reply, async (trx) => {
        await refuseOrderReservations(trx, ops as Array<Record<string, any>>);
        const outcomes = await inv.postOperations(trx, ops, { now: clock.now(), atomic: body.atomic ?? true });
        return {
          status: 200,
          body: {
            posted: outcomes.filter((o) => o.ok).length,
            refused: outcomes.filter((o) => !o.ok).length,
            outcomes: outcomes.map((o) => (o.ok ? { key: o.key, ok: true, replayed: o.replayed, lines: o.posting.lines } : { key: o.key, ok: false, error: o.error })),
          },
        };
      });
    },
  );

  app.put(
    '/api/inventory/nodes/:nodeId/settings',
    {
      schema: {
        tags: TAG,
        summary: 'Set a node’s online safety buffer (units per item held back from available to promise)',
        params: Type.Object({ nodeId: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Object({ onlineSafetyBuffer: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ nodeId: Type.String(), onlineSafetyBuffer: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) => {
      const { nodeId } = req.params;
      const { onlineSafetyBuffer } = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        await checkRefs(trx, [nodeId], []);
        await inv.setSafetyBuffer(trx, nodeId, onlineSafetyBuffer);
        return { status: 200, body: { nodeId, onlineSafetyBuffer } };
      });
    },
  );

  // ---- expiry ----
  app.post(
    '/api/inventory/expiry-write-offs',
    {
      schema: {
        tags: TAG,
        summary: 'The daily expiry job: write off every lot expired on asOf (default: today in Beijing) and report it',
        headers: IdempotencyHeader,
        body: Type.Object({ asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })), nodeId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            asOf: Type.String(),
            writtenOffQuantity: Type.Integer(),
            blockedQuantity: Type.Integer(),
            movements: Type.Integer(),
            lots: Type.Array(
              Type.Object({ nodeId: Type.String(), itemId: Type.String(), lotCode: Type.String(), expiryDate: Type.String(), onHand: Type.Integer(), writeOffQuantity: Type.Integer(), blockedQuantity: Type.Integer() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { asOf?: string; nodeId?: string };
      const asOf = body.asOf ?? beijingDay(clock.now());
      if (!isIsoDay(asOf)) fail({ code: 'validation_failed', message: `asOf is not a calendar day: ${asOf}`, field: 'asOf', expected: 'YYYY-MM-DD', actual: asOf });
      return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await inv.writeOffExpired(trx, { asOf, nodeId: body.nodeId }, clock.now()) }));
    },
  );

  app.get(
    '/api/inventory/check',
    {
      schema: {
        tags: TAG,
        summary: 'Recompute every balance from the movements and list any difference (empty = consistent)',
        response: { 200: Type.Object({ consistent: Type.Boolean(), mismatches: Type.Array(Type.Object({ table: Type.String(), key: Type.String(), projected: Type.Array(Type.Integer()), fromMovements: Type.Array(Type.Integer()) })) }) },
      },
    },
    async () => {
      const mismatches = await inv.checkProjection(db);
      return { consistent: mismatches.length === 0, mismatches };
    },
  );

  // ---- transfers ----
  app.get(
    '/api/inventory/transfers',
    {
      schema: {
        tags: TAG,
        summary: 'Transfer orders (调拨单)',
        querystring: Type.Object({ status: Type.Optional(StringEnum(['draft', 'in_transit', 'received', 'cancelled'] as const)), nodeId: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ transfers: Type.Array(TransferSchema) }) },
      },
    },
    async (req) => ({ transfers: await inv.listTransfers(db, req.query) }),
  );

  app.get(
    '/api/inventory/transfers/:id',
    { schema: { tags: TAG, summary: 'One transfer with its lines, lots and variances', params: Type.Object({ id: Type.String() }), response: { 200: TransferSchema, ...errors } } },
    async (req) => inv.requireTransfer(db, req.params.id),
  );

  app.post(
    '/api/inventory/transfers',
    {
      schema: {
        tags: TAG,
        summary: 'Create a transfer; dispatched at once unless dispatch=false (a draft)',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            fromNodeId: Type.String({ minLength: 1 }),
            toNodeId: Type.String({ minLength: 1 }),
            lines: Type.Array(TransferLineIn, { minItems: 1 }),
            dispatch: Type.Optional(Type.Boolean({ default: true })),
            asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: TransferSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const id = b.id ?? `TR-${randomUUID().slice(0, 8)}`;
      return withIdempotency(db, req, reply, async (trx) => {
        await checkRefs(trx, [b.fromNodeId, b.toNodeId], b.lines.map((l) => l.itemId));
        const now = clock.now();
        await inv.createDraftTransfer(trx, { id, fromNodeId: b.fromNodeId, toNodeId: b.toNodeId, lines: b.lines, note: b.note }, now);
        const t = b.dispatch === false ? await inv.requireTransfer(trx, id) : await inv.dispatchTransfer(trx, { id, key: `transfer:${id}:dispatch`, asOf: b.asOf ?? beijingDay(now) }, now);
        return { status: 201, body: t };
      });
    },
  );

  app.post(
    '/api/inventory/transfers/:id/dispatch',
    {
      schema: {
        tags: TAG,
        summary: 'Dispatch a draft transfer: stock leaves first-expired-first-out and is in transit',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Optional(Type.Object({ asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false })),
        response: { 200: TransferSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const asOf = req.body?.asOf;
      return withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await inv.dispatchTransfer(trx, { id, key: `transfer:${id}:dispatch`, asOf: asOf ?? beijingDay(clock.now()) }, clock.now()),
      }));
    },
  );

  app.post(
    '/api/inventory/transfers/:id/receive',
    {
      schema: {
        tags: TAG,
        summary: 'Receive a transfer with the quantity received per line; short or over receipts are recorded as variances',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Object(
          { lines: Type.Array(Type.Object({ itemId: Type.String({ minLength: 1 }), receivedQuantity: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), { minItems: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: TransferSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { lines } = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        const t = await inv.requireTransfer(trx, id);
        if (t.status === 'draft' || t.status === 'cancelled') fail({ code: 'conflict', message: `transfer ${id} is ${t.status}, not in transit`, field: 'id', expected: 'in_transit', actual: t.status });
        await inv.receiveTransfer(trx, { key: `transfer:${id}:receive`, transferId: id, lines }, clock.now());
        return { status: 200, body: await inv.requireTransfer(trx, id) };
      });
    },
  );

  app.post(
    '/api/inventory/transfers/:id/cancel',
    { schema: { tags: TAG, summary: 'Cancel a draft transfer', params: Type.Object({ id: Type.String() }), headers: IdempotencyHeader, response: { 200: TransferSchema, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await inv.cancelDraftTransfer(trx, req.params.id) })),
  );

  // ---- counts ----
  app.get(
    '/api/inventory/counts',
    {
      schema: {
        tags: TAG,
        summary: 'Stock counts (盘点)',
        querystring: Type.Object({ nodeId: Type.Optional(Type.String()), status: Type.Optional(StringEnum(['open', 'posted', 'cancelled'] as const)) }),
        response: { 200: Type.Object({ counts: Type.Array(CountHeader) }) },
      },
    },
    async (req) => ({ counts: await inv.listCounts(db, req.query) }),
  );

  app.post(
    '/api/inventory/counts',
    {
      schema: {
        tags: TAG,
        summary: 'Open a count for a node: all items, a category or a list; the book is snapshotted now',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            nodeId: Type.String({ minLength: 1 }),
            category: Type.Optional(Type.String()),
            itemIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
            recountThreshold: Type.Optional(Type.Integer({ minimum: 0, description: 'a line whose first count differs from the book by more than this must be recounted (default 2)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([CountHeader, Type.Object({ lines: Type.Integer() })]), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        await checkRefs(trx, [b.nodeId], b.itemIds ?? []);
        const scope: inv.CountScope = {};
        if (b.category) scope.category = b.category;
        if (b.itemIds) scope.itemIds = b.itemIds;
        return { status: 201, body: await inv.openCount(trx, { id: b.id, nodeId: b.nodeId, scope, recountThreshold: b.recountThreshold }, clock.now()) };
      });
    },
  );

  app.get(
    '/api/inventory/counts/:id',
    {
      schema: {
        tags: TAG,
        summary: 'The blind count sheet: what to count and what was entered (no book quantities)',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Intersect([CountHeader, Type.Object({ lines: Type.Array(SheetLine) })]), ...errors },
      },
    },
    async (req) => inv.countSheet(db, req.params.id),
  );

  app.post(
    '/api/inventory/counts/:id/entries',
    {
      schema: {
        tags: TAG,
        summary: 'Enter counted quantities; a large difference asks for a recount (the next entry of that line)',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            lines: Type.Array(
              Type.Object(
                {
                  itemId: Type.String({ minLength: 1 }),
                  lotCode: Type.Optional(Type.String()),
                  quantity: Type.Integer({ minimum: 0 }),
                  expiryDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ lines: Type.Array(SheetLine) }), ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { lines } = req.body;
      return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: { lines: await inv.enterCounts(trx, id, lines) } }));
    },
  );

  app.get(
    '/api/inventory/counts/:id/report',
    {
      schema: {
        tags: TAG,
        summary: 'The count report: book, counted, difference and value per line (format=csv|xlsx to download)',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ format: ExportFormat }),
        response: { 200: CountReportSchema, ...errors },
      },
    },
    async (req, reply) => {
      const report = await inv.getCountReport(db, req.params.id);
      const format = req.query.format;
      if (format) return sendTable(reply, report.lines, REPORT_COLUMNS, format, `count-${report.id}`);
      return report;
    },
  );

  app.post(
    '/api/inventory/counts/:id/post',
    {
      schema: {
        tags: TAG,
        summary: 'Post every difference as a count adjustment, all or nothing, and close the count',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        response: { 200: CountReportSchema, ...errors },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await inv.postCount(trx, req.params.id, clock.now()) })),
  );

  app.post(
    '/api/inventory/counts/:id/cancel',
    { schema: { tags: TAG, summary: 'Cancel an open count (nothing is posted)', params: Type.Object({ id: Type.String() }), headers: IdempotencyHeader, response: { 200: CountHeader, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await inv.cancelCount(trx, req.params.id) })),
  );
}
