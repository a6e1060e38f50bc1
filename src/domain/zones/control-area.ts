/**
 * Control areas (lockdown, controlled, precaution): parsing, when they are in force, and their
 * reversible effects on nodes and zones.
 */
import type { LatLng, Position } from '../geo/index.ts';
import { haversineExactM } from '../geo/index.ts';
import { err, ok, type Result } from '../shared/index.ts';
import { geometryAreaM2, geometryContains, overlapAreaM2, parseGeometry, type AreaGeometry } from './geometry.ts';
import { ZONE_ID_PATTERN } from './zone.ts';

/**
 * Control areas (封控区 lockdown / 管控区 controlled / 防范区 precaution), strictest
 * first, drawn or imported as polygons with a time window. While an area is in
 * force it has effects, listed and reversible: a node inside a lockdown area is
 * suspended (or online-only when the area allows it, as the seed's store was
 * reopened), a node inside a controlled area closes to walk-in customers
 * (online-only), and zones touching a lockdown area can be served only through the
 * area's contactless drop points. A precaution area changes nothing but is listed.
 */
export const CONTROL_LEVELS = ['lockdown', 'controlled', 'precaution'] as const;
export type ControlLevel = (typeof CONTROL_LEVELS)[number];

/** The node statuses this context reads and sets (owned by the network context). */
export type NodeStatusName = 'open' | 'online_only' | 'suspended' | 'closed';

export interface DropPoint {
  id: string;
  name: string;
  lat: number;
  lng: number;
}

export interface ControlArea {
  id: string;
  name: string;
  level: ControlLevel;
  geometry: AreaGeometry;
  /** ISO timestamps; `endsAt` null means until lifted. */
  startsAt: string;
  endsAt: string | null;
  /** Nodes inside a lockdown area go online-only instead of suspended. */
  allowOnlineOnly: boolean;
  dropPoints: DropPoint[];
  liftedAt: string | null;
}

export function isInForce(area: Pick<ControlArea, 'startsAt' | 'endsAt' | 'liftedAt'>, now: Date): boolean {
  const t = now.getTime();
  if (area.liftedAt !== null && Date.parse(area.liftedAt) <= t) return false;
  if (Date.parse(area.startsAt) > t) return false;
  return area.endsAt === null || t < Date.parse(area.endsAt);
}

const STRICTNESS: Record<NodeStatusName, number> = { open: 0, online_only: 1, suspended: 2, closed: 3 };

/** The status an area imposes on a node inside it, or null when it imposes none. */
export function imposedStatus(area: Pick<ControlArea, 'level' | 'allowOnlineOnly'>): NodeStatusName | null {
  if (area.level === 'lockdown') return area.allowOnlineOnly ? 'online_only' : 'suspended';
  if (area.level === 'controlled') return 'online_only';
  return null;
}

/** The strictest of the statuses imposed by several areas (null when none imposes one). */
export function strictestStatus(statuses: ReadonlyArray<NodeStatusName | null>): NodeStatusName | null {
  let best: NodeStatusName | null = null;
  for (const s of statuses) if (s && (best === null || STRICTNESS[s] > STRICTNESS[best])) best = s;
  return best;
}

/** True when `target` is stricter than `current` (a closed node is never changed). */
export function isStricter(target: NodeStatusName, current: NodeStatusName): boolean {
  return current !== 'closed' && STRICTNESS[target] > STRICTNESS[current];
}

export type AreaEffect =
  | { kind: 'node_status'; nodeId: string; fromStatus: NodeStatusName; toStatus: NodeStatusName; reason: string }
  | { kind: 'node_unchanged'; nodeId: string; status: NodeStatusName; reason: string }
  | { kind: 'zone_drop_points_only'; zoneId: string; overlapPct: number; reason: string };

/**
 * What an area does to the nodes and zones it covers, given their current state.
 * Node effects change a node only toward a stricter status; a node already as
 * strict is listed as unchanged. Zones are affected when the area covers at least
 * `minZoneOverlapPct` of them (default 1%).
 */
export function computeAreaEffects(
  area: Pick<ControlArea, 'id' | 'name' | 'level' | 'geometry' | 'allowOnlineOnly'>,
  nodes: ReadonlyArray<{ id: string; lat: number; lng: number; status: NodeStatusName }>,
  zones: ReadonlyArray<{ id: string; geometry: AreaGeometry }>,
  options: { minZoneOverlapPct?: number } = {},
): AreaEffect[] {
  const effects: AreaEffect[] = [];
  const target = imposedStatus(area);
  const label = `${area.level} area ${area.name || area.id}`;
  for (const n of nodes) {
    if (!geometryContains(area.geometry, n)) continue;
    if (target && isStricter(target, n.status)) {
      effects.push({ kind: 'node_status', nodeId: n.id, fromStatus: n.status, toStatus: target, reason: `inside ${label}` });
    } else {
      effects.push({ kind: 'node_unchanged', nodeId: n.id, status: n.status, reason: `inside ${label}; already ${n.status}` });
    }
  }
  if (area.level === 'lockdown') {
    const minPct = options.minZoneOverlapPct ?? 1;
    for (const z of zones) {
      const o = overlapAreaM2(z.geometry, area.geometry);
      if (o <= 0) continue;
      const pct = (100 * o) / Math.max(1e-9, geometryAreaM2(z.geometry));
      if (pct >= minPct) {
        effects.push({ kind: 'zone_drop_points_only', zoneId: z.id, overlapPct: Math.round(pct * 10) / 10, reason: `${Math.round(pct)}% inside ${label}: contactless drop points only` });
      }
    }
  }
  return effects;
}

export interface ControlAreaInput {
  id: string;
  name?: string;
  level: ControlLevel;
  geometry: unknown;
  startsAt: string;
  endsAt?: string | null;
  allowOnlineOnly?: boolean;
  /** A drop point without a name is named by its id. */
  dropPoints?: Array<Omit<DropPoint, 'name'> & { name?: string }>;
}

/** Parses and validates a control area; the error names the field. */
export function parseControlArea(input: ControlAreaInput, field = ''): Result<ControlArea> {
  const f = (n: string) => (field ? `${field}.${n}` : n);
  if (typeof input.id !== 'string' || !ZONE_ID_PATTERN.test(input.id)) {
    return err({ code: 'validation_failed', message: 'id must be 1-64 letters, digits or _ . : -', field: f('id'), expected: ZONE_ID_PATTERN.source, actual: input.id });
  }
  if (!(CONTROL_LEVELS as readonly string[]).includes(input.level)) {
    return err({ code: 'validation_failed', message: 'level must be lockdown, controlled or precaution', field: f('level'), expected: CONTROL_LEVELS.join(' | '), actual: input.level });
  }
  const starts = Date.parse(input.startsAt);
  if (typeof input.startsAt !== 'string' || Number.isNaN(starts)) {
    return err({ code: 'validation_failed', message: 'startsAt must be an ISO date-time', field: f('startsAt'), expected: 'ISO 8601 date-time', actual: input.startsAt });
  }
  const endsAt = input.endsAt ?? null;
  if (endsAt !== null && (Number.isNaN(Date.parse(endsAt)) || Date.parse(endsAt) <= starts)) {
    return err({ code: 'validation_failed', message: 'endsAt must be an ISO date-time after startsAt', field: f('endsAt'), expected: `after ${input.startsAt}`, actual: endsAt });
  }
  const g = parseGeometry(input.geometry, `control area ${input.id}`, f('geometry'));
  if (!g.ok) return g;
  const dropPoints = input.dropPoints ?? [];
  for (const [i, d] of dropPoints.entries()) {
    if (typeof d?.id !== 'string' || !d.id || typeof d.lat !== 'number' || typeof d.lng !== 'number' || Math.abs(d.lat) > 90 || Math.abs(d.lng) > 180) {
      return err({ code: 'validation_failed', message: `dropPoints[${i}] needs an id and a WGS84 lat/lng`, field: f(`dropPoints.${i}`), expected: '{id, name, lat, lng}', actual: d });
    }
  }
  return ok({
    id: input.id,
    name: input.name ?? input.id,
    level: input.level,
    geometry: g.value.geometry,
    startsAt: new Date(starts).toISOString(),
    endsAt: endsAt === null ? null : new Date(Date.parse(endsAt)).toISOString(),
    allowOnlineOnly: input.allowOnlineOnly ?? false,
    dropPoints: dropPoints.map((d) => ({ id: d.id, name: d.name ?? d.id, lat: d.lat, lng: d.lng })),
    liftedAt: null,
  });
}

/** A regular polygon approximating a circle (for areas drawn as a centre and radius). */
export function circlePolygon(centre: LatLng, radiusM: number, segments = 32): AreaGeometry {
  const ring: Position[] = [];
  const dLat = (radiusM / 6_371_008.8) * (180 / Math.PI);
  const dLng = dLat / Math.cos((centre.lat * Math.PI) / 180);
  for (let i = 0; i < segments; i++) {
    const a = (2 * Math.PI * i) / segments;
    ring.push([round7(centre.lng + dLng * Math.cos(a)), round7(centre.lat + dLat * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** The drop point nearest to a position, or null. */
export function nearestDropPoint(points: readonly DropPoint[], at: LatLng): DropPoint | null {
  let best: DropPoint | null = null;
  let bestD = Infinity;
  for (const p of points) {
    const d = haversineExactM(p, at);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}
