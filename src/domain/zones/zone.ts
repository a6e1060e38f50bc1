/**
 * Delivery zones (路区): the zone type and its split, field checks, parsing a GeoJSON collection,
 * overlaps, and the per-node allocation of a zone's demand.
 */
import Flatbush from 'flatbush';
import { err, ok, type DomainError, type Result } from '../shared/index.ts';
import { geometryAreaM2, geometryBBox, overlapAreaM2, parseGeometry, type AreaGeometry } from './geometry.ts';

/**
 * A delivery zone (路区): an area whose online orders one node fulfils. A zone may
 * be split between two nodes when no single node can take it all: `split` then
 * names the second node and how many of the zone's orders a day it takes.
 * `backupNodeIds` are tried in order when the serving node cannot take an order.
 */
export interface DeliveryZone {
  id: string;
  name: string;
  geometry: AreaGeometry;
  /** Estimated online orders a day from this zone. */
  demandOrdersPerDay: number;
  servingNodeId: string | null;
  split: ZoneSplit | null;
  backupNodeIds: string[];
}

export interface ZoneSplit {
  nodeId: string;
  ordersPerDay: number;
}

export const ZONE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** How a zone's demand is divided among nodes (primary first). */
export function zoneAllocation(z: Pick<DeliveryZone, 'servingNodeId' | 'split' | 'demandOrdersPerDay'>): Array<{ nodeId: string; ordersPerDay: number }> {
  if (!z.servingNodeId) return [];
  if (!z.split) return [{ nodeId: z.servingNodeId, ordersPerDay: z.demandOrdersPerDay }];
  return [
    { nodeId: z.servingNodeId, ordersPerDay: z.demandOrdersPerDay - z.split.ordersPerDay },
    { nodeId: z.split.nodeId, ordersPerDay: z.split.ordersPerDay },
  ];
}

const fieldError = (field: string, message: string, expected: unknown, actual: unknown): DomainError => ({ code: 'validation_failed', message, field, expected, actual });

/**
 * Checks the non-geometric fields of a zone. `field` prefixes error fields
 * (`features.3.properties`), `label` names the zone in messages.
 */
export function checkZoneFields(z: Omit<DeliveryZone, 'geometry'>, field: string, label: string): Result<true> {
  const f = (name: string) => (field ? `${field}.${name}` : name);
  if (typeof z.id !== 'string' || !ZONE_ID_PATTERN.test(z.id)) return err(fieldError(f('id'), `${label}: id must be 1-64 letters, digits or _ . : -`, ZONE_ID_PATTERN.source, z.id));
  if (typeof z.name !== 'string' || z.name.length > 200) return err(fieldError(f('name'), `${label}: name must be a string of at most 200 characters`, 'string', z.name));
  if (!Number.isInteger(z.demandOrdersPerDay) || z.demandOrdersPerDay < 0 || z.demandOrdersPerDay > 10_000_000) {
    return err(fieldError(f('demandOrdersPerDay'), `${label}: demandOrdersPerDay must be a whole number of orders a day`, 'integer in [0, 10000000]', z.demandOrdersPerDay));
  }
  if (z.servingNodeId !== null && typeof z.servingNodeId !== 'string') return err(fieldError(f('servingNodeId'), `${label}: servingNodeId must be a node id or null`, 'string | null', z.servingNodeId));
  if (!Array.isArray(z.backupNodeIds) || !z.backupNodeIds.every((b) => typeof b === 'string')) {
    return err(fieldError(f('backupNodeIds'), `${label}: backupNodeIds must be an array of node ids`, 'string[]', z.backupNodeIds));
  }
  if (new Set(z.backupNodeIds).size !== z.backupNodeIds.length || (z.servingNodeId && z.backupNodeIds.includes(z.servingNodeId))) {
    return err(fieldError(f('backupNodeIds'), `${label}: backup nodes must be distinct and differ from the serving node`, 'distinct node ids', z.backupNodeIds));
  }
  if (z.split) {
    if (!z.servingNodeId) return err(fieldError(f('split'), `${label}: a split needs a serving node`, 'servingNodeId set', null));
    if (typeof z.split.nodeId !== 'string' || z.split.nodeId === z.servingNodeId) {
      return err(fieldError(f('split.nodeId'), `${label}: split.nodeId must be a node other than the serving node`, 'another node id', z.split.nodeId));
    }
    if (!Number.isInteger(z.split.ordersPerDay) || z.split.ordersPerDay <= 0 || z.split.ordersPerDay >= Math.max(1, z.demandOrdersPerDay)) {
      return err(fieldError(f('split.ordersPerDay'), `${label}: split.ordersPerDay must be between 1 and demand - 1`, `integer in [1, ${z.demandOrdersPerDay - 1}]`, z.split.ordersPerDay));
    }
  }
  return ok(true);
}

export interface ZoneCollectionOptions {
  /**
   * Two zones may overlap by at most this percentage of the smaller one's area
   * (digitised boundaries rarely match exactly). Default 1%.
   */
  overlapTolerancePct?: number;
  /** When given, serving, split and backup node ids must be in this set. */
  knownNodeIds?: ReadonlySet<string>;
}

export interface ParsedZoneCollection {
  zones: DeliveryZone[];
  /** Ids of zones whose rings were reversed to the RFC 7946 winding. */
  rewound: string[];
}

/**
 * Parses a GeoJSON FeatureCollection of delivery zones (RFC 7946, WGS84). Each
 * feature is a Polygon or MultiPolygon with properties `id` (or the feature's id),
 * `name`, `demandOrdersPerDay`, `servingNodeId`, `backupNodeIds` and optional
 * `split: {nodeId, ordersPerDay}`. The first problem found is returned, naming the
 * feature (`features[3] "zone-12"`) and what is wrong with it.
 */
export function parseZoneCollection(raw: unknown, options: ZoneCollectionOptions = {}): Result<ParsedZoneCollection> {
  if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'FeatureCollection') {
    return err(fieldError('type', 'expected a GeoJSON FeatureCollection', 'FeatureCollection', (raw as { type?: unknown } | null)?.type ?? raw));
  }
  const features = (raw as { features?: unknown }).features;
  if (!Array.isArray(features)) return err(fieldError('features', 'features must be an array', 'array', features));
  const zones: DeliveryZone[] = [];
  const rewound: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < features.length; i++) {
    const base = `features.${i}`;
    const feat = features[i] as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown };
    if (typeof feat !== 'object' || feat === null || feat.type !== 'Feature') {
      return err(fieldError(`${base}.type`, `features[${i}] is not a GeoJSON Feature`, 'Feature', feat?.type ?? feat));
    }
    const props = (feat.properties ?? {}) as Record<string, unknown>;
    if (typeof props !== 'object' || Array.isArray(props)) return err(fieldError(`${base}.properties`, `features[${i}]: properties must be an object`, 'object', props));
    const id = props.id ?? feat.id;
    const label = `features[${i}]${typeof id === 'string' || typeof id === 'number' ? ` "${id}"` : ''}`;
    const split = props.split ?? null;
    const fields = {
      id: typeof id === 'number' ? String(id) : (id as string),
      name: (props.name ?? '') as string,
      demandOrdersPerDay: (props.demandOrdersPerDay ?? 0) as number,
      servingNodeId: (props.servingNodeId ?? null) as string | null,
      split: split as ZoneSplit | null,
      backupNodeIds: (props.backupNodeIds ?? []) as string[],
    };
    const checked = checkZoneFields(fields, `${base}.properties`, label);
    if (!checked.ok) return checked;
    if (seen.has(fields.id)) {
      return err(fieldError(`${base}.properties.id`, `${label}: id repeats features[${seen.get(fields.id)}]`, 'a unique id', fields.id));
    }
    seen.set(fields.id, i);
    if (options.knownNodeIds) {
      const refs: Array<[string, string]> = [];
      if (fields.servingNodeId) refs.push(['servingNodeId', fields.servingNodeId]);
      if (fields.split) refs.push(['split.nodeId', fields.split.nodeId]);
      fields.backupNodeIds.forEach((b, k) => refs.push([`backupNodeIds.${k}`, b]));
      for (const [name, nodeId] of refs) {
        if (!options.knownNodeIds.has(nodeId)) {
          return err({ code: 'validation_failed', message: `${label}: node ${nodeId} does not exist`, field: `${base}.properties.${name}`, expected: 'an existing node id', actual: nodeId });
        }
      }
    }
    const g = parseGeometry(feat.geometry, label, `${base}.geometry`);
    if (!g.ok) return g;
    if (g.value.rewound) rewound.push(fields.id);
    zones.push({ ...fields, geometry: g.value.geometry });
  }
  const overlap = findOverlap(zones, options.overlapTolerancePct ?? 1);
  if (overlap) {
    const [a, b] = [overlap.a, overlap.b];
    return err({
      code: 'validation_failed',
      message: `features[${b}] "${zones[b].id}" overlaps features[${a}] "${zones[a].id}" by ${Math.round(overlap.areaM2)} m² (${overlap.pct.toFixed(1)}% of the smaller zone; tolerance ${options.overlapTolerancePct ?? 1}%)`,
      field: `features.${b}.geometry`,
      expected: `overlap <= ${options.overlapTolerancePct ?? 1}% of the smaller zone`,
      actual: `${overlap.pct.toFixed(2)}%`,
      details: { problem: 'zones_overlap', feature: zones[b].id, other: zones[a].id, overlapM2: Math.round(overlap.areaM2) },
    });
  }
  return ok({ zones, rewound });
}

export interface ZoneOverlap {
  a: number;
  b: number;
  areaM2: number;
  pct: number;
}

/**
 * The first pair of shapes (by index) overlapping by more than `tolerancePct` of
 * the smaller one's area; candidate pairs come from an R-tree on bounding boxes.
 */
export function findOverlap(shapes: ReadonlyArray<{ geometry: AreaGeometry }>, tolerancePct: number): ZoneOverlap | null {
  if (shapes.length < 2) return null;
  const tree = new Flatbush(shapes.length);
  const boxes = shapes.map((s) => geometryBBox(s.geometry));
  for (const b of boxes) tree.add(b.minLng, b.minLat, b.maxLng, b.maxLat);
  tree.finish();
  const areas = new Map<number, number>();
  const area = (i: number) => {
    let a = areas.get(i);
    if (a === undefined) areas.set(i, (a = geometryAreaM2(shapes[i].geometry)));
    return a;
  };
  for (let b = 0; b < shapes.length; b++) {
    const box = boxes[b];
    const candidates = tree.search(box.minLng, box.minLat, box.maxLng, box.maxLat).filter((a) => a < b).sort((x, y) => x - y);
    for (const a of candidates) {
      const o = overlapAreaM2(shapes[a].geometry, shapes[b].geometry);
      if (o <= 0) continue;
      const pct = (100 * o) / Math.max(1e-9, Math.min(area(a), area(b)));
      if (pct > tolerancePct) return { a, b, areaM2: o, pct };
    }
  }
  return null;
}

/** The zones as a GeoJSON FeatureCollection (RFC 7946), the inverse of parseZoneCollection. */
export function zonesToFeatureCollection(zones: readonly DeliveryZone[]): { type: 'FeatureCollection'; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      id: z.id,
      properties: {
        id: z.id,
        name: z.name,
        demandOrdersPerDay: z.demandOrdersPerDay,
        servingNodeId: z.servingNodeId,
        ...(z.split ? { split: z.split } : {}),
        backupNodeIds: z.backupNodeIds,
      },
      geometry: z.geometry,
    })),
  };
}
