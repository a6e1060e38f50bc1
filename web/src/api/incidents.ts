import { api, ApiError } from './client.ts';
import type { BodyOf, Item, Known, ResponseOf } from './contract.ts';

/**
 * The incident workflow as the screen sees it. With the zones context it runs in
 * three steps: preview the drawn control area (what it would do to nodes and zones,
 * nothing changes), declare it and plan the zone reassignment (nodes inside stop
 * trading, a proposal is kept for review), then apply the proposal. The server's
 * documents are mapped onto one view model, `IncidentPlan`.
 */
export interface KpiComparison {
  key: string;
  noResponse: number;
  plan: number;
  /** Which run the simulation judges better: the plan, no response, the same, or no judgement. */
  better: 'plan' | 'none' | 'same' | null;
}

/** A node's orders a day before and after against its capacity (the zones planner's figures). */
export type NodeLoad = Known<Item<Reassignment['proposal']['nodeLoads']>>;

export interface IncidentPlan {
  stage: 'preview' | 'declared' | 'applied';
  /** Set when the server runs the whole incident flow (/api/incidents); null with zones only. */
  incidentId: string | null;
  areaId: string;
  name: string;
  level: AreaLevel;
  ring: Array<[number, number]>;
  allowOnlineOnly: boolean;
  emergencyWarehouse: WarehouseInput | null;
  reassignmentId: string | null;
  /** Zone id → proposed serving node (null = unserved). */
  assignments: Record<string, string | null>;
  nodeChanges: Array<{ nodeId: string; from: string; to: string }>;
  zonesInside: number;
  zoneMoves: Array<{ zoneId: string; from: string | null; to: string | null; distanceM?: number | null; ordersPerDay?: number | null }>;
  unservedZones: Array<{ zoneId: string; reason: string; ordersPerDay?: number }>;
  nodeLoads: NodeLoad[];
  summary: Array<{ key: string; value: number | string }>;
  kpis: KpiComparison[];
  solver?: { method: string; status: string; timeS: number; gapPct: number | null; fallbackReason: string | null };
  /** Other parts of the response plan (sourcing, trips, staffing, targets), as short facts. */
  partFacts: Array<{ part: string; key: string; value: number | string }>;
  notes: string[];
  /** The notes as codes with parameters (translated by the screen), when the server sends them. */
  noteCodes?: ResponsePlan['summary']['noteCodes'];
  simulationDays?: number;
}

export interface WarehouseInput {
  templateNodeId: string;
  lat: number;
  lng: number;
  nameZh: string;
  nameEn: string;
}

export interface ProposeInput {
  name: string;
  level: AreaLevel;
  ring: Array<[number, number]>;
  /** Nodes inside a lockdown area go online-only instead of suspended. */
  allowOnlineOnly?: boolean;
  /** Open an emergency warehouse (incidents context only). */
  emergencyWarehouse?: WarehouseInput | null;
}

/** GeoJSON polygon from the drawn corners ([lat, lng] → [lng, lat], closed, counter-clockwise). */
export function ringToPolygon(ring: Array<[number, number]>): GeoJSON.Polygon {
  const coords = ring.map(([lat, lng]) => [Number(lng.toFixed(6)), Number(lat.toFixed(6))]);
  // Shoelace: RFC 7946 wants exterior rings counter-clockwise.
  let a = 0;
  for (let i = 0; i < coords.length; i++) {
    const [x1, y1] = coords[i];
    const [x2, y2] = coords[(i + 1) % coords.length];
    a += x1 * y2 - x2 * y1;
  }
  if (a < 0) coords.reverse();
  coords.push([...coords[0]]);
  return { type: 'Polygon', coordinates: [coords] };
}

/** Server shapes, from the generated schema (./contract.ts). */
type AreaWithEffects = ResponseOf<'/api/control-areas/preview', 'post'>;
type Reassignment = ResponseOf<'/api/zones/reassignments', 'post', 201>;
/** The zones context's reassignment proposal (also the shape of an incident plan's zones part). */
export type ZonesProposal = Reassignment['proposal'];
/** A response (or lift) plan as the server stores it; its parts' contents are read by `withResponsePlan`. */
export type ResponsePlan = ResponseOf<'/api/incidents/{id}/plan', 'post', 201>;
export type Simulation = ResponseOf<'/api/incidents/{id}/simulate', 'post'>;
/** What re-running one part of a drafted plan takes (zones: nodes; sourcing: receivers; targets: assortment size). */
export type RerunBody = BodyOf<'/api/incidents/{id}/plan/parts/{part}/rerun', 'post'>;
/** A control area's level: lockdown, controlled or precaution. */
export type AreaLevel = Item<BodyOf<'/api/incidents', 'post'>['areas']>['level'];

/** Maps the drafted response plan (its parts) onto the view model. */
export function withResponsePlan(plan: IncidentPlan, r: ResponsePlan): IncidentPlan {
  // The parts' contents are not described by the server's schema yet (Type.Unknown): read as loose records here.
  const part = (name: string) => (r.parts.find((p) => p.part === name)?.content ?? {}) as Record<string, any>;
  const ns = part('node_status');
  const z = part('zones');
  const assignments: Record<string, string | null> = {};
  for (const c of (z.changes ?? []) as Array<{ zoneId: string; newNodeId: string | null }>) assignments[c.zoneId] = c.newNodeId;
  const src = part('sourcing');
  const trips = part('trips');
  const ew = part('emergency_warehouse');
  const facts: IncidentPlan['partFacts'] = [];
  if (ew.node) facts.push({ part: 'emergency_warehouse', key: 'node', value: String(ew.node.nameZh ?? ew.node.id) });
  if (typeof src.lines === 'number') facts.push({ part: 'sourcing', key: 'lines', value: src.lines });
  if (src.summary && typeof src.summary.costFen === 'number') facts.push({ part: 'sourcing', key: 'costYuan', value: Math.round(src.summary.costFen / 100) });
  if (typeof src.shortages === 'number') facts.push({ part: 'sourcing', key: 'shortages', value: src.shortages });
  // Trips and staffing figures are in the plan summary already.
  void trips;
  const summary = Object.entries(r.summary)
    .filter(([, v]) => typeof v === 'number')
    .map(([key, value]) => ({ key, value: value as number }));
  return {
    ...plan,
    reassignmentId: null,
    nodeChanges: ((ns.changes ?? []) as Array<{ nodeId: string; from: string; to: string }>).map((c) => ({ nodeId: c.nodeId, from: c.from, to: c.to })),
    assignments,
    zoneMoves: ((z.changes ?? []) as Array<{ zoneId: string; oldNodeId: string | null; newNodeId: string | null; distanceM: number | null; demandOrdersPerDay?: number }>)
      .filter((c) => c.oldNodeId !== c.newNodeId)
      .map((c) => ({ zoneId: c.zoneId, from: c.oldNodeId, to: c.newNodeId, distanceM: c.distanceM, ordersPerDay: c.demandOrdersPerDay ?? null })),
    unservedZones: ((z.unserved ?? []) as Array<{ zoneId: string; reason: string; ordersPerDay: number }>).map((u) => ({ zoneId: u.zoneId, reason: u.reason, ordersPerDay: u.ordersPerDay })),
    nodeLoads: (z.nodeLoads ?? []) as NodeLoad[],
    summary,
    partFacts: facts,
    notes: r.summary.notes ?? [],
    noteCodes: r.summary.noteCodes,
    solver: undefined,
  };
}

function areaBody(plan: Pick<IncidentPlan, 'areaId' | 'name' | 'level' | 'ring' | 'allowOnlineOnly'>, now: Date): BodyOf<'/api/control-areas/preview', 'post'> & Item<BodyOf<'/api/incidents', 'post'>['areas']> {
  return { id: plan.areaId, name: plan.name, level: plan.level, geometry: ringToPolygon(plan.ring), startsAt: new Date(now.getTime() - 60_000).toISOString(), allowOnlineOnly: plan.allowOnlineOnly };
}

function withEffects(plan: IncidentPlan, r: AreaWithEffects): IncidentPlan {
  const nodeChanges = r.effects.filter((e) => e.kind === 'node_status' && e.nodeId).map((e) => ({ nodeId: e.nodeId!, from: e.fromStatus ?? '', to: e.toStatus ?? '' }));
  const zonesInside = new Set(r.effects.filter((e) => e.zoneId).map((e) => e.zoneId)).size;
  return { ...plan, nodeChanges, zonesInside };
}

function withProposal(plan: IncidentPlan, r: Reassignment): IncidentPlan {
  const p = r.proposal;
  const assignments: Record<string, string | null> = {};
  for (const c of p.changes) assignments[c.zoneId] = c.newNodeId;
  const totals = Object.entries(p.totals ?? {})
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([key, value]) => ({ key, value: value as number | string }));
  return {
    ...plan,
    reassignmentId: r.id,
    assignments,
    zoneMoves: p.changes.filter((c) => c.oldNodeId !== c.newNodeId).map((c) => ({ zoneId: c.zoneId, from: c.oldNodeId, to: c.newNodeId, distanceM: c.distanceM, ordersPerDay: c.demandOrdersPerDay ?? null })),
    unservedZones: p.unserved.map((u) => ({ zoneId: u.zoneId, reason: u.reason, ordersPerDay: u.ordersPerDay })),
    nodeLoads: p.nodeLoads,
    summary: totals,
    solver: { method: p.method, status: p.solverStatus, timeS: p.solveTimeS, gapPct: p.gapPct, fallbackReason: p.fallbackReason },
  };
}

/** The simulation's KPI lines with a figure on both sides, as the view model compares them. */
export function kpiRows(r: Simulation): KpiComparison[] {
  return r.comparison.flatMap((c) =>
    c.a !== null && c.b !== null ? [{ key: c.kpi, noResponse: c.a, plan: c.b, better: c.better === 'b' ? 'plan' : c.better === 'a' ? 'none' : c.better === 'same' ? 'same' : null }] : [],
  );
}

export const incidentsApi = {
  /** What the drawn area would do; changes nothing. */
  async preview(input: ProposeInput, now = new Date()): Promise<IncidentPlan> {
    const areaId = `area-${now.getTime().toString(36)}`;
    const plan: IncidentPlan = {
      stage: 'preview',
      incidentId: null,
      partFacts: [],
      notes: [],
      areaId,
      name: input.name,
      level: input.level,
      ring: input.ring,
      allowOnlineOnly: input.allowOnlineOnly ?? false,
      emergencyWarehouse: input.emergencyWarehouse ?? null,
      reassignmentId: null,
      assignments: {},
      nodeChanges: [],
      zonesInside: 0,
      zoneMoves: [],
      unservedZones: [],
      nodeLoads: [],
      summary: [],
      kpis: [],
    };
    const r = await api.post<AreaWithEffects>('/api/control-areas/preview', areaBody(plan, now));
    return withEffects(plan, r);
  },
  /**
   * Declares the incident and drafts the response plan (nothing changes on the
   * network until it is applied). Without the incidents context on the server, it
   * declares the control area (nodes inside stop at once) and plans the zone
   * reassignment only.
   */
  async declareAndPlan(plan: IncidentPlan, now = new Date()): Promise<IncidentPlan> {
    const incidentId = `inc-${now.getTime().toString(36)}`;
    try {
      const declare: BodyOf<'/api/incidents', 'post'> = {
        id: incidentId,
        name: plan.name,
        areas: [areaBody(plan, now)],
        ...(plan.emergencyWarehouse
          ? {
              emergencyWarehouse: {
                id: `ew-${now.getTime().toString(36)}`,
                ...plan.emergencyWarehouse,
                lat: Number(plan.emergencyWarehouse.lat.toFixed(6)),
                lng: Number(plan.emergencyWarehouse.lng.toFixed(6)),
              },
            }
          : {}),
      };
      await api.post('/api/incidents', declare);
    } catch (e) {
      if (!(e instanceof ApiError && e.notAvailable)) throw e;
      const declared = await api.post<AreaWithEffects>('/api/control-areas', areaBody(plan, now));
      const withE = { ...withEffects(plan, declared), stage: 'declared' as const };
      const body: BodyOf<'/api/zones/reassignments', 'post'> = { scope: 'affected', allowSplit: true, timeLimitS: 20 };
      const r = await api.post<Reassignment>('/api/zones/reassignments', body);
      return withProposal(withE, r);
    }
    const drafted = await api.post<ResponsePlan>('/api/incidents/{id}/plan', {}, { params: { id: incidentId } });
    return withResponsePlan({ ...plan, incidentId, stage: 'declared' }, drafted);
  },
  /** Simulates the next days with no response and with the plan (incidents context only). */
  async simulate(plan: IncidentPlan, days = 3): Promise<IncidentPlan> {
    if (!plan.incidentId) return plan;
    const r = await api.post<Simulation>('/api/incidents/{id}/simulate', { days }, { params: { id: plan.incidentId } });
    return {
      ...plan,
      simulationDays: r.days,
      kpis: kpiRows(r),
    };
  },
  /** Applies the reviewed plan: the incident's steps, or the zone reassignment alone. */
  async apply(plan: IncidentPlan): Promise<IncidentPlan> {
    if (plan.incidentId) {
      await api.post('/api/incidents/{id}/apply', {}, { params: { id: plan.incidentId } });
      return { ...plan, stage: 'applied' };
    }
    if (!plan.reassignmentId) return { ...plan, stage: 'applied' };
    await api.post<Reassignment>('/api/zones/reassignments/{id}/apply', {}, { params: { id: plan.reassignmentId } });
    return { ...plan, stage: 'applied' };
  },
  /** Withdraws a declared (not applied) incident, or lifts the control area, when the plan is discarded. */
  async discard(plan: IncidentPlan): Promise<void> {
    if (plan.incidentId) await api.post('/api/incidents/{id}/discard', {}, { params: { id: plan.incidentId } });
    else await api.post('/api/control-areas/{id}/lift', {}, { params: { id: plan.areaId } });
  },
};

/** An incident as the incidents screen lists it (GET /api/incidents). */
export type Incident = Item<ResponseOf<'/api/incidents', 'get'>['incidents']>;
export type IncidentArea = Known<Item<Incident['spec']['areas']>>;
export type IncidentDetail = ResponseOf<'/api/incidents/{id}', 'get'>;
export type TimelineEntry = Item<ResponseOf<'/api/incidents/{id}/timeline', 'get'>['entries']>;

/** The statuses in which an incident is still live (something may yet change on the network). */
export const LIVE_STATUSES: ReadonlyArray<Incident['status']> = ['declared', 'planned', 'applied'];

/** The view model of a stored incident's plan (for PlanReview), without the drawn ring. */
export function planView(d: IncidentDetail): IncidentPlan | null {
  if (!d.plan) return null;
  const a = d.spec.areas[0];
  const base: IncidentPlan = {
    stage: d.status === 'applied' || d.status === 'lifted' ? 'applied' : 'declared',
    incidentId: d.id, areaId: a?.id ?? '', name: d.name, level: a?.level ?? 'lockdown', ring: [], allowOnlineOnly: false, emergencyWarehouse: null,
    reassignmentId: null, assignments: {}, nodeChanges: [], zonesInside: 0, zoneMoves: [], unservedZones: [], nodeLoads: [], summary: [], kpis: [], partFacts: [], notes: [],
  };
  return withResponsePlan(base, d.plan);
}

export const incidentList = {
  list: (signal?: AbortSignal) => api.get<{ incidents: Incident[] }>('/api/incidents', { signal }),
  get: (id: string, signal?: AbortSignal) => api.get<IncidentDetail>('/api/incidents/{id}', { params: { id }, signal }),
  timeline: (id: string, signal?: AbortSignal) => api.get<{ entries: TimelineEntry[] }>('/api/incidents/{id}/timeline', { params: { id }, signal }),
  draft: (id: string) => api.post<ResponsePlan>('/api/incidents/{id}/plan', {}, { params: { id } }),
  apply: (id: string) => api.post<ResponsePlan>('/api/incidents/{id}/apply', {}, { params: { id } }),
  lift: (id: string) => api.post<ResponsePlan>('/api/incidents/{id}/lift', {}, { params: { id } }),
  discard: (id: string) => api.post<ResponseOf<'/api/incidents/{id}/discard', 'post'>>('/api/incidents/{id}/discard', {}, { params: { id } }),
  extend: (id: string, endsAt: string | null) => api.post<ResponseOf<'/api/incidents/{id}/extend', 'post'>>('/api/incidents/{id}/extend', { endsAt }, { params: { id } }),
  editPart: (id: string, part: string, content: unknown) => api.put<ResponsePlan>('/api/incidents/{id}/plan/parts/{part}', { content }, { params: { id, part } }),
  rerunPart: (id: string, part: 'zones' | 'sourcing' | 'targets', body: RerunBody) => api.post<ResponsePlan>('/api/incidents/{id}/plan/parts/{part}/rerun', body, { params: { id, part } }),
  simulate: (id: string, days = 3) => api.post<Simulation>('/api/incidents/{id}/simulate', { days }, { params: { id } }),
};
