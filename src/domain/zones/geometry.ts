/**
 * Zone and control-area shapes (GeoJSON Polygon or MultiPolygon): parsing with named problems,
 * bounding box, area, centroid, overlap and containment.
 */
import { localProjection, type BBox, type LatLng, type LocalProjection, type Position } from '../geo/index.ts';
import type { MultiPolygonCoords } from '../geo/index.ts';
import { err, ok, type DomainError, type Result } from '../shared/index.ts';

/** A zone or control-area shape: RFC 7946 Polygon or MultiPolygon in WGS84. */
export type AreaGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** Why a geometry was refused; `path` points into the geometry's coordinates. */
export type GeometryProblemKind =
  | 'not_a_geometry'
  | 'unsupported_type'
  | 'bad_position'
  | 'out_of_range'
  | 'too_few_positions'
  | 'ring_not_closed'
  | 'zero_area'
  | 'self_intersection'
  | 'hole_outside_exterior'
  | 'parts_overlap';

export interface ParsedGeometry {
  geometry: AreaGeometry;
  /** True when one or more rings were reversed to the RFC 7946 winding (exterior counter-clockwise). */
  rewound: boolean;
}

/**
 * Parses an untrusted GeoJSON geometry into a valid AreaGeometry, or refuses it with
 * an error naming `label` (the feature) and the problem. Repeated consecutive
 * positions are dropped and rings with the wrong winding are reversed (RFC 7946
 * says parsers should not reject them); everything else that is wrong is an error:
 * a non-polygon type, a bad or out-of-range position, a ring with fewer than four
 * positions or not closed, a ring without area, a ring crossing itself or another
 * ring, a hole outside its exterior, or parts of a MultiPolygon overlapping.
 */
export function parseGeometry(raw: unknown, label: string, field = 'geometry'): Result<ParsedGeometry> {
  const problem = (kind: GeometryProblemKind, path: string, message: string, expected?: unknown, actual?: unknown): Result<ParsedGeometry> =>
    err(geometryError(label, kind, path ? `${field}.${path}` : field, message, expected, actual));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return problem('not_a_geometry', '', 'geometry is missing or not an object', 'a GeoJSON Polygon or MultiPolygon', raw);
  }
  const g = raw as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return problem('unsupported_type', 'type', `geometry type must be Polygon or MultiPolygon`, 'Polygon | MultiPolygon', g.type);
  }
  const polysRaw: unknown = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (!Array.isArray(polysRaw) || (g.type === 'Polygon' && !Array.isArray(g.coordinates))) {
    return problem('not_a_geometry', 'coordinates', 'coordinates must be an array', 'array', g.coordinates);
  }
  if (polysRaw.length === 0) return problem('too_few_positions', 'coordinates', 'a MultiPolygon needs at least one polygon', '>= 1 polygon', 0);
  let rewound = false;
  const polys: Position[][][] = [];
  for (let p = 0; p < polysRaw.length; p++) {
    const base = g.type === 'Polygon' ? 'coordinates' : `coordinates.${p}`;
    const ringsRaw = polysRaw[p];
    if (!Array.isArray(ringsRaw) || ringsRaw.length === 0) {
      return problem('too_few_positions', base, 'a polygon needs an exterior ring', 'array of rings', ringsRaw);
    }
    const rings: Position[][] = [];
    for (let r = 0; r < ringsRaw.length; r++) {
      const rpath = `${base}.${r}`;
      const ringRaw = ringsRaw[r];
      if (!Array.isArray(ringRaw)) return problem('not_a_geometry', rpath, 'a ring must be an array of positions', 'array', ringRaw);
      const ring: Position[] = [];
      for (let i = 0; i < ringRaw.length; i++) {
        const pos = ringRaw[i];
        if (!Array.isArray(pos) || pos.length < 2 || pos.length > 3 || !pos.every((n) => typeof n === 'number' && Number.isFinite(n))) {
          return problem('bad_position', `${rpath}.${i}`, 'a position must be [longitude, latitude] numbers', '[lng, lat]', pos);
        }
        const [lng, lat] = pos as number[];
        if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
          return problem('out_of_range', `${rpath}.${i}`, `position [${lng}, ${lat}] is out of range (longitude first, in [-180, 180]; latitude in [-90, 90])`, '[lng in [-180,180], lat in [-90,90]]', pos);
        }
        const prev = ring[ring.length - 1];
        if (prev && prev[0] === lng && prev[1] === lat) continue; // repeated position: harmless, dropped
        ring.push([lng, lat]);
      }
      if (ringRaw.length < 4) {
        return problem('too_few_positions', rpath, `ring ${r} has ${ringRaw.length} positions; a closed ring needs at least 4`, '>= 4 positions', ringRaw.length);
      }
      const first = ringRaw[0] as number[];
      const last = ringRaw[ringRaw.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return problem('ring_not_closed', rpath, `ring ${r} is not closed: first position [${first[0]}, ${first[1]}] differs from last [${last[0]}, ${last[1]}]`, 'last position equal to the first', last);
      }
      if (ring.length < 4) {
        return problem('zero_area', rpath, `ring ${r} has fewer than 3 distinct positions`, '>= 3 distinct positions', ring.length - 1);
      }
      rings.push(ring);
    }
    polys.push(rings);
  }
  const proj = projectionFor(polys);
  for (let p = 0; p < polys.length; p++) {
    const base = g.type === 'Polygon' ? 'coordinates' : `coordinates.${p}`;
    const rings = polys[p];
    const crossing = findRingCrossing(rings);
    if (crossing) {
      const where = `[${crossing.at[0].toFixed(6)}, ${crossing.at[1].toFixed(6)}]`;
      const what = crossing.ringA === crossing.ringB ? `ring ${crossing.ringA} intersects itself` : `ring ${crossing.ringB} crosses ring ${crossing.ringA}`;
      return problem('self_intersection', `${base}.${crossing.ringB}`, `${what} near ${where} (segments ${crossing.segA} and ${crossing.segB})`, 'a simple ring', where);
    }
    for (let r = 0; r < rings.length; r++) {
      const a = signedArea(projectRing(rings[r], proj));
      if (Math.abs(a) < 1e-6) return problem('zero_area', `${base}.${r}`, `ring ${r} has no area`, 'area > 0', 0);
      const wantPositive = r === 0;
      if (a > 0 !== wantPositive) {
        rings[r] = rings[r].slice().reverse();
        rewound = true;
      }
    }
    const exterior = projectRing(rings[0], proj);
    for (let r = 1; r < rings.length; r++) {
      const hole = projectRing(rings[r], proj);
      if (locate(hole[0], hole[1], [exterior]).state !== 'in') {
        return problem('hole_outside_exterior', `${base}.${r}`, `hole ${r} lies outside the exterior ring`, 'a hole inside the exterior ring', rings[r][0]);
      }
    }
  }
  for (let p = 0; p < polys.length; p++) {
    for (let q = p + 1; q < polys.length; q++) {
      const area = overlapAreaM2([polys[p]], [polys[q]]);
      if (area > 1) {
        return problem('parts_overlap', `coordinates.${q}`, `polygons ${p} and ${q} of the MultiPolygon overlap by ${Math.round(area)} m²`, 'disjoint parts', Math.round(area));
      }
    }
  }
  const geometry: AreaGeometry = g.type === 'Polygon' ? { type: 'Polygon', coordinates: closeRings(polys[0]) } : { type: 'MultiPolygon', coordinates: polys.map(closeRings) };
  return ok({ geometry, rewound });
}

export function geometryError(label: string, kind: GeometryProblemKind, field: string, message: string, expected?: unknown, actual?: unknown): DomainError {
  return { code: 'validation_failed', message: `${label}: ${message}`, field, expected, actual, details: { problem: kind, feature: label } };
}

function closeRings(rings: Position[][]): Position[][] {
  return rings.map((ring) => {
    const f = ring[0];
    const l = ring[ring.length - 1];
    return f[0] === l[0] && f[1] === l[1] ? ring : [...ring, [f[0], f[1]] as Position];
  });
}

/** The geometry as MultiPolygon coordinates. */
export function toMultiPolygon(g: AreaGeometry): MultiPolygonCoords {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function geometryBBox(g: AreaGeometry | MultiPolygonCoords): BBox {
  const polys = Array.isArray(g) ? g : toMultiPolygon(g);
  const b: BBox = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const poly of polys) {
    for (const [lng, lat] of poly[0]) {
      if (lng < b.minLng) b.minLng = lng;
      if (lat < b.minLat) b.minLat = lat;
      if (lng > b.maxLng) b.maxLng = lng;
      if (lat > b.maxLat) b.maxLat = lat;
    }
  }
  return b;
}

function projectionFor(polys: MultiPolygonCoords): LocalProjection {
  const [lng, lat] = polys[0][0][0];
  return localProjection(lat, lng);
}

/** Projected ring as flat [x0, y0, x1, y1, ...] without the closing duplicate. */
function projectRing(ring: readonly Position[], proj: LocalProjection): Float64Array {
  const f = ring[0];
  const l = ring[ring.length - 1];
  const n = f[0] === l[0] && f[1] === l[1] ? ring.length - 1 : ring.length;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[i * 2] = proj.x(ring[i][0]);
    out[i * 2 + 1] = proj.y(ring[i][1]);
  }
  return out;
}

/** Shoelace area, positive for counter-clockwise rings (x east, y north). */
function signedArea(ring: Float64Array): number {
  const n = ring.length / 2;
  let s = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) s += ring[j * 2] * ring[i * 2 + 1] - ring[i * 2] * ring[j * 2 + 1];
  return s / 2;
}

/** Area in m² (holes subtracted). Assumes a valid, normalised geometry. */
export function geometryAreaM2(g: AreaGeometry | MultiPolygonCoords): number {
  const polys = Array.isArray(g) ? g : toMultiPolygon(g);
  const proj = projectionFor(polys);
  let a = 0;
  for (const poly of polys) for (const ring of poly) a += signedArea(projectRing(ring, proj));
  return Math.abs(a);
}

/** The area-weighted centroid of the geometry (holes included). */
export function geometryCentroid(g: AreaGeometry | MultiPolygonCoords): LatLng {
  const polys = Array.isArray(g) ? g : toMultiPolygon(g);
  const [lng0, lat0] = polys[0][0][0];
  const proj = localProjection(lat0, lng0);
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of polys) {
    for (const ringCoords of poly) {
      const ring = projectRing(ringCoords, proj);
      const n = ring.length / 2;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const f = ring[j * 2] * ring[i * 2 + 1] - ring[i * 2] * ring[j * 2 + 1];
        a += f;
        cx += (ring[j * 2] + ring[i * 2]) * f;
        cy += (ring[j * 2 + 1] + ring[i * 2 + 1]) * f;
      }
    }
  }
  if (Math.abs(a) < 1e-9) return { lat: lat0, lng: lng0 };
  cx /= 3 * a;
  cy /= 3 * a;
  const k = (Math.PI / 180) * 6_371_008.8;
  const kx = k * Math.cos((lat0 * Math.PI) / 180);
  return { lat: lat0 + cy / k, lng: lng0 + cx / kx };
}

// ---------------------------------------------------------------------------
// Segment predicates

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

interface Crossing {
  ringA: number;
  ringB: number;
  segA: number;
  segB: number;
  at: Position;
}

/**
 * Finds two segments of a polygon's rings that touch or cross, other than
 * neighbours in the same ring meeting at their shared vertex. A sweep over
 * segments sorted by their west edge keeps this near-linear for real zones.
 */
function findRingCrossing(rings: Position[][]): Crossing | null {
  type Seg = { ring: number; idx: number; n: number; ax: number; ay: number; bx: number; by: number; minX: number; maxX: number };
  const segs: Seg[] = [];
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r];
    const n = ring.length - 1; // closed: last equals first
    for (let i = 0; i < n; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[i + 1];
      segs.push({ ring: r, idx: i, n, ax, ay, bx, by, minX: Math.min(ax, bx), maxX: Math.max(ax, bx) });
    }
  }
  segs.sort((s, t) => s.minX - t.minX);
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    for (let j = i + 1; j < segs.length && segs[j].minX <= s.maxX; j++) {
      const t = segs[j];
      if (Math.max(s.ay, s.by) < Math.min(t.ay, t.by) || Math.max(t.ay, t.by) < Math.min(s.ay, s.by)) continue;
      if (s.ring === t.ring) {
        const d = Math.abs(s.idx - t.idx);
        if (d === 1 || d === s.n - 1) {
          // Neighbours share one vertex; they are wrong only if they fold back onto each other (a spike).
          if (isSpike(s, t)) return crossingOf(s, t);
          continue;
        }
      }
      if (segmentsIntersect(s.ax, s.ay, s.bx, s.by, t.ax, t.ay, t.bx, t.by)) return crossingOf(s, t);
    }
  }
  return null;
  function crossingOf(s: Seg, t: Seg): Crossing {
    const [a, b] = s.ring < t.ring || (s.ring === t.ring && s.idx < t.idx) ? [s, t] : [t, s];
    return { ringA: a.ring, ringB: b.ring, segA: a.idx, segB: b.idx, at: [b.ax, b.ay] };
  }
  function isSpike(s: Seg, t: Seg): boolean {
    // Find the shared vertex and the two far ends.
    const [first, second] = s.idx + 1 === t.idx || (t.idx === 0 && s.idx === s.n - 1) ? [s, t] : [t, s];
    const px = first.ax;
    const py = first.ay;
    const qx = first.bx;
    const qy = first.by;
    const rx = second.bx;
    const ry = second.by;
    if (orient(px, py, qx, qy, rx, ry) !== 0) return false;
    return (qx - px) * (rx - qx) + (qy - py) * (ry - qy) < 0;
  }
}

// ---------------------------------------------------------------------------
// Overlap area

type ProjectedPolygon = Float64Array[]; // rings, exterior counter-clockwise, holes clockwise

const ON_EDGE_M = 1e-3;

interface Location {
  state: 'in' | 'out' | 'on';
  /** Direction of the edge the point lies on (state 'on'). */
  dx?: number;
  dy?: number;
}

function locate(x: number, y: number, poly: ProjectedPolygon): Location {
  let inside = false;
  for (const ring of poly) {
    const n = ring.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[i * 2];
      const yi = ring[i * 2 + 1];
      const xj = ring[j * 2];
      const yj = ring[j * 2 + 1];
      const ex = xi - xj;
      const ey = yi - yj;
      const len2 = ex * ex + ey * ey;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - xj) * ex + (y - yj) * ey) / len2));
      const px = xj + t * ex - x;
      const py = yj + t * ey - y;
      if (px * px + py * py < ON_EDGE_M * ON_EDGE_M) return { state: 'on', dx: ex, dy: ey };
      if (yi > y !== yj > y && x < (xj - xi) * ((y - yi) / (yj - yi)) + xi) inside = !inside;
    }
  }
  return { state: inside ? 'in' : 'out' };
}

/**
 * Twice the signed area contributed by the parts of P's boundary that lie inside Q
 * (Green's theorem). Edges of P lying on Q's boundary count only when `sharedCounts`
 * and both run the same way (the shapes are on the same side of that edge).
 */
function insideBoundaryArea2(P: ProjectedPolygon, Q: ProjectedPolygon, sharedCounts: boolean): number {
  let sum = 0;
  const ts: number[] = [];
  for (const ring of P) {
    const n = ring.length / 2;
    for (let i = 0; i < n; i++) {
      const k = (i + 1) % n;
      const px = ring[i * 2];
      const py = ring[i * 2 + 1];
      const rx = ring[k * 2] - px;
      const ry = ring[k * 2 + 1] - py;
      const rr = rx * rx + ry * ry;
      ts.length = 0;
      ts.push(0, 1);
      for (const qring of Q) {
        const m = qring.length / 2;
        for (let a = 0; a < m; a++) {
          const b = (a + 1) % m;
          const ax = qring[a * 2];
          const ay = qring[a * 2 + 1];
          const sx = qring[b * 2] - ax;
          const sy = qring[b * 2 + 1] - ay;
          if (Math.max(ax, ax + sx) < Math.min(px, px + rx) - ON_EDGE_M || Math.min(ax, ax + sx) > Math.max(px, px + rx) + ON_EDGE_M) continue;
          if (Math.max(ay, ay + sy) < Math.min(py, py + ry) - ON_EDGE_M || Math.min(ay, ay + sy) > Math.max(py, py + ry) + ON_EDGE_M) continue;
          const denom = rx * sy - ry * sx;
          const wx = ax - px;
          const wy = ay - py;
          if (Math.abs(denom) > 1e-12 * rr) {
            const t = (wx * sy - wy * sx) / denom;
            const u = (wx * ry - wy * rx) / denom;
            if (t > 0 && t < 1 && u >= -1e-9 && u <= 1 + 1e-9) ts.push(t);
          } else {
            // Parallel: the ends of Q's edge split P's edge where they lie on it.
            const ta = (wx * rx + wy * ry) / rr;
            const tb = ((wx + sx) * rx + (wy + sy) * ry) / rr;
            if (ta > 0 && ta < 1) ts.push(ta);
            if (tb > 0 && tb < 1) ts.push(tb);
          }
        }
      }
      ts.sort((u, v) => u - v);
      for (let s = 0; s + 1 < ts.length; s++) {
        const t0 = ts[s];
        const t1 = ts[s + 1];
        if (t1 - t0 < 1e-12) continue;
        const mx = px + ((t0 + t1) / 2) * rx;
        const my = py + ((t0 + t1) / 2) * ry;
        const loc = locate(mx, my, Q);
        const counts = loc.state === 'in' || (loc.state === 'on' && sharedCounts && (loc.dx as number) * rx + (loc.dy as number) * ry > 0);
        if (counts) {
          const x0 = px + t0 * rx;
          const y0 = py + t0 * ry;
          const x1 = px + t1 * rx;
          const y1 = py + t1 * ry;
          sum += x0 * y1 - x1 * y0;
        }
      }
    }
  }
  return sum;
}

/**
 * The area in m² where two valid geometries overlap, computed exactly (up to the
 * local projection) from the parts of each boundary that lie inside the other.
 * Shapes that only share an edge overlap by 0.
 */
export function overlapAreaM2(a: AreaGeometry | MultiPolygonCoords, b: AreaGeometry | MultiPolygonCoords): number {
  const pa = Array.isArray(a) ? a : toMultiPolygon(a);
  const pb = Array.isArray(b) ? b : toMultiPolygon(b);
  const ba = geometryBBox(pa);
  const bb = geometryBBox(pb);
  if (ba.maxLng < bb.minLng || bb.maxLng < ba.minLng || ba.maxLat < bb.minLat || bb.maxLat < ba.minLat) return 0;
  const proj = projectionFor(pa);
  const P = pa.map((poly) => poly.map((ring) => projectRing(ring, proj)));
  const Q = pb.map((poly) => poly.map((ring) => projectRing(ring, proj)));
  let total = 0;
  for (const p of P) {
    for (const q of Q) {
      const a2 = insideBoundaryArea2(p, q, true) + insideBoundaryArea2(q, p, false);
      total += Math.max(0, a2 / 2);
    }
  }
  return total;
}

/** True when the point lies inside the geometry (boundary counts as inside). */
export function geometryContains(g: AreaGeometry | MultiPolygonCoords, point: LatLng): boolean {
  const polys = Array.isArray(g) ? g : toMultiPolygon(g);
  const proj = projectionFor(polys);
  const x = proj.x(point.lng);
  const y = proj.y(point.lat);
  for (const poly of polys) {
    const loc = locate(x, y, poly.map((ring) => projectRing(ring, proj)));
    if (loc.state !== 'out') return true;
  }
  return false;
}
