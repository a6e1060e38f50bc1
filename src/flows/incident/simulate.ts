import { DomainException } from '../../domain/shared/result.ts';
import { circlePolygon } from '../../domain/zones/control-area.ts';
import { geometryAreaM2, geometryCentroid, type AreaGeometry } from '../../domain/zones/geometry.ts';
import { type NodeInput, type NodeStatus } from '../../domain/network/model.ts';
import { compileScenario, type ResponseActionInput, type ScenarioFile } from '../../domain/simulation/scenario.ts';
import { runSimulation, type SimReport } from '../../domain/simulation/engine.ts';
import { compareSummaries } from '../../domain/simulation/kpi.ts';
import { DEFAULT_CALENDAR, localTimeMs, operatingDay } from '../../domain/shared/calendar.ts';
import { scenarioInstant } from '../../domain/incidents/demo.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as store from '../../store/incidents.ts';
import * as planning from '../../store/planning.ts';
import { loadScenario } from '../incident-simulate.ts';
import { zonesPartProposal } from './apply.ts';
import { DELIVERY, planFingerprint, type FlowDeps } from './common.ts';

/**
 * Simulating the incident's drafted plan itself against no response (and, for the built-in
 * scenario, beside the chain's scripted 2022 response), on the one simulation engine the
 * scenario files use. The plan is played as its parts say: the zones part's exact assignments
 * and node changes, node statuses at their times, the targets part's multipliers, the sourcing
 * part's lines arriving after their lead times, the roster's people per node, the emergency
 * warehouse opening when the plan opens it (at apply). Demand is
 * the stored zones' (the level the plan is made for) with the incident's surge applied once, at
 * its start. After apply, the rest of the horizon is simulated from the network as it is now.
 */

/** The engine's staff model: orders picked and packed per staff-hour, on a 16-hour day. */
const ORDERS_PER_STAFF_HOUR = 6;
const SHIFT = '06:00-22:00';
const SHIFT_H = 16;
const COLD_TRIP_L = 6000;
const AMBIENT_TRIP_L = 8000;
const COOLANT_PER_COLD_TRIP = 300;
const SURGE_WAVES = [
  { depart: '03:00', classes: ['chilled', 'frozen'], leadTimeMin: 150 },
  { depart: '13:00', classes: ['chilled', 'frozen'], leadTimeMin: 150 },
  { depart: '05:00', classes: ['ambient'], leadTimeMin: 120 },
  { depart: '15:00', classes: ['ambient'], leadTimeMin: 120 },
];

export interface SimulateOptions {
  days?: number;
  seed?: number;
  /** Replaces the incident's own surge (orders relative to normal), e.g. to test a worse case. */
  ordersMultiplier?: number;
  /** Replaces the targets part's multipliers. */
  multipliers?: { essential: number; key: number };
  /** Also run the built-in scenario's scripted 2022 response (default: when the incident comes from it). */
  scripted?: boolean;
  /** Minutes after the incident's start at which the drafted plan is taken to be applied (default 120). */
  applyAfterMin?: number;
}

/**
 * A drafted plan is played as if applied this long after the incident starts: the 2022 chain's
 * first actions came two hours after the lockdown (10:00 → 12:00), so the plan and the scripted
 * response start on the same footing. Never the draft's wall-clock time: a plan drafted with
 * today's clock for an incident on other dates would otherwise act outside the horizon, and
 * the same plan would give different figures depending on when it was drafted.
 */
export const APPLY_AFTER_START_MIN = 120;

type Run = { policy: string; summary: SimReport['summary'] };

export async function simulateIncident(deps: FlowDeps, incidentId: string, o: SimulateOptions = {}) {
  const { db } = deps;
  const cal = DEFAULT_CALENDAR;
  const inc = await store.requireIncident(db, incidentId);
  const plan = await store.latestPlan(db, incidentId, 'response');
  const applied = plan?.status === 'applied';
  const part = (name: string) => plan?.parts.find((p) => p.part === name)?.content;
  const nodes = await network.listNodes(db);
  const items = (await network.listItems(db, { limit: 1_000_000 } as any)).items;
  const demand = (await network.listDemand(db, { limit: 10_000_000 } as any)).rows;
  const stored = await zones.listZones(db);

  // Time: day 0 is the incident's first operating day; after apply, today (the rest of the horizon).
  const horizon = o.days ?? 7;
  const incidentStartMs = Math.min(...inc.spec.areas.map((a) => Date.parse(a.startsAt)));
  const firstDay = operatingDay(incidentStartMs, cal);
  const nowMs = deps.now().getTime();
  const startDate = applied ? operatingDay(nowMs, cal) : firstDay;
  const elapsed = Math.round((Date.parse(`${startDate}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / 86_400_000);
  const days = applied ? Math.max(1, horizon - Math.max(0, elapsed)) : horizon;
  const day0Ms = localTimeMs(startDate, 0, cal);
  const atMs = (ms: number) => {
    const s = Math.max(0, Math.floor((ms - day0Ms) / 1000));
    const m = Math.floor((s % 86400) / 60);
    return { day: Math.floor(s / 86400), time: `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}` };
  };

  // Demand: the stored zones hold the incident level; before the start it is that ÷ the surge,
  // and the surge is applied once, at the start (not again after apply, when the start is past).
  const surge = o.ordersMultiplier ?? inc.spec.demandSurge?.ordersMultiplier ?? 1;
  const tiers = inc.spec.demandSurge?.tierMultipliers ?? { none: 1, essential: 1, key: 1 };
  const surgeInside = incidentStartMs > day0Ms;
  const zoneDivisor = surgeInside ? surge : 1;
  const delivery = nodes.filter((n) => DELIVERY.has(n.kind));
  const zoneList = stored.length > 0
    ? stored.map((z) => ({ id: z.id, lat: z.centroid.lat, lng: z.centroid.lng, ordersPerDay: z.demandOrdersPerDay / zoneDivisor, nodeIds: [z.servingNodeId, z.split?.nodeId, ...z.backupNodeIds].filter((x, i, a): x is string => !!x && a.indexOf(x) === i) }))
    : delivery.map((n) => ({ id: `z-${n.id}`, lat: n.lat, lng: n.lng, ordersPerDay: Math.round(n.dailyOrderCapacity / 3) / zoneDivisor, nodeIds: [n.id] }));
  const zoneIds = new Set(zoneList.map((z) => z.id));
  const source = nodes.find((n) => n.kind === 'distribution_centre') ?? nodes[0];

  // The plan's parts as response actions.
  const applyMs = incidentStartMs + (o.applyAfterMin ?? APPLY_AFTER_START_MIN) * 60_000;
  const multipliers = o.multipliers ?? part('targets')?.multipliers ?? inc.spec.multipliers ?? { essential: 5, key: 10 };
  const ew = part('emergency_warehouse')?.node as NodeInput | null | undefined;
  const statusPart = part('node_status') as { changes: Array<{ nodeId: string; to: NodeStatus; at: string }> } | undefined;
  const actions: ResponseActionInput[] = [];
  const planAt = applied ? { day: 0, time: '00:00' } : atMs(applyMs);
  if (plan) {
    actions.push({ at: planAt, kind: 'targets', coverDays: { none: 1.5, essential: multipliers.essential, key: multipliers.key }, waves: SURGE_WAVES as any, note: 'the targets part' });
    if (!applied) {
      if (ew) {
        const { id, nameZh, nameEn, lat, lng, dailyOrderCapacity, maxDeliveryRadiusM } = ew as any;
        actions.push({ at: planAt, kind: 'open_node', templateNodeId: inc.spec.emergencyWarehouse!.templateNodeId, node: { id, nameZh, nameEn, lat, lng, dailyOrderCapacity, maxDeliveryRadiusM }, note: 'the emergency warehouse opens when the plan is applied' });
      }
      const proposal = zonesPartProposal(part('zones'));
      for (const c of proposal.overrides) {
        actions.push({ at: planAt, kind: 'node_settings', nodeId: c.nodeId, ...(c.dailyOrderCapacity !== undefined ? { dailyOrderCapacity: c.dailyOrderCapacity } : {}), ...(c.maxDeliveryRadiusM !== undefined ? { maxDeliveryRadiusM: c.maxDeliveryRadiusM } : {}), note: 'the zones part\'s node change' });
      }
      const assignments = proposal.changes.filter((c) => zoneIds.has(c.zoneId)).map((c) => ({
        zoneId: c.zoneId,
        nodeIds: c.newNodeId ? [c.newNodeId, c.newSplit?.nodeId, ...c.newBackupNodeIds].filter((x, i, a): x is string => !!x && a.indexOf(x) === i) : [],
      }));
      if (assignments.length) actions.push({ at: planAt, kind: 'assign_zones', assignments, note: 'the zones part, exactly' });
    }
    // The sourcing part's documents: each line arrives at its receiver after its lead time from
    // the apply (transfers, supplier orders, diversions). The givers' side is not taken out.
    const sourcingId = part('sourcing')?.planId as string | null | undefined;
    const sp = !applied && sourcingId ? await planning.getPlan(db, sourcingId) : null;
    if (sp) {
      const byArrival = new Map<string, { nodeId: string; ms: number; lines: Map<string, number> }>();
      for (const l of sp.lines) {
        if (!nodes.some((n) => n.id === l.toNodeId) || l.quantity <= 0) continue;
        const ms = applyMs + Math.round(l.arrivalH * 60) * 60_000;
        const key = `${l.toNodeId}@${ms}`;
        const g = byArrival.get(key) ?? { nodeId: l.toNodeId, ms, lines: new Map<string, number>() };
        g.lines.set(l.itemId, (g.lines.get(l.itemId) ?? 0) + l.quantity);
        byArrival.set(key, g);
      }
      for (const g of byArrival.values()) {
        actions.push({ at: atMs(g.ms), kind: 'delivery', nodeId: g.nodeId, lines: [...g.lines].map(([itemId, quantity]) => ({ itemId, quantity })), note: 'the sourcing part' });
      }
    }
    // The roster's people at the nodes it staffs (a day's staff-hours over a 16-hour day).
    const staffing = part('staffing');
    const rosterDays = Math.max(1, Number(staffing?.days ?? 1));
    for (const b of (staffing?.byNode ?? []) as Array<{ nodeId: string; role: string; staffHours: number }>) {
      if (b.role !== 'affected' || !(nodes.some((n) => n.id === b.nodeId) || b.nodeId === ew?.id)) continue;
      actions.push({ at: planAt, kind: 'staff', nodeId: b.nodeId, staff: Math.round(b.staffHours / rosterDays / SHIFT_H), ordersPerStaffHour: ORDERS_PER_STAFF_HOUR, shift: SHIFT, note: 'the roster' });
    }
    for (const c of statusPart?.changes ?? []) {
      if (c.to !== 'online_only' || !nodes.some((n) => n.id === c.nodeId)) continue;
      const t = Date.parse(c.at);
      if (applied && t <= nowMs) continue;
      actions.push({ at: atMs(t), kind: 'node_status', nodeId: c.nodeId, status: 'online_only', note: 'reopens online-only' });
      actions.push({ at: atMs(t), kind: 'restore_zones', nodeId: c.nodeId, note: 'takes its zones back' });
    }
  }

  const areas = applied ? [] : inc.spec.areas.map((a) => {
    const g = (a.geometry ?? circlePolygon({ lat: a.circle!.lat, lng: a.circle!.lng }, a.circle!.radiusM)) as AreaGeometry;
    const c = a.circle ?? { ...geometryCentroid(g), radiusM: Math.max(10, Math.round(Math.sqrt(geometryAreaM2(g) / Math.PI))) };
    return { id: a.id, name: a.name, level: a.level, lat: c.lat, lng: c.lng, radiusM: c.radiusM, allowOnlineOnly: a.allowOnlineOnly ?? false, from: atMs(Date.parse(a.startsAt)), ...(a.endsAt ? { to: atMs(Date.parse(a.endsAt)) } : {}) };
  });
  const events = surgeInside && (surge !== 1 || tiers.none !== 1 || tiers.essential !== 1 || tiers.key !== 1)
    ? [{ at: atMs(incidentStartMs), kind: 'demand' as const, ordersMultiplier: surge, tierMultipliers: tiers, note: 'the incident\'s surge, applied once' }]
    : [];
  const file: ScenarioFile = {
    format: 'baogong-scenario/1',
    name: `incident-${incidentId}`,
    startDate,
    days,
    seed: o.seed ?? 1,
    network: { nodes: nodes.map(({ statusChangedAt: _s, ...n }) => ({ ...n })), items, baselineDemand: demand } as any,
    zones: zoneList,
    demand: { linesPerOrder: 4, twoUnitShare: 0.3 },
    staff: delivery.filter((n) => n.dailyOrderCapacity > 0).map((n) => ({ nodeId: n.id, staff: Math.max(1, Math.ceil(n.dailyOrderCapacity / SHIFT_H / ORDERS_PER_STAFF_HOUR)), ordersPerStaffHour: ORDERS_PER_STAFF_HOUR, shift: SHIFT })),
    fleet: { sourceNodeId: source.id, coldTripCapacityL: COLD_TRIP_L, ambientTripCapacityL: AMBIENT_TRIP_L, coolantPacksPerColdTrip: COOLANT_PER_COLD_TRIP, dailyUnits: 10_000_000 },
    normal: { coverDays: { none: 1.5, essential: 1.5, key: 1.5 }, waves: [{ depart: '03:00', classes: ['chilled', 'frozen', 'ambient'], leadTimeMin: 180 }] },
    incident: { name: inc.name, controlAreas: areas, events },
    response: { name: plan ? `plan ${plan.id.slice(0, 8)}` : 'no plan drafted', actions },
  } as ScenarioFile;
  const compiled = await compileScenario(file, file.network as any, { solver: deps.solver });
  if (!compiled.ok) throw new DomainException(compiled.error);
  const a = runSimulation(compiled.value.noResponse, { stock: 'fast', series: false });
  const b = runSimulation(compiled.value.response, { stock: 'fast', series: false });

  // The chain's scripted 2022 response, on the same network, zones, demand and seed.
  let scripted: Run | null = null;
  if ((o.scripted ?? !!inc.spec.scenario) && inc.spec.scenario && !applied) {
    const loaded = loadScenario(inc.spec.scenario);
    if (!loaded.ok) throw new DomainException(loaded.error);
    const sf = loaded.value.file;
    const fileFirst = Math.min(...sf.incident.controlAreas.map((x) => scenarioInstant(sf.startDate, { day: x.from.day, time: x.from.time ?? '00:00' })));
    const shift = incidentStartMs - fileFirst;
    const moved = sf.response.actions.map((x) => ({ ...x, at: atMs(scenarioInstant(sf.startDate, { day: x.at.day, time: x.at.time ?? '00:00' }) + shift) }));
    const sc = await compileScenario({ ...file, response: { name: `${sf.response.name} (scripted 2022)`, actions: moved } } as ScenarioFile, file.network as any, { solver: deps.solver });
    if (!sc.ok) throw new DomainException(sc.error);
    const c = runSimulation(sc.value.response, { stock: 'fast', series: false });
    scripted = { policy: c.policy, summary: c.summary };
  }

  const fingerprint = plan ? planFingerprint(plan.parts) : null;
  if (plan && !applied) await store.markSimulated(db, plan.id, fingerprint!, deps.now());
  return {
    planId: plan?.id ?? null,
    planStatus: plan?.status ?? null,
    fingerprint,
    from: applied ? 'the network as it is now (plan applied)' : 'the network before the incident',
    startDate, days: a.days, seed: a.seed,
    demand: { surge: surgeInside ? surge : 1, tierMultipliers: surgeInside ? tiers : null, zonesOrdersPerDay: Math.round(stored.reduce((s, z) => s + z.demandOrdersPerDay, 0)) },
    a: { policy: a.policy, summary: a.summary },
    b: { policy: b.policy, summary: b.summary },
    scripted,
    comparison: compareSummaries(a.summary, b.summary),
    comparisonScripted: scripted ? compareSummaries(scripted.summary, b.summary) : null,
    perDay: b.perDay.filter((r) => r.nodeId === '(all)'),
  };
}

