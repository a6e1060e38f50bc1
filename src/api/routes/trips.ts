/** Routes of the trips context: the fleet and its availability, trip plans, trips, their sheets and settings. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { Ref, StringEnum, typed } from '../typebox.ts';
import { withIdempotency, withIdempotentReplay, IdempotencyHeader } from '../idempotency.ts';
import { fail } from '../../domain/shared/index.ts';
import { VEHICLE_KINDS, tripSheetHtml, type SolveFn } from '../../domain/trips/index.ts';
import { solveInWorker } from '../../solver/routing.ts';
import { XLSX_MIME } from '../tabular.ts';
import * as store from '../../store/trips.ts';
import { arriveTrip, confirmTripPlan, dispatchTrip } from '../../flows/trip-dispatch.ts';
import { tripSheetsWorkbook } from '../../flows/workbooks.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 403: Err, 404: Err, 409: Err, 422: Err };
const FLEET = ['fleet'];
const TRIPS = ['trips'];
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, description });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing time)' });
const Hhmm = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM local time' });
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' });
const IdParam = Type.Object({ id: Type.String() });

/** The routing solver in the solver pool's worker threads, so the server stays responsive while it searches. */
const poolSolve: SolveFn = (problem, options) => solveInWorker(problem, options);

const Compartment = Type.Object(
  {
    temperatureClass: StringEnum(['ambient', 'chilled', 'frozen'] as const),
    maxWeightKg: Type.Integer({ minimum: 0 }),
    maxVolumeL: Type.Optional(Type.Integer({ minimum: 0 })),
    pallets: Type.Optional(Type.Integer({ minimum: 0 })),
    refrigerated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const VehicleTypeOut = Open({
  id: Type.String(), name: Type.String(), kind: Type.String(), compartments: Type.Array(Open({})), speedKmh: Type.Integer(), costPerKmFen: Type.Integer(),
  costPerHourFen: Type.Integer(), shiftStart: Type.String(), shiftEnd: Type.String(), homeNodeId: Type.String(), count: Type.Integer(),
});
const VehicleTypeBody = Type.Object(
  {
    id: Code,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    kind: StringEnum(VEHICLE_KINDS, { description: 'refrigerated_truck (0-4 °C), frozen_truck (-18 °C), multi_temperature_truck, ambient_van, rider_ebike' }),
    compartments: Type.Optional(Type.Array(Compartment, { minItems: 1, maxItems: 3, description: 'one per temperature class; default from the kind' })),
    speedKmh: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
    costPerKmFen: Type.Optional(Type.Integer({ minimum: 0 })),
    costPerHourFen: Type.Optional(Type.Integer({ minimum: 0 })),
    shiftStart: Type.Optional(Hhmm),
    shiftEnd: Type.Optional(Hhmm),
    homeNodeId: Code,
    count: Type.Integer({ minimum: 0, maximum: 1000 }),
  },
  { additionalProperties: false },
);
const VehicleOut = Type.Object({ id: Type.String(), vehicleTypeId: Type.String(), plate: Type.String(), driverName: Type.Union([Type.String(), Type.Null()]), driverPhone: Type.Union([Type.String(), Type.Null()]) });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const CoolantOut = Type.Object({ dryIceG: Type.Number(), dryIceBags: Type.Number(), icePacks: Type.Number() });
const PlanTotalsOut = Type.Object({
  trips: Type.Integer(), vehicles: Type.Integer(), loads: Type.Integer(), assigned: Type.Integer(), unassigned: Type.Integer(), distanceM: Type.Number(), costFen: Type.Number(), dryIceBags: Type.Number(), icePacks: Type.Number(),
});
const UnassignedOut = Type.Object({ loadId: Type.String(), kind: Type.String(), reason: Type.String({ description: 'a code the screen words (e.g. demand_exceeds_capacity)' }), message: Type.String() });
const PlanHeaderProps = {
  id: Type.String(), day: Type.String(), mode: Type.String(), wave: Nullable(Type.String()), status: Type.String(), createdAt: Type.String(), decidedAt: Nullable(Type.String()),
  violations: Type.Array(Open({ code: Type.String(), message: Type.String() })),
};
const PlanOut = Type.Object({
  ...PlanHeaderProps,
  result: Open({ trips: Type.Array(Open({ ref: Type.String(), stops: Type.Array(Open({})) })), unassigned: Type.Array(UnassignedOut), totals: PlanTotalsOut, warnings: Type.Array(Type.String()) }),
}, { additionalProperties: true, $id: 'TripPlan' });
const PlanListOut = Open({ ...PlanHeaderProps, totals: PlanTotalsOut });
const TripStopOut = Open({
  seq: Type.Integer(), loadKind: Type.String(), loadId: Type.String(), place: Type.Object({ id: Type.String(), name: Type.String(), lat: Type.Number(), lng: Type.Number() }),
  arrivalS: Type.Number(), startS: Type.Number(), departureS: Type.Number(),
  windows: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { description: '[from, to] in seconds after midnight' }),
  weightG: Type.Number(), volumeCm3: Type.Number(), coolant: CoolantOut, status: StringEnum(['pending', 'arrived'] as const), arrivedAt: Nullable(Type.String()),
  manifest: Type.Array(Type.Object({
    itemId: Type.String(), name: Type.String(), unit: Type.String(), temperatureClass: Type.String(), quantity: Type.Number(), receivedQuantity: Nullable(Type.Number()), varianceQuantity: Nullable(Type.Number()),
  })),
});
const TripOut = Type.Object({
  id: Type.String(), planId: Type.String(), ref: Type.String(), day: Type.String(), status: StringEnum(['confirmed', 'dispatched', 'completed', 'cancelled'] as const),
  vehicleTypeId: Type.String(), vehicleKey: Type.String(), vehicleId: Nullable(Type.String()), driverName: Nullable(Type.String()), driverPhone: Nullable(Type.String()),
  originNodeId: Type.String(), endNodeId: Type.String(), leaveHomeS: Type.Number(), departS: Type.Number(), returnS: Type.Number(), distanceM: Type.Number(), deadheadM: Type.Number(),
  travelS: Type.Number(), costFen: Type.Number(), coolant: CoolantOut, coolantNote: Type.String(),
  coolantNoteCode: StringEnum(['coolant_rule', ''] as const, { description: '`coolant_rule` with the rule\'s figures in coolantNoteParams (the screen words them); empty for older trips' }),
  coolantNoteParams: Type.Record(Type.String(), Type.Number()), createdAt: Type.String(), dispatchedAt: Nullable(Type.String()), completedAt: Nullable(Type.String()),
  stops: Type.Array(TripStopOut),
}, { additionalProperties: true, $id: 'Trip' });

const PlanBody = Type.Object(
  {
    day: Day,
    mode: StringEnum(['cold', 'wave', 'orders'] as const, { description: 'cold: open chilled/frozen transfers over the day; wave: open ambient transfers leaving together at a wave time; orders: a node\'s customer orders of one delivery slot on its riders and vans' }),
    wave: Type.Optional(Hhmm),
    nodeId: Type.Optional(Type.String()),
    slotStart: Type.Optional(Type.String({ description: 'ISO date-time of the slot start (mode orders)' })),
    vehicleTypeIds: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    outsideTempC: Type.Optional(Type.Integer({ minimum: -40, maximum: 50 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    maxIterations: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'per solve; without a time limit a plan reproduces exactly from its seed' })),
    timeLimitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 300, description: 'wall-time budget for the whole plan' })),
  },
  { additionalProperties: false },
);

const CountedLine = Type.Object({ itemId: Type.String({ minLength: 1 }), receivedQuantity: Type.Integer({ minimum: 0, maximum: 2_000_000_000 }) }, { additionalProperties: false });
const ArriveBody = Type.Object(
  {
    stops: Type.Array(
      Type.Object({ seq: Type.Integer({ minimum: 1 }), lines: Type.Optional(Type.Array(CountedLine)), asShipped: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

/** Schemas the server registers once (server.ts) and routes answer with by `Ref`: one entry each in /openapi.json's components. */
export const sharedSchemas = [TripOut, PlanOut];

/** The fleet, trip plans, trips, trip sheets, dispatch and arrival. */
export default async function tripsRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const write = <T>(req: any, reply: any, status: number, fn: (trx: any) => Promise<T>) => withIdempotency(db, req, reply, async (trx) => ({ status, body: await fn(trx) }));
  // A workflow (src/flows/trip-dispatch.ts) commits step by step, so its key is kept apart from its transactions.
  const flow = <T>(req: any, reply: any, fn: () => Promise<T>) => withIdempotentReplay(db, req, reply, async () => ({ status: 200, body: await fn() }));

  // ---- fleet ----
  app.get(
    '/api/fleet',
    { schema: { tags: FLEET, summary: 'The fleet: vehicle types (with the count available on a day) and named vehicles', querystring: Type.Object({ day: Type.Optional(Day) }), response: { 200: Open({ day: Type.String(), vehicleTypes: Type.Array(VehicleTypeOut), vehicles: Type.Array(VehicleOut) }) } } },
    async (req) => {
      const day = req.query.day ?? store.beijingDay(clock.now());
      return { day, vehicleTypes: await store.fleetForDay(db, day), vehicles: await store.listVehicles(db) };
    },
  );
  app.post(
    '/api/fleet/vehicle-types',
    { schema: { tags: FLEET, summary: 'Add a vehicle type; missing fields come from the kind\'s template', headers: IdempotencyHeader, body: VehicleTypeBody, response: { 201: VehicleTypeOut, ...errors } } },
    async (req, reply) => write(req, reply, 201, (trx) => store.createVehicleType(trx, req.body, clock.now())),
  );
  app.get('/api/fleet/vehicle-types/:id', { schema: { tags: FLEET, summary: 'One vehicle type', params: IdParam, response: { 200: VehicleTypeOut, ...errors } } }, async (req) =>
    store.requireVehicleType(db, req.params.id),
  );
  app.patch(
    '/api/fleet/vehicle-types/:id',
    { schema: { tags: FLEET, summary: 'Change a vehicle type', params: IdParam, headers: IdempotencyHeader, body: Type.Partial(Type.Omit(VehicleTypeBody, ['id']), { additionalProperties: false, minProperties: 1 }), response: { 200: VehicleTypeOut, ...errors } } },
    async (req, reply) => write(req, reply, 200, (trx) => store.updateVehicleType(trx, req.params.id, req.body, clock.now())),
  );
  app.delete(
    '/api/fleet/vehicle-types/:id',
    { schema: { tags: FLEET, summary: 'Remove a vehicle type (refused while one of its trips is under way)', params: IdParam, headers: IdempotencyHeader, response: { 200: Type.Object({ deleted: Type.String() }), ...errors } } },
    async (req, reply) =>
      write(req, reply, 200, async (trx) => {
        const id = req.params.id;
        await store.deleteVehicleType(trx, id);
        return { deleted: id };
      }),
  );
  app.put(
    '/api/fleet/vehicles/:id',
    {
      schema: {
        tags: FLEET, summary: 'Create or change a named vehicle (plate, usual driver)', params: IdParam, headers: IdempotencyHeader,
        body: Type.Object({ vehicleTypeId: Type.String(), plate: Type.String({ maxLength: 32 }), driverName: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])), driverPhone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])) }, { additionalProperties: false }),
        response: { 200: VehicleOut, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return write(req, reply, 200, (trx) => store.upsertVehicle(trx, { id: req.params.id, vehicleTypeId: b.vehicleTypeId, plate: b.plate, driverName: b.driverName ?? null, driverPhone: b.driverPhone ?? null }, clock.now()));
    },
  );
  app.delete(
    '/api/fleet/vehicles/:id',
    { schema: { tags: FLEET, summary: 'Remove a named vehicle', params: IdParam, headers: IdempotencyHeader, response: { 200: Type.Object({ deleted: Type.String() }), ...errors } } },
    async (req, reply) =>
      write(req, reply, 200, async (trx) => {
        const id = req.params.id;
        await store.deleteVehicle(trx, id);
        return { deleted: id };
      }),
  );
  app.put(
    '/api/fleet/availability',
    {
      schema: {
        tags: FLEET, summary: 'Vehicles of a type available on a day (overrides the type\'s count for that day)', headers: IdempotencyHeader,
        body: Type.Object({ vehicleTypeId: Type.String(), day: Day, available: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ vehicleTypeId: Type.String(), day: Type.String(), available: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return write(req, reply, 200, async (trx) => {
        await store.setAvailability(trx, b.vehicleTypeId, b.day, b.available);
        return b;
      });
    },
  );

  // ---- settings ----
  app.get('/api/trips/settings', { schema: { tags: TRIPS, summary: 'Ambient waves, coolant rule and planning times', response: { 200: Open({ waves: Type.Array(Type.String()) }) } } }, async () => store.getSettings(db));
  app.patch(
    '/api/trips/settings',
    { schema: { tags: TRIPS, summary: 'Change waves (e.g. ["06:00","14:00"]), the coolant rule\'s parameters, outside temperature, planning times', headers: IdempotencyHeader, body: Type.Object({}, { additionalProperties: true, minProperties: 1 }), response: { 200: Open({ waves: Type.Array(Type.String()) }), ...errors } } },
    async (req, reply) => write(req, reply, 200, (trx) => store.saveSettings(trx, req.body, clock.now())),
  );

  // ---- plans ----
  app.post(
    '/api/trips/plans',
    {
      schema: {
        tags: TRIPS,
        summary: 'Plan trips for a day: cold-chain transfers, an ambient wave, or a node\'s slot orders; kept for review',
        description: 'Answers when the solver is done (timeLimitS bounds it). Every load is on a trip or listed in result.unassigned with a reason (invalid_load, incompatible, demand_exceeds_capacity, time_window_unreachable, fleet_exhausted). violations lists what the independent auditor found (empty for a valid plan).',
        headers: IdempotencyHeader, body: PlanBody, response: { 201: Ref(PlanOut), ...errors },
      },
    },
    async (req, reply) => {
      const draft = await store.preparePlan(db, req.body, deps.routing ?? poolSolve);
      return write(req, reply, 201, (trx) => store.savePlan(trx, draft, clock.now()));
    },
  );
  app.get(
    '/api/trips/plans',
    { schema: { tags: TRIPS, summary: 'Recent trip plans (totals only)', querystring: Type.Object({ day: Type.Optional(Day) }), response: { 200: Type.Object({ plans: Type.Array(PlanListOut) }) } } },
    async (req) => ({ plans: await store.listPlans(db, req.query) }),
  );
  app.get('/api/trips/plans/:id', { schema: { tags: TRIPS, summary: 'One trip plan with its trips, unassigned loads and audit', params: IdParam, response: { 200: Ref(PlanOut), ...errors } } }, async (req) =>
    store.requirePlan(db, req.params.id),
  );
  app.post(
    '/api/trips/plans/:id/confirm',
    { schema: { tags: TRIPS, summary: 'Confirm a plan: its trips are created and their loads taken off the open list', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(PlanOut), ...errors } } },
    async (req, reply) => flow(req, reply, () => confirmTripPlan(db, req.params.id, () => clock.now())),
  );
  app.post(
    '/api/trips/plans/:id/discard',
    { schema: { tags: TRIPS, summary: 'Discard a proposed plan', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(PlanOut), ...errors } } },
    async (req, reply) => write(req, reply, 200, (trx) => store.discardPlan(trx, req.params.id, clock.now())),
  );

  // ---- trips ----
  app.get(
    '/api/trips',
    { schema: { tags: TRIPS, summary: 'Trips, by day, status or plan', querystring: Type.Object({ day: Type.Optional(Day), status: Type.Optional(StringEnum(['confirmed', 'dispatched', 'completed', 'cancelled'] as const)), planId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ trips: Type.Array(Ref(TripOut)) }) } } },
    async (req) => ({ trips: await store.listTrips(db, req.query) }),
  );
  app.get(
    '/api/trips/sheets',
    { schema: { tags: TRIPS, summary: 'Every trip sheet of a day in one .xlsx workbook (a sheet per trip)', querystring: Type.Object({ day: Day }) } },
    async (req, reply) => {
      const trips = await store.listTrips(db, { day: req.query.day });
      const sheets = [];
      for (const t of trips.filter((x) => x.status !== 'cancelled')) sheets.push(await store.sheetOf(db, t.id));
      reply.header('content-type', XLSX_MIME);
      reply.header('content-disposition', `attachment; filename="trip-sheets-${req.query.day}.xlsx"`);
      return reply.send(await tripSheetsWorkbook(sheets));
    },
  );
  app.get('/api/trips/:id', { schema: { tags: TRIPS, summary: 'One trip with its stops and manifests (received quantities and variances after arrival)', params: IdParam, response: { 200: Ref(TripOut), ...errors } } }, async (req) =>
    store.requireTrip(db, req.params.id),
  );
  app.get(
    '/api/trips/:id/sheet',
    { schema: { tags: TRIPS, summary: 'The trip sheet (派车单): JSON, printable HTML or .xlsx', params: IdParam, querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'html', 'xlsx'] as const)) }) } },
    async (req, reply) => {
      const id = req.params.id;
      const sheet = await store.sheetOf(db, id);
      const format = req.query.format ?? 'json';
      if (format === 'html') {
        reply.header('content-type', 'text/html; charset=utf-8');
        return reply.send(tripSheetHtml(sheet));
      }
      if (format === 'xlsx') {
        reply.header('content-type', XLSX_MIME);
        reply.header('content-disposition', `attachment; filename="trip-sheet-${id}.xlsx"`);
        return reply.send(await tripSheetsWorkbook([sheet]));
      }
      return sheet;
    },
  );
  app.patch(
    '/api/trips/:id',
    {
      schema: {
        tags: TRIPS, summary: 'Assign a named vehicle or a driver', params: IdParam, headers: IdempotencyHeader,
        body: Type.Object({ vehicleId: Type.Optional(Type.Union([Type.String(), Type.Null()])), driverName: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])), driverPhone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Ref(TripOut), ...errors },
      },
    },
    async (req, reply) => write(req, reply, 200, (trx) => store.assignTrip(trx, req.params.id, req.body)),
  );
  app.post(
    '/api/trips/:id/dispatch',
    { schema: { tags: TRIPS, summary: 'Dispatch: every transfer on the trip leaves its origin and is in transit (all or none)', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(TripOut), ...errors } } },
    async (req, reply) => flow(req, reply, () => dispatchTrip(db, req.params.id, () => clock.now())),
  );
  app.post(
    '/api/trips/:id/arrive',
    {
      schema: {
        tags: TRIPS,
        summary: 'Arrival at stops: transfers are received with the counted quantities; short and over are recorded as variances',
        params: IdParam, headers: IdempotencyHeader, body: ArriveBody, response: { 200: Ref(TripOut), ...errors },
      },
    },
    async (req, reply) => {
      const stops = req.body.stops;
      const seqs = new Set<number>();
      stops.forEach((s, i) => {
        if (seqs.has(s.seq)) fail({ code: 'validation_failed', field: `stops.${i}.seq`, message: `stops.${i}.seq: stop ${s.seq} is given twice`, actual: s.seq });
        seqs.add(s.seq);
      });
      return flow(req, reply, () => arriveTrip(db, req.params.id, stops, () => clock.now()));
    },
  );
  app.post(
    '/api/trips/:id/cancel',
    { schema: { tags: TRIPS, summary: 'Cancel a confirmed trip; its loads are open again', params: IdParam, headers: IdempotencyHeader, response: { 200: Ref(TripOut), ...errors } } },
    async (req, reply) => write(req, reply, 200, (trx) => store.cancelTrip(trx, req.params.id)),
  );
}
