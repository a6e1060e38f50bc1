import { DomainException } from '../../domain/shared/result.ts';
import { circlePolygon } from '../../domain/zones/control-area.ts';
import { geometryAreaM2, geometryCentroid, type AreaGeometry } from '../../domain/zones/geometry.ts';
import { type NodeInput, type NodeStatus } from '../../domain/network/model.ts';
import { compileScenario, type ScenarioFile } from '../../domain/simulation/scenario.ts';
import { runSimulation } from '../../domain/simulation/engine.ts';
import { compareSummaries } from '../../domain/simulation/kpi.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as store from '../../store/incidents.ts';
import { DELIVERY, type FlowDeps } from './common.ts';

/** Simulating an incident's plan against no response. */

/** Simulation only: the scenario engine's staff model (people per node at a rate). */
const ORDERS_PER_STAFF_HOUR = 6;
const COLD_TRIP_L = 6000;
const AMBIENT_TRIP_L = 8000;
const COOLANT_PER_COLD_TRIP = 300;

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
