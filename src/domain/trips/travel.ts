/**
 * Road distance and driving time between two places for a vehicle: the straight line times a
 * detour factor (the geo context's default travel policy), at the vehicle's average speed. Whole
 * metres and seconds, so schedules are integers and replay exactly.
 */
import { haversineExactM } from '../geo/distance.ts';
import type { LatLng } from '../geo/coordinates.ts';

export const DEFAULT_DETOUR_FACTOR = 1.3;

export function roadDistanceM(a: LatLng, b: LatLng, detourFactor: number): number {
  return Math.round(haversineExactM(a, b) * detourFactor);
}

export function driveS(distanceM: number, speedKmh: number): number {
  return Math.round((distanceM * 3.6) / speedKmh);
}
