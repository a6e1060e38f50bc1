import { fail } from '../../domain/shared/result.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import { undoRoster, type RosterStepResult } from '../incident-staffing.ts';
import type { FlowDeps } from './common.ts';

/** Lifting an applied incident: undoing what its plan did. */

/** Lifts the incident: control areas lifted, zones back, the emergency warehouse closed, and its surplus stock listed for rebalancing. */
export async function liftIncident(deps: FlowDeps, incidentId: string) {
  const { db } = deps;
  const now = deps.now();
  const inc = await store.requireIncident(db, incidentId, true);
  if (inc.status !== 'applied') fail({ code: 'conflict', message: `incident ${incidentId} is ${inc.status}; only an applied incident can be lifted`, field: 'id', expected: 'applied', actual: inc.status });
  const applied = await store.latestPlan(db, incidentId, 'response');
  const stepResult = (name: string) => applied?.steps.find((s) => s.step === name && s.status === 'applied')?.result as any;
  const actions: Array<{ action: string; detail: unknown }> = [];
  for (const id of stepResult('control_areas')?.areaIds ?? []) {
    const r = await zones.liftControlArea(db, id, now, `incident:${incidentId}`);
    actions.push({ action: 'lift_control_area', detail: { areaId: id, effects: r.effects.map((e) => e.revertNote ?? null) } });
  }
  const rid = stepResult('zones')?.reassignmentId;
  if (rid) {
    await zones.revertReassignment(db, rid, now, `incident:${incidentId}`);
    actions.push({ action: 'zones_back', detail: { reassignmentId: rid } });
  }
  // The incident's roster ends with it: the slots get their old capacity back (never below what is
  // booked) and the staffing plans it superseded apply again.
  const roster = stepResult('staffing') as RosterStepResult | undefined;
  if (roster?.staffingPlanId) {
    await undoRoster(db, roster, 'superseded');
    actions.push({ action: 'roster_back', detail: { staffingPlanId: roster.staffingPlanId, restoredPlans: roster.superseded, slots: roster.slotCapacity?.changes.length ?? 0 } });
  }
  const ewId = stepResult('emergency_warehouse')?.nodeId as string | undefined;
  let surplus: Array<{ itemId: string; surplusUnits: number }> = [];
  if (ewId) {
    try {
      surplus = (await planning.currentNetRequirements(db, { nodeId: ewId })).filter((r) => r.surplusUnits > 0 || r.onHand > 0).map((r) => ({ itemId: r.itemId, surplusUnits: Math.max(r.surplusUnits, r.onHand) }));
    } catch (e) {
      actions.push({ action: 'surplus_unknown', detail: (e as Error).message });
    }
    await network.setNodeStatus(db, ewId, 'suspended', `incident ${incidentId} lifted: stock to be moved out`, now);
    actions.push({ action: 'emergency_warehouse_suspended', detail: { nodeId: ewId, itemsWithStock: surplus.length, units: surplus.reduce((a, s) => a + s.surplusUnits, 0) } });
  }
  const plan = await store.createPlan(db, incidentId, 'lift', { actions: actions.length, surplusUnits: surplus.reduce((a, s) => a + s.surplusUnits, 0) }, [
    { part: 'actions', content: actions },
    { part: 'surplus_rebalance', content: { fromNodeId: ewId ?? null, lines: surplus, note: 'move with a sourcing plan (transfers) to the nodes short of these items' } },
  ], now);
  await store.setPlanStatus(db, plan.id, 'applied', now);
  await store.setIncidentStatus(db, incidentId, 'lifted', now);
  return store.requirePlan(db, plan.id);
}
