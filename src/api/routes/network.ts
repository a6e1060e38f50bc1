/**
 * Routes of the network context: nodes (and their status), items, baseline demand, their
 * import and export, and place search.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { AppDeps } from '../deps.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { StringEnum, typed, type TypedApp } from '../typebox.ts';
import { formatFrom, readTable, toTable, writeTable, XLSX_MIME } from '../tabular.ts';
import { DemandInputSchema, ItemInputSchema, NODE_KINDS, NODE_STATUSES, NodeInputSchema, StatusChangeSchema, checkLockdownGuard, ESSENTIAL_TIERS, TEMPERATURE_CLASSES, type DemandInput, type ItemInput, type NodeInput, type NodeStatus, parseRows, type RowError, manualReason, type StatusReason, searchPlaces, type Place } from '../../domain/network/index.ts';
import * as store from '../../store/network.ts';
import { readFileSync } from 'node:fs';
import * as zones from '../../store/zones.ts';
import { fail, unwrap } from '../../domain/shared/index.ts';

const Err = { $ref: 'Error#' };
/** The most item ids one `GET /api/items?ids=` answers (one screen's names). */
const MAX_IDS = 500;
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };

const NodeSchema = Type.Object({
  id: Type.String(),
  kind: StringEnum(NODE_KINDS),
  nameZh: Type.String(),
  nameEn: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  address: Type.String(),
  locationConfidence: Type.String(),
  status: StringEnum(NODE_STATUSES),
  statusChangedAt: Type.String({ format: 'date-time' }),
  statusReason: Type.String(),
  statusReasonCode: Type.String({ description: 'the reason as a code the UI translates: manual, manual_override, import, area_in_force, area_undone, schedule_ran, schedule_undone, incident_ew_opened, incident_apply_undone, incident_lifted, incident_lift_undone' }),
  statusReasonParams: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  openingHours: Type.String(),
  dailyOrderCapacity: Type.Integer(),
  storageUnit: Type.String(),
  storageAmbient: Type.Integer(),
  storageChilled: Type.Integer(),
  storageFrozen: Type.Integer(),
  maxDeliveryRadiusM: Type.Integer(),
});

const ItemSchema = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  category: Type.String(),
  unit: Type.String(),
  temperatureClass: StringEnum(TEMPERATURE_CLASSES),
  shelfLifeDays: Type.Integer(),
  packSize: Type.Integer(),
  weightG: Type.Integer(),
  volumeCm3: Type.Integer(),
  priceFen: Type.Integer(),
  essentialTier: StringEnum(ESSENTIAL_TIERS),
});

const NODE_EXPORT_COLUMNS = Object.keys(NodeInputSchema.properties);
const ITEM_EXPORT_COLUMNS = Object.keys(ItemInputSchema.properties);
const DEMAND_EXPORT_COLUMNS = Object.keys(DemandInputSchema.properties);

const ImportQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
  skipBadRows: Type.Optional(Type.Boolean({ default: false, description: 'import the good rows and report the bad ones' })),
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'check the file, change nothing' })),
});
const ExportQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) });

const ImportReport = Type.Object({
  rows: Type.Integer({ description: 'data rows read' }),
  imported: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  dryRun: Type.Boolean(),
  errors: Type.Array(
    Type.Object({ row: Type.Integer(), column: Type.String(), expected: Type.Unknown(), actual: Type.Unknown(), message: Type.String() }),
  ),
});

const importSchema = (tag: string, what: string) => ({
  tags: [tag],
  summary: `Import ${what} from CSV or .xlsx (all-or-nothing unless skipBadRows)`,
  description: `Send the file as the body with Content-Type text/csv or ${XLSX_MIME}. A file with errors changes nothing and answers 400 with a per-row report (row, column, expected, actual), unless skipBadRows=true.`,
  querystring: ImportQuery,
  headers: IdempotencyHeader,
  response: { 200: ImportReport, 400: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true, description: 'the error shape; for a bad file also the import report with its per-row errors' }) },
});

const exportSchema = (tag: string, what: string) => ({
  tags: [tag],
  summary: `Export ${what} as CSV or .xlsx`,
  querystring: ExportQuery,
});

/** The points of interest shipped with the demo (data/places), read once; none if the file is missing. */
function shippedPlaces(): Place[] {
  try {
    const file = new URL('../../../data/places/yizhuang-2022.places.json', import.meta.url);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { places: Array<Omit<Place, 'source'>> };
    return parsed.places.map((p) => ({ ...p, source: 'poi' as const }));
  } catch {
    return [];
  }
}

const PlaceSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  address: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  confidence: Type.String(),
  source: Type.String({ enum: ['node', 'poi'] }),
});

export default async function networkRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const pois = shippedPlaces();

  // ---- address search ----
  app.get(
    '/api/places',
    {
      schema: {
        tags: ['network'],
        summary: "Search the network's known places by name or address: its nodes and the points of interest shipped with the demo (offline, no map service)",
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) }),
        response: { 200: Type.Object({ places: Type.Array(PlaceSchema) }) },
      },
    },
    async (req) => {
      const q = req.query;
      const nodes = (await store.listNodes(db)).map(
        (n): Place => ({ id: n.id, kind: n.kind, nameZh: n.nameZh, nameEn: n.nameEn, address: n.address, lat: n.lat, lng: n.lng, confidence: n.locationConfidence, source: 'node' }),
      );
      return { places: searchPlaces([...nodes, ...pois], q.q ?? '', q.limit ?? 10) };
    },
  );

  // ---- nodes ----
  app.get(
    '/api/nodes',
    {
      schema: {
        tags: ['network'],
        summary: 'List nodes',
        querystring: Type.Object({ kind: Type.Optional(StringEnum(NODE_KINDS)), status: Type.Optional(StringEnum(NODE_STATUSES)) }),
        response: { 200: Type.Object({ nodes: Type.Array(NodeSchema) }) },
      },
    },
    async (req) => ({ nodes: await store.listNodes(db, req.query) }),
  );

  app.get(
    '/api/nodes/:id',
    { schema: { tags: ['network'], summary: 'One node', params: Type.Object({ id: Type.String() }), response: { 200: NodeSchema, ...errors } } },
    async (req) => store.requireNode(db, req.params.id, 'id'),
  );

  app.post(
    '/api/nodes',
    { schema: { tags: ['network'], summary: 'Create a node', headers: IdempotencyHeader, body: NodeInputSchema, response: { 201: NodeSchema, ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.createNode(trx, req.body, clock.now()) })),
  );

  app.patch(
    '/api/nodes/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Change a node’s settings (not its status: see /status)',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Partial(Type.Omit(NodeInputSchema, ['id', 'status', 'statusReason']), { additionalProperties: false, minProperties: 1 }),
        response: { 200: NodeSchema, ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await store.updateNode(trx, req.params.id, req.body, clock.now()),
      })),
  );

  app.post(
    '/api/nodes/:id/status',
    {
      schema: {
        tags: ['network'],
        summary: 'Change a node’s status (open / online_only / suspended / closed), with the reason',
        description: 'Closed is final. Reopening (open) a node inside an active lockdown area is refused (409, field override) unless the body says override: true with a reason of at least 8 characters; the override is recorded in the status reason.',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: StatusChangeSchema,
        response: { 200: NodeSchema, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const id = req.params.id;
      return withIdempotency(db, req, reply, async (trx) => {
        // Reopening inside an active lockdown is refused unless overridden with a reason.
        const lockdowns = body.status === 'open' ? await zones.activeLockdownsOf(trx, id) : [];
        unwrap(checkLockdownGuard(body, lockdowns));
        const reason: StatusReason = lockdowns.length > 0 ? { code: 'manual_override', params: { text: body.reason, areas: lockdowns.map((l) => l.name || l.areaId).join(', '), areaIds: lockdowns.map((l) => l.areaId).join(', ') } } : manualReason(body.reason);
        return { status: 200, body: await store.setNodeStatus(trx, id, body.status, reason, clock.now()) };
      });
    },
  );

  app.get(
    '/api/nodes/:id/status-history',
    {
      schema: {
        tags: ['network'],
        summary: 'When and why a node’s status changed',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ events: Type.Array(Type.Object({ nodeId: Type.String(), fromStatus: Type.String(), toStatus: Type.String(), reason: Type.String(), reasonCode: Type.String(), reasonParams: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])), at: Type.String() })) }), ...errors },
      },
    },
    async (req) => {
      const id = req.params.id;
      await store.requireNode(db, id, 'id');
      return { events: await store.nodeStatusHistory(db, id) };
    },
  );

  // ---- items ----
  app.get(
    '/api/items',
    {
      schema: {
        tags: ['network'],
        summary: 'List items (SKUs), filtered and paged',
        querystring: Type.Object({
          category: Type.Optional(Type.String()),
          temperatureClass: Type.Optional(StringEnum(TEMPERATURE_CLASSES)),
          essentialTier: Type.Optional(StringEnum(ESSENTIAL_TIERS)),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          ids: Type.Optional(Type.String({ maxLength: 40000, description: `comma-separated item ids (at most ${MAX_IDS}): their records in one request, e.g. the names a screen shows` })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ItemSchema), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const { ids, ...rest } = req.query;
      if (ids === undefined) return store.listItems(db, rest);
      const list = [...new Set(ids.split(',').map((x) => x.trim()).filter(Boolean))];
      if (list.length > MAX_IDS) fail({ code: 'validation_failed', message: `ids lists ${list.length} items; ask for at most ${MAX_IDS} at a time`, field: 'ids', expected: `at most ${MAX_IDS} ids`, actual: list.length });
      return store.listItems(db, { ...rest, ids: list, limit: Math.max(1, list.length) });
    },
  );

  app.get(
    '/api/items/:id',
    { schema: { tags: ['network'], summary: 'One item', params: Type.Object({ id: Type.String() }), response: { 200: ItemSchema, ...errors } } },
    async (req) => store.requireItem(db, req.params.id, 'id'),
  );

  app.post(
    '/api/items',
    { schema: { tags: ['network'], summary: 'Create an item', headers: IdempotencyHeader, body: ItemInputSchema, response: { 201: ItemSchema, ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.createItem(trx, req.body, clock.now()) })),
  );

  app.patch(
    '/api/items/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Change an item',
        params: Type.Object({ id: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Partial(Type.Omit(ItemInputSchema, ['id']), { additionalProperties: false, minProperties: 1 }),
        response: { 200: ItemSchema, ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await store.updateItem(trx, req.params.id, req.body, clock.now()),
      })),
  );

  // ---- baseline demand ----
  app.get(
    '/api/demand',
    {
      schema: {
        tags: ['network'],
        summary: 'Baseline daily demand per node and item',
        querystring: Type.Object({
          nodeId: Type.Optional(Type.String()),
          itemId: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ rows: Type.Array(DemandInputSchema), total: Type.Integer() }) },
      },
    },
    async (req) => store.listDemand(db, req.query),
  );

  app.put(
    '/api/demand',
    {
      schema: {
        tags: ['network'],
        summary: 'Set baseline daily demand for node × item pairs',
        headers: IdempotencyHeader,
        body: Type.Object({ rows: Type.Array(DemandInputSchema, { minItems: 1, maxItems: 100000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) => {
      const rows = req.body.rows;
      return withIdempotency(db, req, reply, async (trx) => {
        const bad = await store.unknownDemandRefs(trx, rows);
        const first = [...bad.entries()][0];
        if (first) {
          const [i, ref] = first;
          fail({ code: 'not_found', message: `rows.${i}.${ref.field}: ${ref.value} does not exist`, field: `rows.${i}.${ref.field}`, expected: `an existing ${ref.field === 'nodeId' ? 'node' : 'item'} id`, actual: ref.value });
        }
        return { status: 200, body: { updated: await store.upsertDemand(trx, rows) } };
      });
    },
  );

  // ---- import / export ----
  registerImport<NodeInput>(app, deps, '/api/nodes/import', 'nodes', NodeInputSchema, async (trx, records) => store.upsertNodes(trx, records, clock.now()));
  registerImport<ItemInput>(app, deps, '/api/items/import', 'items', ItemInputSchema, async (trx, records) => store.upsertItems(trx, records, clock.now()));
  registerImport<DemandInput>(app, deps, '/api/demand/import', 'baseline demand', DemandInputSchema, async (trx, records) => {
    const n = await store.upsertDemand(trx, records);
    return { created: n, updated: 0 };
  }, async (trx, records) => {
    const bad = await store.unknownDemandRefs(trx, records.map((r) => r.value));
    return [...bad.entries()].map(([i, ref]) => ({
      row: records[i].row,
      column: ref.field,
      expected: `an existing ${ref.field === 'nodeId' ? 'node' : 'item'} id`,
      actual: ref.value,
      message: `${ref.field} ${ref.value} does not exist`,
    }));
  });

  registerExport(app, '/api/nodes/export', 'nodes', async () => toTable(NODE_EXPORT_COLUMNS, await store.listNodes(db)));
  registerExport(app, '/api/items/export', 'items', async () => toTable(ITEM_EXPORT_COLUMNS, (await store.listItems(db)).items));
  registerExport(app, '/api/demand/export', 'baseline demand', async () => toTable(DEMAND_EXPORT_COLUMNS, (await store.listDemand(db)).rows));
}

function registerImport<T>(
  app: TypedApp,
  deps: AppDeps,
  url: string,
  what: string,
  schema: TSchema,
  write: (trx: any, records: T[]) => Promise<{ created: number; updated: number }>,
  checkRefs?: (trx: any, records: Array<{ row: number; value: T }>) => Promise<RowError[]>,
): void {
  app.post(url, { schema: importSchema('network', what) }, async (req, reply) => {
    const q = req.query;
    const table = await readTable(req.body, formatFrom(req.headers['content-type'], q.format));
    const parsed = parseRows<T>(schema, table.header, table.rows);
    const seen = new Map<string, number>();
    for (const r of parsed.records) {
      const key = JSON.stringify((r.value as any).id ?? [(r.value as any).nodeId, (r.value as any).itemId]);
      const prior = seen.get(key);
      if (prior !== undefined) parsed.errors.push({ row: r.row, column: (r.value as any).id ? 'id' : 'nodeId,itemId', expected: 'a value not already in the file', actual: key, message: `duplicate of row ${prior}` });
      else seen.set(key, r.row);
    }
    return withIdempotency(deps.db, req, reply, async (trx) => {
      if (checkRefs) parsed.errors.push(...(await checkRefs(trx, parsed.records)));
      const badRows = new Set(parsed.errors.map((e) => e.row));
      const good = parsed.records.filter((r) => !badRows.has(r.row));
      const header = parsed.errors.some((e) => e.row === 1);
      parsed.errors.sort((a, b) => a.row - b.row);
      const report = { rows: table.rows.length, imported: 0, created: 0, updated: 0, skipped: 0, dryRun: !!q.dryRun, errors: parsed.errors.slice(0, 1000) };
      if (header || (parsed.errors.length > 0 && !q.skipBadRows)) {
        return { status: 400, body: { ...report, code: 'validation_failed', message: `${parsed.errors.length} error(s) in the file; nothing was imported` } };
      }
      if (!q.dryRun) {
        const r = await write(trx, good.map((g) => g.value));
        report.created = r.created;
        report.updated = r.updated;
      }
      report.imported = q.dryRun ? 0 : good.length;
      report.skipped = badRows.size;
      return { status: 200, body: report };
    });
  });
}

function registerExport(app: TypedApp, url: string, what: string, load: () => Promise<{ header: string[]; rows: string[][] }>): void {
  app.get(url, { schema: exportSchema('network', what) }, async (req, reply) => {
    const format = req.query.format ?? 'csv';
    const buf = await writeTable(await load(), format, what);
    const name = `${what.replace(/\s+/g, '-')}.${format}`;
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME);
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return reply.send(buf);
  });
}
