/**
 * Managing an incident besides its main stages: discard one never applied, move its
 * areas' end, and read its timeline (recorded facts merged with the audit log).
 */
import { fail } from '../../domain/shared/index.ts';
import * as zones from '../../store/zones.ts';
import * as store from '../../store/incidents.ts';
import type { FlowDeps } from './common.ts';

/**
 * Discards an incident that was declared or drafted but never applied (or whose apply
 * failed and was fully undone): its plans are superseded and it leaves every live
 * list. Nothing on the network changes, because nothing was applied. An applied
 * incident is lifted instead (409 names the route); a plan whose undo failed must be
 * checked by hand first.
 */
export async function discardIncident(deps: FlowDeps, incidentId: string) {
  const { db } = deps;
  const now = deps.now();
  const inc = await store.requireIncident(db, incidentId, true);
  if (inc.status === 'applied') fail({ code: 'conflict', message: `incident ${incidentId} is applied; lift it instead (POST /api/incidents/${incidentId}/lift)`, field: 'id', expected: 'declared or planned', actual: inc.status, details: { messageCode: 'incident.discard_applied', params: {} } });
  if (inc.status === 'lifted' || inc.status === 'discarded') fail({ code: 'conflict', message: `incident ${incidentId} is already ${inc.status}`, field: 'id', expected: 'declared or planned', actual: inc.status, details: { messageCode: `incident.${inc.status}`, params: {} } });
  const plan = await store.latestPlan(db, incidentId, 'response');
  const stuck = plan?.steps.find((x) => x.status === 'compensation_failed');
  if (stuck) fail({ code: 'conflict', message: `the last apply could not undo step ${stuck.step} (${stuck.error}); check it by hand before discarding`, field: 'id', expected: 'no step left half undone', actual: stuck.step, details: { messageCode: 'incident.undo_failed', params: { step: stuck.step } } });
  // An apply stopped midway has steps in force: undo it first (POST …/apply/undo).
  if (plan?.status === 'applying') fail({ code: 'conflict', message: `the apply of plan ${plan.id} stopped midway; undo it (POST /api/incidents/${incidentId}/apply/undo) or resume it before discarding`, field: 'id', expected: 'no apply stopped midway', actual: 'applying', details: { messageCode: 'incident.apply_stopped', params: {} } });
  if (plan && plan.status !== 'applied') await store.setPlanStatus(db, plan.id, 'superseded', now);
  await store.setIncidentStatus(db, incidentId, 'discarded', now);
  return store.requireIncident(db, incidentId);
}

/**
 * Moves the end of the incident's control areas (all of them, or those named) to `endsAt`
 * (null: until lifted). Before apply only the spec changes (the draft is drafted from
 * it); once applied, the zones context's areas get the new end too, and its scheduler
 * ends them then.
 */
export async function extendIncident(deps: FlowDeps, incidentId: string, endsAt: string | null, areaIds?: string[]) {
  const { db } = deps;
  const now = deps.now();
  const inc = await store.requireIncident(db, incidentId, true);
  if (inc.status === 'lifted' || inc.status === 'discarded') fail({ code: 'conflict', message: `incident ${incidentId} is ${inc.status}`, field: 'id', expected: 'declared, planned or applied', actual: inc.status, details: { messageCode: `incident.${inc.status}`, params: {} } });
  if (endsAt !== null && Number.isNaN(Date.parse(endsAt))) fail({ code: 'validation_failed', message: `endsAt ${endsAt} is not a date-time`, field: 'endsAt', expected: 'an ISO date-time or null', actual: endsAt });
  const targets = areaIds && areaIds.length > 0 ? areaIds : inc.spec.areas.map((a) => a.id);
  for (const id of targets) if (!inc.spec.areas.some((a) => a.id === id)) fail({ code: 'not_found', message: `incident ${incidentId} has no area ${id}`, field: 'areaIds', expected: inc.spec.areas.map((a) => a.id).join(' | '), actual: id });
  for (const a of inc.spec.areas) if (targets.includes(a.id) && endsAt !== null && !(Date.parse(endsAt) > Math.max(now.getTime(), Date.parse(a.startsAt)))) {
    fail({ code: 'validation_failed', message: `endsAt ${endsAt} must be after now and after area ${a.id}'s start (${a.startsAt})`, field: 'endsAt', expected: `after ${new Date(Math.max(now.getTime(), Date.parse(a.startsAt))).toISOString()}`, actual: endsAt, details: { messageCode: 'incident.end_too_early', params: { area: a.name ?? a.id } } });
  }
  const spec = { ...inc.spec, areas: inc.spec.areas.map((a) => (targets.includes(a.id) ? { ...a, endsAt } : a)) };
  await store.updateSpec(db, incidentId, spec, now);
  const changed: Array<{ areaId: string; controlAreaId: string | null; endsAt: string | null }> = [];
  if (inc.status === 'applied') {
    const plan = await store.latestPlan(db, incidentId, 'response');
    const applied = (plan?.steps.find((x) => x.step === 'control_areas' && x.status === 'applied')?.result as { areaIds?: string[] } | undefined)?.areaIds ?? [];
    // The apply declared one control area per spec area, in the spec's order (ids get the plan's suffix).
    for (const id of targets) {
      const cid = applied[inc.spec.areas.findIndex((a) => a.id === id)] ?? null;
      if (cid) await zones.setControlAreaEnd(db, cid, endsAt, now, `incident:${incidentId}`);
      changed.push({ areaId: id, controlAreaId: cid, endsAt });
    }
  } else for (const id of targets) changed.push({ areaId: id, controlAreaId: null, endsAt });
  return { incident: await store.requireIncident(db, incidentId), areas: changed };
}

export interface TimelineEntry {
  at: string;
  /** A code the UI translates: declared, plan_drafted, part_edited, step_applied, step_failed, ..., request. */
  kind: string;
  params: Record<string, string | number | null>;
  /** Who, when the audit log knows (requests); null for recorded facts. */
  username: string | null;
}

/**
 * The incident's timeline: the facts it records (declared, each plan drafted, parts
 * edited, apply steps and their outcome, applied, lifted or discarded) merged with
 * the audit log's writes on its routes (who asked, with which answer). Oldest first.
 */
export async function incidentTimeline(deps: FlowDeps, incidentId: string, audit: Array<{ at: string; username: string; method: string; url: string; statusCode: number; reason: string }>): Promise<TimelineEntry[]> {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  const out: TimelineEntry[] = [{ at: inc.declaredAt, kind: 'declared', params: { areas: inc.spec.areas.length }, username: null }];
  for (const p of await store.listPlans(db, incidentId)) {
    out.push({ at: p.createdAt, kind: p.kind === 'lift' ? 'lift_plan' : 'plan_drafted', params: { planStatus: p.status }, username: null });
    for (const e of p.edits) out.push({ at: e.at, kind: 'part_edited', params: { part: e.part }, username: null });
    if (p.kind === 'response') {
      const full = await store.requirePlan(db, p.id);
      for (const st of full.steps) out.push({ at: st.at, kind: `step_${st.status}`, params: { step: st.step }, username: null });
    }
  }
  if (inc.appliedAt) out.push({ at: inc.appliedAt, kind: 'applied', params: {}, username: null });
  if (inc.liftedAt) out.push({ at: inc.liftedAt, kind: 'lifted', params: {}, username: null });
  if (inc.discardedAt) out.push({ at: inc.discardedAt, kind: 'discarded', params: {}, username: null });
  for (const a of audit) {
    const action = a.url.split('?')[0].replace(`/api/incidents/${encodeURIComponent(incidentId)}`, '').replace(/^\//, '') || 'declare';
    out.push({ at: a.at, kind: 'request', params: { method: a.method, action, status: a.statusCode, reason: a.reason || null }, username: a.username });
  }
  return out.sort((x, y) => x.at.localeCompare(y.at));
}
