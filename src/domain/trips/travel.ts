/**
 * Road distance and driving time for trips: the geo context's travel model (haversine ×
 * circuity, at the vehicle's average speed). Whole metres and seconds, so schedules are
 * integers and replay exactly.
 */
import type { LatLng } from '../geo/index.ts';
import { DEFAULT_CIRCUITY, roadDistanceM as geoRoadDistanceM, travelS } from '../geo/index.ts';

export const DEFAULT_DETOUR_FACTOR = DEFAULT_CIRCUITY;

export function roadDistanceM(a: LatLng, b: LatLng, detourFactor: number): number {
  return geoRoadDistanceM(a, b, detourFactor);
}

export function driveS(distanceM: number, speedKmh: number): number {
  return travelS(distanceM, speedKmh);
}
