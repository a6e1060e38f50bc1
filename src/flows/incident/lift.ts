/**
 * Lifting an applied incident: a workflow that undoes what its plan did, step by step, each with
 * a compensation.
 */
import { fail } from '../../domain/shared/index.ts';
import type { NodeStatus } from '../../domain/network/index.ts';
import { partContent, type ApplyStepName, type PlanPartName } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as zoneFlows from '../zone-node-status.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import { applyRoster, undoRoster, storedRoster } from '../incident-staffing.ts';
import { runWorkflow, type RunOptions, type Step } from '../workflow.ts';
import { appliedStepResult, areaInput, liftStep, type FlowDeps } from './common.ts';
import { endZoneSlots, zoneSlotsStep } from './steps-slots.ts';
import { cancelPlanStatuses, scheduledStatusesStep } from './steps-status.ts';
import { cancelOpenTrips } from './steps-trips.ts';
import { cancelHandBack, handBackStep } from './steps-hand-back.ts';
import * as trips from '../../store/trips.ts';
import { assortmentLine, assortmentRows, journalOf } from './apply.ts';
import { undoPlanDocuments } from '../plan-apply.ts';

/**
 * Lifting an applied incident as a workflow (../workflow.ts), undoing what its plan did: control
 * areas lifted, zones back, the roster ended, the emergency warehouse suspended with its surplus
 * listed for rebalancing, the trips not yet dispatched cancelled, the assortment in force before the apply put back, the sourcing documents undone. Each step has a compensation (a failed lift leaves the incident
 * applied, as it was); a lift stopped midway resumes when lifted again.
 */
export async function liftIncident(deps: FlowDeps, incidentId: string, options: RunOptions = {}) {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  if (inc.status !== 'applied') fail({ code: 'conflict', message: `incident ${incidentId} is ${inc.status}; only an applied incident can be lifted`, field: 'id', expected: 'applied', actual: inc.status });
  const applied = await store.latestPlan(db, incidentId, 'response');
  const stepResult = <K extends ApplyStepName>(name: K) => appliedStepResult(applied, name);
  const staffingRoster = storedRoster(partContent(applied?.parts, 'staffing'));
  const now = deps.now();
  const actor = `incident:${incidentId}`;

  const areaIds: string[] = stepResult('control_areas')?.areaIds ?? [];
  const rid = stepResult('zones')?.reassignmentId ?? undefined;
  const roster = stepResult('staffing');
  const ewId = stepResult('emergency_warehouse')?.nodeId;
  // The assortment in force before the apply put the plan's chosen one in force (apply's `assortment` step).
  const assortmentBefore = stepResult('assortment')?.before;

  // Resume a lift stopped midway, or start one: the lift plan lists what it will do.
  let plan = await store.latestPlan(db, incidentId, 'lift');
  if (!plan || plan.status !== 'applying') {
    let surplus: Array<{ itemId: string; surplusUnits: number }> = [];
    const notes: string[] = [];
    if (ewId) {
      try {
        surplus = (await planning.currentNetRequirements(db, { nodeId: ewId })).filter((r) => r.surplusUnits > 0 || r.onHand > 0).map((r) => ({ itemId: r.itemId, surplusUnits: Math.max(r.surplusUnits, r.onHand) }));
      } catch (e) {
        notes.push(`surplus unknown: ${(e as Error).message}`);
      }
    }
    const actions = [
      ...areaIds.map((id) => ({ action: 'lift_control_area', detail: { areaId: id } })),
      ...(stepResult('zone_hand_back')?.scheduled ?? []).map((h) => ({ action: 'hand_back_undone', detail: { reassignmentId: h.reassignmentId, nodeId: h.nodeId, zones: h.zones } })),
      ...(rid ? [{ action: 'zones_back', detail: { reassignmentId: rid } }] : []),
      ...(roster?.staffingPlanId ? [{ action: 'roster_back', detail: { staffingPlanId: roster.staffingPlanId, restoredPlans: roster.superseded, slots: roster.slotCapacity?.changes.length ?? 0 } }] : []),
      ...(assortmentBefore ? [{ action: 'assortment_back', detail: { items: assortmentBefore.length } }] : []),
      ...(ewId ? [{ action: 'emergency_warehouse_suspended', detail: { nodeId: ewId, itemsWithStock: surplus.length, units: surplus.reduce((a, s) => a + s.surplusUnits, 0) } }] : []),
    ];
    plan = await db.transaction().execute(async (trx) => {
      const p = await store.createPlan(trx, incidentId, 'lift', { actions: actions.length, surplusUnits: surplus.reduce((a, s) => a + s.surplusUnits, 0), notes }, [
        { part: 'actions', content: actions },
        { part: 'surplus_rebalance', content: { fromNodeId: ewId ?? null, lines: surplus, note: 'move with a sourcing plan (transfers) to the nodes short of these items' } },
      ], now);
      await store.beginApply(trx, p.id, null);
      return store.requirePlan(trx, p.id);
    });
  }
  const liftPlan = plan;

  const steps: Step[] = [];
  const partOf = <K extends PlanPartName>(name: K) => partContent(applied?.parts, name);
  const scheduled = stepResult('scheduled_statuses');
  if (scheduled?.scheduled?.length) {
    // First, so that lifting the areas then restores each node's status from before the incident.
    steps.push(liftStep('scheduled_statuses', {
      run: async (trx) => ({ cancelled: await cancelPlanStatuses(trx, scheduled, now, actor) }),
      // The plan's timed status changes (the online-only reopening) scheduled again.
      compensate: async (trx) => {
        await scheduledStatusesStep(partOf('node_status')?.changes ?? [], deps.now(), actor).run(trx);
      },
    }));
  }
  const handBack = stepResult('zone_hand_back');
  if (handBack?.scheduled?.length) {
    // Before the zones step: the zones handed back return to the nodes that held them, so the
    // zones step then finds them as it left them and puts back what was there before the incident.
    steps.push(liftStep('zone_hand_back', {
      run: async (trx) => ({ cancelled: await cancelHandBack(trx, handBack, now, actor) }),
      // The hand-back scheduled again (the tick applies it at once if its time is past).
      compensate: async (trx) => {
        await handBackStep(partOf('zones'), deps.now, actor, { fromIso: partOf('staffing')?.roster?.startsAt ?? now.toISOString(), days: partOf('staffing')?.days ?? 3 }).run(trx);
      },
    }));
  }
  if (areaIds.length) {
    steps.push(liftStep('control_areas', {
      run: async (trx) => {
        const effects: Array<{ areaId: string; effects: Array<string | null> }> = [];
        for (const id of areaIds) {
          const r = await zoneFlows.liftControlArea(trx, id, now, actor);
          effects.push({ areaId: id, effects: r.effects.map((e) => e.revertNote ?? null) });
        }
        return { areaIds, effects };
      },
      // Declared again (new ids: a lifted area stays lifted in the zones context's history).
      compensate: async (trx, r) => {
        for (const [i, id] of r.areaIds.entries()) {
          const a = inc.spec.areas[i] ?? inc.spec.areas.find((x) => id.startsWith(`${x.id}.`));
          if (a) await zoneFlows.declareControlArea(trx, { ...areaInput(a), id: `${id}-r${deps.now().getTime().toString(36)}` }, deps.now(), actor);
        }
      },
    }));
  }
  if (rid) {
    steps.push(liftStep('zones', {
      run: async (trx) => {
        await zoneFlows.revertReassignment(trx, rid, now, actor);
        return { reassignmentId: rid };
      },
      // The same reviewed changes applied again.
      compensate: async (trx) => {
        const r = await zones.requireReassignment(trx, rid);
        const again = await zones.recordReviewedReassignment(trx, r.proposal, deps.now(), actor);
        await zoneFlows.applyReassignment(trx, again.id, deps.now(), actor);
      },
    }));
  }
  if (roster?.staffingPlanId) {
    // The incident's roster ends with it: the slots get their old capacity back (never below what
    // is booked) and the staffing plans it superseded apply again.
    steps.push(liftStep('staffing', {
      run: async (trx) => {
        await undoRoster(trx, roster, 'superseded');
        return { staffingPlanId: roster.staffingPlanId, restoredPlans: roster.superseded };
      },
      compensate: async (trx) => {
        await applyRoster(trx, staffingRoster, deps.now());
      },
    }));
  }
  if (ewId) {
    steps.push(liftStep('emergency_warehouse', {
      run: async (trx) => {
        const before = (await network.requireNode(trx, ewId)).status;
        await network.setNodeStatus(trx, ewId, 'suspended', { code: 'incident_lifted', params: { incidentId, incidentName: inc.name } }, now);
        return { nodeId: ewId, before };
      },
      compensate: async (trx, r) => {
        await network.setNodeStatus(trx, ewId, (r.before ?? 'open') as NodeStatus, { code: 'incident_lift_undone', params: { incidentId, incidentName: inc.name } }, deps.now());
      },
    }));
  }
  const slots = stepResult('zone_slots');
  if (slots) {
    steps.push(liftStep('zone_slots', {
      run: async (trx) => ({ slotsEnded: await endZoneSlots(trx, slots) }),
      compensate: async (trx) => {
        await zoneSlotsStep(partOf('staffing')?.roster?.startsAt ?? now.toISOString(), partOf('staffing')?.days ?? 3, deps.now()).run(trx);
      },
    }));
  }
  if (assortmentBefore) {
    // The assortment chosen for the incident ends with it: the one in force before the apply is
    // put back (as an undo of the apply does); the one replaced is kept for the compensation.
    steps.push(liftStep('assortment', {
      run: async (trx) => {
        const replaced = (await planning.currentAssortment(trx)).map(assortmentLine);
        await planning.saveAssortment(trx, assortmentRows(assortmentBefore), now);
        return { items: assortmentBefore.length, replaced };
      },
      compensate: async (trx, r) => {
        await planning.saveAssortment(trx, assortmentRows(r.replaced), deps.now());
      },
    }));
  }
  const tripIds = stepResult('trips')?.tripIds ?? [];
  if (tripIds.length) {
    // Before the documents: a trip not yet dispatched is cancelled (its transfers are then
    // cancelled below); one on the road or done is listed for a decision.
    steps.push(liftStep('trips', {
      run: async (trx) => cancelOpenTrips(trx, tripIds),
      compensate: async (trx, r) => {
        for (const id of r.cancelled) await trips.reinstateTrip(trx, id);
      },
    }));
  }
  const sourcingPlans = [stepResult('sourcing')?.planId, stepResult('emergency_sourcing')?.planId].filter((x): x is string => !!x);
  if (sourcingPlans.length) {
    // Last on purpose: draft transfers cancelled with their holds released, open purchase orders
    // cancelled, what is under way listed for a decision. Nothing after it can fail, so its
    // compensation (documents cannot be un-cancelled) never has to run.
    steps.push(liftStep('sourcing_documents', {
      run: async (trx) => {
        const reports = [];
        for (const planId of sourcingPlans) reports.push(await undoPlanDocuments(trx, planId, now));
        return { reports };
      },
      compensate: async () => {},
    }));
  }
  const outcome = await runWorkflow(db, steps, journalOf(liftPlan.id, deps), options);
  await db.transaction().execute(async (trx) => {
    await store.setPlanStatus(trx, liftPlan.id, outcome.ok ? 'applied' : 'failed', deps.now());
    if (outcome.ok) await store.setIncidentStatus(trx, incidentId, 'lifted', deps.now());
  });
  if (!outcome.ok) {
    fail({ code: 'conflict', message: `lifting incident ${incidentId} failed at step ${outcome.steps.find((s) => s.status === 'failed')?.name}: ${(outcome.error as Error).message}; the steps already done were undone`, details: { steps: outcome.steps } });
  }
  return store.requirePlan(db, liftPlan.id);
}
