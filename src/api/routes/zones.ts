/** Routes of the zones context (/api/zones): delivery zones, control areas and the zone-reassignment planner. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { Ref, StringEnum, typed } from '../typebox.ts';
import { actorOf } from '../auth.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { parseLatLng } from '../../domain/geo/index.ts';
import { unwrap } from '../../domain/shared/index.ts';
import { CONTROL_LEVELS } from '../../domain/zones/index.ts';
import * as store from '../../store/zones.ts';
import * as zoneFlows from '../../flows/zone-node-status.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };
const TAG = ['zones'];
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, description });

const Geometry = Type.Object(
  { type: Type.String({ description: 'Polygon or MultiPolygon' }), coordinates: Type.Array(Type.Unknown(), { description: 'RFC 7946 coordinates: [longitude, latitude], WGS84 (rings of positions for a Polygon, polygons for a MultiPolygon)' }) },
  { additionalProperties: true },
);
const Split = Type.Union([Type.Null(), Type.Object({ nodeId: Type.String(), ordersPerDay: Type.Integer({ minimum: 1 }) })]);

const ZoneSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  demandOrdersPerDay: Type.Integer(),
  servingNodeId: Type.Union([Type.String(), Type.Null()]),
  split: Split,
  backupNodeIds: Type.Array(Type.String()),
  centroid: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  areaM2: Type.Integer(),
  updatedAt: Type.String(),
});
/** GET /api/zones/export (sent as a pre-serialised string, so this documents the shape; it does not filter it). */
const ZoneFeatureCollection = Type.Object({
  type: Type.String({ description: 'FeatureCollection' }),
  features: Type.Array(Open({
    type: Type.String({ description: 'Feature' }),
    id: Type.String(),
    properties: Open({ id: Type.String(), name: Type.String(), demandOrdersPerDay: Type.Integer(), servingNodeId: Type.Union([Type.String(), Type.Null()]), backupNodeIds: Type.Array(Type.String()) }),
    geometry: Geometry,
  })),
});
const ZoneFull = Type.Composite([ZoneSummary, Type.Object({ geometry: Geometry })]);

const ZoneBody = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    geometry: Type.Any({ description: 'GeoJSON Polygon or MultiPolygon (WGS84)' }),
    demandOrdersPerDay: Type.Optional(Type.Integer({ minimum: 0, description: 'estimated online orders a day' })),
    servingNodeId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    split: Type.Optional(Split),
    backupNodeIds: Type.Optional(Type.Array(Type.String(), { description: 'tried in order when the serving node cannot take an order' })),
  },
  { additionalProperties: false },
);

const Lookup = Type.Union([
  Type.Null(),
  Type.Object({
    zoneId: Type.String(),
    servingNodeId: Type.Union([Type.String(), Type.Null()]),
    backupNodeIds: Type.Array(Type.String()),
    underLockdown: Type.Boolean(),
    controlLevel: Type.Union([Type.String(), Type.Null()]),
    controlAreaId: Type.Union([Type.String(), Type.Null()]),
    dropPoint: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), lat: Type.Number(), lng: Type.Number() })),
  }),
]);

const DropPoint = Type.Object({ id: Type.String({ minLength: 1 }), name: Type.Optional(Type.String()), lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) });
const AreaBody = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    level: StringEnum(CONTROL_LEVELS, { description: 'lockdown 封控区, controlled 管控区, precaution 防范区' }),
    geometry: Type.Any({ description: 'GeoJSON Polygon or MultiPolygon (WGS84)' }),
    startsAt: Type.String({ description: 'ISO date-time' }),
    endsAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    allowOnlineOnly: Type.Optional(Type.Boolean({ description: 'nodes inside a lockdown area go online-only instead of suspended' })),
    dropPoints: Type.Optional(Type.Array(DropPoint)),
  },
  { additionalProperties: false },
);
const Effect = Open({
  kind: Type.String(), nodeId: Type.Union([Type.String(), Type.Null()]), zoneId: Type.Union([Type.String(), Type.Null()]), reason: Type.String(),
  fromStatus: Type.Optional(Type.String({ description: 'node_status: the status before' })), toStatus: Type.Optional(Type.String({ description: 'node_status: the status the area imposes' })),
});
const AreaOut = Type.Object({ id: Type.String(), name: Type.String(), level: Type.String(), geometry: Geometry, startsAt: Type.String(), endsAt: Type.Union([Type.String(), Type.Null()]), allowOnlineOnly: Type.Boolean(), dropPoints: Type.Array(Open({ id: Type.String(), name: Type.String(), lat: Type.Number(), lng: Type.Number() })), liftedAt: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: true, $id: 'ControlArea' });
const AreaWithEffects = Type.Object({ area: Ref(AreaOut), effects: Type.Array(Effect) }, { $id: 'ControlAreaWithEffects' });

const Override = Type.Object(
  {
    nodeId: Type.String(),
    dailyOrderCapacity: Type.Optional(Type.Integer({ minimum: 0 })),
    maxDeliveryRadiusM: Type.Optional(Type.Integer({ minimum: 0 })),
    maxTravelS: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const PlanBody = Type.Object(
  {
    overrides: Type.Optional(Type.Array(Override, { description: 'what-if node changes: widen a radius, raise a capacity; written to the nodes when the plan is applied' })),
    scope: Type.Optional(Type.Union([Type.Literal('affected'), Type.Literal('all')], { description: 'affected (default): only zones whose node stopped trading, lost reach or is over capacity' })),
    allowSplit: Type.Optional(Type.Boolean({ default: true })),
    timeLimitS: Type.Optional(Type.Number({ minimum: 1, maximum: 600 })),
    greedy: Type.Optional(Type.Boolean({ description: 'use the greedy heuristic instead of the MIP (for comparison)' })),
    widen: Type.Optional(Type.Boolean({ description: 'widen radii and raise capacities of trading nodes within the per-kind limits (GET /api/zones/node-limits) before leaving a zone unserved; the proposal then lists nodeChanges and why each zone stays unserved' })),
  },
  { additionalProperties: false },
);
const KindLimit = Type.Object(
  {
    maxDeliveryRadiusM: Type.Integer({ minimum: 0, maximum: 100_000, description: 'metres' }),
    maxDailyOrderCapacity: Type.Integer({ minimum: 0, maximum: 100_000, description: 'orders a day' }),
  },
  { additionalProperties: false },
);
const NodeKindLimits = Type.Record(Type.String({ pattern: '^[a-z_]{1,40}$' }), KindLimit, { description: 'per node kind (store, satellite_warehouse, emergency_warehouse…)' });
const Proposal = Open({
  method: Type.String(),
  fallbackReason: Type.Union([Type.String(), Type.Null()]),
  solverStatus: Type.String(),
  gapPct: Type.Union([Type.Number(), Type.Null()]),
  solveTimeS: Type.Number(),
  scope: Type.String(),
  overrides: Type.Array(Open({ nodeId: Type.String(), dailyOrderCapacity: Type.Optional(Type.Integer()), maxDeliveryRadiusM: Type.Optional(Type.Number()), maxTravelS: Type.Optional(Type.Union([Type.Number(), Type.Null()])) })),
  changes: Type.Array(Open({ zoneId: Type.String(), oldNodeId: Type.Union([Type.String(), Type.Null()]), newNodeId: Type.Union([Type.String(), Type.Null()]), distanceM: Type.Union([Type.Integer(), Type.Null()]), demandOrdersPerDay: Type.Optional(Type.Number()) })),
  nodeLoads: Type.Array(Open({ nodeId: Type.String(), loadBefore: Type.Integer(), loadAfter: Type.Integer(), dailyOrderCapacity: Type.Integer() })),
  unserved: Type.Array(Open({ zoneId: Type.String(), ordersPerDay: Type.Integer(), reason: Type.String(), message: Type.String() })),
  totals: Open({}),
});
const Reassignment = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: ['proposed', 'applied', 'reverted'] }),
  createdAt: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  revertedAt: Type.Union([Type.String(), Type.Null()]),
  request: Open({}),
  proposal: Proposal,
}, { $id: 'ZoneReassignment' });
/** The response schemas several routes answer with (registered once by server.ts; routes answer with `Ref`). */
export const sharedSchemas = [AreaOut, AreaWithEffects, Reassignment];
const IdParam = Type.Object({ id: Type.String() });

/** Delivery zones, control areas and the zone-reassignment planner. */
export default async function zonesRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const strip = ({ geometry: _g, ...z }: store.StoredZone) => z;

  app.get(
    '/api/zones',
    { schema: { tags: TAG, summary: 'List delivery zones (without geometry; see /api/zones/export for GeoJSON)', querystring: Type.Object({ nodeId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ zones: Type.Array(ZoneSummary), totalOrdersPerDay: Type.Integer() }) } } },
    async (req) => {
      const zones = await store.listZones(db, req.query);
      return { zones: zones.map(strip), totalOrdersPerDay: zones.reduce((s, z) => s + z.demandOrdersPerDay, 0) };
    },
  );

  app.get(
    '/api/zones/lookup',
    {
      schema: {
        tags: TAG,
        summary: 'The zone and serving node of an address (null when no zone covers it)',
        querystring: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
        response: { 200: Type.Object({ lookup: Lookup }), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const p = unwrap(parseLatLng(q.lat, q.lng));
      return { lookup: await store.lookupZone(db, p.lat, p.lng, clock.now()) };
    },
  );

  app.get(
    '/api/zones/export',
    { schema: { tags: TAG, summary: 'Every zone as a GeoJSON FeatureCollection (RFC 7946)', response: { 200: ZoneFeatureCollection } } },
    async (_req, reply) => {
      reply.header('content-type', 'application/geo+json; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="zones.geojson"');
      return JSON.stringify(await store.exportZones(db));
    },
  );

  app.post(
    '/api/zones/import',
    {
      schema: {
        tags: TAG,
        summary: 'Import zones from a GeoJSON FeatureCollection (all or nothing)',
        description: 'Each feature: Polygon or MultiPolygon with properties id, name, demandOrdersPerDay, servingNodeId, backupNodeIds, split. Bad geometry (unclosed ring, self-intersection, out-of-range position, overlap beyond the tolerance) answers 400 naming the feature and changes nothing; rings with the wrong winding are reversed and listed in `rewound`.',
        querystring: Type.Object({
          mode: Type.Optional(Type.Union([Type.Literal('merge'), Type.Literal('replace')])),
          dryRun: Type.Optional(Type.Boolean()),
          overlapTolerancePct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        }),
        headers: IdempotencyHeader,
        body: Type.Any(),
        response: { 200: Type.Object({ features: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), deleted: Type.Integer(), rewound: Type.Array(Type.String()), dryRun: Type.Boolean() }), ...errors },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.importZones(trx, req.body, clock.now(), req.query, actorOf(req)) })),
  );

  app.post(
    '/api/zones/generate',
    {
      schema: {
        tags: TAG,
        summary: 'Generate zones from H3 cells over a box or around nodes, each served by the nearest trading node in reach',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            resolution: Type.Integer({ minimum: 5, maximum: 10, description: 'H3 resolution (8: about 0.74 km² a cell)' }),
            bbox: Type.Optional(Type.Object({ minLat: Type.Number(), minLng: Type.Number(), maxLat: Type.Number(), maxLng: Type.Number() })),
            nodeIds: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
            radiusM: Type.Optional(Type.Integer({ minimum: 100, maximum: 50_000 })),
            totalOrdersPerDay: Type.Optional(Type.Integer({ minimum: 0 })),
            replace: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ created: Type.Integer(), deleted: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.generateZones(trx, req.body, clock.now(), actorOf(req)) })),
  );

  app.get('/api/zones/:id', { schema: { tags: TAG, summary: 'One zone, with its geometry', params: IdParam, response: { 200: ZoneFull, ...errors } } }, async (req) =>
    store.requireZone(db, req.params.id),
  );

  app.post(
    '/api/zones',
    { schema: { tags: TAG, summary: 'Create a zone', headers: IdempotencyHeader, body: ZoneBody, response: { 201: ZoneFull, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.createZone(trx, req.body, clock.now(), actorOf(req)) })),
  );

  app.patch(
    '/api/zones/:id',
    { schema: { tags: TAG, summary: 'Change a zone', params: IdParam, headers: IdempotencyHeader, body: Type.Partial(Type.Omit(ZoneBody, ['id']), { additionalProperties: false, minProperties: 1 }), response: { 200: ZoneFull, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.updateZone(trx, req.params.id, req.body, clock.now(), actorOf(req)) })),
  );

  app.delete(
    '/api/zones/:id',
    { schema: { tags: TAG, summary: 'Delete a zone', params: IdParam, headers: IdempotencyHeader, response: { 200: Type.Object({ deleted: Type.String() }), ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => {
        const id = req.params.id;
        await store.deleteZone(trx, id, clock.now(), actorOf(req));
        return { status: 200, body: { deleted: id } };
      }),
  );

  // ---- control areas ----
  app.get('/api/control-areas', { schema: { tags: TAG, summary: 'Control areas (lockdown / controlled / precaution)', response: { 200: Type.Object({ areas: Type.Array(Ref(AreaOut)) }) } } }, async () => ({
    areas: await store.listControlAreas(db),
  }));

  app.get('/api/control-areas/:id', { schema: { tags: TAG, summary: 'One control area and the effects it had on nodes and zones', params: IdParam, response: { 200: Ref(AreaWithEffects), ...errors } } }, async (req) => {
    const id = req.params.id;
    return { area: await store.requireControlArea(db, id), effects: await store.areaEffects(db, id) };
  });

  app.post(
    '/api/control-areas/preview',
    { schema: { tags: TAG, summary: 'What declaring this area would do to nodes and zones, without doing it', body: AreaBody, response: { 200: Ref(AreaWithEffects), ...errors } } },
    async (req) => {
      const r = await store.previewControlArea(db, req.body);
      return { area: r.area, effects: r.effects.map((e) => ({ nodeId: null, zoneId: null, ...e })) };
    },
  );

  app.post(
    '/api/control-areas',
    { schema: { tags: TAG, summary: 'Declare a control area; when in force, nodes inside are suspended (or online-only) at once', headers: IdempotencyHeader, body: AreaBody, response: { 201: Ref(AreaWithEffects), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await zoneFlows.declareControlArea(trx, req.body, clock.now(), actorOf(req)) })),
  );

  app.post(
    '/api/control-areas/:id/lift',
    { schema: { tags: TAG, summary: 'Lift a control area and undo its effects', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(AreaWithEffects), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await zoneFlows.liftControlArea(trx, req.params.id, clock.now(), actorOf(req)) })),
  );

  const TickItem = Type.Object({ areaId: Type.String(), effects: Type.Integer() });
  app.post(
    '/api/zones/control-areas/tick',
    {
      schema: {
        tags: TAG,
        summary: 'Run the control-area scheduler now: apply areas whose start has come, undo areas past their end (idempotent; the server runs it every minute)',
        headers: IdempotencyHeader,
        response: {
          200: Type.Object({
            at: Type.String(),
            tookEffect: Type.Array(TickItem),
            lifted: Type.Array(TickItem),
            statusChanges: Type.Optional(Type.Array(Type.Object({ id: Type.String(), nodeId: Type.String(), from: Type.String(), to: Type.String(), note: Type.String() }), { description: 'scheduled node status changes (an incident plan’s reopening) executed by this tick' })),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await zoneFlows.tickControlAreas(trx, clock.now(), actorOf(req)) })),
  );

  // ---- widening limits (settings) ----
  app.get(
    '/api/zones/node-limits',
    { schema: { tags: TAG, summary: 'Per node kind, how far the zone planner may widen a delivery radius and raise a daily order capacity before leaving a zone unserved', response: { 200: Type.Object({ limits: NodeKindLimits }) } } },
    async () => ({ limits: await store.getNodeKindLimits(db) }),
  );
  app.put(
    '/api/zones/node-limits',
    {
      schema: {
        tags: TAG,
        summary: 'Set the widening limits of the node kinds given (the others keep theirs)',
        headers: IdempotencyHeader,
        body: Type.Object({ limits: NodeKindLimits }, { additionalProperties: false }),
        response: { 200: Type.Object({ limits: NodeKindLimits }), ...errors },
      },
    },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: { limits: await store.setNodeKindLimits(trx, req.body.limits, clock.now()) } })),
  );

  // ---- reassignment ----
  app.post(
    '/api/zones/reassignments',
    { schema: { tags: TAG, summary: 'Plan a zone reassignment (切换路区) and keep it for review', headers: IdempotencyHeader, body: PlanBody, response: { 201: Ref(Reassignment), ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.planZoneReassignment(trx, req.body, { solver: deps.solver }, clock.now(), actorOf(req)) })),
  );

  app.get('/api/zones/reassignments', { schema: { tags: TAG, summary: 'Recent reassignment proposals', response: { 200: Type.Object({ reassignments: Type.Array(Ref(Reassignment)) }) } } }, async () => ({
    reassignments: await store.listReassignments(db),
  }));

  app.get('/api/zones/reassignments/:id', { schema: { tags: TAG, summary: 'One reassignment proposal (the diff)', params: IdParam, response: { 200: Ref(Reassignment), ...errors } } }, async (req) =>
    store.requireReassignment(db, req.params.id),
  );

  app.post(
    '/api/zones/reassignments/:id/apply',
    { schema: { tags: TAG, summary: 'Apply a proposal atomically (zones and node overrides), audited', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(Reassignment), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await zoneFlows.applyReassignment(trx, req.params.id, clock.now(), actorOf(req)) })),
  );

  app.post(
    '/api/zones/reassignments/:id/revert',
    { schema: { tags: TAG, summary: 'Revert an applied proposal', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(Reassignment), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await zoneFlows.revertReassignment(trx, req.params.id, clock.now(), actorOf(req)) })),
  );

  app.get(
    '/api/zones/audit',
    { schema: { tags: TAG, summary: 'Audit trail of zone changes, control areas and reassignments', querystring: Type.Object({ subjectId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ events: Type.Array(Open({ at: Type.String(), action: Type.String(), subjectId: Type.String() })) }) } } },
    async (req) => ({ events: await store.auditTrail(db, req.query.subjectId) }),
  );
}
