/** Great-circle (haversine) distance between two positions, in metres. */
import { EARTH_RADIUS_M, type LatLng } from './coordinates.ts';

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine), not rounded. */
export function haversineExactM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Great-circle distance in whole metres. */
export function haversineM(a: LatLng, b: LatLng): number {
  return Math.round(haversineExactM(a, b));
}
