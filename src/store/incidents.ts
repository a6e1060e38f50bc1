/**
 * The incident context's storage: incidents, their areas, response plans with
 * parts, applied steps and reconciliations. Other contexts are reached through
 * their own store functions (see src/flows/incident-*.ts), never their tables.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { fail } from '../domain/shared/index.ts';
import type { IncidentInput, PlanPartEntry, PlanPartName, PlanSummary } from '../domain/incidents/index.ts';
import type { DB, IncidentsTable } from './tables.ts';

type Db = Kysely<DB>;
const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);

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

/** A part as the plan holds it: its name, its content typed by the part's schema (src/domain/incidents/parts.ts), and its review state. */
export type PlanPartView = PlanPartEntry & {
  position: number;
  edited: boolean;
  updatedAt: string;
};

export interface ResponsePlan {
  id: string;
  incidentId: string;
  kind: 'response' | 'lift';
  status: 'draft' | 'applying' | 'applied' | 'failed' | 'superseded' | 'undone';
  summary: PlanSummary | Record<string, unknown>;
  createdAt: string;
  appliedAt: string | null;
  parts: PlanPartView[];
  steps: Array<{ position: number; step: string; status: string; result: unknown; error: string | null; at: string }>;
}

const toIncident = (r: Selectable<IncidentsTable>): Incident => ({ id: r.id, name: r.name, status: r.status as IncidentStatus, spec: j(r.spec), declaredAt: iso(r.declared_at)!, appliedAt: iso(r.applied_at), liftedAt: iso(r.lifted_at), discardedAt: iso(r.discarded_at) });

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
  const patch: Updateable<IncidentsTable> = { status, updated_at: now };
  if (status === 'applied') patch.applied_at = now;
  if (status === 'lifted') patch.lifted_at = now;
  if (status === 'discarded') patch.discarded_at = now;
  await db.updateTable('incidents').set(patch).where('id', '=', id).execute();
}

export async function createPlan(db: Db, incidentId: string, kind: 'response' | 'lift', summary: unknown, parts: PlanPartEntry[], now: Date): Promise<ResponsePlan> {
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
    id: r.id, incidentId: r.incident_id, kind: r.kind as ResponsePlan['kind'], status: r.status as ResponsePlan['status'], summary: j(r.summary), createdAt: iso(r.created_at)!, appliedAt: iso(r.applied_at),
    // Parts are written by the draft, a re-run or the lift, or edited through their schema (the route checks it).
    parts: parts.map((p) => ({ part: p.part as PlanPartName, position: p.position, content: j(p.content), edited: p.edited, updatedAt: iso(p.updated_at)! })),
    steps: steps.map((s) => ({ position: s.position, step: s.step, status: s.status, result: j(s.result), error: s.error, at: iso(s.at)! })),
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

/** Replaces some figures of a plan's summary (after one part was re-run), keeping the others. */
export async function patchPlanSummary(db: Db, planId: string, patch: Record<string, unknown>): Promise<void> {
  const plan = await requirePlan(db, planId);
  await db.updateTable('response_plans').set({ summary: JSON.stringify({ ...plan.summary, ...patch }) }).where('id', '=', planId).execute();
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
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = lines.slice(i, i + 500);
    if (chunk.length) await db.insertInto('incident_reconciliations').values(chunk.map((l) => ({ incident_id: incidentId, day, node_id: l.nodeId, figures: JSON.stringify(l), differences: l.differences.length, created_at: now }))).execute();
  }
}

/** The stored reconciliation of a day (empty when it never ran): the lines as `saveReconciliation` stored them. */
export async function reconciliationOf(db: Db, incidentId: string, day: string): Promise<unknown[]> {
  const rows = await db.selectFrom('incident_reconciliations').select(['figures']).where('incident_id', '=', incidentId).where('day', '=', day).orderBy('node_id').execute();
  return rows.map((r) => j(r.figures));
}

export interface ReconciliationRun {
  id: string;
  incidentId: string;
  day: string;
  trigger: 'nightly' | 'on_demand';
  status: 'ok' | 'failed';
  error: string | null;
  movements: number;
  lines: number;
  differences: number;
  startedAt: string;
  finishedAt: string;
}

/** Records one reconciliation run, a failure included (what failed and why). */
export async function recordReconciliationRun(db: Db, run: Omit<ReconciliationRun, 'id'>): Promise<ReconciliationRun> {
  const id = randomUUID();
  await db.insertInto('incident_reconciliation_runs').values({
    id, incident_id: run.incidentId, day: run.day, trigger: run.trigger, status: run.status, error: run.error, movements: run.movements, lines: run.lines, differences: run.differences, started_at: new Date(run.startedAt), finished_at: new Date(run.finishedAt),
  }).execute();
  return { id, ...run };
}

/** The reconciliation runs, newest first (optionally of one incident and day). */
export async function reconciliationRuns(db: Db, filter: { incidentId?: string; day?: string; limit?: number } = {}): Promise<ReconciliationRun[]> {
  let q = db.selectFrom('incident_reconciliation_runs').selectAll().select(sql<string>`day::text`.as('day_text'));
  if (filter.incidentId) q = q.where('incident_id', '=', filter.incidentId);
  if (filter.day) q = q.where('day', '=', filter.day);
  const rows = await q.orderBy('finished_at', 'desc').limit(filter.limit ?? 100).execute();
  return rows.map((r) => ({
    id: r.id, incidentId: r.incident_id, day: r.day_text, trigger: r.trigger as ReconciliationRun['trigger'], status: r.status as ReconciliationRun['status'], error: r.error, movements: Number(r.movements), lines: r.lines, differences: r.differences,
    startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at)!,
  }));
}

/** Remembers the fingerprint of the parts a simulation played (apply compares it with the plan's current parts). */
export async function markSimulated(db: Db, planId: string, fingerprint: string, now: Date): Promise<void> {
  await db.updateTable('response_plans').set({ simulated_fingerprint: fingerprint, simulated_at: now }).where('id', '=', planId).execute();
}

/** The fingerprint of the plan's last simulation, and the stated override of an apply without one. */
export async function simulationMark(db: Db, planId: string): Promise<{ fingerprint: string | null; at: string | null; override: string | null }> {
  const r = await db.selectFrom('response_plans').select(['simulated_fingerprint', 'simulated_at', 'apply_override']).where('id', '=', planId).executeTakeFirst();
  return { fingerprint: r?.simulated_fingerprint ?? null, at: iso(r?.simulated_at), override: r?.apply_override ?? null };
}

/** Starts an apply attempt: the plan becomes `applying`; returns the attempt number (1, 2, …). */
export async function beginApply(db: Db, planId: string, override: string | null): Promise<number> {
  // Conditional: of two applies started at once, one takes the plan and the other is refused.
  // (RETURNING, not the affected-row count, which the PGlite dialect does not report.)
  const r = await db.updateTable('response_plans').set((eb) => ({ status: 'applying', apply_attempt: eb('apply_attempt', '+', 1), apply_override: override }))
    .where('id', '=', planId).where('status', 'in', ['draft', 'failed', 'undone']).returning('apply_attempt').executeTakeFirst();
  if (!r) fail({ code: 'conflict', message: `plan ${planId} is being applied or was applied already`, field: 'id', expected: 'a draft, failed or undone plan', actual: 'applying or applied' });
  return Number(r.apply_attempt);
}

export async function applyAttempt(db: Db, planId: string): Promise<number> {
  const r = await db.selectFrom('response_plans').select('apply_attempt').where('id', '=', planId).executeTakeFirst();
  return Number(r?.apply_attempt ?? 0);
}

export async function setApplyOverride(db: Db, planId: string, reason: string): Promise<void> {
  await db.updateTable('response_plans').set({ apply_override: reason }).where('id', '=', planId).execute();
}

/** Incidents whose nightly reconciliation is due: applied, or lifted on or after `sinceDay`'s start. */
export async function incidentsToReconcile(db: Db, sinceMs: number): Promise<string[]> {
  const rows = await db.selectFrom('incidents').select('id').where((eb) => eb.or([eb('status', '=', 'applied'), eb.and([eb('status', '=', 'lifted'), eb('lifted_at', '>=', new Date(sinceMs))])])).orderBy('id').execute();
  return rows.map((r) => r.id);
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
  for (const r of rows) {
    const parts = await db.selectFrom('response_plan_parts').select(['part', 'updated_at']).where('plan_id', '=', r.id).where('edited', '=', true).execute();
    out.push({ id: r.id, kind: r.kind, status: r.status, createdAt: iso(r.created_at)!, appliedAt: iso(r.applied_at), edits: parts.map((p) => ({ part: p.part, at: iso(p.updated_at)! })) });
  }
  return out;
}
