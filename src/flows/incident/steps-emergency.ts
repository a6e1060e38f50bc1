/**
 * The emergency warehouse's demand and stock (apply steps). A new warehouse has no baseline
 * demand, so the planning context would give it no targets and no sourcing. Once the zones step
 * has given it zones, `emergency_demand` gives it the demand it takes over: for each node whose
 * zones moved to it, that node's baseline demand per item times the share of its orders that
 * moved (orders moved ÷ the orders its zones had before). `emergency_sourcing` (before the
 * trips step; undone like the sourcing step) then plans and applies a sourcing plan for the
 * warehouse alone, toward the essentials targets that demand gives (the assortment step).
 */
import { sql } from 'kysely';
import type { MipSolver } from '../../solver/model.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as planning from '../../store/planning.ts';
import type { Multipliers } from '../../domain/planning/index.ts';
import type { ApplyStepResult } from '../../domain/incidents/index.ts';
import type { Step } from '../workflow.ts';
import type { Db } from './common.ts';
import { applySourcingAsLoads } from './loads.ts';
import { unapplySourcingPlanIn } from '../plan-apply.ts';

/** What the `emergency_demand` step records (its schema: domain/incidents/steps.ts). */
export type EmergencyDemandResult = ApplyStepResult<'emergency_demand'>;

/** The EW's share of each donor's demand, from the applied reassignment that moved zones to it. */
export async function takeOverDemand(db: Db, ewId: string, reassignmentId: string | null): Promise<EmergencyDemandResult> {
  const out: EmergencyDemandResult = { nodeId: ewId, items: 0, unitsPerDay: 0, fromNodes: [] };
  if (!reassignmentId) return out;
  const r = await zones.requireReassignment(db, reassignmentId);
  const moved = new Map<string, number>();
  for (const c of r.proposal.changes) {
    if (!c.oldNodeId) continue;
    const toEw = (c.newNodeId === ewId ? c.demandOrdersPerDay - (c.newSplit?.ordersPerDay ?? 0) - c.unservedOrdersPerDay : 0) + (c.newSplit?.nodeId === ewId ? c.newSplit.ordersPerDay : 0);
    if (toEw > 0) moved.set(c.oldNodeId, (moved.get(c.oldNodeId) ?? 0) + toEw);
  }
  const before = new Map(r.proposal.nodeLoads.map((l) => [l.nodeId, l.loadBefore]));
  const demand = new Map<string, number>();
  for (const [nodeId, orders] of [...moved].sort()) {
    const share = Math.min(1, orders / Math.max(1, before.get(nodeId) ?? orders));
    out.fromNodes.push({ nodeId, ordersMoved: orders, share: Math.round(share * 1000) / 1000 });
    for (const row of (await network.listDemand(db, { nodeId })).rows) demand.set(row.itemId, (demand.get(row.itemId) ?? 0) + row.dailyQuantity * share);
  }
  const rows = [...demand].map(([itemId, q]) => ({ nodeId: ewId, itemId, dailyQuantity: Math.round(q) })).filter((x) => x.dailyQuantity > 0);
  await network.upsertDemand(db, rows);
  out.items = rows.length;
  out.unitsPerDay = rows.reduce((a, x) => a + x.dailyQuantity, 0);
  return out;
}

/** After the zones step: the reassignment it applied is the latest applied one. */
export function emergencyDemandStep(ewId: string): Step<EmergencyDemandResult> {
  return {
    name: 'emergency_demand',
    run: async (trx) => takeOverDemand(trx, ewId, (await zones.listReassignments(trx)).find((r) => r.status === 'applied')?.id ?? null),
    compensate: async (trx) => {
      await sql`DELETE FROM baseline_demand WHERE node_id = ${ewId}`.execute(trx);
    },
  };
}

/** What the `emergency_sourcing` step records. */
export type EmergencySourcingResult = ApplyStepResult<'emergency_sourcing'>;

/** `multipliers`: the targets part's (lenders keep their lender cover, so they can give to the warehouse). */
export function emergencySourcingStep(ewId: string, solver: MipSolver, multipliers: Multipliers | undefined, now: Date): Step<EmergencySourcingResult> {
  return {
    name: 'emergency_sourcing',
    run: async (trx) => {
      // The sourcing input is built once (the network read once): its targets are the warehouse's
      // targets `currentTargets` gives (the stored assortment, these multipliers).
      const request = { multipliers, receivers: [ewId], params: { timeLimitS: 10 } };
      const input = await planning.sourcingInput(trx, request);
      const targetItems = input.targets.filter((t) => t.nodeId === ewId && t.targetUnits > 0).length;
      if (targetItems === 0) return { planId: null, documents: 0, targetItems: 0, note: 'the warehouse took no zones: no demand, no targets' };
      const planId = await planning.createPlanId(trx, solver, request, now, input);
      const applied = await applySourcingAsLoads(trx, planId, now);
      return { planId, documents: applied.documents.length, targetItems };
    },
    // Like the sourcing step: the documents are cancelled while none has moved on (the trips step
    // runs after it, so a failure there undoes this one too).
    compensate: async (trx, r) => {
      const id = r.planId;
      if (id) await unapplySourcingPlanIn(trx, id, now);
    },
  };
}
