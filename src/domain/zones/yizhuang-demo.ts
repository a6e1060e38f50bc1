/** The Yizhuang demo's delivery zones (an H3 grid over the development area) and its 2022 control areas. */
import type { BBox } from '../geo/index.ts';
import { haversineExactM } from '../geo/index.ts';
import { seededRandom } from '../shared/index.ts';
import { unwrap } from '../shared/index.ts';
import { circlePolygon, type ControlArea, type ControlLevel } from './control-area.ts';
import { geometryCentroid } from './geometry.ts';
import { assignNearest, generateH3Zones, spreadDemand, type ZoneNode } from './h3-grid.ts';
import type { DeliveryZone } from './zone.ts';

/** The development-area bounding box from the scenario notes (an estimate). */
export const YIZHUANG_BBOX: BBox = { minLat: 39.73, maxLat: 39.84, minLng: 116.45, maxLng: 116.61 };
/** Yizhuang centre (an estimate), where demand is densest in the demo. */
export const YIZHUANG_CENTRE = { lat: 39.795, lng: 116.5 };

export interface DemoZoneOptions {
  resolution?: number;
  /** Total estimated orders a day over all zones (the seed: ~10,000 in the crisis). */
  totalOrdersPerDay?: number;
  seed?: number;
}

/**
 * Demo delivery zones for the Yizhuang scenario: H3 cells (res 8 by default) over
 * the development-area bounding box, with demand densest near the centre plus a
 * seeded ±30% jitter, scaled to `totalOrdersPerDay` in whole orders, each zone
 * served by the nearest delivery node whose radius reaches it (else the nearest
 * node) with the next two in reach as backups. Figures are illustrative estimates.
 */
export function yizhuangDemoZones(deliveryNodes: readonly ZoneNode[], options: DemoZoneOptions = {}): DeliveryZone[] {
  const zones = unwrap(generateH3Zones({ resolution: options.resolution ?? 8, area: { bbox: YIZHUANG_BBOX } }));
  const centroids = zones.map((z) => geometryCentroid(z.geometry));
  const rnd = seededRandom(options.seed ?? 2022);
  const weights = centroids.map((c) => {
    const dKm = haversineExactM(c, YIZHUANG_CENTRE) / 1000;
    return (0.35 + Math.exp(-((dKm / 4) ** 2))) * (0.7 + 0.6 * rnd.next());
  });
  const demand = spreadDemand(weights, options.totalOrdersPerDay ?? 10_000);
  const withDemand = zones.map((z, i) => ({ ...z, demandOrdersPerDay: demand[i] }));
  const assigned = assignNearest(withDemand, centroids, deliveryNodes, { requireReach: false });
  return assigned;
}

/** A control area of the scenario file: a centre and a radius. */
export interface ScenarioControlArea {
  id: string;
  nameZh?: string;
  nameEn?: string;
  level: ControlLevel;
  lat: number;
  lng: number;
  radiusM: number;
}

/**
 * The scenario's control areas as polygons (32-gons around each plaza), in force
 * from `startsAt`, each with one contactless drop point at its centre (an estimate).
 * `allowOnlineOnly` lets nodes inside reopen for online orders, as the seed's store did.
 */
export function yizhuangControlAreas(areas: readonly ScenarioControlArea[], startsAt: string, allowOnlineOnly = false): ControlArea[] {
  return areas.map((a) => ({
    id: a.id,
    name: a.nameEn ? `${a.nameEn}${a.nameZh ? ` ${a.nameZh}` : ''}` : a.id,
    level: a.level,
    geometry: circlePolygon({ lat: a.lat, lng: a.lng }, a.radiusM),
    startsAt,
    endsAt: null,
    allowOnlineOnly,
    dropPoints: [{ id: `${a.id}-gate`, name: `${a.nameEn ?? a.id} gate drop point (estimate)`, lat: a.lat, lng: a.lng }],
    liftedAt: null,
  }));
}
