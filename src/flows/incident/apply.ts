/**
 * Applying the reviewed plan as a workflow (../workflow.ts): each part is a step with a real
 * compensation, executed exactly as the plan's parts say (edits included), never planned again.
 * Each step's record is written in its own transaction, so an apply stopped midway (a crash) is
 * resumed by applying again, or rolled back by `undoApply`.
 */
import { DomainException, fail, unwrap, addDays, operatingDay } from '../../domain/shared/index.ts';
import type { NodeInput } from '../../domain/network/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as zoneFlows from '../zone-node-status.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import * as orders from '../../store/orders.ts';
import { daySlots } from '../../domain/orders/index.ts';
import { draftTime, partContent, REPLAY_AFTER_DAYS, type AssortmentTuple, type PlanPartName } from '../../domain/incidents/index.ts';
import { applyRoster, undoRoster, storedRoster } from '../incident-staffing.ts';
import { appliedStepResult, applyStep, areaInput, planFingerprint, type Db, type FlowDeps } from './common.ts';
import { runWorkflow, undoWorkflow, type Journal, type RunOptions, type Step } from '../workflow.ts';
import { zoneSlotsStep } from './steps-slots.ts';
import { scheduledStatusesStep } from './steps-status.ts';
import { emergencyDemandStep, emergencySourcingStep } from './steps-emergency.ts';
import { applySourcingAsLoads } from './loads.ts';
import { tripsStep } from './steps-trips.ts';
import { handBackStep } from './steps-hand-back.ts';
import { zonesPartProposal } from './zones-part.ts';
import { unapplySourcingPlanIn } from '../plan-apply.ts';

/** Opens a node's delivery slots (the orders context's default day template) on the operating days from `fromIso` that have none and are not over. */
async function openSlots(db: Db, nodeId: string, dailyOrderCapacity: number, fromIso: string, days: number, now: Date): Promise<string[]> {
  if (dailyOrderCapacity <= 0) return [];
  const have = new Set((await orders.slotViews(db, { nodeId })).slots.map((x) => x.serviceDay));
  const today = operatingDay(now.getTime());
  const first = operatingDay(Date.parse(fromIso));
  const opened: string[] = [];
  for (let d = 0; d < days; d++) {
    const day = addDays(first, d);
    if (day < today || have.has(day) || opened.includes(day)) continue;
    const s = unwrap(daySlots(nodeId, day, dailyOrderCapacity));
    await orders.upsertDay(db, s.slots, s.window);
    opened.push(day);
  }
  return opened;
}

export { zonesPartProposal, type NodeChange } from './zones-part.ts';

/** The assortment rows of the tuples the targets part and the step journals keep. */
export const assortmentRows = (lines: readonly AssortmentTuple[]): planning.AssortmentRow[] =>
  lines.map(([itemId, tier, category, reason, keyReason, dailyDemandUnits, categoryRank]) => ({ itemId, tier, category, reason, keyReason, dailyDemandUnits, categoryRank }));
/** An assortment row as the step journals keep it. */
export const assortmentLine = (r: planning.AssortmentRow): AssortmentTuple => [r.itemId, r.tier, r.category, r.reason, r.keyReason, r.dailyDemandUnits, r.categoryRank];

/** The steps of a plan's apply, built from its parts (the same steps on a resume and on an undo). */
async function applySteps(deps: FlowDeps, plan: store.ResponsePlan, inc: store.Incident, attempt: number, options: { failAtStep?: string }): Promise<Step[]> {
  const incidentId = inc.id;
  const part = <K extends PlanPartName>(name: K) => partContent(plan.parts, name);
  const now = deps.now();
  const actor = `incident:${incidentId}`;
  const drill = (name: string) => {
    if (options.failAtStep === name) throw new Error(`drill: step ${name} failed on purpose`);
  };
  const steps: Step[] = [];
  const ew = part('emergency_warehouse')?.node as NodeInput | null;
  if (ew) {
    steps.push(applyStep('emergency_warehouse', {
      run: async (trx) => {
        // A node left suspended by an earlier, undone apply is reopened rather than created again.
        const existing = await network.getNode(trx, ew.id);
        if (existing && existing.status === 'open') fail({ code: 'conflict', message: `node ${ew.id} already exists and trades`, field: 'emergency_warehouse.node.id', expected: 'a new node id', actual: ew.id });
        if (existing) await network.setNodeStatus(trx, ew.id, 'open', { code: 'incident_ew_opened', params: { incidentId, incidentName: inc.name } }, now);
        else await network.createNode(trx, ew, now, { code: 'incident_ew_opened', params: { incidentId, incidentName: inc.name } });
        // Delivery slots for the roster's days that have none yet (the staffing step then sizes
        // them from the people rostered there); a new node would otherwise take no orders.
        const slotDays = await openSlots(trx, ew.id, ew.dailyOrderCapacity ?? 0, part('staffing')?.roster?.startsAt ?? now.toISOString(), part('staffing')?.days ?? 3, now);
        drill('emergency_warehouse');
        return { nodeId: ew.id, created: !existing, slotDays };
      },
      compensate: async (trx, r) => {
        // Suspended, not closed: a closed node is gone for good, and a later apply reopens this one.
        await network.setNodeStatus(trx, r.nodeId, 'suspended', { code: 'incident_apply_undone', params: { incidentId, incidentName: inc.name } }, deps.now());
      },
    }));
  }
  steps.push(applyStep('control_areas', {
    run: async (trx) => {
      const ids: string[] = [];
      // One set of area ids per plan and attempt, so an apply after an undone one declares them anew.
      for (const a of inc.spec.areas) {
        const id = `${a.id}.${plan.id.slice(0, 8)}${attempt > 1 ? `-${attempt}` : ''}`;
        await zoneFlows.declareControlArea(trx, { ...areaInput(a), id }, now, actor);
        ids.push(id);
      }
      drill('control_areas');
      return { areaIds: ids };
    },
    compensate: async (trx, r) => {
      for (const id of r.areaIds) await zoneFlows.liftControlArea(trx, id, deps.now(), actor);
    },
  }));
  steps.push(scheduledStatusesStep(part('node_status')?.changes ?? [], now, `incident:${incidentId}`));
  const proposal = zonesPartProposal(part('zones'));
  steps.push(applyStep('zones', {
    // Exactly the reviewed part: its zone changes and node changes (radius, capacity), no planner.
    run: async (trx) => {
      if (proposal.changes.length === 0 && proposal.overrides.length === 0) return { reassignmentId: null, changes: 0, nodeChanges: 0 };
      const nodes = new Set((await network.listNodes(trx)).map((n) => n.id));
      for (const [i, c] of proposal.changes.entries()) {
        for (const id of [c.newNodeId, c.newSplit?.nodeId].filter((x): x is string => !!x)) {
          if (!nodes.has(id)) fail({ code: 'validation_failed', message: `zone ${c.zoneId} is moved to node ${id}, which does not exist`, field: `zones.changes.${i}.newNodeId`, expected: 'an existing node id', actual: id });
        }
      }
      const r = await zones.recordReviewedReassignment(trx, proposal, now, actor);
      await zoneFlows.applyReassignment(trx, r.id, now, actor);
      drill('zones');
      return { reassignmentId: r.id, changes: proposal.changes.length, nodeChanges: proposal.overrides.length };
    },
    compensate: async (trx, r) => {
      if (r.reassignmentId) await zoneFlows.revertReassignment(trx, r.reassignmentId, deps.now(), actor);
    },
  }));
  // The zones a store reopening online-only takes back, scheduled at its reopening (the tick runs it).
  steps.push(handBackStep(part('zones'), deps.now, actor, { fromIso: part('staffing')?.roster?.startsAt ?? now.toISOString(), days: part('staffing')?.days ?? 3 }));
  steps.push(zoneSlotsStep(part('staffing')?.roster?.startsAt ?? now.toISOString(), part('staffing')?.days ?? 3, now));
  if (ew) steps.push(emergencyDemandStep(ew.id));
  steps.push(applyStep('staffing', {
    // The roster becomes the applied staffing plan; its nodes' slots get the capacity it gives.
    run: async (trx) => {
      const r = await applyRoster(trx, storedRoster(part('staffing')), now);
      drill('staffing');
      return r;
    },
    compensate: async (trx, r) => undoRoster(trx, r),
  }));
  // An assortment size chosen for this plan (the targets part re-run): put that assortment in
  // force, keeping the one before so an undo puts it back.
  const chosenAssortment = part('targets')?.assortment?.lines as AssortmentTuple[] | undefined;
  if (chosenAssortment) {
    steps.push(applyStep('assortment', {
      run: async (trx) => {
        const before = await planning.currentAssortment(trx);
        await planning.saveAssortment(trx, assortmentRows(chosenAssortment), now);
        drill('assortment');
        return { items: chosenAssortment.length, before: before.map(assortmentLine) };
      },
      compensate: async (trx, r) => {
        await planning.saveAssortment(trx, assortmentRows(r.before), deps.now());
      },
    }));
  }
  const sourcingId = part('sourcing')?.planId as string | null;
  steps.push(applyStep('sourcing', {
    // The sourcing plan's documents (transfer orders with their holds, one per vehicle-sized load
    // of one temperature class; purchase orders; diversions); undone by cancelling them while none
    // has moved on.
    run: async (trx) => {
      if (!sourcingId) {
        drill('sourcing');
        return { planId: null };
      }
      const p = await applySourcingAsLoads(trx, sourcingId, now);
      drill('sourcing');
      return { planId: p.id, documents: p.documents.length };
    },
    compensate: async (trx, r) => {
      if (r.planId) await unapplySourcingPlanIn(trx, r.planId, deps.now());
    },
  }));
  if (ew) steps.push(emergencySourcingStep(ew.id, deps.solver, part('targets')?.multipliers ?? inc.spec.multipliers, now));
  // The first 24 hours of trips for the loads the sourcing steps created (their plans, from the journal).
  const planId = plan.id;
  const trips = tripsStep(async (db) => {
    const recorded = await store.requirePlan(db, planId);
    return [appliedStepResult(recorded, 'sourcing')?.planId, appliedStepResult(recorded, 'emergency_sourcing')?.planId].filter((x): x is string => !!x);
  }, now, { solve: deps.routing });
  steps.push(applyStep('trips', {
    ...trips,
    run: async (trx, prepared) => {
      const r = await trips.run(trx, prepared);
      drill('trips');
      return r;
    },
  }));
  return steps;
}

/** A plan's step records (`incident_applied_steps`) as the workflow's journal: the apply's, and the lift plan's for the lift. */
export const journalOf = (planId: string, deps: FlowDeps): Journal => ({
  load: async (db) => (await store.requirePlan(db, planId)).steps.map((s) => ({ position: s.position, step: s.step, status: s.status, result: s.result })),
  record: (trx, position, name, status, result, error) => store.recordStep(trx, planId, position, name, status, result, error, deps.now()),
});

export interface ApplyOptions extends RunOptions {
  /** A drill: that step fails after its work, to rehearse the compensations. */
  failAtStep?: string;
  /** Apply although the plan changed since its last simulation: the stated reason is kept with the plan. */
  override?: { reason: string };
}

/**
 * Applies the current plan: a draft, one whose apply failed or was undone, or one stopped midway
 * (status `applying`: the steps recorded applied are skipped, the rest run). A plan whose parts
 * changed since its last simulation is refused unless an override states why.
 */
export async function applyResponsePlan(deps: FlowDeps, incidentId: string, options: ApplyOptions = {}) {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  let plan = await store.latestPlan(db, incidentId, 'response');
  const applicable = ['draft', 'failed', 'undone', 'applying'];
  if (!plan || !applicable.includes(plan.status)) fail({ code: 'conflict', message: `incident ${incidentId} has no draft response plan to apply`, field: 'id', expected: 'a drafted plan (POST /api/incidents/:id/plan), one whose apply failed or was undone, or one stopped midway', actual: plan?.status ?? 'none' });
  // A plan whose apply failed was undone step by step; it can be applied again once the cause is
  // fixed, unless an undo itself failed (then someone must look first, and draft again).
  // A replay (a past incident declared long after it happened, e.g. the demo on its 2022 dates) is
  // drafted in its own timeline for review and simulation: its roster, slots and trips fall on past
  // dates, so applying it today would change today's network for a crisis that is over.
  const time = draftTime(inc.spec.areas, Date.parse(inc.declaredAt), deps.now().getTime());
  if (plan.status !== 'applying' && time.replay) {
    const startsAt = new Date(time.startMs).toISOString();
    fail({
      code: 'conflict',
      message: `incident ${incidentId} started on ${startsAt} and was declared on ${inc.declaredAt}, more than ${REPLAY_AFTER_DAYS} days later: it is a replay, whose plan can be reviewed and simulated but not applied to today's network; to run it live, declare it on today's dates (baogong incidents declare-demo --today, or areas[].startsAt)`,
      field: 'id', expected: `an incident declared within ${REPLAY_AFTER_DAYS} days of its start`, actual: `started ${startsAt}, declared ${inc.declaredAt}`,
      details: { messageCode: 'incident.replay_not_applicable', params: { startsAt, declaredAt: inc.declaredAt } },
    });
  }
  const stuck = plan.steps.find((x) => x.status === 'compensation_failed');
  if (plan.status === 'failed' && stuck) fail({ code: 'conflict', message: `the last apply of plan ${plan.id} could not undo step ${stuck.step} (${stuck.error}); check it by hand, then draft the plan again`, field: 'id', expected: 'a plan whose failed apply was fully undone', actual: stuck.step });
  let attempt: number;
  if (plan.status === 'applying') {
    attempt = await store.applyAttempt(db, plan.id);
  } else {
    const mark = await store.simulationMark(db, plan.id);
    const fingerprint = planFingerprint(plan.parts);
    const reason = options.override?.reason?.trim();
    // What is applied must be what was reviewed: a plan never simulated, or edited since, is
    // refused unless the override says why (the reason is kept with the plan).
    if (mark.fingerprint !== fingerprint && !reason) {
      const never = mark.fingerprint === null;
      fail({
        code: 'plan_not_simulated',
        message: never
          ? `plan ${plan.id} was never simulated; simulate it (POST /api/incidents/${incidentId}/simulate, baogong incidents simulate ${incidentId}) or apply with an override stating why (--override "reason")`
          : `plan ${plan.id} changed since its last simulation (${mark.at}); simulate it again (POST /api/incidents/${incidentId}/simulate, baogong incidents simulate ${incidentId}) or apply with an override stating why (--override "reason")`,
        field: 'override', expected: 'a simulation of the plan as it is now, or {"override": {"reason": "..."}}', actual: never ? 'plan never simulated' : 'plan changed since simulated',
        details: { messageCode: never ? 'incident.plan_never_simulated' : 'incident.plan_changed_since_simulated', params: { planId: plan.id, simulatedAt: mark.at ?? '' } },
      });
    }
    if (plan.status !== 'draft') await store.clearSteps(db, plan.id);
    attempt = await store.beginApply(db, plan.id, reason ?? null);
    plan = await store.requirePlan(db, plan.id);
  }
  const steps = await applySteps(deps, plan, inc, attempt, options);
  const outcome = await runWorkflow(db, steps, journalOf(plan.id, deps), options);
  const now = deps.now();
  await db.transaction().execute(async (trx) => {
    await store.setPlanStatus(trx, plan.id, outcome.ok ? 'applied' : 'failed', now);
    if (outcome.ok) await store.setIncidentStatus(trx, incidentId, 'applied', now);
  });
  if (!outcome.ok) {
    const e = outcome.error;
    const msg = (e as Error).message;
    fail({ code: e instanceof DomainException ? e.error.code : 'conflict', message: `applying the plan failed at step ${outcome.steps.find((s) => s.status === 'failed')?.name}: ${msg}; the steps already applied were undone`, details: { steps: outcome.steps } });
  }
  return store.requirePlan(db, plan.id);
}

/**
 * Rolls back an apply stopped midway (status `applying`, e.g. after a crash) or a failed one
 * whose compensations did not all succeed: every step recorded applied is compensated in reverse
 * order. The plan becomes `undone` (it can be applied again) or stays `failed` naming the step.
 */
export async function undoApply(deps: FlowDeps, incidentId: string) {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  const plan = await store.latestPlan(db, incidentId, 'response');
  if (!plan || (plan.status !== 'applying' && plan.status !== 'failed')) fail({ code: 'conflict', message: `incident ${incidentId} has no apply to undo (an applied plan is lifted instead)`, field: 'id', expected: 'a plan stopped midway (applying) or failed', actual: plan?.status ?? 'none' });
  const steps = await applySteps(deps, plan, inc, await store.applyAttempt(db, plan.id), {});
  const outcome = await undoWorkflow(db, steps, journalOf(plan.id, deps));
  await store.setPlanStatus(db, plan.id, outcome.ok ? 'undone' : 'failed', deps.now());
  if (!outcome.ok) fail({ code: 'conflict', message: `undoing the apply of plan ${plan.id} failed: ${outcome.steps.filter((s) => s.status === 'compensation_failed').map((s) => `${s.name} (${s.error})`).join('; ')}`, details: { steps: outcome.steps } });
  return store.requirePlan(db, plan.id);
}
