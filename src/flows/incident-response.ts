import type { Kysely } from 'kysely';
import type { MipSolver } from '../domain/shared/mip.ts';
import type { SolveFn } from '../domain/trips/plan.ts';
import { DomainException, fail, unwrap } from '../domain/shared/result.ts';
import { circlePolygon } from '../domain/zones/control-area.ts';
import { geometryAreaM2, geometryCentroid, type AreaGeometry } from '../domain/zones/geometry.ts';
import { planReassignment } from '../domain/zones/reassignment.ts';
import { zoneAllocation } from '../domain/zones/zone.ts';
import { defaultTravel } from '../domain/geo/travel.ts';
import { takesOnlineOrders, type NodeInput, type NodeStatus } from '../domain/network/model.ts';
import { reconcile, type DayFigures, type ReconciliationLine } from '../domain/incidents/reconciliation.ts';
import type { IncidentInput, PlanSummary } from '../domain/incidents/model.ts';
import { compileScenario, type ScenarioFile } from '../domain/simulation/scenario.ts';
import { runSimulation } from '../domain/simulation/engine.ts';
import { compareSummaries } from '../domain/simulation/kpi.ts';
import * as network from '../store/network.ts';
import * as zones from '../store/zones.ts';
import * as planning from '../store/planning.ts';
import * as inventory from '../store/inventory.ts';
import * as store from '../store/incidents.ts';
import * as orders from '../store/orders.ts';
import { daySlots, localDay } from '../domain/orders/slots.ts';
import { draftTrips } from './incident-trips.ts';
import { loadScenario } from './incident-simulate.ts';
import { loadScenarioNetwork } from '../store/demo.ts';
import { demoIncident, type DemoScenarioFacts } from '../domain/incidents/demo.ts';
import { applyRoster, draftRoster, undoRoster, type RosterStepResult, type SiteTimeline } from './incident-staffing.ts';

/**
 * The incident response as a flow across contexts. Drafting asks each context's
 * planner (zones: reassignment; planning: targets and sourcing) and writes one
 * reviewable plan; applying runs the plan as steps, each with a compensation, so
 * a failure part-way undoes the steps already done; lifting undoes the incident.
 */
type Db = Kysely<any>;
export interface FlowDeps {
  db: Db;
  solver: MipSolver;
  /** The routing solver for the trips part (the server's worker pool); default in-process. */
  routing?: SolveFn;
  now: () => Date;
}

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
}

const DELIVERY = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);
/** Simulation only: the scenario engine's staff model (people per node at a rate). */
const ORDERS_PER_STAFF_HOUR = 6;
const COLD_TRIP_L = 6000;
const AMBIENT_TRIP_L = 8000;
const COOLANT_PER_COLD_TRIP = 300;

function areaInput(a: IncidentInput['areas'][number]) {
  const geometry = a.geometry ?? (a.circle ? circlePolygon({ lat: a.circle.lat, lng: a.circle.lng }, a.circle.radiusM) : null);
  if (!geometry) fail({ code: 'validation_failed', message: `area ${a.id} needs a geometry or a circle`, field: `areas.${a.id}.geometry`, expected: 'a GeoJSON Polygon/MultiPolygon or circle {lat,lng,radiusM}', actual: '(missing)' });
  return { id: a.id, name: a.name ?? a.id, level: a.level, geometry, startsAt: a.startsAt, endsAt: a.endsAt ?? null, allowOnlineOnly: a.allowOnlineOnly ?? false };
}

/** Declares an incident: checks its references (template node, affected nodes) and stores it. */
export async function declareIncident(db: Db, input: IncidentInput, now: Date) {
  for (const [k, id] of (input.affectedNodeIds ?? []).entries()) await network.requireNode(db, id, `affectedNodeIds.${k}`);
  if (input.emergencyWarehouse) {
    await network.requireNode(db, input.emergencyWarehouse.templateNodeId, 'emergencyWarehouse.templateNodeId');
    if (await network.getNode(db, input.emergencyWarehouse.id)) {
      fail({ code: 'duplicate', message: `node ${input.emergencyWarehouse.id} already exists`, field: 'emergencyWarehouse.id', expected: 'a new node id', actual: input.emergencyWarehouse.id });
    }
  }
  for (const [k, a] of input.areas.entries()) {
    try {
      await zones.previewControlArea(db, areaInput(a));
    } catch (e) {
      if (e instanceof DomainException) throw new DomainException({ ...e.error, field: `areas.${k}.${e.error.field ?? ''}`.replace(/\.$/, '') });
      throw e;
    }
  }
  return store.createIncident(db, input, now);
}

/**
 * The built-in scenario's incident (Yizhuang, June 2022): its three control areas, the emergency
 * warehouse and the store reopening online-only, declared in one call. `startsAt` moves the whole
 * incident in time (default: the scenario's own dates). Nothing is drafted or applied.
 */
export async function declareDemoIncident(db: Db, now: Date, o: { id?: string; startsAt?: string } = {}) {
  if (o.startsAt !== undefined && Number.isNaN(Date.parse(o.startsAt))) fail({ code: 'validation_failed', message: `startsAt: expected an ISO date-time, got ${JSON.stringify(o.startsAt)}`, field: 'startsAt', expected: 'an ISO date-time', actual: o.startsAt });
  const loaded = loadScenario('yizhuang-2022');
  if (!loaded.ok) throw new DomainException(loaded.error);
  const f = loaded.value.file as any;
  const net = loadScenarioNetwork();
  const reopen = (f.response?.actions ?? []).find((a: any) => a.kind === 'node_status' && a.status === 'online_only');
  const ew = net.emergencyWarehouse;
  const facts: DemoScenarioFacts = {
    name: f.incident?.name ?? f.title ?? f.name,
    startDate: f.startDate,
    areas: (f.incident?.controlAreas ?? []).map((a: any) => ({ id: a.id, name: a.name ?? a.id, level: a.level, lat: a.lat, lng: a.lng, radiusM: a.radiusM, from: a.from })),
    emergencyWarehouse: ew ? { id: ew.id, templateNodeId: ew.templateNodeId, nameZh: ew.nameZh, nameEn: ew.nameEn, lat: ew.lat, lng: ew.lng } : null,
    reopenOnlineOnly: reopen ? reopen.at : null,
  };
  return declareIncident(db, demoIncident(facts, o), now);
}

/** The emergency warehouse as a node: the template's settings, with the new id, name and place. */
export async function emergencyNode(db: Db, ew: NonNullable<IncidentInput['emergencyWarehouse']>): Promise<NodeInput> {
  const t = await network.requireNode(db, ew.templateNodeId, 'emergencyWarehouse.templateNodeId');
  return {
    id: ew.id, kind: 'emergency_warehouse', nameZh: ew.nameZh, nameEn: ew.nameEn, lat: ew.lat, lng: ew.lng, locationConfidence: 'estimate',
    openingHours: t.openingHours, dailyOrderCapacity: ew.dailyOrderCapacity ?? t.dailyOrderCapacity, storageUnit: t.storageUnit,
    storageAmbient: ew.storageAmbient ?? t.storageAmbient, storageChilled: ew.storageChilled ?? t.storageChilled, storageFrozen: ew.storageFrozen ?? t.storageFrozen,
    maxDeliveryRadiusM: ew.maxDeliveryRadiusM ?? t.maxDeliveryRadiusM, statusReason: `emergency warehouse, settings copied from ${t.id}`,
  } as NodeInput;
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
  if (inc.status === 'lifted') fail({ code: 'conflict', message: `incident ${incidentId} was lifted`, field: 'id', expected: 'an incident not lifted', actual: inc.status });
  const spec = inc.spec;
  const nodes = await network.listNodes(db);
  const notes: string[] = [];

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
    ...nodes.filter((n) => DELIVERY.has(n.kind)).map((n) => ({ id: n.id, lat: n.lat, lng: n.lng, trading: takesOnlineOrders(immediate.get(n.id) ?? n.status), dailyOrderCapacity: n.dailyOrderCapacity, maxDeliveryRadiusM: n.maxDeliveryRadiusM })),
    ...(ewNode ? [{ id: ewNode.id, lat: ewNode.lat, lng: ewNode.lng, trading: true, dailyOrderCapacity: ewNode.dailyOrderCapacity ?? 0, maxDeliveryRadiusM: ewNode.maxDeliveryRadiusM ?? 0 }] : []),
  ];
  let zonesPart: any = { changes: [], unserved: [], totals: { servedOrdersPerDay: 0, unservedOrdersPerDay: 0 }, note: 'no delivery zones stored: import or generate zones first' };
  if (storedZones.length > 0) {
    const r = await planReassignment(
      { zones: storedZones.map((z) => ({ id: z.id, centroid: z.centroid, demandOrdersPerDay: z.demandOrdersPerDay, current: zoneAllocation(z) })), nodes: plannerNodes, scope: 'affected', allowSplit: false },
      { travel: defaultTravel, solver: deps.solver, timeLimitS: 20 },
    );
    if (r.ok) zonesPart = { method: r.value.method, changes: r.value.changes, unserved: r.value.unserved, nodeLoads: r.value.nodeLoads, totals: r.value.totals };
    else notes.push(`zone planner: ${r.error.message}`);
  } else notes.push(zonesPart.note);
  const totalDemand = storedZones.reduce((a, z) => a + z.demandOrdersPerDay, 0);
  const movableServed = zonesPart.totals.servedOrdersPerDay ?? 0;
  const unservedOrders = zonesPart.totals.unservedOrdersPerDay ?? 0;

  // 4. Targets (planning context): essentials at the multipliers.
  const multipliers = spec.multipliers ?? { essential: 5, key: 10 };
  let targetsPart: any = { multipliers, nodes: [] };
  try {
    const targets = await planning.currentTargets(db, { multipliers });
    const byNode = new Map<string, { items: number; targetUnits: number; baselineUnits: number; capped: number }>();
    for (const t of targets) {
      const b = byNode.get(t.nodeId) ?? { items: 0, targetUnits: 0, baselineUnits: 0, capped: 0 };
      b.items++;
      b.targetUnits += t.targetUnits;
      b.baselineUnits += t.baselineDailyUnits;
      if (t.cappedBy) b.capped++;
      byNode.set(t.nodeId, b);
    }
    targetsPart = { multipliers, nodes: [...byNode].map(([nodeId, b]) => ({ nodeId, ...b, daysOfCover: b.baselineUnits ? Math.round((10 * b.targetUnits) / b.baselineUnits) / 10 : null })) };
  } catch (e) {
    notes.push(`targets: ${(e as Error).message}`);
  }
  const tgt = targetsPart.nodes as Array<{ targetUnits: number; baselineUnits: number }>;
  const essentialDaysOfCover = tgt.length ? Math.round((10 * tgt.reduce((a, b) => a + b.targetUnits, 0)) / Math.max(1, tgt.reduce((a, b) => a + b.baselineUnits, 0))) / 10 : null;

  lap('statuses_zones_targets');

  // The nodes the incident touches: status changes, named nodes, nodes taking zones, the warehouse.
  const affected = new Set<string>([...statusChanges.map((c) => c.nodeId), ...(spec.affectedNodeIds ?? [])]);
  for (const c of zonesPart.changes ?? []) if (c.newNodeId) affected.add(c.newNodeId);
  if (ewNode) affected.add(ewNode.id);
  const startMs = Math.min(...spec.areas.map((a) => Date.parse(a.startsAt)));
  const fromMs = Math.max(startMs, now.getTime());

  // 5. Sourcing (planning context): a draft sourcing plan toward the targets, for the affected
  // nodes that will trade (givers stay network-wide). The warehouse is a receiver once it exists.
  const current = new Map(nodes.map((n) => [n.id, n.status as NodeStatus]));
  const receivers = [...affected].filter((id) => current.has(id) && takesOnlineOrders(current.get(id)!) && takesOnlineOrders(finalStatus.get(id) ?? 'open')).sort();
  if (ewNode && !current.has(ewNode.id)) notes.push(`sourcing: the emergency warehouse ${ewNode.id} is not a node until the plan is applied; plan its stock then (POST /api/planning/plans with receivers [${ewNode.id}])`);
  let sourcingPart: any = { planId: null, summary: null, receivers };
  let transferLines: Array<{ fromNodeId: string; toNodeId: string; itemId: string; quantity: number }> = [];
  if (receivers.length === 0) notes.push('sourcing: no affected node that keeps trading needs stock');
  else {
    try {
      const sp = await planning.createPlan(db, deps.solver, { multipliers, receivers, params: { timeLimitS: options.sourcingTimeLimitS ?? 10 } }, now);
      sourcingPart = { planId: sp.id, receivers, summary: sp.summary, documents: sp.documents.length, lines: sp.lines.length, shortages: sp.shortages.length };
      transferLines = (sp.lines as any[]).filter((l) => l.kind === 'transfer' && l.fromNodeId).map((l) => ({ fromNodeId: l.fromNodeId, toNodeId: l.toNodeId, itemId: l.itemId, quantity: l.quantity }));
      const others = (sp.lines as any[]).filter((l) => l.kind !== 'transfer').length;
      if (others > 0) notes.push(`trips: ${others} supplier-order and diversion lines arrive with the supplier's or the DC's own transport and are not in the trips part`);
    } catch (e) {
      notes.push(`sourcing: ${(e as Error).message}`);
    }
  }
  lap('sourcing');

  // 6. Trips (trips context): the transfers as trips, cold chain over the day and ambient on the waves.
  let tripsPart: any = { trips: 0, coldChainTrips: 0, ambientTrips: 0, dryIceBags: 0, icePacks: 0, coolantPacks: 0, loads: 0, unassigned: [] };
  if (transferLines.length > 0) {
    try {
      tripsPart = await draftTrips(db, transferLines, { fromMs, days: options.tripsDays ?? 2, budgetMs: options.tripsBudgetMs, maxIterations: options.tripsMaxIterations, solve: deps.routing });
      if (tripsPart.unassigned.length > 0) notes.push(`trips: ${tripsPart.unassigned.length} of ${tripsPart.loads} loads found no trip within ${tripsPart.days} day(s) (see the trips part)`);
    } catch (e) {
      notes.push(`trips: ${(e as Error).message}`);
    }
  }
  lap('trips');

  // 7. Staffing (workforce context): a roster for the affected nodes and their lenders.
  const base = new Map<string, number>();
  for (const z of storedZones) if (z.servingNodeId) base.set(z.servingNodeId, (base.get(z.servingNodeId) ?? 0) + z.demandOrdersPerDay);
  const after = new Map(base);
  const movedFrom = new Map<string, Array<{ to: string; orders: number }>>();
  for (const c of zonesPart.changes ?? []) {
    const served = Math.max(0, c.demandOrdersPerDay - (c.unservedOrdersPerDay ?? 0));
    if (c.oldNodeId) after.set(c.oldNodeId, (after.get(c.oldNodeId) ?? 0) - c.demandOrdersPerDay);
    if (c.newNodeId) after.set(c.newNodeId, (after.get(c.newNodeId) ?? 0) + served);
    if (c.oldNodeId && c.newNodeId) movedFrom.set(c.oldNodeId, [...(movedFrom.get(c.oldNodeId) ?? []), { to: c.newNodeId, orders: served }]);
  }
  const reopenMs = spec.reopenOnlineOnlyAt ? Date.parse(spec.reopenOnlineOnlyAt) : null;
  const reopened = new Set(statusChanges.filter((c) => c.to === 'online_only' && spec.reopenOnlineOnlyAt).map((c) => c.nodeId));
  const lockdownIds = new Set(statusChanges.filter((c) => c.to === 'suspended' || c.to === 'online_only').map((c) => c.nodeId));
  const timelines: SiteTimeline[] = [];
  for (const n of [...nodes.filter((x) => DELIVERY.has(x.kind)), ...(ewNode ? [{ id: ewNode.id, status: 'closed' as NodeStatus }] : [])]) {
    const trading0 = takesOnlineOrders(current.get(n.id) ?? 'closed');
    const periods = [
      { fromMs: 0, ordersPerDay: Math.max(0, base.get(n.id) ?? 0), trading: trading0 },
      { fromMs: n.id === ewNode?.id ? Math.min(fromMs, startMs) : startMs, ordersPerDay: Math.max(0, after.get(n.id) ?? 0), trading: n.id === ewNode?.id || takesOnlineOrders(immediate.get(n.id) ?? (current.get(n.id) ?? 'closed')) },
    ];
    if (reopenMs !== null) {
      // A node reopening online-only takes its own zones back; the nodes that held them give them up.
      if (reopened.has(n.id)) periods.push({ fromMs: reopenMs, ordersPerDay: Math.max(0, base.get(n.id) ?? 0), trading: true });
      const back = [...reopened].flatMap((id) => movedFrom.get(id) ?? []).filter((m) => m.to === n.id).reduce((a, m) => a + m.orders, 0);
      if (back > 0) periods.push({ fromMs: reopenMs, ordersPerDay: Math.max(0, (after.get(n.id) ?? 0) - back), trading: periods[1].trading });
    }
    timelines.push({ nodeId: n.id, affected: affected.has(n.id), periods, controlled: lockdownIds.has(n.id), closedLoopFromMs: reopened.has(n.id) ? reopenMs : null });
  }
  let staffingPart: any = { staffHoursAssigned: 0, unmetRoleHours: 0, byNode: [], roster: null };
  try {
    const rosterStart = Date.parse(`${new Date(fromMs + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+08:00`);
    staffingPart = await draftRoster(db, deps.solver, {
      startsAtMs: rosterStart,
      days: options.rosterDays ?? 3,
      sites: timelines,
      extraNodes: ewNode && !current.has(ewNode.id) ? [{ id: ewNode.id, name: ewNode.nameZh, lat: ewNode.lat, lng: ewNode.lng, status: 'open', dailyOrderCapacity: ewNode.dailyOrderCapacity ?? 0 }] : [],
      timeLimitS: options.rosterTimeLimitS,
    });
    if (staffingPart.unmetRoleHours > 0) notes.push(`staffing: ${staffingPart.unmetRoleHours} role-hours cannot be covered by the people within reach (see the staffing part)`);
  } catch (e) {
    notes.push(`staffing: ${(e as Error).message}`);
  }
  lap('staffing');

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

// ---------------------------------------------------------------------------------------------
// Apply: steps with compensations
// ---------------------------------------------------------------------------------------------

export interface Step {
  name: string;
  /** Does the step; returns what its compensation needs. */
  run(trx: Db): Promise<unknown>;
  /** Undoes the step, given what `run` returned. */
  compensate(trx: Db, result: unknown): Promise<void>;
}

export interface StepOutcome {
  ok: boolean;
  steps: Array<{ name: string; status: 'applied' | 'failed' | 'compensated' | 'compensation_failed'; error?: string }>;
  error?: unknown;
}

/**
 * Runs steps in order, each in its own transaction. When one fails, the steps
 * already applied are compensated in reverse order (each in its own
 * transaction), and every outcome is recorded through `record`.
 */
export async function runSteps(db: Db, steps: Step[], record: (position: number, name: string, status: string, result: unknown, error: string | null) => Promise<void>): Promise<StepOutcome> {
  const done: Array<{ step: Step; result: unknown; position: number }> = [];
  const out: StepOutcome = { ok: true, steps: [] };
  for (const [position, step] of steps.entries()) {
    try {
      const result = await db.transaction().execute((trx) => step.run(trx));
      done.push({ step, result, position });
      out.steps.push({ name: step.name, status: 'applied' });
      await record(position, step.name, 'applied', result, null);
    } catch (e) {
      out.ok = false;
      out.error = e;
      out.steps.push({ name: step.name, status: 'failed', error: (e as Error).message });
      await record(position, step.name, 'failed', null, (e as Error).message);
      for (const d of [...done].reverse()) {
        try {
          await db.transaction().execute((trx) => d.step.compensate(trx, d.result));
          out.steps[d.position].status = 'compensated';
          await record(d.position, d.step.name, 'compensated', d.result, null);
        } catch (ce) {
          out.steps[d.position].status = 'compensation_failed';
          out.steps[d.position].error = (ce as Error).message;
          await record(d.position, d.step.name, 'compensation_failed', d.result, (ce as Error).message);
        }
      }
      break;
    }
  }
  return out;
}

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

/** The reconciliation for one day: per node, from the ledger's movements and the sourcing documents. */
export async function reconcileDay(deps: FlowDeps, incidentId: string, day: string): Promise<ReconciliationLine[]> {
  const { db } = deps;
  await store.requireIncident(db, incidentId);
  const nodes = (await network.listNodes(db)).filter((n) => DELIVERY.has(n.kind) || n.kind === 'distribution_centre');
  const from = Date.parse(`${day}T00:00:00Z`);
  const to = from + 86_400_000;
  const rows: DayFigures[] = [];
  const docs = await planning.listPurchaseOrders(db, {}).catch(() => [] as any[]);
  for (const n of nodes) {
    const f: DayFigures = { nodeId: n.id, day, asked: 0, sent: 0, received: 0, sold: 0, writtenOff: 0, countedDelta: 0, transferVariance: 0 };
    for (const m of await inventory.movements(db, { nodeId: n.id, limit: 100_000 })) {
      const t = Date.parse(m.postedAt);
      if (t < from || t >= to) continue;
      if (m.kind === 'receipt' || m.kind === 'transfer_in') f.received += m.onHandDelta;
      if (m.kind === 'transfer_out') f.sent += m.quantity;
      if (m.kind === 'pick') f.sold += m.quantity;
      if (m.kind === 'write_off') f.writtenOff += m.quantity;
      if (m.kind === 'count_adjustment') f.countedDelta += m.onHandDelta;
      if (m.kind === 'transfer_in') f.transferVariance += m.varianceQuantity;
    }
    for (const po of docs as any[]) {
      const created = Date.parse(po.createdAt ?? '');
      if (po.toNodeId === n.id && created >= from && created < to) f.asked += (po.lines ?? []).reduce((a: number, l: any) => a + (l.quantity ?? 0), 0);
    }
    rows.push(f);
  }
  const lines = reconcile(rows);
  await store.saveReconciliation(db, incidentId, day, lines as any, deps.now());
  return lines;
}

/**
 * Simulates the incident's current plan against no response: the database's
 * network, zones and plan become a scenario (the same format as the files), and
 * the engine runs both policies on the same seed.
 */
export async function simulateIncident(deps: FlowDeps, incidentId: string, o: { days?: number; seed?: number; ordersMultiplier?: number; multipliers?: { essential: number; key: number } } = {}) {
  const { db } = deps;
  const inc = await store.requireIncident(db, incidentId);
  const plan = await store.latestPlan(db, incidentId, 'response');
  const nodes = await network.listNodes(db);
  const items = (await network.listItems(db, { limit: 1_000_000 } as any)).items;
  const demand = (await network.listDemand(db, { limit: 10_000_000 } as any)).rows;
  const stored = await zones.listZones(db);
  const start = Math.min(...inc.spec.areas.map((a) => Date.parse(a.startsAt)));
  const startDate = new Date(start).toISOString().slice(0, 10);
  const at = (isoTime: string) => {
    const s = Math.max(0, (Date.parse(isoTime) - Date.parse(`${startDate}T00:00:00Z`)) / 1000);
    const day = Math.floor(s / 86400);
    const m = Math.floor((s % 86400) / 60);
    return { day, time: `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}` };
  };
  const later = (isoTime: string, minutes: number) => at(new Date(Date.parse(isoTime) + minutes * 60_000).toISOString());
  const delivery = nodes.filter((n) => DELIVERY.has(n.kind));
  const zoneList = stored.length > 0
    ? stored.map((z) => ({ id: z.id, lat: z.centroid.lat, lng: z.centroid.lng, ordersPerDay: z.demandOrdersPerDay, nodeIds: [z.servingNodeId, ...z.backupNodeIds].filter((x): x is string => !!x) }))
    : delivery.map((n) => ({ id: `z-${n.id}`, lat: n.lat, lng: n.lng, ordersPerDay: Math.round(n.dailyOrderCapacity / 3), nodeIds: [n.id] }));
  const source = nodes.find((n) => n.kind === 'distribution_centre') ?? nodes[0];
  const first = inc.spec.areas[0].startsAt;
  const ew = plan?.parts.find((p) => p.part === 'emergency_warehouse')?.content?.node as NodeInput | null | undefined;
  const statusPart = plan?.parts.find((p) => p.part === 'node_status')?.content as { changes: Array<{ nodeId: string; to: NodeStatus; at: string }> } | undefined;
  const mult = o.multipliers ?? inc.spec.multipliers ?? { essential: 5, key: 10 };
  const actions: any[] = [
    { at: later(first, 120), kind: 'reassign_zones', note: 'zones of closed nodes to the nodes that remain' },
    { at: later(first, 240), kind: 'targets', coverDays: { none: 1.5, essential: mult.essential, key: mult.key },
      waves: [{ depart: '03:00', classes: ['chilled', 'frozen'], leadTimeMin: 150 }, { depart: '13:00', classes: ['chilled', 'frozen'], leadTimeMin: 150 }, { depart: '05:00', classes: ['ambient'], leadTimeMin: 120 }, { depart: '15:00', classes: ['ambient'], leadTimeMin: 120 }], note: 'surge targets' },
  ];
  if (ew) {
    const tpl = inc.spec.emergencyWarehouse!.templateNodeId;
    const { id, nameZh, nameEn, lat, lng, dailyOrderCapacity, maxDeliveryRadiusM } = ew as any;
    actions.push({ at: later(first, 18 * 60), kind: 'open_node', templateNodeId: tpl, node: { id, nameZh, nameEn, lat, lng, dailyOrderCapacity, maxDeliveryRadiusM }, note: 'emergency warehouse opens' });
    actions.push({ at: later(first, 18 * 60), kind: 'reassign_zones', note: 'zones to the emergency warehouse' });
  }
  for (const c of statusPart?.changes ?? []) if (c.to === 'online_only') {
    actions.push({ at: at(c.at), kind: 'node_status', nodeId: c.nodeId, status: 'online_only', note: 'reopens online-only' });
    actions.push({ at: at(c.at), kind: 'restore_zones', nodeId: c.nodeId, note: 'takes its zones back' });
  }
  const file: ScenarioFile = {
    format: 'baogong-scenario/1',
    name: `incident-${incidentId}`,
    startDate,
    days: o.days ?? 7,
    seed: o.seed ?? 1,
    network: { nodes: nodes.map(({ statusChangedAt: _s, ...n }) => ({ ...n, status: n.status === 'closed' ? 'closed' : 'open' })), items, baselineDemand: demand } as any,
    zones: zoneList,
    demand: { linesPerOrder: 4, twoUnitShare: 0.3 },
    staff: delivery.filter((n) => n.dailyOrderCapacity > 0).map((n) => ({ nodeId: n.id, staff: Math.max(1, Math.ceil(n.dailyOrderCapacity / 16 / ORDERS_PER_STAFF_HOUR)), ordersPerStaffHour: ORDERS_PER_STAFF_HOUR, shift: '06:00-22:00' })),
    fleet: { sourceNodeId: source.id, coldTripCapacityL: COLD_TRIP_L, ambientTripCapacityL: AMBIENT_TRIP_L, coolantPacksPerColdTrip: COOLANT_PER_COLD_TRIP, dailyUnits: 10_000_000 },
    normal: { coverDays: { none: 1.5, essential: 1.5, key: 1.5 }, waves: [{ depart: '03:00', classes: ['chilled', 'frozen', 'ambient'], leadTimeMin: 180 }] },
    incident: {
      name: inc.name,
      controlAreas: inc.spec.areas.map((a) => {
        const g = (a.geometry ?? circlePolygon({ lat: a.circle!.lat, lng: a.circle!.lng }, a.circle!.radiusM)) as AreaGeometry;
        const c = a.circle ?? { ...geometryCentroid(g), radiusM: Math.max(10, Math.round(Math.sqrt(geometryAreaM2(g) / Math.PI))) };
        return { id: a.id, name: a.name, level: a.level, lat: c.lat, lng: c.lng, radiusM: c.radiusM, from: at(a.startsAt), ...(a.endsAt ? { to: at(a.endsAt) } : {}) };
      }),
      events: [{ at: at(first), kind: 'demand', ordersMultiplier: o.ordersMultiplier ?? 3.3, tierMultipliers: { none: 0.5, essential: 1.4, key: 1.8 } }],
    },
    response: { name: 'response plan', actions },
  } as ScenarioFile;
  const compiled = await compileScenario(file, file.network as any, { solver: deps.solver });
  if (!compiled.ok) throw new DomainException(compiled.error);
  const a = runSimulation(compiled.value.noResponse, { stock: 'fast', series: false });
  const b = runSimulation(compiled.value.response, { stock: 'fast', series: false });
  return { days: a.days, seed: a.seed, a: { policy: a.policy, summary: a.summary }, b: { policy: b.policy, summary: b.summary }, comparison: compareSummaries(a.summary, b.summary), perDay: b.perDay.filter((r) => r.nodeId === '(all)') };
}
