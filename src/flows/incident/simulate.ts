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
import { DomainException, DEFAULT_CALENDAR, localTimeMs, operatingDay } from '../../domain/shared/index.ts';
import { circlePolygon, geometryAreaM2, geometryCentroid, type AreaGeometry, handBackNodeIds } from '../../domain/zones/index.ts';
import type { NodeInput, NodeStatus } from '../../domain/network/index.ts';
import { compileScenario, type ResponseActionInput, type ScenarioFile, runSimulation, type SimReport, compareSummaries } from '../../domain/simulation/index.ts';
import { capacityPerSlot, DEFAULT_RATES, ordersPerStaffHour, type Assignment, type Shift, type WorkRates } from '../../domain/workforce/index.ts';
import { APPLY_AFTER_START_MIN, scenarioInstant } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as store from '../../store/incidents.ts';
import * as planning from '../../store/planning.ts';
import * as tripsStore from '../../store/trips.ts';
import { loadScenario } from '../incident-simulate.ts';
import { zonesPartProposal } from './zones-part.ts';
import { handBackOf } from './steps-hand-back.ts';
import { DELIVERY, planFingerprint, type FlowDeps } from './common.ts';

/** The engine's staff model: people on a 16-hour day (their orders per staff-hour: the workforce context's rule). */
const SHIFT = '06:00-22:00';
const SHIFT_H = 16;
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
  /** Also return the three runs' full reports (hourly series included), e.g. for the HTML report. */
  reports?: boolean;
}

/**
 * A drafted plan is played as if applied `APPLY_AFTER_START_MIN` (120) after the incident starts
 * (the incidents context's rule, the instant a replayed incident is drafted as of too). Never the
 * draft's wall-clock time: a plan drafted with today's clock for an incident on other dates would
 * otherwise act outside the horizon, and the same plan would give different figures depending on
 * when it was drafted.
 */
export { APPLY_AFTER_START_MIN };

type Run = { policy: string; summary: SimReport['summary'] };

export async function simulateIncident(deps: FlowDeps, incidentId: string, o: SimulateOptions = {}) {
  const { db } = deps;
  const cal = DEFAULT_CALENDAR;
  if (o.applyAfterMin !== undefined && (!Number.isInteger(o.applyAfterMin) || o.applyAfterMin < 0 || o.applyAfterMin > 10_080)) {
    throw new DomainException({ code: 'validation_failed', message: 'applyAfterMin must be whole minutes from 0 to 10,080 (7 days) after the incident starts', field: 'applyAfterMin', expected: 'an integer from 0 to 10080', actual: o.applyAfterMin });
  }
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
    // The sourcing part's documents, each line from the apply: supplier orders (and diversions)
    // arrive after their lead time; transfers leave their giver, as far as it has the goods
    // (the DC within its day's shipping), and arrive on the trips part's trips to that node.
    const sourcingId = part('sourcing')?.planId as string | null | undefined;
    const sp = !applied && sourcingId ? await planning.getPlan(db, sourcingId) : null;
    if (sp) actions.push(...sourcingActions(sp.lines, { nodeIds: new Set(nodes.map((n) => n.id)), itemClass: new Map(items.map((it) => [it.id, it.temperatureClass])), applyMs, trips: part('trips'), atMs }));
    // The roster as apply sets it: each of its nodes' orders per hour (the workforce context's
    // capacityPerSlot, the slot capacity apply writes), its day 0 the apply's operating day; after
    // its horizon, the node's capacity as before (apply leaves those slots as they were).
    const roster = part('staffing')?.roster as RosterPart | undefined;
    if (roster?.problem?.shifts && roster.result?.assignments) {
      // The roster's own days (a last night shift spilling past them is counted in its day's hours).
      const rosterDays = Math.max(1, Number(part('staffing')?.days) || Math.floor(Math.max(...roster.problem.shifts.map((x) => x.startMin)) / 1440) + 1);
      // Roster hour 0 is the apply's operating day at 00:00 for a drafted plan (whenever it was
      // drafted); after apply it is the roster's own start, and today may be past its end.
      const rosterHour0 = applied ? Math.round((day0Ms - Date.parse(roster.startsAt)) / 3_600_000) : -atMs(applyMs).day * 24;
      for (const site of roster.problem.sites) {
        if (!nodes.some((n) => n.id === site.id) && site.id !== ew?.id) continue;
        const slots = capacityPerSlot(site.id, roster.result.assignments, roster.problem.shifts, { slotMin: 60, fromMin: 0, toMin: rosterDays * 1440, rates: roster.rates });
        const perHour = slots.map((c) => c.ordersPerSlot);
        // From the apply's hour on: the hours of the apply's day before it keep the staff there was.
        const fromHour = applied ? 0 : Math.ceil((applyMs - day0Ms) / 3_600_000);
        // Past the roster's end (after apply, today may be) the node's own staffing again: apply
        // sets the slots inside the roster's horizon only, later ones keep the node's capacity.
        const hours = perHour.slice(Math.max(0, fromHour + rosterHour0));
        const staffPerHour = slots.map((c) => c.pickers + c.packers).slice(Math.max(0, fromHour + rosterHour0));
        if (hours.length === 0) continue;
        actions.push({ at: { day: Math.floor(fromHour / 24), time: `${String(fromHour % 24).padStart(2, '0')}:00` }, kind: 'slot_capacity', nodeId: site.id, ordersPerHour: hours, staffPerHour, note: 'the roster' });
      }
    }
    for (const c of statusPart?.changes ?? []) {
      if (c.to !== 'online_only' || !nodes.some((n) => n.id === c.nodeId)) continue;
      const t = Date.parse(c.at);
      if (applied && t <= nowMs) continue;
      actions.push({ at: atMs(t), kind: 'node_status', nodeId: c.nodeId, status: 'online_only', note: 'reopens online-only' });
    }
    // The zones part's hand-back, exactly as apply schedules it: at its time, after the reopening
    // (the tick runs statuses first; here the actions keep their order at the same time). After
    // apply, one already run is in the stored zones.
    for (const h of handBackOf(part('zones'))) {
      const t = Date.parse(h.at);
      if (applied && t <= nowMs) continue;
      const assignments = h.changes.filter((c) => zoneIds.has(c.zoneId)).map((c) => ({ zoneId: c.zoneId, nodeIds: handBackNodeIds(c) }));
      if (assignments.length) actions.push({ at: atMs(t), kind: 'assign_zones', assignments, note: `${h.nodeId} takes back its zones (the zones part's hand-back)` });
    }
  }

  // Orders per staff-hour as the workforce context counts them (the roster's rates, else its
  // defaults): the staff-hours the simulation reports are those the roster would need.
  const rosterRates = (part('staffing')?.roster as RosterPart | undefined)?.rates;
  const perStaffHour = Math.round(ordersPerStaffHour(rosterRates ?? DEFAULT_RATES) * 100) / 100;
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
    staff: delivery.filter((n) => n.dailyOrderCapacity > 0).map((n) => ({ nodeId: n.id, staff: Math.max(1, Math.ceil(n.dailyOrderCapacity / SHIFT_H / perStaffHour)), ordersPerStaffHour: perStaffHour, shift: SHIFT })),
    fleet: { sourceNodeId: source.id, coolantPacksPerColdTrip: COOLANT_PER_COLD_TRIP, ...(await fleetLimits(db, startDate, items, demand)) },
    normal: { coverDays: { none: 1.5, essential: 1.5, key: 1.5 }, waves: [{ depart: '03:00', classes: ['chilled', 'frozen', 'ambient'], leadTimeMin: 180 }] },
    incident: { name: inc.name, controlAreas: areas, events },
    response: { name: plan ? `plan ${plan.id.slice(0, 8)}` : 'no plan drafted', actions },
  } as ScenarioFile;
  const compiled = await compileScenario(file, file.network as any, { solver: deps.solver });
  if (!compiled.ok) throw new DomainException(compiled.error);
  const runOptions = { stock: 'fast' as const, series: o.reports === true };
  const a = runSimulation(compiled.value.noResponse, runOptions);
  const b = runSimulation(compiled.value.response, runOptions);

  // The chain's scripted 2022 response, on the same network, zones, demand and seed.
  let scripted: Run | null = null;
  let scriptedReport: SimReport | null = null;
  if ((o.scripted ?? !!inc.spec.scenario) && inc.spec.scenario && !applied) {
    const loaded = loadScenario(inc.spec.scenario);
    if (!loaded.ok) throw new DomainException(loaded.error);
    const sf = loaded.value.file;
    const fileFirst = Math.min(...sf.incident.controlAreas.map((x) => scenarioInstant(sf.startDate, { day: x.from.day, time: x.from.time ?? '00:00' })));
    const shift = incidentStartMs - fileFirst;
    const moved = sf.response.actions.map((x) => ({ ...x, at: atMs(scenarioInstant(sf.startDate, { day: x.at.day, time: x.at.time ?? '00:00' }) + shift) }));
    const sc = await compileScenario({ ...file, response: { name: `${sf.response.name} (scripted 2022)`, actions: moved } } as ScenarioFile, file.network as any, { solver: deps.solver });
    if (!sc.ok) throw new DomainException(sc.error);
    const c = runSimulation(sc.value.response, runOptions);
    scripted = { policy: c.policy, summary: c.summary };
    scriptedReport = c;
  }

  const fingerprint = plan ? planFingerprint(plan.parts) : null;
  if (plan && !applied) await store.markSimulated(db, plan.id, fingerprint!, deps.now());
  return {
    planId: plan?.id ?? null,
    planStatus: plan?.status ?? null,
    fingerprint,
    from: applied ? 'the network as it is now (plan applied)' : 'the network before the incident',
    startDate, days: a.days, seed: a.seed,
    /** Minutes after the incident's start at which the drafted plan was played as applied (null: applied already). */
    applyAfterMin: applied ? null : (o.applyAfterMin ?? APPLY_AFTER_START_MIN),
    demand: { surge: surgeInside ? surge : 1, tierMultipliers: surgeInside ? tiers : null, zonesOrdersPerDay: Math.round(stored.reduce((s, z) => s + z.demandOrdersPerDay, 0)) },
    a: { policy: a.policy, summary: a.summary },
    b: { policy: b.policy, summary: b.summary },
    scripted,
    comparison: compareSummaries(a.summary, b.summary),
    comparisonScripted: scripted ? compareSummaries(scripted.summary, b.summary) : null,
    perDay: b.perDay.filter((r) => r.nodeId === '(all)'),
    ...(o.reports ? { reports: { a, b, scripted: scriptedReport } } : {}),
  };
}


type RosterPart = { problem: { sites: Array<{ id: string }>; shifts: Shift[] }; result: { assignments: Assignment[] }; rates: WorkRates; startsAt: string };
type SourcingLine = { kind: string; fromNodeId: string | null; toNodeId: string; itemId: string; quantity: number; arrivalH: number };
type TripsPart = { firstDay?: string; list?: Array<{ day: string; mode: 'cold' | 'wave'; depart: string; back: string; stops: string[]; originNodeId?: string; deliveries?: Array<{ nodeId: string; arrive: string; lines: Array<{ itemId: string; quantity: number }> }> }>; unassigned?: unknown[] };

/**
 * The sourcing part's lines as response actions. Supplier orders and diversions (no giver in the
 * network) arrive `arrivalH` after the apply. Transfers leave their giver at the apply and reach
 * the receiver on the trips part's trips: a receiver's transfers of a temperature class are shared
 * over the stops the trips make there for that class (cold-chain trips for chilled and frozen,
 * the waves for ambient), each arriving half-way through its trip; a trip's day counts from the
 * apply's operating day (trips' day k = the apply's day + k), never before the apply. Without
 * trips to a node, its transfers arrive after their lead time, as the sourcing plan says.
 */
function sourcingActions(lines: SourcingLine[], c: { nodeIds: Set<string>; itemClass: Map<string, string>; applyMs: number; trips: TripsPart | undefined; atMs: (ms: number) => { day: number; time: string } }): ResponseActionInput[] {
  const list = c.trips?.list ?? [];
  if (list.length > 0 && list.every((t) => Array.isArray(t.deliveries) && t.originNodeId)) return tripActions(lines, { ...c, trips: c.trips! });
  const out: ResponseActionInput[] = [];
  const cls = (itemId: string) => (c.itemClass.get(itemId) === 'ambient' ? 'wave' : 'cold');
  const applyDay = operatingDay(c.applyMs, DEFAULT_CALENDAR);
  const tripsDay0 = c.trips?.firstDay;
  const stops = new Map<string, number[]>();
  for (const t of c.trips?.list ?? []) {
    if (!tripsDay0) break;
    const k = Math.round((Date.parse(`${t.day}T00:00:00Z`) - Date.parse(`${tripsDay0}T00:00:00Z`)) / 86_400_000);
    const [dh, dm] = t.depart.split(':').map(Number);
    const [bh, bm] = t.back.split(':').map(Number);
    const mid = ((dh * 60 + dm) + (bh * 60 + bm)) / 2;
    const ms = Math.max(c.applyMs, localTimeMs(applyDay, 0, DEFAULT_CALENDAR) + k * 86_400_000 + Math.round(mid) * 60_000);
    for (const s of t.stops) {
      const key = `${s}|${t.mode}`;
      stops.set(key, [...(stops.get(key) ?? []), ms]);
    }
  }
  const groups = new Map<string, { from: string | null; to: string; ms: number; lines: Map<string, number> }>();
  const put = (from: string | null, to: string, ms: number, itemId: string, q: number) => {
    if (q <= 0) return;
    const key = `${from ?? ''}>${to}@${ms}`;
    const g = groups.get(key) ?? { from, to, ms, lines: new Map<string, number>() };
    g.lines.set(itemId, (g.lines.get(itemId) ?? 0) + q);
    groups.set(key, g);
  };
  for (const l of lines) {
    if (!c.nodeIds.has(l.toNodeId) || l.quantity <= 0) continue;
    const leadMs = c.applyMs + Math.round(l.arrivalH * 60) * 60_000;
    if (l.kind !== 'transfer' || !l.fromNodeId || !c.nodeIds.has(l.fromNodeId)) {
      put(null, l.toNodeId, leadMs, l.itemId, l.quantity);
      continue;
    }
    const at = (stops.get(`${l.toNodeId}|${cls(l.itemId)}`) ?? []).sort((a, b) => a - b);
    if (at.length === 0) {
      put(l.fromNodeId, l.toNodeId, leadMs, l.itemId, l.quantity);
      continue;
    }
    // Shared over the stops in whole units, the remainder on the first ones.
    const each = Math.floor(l.quantity / at.length);
    at.forEach((ms, k) => put(l.fromNodeId, l.toNodeId, ms, l.itemId, each + (k < l.quantity - each * at.length ? 1 : 0)));
  }
  for (const g of groups.values()) {
    const lineList = [...g.lines].map(([itemId, quantity]) => ({ itemId, quantity }));
    if (g.from) out.push({ at: c.atMs(c.applyMs), kind: 'transfer', fromNodeId: g.from, nodeId: g.to, arrive: c.atMs(g.ms), lines: lineList, note: 'the sourcing part\'s transfer, on the trips part\'s trips' });
    else out.push({ at: c.atMs(g.ms), kind: 'delivery', nodeId: g.to, lines: lineList, note: 'the sourcing part\'s supplier order or diversion' });
  }
  return out;
}

/**
 * What the fleet can carry from the source in a day, for the waves and the transfers together:
 * the trips context's trucks and vans of the day (riders excluded), their refrigerated
 * compartments on `maxRounds` rounds and their ambient ones on each ambient wave, in units of
 * the district's mean unit volume; and the truck sizes the waves count trips with. Without a
 * fleet on record, the engine's old unbounded source and 6,000 / 8,000 L trucks.
 */
async function fleetLimits(db: FlowDeps['db'], day: string, items: Array<{ id: string; volumeCm3?: number | null }>, demand: Array<{ itemId: string; dailyQuantity: number }>) {
  const fleet = (await tripsStore.fleetForDay(db, day)).filter((v) => v.kind !== 'rider_ebike' && v.count > 0);
  const settings = await tripsStore.getSettings(db);
  const cold = fleet.flatMap((v) => v.compartments.filter((c) => c.refrigerated).map((c) => ({ l: c.maxVolumeL, n: v.count })));
  const amb = fleet.flatMap((v) => v.compartments.filter((c) => !c.refrigerated).map((c) => ({ l: c.maxVolumeL, n: v.count })));
  const litres = cold.reduce((a, c) => a + c.l * c.n, 0) * Math.max(1, settings.times.maxRounds) + amb.reduce((a, c) => a + c.l * c.n, 0) * Math.max(1, settings.waves.length);
  const vol = new Map(items.map((it) => [it.id, it.volumeCm3 ?? 0]));
  let units = 0;
  let cm3 = 0;
  for (const d of demand) {
    units += d.dailyQuantity;
    cm3 += d.dailyQuantity * (vol.get(d.itemId) ?? 0);
  }
  const meanCm3 = units > 0 && cm3 > 0 ? cm3 / units : 0;
  const mean = (xs: Array<{ l: number; n: number }>, dflt: number) => (xs.length ? Math.round(xs.reduce((a, c) => a + c.l * c.n, 0) / xs.reduce((a, c) => a + c.n, 0)) : dflt);
  return {
    coldTripCapacityL: mean(cold, 6000),
    ambientTripCapacityL: mean(amb, 8000),
    dailyUnits: litres > 0 && meanCm3 > 0 ? Math.floor((litres * 1000) / meanCm3) : 10_000_000,
  };
}

/**
 * The sourcing part's lines played on the trips part's vehicles: supplier orders and diversions
 * arrive `arrivalH` after the apply (their own transport); a transfer moves only as the trips
 * carry it. Each trip's stop is one transfer from the trip's origin to the stop's node with the
 * stop's manifest: it leaves the giver when the trip departs (as far as the giver has the goods
 * then; the DC within its day's shipping) and arrives at the stop's arrival, so no receiver gets
 * more than its trips carry (each within its vehicle's compartments, as the trips planner sized
 * them) and a transfer that found no trip brings nothing. A trip's day counts from the apply's
 * operating day (trips' day k = the apply's day + k); a trip drafted to leave before the apply
 * leaves at the apply, its stops as much later.
 */
function tripActions(lines: SourcingLine[], c: { nodeIds: Set<string>; applyMs: number; trips: TripsPart; atMs: (ms: number) => { day: number; time: string } }): ResponseActionInput[] {
  const out: ResponseActionInput[] = [];
  const arrivals = new Map<string, { to: string; ms: number; lines: Map<string, number> }>();
  for (const l of lines) {
    if (!c.nodeIds.has(l.toNodeId) || l.quantity <= 0) continue;
    if (l.kind === 'transfer' && l.fromNodeId && c.nodeIds.has(l.fromNodeId)) continue;
    const ms = c.applyMs + Math.round(l.arrivalH * 60) * 60_000;
    const g = arrivals.get(`${l.toNodeId}@${ms}`) ?? { to: l.toNodeId, ms, lines: new Map<string, number>() };
    g.lines.set(l.itemId, (g.lines.get(l.itemId) ?? 0) + l.quantity);
    arrivals.set(`${l.toNodeId}@${ms}`, g);
  }
  for (const g of arrivals.values()) out.push({ at: c.atMs(g.ms), kind: 'delivery', nodeId: g.to, lines: [...g.lines].map(([itemId, quantity]) => ({ itemId, quantity })), note: 'the sourcing part\'s supplier order or diversion' });
  const applyDay = operatingDay(c.applyMs, DEFAULT_CALENDAR);
  const day0 = c.trips.firstDay ?? applyDay;
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h * 60 + m;
  };
  for (const t of c.trips.list ?? []) {
    if (!t.originNodeId || !c.nodeIds.has(t.originNodeId)) continue;
    const k = Math.round((Date.parse(`${t.day}T00:00:00Z`) - Date.parse(`${day0}T00:00:00Z`)) / 86_400_000);
    const dayMs = localTimeMs(applyDay, 0, DEFAULT_CALENDAR) + k * 86_400_000;
    const departMs = dayMs + minutes(t.depart) * 60_000;
    const late = Math.max(0, c.applyMs - departMs);
    for (const d of t.deliveries ?? []) {
      if (!c.nodeIds.has(d.nodeId) || d.lines.length === 0) continue;
      let arriveMs = dayMs + minutes(d.arrive) * 60_000;
      if (arriveMs < departMs) arriveMs += 86_400_000; // a stop past midnight
      out.push({ at: c.atMs(departMs + late), kind: 'transfer', fromNodeId: t.originNodeId, nodeId: d.nodeId, arrive: c.atMs(arriveMs + late), lines: d.lines.map((x) => ({ ...x })), note: 'a trip of the trips part: its stop\'s manifest' });
    }
  }
  return out;
}
