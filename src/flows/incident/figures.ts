/**
 * The figures issue 15 asks of an applied response plan (the incident benchmark and the tests
 * print and assert them): orders servable on day 2, zones newly unserved, the emergency
 * warehouse's target items, lateral transfer units, trips planned on apply, loads that fit no
 * vehicle, and what the plan created that is still open after lift. Read only.
 */
import { sql } from 'kysely';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as zoneFlows from '../zone-node-status.ts';
import * as planning from '../../store/planning.ts';
import * as trips from '../../store/trips.ts';
import * as store from '../../store/incidents.ts';
import { servableOnDay, servedZoneIds, zonesNewlyUnserved } from './servable.ts';
import { appliedStepResult as stepResult, DELIVERY, type Db, type StepRecords } from './common.ts';

type PlanLike = StepRecords;

export const servedBefore = servedZoneIds;

/** Day 2 of the incident: the Beijing day two days after its first area starts. */
export function incidentDay(startsAtMs: number, n: number): { day: string; noonMs: number } {
  const day = new Date(startsAtMs + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);
  return { day, noonMs: Date.parse(`${day}T12:00:00+08:00`) };
}

/** The sourcing plans an apply created (the sourcing step's and the emergency warehouse's). */
function sourcingPlanIds(applied: PlanLike): string[] {
  return [stepResult(applied, 'sourcing')?.planId, stepResult(applied, 'emergency_sourcing')?.planId].filter((x): x is string => !!x);
}

export async function incidentFigures(db: Db, incidentId: string, before: Set<string>, applied: PlanLike) {
  const inc = await store.requireIncident(db, incidentId);
  const start = Math.min(...inc.spec.areas.map((a) => Date.parse(a.startsAt)));
  const { day: day2, noonMs: day2NoonMs } = incidentDay(start, 2);
  // The scheduler at day 2 noon: areas starting later take effect, status changes due happen.
  await db.transaction().execute((trx) => zoneFlows.tickControlAreas(trx, new Date(day2NoonMs), `incident:${incidentId}`));
  const servable = await servableOnDay(db, day2);
  // The same count with each rostered node's slot capacity as its roster alone gives it (without
  // the capacity kept at nodes outside the lockdown): what the borrowed and own people rostered can pick and pack.
  const rosterCap = new Map<string, number>();
  for (const c of stepResult(applied, 'staffing')?.slotCapacity?.changes ?? []) {
    if (c.serviceDay === day2) rosterCap.set(c.nodeId, (rosterCap.get(c.nodeId) ?? 0) + (c.roster ?? c.after));
  }
  const byRosterAlone = servable.nodes.reduce((a, n) => a + (n.servableOrdersPerDay > 0 && rosterCap.has(n.nodeId) ? Math.min(n.servableOrdersPerDay, rosterCap.get(n.nodeId)!) : n.servableOrdersPerDay), 0);
  const newlyUnserved = await zonesNewlyUnserved(db, before);
  const ewId = stepResult(applied, 'emergency_warehouse')?.nodeId;
  const ewTargets = ewId ? (await planning.currentTargets(db, { nodeId: ewId, multipliers: inc.spec.multipliers })).filter((t) => t.targetUnits > 0).length : 0;
  const kinds = new Map((await network.listNodes(db)).map((n) => [n.id, n.kind as string]));
  let lateral = 0;
  const transferIds: string[] = [];
  for (const id of sourcingPlanIds(applied)) {
    const p = await planning.requirePlan(db, id);
    for (const l of p.lines) if (l.kind === 'transfer' && l.fromNodeId && DELIVERY.has(kinds.get(l.fromNodeId) ?? '')) lateral += l.quantity;
    for (const d of p.documents) if (d.kind === 'transfer_order') transferIds.push(d.id);
  }
  const rid = stepResult(applied, 'zones')?.reassignmentId;
  const nodeChanges = rid ? (((await zones.requireReassignment(db, rid)).proposal as any).nodeChanges ?? []) : [];
  const tripsOnApply = (stepResult(applied, 'trips')?.tripIds ?? []).length;
  const notFitting = await transfersNotFitting(db, transferIds, day2);
  return {
    day2,
    day2NoonMs,
    servableOrdersPerDayDay2: servable.servableOrdersPerDay,
    servableByRosterAloneDay2: byRosterAlone,
    demandOrdersPerDay: servable.demandOrdersPerDay,
    servableByNode: servable.nodes,
    limited: servable.nodes.filter((n) => n.limitedBy).map((n) => `${n.nodeId}: ${n.limitedBy}`).join(', ') || 'no node limited',
    zonesNewlyUnserved: newlyUnserved.length,
    nodeChanges: nodeChanges.map((c: any) => `${c.nodeId} ${c.maxDeliveryRadiusM.from}->${c.maxDeliveryRadiusM.to} m, ${c.dailyOrderCapacity.from}->${c.dailyOrderCapacity.to}/day`).join('; ') || 'none',
    emergencyWarehouseTargetItems: ewTargets,
    lateralTransferUnits: lateral,
    tripsPlannedOnApply: tripsOnApply,
    loadsNotFitting: notFitting,
  };
}

/**
 * Transfer orders that no vehicle of the fleet can carry as one load: goods of more than one
 * temperature class, or a class's weight or volume above the largest compartment of that class.
 */
export async function transfersNotFitting(db: Db, transferIds: string[], day: string): Promise<number> {
  if (transferIds.length === 0) return 0;
  const fleet = (await trips.fleetForDay(db, day)).filter((v) => v.kind !== 'rider_ebike' && v.count > 0);
  const biggest = new Map<string, { w: number; v: number }>();
  for (const v of fleet) for (const c of v.compartments) {
    const b = biggest.get(c.temperatureClass) ?? { w: 0, v: 0 };
    biggest.set(c.temperatureClass, { w: Math.max(b.w, c.maxWeightKg * 1000), v: Math.max(b.v, c.maxVolumeL * 1000) });
  }
  const rows = (await sql<{ transfer_id: string; item_id: string; quantity: number }>`SELECT transfer_id, item_id, quantity FROM stock_transfer_lines WHERE transfer_id IN (SELECT unnest(${transferIds}::text[]))`.execute(db)).rows;
  const items = await network.itemsByIds(db, [...new Set(rows.map((r) => r.item_id))]);
  const per = new Map<string, Map<string, { w: number; v: number }>>();
  for (const r of rows) {
    const it = items.get(r.item_id);
    if (!it) continue;
    const t = per.get(r.transfer_id) ?? new Map();
    const c = t.get(it.temperatureClass) ?? { w: 0, v: 0 };
    t.set(it.temperatureClass, { w: c.w + r.quantity * it.weightG, v: c.v + r.quantity * it.volumeCm3 });
    per.set(r.transfer_id, t);
  }
  let n = 0;
  for (const t of per.values()) {
    if (t.size > 1) {
      n++;
      continue;
    }
    for (const [cls, c] of t) {
      const b = biggest.get(cls);
      if (!b || c.w > b.w || c.v > b.v) n++;
    }
  }
  return n;
}

/** What the plan created that is still open after lift: draft or in-transit transfers, their holds, open PO lines, trips not dispatched. */
export async function openAfterLift(db: Db, applied: PlanLike, _lift: unknown) {
  const ids = sourcingPlanIds(applied);
  let transfers = 0;
  let holds = 0;
  let poLines = 0;
  for (const id of ids) {
    const p = await planning.requirePlan(db, id);
    const tr = p.documents.filter((d) => d.kind === 'transfer_order').map((d) => d.id);
    if (tr.length) {
      transfers += Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock_transfers WHERE id IN (SELECT unnest(${tr}::text[])) AND status IN ('draft','in_transit')`.execute(db)).rows[0].n);
      holds += Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock_reservations WHERE quantity > 0 AND id IN (SELECT 'transfer:' || t || ':' || l.item_id FROM unnest(${tr}::text[]) AS t JOIN stock_transfer_lines l ON l.transfer_id = t)`.execute(db)).rows[0].n);
    }
    poLines += Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM planning_purchase_order_lines l JOIN planning_purchase_orders o ON o.id = l.purchase_order_id WHERE o.plan_id = ${id} AND o.status = 'open'`.execute(db)).rows[0].n);
  }
  const tripIds = stepResult(applied, 'trips')?.tripIds ?? [];
  const openTrips = tripIds.length ? Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM trips WHERE id IN (SELECT unnest(${tripIds}::text[])) AND status = 'confirmed'`.execute(db)).rows[0].n) : 0;
  return { transfers, holds, poLines, trips: openTrips, total: transfers + holds + poLines + openTrips };
}
