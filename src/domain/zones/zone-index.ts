/** The zone index for the order hot path: which zone, serving and backup nodes an address falls in. */
import { PolygonIndex, type PolygonIndexOptions } from '../geo/index.ts';
import { nearestDropPoint, type ControlArea, type ControlLevel, type DropPoint } from './control-area.ts';
import { geometryBBox, toMultiPolygon } from './geometry.ts';
import type { DeliveryZone } from './zone.ts';

/** What the order hot path needs to know about an address. */
export interface ZoneLookup {
  zoneId: string;
  /** The node that should fulfil an order from this address (null: the zone has no server). */
  servingNodeId: string | null;
  /** Nodes to try, in order, when the serving node cannot take the order. */
  backupNodeIds: readonly string[];
  /** The address is inside a lockdown area in force: deliver to a contactless drop point. */
  underLockdown: boolean;
  /** The strictest control level at the address, if any. */
  controlLevel: ControlLevel | null;
  controlAreaId: string | null;
  /** The nearest drop point of the lockdown area (absent when the area has none). */
  dropPoint?: DropPoint;
}

/**
 * An immutable, in-memory index of delivery zones and control areas in force,
 * answering "which zone and node serve this address" without a scan: a grid
 * (or R-tree) on polygon bounding boxes, then a point-in-polygon test on the few
 * candidates. Built once per change of zones or areas; lookups allocate nothing
 * for addresses outside control areas in unsplit zones.
 *
 * A split zone sends each address to one of its two nodes deterministically (by a
 * hash of the address rounded to about a metre), in proportion to the split.
 */
export class ZoneIndex {
  readonly zoneCount: number;
  private readonly zones: readonly DeliveryZone[];
  private readonly zoneIndex: PolygonIndex;
  private readonly plain: Array<ZoneLookup | null>;
  private readonly mayBeControlled: Uint8Array;
  private readonly areas: readonly ControlArea[];
  private readonly areaIndex: PolygonIndex;

  /** `areas` are the control areas in force (any order). */
  constructor(zones: readonly DeliveryZone[], areas: readonly ControlArea[] = [], options: PolygonIndexOptions = {}) {
    this.zones = zones;
    this.zoneCount = zones.length;
    this.zoneIndex = new PolygonIndex(zones.map((z) => toMultiPolygon(z.geometry)), options);
    const order: Record<ControlLevel, number> = { lockdown: 0, controlled: 1, precaution: 2 };
    this.areas = [...areas].sort((a, b) => order[a.level] - order[b.level] || (a.id < b.id ? -1 : 1));
    this.areaIndex = new PolygonIndex(this.areas.map((a) => toMultiPolygon(a.geometry)), options);
    const areaBoxes = this.areas.map((a) => geometryBBox(a.geometry));
    this.mayBeControlled = new Uint8Array(zones.length);
    this.plain = zones.map((z, i) => {
      const b = geometryBBox(z.geometry);
      if (areaBoxes.some((a) => !(a.maxLng < b.minLng || b.maxLng < a.minLng || a.maxLat < b.minLat || b.maxLat < a.minLat))) this.mayBeControlled[i] = 1;
      if (z.split) return null;
      return Object.freeze({
        zoneId: z.id,
        servingNodeId: z.servingNodeId,
        backupNodeIds: Object.freeze([...z.backupNodeIds]),
        underLockdown: false,
        controlLevel: null,
        controlAreaId: null,
      });
    });
  }

  /** The zone and serving node of an address, or null when no zone covers it. */
  lookup(lat: number, lng: number): ZoneLookup | null {
    const i = this.zoneIndex.find(lng, lat);
    if (i < 0) return null;
    const plain = this.plain[i];
    if (plain && this.mayBeControlled[i] === 0) return plain;
    const z = this.zones[i];
    let base: ZoneLookup;
    if (plain) base = { ...plain };
    else {
      const split = z.split!;
      const bucket = addressHash(lat, lng) % Math.max(1, z.demandOrdersPerDay);
      const toSplit = bucket < split.ordersPerDay;
      const serving = toSplit ? split.nodeId : (z.servingNodeId as string);
      const other = toSplit ? (z.servingNodeId as string) : split.nodeId;
      base = { zoneId: z.id, servingNodeId: serving, backupNodeIds: [other, ...z.backupNodeIds], underLockdown: false, controlLevel: null, controlAreaId: null };
    }
    if (this.mayBeControlled[i] === 1) {
      // The areas are sorted strictest first, so the first hit is the one that governs.
      const a = this.areaIndex.find(lng, lat);
      if (a >= 0) {
        const area = this.areas[a];
        base.controlLevel = area.level;
        base.controlAreaId = area.id;
        if (area.level === 'lockdown') {
          base.underLockdown = true;
          const dp = nearestDropPoint(area.dropPoints, { lat, lng });
          if (dp) base.dropPoint = dp;
        }
      }
    }
    return base;
  }
}

/** A stable unsigned 32-bit hash of an address rounded to 1e-5 degrees (about a metre). */
export function addressHash(lat: number, lng: number): number {
  let h = Math.imul(Math.round(lat * 1e5) | 0, 0x9e3779b1) ^ Math.imul(Math.round(lng * 1e5) | 0, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
