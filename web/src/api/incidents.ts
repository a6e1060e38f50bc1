import { api } from './client.ts';

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
  /** Which way is better, to colour the difference. */
  better: 'higher' | 'lower';
  unit?: string;
}

export interface NodeLoad {
  nodeId: string;
  loadBefore: number;
  loadAfter: number;
  dailyOrderCapacity: number;
}

export interface IncidentPlan {
  stage: 'preview' | 'declared' | 'applied';
  areaId: string;
  name: string;
  level: string;
  ring: Array<[number, number]>;
  reassignmentId: string | null;
  /** Zone id → proposed serving node (null = unserved). */
  assignments: Record<string, string | null>;
  nodeChanges: Array<{ nodeId: string; from: string; to: string }>;
  zonesInside: number;
  zoneMoves: Array<{ zoneId: string; from: string | null; to: string | null; distanceM?: number | null }>;
  unservedZones: Array<{ zoneId: string; reason: string; ordersPerDay?: number }>;
  nodeLoads: NodeLoad[];
  summary: Array<{ key: string; value: number | string }>;
  kpis: KpiComparison[];
  solver?: { method: string; status: string; timeS: number; gapPct: number | null; fallbackReason: string | null };
}

export interface ProposeInput {
  name: string;
  level: string;
  ring: Array<[number, number]>;
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

interface Effect {
  kind: string;
  nodeId: string | null;
  zoneId: string | null;
  reason: string;
  fromStatus?: string;
  toStatus?: string;
}
interface AreaWithEffects {
  area: { id: string; name: string; level: string };
  effects: Effect[];
}
interface Reassignment {
  id: string;
  status: string;
  proposal: {
    method: string;
    fallbackReason: string | null;
    solverStatus: string;
    gapPct: number | null;
    solveTimeS: number;
    changes: Array<{ zoneId: string; oldNodeId: string | null; newNodeId: string | null; distanceM: number | null }>;
    nodeLoads: NodeLoad[];
    unserved: Array<{ zoneId: string; ordersPerDay: number; reason: string; message: string }>;
    totals: Record<string, unknown>;
  };
}

function areaBody(plan: Pick<IncidentPlan, 'areaId' | 'name' | 'level' | 'ring'>, now: Date) {
  return { id: plan.areaId, name: plan.name, level: plan.level, geometry: ringToPolygon(plan.ring), startsAt: new Date(now.getTime() - 60_000).toISOString() };
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
    zoneMoves: p.changes.map((c) => ({ zoneId: c.zoneId, from: c.oldNodeId, to: c.newNodeId, distanceM: c.distanceM })),
    unservedZones: p.unserved.map((u) => ({ zoneId: u.zoneId, reason: u.reason, ordersPerDay: u.ordersPerDay })),
    nodeLoads: p.nodeLoads,
    summary: totals,
    solver: { method: p.method, status: p.solverStatus, timeS: p.solveTimeS, gapPct: p.gapPct, fallbackReason: p.fallbackReason },
  };
}

export const incidentsApi = {
  /** What the drawn area would do; changes nothing. */
  async preview(input: ProposeInput, now = new Date()): Promise<IncidentPlan> {
    const areaId = `area-${now.getTime().toString(36)}`;
    const plan: IncidentPlan = {
      stage: 'preview',
      areaId,
      name: input.name,
      level: input.level,
      ring: input.ring,
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
  /** Declares the area (nodes inside stop trading) and plans the zone reassignment for review. */
  async declareAndPlan(plan: IncidentPlan, now = new Date()): Promise<IncidentPlan> {
    const declared = await api.post<AreaWithEffects>('/api/control-areas', areaBody(plan, now));
    const withE = { ...withEffects(plan, declared), stage: 'declared' as const };
    const r = await api.post<Reassignment>('/api/zones/reassignments', { scope: 'affected', allowSplit: true, timeLimitS: 20 });
    return withProposal(withE, r);
  },
  /** Applies the reviewed zone reassignment. */
  async apply(plan: IncidentPlan): Promise<IncidentPlan> {
    if (!plan.reassignmentId) return { ...plan, stage: 'applied' };
    await api.post<Reassignment>('/api/zones/reassignments/{id}/apply', {}, { params: { id: plan.reassignmentId } });
    return { ...plan, stage: 'applied' };
  },
  /** Lifts a declared area (undoing its effects) when the plan is discarded. */
  async lift(plan: IncidentPlan): Promise<void> {
    await api.post('/api/control-areas/{id}/lift', {}, { params: { id: plan.areaId } });
  },
};
