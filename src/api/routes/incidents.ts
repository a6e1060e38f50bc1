/**
 * Routes of the incidents context (/api/incidents): declare, draft, review and edit, simulate, apply,
 * lift, reconcile and the timeline.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { Ref, StringEnum, typed } from '../typebox.ts';
import { withIdempotency, withIdempotentReplay, IdempotencyHeader } from '../idempotency.ts';
import { IncidentInputSchema, PLAN_PART_CONTENT, StepRecordSchema, isPlanPartName } from '../../domain/incidents/index.ts';
import * as store from '../../store/incidents.ts';
import { undoApply } from '../../flows/incident/apply.ts';
import { applyResponsePlan, declareDemoIncident, declareIncident, discardIncident, draftResponsePlan, extendIncident, incidentTimeline, liftIncident, reconcileDay, reconciliationWorkbook, simulateIncident, type FlowDeps } from '../../flows/incident-response.ts';
import { addDays, operatingDay, fail } from '../../domain/shared/index.ts';
import { XLSX_MIME } from '../tabular.ts';
import { queryAudit } from '../../store/auth.ts';
import { rerunPlanPart, RERUNNABLE_PARTS } from '../../flows/incident/rerun.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };
const Params = Type.Object({ id: Type.String() });

/** Optional bodies, checked by hand: an absent body is fine, anything else must match. */
const DemoBody = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', description: 'an id: letters, digits, _ . : - (max 64)' })),
  startsAt: Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: 'ISO date-time when the first area starts (default 2022-06-22T10:00+08:00)' })),
}, { additionalProperties: false });
const DraftBody = Type.Object({
  tripsBudgetMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 })),
  tripsMaxIterations: Type.Optional(Type.Integer({ minimum: 10, maximum: 100_000, default: 400, description: 'per routing solve; under it a draft reproduces' })),
  tripsDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, default: 2 })),
  rosterTimeLimitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 3 })),
  rosterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 14, default: 3 })),
  sourcingTimeLimitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, default: 10 })),
}, { additionalProperties: false });

/** The environment variable that sets the server's own draft budgets (docs/incidents.md, API). */
export const DRAFT_BUDGETS_ENV = 'BAOGONG_DRAFT_BUDGETS';

/**
 * The budgets a draft or a re-run uses where its request names none: the planners' own defaults
 * (sourcing 10 s, trips 5 s and 400 iterations a solve over 2 days, roster 3 s over 3 days), or a
 * JSON object of the draft body's fields in BAOGONG_DRAFT_BUDGETS, for a server on a small machine
 * or one that only shows the command centre (the browser tests start theirs with short budgets).
 * A request's own budgets always win. Read once when the routes are registered; a value that does not
 * match the draft body's schema stops the server, naming the field.
 */
export function serverDraftBudgets(raw: string | undefined = process.env[DRAFT_BUDGETS_ENV]): Static<typeof DraftBody> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail({ code: 'validation_failed', message: `${DRAFT_BUDGETS_ENV} is not JSON`, field: DRAFT_BUDGETS_ENV, expected: 'a JSON object such as {"sourcingTimeLimitS": 3, "tripsBudgetMs": 1000}', actual: raw });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail({ code: 'validation_failed', message: `${DRAFT_BUDGETS_ENV} must be a JSON object`, field: DRAFT_BUDGETS_ENV, expected: 'a JSON object', actual: raw });
  const e = Value.Errors(DraftBody, parsed).First();
  if (e) fail({ code: 'validation_failed', message: `${DRAFT_BUDGETS_ENV}${e.path}: ${e.message}`, field: `${DRAFT_BUDGETS_ENV}${e.path.replace(/\//g, '.')}`, expected: e.schema.description ?? JSON.stringify(e.schema).slice(0, 200), actual: e.value });
  return parsed as Static<typeof DraftBody>;
}

const orNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const IncidentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: StringEnum(['declared', 'planned', 'applied', 'lifted', 'discarded'] as const),
  spec: Open(
    {
      id: Type.String(),
      name: Type.String(),
      areas: Type.Array(Open({ id: Type.String(), name: Type.Optional(Type.String()), level: StringEnum(['lockdown', 'controlled', 'precaution'] as const), startsAt: Type.String(), endsAt: Type.Optional(orNull(Type.String())) })),
      emergencyWarehouse: Type.Optional(Open({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
      reopenOnlineOnlyAt: Type.Optional(Type.String()),
    },
    'the incident as declared (areas, affected nodes, the emergency warehouse)',
  ),
  declaredAt: Type.String(),
  appliedAt: orNull(Type.String()),
  liftedAt: orNull(Type.String()),
  discardedAt: orNull(Type.String()),
}, { $id: 'Incident' });
/** One part of a plan: its content's schema is the part's (domain/incidents/parts.ts), told apart by `part`. */
const PlanPartSchema = Type.Union(
  (Object.keys(PLAN_PART_CONTENT) as Array<keyof typeof PLAN_PART_CONTENT>).map((name) => Type.Object({
    part: Type.Literal(name),
    position: Type.Integer(),
    content: PLAN_PART_CONTENT[name],
    edited: Type.Boolean(),
    updatedAt: Type.String(),
  })),
);
const PlanSchema = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  kind: StringEnum(['response', 'lift'] as const),
  status: StringEnum(['draft', 'applying', 'applied', 'failed', 'superseded', 'undone'] as const),
  summary: Open(
    {
      notes: Type.Optional(Type.Array(Type.String())),
      noteCodes: Type.Optional(Type.Array(Type.Object({ code: Type.String(), params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])) }), { description: 'the notes as codes with parameters, in the same order, for the command centre to word' })),
    },
    'what the plan does, per part, and what it leaves unserved',
  ),
  createdAt: Type.String(),
  appliedAt: orNull(Type.String()),
  parts: Type.Array(PlanPartSchema, { description: 'a response plan: node_status, emergency_warehouse, zones, targets, sourcing, trips, staffing; a lift plan: actions, surplus_rebalance' }),
  steps: Type.Array(StepRecordSchema, { description: 'the apply (or lift) workflow steps, with their results (domain/incidents/steps.ts)' }),
}, { $id: 'IncidentPlan' });
/** The incident (by reference, so the web's types hold it once) with its current plans. */
const IncidentWithPlans = Type.Intersect([Ref(IncidentSchema), Type.Object({ plan: orNull(Ref(PlanSchema)), liftPlan: orNull(Ref(PlanSchema)) })]);
const SimulationSchema = Open(
  {
    planId: orNull(Type.String()),
    planStatus: orNull(Type.String()),
    fingerprint: orNull(Type.String()),
    from: Type.String(),
    days: Type.Integer(),
    seed: Type.Integer(),
    comparison: Type.Array(
      Type.Object({ kpi: Type.String(), a: orNull(Type.Number()), b: orNull(Type.Number()), delta: orNull(Type.Number()), better: orNull(StringEnum(['a', 'b', 'same'] as const)) }),
      { description: 'the KPIs of no response (a) against the plan (b); better names the run that did better by the KPI\'s direction' },
    ),
  },
  'no response (a) against the plan (b): summaries, their comparison, per-day figures',
);
const ReconciliationLineSchema = Open({
  nodeId: Type.String(), day: Type.String(), asked: Type.Number(), sent: Type.Number(), received: Type.Number(), sold: Type.Number(), writtenOff: Type.Number(), countedDelta: Type.Number(), transferVariance: Type.Number(),
  differences: Type.Array(Open({ kind: Type.String(), quantity: Type.Integer(), message: Type.String() })),
});
const ReconciliationRunSchema = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  day: Type.String(),
  trigger: StringEnum(['nightly', 'on_demand'] as const),
  status: StringEnum(['ok', 'failed'] as const),
  error: orNull(Type.String()),
  movements: Type.Integer(),
  lines: Type.Integer(),
  differences: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Type.String(),
});
const ApplyBody = Type.Object({
  failAtStep: Type.Optional(Type.String({ enum: ['emergency_warehouse', 'control_areas', 'zones', 'staffing', 'sourcing', 'trips'], description: 'a drill: make this step fail' })),
  override: Type.Optional(Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500, description: 'why the plan is applied without simulating it as it is now' }) }, { additionalProperties: false })),
}, { additionalProperties: false });

/** An edited part's content must keep the part's shape (the plan is served by that schema); the error names the field. */
function checkPartContent(part: string, content: unknown): void {
  if (!isPlanPartName(part)) return; // the store answers 404 for a part the plan does not hold
  const schema = PLAN_PART_CONTENT[part];
  const e = Value.Errors(schema, content).First();
  if (e) fail({ code: 'validation_failed', message: `content${e.path}: ${e.message}`, field: `content${e.path.replace(/\//g, '.')}`, expected: e.schema.description ?? JSON.stringify(e.schema).slice(0, 200), actual: e.value });
}

/** An optional JSON body: absent, or an object matching `schema` (errors name the field). */
function optionalBody<S extends TObject>(schema: S, body: unknown): Static<S> {
  if (body === undefined || body === '') return {} as Static<S>;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail({ code: 'validation_failed', message: 'the body must be a JSON object (or empty)', field: '(body)', expected: 'an object', actual: body });
  const e = Value.Errors(schema, body).First();
  if (e) fail({ code: 'validation_failed', message: `${e.path || '(body)'}: ${e.message}`, field: e.path.replace(/^\//, '').replace(/\//g, '.') || '(body)', expected: e.schema.description ?? JSON.stringify(e.schema).slice(0, 200), actual: e.value });
  return body as Static<S>;
}

/** Schemas the server registers once (server.ts) and routes answer with by `Ref`: one entry each in /openapi.json's components. */
export const sharedSchemas = [IncidentSchema, PlanSchema];

/** Incidents: declare, draft the response plan, review and edit its parts, simulate, apply, lift, reconcile. */
export default async function incidentRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;
  const flow = (trxDb = db): FlowDeps => ({ db: trxDb, solver: deps.solver, routing: deps.routing, roster: deps.roster, now: () => clock.now() });
  const tags = ['incidents'];
  const budgets = serverDraftBudgets();
  // What a re-run takes of them: the sourcing limit and the trips budget (the parts it plans again).
  const rerunBudgets = { ...(budgets.sourcingTimeLimitS !== undefined ? { sourcingTimeLimitS: budgets.sourcingTimeLimitS } : {}), ...(budgets.tripsBudgetMs !== undefined ? { tripsBudgetMs: budgets.tripsBudgetMs } : {}) };

  app.post('/api/incidents', { schema: { tags, summary: 'Declare an incident: control areas with levels and times, affected nodes, an emergency warehouse to open', headers: IdempotencyHeader, body: IncidentInputSchema, response: { 201: Ref(IncidentSchema), ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await declareIncident(trx, req.body, clock.now()) })));

  app.post('/api/incidents/demo', {
    schema: {
      tags, summary: 'Declare the built-in scenario\'s incident (Yizhuang, June 2022): its three lockdown areas, the emergency warehouse and the store reopening online-only',
      description: 'Only declares (status declared): draft, simulate and apply it like any incident. Optional JSON body {"id": "yizhuang-2022", "startsAt": ISO}: default id yizhuang-2022 and the scenario\'s own dates (first area 2022-06-22T10:00+08:00); startsAt moves the whole incident (e.g. to now) keeping every offset.',
      headers: IdempotencyHeader,
      body: orNull(DemoBody),
      response: { 201: Ref(IncidentSchema), ...errors },
    },
  }, async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await declareDemoIncident(trx, clock.now(), optionalBody(DemoBody, req.body)) })));

  app.get('/api/incidents', { schema: { tags, summary: 'List incidents', response: { 200: Type.Object({ incidents: Type.Array(Ref(IncidentSchema)) }) } } }, async () => ({ incidents: await store.listIncidents(db) }));

  app.get('/api/incidents/:id', { schema: { tags, summary: 'One incident with its current plan', params: Params, response: { 200: IncidentWithPlans, ...errors } } }, async (req) => {
    const id = req.params.id;
    const incident = await store.requireIncident(db, id);
    return { ...incident, plan: await store.latestPlan(db, id, 'response'), liftPlan: await store.latestPlan(db, id, 'lift') };
  });

  app.post('/api/incidents/:id/plan', {
    schema: {
      tags, summary: 'Draft the response plan from the current network (node statuses, zones, targets, sourcing, trips, staffing) with a summary', params: Params, headers: IdempotencyHeader,
      description: 'Optional JSON body with budgets that keep the draft fast: {tripsBudgetMs (5000), tripsMaxIterations (400 per routing solve), tripsDays (2), rosterTimeLimitS (3), rosterDays (3), sourcingTimeLimitS (10)}. The trips part and the roster stop at them and say what they left. A budget the body leaves out is the server\'s (BAOGONG_DRAFT_BUDGETS, a JSON object of these fields) or else the default in brackets.',
      // Declared (not only checked by hand), so the write hardening does not reduce the route to an empty body.
      body: orNull(DraftBody),
      response: { 201: Ref(PlanSchema), ...errors },
    },
  }, async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await draftResponsePlan(flow(trx), req.params.id, { ...budgets, ...optionalBody(DraftBody, req.body) }) })));

  app.get('/api/incidents/:id/plan', { schema: { tags, summary: 'The current response plan', params: Params, response: { 200: Ref(PlanSchema), ...errors } } }, async (req) => {
    const id = req.params.id;
    await store.requireIncident(db, id);
    const p = await store.latestPlan(db, id, 'response');
    if (!p) fail({ code: 'not_found', message: `incident ${id} has no response plan yet`, field: 'id', expected: 'a drafted plan (POST /api/incidents/:id/plan)', actual: 'none' });
    return p;
  });

  app.put('/api/incidents/:id/plan/parts/:part', {
    schema: { tags, summary: 'Edit one part of the draft plan (the content replaces the drafted one and is marked edited)', params: Type.Object({ id: Type.String(), part: Type.String() }), headers: IdempotencyHeader, body: Type.Object({ content: Type.Unknown() }, { additionalProperties: false }), response: { 200: Ref(PlanSchema), ...errors } },
  }, async (req, reply) => {
    const { id, part } = req.params;
    return withIdempotency(db, req, reply, async (trx) => {
      const p = await store.latestPlan(trx, id, 'response');
      if (!p) fail({ code: 'not_found', message: `incident ${id} has no response plan`, field: 'id', actual: id });
      checkPartContent(part, req.body.content);
      return { status: 200, body: await store.editPart(trx, p.id, part, req.body.content, clock.now()) };
    });
  });

  const RerunBody = Type.Object({
    nodes: Type.Optional(Type.Array(Type.Object({
      nodeId: Type.String({ minLength: 1 }),
      maxDeliveryRadiusM: Type.Optional(Type.Integer({ minimum: 0, maximum: 50_000, description: 'metres' })),
      dailyOrderCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'orders a day' })),
      receivesZones: Type.Optional(Type.Boolean({ description: 'false: the node takes no zone in this plan' })),
    }, { additionalProperties: false }), { maxItems: 500 })),
    receivers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, description: 'sourcing: the nodes that receive stock' })),
    assortmentSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'targets: how many items the emergency assortment holds' })),
    sourcingTimeLimitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    tripsBudgetMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  }, { additionalProperties: false });
  app.post('/api/incidents/:id/plan/parts/:part/rerun', {
    schema: {
      tags, summary: 'Re-run one part of the draft plan with the planner\'s choices: zones (a node\'s radius, capacity, whether it receives zones) sourcing (the receiving nodes; the trips part follows) or targets (the assortment size; sourcing and trips follow)',
      description: `Parts: ${RERUNNABLE_PARTS.join(', ')}. zones: {"nodes": [{"nodeId", "maxDeliveryRadiusM"?, "dailyOrderCapacity"?, "receivesZones"?}]}; sourcing: {"receivers": [node ids]}; targets: {"assortmentSize": n} (the sourcing plan and trips follow). The parts saved are marked edited: simulate again before apply. sourcingTimeLimitS and tripsBudgetMs left out are the server's (BAOGONG_DRAFT_BUDGETS) or else 10 s and 5 s.`,
      params: Type.Object({ id: Type.String(), part: Type.String({ enum: [...RERUNNABLE_PARTS] }) }), headers: IdempotencyHeader, body: RerunBody, response: { 200: Ref(PlanSchema), ...errors },
    },
  }, async (req, reply) => {
    const { id, part } = req.params;
    return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await rerunPlanPart(flow(trx), id, part, { ...rerunBudgets, ...req.body }) }));
  });

  app.post('/api/incidents/:id/simulate', {
    schema: {
      tags, summary: 'Simulate the plan against no response over the next days (deterministic, seeded) and compare KPIs', params: Params,
      body: Type.Object({
        days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 7 })),
        seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
        ordersMultiplier: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
        multipliers: Type.Optional(Type.Object({ essential: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), key: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false })),
        applyAfterMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080, default: 120, description: 'minutes after the incident starts at which the drafted plan is taken to be applied (whole minutes, 0 to 7 days)' })),
      }, { additionalProperties: false }),
      response: { 200: SimulationSchema, ...errors },
    },
  }, async (req) => simulateIncident(flow(), req.params.id, req.body ?? {}));

  app.post('/api/incidents/:id/apply', {
    schema: {
      tags, summary: 'Apply the reviewed plan exactly (edits included, nothing planned again): each part is a step with a compensation; a failure undoes the steps already applied; a plan stopped midway resumes', params: Params, headers: IdempotencyHeader,
      description: 'Optional JSON body {"override": {"reason": "..."}} to apply a plan changed since its last simulation (the reason is kept with the plan); {"failAtStep": "zones"}: a drill that makes that step fail, to rehearse the compensations. A repeated Idempotency-Key replays the first answer.',
      body: orNull(ApplyBody),
      response: { 200: Ref(PlanSchema), ...errors },
    },
  }, async (req, reply) => {
    const body = req.body ?? {};
    // The apply runs its own steps and compensations (several transactions), so the key is kept beside it.
    return withIdempotentReplay(db, req, reply, async () => ({ status: 200, body: await applyResponsePlan(flow(), req.params.id, { failAtStep: body.failAtStep, override: body.override }) }));
  });

  app.post('/api/incidents/:id/apply/undo', {
    schema: { tags, summary: 'Undo an apply stopped midway (e.g. the server was killed) or failed: every step done is compensated in reverse order; the plan can then be applied again', params: Params, headers: IdempotencyHeader, response: { 200: Ref(PlanSchema), ...errors } },
  }, async (req, reply) => withIdempotentReplay(db, req, reply, async () => ({ status: 200, body: await undoApply(flow(), req.params.id) })));

  // Not in one transaction: the lift is a workflow whose steps commit one by one (a lift stopped midway resumes).
  app.post('/api/incidents/:id/lift', { schema: { tags, summary: 'Lift the incident: areas lifted, zones back, the roster ended, the emergency warehouse suspended with its surplus listed for rebalancing (a workflow, each step with a compensation)', params: Params, headers: IdempotencyHeader, response: { 200: Ref(PlanSchema), ...errors } } },
    async (req, reply) => withIdempotentReplay(db, req, reply, async () => ({ status: 200, body: await liftIncident(flow(), req.params.id) })));

  const DayQuery = Type.Object({ day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'an operating day YYYY-MM-DD (default: yesterday in the network\'s time zone, the day the nightly run covers)' })) });
  const dayOf = (q: { day?: string }) => q.day ?? addDays(operatingDay(clock.now().getTime()), -1);

  app.post('/api/incidents/:id/discard', {
    schema: {
      tags, summary: 'Discard a declared or drafted incident that was never applied: its plans are set aside and nothing on the network changes (an applied incident is lifted instead)', params: Params, headers: IdempotencyHeader,
      response: { 200: Ref(IncidentSchema), ...errors },
    },
  }, async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await discardIncident(flow(trx), req.params.id) })));

  app.post('/api/incidents/:id/extend', {
    schema: {
      tags, summary: 'Move the end of the incident\'s control areas (all, or those named); once applied, the areas in force end then', params: Params, headers: IdempotencyHeader,
      body: Type.Object({
        endsAt: Type.Union([Type.String({ format: 'date-time', description: 'ISO date-time after now and after each area\'s start' }), Type.Null()]),
        areaIds: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 1000 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ incident: Ref(IncidentSchema), areas: Type.Array(Type.Object({ areaId: Type.String(), controlAreaId: orNull(Type.String()), endsAt: orNull(Type.String()) })) }), ...errors },
    },
  }, async (req, reply) => {
    const { body } = req;
    return withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await extendIncident(flow(trx), req.params.id, body.endsAt, body.areaIds) }));
  });

  app.get('/api/incidents/:id/timeline', {
    schema: {
      tags, summary: 'The incident\'s timeline: declared, plans drafted, parts edited, apply steps, applied / lifted / discarded, and every write on its routes from the audit log (who, answer)', params: Params,
      response: { 200: Type.Object({ incidentId: Type.String(), entries: Type.Array(Type.Object({ at: Type.String(), kind: Type.String(), params: Type.Record(Type.String(), Type.Unknown()), username: Type.Union([Type.String(), Type.Null()]) })) }), ...errors },
    },
  }, async (req) => {
    const id = req.params.id;
    const audit = await queryAudit(db, { urlPrefix: `/api/incidents/${encodeURIComponent(id)}/`, limit: 500 });
    return { incidentId: id, entries: await incidentTimeline(flow(), id, audit.entries) };
  });

  app.get('/api/incidents/:id/reconciliation', {
    schema: {
      tags, summary: 'The reconciliation of an operating day: per node, asked / sent / received / sold / written off / counted, and the differences (runs it now)',
      description: 'Runs over every ledger movement of the operating day (local midnight to midnight, Asia/Shanghai), set-based; "asked" is the lines of the sourcing documents issued that day; opening balances are shown apart, not as receipts. The run is recorded (GET .../reconciliation/runs).',
      params: Params, querystring: DayQuery, response: { 200: Type.Object({ day: Type.String(), lines: Type.Array(ReconciliationLineSchema), differences: Type.Integer() }), ...errors },
    },
  }, async (req) => {
    const day = dayOf(req.query);
    const lines = await reconcileDay(flow(), req.params.id, day);
    return { day, lines, differences: lines.reduce((a, l) => a + l.differences.length, 0) };
  });

  app.get('/api/incidents/:id/reconciliation/runs', {
    schema: { tags, summary: 'The reconciliation runs (nightly and on demand), newest first, failures with their error', params: Params, querystring: DayQuery, response: { 200: Type.Object({ runs: Type.Array(ReconciliationRunSchema) }), ...errors } },
  }, async (req) => {
    const id = req.params.id;
    await store.requireIncident(db, id);
    return { runs: await store.reconciliationRuns(db, { incidentId: id, day: (req.query).day }) };
  });

  app.get('/api/incidents/:id/reconciliation/export', {
    schema: { tags, summary: 'The reconciliation of an operating day as an .xlsx workbook (figures, differences, runs)', params: Params, querystring: DayQuery },
  }, async (req, reply) => {
    const day = dayOf(req.query);
    const id = req.params.id;
    const buf = await reconciliationWorkbook(flow(), id, day);
    return reply.header('content-type', XLSX_MIME).header('content-disposition', `attachment; filename="reconciliation-${id}-${day}.xlsx"`).send(buf);
  });
}
