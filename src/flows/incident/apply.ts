import { DomainException, fail, unwrap } from '../../domain/shared/result.ts';
import { type NodeInput } from '../../domain/network/model.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import * as orders from '../../store/orders.ts';
import { daySlots, localDay } from '../../domain/orders/slots.ts';
import { applyRoster, undoRoster, type RosterStepResult } from '../incident-staffing.ts';
import { areaInput, emergencyNode, type Db, type FlowDeps } from './common.ts';
import { runSteps, type Step } from '../workflow.ts';

/** Applying the drafted plan as steps, each with a compensation (see ../workflow.ts). */

/** Opens a node's delivery slots (the orders context's default day template) on the days from `fromIso` that have none and are not over. */
async function openSlots(db: Db, nodeId: string, dailyOrderCapacity: number, fromIso: string, days: number, now: Date): Promise<string[]> {
  if (dailyOrderCapacity <= 0) return [];
  const have = new Set((await orders.slotViews(db, { nodeId })).slots.map((x) => x.serviceDay));
  const today = localDay(now.getTime());
  const opened: string[] = [];
  for (let d = 0; d < days; d++) {
    const day = localDay(Date.parse(fromIso) + d * 86_400_000 + 12 * 3_600_000);
    if (day < today || have.has(day) || opened.includes(day)) continue;
    const s = unwrap(daySlots(nodeId, day, dailyOrderCapacity));
    await orders.upsertDay(db, s.slots, s.window);
    opened.push(day);
  }
  return opened;
}

/** Applies the current draft plan. `failAtStep` (a drill) makes that step fail after its work, to rehearse the compensations. */
export async function applyResponsePlan(deps: FlowDeps, incidentId: string, options: { failAtStep?: string } = {}) {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  const plan = await store.latestPlan(db, incidentId, 'response');
  if (!plan || (plan.status !== 'draft' && plan.status !== 'failed')) fail({ code: 'conflict', message: `incident ${incidentId} has no draft response plan to apply`, field: 'id', expected: 'a drafted plan (POST /api/incidents/:id/plan), or one whose apply failed and was undone', actual: plan?.status ?? 'none' });
  // A plan whose apply failed was undone step by step; it can be applied again once the cause is
  // fixed, unless an undo itself failed (then someone must look first, and draft again).
  const stuck = plan.steps.find((x) => x.status === 'compensation_failed');
  if (plan.status === 'failed' && stuck) fail({ code: 'conflict', message: `the last apply of plan ${plan.id} could not undo step ${stuck.step} (${stuck.error}); check it by hand, then draft the plan again`, field: 'id', expected: 'a plan whose failed apply was fully undone', actual: stuck.step });
  const retry = plan.status === 'failed' ? `-${deps.now().getTime().toString(36)}` : '';
  if (retry) await store.clearSteps(db, plan.id);
  const part = (name: string) => plan.parts.find((p) => p.part === name)?.content;
  const now = deps.now();
  const drill = (name: string) => {
    if (options.failAtStep === name) throw new Error(`drill: step ${name} failed on purpose`);
  };
  const steps: Step[] = [];
  const ew = part('emergency_warehouse')?.node as NodeInput | null;
  if (ew) {
    steps.push({
      name: 'emergency_warehouse',
      run: async (trx) => {
        // A node left closed by an earlier, undone apply is reopened rather than created again.
        const existing = await network.getNode(trx, ew.id);
        if (existing && existing.status === 'open') fail({ code: 'conflict', message: `node ${ew.id} already exists and trades`, field: 'emergency_warehouse.node.id', expected: 'a new node id', actual: ew.id });
        if (existing) await network.setNodeStatus(trx, ew.id, 'open', `incident ${incidentId}: emergency warehouse opened`, now);
        else await network.createNode(trx, ew, now);
        // Delivery slots for the roster's days that have none yet (the staffing step then sizes
        // them from the people rostered there); a new node would otherwise take no orders.
        const slotDays = await openSlots(trx, ew.id, ew.dailyOrderCapacity ?? 0, part('staffing')?.roster?.startsAt ?? now.toISOString(), part('staffing')?.days ?? 3, now);
        drill('emergency_warehouse');
        return { nodeId: ew.id, slotDays };
      },
      compensate: async (trx, r) => {
        // Suspended, not closed: a closed node is gone for good, and a later apply reopens this one.
        await network.setNodeStatus(trx, (r as { nodeId: string }).nodeId, 'suspended', `incident ${incidentId}: apply undone`, deps.now());
      },
    });
  }
  steps.push({
    name: 'control_areas',
    run: async (trx) => {
      const ids: string[] = [];
      // One set of area ids per plan, so a plan drafted again after an undone apply can declare them anew.
      for (const a of inc.spec.areas) {
        const id = `${a.id}.${plan.id.slice(0, 8)}${retry}`;
        await zones.declareControlArea(trx, { ...areaInput(a), id }, now, `incident:${incidentId}`);
        ids.push(id);
      }
      drill('control_areas');
      return { areaIds: ids };
    },
    compensate: async (trx, r) => {
      for (const id of (r as { areaIds: string[] }).areaIds) await zones.liftControlArea(trx, id, deps.now(), `incident:${incidentId}`);
    },
  });
  steps.push({
    name: 'zones',
    run: async (trx) => {
      if ((await zones.listZones(trx)).length === 0) return { reassignmentId: null };
      const r = await zones.planZoneReassignment(trx, { scope: 'affected' }, { solver: deps.solver }, now, `incident:${incidentId}`);
      await zones.applyReassignment(trx, r.id, now, `incident:${incidentId}`);
      drill('zones');
      return { reassignmentId: r.id, changes: r.proposal.changes.length };
    },
    compensate: async (trx, r) => {
      const id = (r as { reassignmentId: string | null }).reassignmentId;
      if (id) await zones.revertReassignment(trx, id, deps.now(), `incident:${incidentId}`);
    },
  });
  steps.push({
    name: 'staffing',
    // The roster becomes the applied staffing plan; its nodes' slots get the capacity it gives.
    run: async (trx) => {
      const r = await applyRoster(trx, part('staffing')?.roster, now);
      drill('staffing');
      return r;
    },
    compensate: async (trx, r) => undoRoster(trx, r as RosterStepResult),
  });
  const sourcingId = part('sourcing')?.planId as string | null;
  steps.push({
    name: 'sourcing',
    // Last on purpose: its documents (transfer orders, purchase orders) are the one
    // step without an automatic undo, so nothing after it can fail.
    run: async (trx) => {
      drill('sourcing');
      if (!sourcingId) return { planId: null };
      const p = await planning.applyPlan(trx, sourcingId, now);
      return { planId: p.id, documents: p.documents.length };
    },
    compensate: async () => {},
  });
  const outcome = await runSteps(db, steps, (pos, name, status, result, error) => store.recordStep(db, plan.id, pos, name, status, result, error, deps.now()));
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

