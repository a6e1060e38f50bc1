/**
 * Re-running one part of a drafted response plan with the manager's choices, leaving the other
 * parts as they are (each saved part is marked edited, so a simulation must follow before apply):
 *
 * - `zones`: a node's delivery radius and daily order capacity for this incident, and whether it
 *   receives zones at all. The zone reassignment runs again on those settings; the settings are
 *   node changes of the zones part, which apply sets on the nodes (and lift puts back).
 * - `sourcing`: which nodes receive stock. The sourcing plan is drafted again for them, and the
 *   trips part with it (trips carry the sourcing plan's transfers, so they cannot stay as they were).
 * - `targets`: the assortment size (how many items the emergency assortment holds). The assortment
 *   is selected again at that size without replacing the one in force; the targets follow, then
 *   the sourcing plan toward them (same receivers) and its trips. Apply puts that assortment in
 *   force (a step whose compensation restores the one before).
 *
 * Checks, in this order: the incident exists and is not lifted or discarded; its plan is a draft;
 * the part is one that can be re-run; every node named exists and can take the role asked of it.
 */
import { fail } from '../../domain/shared/index.ts';
import { planWithWidening, zoneAllocation, fitHandBack, planHandBack } from '../../domain/zones/index.ts';
import { defaultTravel, haversineM } from '../../domain/geo/index.ts';
import { takesOnlineOrders, type NodeStatus } from '../../domain/network/index.ts';
import { draftTime } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import { draftTrips } from '../incident-trips.ts';
import { DELIVERY, targetsByNode, type FlowDeps } from './common.ts';
import { handBackDayCapacity, reopenings } from './draft.ts';
import type { NodeChange } from './apply.ts';

export interface NodeSetting {
  nodeId: string;
  maxDeliveryRadiusM?: number;
  dailyOrderCapacity?: number;
  /** false: the node takes no zone in this plan (default: as drafted). */
  receivesZones?: boolean;
}

export interface RerunInput {
  /** zones: the settings of the nodes the manager changed. */
  nodes?: NodeSetting[];
  /** sourcing: the nodes that receive stock (default: the drafted receivers). */
  receivers?: string[];
  /** targets: how many items the emergency assortment holds. */
  assortmentSize?: number;
  sourcingTimeLimitS?: number;
  tripsBudgetMs?: number;
}

export const RERUNNABLE_PARTS = ['zones', 'sourcing', 'targets'] as const;

/** The most items an assortment may hold when chosen for an incident. */
export const MAX_ASSORTMENT_SIZE = 5000;


export async function rerunPlanPart(deps: FlowDeps, incidentId: string, part: string, input: RerunInput) {
  const { db } = deps;
  const now = deps.now();
  const inc = await store.requireIncident(db, incidentId);
  if (inc.status === 'lifted' || inc.status === 'discarded') fail({ code: 'conflict', message: `incident ${incidentId} was ${inc.status}`, field: 'id', expected: 'an incident not lifted or discarded', actual: inc.status, details: { messageCode: `incident.${inc.status}`, params: {} } });
  const plan = await store.latestPlan(db, incidentId, 'response');
  if (!plan) fail({ code: 'not_found', message: `incident ${incidentId} has no response plan`, field: 'id', expected: 'a drafted plan (POST /api/incidents/:id/plan)', actual: 'none' });
  if (plan.status !== 'draft') fail({ code: 'conflict', message: `plan ${plan.id} is ${plan.status}; only a draft can be re-run`, field: 'planId', expected: 'a draft plan', actual: plan.status });
  if (!(RERUNNABLE_PARTS as readonly string[]).includes(part)) fail({ code: 'validation_failed', message: `part ${part} cannot be re-run on its own`, field: 'part', expected: RERUNNABLE_PARTS.join(' | '), actual: part });
  const content = (name: string) => plan.parts.find((p) => p.part === name)?.content as any;
  const nodes = await network.listNodes(db);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ew = content('emergency_warehouse')?.node as { id: string; lat: number; lng: number; dailyOrderCapacity?: number; maxDeliveryRadiusM?: number } | null;

  if (part === 'zones') {
    const settings = input.nodes ?? [];
    if (settings.length === 0) fail({ code: 'validation_failed', message: 'name at least one node to change', field: 'nodes', expected: 'a non-empty list of node settings', actual: [] });
    const delivery = new Set([...nodes.filter((n) => DELIVERY.has(n.kind)).map((n) => n.id), ...(ew ? [ew.id] : [])]);
    settings.forEach((s, i) => {
      if (!delivery.has(s.nodeId)) fail({ code: 'validation_failed', message: `node ${s.nodeId} is not a delivery node of this plan`, field: `nodes.${i}.nodeId`, expected: [...delivery].sort().join(' | '), actual: s.nodeId });
    });
    // The statuses right after the lockdown, as drafted (the node_status part).
    const spec = inc.spec;
    const immediate = new Map<string, NodeStatus>();
    for (const c of (content('node_status')?.changes ?? []) as Array<{ nodeId: string; to: NodeStatus }>) if (c.to !== 'online_only' || !spec.reopenOnlineOnlyAt) immediate.set(c.nodeId, c.to);
    const setting = new Map(settings.map((s) => [s.nodeId, s]));
    const plannerNodes = [
      ...nodes.filter((n) => DELIVERY.has(n.kind)).map((n) => ({ id: n.id, kind: n.kind as string, lat: n.lat, lng: n.lng, trading: takesOnlineOrders(immediate.get(n.id) ?? n.status), dailyOrderCapacity: n.dailyOrderCapacity, maxDeliveryRadiusM: n.maxDeliveryRadiusM })),
      ...(ew ? [{ id: ew.id, kind: 'emergency_warehouse', lat: ew.lat, lng: ew.lng, trading: true, dailyOrderCapacity: ew.dailyOrderCapacity ?? 0, maxDeliveryRadiusM: ew.maxDeliveryRadiusM ?? 0 }] : []),
    ].map((n) => {
      const s = setting.get(n.id);
      if (!s) return n;
      return { ...n, trading: n.trading && s.receivesZones !== false, dailyOrderCapacity: s.dailyOrderCapacity ?? n.dailyOrderCapacity, maxDeliveryRadiusM: s.maxDeliveryRadiusM ?? n.maxDeliveryRadiusM };
    });
    const storedZones = await zones.listZones(db);
    if (storedZones.length === 0) fail({ code: 'conflict', message: 'no delivery zones stored: import or generate zones first', field: 'zones', expected: 'stored delivery zones', actual: 0 });
    const r = await planWithWidening(
      { zones: storedZones.map((z) => ({ id: z.id, centroid: z.centroid, demandOrdersPerDay: z.demandOrdersPerDay, current: zoneAllocation(z) })), nodes: plannerNodes, scope: 'affected', allowSplit: false },
      await zones.getNodeKindLimits(db),
      { travel: defaultTravel, solver: deps.solver, timeLimitS: 20 },
    );
    if (!r.ok) fail(r.error);
    const p = r.value.proposal;
    // The manager's settings are node changes from the node's stored values; the widening may
    // raise a radius or capacity further (its change then starts from the manager's value).
    const changes = new Map<string, NodeChange>();
    for (const s of settings) {
      const stored = byId.get(s.nodeId);
      if (!stored) continue; // the emergency warehouse: its settings are the node it becomes
      const c: NodeChange = { nodeId: s.nodeId, reason: 'set by the planner for this incident' };
      if (s.maxDeliveryRadiusM !== undefined && s.maxDeliveryRadiusM !== stored.maxDeliveryRadiusM) c.maxDeliveryRadiusM = { from: stored.maxDeliveryRadiusM, to: s.maxDeliveryRadiusM };
      if (s.dailyOrderCapacity !== undefined && s.dailyOrderCapacity !== stored.dailyOrderCapacity) c.dailyOrderCapacity = { from: stored.dailyOrderCapacity, to: s.dailyOrderCapacity };
      if (c.maxDeliveryRadiusM || c.dailyOrderCapacity) changes.set(s.nodeId, c);
    }
    for (const w of r.value.nodeChanges as NodeChange[]) {
      const stored = byId.get(w.nodeId);
      const before = changes.get(w.nodeId);
      const merged: NodeChange = { ...before, ...w, nodeId: w.nodeId };
      if (stored && w.maxDeliveryRadiusM) merged.maxDeliveryRadiusM = { from: stored.maxDeliveryRadiusM, to: w.maxDeliveryRadiusM.to };
      if (stored && w.dailyOrderCapacity) merged.dailyOrderCapacity = { from: stored.dailyOrderCapacity, to: w.dailyOrderCapacity.to };
      changes.set(w.nodeId, merged);
    }
    const zonesPart = {
      method: p.method, changes: p.changes, nodeChanges: [...changes.values()], unserved: r.value.unserved, nodeLoads: p.nodeLoads,
      totals: { ...p.totals, unservedWithoutWideningOrdersPerDay: r.value.unservedWithoutWideningOrdersPerDay },
      settings, notReceiving: settings.filter((s) => s.receivesZones === false).map((s) => s.nodeId),
      handBackMode: spec.zoneHandBack ?? 'fit',
      handBack: (spec.zoneHandBack ?? 'fit') === 'none' ? [] : planHandBack(storedZones, p.changes, reopenings(content('node_status')?.changes ?? [], spec.reopenOnlineOnlyAt)),
    };
    if (zonesPart.handBackMode === 'fit' && zonesPart.handBack.length > 0) {
      // "fit": only the zones the plan's roster (its staffing part) can serve at the reopened store.
      const staffing = content('staffing');
      const capacity = new Map<string, number>();
      const distances = new Map<string, number>();
      for (const h of zonesPart.handBack) {
        const node = byId.get(h.nodeId);
        const startMs = staffing?.roster?.startsAt ? Date.parse(staffing.roster.startsAt) : 0;
        capacity.set(h.nodeId, Math.min(handBackDayCapacity(staffing?.roster, h.nodeId, Date.parse(h.at), startMs, staffing?.days ?? 3), node?.dailyOrderCapacity ?? 0));
        for (const c of h.changes) {
          const z = storedZones.find((x) => x.id === c.zoneId);
          if (z && node) distances.set(c.zoneId, haversineM(node, z.centroid));
        }
      }
      zonesPart.handBack = fitHandBack(zonesPart.handBack, capacity, distances);
    }
    await store.editPart(db, plan.id, 'zones', zonesPart, now);
    const totalDemand = storedZones.reduce((a, z) => a + z.demandOrdersPerDay, 0);
    const unserved = p.totals.unservedOrdersPerDay ?? 0;
    await store.patchPlanSummary(db, plan.id, { ordersPerDayCovered: Math.max(0, totalDemand - unserved), ordersPerDayNotCovered: unserved });
    return store.requirePlan(db, plan.id);
  }

  let tiers = content('targets')?.assortment?.tiers as planning.AssortmentTiers | undefined;
  if (part === 'targets') {
    const size = input.assortmentSize;
    if (size === undefined || !Number.isInteger(size) || size < 1 || size > MAX_ASSORTMENT_SIZE) {
      fail({ code: 'validation_failed', message: `the assortment size must be a whole number from 1 to ${MAX_ASSORTMENT_SIZE}`, field: 'assortmentSize', expected: `an integer 1..${MAX_ASSORTMENT_SIZE}`, actual: size ?? '(missing)' });
    }
    const sel = await planning.previewAssortment(db, deps.solver, { size });
    tiers = Object.fromEntries(sel.lines.map((l) => [l.itemId, l.tier]));
    const old = content('targets') ?? {};
    const multipliers = old.multipliers ?? inc.spec.multipliers ?? { essential: 5, key: 10 };
    const perNode = targetsByNode(await planning.currentTargets(db, { multipliers, tiers }));
    const targetsPart = {
      ...old,
      multipliers,
      nodes: perNode,
      assortment: {
        size, items: sel.lines.length, keyItems: sel.lines.filter((l) => l.tier === 'key').length, coverageShare: sel.coverageShare, tiers,
        // What apply stores as the assortment in force: [item, tier, category, reason, key reason, daily units, rank].
        lines: sel.lines.map((l) => [l.itemId, l.tier, l.category, l.reason, l.keyReason, l.dailyDemandUnits, l.categoryRank]),
      },
    };
    await store.editPart(db, plan.id, 'targets', targetsPart, now);
    const t = perNode;
    await store.patchPlanSummary(db, plan.id, { essentialDaysOfCover: t.length ? Math.round((10 * t.reduce((a, b) => a + b.targetUnits, 0)) / Math.max(1, t.reduce((a, b) => a + b.baselineUnits, 0))) / 10 : null });
    // The sourcing plan and its trips follow the new targets (same receivers), below.
  }

  // sourcing (and the trips that carry it)
  const drafted = content('sourcing') ?? {};
  // Givers and receivers as the lockdown leaves them at the apply (draft.ts): a store it suspends
  // neither gives nor receives.
  const atApply: Record<string, NodeStatus> = {};
  for (const c of (content('node_status')?.changes ?? []) as Array<{ nodeId: string; to: NodeStatus }>) if (c.to !== 'online_only' || !inc.spec.reopenOnlineOnlyAt) atApply[c.nodeId] = c.to;
  const receivers = [...new Set(input.receivers ?? (drafted.receivers as string[] | undefined) ?? [])].sort();
  receivers.forEach((id, i) => {
    if (atApply[id] && !takesOnlineOrders(atApply[id])) fail({ code: 'validation_failed', message: `node ${id} is ${atApply[id]} by the incident's lockdown when the plan is applied and cannot receive stock`, field: `receivers.${i}`, expected: 'a node that trades when the plan is applied', actual: id });
    const n = byId.get(id);
    if (!n) fail({ code: 'validation_failed', message: `node ${id} does not exist${ew && id === ew.id ? ' yet (the emergency warehouse becomes a node when the plan is applied; apply plans its stock)' : ''}`, field: `receivers.${i}`, expected: 'an existing node id', actual: id });
    if (!takesOnlineOrders(n.status)) fail({ code: 'validation_failed', message: `node ${id} is ${n.status} and cannot receive stock now`, field: `receivers.${i}`, expected: 'a node that is open or online-only', actual: n.status });
  });
  if (receivers.length === 0) {
    // A plan with no receivers (nothing needed stock when drafted) keeps no sourcing plan: re-running the targets changes only them.
    if (part === 'targets') return store.requirePlan(db, plan.id);
    fail({ code: 'validation_failed', message: 'choose at least one receiving node', field: 'receivers', expected: 'a non-empty list of node ids', actual: [] });
  }
  const multipliers = inc.spec.multipliers ?? { essential: 5, key: 10 };
  const sp = await planning.createPlan(db, deps.solver, { multipliers, receivers, statuses: atApply, params: { timeLimitS: input.sourcingTimeLimitS ?? 10 }, ...(tiers ? { tiers } : {}) }, now);
  // The sourcing plan drafted before is replaced: discard it so it cannot be applied by mistake.
  if (typeof drafted.planId === 'string' && drafted.planId !== sp.id) {
    const old = await planning.getPlan(db, drafted.planId);
    if (old?.status === 'draft') await planning.discardPlan(db, drafted.planId);
  }
  const sourcingPart = { planId: sp.id, receivers, summary: sp.summary, documents: sp.documents.length, lines: sp.lines.length, shortages: sp.shortages.length };
  await store.editPart(db, plan.id, 'sourcing', sourcingPart, now);
  const transferLines = (sp.lines as any[]).filter((l) => l.kind === 'transfer' && l.fromNodeId).map((l) => ({ fromNodeId: l.fromNodeId, toNodeId: l.toNodeId, itemId: l.itemId, quantity: l.quantity }));
  const oldTrips = content('trips') ?? {};
  // From the same instant the draft planned its trips from (now, or the incident's own timeline for a replay).
  const { fromMs } = draftTime(inc.spec.areas, Date.parse(inc.declaredAt), now.getTime());
  const supplierLines = (sp.lines as any[]).filter((l) => l.kind === 'supplier_order').map((l) => ({ supplierId: l.supplierId, toNodeId: l.toNodeId, itemId: l.itemId, quantity: l.quantity, expedited: !!l.expedited, arrivalH: Number(l.arrivalH) }));
  const tripsPart: any = transferLines.length + supplierLines.length > 0
    ? await draftTrips(db, transferLines, { fromMs, days: Number(oldTrips.days ?? 2), budgetMs: input.tripsBudgetMs, solve: deps.routing }, supplierLines)
    : { trips: 0, coldChainTrips: 0, ambientTrips: 0, dryIceBags: 0, icePacks: 0, coolantPacks: 0, loads: 0, unassigned: [] };
  await store.editPart(db, plan.id, 'trips', tripsPart, now);
  await store.patchPlanSummary(db, plan.id, {
    trips: tripsPart.trips, coldChainTrips: tripsPart.coldChainTrips, ambientTrips: tripsPart.ambientTrips, dryIceBags: tripsPart.dryIceBags,
    icePacks: tripsPart.icePacks, coolantPacks: tripsPart.coolantPacks, tripsUnassignedLoads: tripsPart.unassigned.length,
  });
  return store.requirePlan(db, plan.id);
}
