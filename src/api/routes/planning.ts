/**
 * Routes of the planning context (/api/planning): the assortment and its settings, targets, net
 * requirements, suppliers and shipments, sourcing plans and the documents applying them creates.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { Ref, StringEnum, typed } from '../typebox.ts';
import { withIdempotency, withIdempotentReplay, IdempotencyHeader } from '../idempotency.ts';
import { XLSX_MIME } from '../tabular.ts';
import * as store from '../../store/planning.ts';
import { applySourcingPlan, dispatchPlanTransfer, receivePurchaseOrder, receiveShipment } from '../../flows/plan-apply.ts';
import { planDocumentsWorkbook } from '../../flows/workbooks.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };
const TAG = ['planning'];
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.>-]{0,127}$' });
const NonNegInt = Type.Integer({ minimum: 0, maximum: 2_000_000_000 });
const Multiplier = Type.Number({ exclusiveMinimum: 0, maximum: 100 });

const MultipliersSchema = Type.Object(
  {
    essential: Multiplier,
    key: Multiplier,
    byNode: Type.Optional(Type.Record(Type.String(), Type.Object({ essential: Type.Optional(Multiplier), key: Type.Optional(Multiplier) }, { additionalProperties: false }))),
  },
  { additionalProperties: false, description: 'surge stock = baseline daily demand × multiplier (default 5 for essentials, 10 for key items)' },
);

const SettingsPatchSchema = Type.Object(
  {
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, description: 'items in the assortment (default 500)' })),
    essentialCategories: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200 })),
    categoryMinimums: Type.Optional(Type.Record(Type.String(), NonNegInt)),
    keyRule: Type.Optional(Type.Union([Type.Null(), Type.Object({ categories: Type.Array(Type.String()), topPerCategory: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false })])),
    multipliers: Type.Optional(MultipliersSchema),
  },
  { additionalProperties: false },
);

const ParamsSchema = Type.Object(
  {
    neededWithinH: Type.Optional(Type.Number({ minimum: 0, maximum: 720 })),
    shortageFenPerUnit: Type.Optional(Type.Number({ minimum: 0 })),
    tierWeight: Type.Optional(Type.Object({ essential: Type.Optional(Type.Number({ minimum: 0 })), key: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false })),
    latePenaltyFenPerUnitH: Type.Optional(Type.Number({ minimum: 0 })),
    transfer: Type.Optional(
      Type.Object(
        { handlingFenPerUnit: Type.Optional(Type.Number({ minimum: 0 })), fenPerLitreKm: Type.Optional(Type.Number({ minimum: 0 })), roadFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 5 })), speedKmH: Type.Optional(Type.Number({ exclusiveMinimum: 0 })), loadingH: Type.Optional(Type.Number({ minimum: 0 })) },
        { additionalProperties: false },
      ),
    ),
    diversion: Type.Optional(Type.Object({ handlingFenPerUnit: Type.Optional(Type.Number({ minimum: 0 })), plannedDispatchH: Type.Optional(Type.Number({ minimum: 0 })), inTransitRerouteH: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false })),
    maxGiversPerNeed: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    maxShipmentsPerNeed: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    decomposition: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('none'), Type.Literal('by_item')])),
    timeLimitS: Type.Optional(Type.Number({ minimum: 1, maximum: 600 })),
  },
  { additionalProperties: false },
);

const PlanRequestSchema = Type.Object(
  {
    receivers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 5000, description: 'nodes to supply; one node for a reopening plan; default every node with a target' })),
    multipliers: Type.Optional(MultipliersSchema),
    params: Type.Optional(ParamsSchema),
  },
  { additionalProperties: false },
);

const SupplierSchema = Type.Object({ id: Code, name: Type.String({ minLength: 1, maxLength: 200 }), dailyCapacityUnits: NonNegInt }, { additionalProperties: false });
const SupplierItemSchema = Type.Object(
  {
    supplierId: Code,
    itemId: Code,
    packSize: Type.Integer({ minimum: 1, maximum: 100_000 }),
    moqUnits: NonNegInt,
    leadTimeH: Type.Number({ minimum: 0, maximum: 8760 }),
    expeditedLeadTimeH: Type.Union([Type.Number({ minimum: 0, maximum: 8760 }), Type.Null()]),
    expeditePremiumFenPerUnit: NonNegInt,
    deliveryFenPerUnit: NonNegInt,
  },
  { additionalProperties: false },
);
const ShipmentSchema = Type.Object(
  { id: Code, fromNodeId: Code, toNodeId: Code, itemId: Code, quantity: NonNegInt, status: Type.Union([Type.Literal('planned'), Type.Literal('in_transit')]) },
  { additionalProperties: false },
);

const PlanLineSchema = Type.Object({
  lineNo: Type.Integer(),
  kind: Type.String({ description: 'transfer, diversion or supplier_order' }),
  itemId: Type.String(),
  toNodeId: Type.String(),
  quantity: Type.Integer(),
  fromNodeId: Type.Union([Type.String(), Type.Null()]),
  shipmentId: Type.Union([Type.String(), Type.Null()]),
  originalNodeId: Type.Union([Type.String(), Type.Null()]),
  supplierId: Type.Union([Type.String(), Type.Null()]),
  expedited: Type.Boolean(),
  packs: Type.Union([Type.Integer(), Type.Null()]),
  distanceM: Type.Union([Type.Integer(), Type.Null()]),
  arrivalH: Type.Number(),
  unitCostFen: Type.Number(),
  costFen: Type.Integer(),
  reason: Type.String({ description: 'why this source: what was cheaper or faster, what the giver keeps' }),
  reasonCodes: Type.Optional(Type.Array(Type.Object({ code: Type.String(), params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])) }), { description: 'the reason as codes with parameters (sourcing.transfer, sourcing.on_time, sourcing.cheapest …) for a UI to translate' })),
  documentId: Type.Union([Type.String(), Type.Null()]),
});
const ShortageSchema = Type.Object({ nodeId: Type.String(), itemId: Type.String(), tier: Type.String(), needUnits: Type.Integer(), shortUnits: Type.Integer(), reason: Type.String() });
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Tier = StringEnum(['essential', 'key'] as const);
const MultipliersOut = Open({
  essential: Type.Number(),
  key: Type.Number(),
  byNode: Type.Optional(Type.Record(Type.String(), Open({ essential: Type.Optional(Type.Number()), key: Type.Optional(Type.Number()) }))),
});
const PlanSummarySchema = Type.Object(
  {
    method: Type.Optional(Type.String()),
    status: Type.Optional(Type.String({ description: 'optimal when proven, else feasible' })),
    receivers: Type.Optional(Type.Array(Type.String())),
    needs: Type.Optional(Type.Integer()),
    needUnits: Type.Optional(Type.Integer()),
    shortageUnits: Type.Optional(Type.Integer()),
    weightedShortageUnits: Type.Optional(Type.Number()),
    costFen: Type.Optional(Type.Number()),
    transportFen: Type.Optional(Type.Number()),
    deliveryFen: Type.Optional(Type.Number()),
    premiumFen: Type.Optional(Type.Number()),
    lateUnitH: Type.Optional(Type.Number()),
    objective: Type.Optional(Type.Number()),
    bound: Type.Optional(Nullable(Type.Number())),
    boundKind: Type.Optional(Nullable(StringEnum(['mip', 'lp', 'lagrangian'] as const))),
    gapPct: Type.Optional(Nullable(Type.Number())),
    columns: Type.Optional(Type.Integer()),
    chunks: Type.Optional(Type.Integer()),
    solveTimeS: Type.Optional(Type.Number()),
    greedy: Type.Optional(Open({ weightedShortageUnits: Type.Number(), costFen: Type.Number(), objective: Type.Number() })),
  },
  { additionalProperties: true, description: 'method, shortage (weighted), cost, bound and gap, the greedy baseline', $id: 'SourcingPlanSummary' },
);
const PlanDocumentSchema = Open({
  kind: StringEnum(['transfer_order', 'purchase_order', 'diversion'] as const),
  id: Type.String(),
  fromId: Type.String(),
  toNodeId: Type.String(),
  lines: Type.Array(Open({ itemId: Type.String(), quantity: Type.Integer() })),
});
const PlanHeader = {
  id: Type.String(),
  status: Type.String({ description: 'draft, applying (an apply under way, or stopped midway: apply again to finish it), applied or discarded' }),
  createdAt: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  request: Open({ receivers: Type.Optional(Type.Array(Type.String())), multipliers: Type.Optional(MultipliersOut), params: Type.Optional(Open({})) }, 'the request the plan was made from'),
  summary: Ref(PlanSummarySchema),
  warnings: Type.Array(Type.String()),
  documents: Type.Array(PlanDocumentSchema, { description: 'transfer orders, purchase orders and diversions created by applying' }),
};
const PlanSchema = Type.Object({ ...PlanHeader, lines: Type.Array(PlanLineSchema), shortages: Type.Array(ShortageSchema) }, { $id: 'SourcingPlan' });
/** Schemas the server registers once (server.ts) and routes answer with by `Ref`: one entry each in /openapi.json's components. */
export const sharedSchemas = [PlanSummarySchema, PlanSchema];
const Id = Type.Object({ id: Type.String() });

const SettingsOut = Open({
  size: Type.Optional(Type.Integer()),
  essentialCategories: Type.Optional(Type.Array(Type.String())),
  categoryMinimums: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  pinned: Type.Optional(Type.Array(Type.String())),
  dropped: Type.Optional(Type.Array(Type.String())),
  keyPinned: Type.Optional(Type.Array(Type.String())),
  keyDropped: Type.Optional(Type.Array(Type.String())),
  keyRule: Type.Optional(Nullable(Open({ categories: Type.Array(Type.String()), topPerCategory: Type.Integer() }))),
  multipliers: MultipliersOut,
  timeLimitS: Type.Optional(Type.Number()),
});
const AssortmentLineOut = Open({
  itemId: Type.String(),
  tier: Tier,
  category: Type.String(),
  reason: Type.String({ description: 'pinned or demand' }),
  keyReason: Nullable(Type.String()),
  dailyDemandUnits: Type.Number(),
  categoryRank: Type.Integer(),
});
const AssortmentRunOut = Open({
  lines: Type.Array(Open({ ...AssortmentLineOut.properties, tempClass: Type.String() })),
  coverageShare: Type.Number({ description: 'selected demand / demand of all eligible items, 0..1' }),
  selectedDemandUnits: Type.Number(),
  eligibleDemandUnits: Type.Number(),
  boundDemandUnits: Type.Number(),
  status: Type.String({ description: 'optimal or feasible' }),
  warnings: Type.Array(Type.String()),
  byCategory: Type.Array(Open({ category: Type.String(), selected: Type.Integer(), minimum: Type.Integer(), eligible: Type.Integer() })),
});
const TargetOut = Open({
  nodeId: Type.String(),
  itemId: Type.String(),
  tier: Tier,
  baselineDailyUnits: Type.Number(),
  multiplier: Type.Number(),
  uncappedUnits: Type.Number(),
  targetUnits: Type.Integer(),
  daysOfCover: Type.Number(),
  cappedBy: Nullable(Type.String({ description: 'the temperature class whose storage cut the target' })),
});
const NetRequirementOut = Open({
  nodeId: Type.String(),
  itemId: Type.String(),
  targetUnits: Type.Integer(),
  onHand: Type.Integer(),
  inbound: Type.Integer(),
  reserved: Type.Integer(),
  positionUnits: Type.Integer(),
  needUnits: Type.Integer(),
  surplusUnits: Type.Integer(),
});
const SupplierOut = Open({ id: Type.String(), name: Type.String(), dailyCapacityUnits: Type.Integer() });
const SupplierItemOut = Open({
  supplierId: Type.String(),
  itemId: Type.String(),
  packSize: Type.Integer(),
  moqUnits: Type.Integer(),
  leadTimeH: Type.Number(),
  expeditedLeadTimeH: Nullable(Type.Number()),
  expeditePremiumFenPerUnit: Type.Integer(),
  deliveryFenPerUnit: Type.Integer(),
});
const ShipmentOut = Open({
  id: Type.String(),
  fromNodeId: Type.String(),
  toNodeId: Type.String(),
  itemId: Type.String(),
  quantity: Type.Integer(),
  status: Type.String({ description: 'planned, in_transit, received or diverted' }),
  divertedFrom: Nullable(Type.String()),
});
const PurchaseOrderLineOut = Open({
  id: Type.String(),
  planId: Nullable(Type.String()),
  supplierId: Type.String(),
  toNodeId: Type.String(),
  expedited: Type.Boolean(),
  status: Type.String(),
  expectedAt: Type.String(),
  itemId: Type.String(),
  quantity: Type.Integer(),
  packs: Type.Integer(),
  packSize: Type.Integer(),
});
const TransferOut = Open({
  id: Type.String(),
  fromNodeId: Type.String(),
  toNodeId: Type.String(),
  status: StringEnum(['draft', 'in_transit', 'received', 'cancelled'] as const),
  note: Type.String(),
  createdAt: Type.String(),
  dispatchedAt: Nullable(Type.String()),
  receivedAt: Nullable(Type.String()),
  lines: Type.Array(
    Open({
      itemId: Type.String(),
      quantity: Type.Integer(),
      lots: Type.Array(Open({ lotCode: Type.String(), quantity: Type.Integer(), receivedQuantity: Nullable(Type.Integer()) })),
      receivedQuantity: Nullable(Type.Integer()),
      varianceQuantity: Nullable(Type.Integer()),
    }),
  ),
});


export default async function planningRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock, solver } = deps;

  // ---- the assortment ----
  app.get('/api/planning/settings', { schema: { tags: TAG, summary: 'Assortment settings: size, category minimums, pins, drops, key marks, multipliers', response: { 200: SettingsOut } } }, async () =>
    store.getSettings(db),
  );

  app.put(
    '/api/planning/settings',
    { schema: { tags: TAG, summary: 'Change assortment settings and multipliers (run the assortment again to apply)', headers: IdempotencyHeader, body: SettingsPatchSchema, response: { 200: SettingsOut, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.saveSettings(trx, req.body, clock.now()) })),
  );

  app.post(
    '/api/planning/assortment/run',
    { schema: { tags: TAG, summary: 'Select the emergency assortment (a MIP over the catalogue and baseline demand) and make it current', headers: IdempotencyHeader, response: { 200: AssortmentRunOut, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.runAssortment(trx, solver, clock.now()) })),
  );

  app.get(
    '/api/planning/assortment',
    { schema: { tags: TAG, summary: 'The current assortment with tiers and why each item is in it', querystring: Type.Object({ tier: Type.Optional(Type.String()), category: Type.Optional(Type.String()) }), response: { 200: Type.Object({ items: Type.Array(AssortmentLineOut), total: Type.Integer(), key: Type.Integer() }) } } },
    async (req) => {
      const q = req.query;
      const rows = (await store.currentAssortment(db)).filter((r) => (!q.tier || r.tier === q.tier) && (!q.category || r.category === q.category));
      return { items: rows, total: rows.length, key: rows.filter((r) => r.tier === 'key').length };
    },
  );

  app.post(
    '/api/planning/assortment/marks',
    {
      schema: {
        tags: TAG,
        summary: 'Pin, drop or mark an item key by hand, then (by default) re-run the assortment',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            itemId: Code,
            mark: Type.Union((['pin', 'drop', 'unpin', 'key', 'not_key', 'key_rule'] as const).map((m) => Type.Literal(m)), { description: 'key_rule clears a hand-made key mark' }),
            rerun: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ settings: SettingsOut, assortment: Nullable(AssortmentRunOut) }), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => {
        const settings = await store.saveSettings(trx, store.withMark(await store.getSettings(trx), b.itemId, b.mark), clock.now());
        const assortment = b.rerun === false ? null : await store.runAssortment(trx, solver, clock.now());
        return { status: 200, body: { settings, assortment } };
      });
    },
  );

  // ---- targets and net requirements ----
  app.get(
    '/api/planning/targets',
    { schema: { tags: TAG, summary: 'Surge stock targets per node and item, capped by storage, with days of cover', querystring: Type.Object({ nodeId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ targets: Type.Array(TargetOut), total: Type.Integer(), capped: Type.Integer() }) } } },
    async (req) => {
      const targets = await store.currentTargets(db, { nodeId: req.query.nodeId });
      return { targets, total: targets.length, capped: targets.filter((t) => t.cappedBy !== null).length };
    },
  );

  app.get(
    '/api/planning/net-requirements',
    {
      schema: {
        tags: TAG,
        summary: 'Net requirements: target − (on hand + inbound − reserved), and surplus above target',
        querystring: Type.Object({ nodeId: Type.Optional(Type.String()), onlyShort: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ rows: Type.Array(NetRequirementOut), total: Type.Integer(), needUnits: Type.Integer(), surplusUnits: Type.Integer() }) },
      },
    },
    async (req) => {
      const rows = await store.currentNetRequirements(db, req.query);
      return { rows, total: rows.length, needUnits: rows.reduce((s, r) => s + r.needUnits, 0), surplusUnits: rows.reduce((s, r) => s + r.surplusUnits, 0) };
    },
  );

  // ---- suppliers and DC shipments ----
  app.get('/api/planning/suppliers', { schema: { tags: TAG, summary: 'Suppliers and what they sell (packs, MOQ, lead times, premiums)', response: { 200: Type.Object({ suppliers: Type.Array(SupplierOut), supplierItems: Type.Array(SupplierItemOut) }) } } }, async () => store.listSuppliers(db));

  app.put(
    '/api/planning/suppliers',
    {
      schema: {
        tags: TAG,
        summary: 'Create or update suppliers and their items',
        headers: IdempotencyHeader,
        body: Type.Object({ suppliers: Type.Array(SupplierSchema, { maxItems: 1000 }), supplierItems: Type.Optional(Type.Array(SupplierItemSchema, { maxItems: 200_000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ suppliers: Type.Integer(), supplierItems: Type.Integer() }, { description: 'rows written' }), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.upsertSuppliers(trx, b.suppliers, b.supplierItems ?? []) }));
    },
  );

  app.get(
    '/api/planning/shipments',
    { schema: { tags: TAG, summary: 'DC shipments (planned, in transit, diverted)', querystring: Type.Object({ open: Type.Optional(Type.Boolean()), nodeId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ shipments: Type.Array(ShipmentOut) }) } } },
    async (req) => ({ shipments: await store.listShipments(db, req.query) }),
  );

  app.put(
    '/api/planning/shipments',
    {
      schema: { tags: TAG, summary: 'Record DC shipments planned or in transit', headers: IdempotencyHeader, body: Type.Object({ shipments: Type.Array(ShipmentSchema, { maxItems: 200_000 }) }, { additionalProperties: false }), response: { 200: Type.Object({ shipments: Type.Integer({ description: 'rows written' }) }), ...errors } },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: { shipments: await store.upsertShipments(trx, req.body.shipments, clock.now()) } })),
  );

  app.post(
    '/api/planning/demo',
    { schema: { tags: TAG, summary: 'Load the Yizhuang demo suppliers and DC shipments', headers: IdempotencyHeader, response: { 200: Type.Object({ suppliers: Type.Integer(), supplierItems: Type.Integer(), shipments: Type.Integer() }), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.loadPlanningDemo(trx, clock.now()) })),
  );

  // ---- sourcing plans ----
  app.post(
    '/api/planning/plans',
    {
      schema: {
        tags: TAG,
        summary: 'Plan sourcing (transfers, DC diversions, normal or expedited supplier orders) for some nodes or the whole network; saved as a draft to review',
        headers: IdempotencyHeader,
        body: PlanRequestSchema,
        response: { 201: Ref(PlanSchema), ...errors },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.createPlan(trx, solver, req.body, clock.now()) })),
  );

  app.get('/api/planning/plans', { schema: { tags: TAG, summary: 'Sourcing plans, newest first', response: { 200: Type.Object({ plans: Type.Array(Type.Object(PlanHeader)) }) } } }, async () => ({
    plans: await store.listPlans(db),
  }));

  app.get('/api/planning/plans/:id', { schema: { tags: TAG, summary: 'Review a plan: every line with its reason, every shortage with its reason', params: Id, response: { 200: Ref(PlanSchema), ...errors } } }, async (req) =>
    store.requirePlan(db, req.params.id),
  );

  app.post(
    '/api/planning/plans/:id/apply',
    {
      schema: {
        tags: TAG,
        summary: 'Apply a draft plan atomically: transfer orders (stock held at the giver), purchase orders, diversions',
        params: Id,
        headers: IdempotencyHeader,
        response: { 200: Ref(PlanSchema), ...errors },
      },
    },
    // A workflow (src/flows/plan-apply.ts): each step commits with its journal record, so the key is kept apart.
    async (req, reply) => withIdempotentReplay(db, req, reply, async () => ({ status: 200, body: await applySourcingPlan(db, req.params.id, () => clock.now()) })),
  );

  app.post(
    '/api/planning/plans/:id/discard',
    { schema: { tags: TAG, summary: 'Discard a draft plan', params: Id, headers: IdempotencyHeader, response: { 200: Ref(PlanSchema), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.discardPlan(trx, req.params.id) })),
  );

  app.get(
    '/api/planning/plans/:id/documents.xlsx',
    { schema: { tags: TAG, summary: "The plan's documents as a workbook: transfers, purchase orders, diversions, shortages", params: Id } },
    async (req, reply) => {
      const id = req.params.id;
      const buf = await planDocumentsWorkbook(db, id);
      reply.header('content-type', XLSX_MIME);
      reply.header('content-disposition', `attachment; filename="sourcing-${id.slice(0, 8)}.xlsx"`);
      return reply.send(buf);
    },
  );

  app.get(
    '/api/planning/purchase-orders',
    { schema: { tags: TAG, summary: 'Purchase orders (one row per line)', querystring: Type.Object({ planId: Type.Optional(Type.String()), nodeId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ lines: Type.Array(PurchaseOrderLineOut) }) } } },
    async (req) => ({ lines: await store.listPurchaseOrders(db, req.query) }),
  );

  app.post(
    '/api/planning/purchase-orders/:id/receive',
    { schema: { tags: TAG, summary: 'Receive a purchase order in full: receipts at the receiver in the ledger', params: Id, headers: IdempotencyHeader, response: { 200: Type.Object({ id: Type.String(), status: Type.String(), received: Type.Integer() }), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await receivePurchaseOrder(trx, req.params.id, clock.now()) })),
  );

  app.post(
    '/api/planning/shipments/:id/receive',
    { schema: { tags: TAG, summary: 'Receive a DC shipment (diverted or not) at its destination', params: Id, headers: IdempotencyHeader, response: { 200: ShipmentOut, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await receiveShipment(trx, req.params.id, clock.now()) })),
  );

  app.post(
    '/api/planning/transfers/:id/dispatch',
    { schema: { tags: TAG, summary: "Dispatch a plan's transfer order: release its hold at the giver and ship it", params: Id, headers: IdempotencyHeader, response: { 200: TransferOut, ...errors } } },
    async (req, reply) => {
      const id = req.params.id;
      const key = (req.headers['idempotency-key'] as string | undefined) ?? `dispatch:${id}`;
      return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await dispatchPlanTransfer(trx, id, `plan-dispatch:${key}`, clock.now()) }));
    },
  );
}
