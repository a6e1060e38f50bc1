import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { IncidentInputSchema, type IncidentInput } from '../../domain/incidents/model.ts';
import * as store from '../../store/incidents.ts';
import { applyResponsePlan, declareIncident, draftResponsePlan, liftIncident, reconcileDay, simulateIncident, type FlowDeps } from '../../flows/incident-response.ts';
import { fail } from '../../domain/shared/result.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };
const Params = Type.Object({ id: Type.String() });
const Any = Type.Any();

/** Incidents: declare, draft the response plan, review and edit its parts, simulate, apply, lift, reconcile. */
export default async function incidentRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, clock } = deps;
  const flow = (trxDb = db): FlowDeps => ({ db: trxDb, solver: deps.solver, now: () => clock.now() });
  const tags = ['incidents'];

  app.post('/api/incidents', { schema: { tags, summary: 'Declare an incident: control areas with levels and times, affected nodes, an emergency warehouse to open', headers: IdempotencyHeader, body: IncidentInputSchema, response: { 201: Any, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await declareIncident(trx, req.body as IncidentInput, clock.now()) })));

  app.get('/api/incidents', { schema: { tags, summary: 'List incidents', response: { 200: Type.Object({ incidents: Type.Array(Any) }) } } }, async () => ({ incidents: await store.listIncidents(db) }));

  app.get('/api/incidents/:id', { schema: { tags, summary: 'One incident with its current plan', params: Params, response: { 200: Any, ...errors } } }, async (req) => {
    const id = (req.params as { id: string }).id;
    const incident = await store.requireIncident(db, id);
    return { ...incident, plan: await store.latestPlan(db, id, 'response'), liftPlan: await store.latestPlan(db, id, 'lift') };
  });

  app.post('/api/incidents/:id/plan', { schema: { tags, summary: 'Draft the response plan from the current network (node statuses, zones, targets, sourcing, trips, staffing) with a summary', params: Params, headers: IdempotencyHeader, response: { 201: Any, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await draftResponsePlan(flow(trx), (req.params as { id: string }).id) })));

  app.get('/api/incidents/:id/plan', { schema: { tags, summary: 'The current response plan', params: Params, response: { 200: Any, ...errors } } }, async (req) => {
    const id = (req.params as { id: string }).id;
    await store.requireIncident(db, id);
    const p = await store.latestPlan(db, id, 'response');
    if (!p) fail({ code: 'not_found', message: `incident ${id} has no response plan yet`, field: 'id', expected: 'a drafted plan (POST /api/incidents/:id/plan)', actual: 'none' });
    return p;
  });

  app.put('/api/incidents/:id/plan/parts/:part', {
    schema: { tags, summary: 'Edit one part of the draft plan (the content replaces the drafted one and is marked edited)', params: Type.Object({ id: Type.String(), part: Type.String() }), headers: IdempotencyHeader, body: Type.Object({ content: Any }, { additionalProperties: false }), response: { 200: Any, ...errors } },
  }, async (req, reply) => {
    const { id, part } = req.params as { id: string; part: string };
    return withIdempotency(db, req, reply, async (trx) => {
      const p = await store.latestPlan(trx, id, 'response');
      if (!p) fail({ code: 'not_found', message: `incident ${id} has no response plan`, field: 'id', actual: id });
      return { status: 200, body: await store.editPart(trx, p.id, part, (req.body as { content: unknown }).content, clock.now()) };
    });
  });

  app.post('/api/incidents/:id/simulate', {
    schema: {
      tags, summary: 'Simulate the plan against no response over the next days (deterministic, seeded) and compare KPIs', params: Params,
      body: Type.Object({
        days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 7 })),
        seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
        ordersMultiplier: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
        multipliers: Type.Optional(Type.Object({ essential: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), key: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      response: { 200: Any, ...errors },
    },
  }, async (req) => simulateIncident(flow(), (req.params as { id: string }).id, (req.body ?? {}) as any));

  app.post('/api/incidents/:id/apply', {
    schema: {
      tags, summary: 'Apply the draft plan: each part is a step with a compensation; a failure undoes the steps already applied', params: Params, headers: IdempotencyHeader,
      description: 'Optional JSON body {"failAtStep": "zones"}: a drill that makes that step fail, to rehearse the compensations.',
      response: { 200: Any, ...errors },
    },
  }, async (req) => {
    const body = (req.body ?? {}) as { failAtStep?: unknown };
    if (body.failAtStep !== undefined && typeof body.failAtStep !== 'string') fail({ code: 'validation_failed', message: 'failAtStep must be a step name', field: 'failAtStep', expected: 'emergency_warehouse | control_areas | zones | sourcing', actual: body.failAtStep });
    return applyResponsePlan(flow(), (req.params as { id: string }).id, { failAtStep: body.failAtStep as string | undefined });
  });

  app.post('/api/incidents/:id/lift', { schema: { tags, summary: 'Lift the incident: areas lifted, zones back, the emergency warehouse’s surplus listed for rebalancing', params: Params, headers: IdempotencyHeader, response: { 200: Any, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await liftIncident(flow(trx), (req.params as { id: string }).id) })));

  app.get('/api/incidents/:id/reconciliation', {
    schema: { tags, summary: 'The nightly reconciliation: per node, asked / sent / received / sold / written off / counted, and the differences', params: Params, querystring: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }) }), response: { 200: Any, ...errors } },
  }, async (req) => {
    const day = (req.query as { day: string }).day;
    const lines = await db.transaction().execute((trx) => reconcileDay(flow(trx), (req.params as { id: string }).id, day));
    return { day, lines, differences: lines.reduce((a, l) => a + l.differences.length, 0) };
  });
}
