import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fail } from '../domain/shared/result.ts';
import type { IncidentInput, PlanPart, PlanSummary } from '../domain/incidents/model.ts';

/**
 * The incident context's storage: incidents, their areas, response plans with
 * parts, applied steps and reconciliations. Other contexts are reached through
 * their own store functions (see src/flows/incident-*.ts), never their tables.
 */
type Db = Kysely<any>;
const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export type IncidentStatus = 'declared' | 'planned' | 'applied' | 'lifted' | 'discarded';

export interface Incident {
  id: string;
  name: string;
  status: IncidentStatus;
  spec: IncidentInput;
  declaredAt: string;
  appliedAt: string | null;
  liftedAt: string | null;
  discardedAt: string | null;
}

export interface PlanPartView {
  part: PlanPart | string;
  position: number;
  content: any;
  edited: boolean;
  updatedAt: string;
}

export interface ResponsePlan {
  id: string;
  incidentId: string;
  kind: 'response' | 'lift';
  status: 'draft' | 'applied' | 'failed' | 'superseded';
  summary: PlanSummary | Record<string, unknown>;
  createdAt: string;
  appliedAt: string | null;
  parts: PlanPartView[];
  steps: Array<{ position: number; step: string; status: string; result: unknown; error: string | null; at: string }>;
}

const toIncident = (r: any): Incident => ({ id: r.id, name: r.name, status: r.status, spec: j(r.spec), declaredAt: iso(r.declared_at)!, appliedAt: iso(r.applied_at), liftedAt: iso(r.lifted_at), discardedAt: iso(r.discarded_at) });

export async function createIncident(db: Db, input: IncidentInput, now: Date): Promise<Incident> {
  const exists = await db.selectFrom('incidents').select('id').where('id', '=', input.id).executeTakeFirst();
  if (exists) fail({ code: 'duplicate', message: `incident ${input.id} already exists`, field: 'id', expected: 'a new incident id', actual: input.id });
  await db.insertInto('incidents').values({ id: input.id, name: input.name, status: 'declared', spec: JSON.stringify(input), declared_at: now, updated_at: now }).execute();
  for (const a of input.areas) {
    await db.insertInto('incident_areas').values({ incident_id: input.id, area_id: a.id, level: a.level, input: JSON.stringify(a) }).execute();
  }
  return requireIncident(db, input.id);
}

export async function listIncidents(db: Db): Promise<Incident[]> {
  return (await db.selectFrom('incidents').selectAll().orderBy('declared_at', 'desc').orderBy('id').execute()).map(toIncident);
}

export async function requireIncident(db: Db, id: string, lock = false): Promise<Incident> {
  let q = db.selectFrom('incidents').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `no incident ${id}`, field: 'id', expected: 'an existing incident id', actual: id });
  return toIncident(r);
}

export async function setIncidentStatus(db: Db, id: string, status: IncidentStatus, now: Date): Promise<void> {
  const patch: Record<string, unknown> = { status, updated_at: now };
  if (status === 'applied') patch.applied_at = now;
  if (status === 'lifted') patch.lifted_at = now;
  if (status === 'discarded') patch.discarded_at = now;
  await db.updateTable('incidents').set(patch).where('id', '=', id).execute();
}

export async function createPlan(db: Db, incidentId: string, kind: 'response' | 'lift', summary: unknown, parts: Array<{ part: string; content: unknown }>, now: Date): Promise<ResponsePlan> {
  await db.updateTable('response_plans').set({ status: 'superseded' }).where('incident_id', '=', incidentId).where('kind', '=', kind).where('status', 'in', ['draft', 'failed']).execute();
  const id = randomUUID();
  await db.insertInto('response_plans').values({ id, incident_id: incidentId, kind, status: 'draft', summary: JSON.stringify(summary), created_at: now }).execute();
  for (const [k, p] of parts.entries()) {
    await db.insertInto('response_plan_parts').values({ plan_id: id, part: p.part, position: k, content: JSON.stringify(p.content), edited: false, updated_at: now }).execute();
  }
  return requirePlan(db, id);
}

export async function requirePlan(db: Db, id: string): Promise<ResponsePlan> {
  const r = await db.selectFrom('response_plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `no response plan ${id}`, field: 'planId', expected: 'an existing plan id', actual: id });
  const parts = await db.selectFrom('response_plan_parts').selectAll().where('plan_id', '=', id).orderBy('position').execute();
  const steps = await db.selectFrom('incident_applied_steps').selectAll().where('plan_id', '=', id).orderBy('position').execute();
  return {
    id: r.id, incidentId: r.incident_id, kind: r.kind, status: r.status, summary: j(r.summary), createdAt: iso(r.created_at)!, appliedAt: iso(r.applied_at),
    parts: parts.map((p: any) => ({ part: p.part, position: p.position, content: j(p.content), edited: p.edited, updatedAt: iso(p.updated_at)! })),
    steps: steps.map((s: any) => ({ position: s.position, step: s.step, status: s.status, result: j(s.result), error: s.error, at: iso(s.at)! })),
  };
}

/** The newest plan of a kind (draft or applied), or null. */
export async function latestPlan(db: Db, incidentId: string, kind: 'response' | 'lift' = 'response'): Promise<ResponsePlan | null> {
  const r = await db.selectFrom('response_plans').select('id').where('incident_id', '=', incidentId).where('kind', '=', kind).where('status', '!=', 'superseded').orderBy('created_at', 'desc').executeTakeFirst();
  return r ? requirePlan(db, r.id) : null;
}

export async function editPart(db: Db, planId: string, part: string, content: unknown, now: Date): Promise<ResponsePlan> {
  const plan = await requirePlan(db, planId);
  if (plan.status !== 'draft') fail({ code: 'conflict', message: `plan ${planId} is ${plan.status}; only a draft can be edited`, field: 'planId', expected: 'a draft plan', actual: plan.status });
  if (!plan.parts.some((p) => p.part === part)) fail({ code: 'not_found', message: `plan has no part ${part}`, field: 'part', expected: plan.parts.map((p) => p.part).join(' | '), actual: part });
  await db.updateTable('response_plan_parts').set({ content: JSON.stringify(content), edited: true, updated_at: now }).where('plan_id', '=', planId).where('part', '=', part).execute();
  return requirePlan(db, planId);
}

export async function setPlanStatus(db: Db, planId: string, status: ResponsePlan['status'], now: Date): Promise<void> {
  await db.updateTable('response_plans').set({ status, applied_at: status === 'applied' ? now : null }).where('id', '=', planId).execute();
}

export async function recordStep(db: Db, planId: string, position: number, step: string, status: string, result: unknown, error: string | null, now: Date): Promise<void> {
  await db.deleteFrom('incident_applied_steps').where('plan_id', '=', planId).where('position', '=', position).execute();
  await db.insertInto('incident_applied_steps').values({ plan_id: planId, position, step, status, result: JSON.stringify(result ?? null), error, at: now }).execute();
}

/** Forgets the recorded steps of a plan (before it is applied again after a failed, undone apply). */
export async function clearSteps(db: Db, planId: string): Promise<void> {
  await db.deleteFrom('incident_applied_steps').where('plan_id', '=', planId).execute();
}

export async function saveReconciliation(db: Db, incidentId: string, day: string, lines: Array<{ nodeId: string; differences: unknown[] } & Record<string, unknown>>, now: Date): Promise<void> {
  await db.deleteFrom('incident_reconciliations').where('incident_id', '=', incidentId).where('day', '=', day).execute();
  for (const l of lines) {
    await db.insertInto('incident_reconciliations').values({ incident_id: incidentId, day, node_id: l.nodeId, figures: JSON.stringify(l), differences: l.differences.length, created_at: now }).execute();
  }
}

/** Rewrites the stored spec (e.g. the areas' new end), keeping the incident's status. */
export async function updateSpec(db: Db, id: string, spec: IncidentInput, now: Date): Promise<void> {
  await db.updateTable('incidents').set({ spec: JSON.stringify(spec), updated_at: now }).where('id', '=', id).execute();
  for (const a of spec.areas) await db.updateTable('incident_areas').set({ input: JSON.stringify(a) }).where('incident_id', '=', id).where('area_id', '=', a.id).execute();
}

/** Every plan of an incident, newest first (superseded ones included), for the timeline. */
export async function listPlans(db: Db, incidentId: string): Promise<Array<{ id: string; kind: string; status: string; createdAt: string; appliedAt: string | null; edits: Array<{ part: string; at: string }> }>> {
  const rows = await db.selectFrom('response_plans').selectAll().where('incident_id', '=', incidentId).orderBy('created_at', 'desc').execute();
  const out = [];
  for (const r of rows as any[]) {
    const parts = await db.selectFrom('response_plan_parts').select(['part', 'updated_at']).where('plan_id', '=', r.id).where('edited', '=', true).execute();
    out.push({ id: r.id, kind: r.kind, status: r.status, createdAt: iso(r.created_at)!, appliedAt: iso(r.applied_at), edits: parts.map((p: any) => ({ part: p.part, at: iso(p.updated_at)! })) });
  }
  return out;
}
