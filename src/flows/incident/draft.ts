/**
 * Drafting the response plan: each context's planner (zones: reassignment; planning: targets and
 * sourcing; trips; workforce) writes one part of one reviewable plan.
 */
import { DomainException, fail, startOfOperatingDay } from '../../domain/shared/index.ts';
import { planWithWidening, zoneAllocation, fitHandBack, planHandBack, type ZoneHandBack } from '../../domain/zones/index.ts';
import { haversineM, defaultTravel } from '../../domain/geo/index.ts';
import { capacityPerSlot } from '../../domain/workforce/index.ts';
import { DEFAULT_SLOT_TEMPLATE } from '../../domain/orders/index.ts';
import { takesOnlineOrders, type NodeStatus } from '../../domain/network/index.ts';
import { draftTime, type PlanSummary, type SourcingPart, type StaffingPart, type TargetsPart, type TripsPart, type ZonesPart } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as planning from '../../store/planning.ts';
import * as store from '../../store/incidents.ts';
import { draftTrips, type SupplierLine } from '../incident-trips.ts';
import { draftRoster, type SiteTimeline, type StoredRoster } from '../incident-staffing.ts';
import { areaInput, DELIVERY, emergencyNode, targetsByNode, type FlowDeps } from './common.ts';

/** Budgets that keep a draft fast (a draft is a review document, not the final trips or roster). */
export interface DraftOptions {
  /** Wall time for the trips part (default 5 s) and iterations per routing solve (default 400). */
  tripsBudgetMs?: number;
  tripsMaxIterations?: number;
  /** Days of trips from the draft time (default 2). */
  tripsDays?: number;
  /** Roster MIP time limit (default 3 s; the greedy roster is kept when it covers more) and days (default 3). */
  rosterTimeLimitS?: number;
  rosterDays?: number;
  /** Sourcing solver time limit (default 10 s). */
  sourcingTimeLimitS?: number;
  /** Days of its own demand a trading node that gains no zones keeps (it lends the rest; default 2). */
  lenderDaysOfCover?: number;
}

/** Drafts the response plan from the current network: one document, every part reviewable. */
export async function draftResponsePlan(deps: FlowDeps, incidentId: string, options: DraftOptions = {}) {
  const { db } = deps;
  const now = deps.now();
  const timings: Record<string, number> = {};
  let tick = Date.now();
  const lap = (name: string) => {
    const t = Date.now();
    timings[name] = t - tick;
    tick = t;
  };
  const inc = await store.requireIncident(db, incidentId);
  if (inc.status === 'lifted' || inc.status === 'discarded') fail({ code: 'conflict', message: `incident ${incidentId} was ${inc.status}`, field: 'id', expected: 'an incident not lifted or discarded', actual: inc.status, details: { messageCode: `incident.${inc.status}`, params: {} } });
  const spec = inc.spec;
  // The draft reasons as of now, or in the incident's own timeline when it replays a past one
  // (declared long after its start): its roster, trips and the stock held until a reopening.
  const time = draftTime(spec.areas, Date.parse(inc.declaredAt), now.getTime());
  const nodes = await network.listNodes(db);
  const notes: string[] = [];
  // Each note also as a code with parameters, for the UI to translate (notes stay English for the CLI and logs).
  const noteCodes: Array<{ code: string; params: Record<string, string | number> }> = [];
  const note = (code: string, params: Record<string, string | number>, english: string) => {
    notes.push(english);
    noteCodes.push({ code, params });
  };
  if (time.replay) {
    const asOf = new Date(time.asOfMs).toISOString();
    note('plan.drafted_as_of_incident', { asOf, declared: inc.declaredAt }, `drafted in the incident's own timeline, as of ${asOf} (the apply the simulation plays, ${Math.round((time.asOfMs - time.startMs) / 60_000)} min after its start): it was declared on ${inc.declaredAt}, more than a week after it started, so the roster, trips and stock held until a reopening are not planned from today`);
  }

  // 1. Node statuses: what the control areas impose, and the reopening online-only.
  const statusChanges: Array<{ nodeId: string; from: NodeStatus; to: NodeStatus; reason: string; at: string }> = [];
  for (const a of spec.areas) {
    const { effects } = await zones.previewControlArea(db, areaInput(a));
    for (const e of effects) if (e.kind === 'node_status') statusChanges.push({ nodeId: e.nodeId, from: e.fromStatus as NodeStatus, to: e.toStatus as NodeStatus, reason: e.reason, at: a.startsAt });
  }
  for (const id of spec.affectedNodeIds ?? []) if (!statusChanges.some((c) => c.nodeId === id)) {
    const n = nodes.find((x) => x.id === id)!;
    statusChanges.push({ nodeId: id, from: n.status, to: 'suspended', reason: 'named as affected by the incident', at: spec.areas[0].startsAt });
  }
  if (spec.reopenOnlineOnlyAt) {
    for (const c of [...statusChanges]) if (c.to === 'suspended') statusChanges.push({ nodeId: c.nodeId, from: 'suspended', to: 'online_only', reason: 'reopens for online orders only, closed-loop staff', at: spec.reopenOnlineOnlyAt });
  }
  const finalStatus = new Map(nodes.map((n) => [n.id, n.status as NodeStatus]));
  const immediate = new Map<string, NodeStatus>();
  for (const c of statusChanges) {
    if (c.to !== 'online_only' || !spec.reopenOnlineOnlyAt) immediate.set(c.nodeId, c.to);
    finalStatus.set(c.nodeId, c.to);
  }

  // 2. The emergency warehouse, from its template.
  const ewNode = spec.emergencyWarehouse ? await emergencyNode(db, spec.emergencyWarehouse) : null;

  // 3. Zone reassignment by the zones context's planner, on the network as it will be right after the lockdown.
  const storedZones = await zones.listZones(db);
  const plannerNodes = [
    ...nodes.filter((n) => DELIVERY.has(n.kind)).map((n) => ({ id: n.id, kind: n.kind as string, lat: n.lat, lng: n.lng, trading: takesOnlineOrders(immediate.get(n.id) ?? n.status), dailyOrderCapacity: n.dailyOrderCapacity, maxDeliveryRadiusM: n.maxDeliveryRadiusM })),
    ...(ewNode ? [{ id: ewNode.id, kind: 'emergency_warehouse', lat: ewNode.lat, lng: ewNode.lng, trading: true, dailyOrderCapacity: ewNode.dailyOrderCapacity ?? 0, maxDeliveryRadiusM: ewNode.maxDeliveryRadiusM ?? 0 }] : []),
  ];
  const noZones = 'no delivery zones stored: import or generate zones first';
  let zonesPart: ZonesPart = { changes: [], unserved: [], totals: { servedOrdersPerDay: 0, unservedOrdersPerDay: 0 }, note: noZones };
  if (storedZones.length > 0) {
    // Widen radii and raise capacities within the per-kind limits before leaving a zone unserved.
    const r = await planWithWidening(
      { zones: storedZones.map((z) => ({ id: z.id, centroid: z.centroid, demandOrdersPerDay: z.demandOrdersPerDay, current: zoneAllocation(z) })), nodes: plannerNodes, scope: 'affected', allowSplit: false },
      await zones.getNodeKindLimits(db),
      { travel: defaultTravel, solver: deps.solver, timeLimitS: 20 },
    );
    if (r.ok) {
      const p = r.value.proposal;
      zonesPart = { method: p.method, changes: p.changes, nodeChanges: r.value.nodeChanges, unserved: r.value.unserved, nodeLoads: p.nodeLoads, totals: { ...p.totals, unservedWithoutWideningOrdersPerDay: r.value.unservedWithoutWideningOrdersPerDay } };
      // A store reopening online-only takes back the zones it served before (apply schedules it).
      // "fit" (the default) lists them all here and keeps, below, only those its roster can serve.
      zonesPart.handBackMode = spec.zoneHandBack ?? 'fit';
      zonesPart.handBack = zonesPart.handBackMode === 'none' ? [] : planHandBack(storedZones, p.changes, reopenings(statusChanges, spec.reopenOnlineOnlyAt));
    } else partFailed('zones', new DomainException(r.error));
  } else note('plan.no_zones', {}, noZones);
  const totalDemand = storedZones.reduce((a, z) => a + z.demandOrdersPerDay, 0);
  const movableServed = zonesPart.totals.servedOrdersPerDay ?? 0;
  const unservedOrders = zonesPart.totals.unservedOrdersPerDay ?? 0;

  // Orders a day each node's zones bring before the plan and after its zone moves.
  const base = new Map<string, number>();
  for (const z of storedZones) if (z.servingNodeId) base.set(z.servingNodeId, (base.get(z.servingNodeId) ?? 0) + z.demandOrdersPerDay);
  const after = new Map(base);
  for (const c of zonesPart.changes ?? []) {
    const served = Math.max(0, c.demandOrdersPerDay - (c.unservedOrdersPerDay ?? 0));
    if (c.oldNodeId) after.set(c.oldNodeId, (after.get(c.oldNodeId) ?? 0) - c.demandOrdersPerDay);
    if (c.newNodeId) after.set(c.newNodeId, (after.get(c.newNodeId) ?? 0) + served);
  }
  // And after the hand-back at the reopening: the reopened store's zones are its own again.
  const afterHandBackOf = (handBack: ZoneHandBack[]) => {
    const m = new Map(after);
    for (const h of handBack) {
      for (const c of h.changes) {
        const took = c.oldNodeId ? (zonesPart.changes as Array<{ zoneId: string; demandOrdersPerDay: number; unservedOrdersPerDay?: number }>).find((x) => x.zoneId === c.zoneId) : undefined;
        if (c.oldNodeId) m.set(c.oldNodeId, (m.get(c.oldNodeId) ?? 0) - Math.max(0, (took?.demandOrdersPerDay ?? c.demandOrdersPerDay) - (took?.unservedOrdersPerDay ?? 0)));
        if (c.newNodeId) m.set(c.newNodeId, (m.get(c.newNodeId) ?? 0) + c.demandOrdersPerDay);
      }
    }
    return m;
  };

  // The nodes the incident touches: status changes, named nodes, nodes taking zones, the warehouse.
  const affected = new Set<string>([...statusChanges.map((c) => c.nodeId), ...(spec.affectedNodeIds ?? [])]);
  for (const c of zonesPart.changes ?? []) if (c.newNodeId) affected.add(c.newNodeId);
  if (ewNode) affected.add(ewNode.id);
  const { startMs, fromMs } = time;
  const current = new Map(nodes.map((n) => [n.id, n.status as NodeStatus]));
  const rosterStart = startOfOperatingDay(fromMs);
  const rosterDays = options.rosterDays ?? 3;

  // The staffing timelines (workforce context) for the nodes' orders after the plan and after a hand-back.
  const reopenMs = spec.reopenOnlineOnlyAt ? Date.parse(spec.reopenOnlineOnlyAt) : null;
  const reopened = new Set(statusChanges.filter((c) => c.to === 'online_only' && spec.reopenOnlineOnlyAt).map((c) => c.nodeId));
  const lockdownIds = new Set(statusChanges.filter((c) => c.to === 'suspended' || c.to === 'online_only').map((c) => c.nodeId));
  const timelinesFor = (afterHB: Map<string, number>): SiteTimeline[] => {
    const timelines: SiteTimeline[] = [];
    for (const n of [...nodes.filter((x) => DELIVERY.has(x.kind)), ...(ewNode ? [{ id: ewNode.id, status: 'closed' as NodeStatus }] : [])]) {
      const trading0 = takesOnlineOrders(current.get(n.id) ?? 'closed');
      const periods = [
        { fromMs: 0, ordersPerDay: Math.max(0, base.get(n.id) ?? 0), trading: trading0 },
        { fromMs: n.id === ewNode?.id ? Math.min(fromMs, startMs) : startMs, ordersPerDay: Math.max(0, after.get(n.id) ?? 0), trading: n.id === ewNode?.id || takesOnlineOrders(immediate.get(n.id) ?? (current.get(n.id) ?? 'closed')) },
      ];
      // At the reopening the store trades again and takes its zones back (the zones part's hand-back,
      // which apply schedules then): it needs people for them, and the nodes that took them need fewer.
      if (reopenMs !== null && (reopened.has(n.id) || (afterHB.get(n.id) ?? 0) !== (after.get(n.id) ?? 0))) {
        periods.push({ fromMs: reopenMs, ordersPerDay: Math.max(0, afterHB.get(n.id) ?? 0), trading: reopened.has(n.id) || periods[periods.length - 1].trading });
      }
      timelines.push({ nodeId: n.id, affected: affected.has(n.id), periods, controlled: lockdownIds.has(n.id), closedLoopFromMs: reopened.has(n.id) ? reopenMs : null });
    }
    return timelines;
  };
  const roster = (afterHB: Map<string, number>, greedyOnly = false) => draftRoster(db, deps.solver, {
    startsAtMs: rosterStart,
    days: rosterDays,
    sites: timelinesFor(afterHB),
    extraNodes: ewNode && !current.has(ewNode.id) ? [{ id: ewNode.id, name: ewNode.nameZh, lat: ewNode.lat, lng: ewNode.lng, status: 'open', dailyOrderCapacity: ewNode.dailyOrderCapacity ?? 0 }] : [],
    timeLimitS: options.rosterTimeLimitS,
    greedyOnly,
    planner: deps.roster,
  });

  // "fit": a reopened store takes back only the zones its roster can serve. The roster is drafted
  // once as if it took them all (its closed-loop people go there); its slot capacity on the
  // hand-back day, no more than its order capacity, bounds the zones it takes back, nearest first.
  // That probe is the greedy roster alone: the MIP's time limit (3 s of the draft's ~8) bought
  // nothing on the demo (it found no better roster than the greedy one in 3 s, nor in 20), and the
  // final roster below still runs the MIP from the greedy start.
  if (zonesPart.handBackMode === 'fit' && (zonesPart.handBack ?? []).length > 0) {
    const listed = zonesPart.handBack as ZoneHandBack[];
    try {
      const probe = await roster(afterHandBackOf(listed), true);
      const capacity = new Map<string, number>();
      const distances = new Map<string, number>();
      for (const h of listed) {
        const node = nodes.find((n) => n.id === h.nodeId);
        const fromRoster = handBackDayCapacity(probe.roster, h.nodeId, Date.parse(h.at), rosterStart, rosterDays);
        capacity.set(h.nodeId, Math.min(fromRoster, node?.dailyOrderCapacity ?? 0));
        for (const c of h.changes) {
          const z = storedZones.find((x) => x.id === c.zoneId);
          if (z && node) distances.set(c.zoneId, haversineM(node, z.centroid));
        }
      }
      const fitted = fitHandBack(listed, capacity, distances);
      const zonesOf = (hs: ZoneHandBack[], id: string) => hs.find((h) => h.nodeId === id)?.changes ?? [];
      zonesPart.handBackFit = listed.map((h) => ({
        nodeId: h.nodeId,
        capacityOrdersPerDay: capacity.get(h.nodeId) ?? 0,
        listedZones: h.changes.length,
        listedOrdersPerDay: h.changes.reduce((a, c) => a + c.demandOrdersPerDay, 0),
        handedBackZones: zonesOf(fitted, h.nodeId).length,
        handedBackOrdersPerDay: zonesOf(fitted, h.nodeId).reduce((a, c) => a + c.demandOrdersPerDay, 0),
      }));
      zonesPart.handBack = fitted;
    } catch (e) {
      // Without the roster's capacity nothing is handed back (as "none").
      zonesPart.handBack = [];
      note('plan.hand_back_not_fitted', { reason: e instanceof Error ? e.message : String(e) }, `zone hand-back: the roster's capacity could not be drafted, no zone is handed back (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const afterHandBack = afterHandBackOf((zonesPart.handBack ?? []) as ZoneHandBack[]);

  // 7, started now when the solves run in a pool of workers: the roster needs only the zones part
  // (the orders each node serves, the hand-back), so it is drafted while targets, sourcing and
  // trips are; its MIP runs to its time limit (3 s of the draft on the demo) in one worker while
  // this thread and the other workers plan the rest. With one solver at a time (in process, or a
  // pool of one worker) it waits for step 7, as sourcing's solves would otherwise queue behind it.
  // Settled at once, so that its failure waits for step 7.
  const startStaffing = () => {
    const startedMs = Date.now();
    return roster(afterHandBack).then(
      (part) => ({ ok: true as const, part, ms: Date.now() - startedMs }),
      (error: unknown) => ({ ok: false as const, error, ms: Date.now() - startedMs }),
    );
  };
  const staffingRun = (deps.solver.concurrency ?? 1) > 1 ? startStaffing() : null;
  // A part that fails below ends the draft, and its transaction: the roster's reads end first.
  const failAfterStaffing = async (part: string, e: unknown): Promise<never> => {
    await staffingRun;
    return partFailed(part, e);
  };

  // 4. Targets (planning context): essentials at the multipliers, on the demand each node serves
  // after the plan. A trading node that gains zones is surged on that demand (its multiplier ×
  // orders after ÷ orders before); one that gains none only lends: it keeps `lenderDaysOfCover`
  // days of its own demand, so the stock above that can go to the nodes that took the zones.
  // A node with no zones before keeps the plain multipliers (no ratio to scale by); the
  // emergency warehouse gets its demand and targets on apply (emergency_demand).
  const surge = spec.multipliers ?? { essential: 5, key: 10 };
  const lenderDays = options.lenderDaysOfCover ?? 2;
  const byNode: Record<string, { essential: number; key: number }> = {};
  const gaining: string[] = [];
  const lending: string[] = [];
  const untilHandBack: string[] = [];
  // Zones a node holds only until a store's hand-back are stocked for that time, no longer: their
  // cover (in days) is at most the days until the hand-back, so no stock is left for zones that
  // have moved away (it was: Yicheng wrote off 13,117 units in the simulation).
  const reopenAtMs = spec.reopenOnlineOnlyAt ? Date.parse(spec.reopenOnlineOnlyAt) : null;
  const holdDays = reopenAtMs === null ? Infinity : Math.max(0, (reopenAtMs - time.fromMs) / 86_400_000);
  const scaled = (m: number, a: number, h: number, b: number) => Math.round((m * (Math.min(a, h) / b) + Math.min(m, holdDays) * (Math.max(0, a - h) / b)) * 100) / 100;
  for (const n of nodes) {
    // A store the lockdown suspends at the apply is neither surged nor a lender (it gives nothing).
    if (!DELIVERY.has(n.kind) || !takesOnlineOrders(immediate.get(n.id) ?? n.status)) continue;
    const b = base.get(n.id) ?? 0;
    const a = after.get(n.id) ?? 0;
    const h = Math.max(0, afterHandBack.get(n.id) ?? a);
    if (a > b && b > 0) {
      byNode[n.id] = { essential: scaled(surge.essential, a, h, b), key: scaled(surge.key, a, h, b) };
      gaining.push(n.id);
    } else if (a > b && h === 0 && holdDays < Infinity) {
      // No zones of its own, and those it takes go back at the hand-back: stocked for that time
      // only (Taihe Plaza wrote off 9,427 units when stocked at the plain multipliers).
      byNode[n.id] = { essential: Math.round(Math.min(surge.essential, holdDays) * 100) / 100, key: Math.round(Math.min(surge.key, holdDays) * 100) / 100 };
      untilHandBack.push(n.id);
    } else if (a <= b) {
      byNode[n.id] = { essential: lenderDays, key: lenderDays };
      lending.push(n.id);
    }
  }
  // Capped at each item's shelf life: fresh goods at 5-10 days of cover expired unsold (write-offs).
  const multipliers = { essential: surge.essential, key: surge.key, byNode, capAtShelfLife: true };
  let targetsPart: TargetsPart = { multipliers, nodes: [] };
  try {
    const targets = await planning.currentTargets(db, { multipliers });
    targetsPart = { multipliers, surged: gaining, untilHandBack, holdDays: Number.isFinite(holdDays) ? Math.round(holdDays * 100) / 100 : null, lendersOnly: lending, lenderDaysOfCover: lenderDays, nodes: targetsByNode(targets) };
  } catch (e) {
    await failAfterStaffing('targets', e);
  }
  const tgt = targetsPart.nodes as Array<{ targetUnits: number; baselineUnits: number }>;
  const essentialDaysOfCover = tgt.length ? Math.round((10 * tgt.reduce((a, b) => a + b.targetUnits, 0)) / Math.max(1, tgt.reduce((a, b) => a + b.baselineUnits, 0))) / 10 : null;

  lap('statuses_zones_targets');


  // 5. Sourcing (planning context): a draft sourcing plan toward the targets, for the affected
  // nodes that will trade (givers stay network-wide). The warehouse is a receiver once it exists.
  // Receivers serve orders after the plan. A node the lockdown suspends at the apply is no
  // receiver, even if it reopens online-only later: goods sent now would sit in a sealed store (the
  // Dazu Plaza store was asked 44,851 units while suspended); it is stocked again by the ordinary
  // replenishment once it trades. A store whose zones all moved away receives nothing either.
  const receivers = [...affected].filter((id) => current.has(id) && takesOnlineOrders(immediate.get(id) ?? current.get(id)!) && takesOnlineOrders(finalStatus.get(id) ?? 'open') && (after.get(id) ?? 0) > 0).sort();
  if (ewNode && !current.has(ewNode.id)) note('plan.warehouse_not_sourced', { node: ewNode.nameZh, nodeEn: ewNode.nameEn ?? ewNode.nameZh }, `sourcing: the emergency warehouse ${ewNode.id} is not a node until the plan is applied; apply gives it the demand it takes over and plans its stock (steps emergency_demand and emergency_sourcing)`);
  let sourcingPart: SourcingPart = { planId: null, summary: null, receivers };
  let transferLines: Array<{ fromNodeId: string; toNodeId: string; itemId: string; quantity: number }> = [];
  let supplierLines: SupplierLine[] = [];
  if (receivers.length === 0) note('plan.no_receivers', {}, 'sourcing: no affected node that keeps trading needs stock');
  else {
    try {
      // Givers as the lockdown leaves them at the apply: a store it suspends gives nothing (sealed,
      // no one may pick there; Dazu Plaza was lending 24,609 units); from its online-only reopening
      // it needs its stock for the zones it takes back, so it lends nothing in this plan either.
      const sp = await planning.createPlan(db, deps.solver, { multipliers, receivers, statuses: Object.fromEntries(immediate), params: { timeLimitS: options.sourcingTimeLimitS ?? 10 } }, now);
      sourcingPart = { planId: sp.id, receivers, summary: sp.summary, documents: sp.documents.length, lines: sp.lines.length, shortages: sp.shortages.length };
      transferLines = (sp.lines as any[]).filter((l) => l.kind === 'transfer' && l.fromNodeId).map((l) => ({ fromNodeId: l.fromNodeId, toNodeId: l.toNodeId, itemId: l.itemId, quantity: l.quantity }));
      // Supplier orders reach the chain's hub; the chain's trucks take them on (the trips part plans them as the apply does).
      supplierLines = (sp.lines as any[]).filter((l) => l.kind === 'supplier_order').map((l) => ({ supplierId: l.supplierId, toNodeId: l.toNodeId, itemId: l.itemId, quantity: l.quantity, expedited: !!l.expedited, arrivalH: Number(l.arrivalH) }));
      const others = (sp.lines as any[]).filter((l) => l.kind !== 'transfer' && l.kind !== 'supplier_order').length;
      if (others > 0) note('plan.lines_not_trips', { n: others }, `trips: ${others} diversion lines arrive with the DC's own transport and are not in the trips part`);
    } catch (e) {
      await failAfterStaffing('sourcing', e);
    }
  }
  lap('sourcing');

  // 6. Trips (trips context): the transfers as trips, cold chain over the day and ambient on the waves.
  let tripsPart: TripsPart = { trips: 0, coldChainTrips: 0, ambientTrips: 0, dryIceBags: 0, icePacks: 0, coolantPacks: 0, loads: 0, unassigned: [] };
  if (transferLines.length + supplierLines.length > 0) {
    try {
      const drafted = await draftTrips(db, transferLines, { fromMs, days: options.tripsDays ?? 2, budgetMs: options.tripsBudgetMs, maxIterations: options.tripsMaxIterations, solve: deps.routing }, supplierLines);
      tripsPart = drafted;
      if (drafted.unassigned.length > 0) note('plan.loads_without_trip', { n: drafted.unassigned.length, loads: drafted.loads, days: drafted.days }, `trips: ${drafted.unassigned.length} of ${drafted.loads} loads found no trip within ${drafted.days} day(s) (see the trips part)`);
    } catch (e) {
      await failAfterStaffing('trips', e);
    }
  }
  lap('trips');

  // 7. Staffing (workforce context): a roster for the affected nodes and their lenders (drafted
  // since the zones part when the solves run in a pool, above). `staffing` is its own wall time,
  // `staffing_wait` what the draft still waited for it after the trips.
  let staffingPart: StaffingPart = { staffHoursAssigned: 0, unmetRoleHours: 0, byNode: [], roster: null };
  const staffed = await (staffingRun ?? startStaffing());
  if (staffed.ok) {
    staffingPart = staffed.part;
    if (staffingPart.unmetRoleHours > 0) note('plan.role_hours_unmet', { n: staffingPart.unmetRoleHours }, `staffing: ${staffingPart.unmetRoleHours} role-hours cannot be covered by the people within reach (see the staffing part)`);
  } else partFailed('staffing', staffed.error);
  lap('staffing_wait');
  timings.staffing = staffed.ms;

  const summary: PlanSummary = {
    ordersPerDayCovered: Math.max(0, totalDemand - unservedOrders),
    ordersPerDayNotCovered: unservedOrders,
    essentialDaysOfCover,
    trips: tripsPart.trips,
    coldChainTrips: tripsPart.coldChainTrips,
    ambientTrips: tripsPart.ambientTrips,
    dryIceBags: tripsPart.dryIceBags,
    icePacks: tripsPart.icePacks,
    coolantPacks: tripsPart.coolantPacks,
    tripsUnassignedLoads: tripsPart.unassigned.length,
    staffHoursAssigned: staffingPart.staffHoursAssigned,
    staffHoursPerDay: staffingPart.staffHoursPerDay ?? 0,
    unmetRoleHours: staffingPart.unmetRoleHours,
    notes,
    noteCodes,
    timingsMs: timings,
  };
  void movableServed;
  const plan = await store.createPlan(db, incidentId, 'response', summary, [
    { part: 'node_status', content: { changes: statusChanges, controlAreas: spec.areas.map((a) => a.id) } },
    { part: 'emergency_warehouse', content: { node: ewNode } },
    { part: 'zones', content: zonesPart },
    { part: 'targets', content: targetsPart },
    { part: 'sourcing', content: sourcingPart },
    { part: 'trips', content: tripsPart },
    { part: 'staffing', content: staffingPart },
  ], now);
  await store.setIncidentStatus(db, incidentId, 'planned', now);
  return plan;
}

/** A part that could not be drafted is an error naming the part (issue 16), not a note in the summary. */
function partFailed(part: string, e: unknown): never {
  if (e instanceof DomainException) throw new DomainException({ ...e.error, message: `drafting the ${part} part failed: ${e.error.message}`, field: e.error.field ? `${part}.${e.error.field}` : part });
  throw new Error(`drafting the ${part} part failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** The stores that reopen online-only during the incident, and when (the node_status part's changes). */
export function reopenings(changes: ReadonlyArray<{ nodeId: string; from: string; to: string; at: string }>, reopenOnlineOnlyAt: string | undefined): Array<{ nodeId: string; at: string }> {
  if (!reopenOnlineOnlyAt) return [];
  return changes.filter((c) => c.to === 'online_only' && c.from === 'suspended').map((c) => ({ nodeId: c.nodeId, at: c.at }));
}

/**
 * The orders a day a node's roster can serve from a hand-back on: its order slots' capacity
 * (the day's slot template, as apply sets it from the roster: staff-capacity.ts), on the least
 * staffed roster day from the hand-back's day to the roster's end (0 when none is left).
 */
export function handBackDayCapacity(roster: StoredRoster | null | undefined, nodeId: string, atMs: number, rosterStartMs: number, rosterDays: number): number {
  if (!roster) return 0;
  const t = DEFAULT_SLOT_TEMPLATE;
  const first = Math.max(0, Math.floor((atMs - rosterStartMs) / 86_400_000));
  let least: number | null = null;
  for (let d = first; d < rosterDays; d++) {
    const slots = capacityPerSlot(nodeId, roster.result.assignments, roster.problem.shifts, { slotMin: t.slotLengthMin, fromMin: d * 1440 + t.firstStartMin, toMin: d * 1440 + t.lastEndMin, rates: roster.rates });
    const day = slots.reduce((a, c) => a + c.ordersPerSlot, 0);
    least = least === null ? day : Math.min(least, day);
  }
  return least ?? 0;
}
