/**
 * WGS84 positions (LatLng, GeoJSON Position), parsing a latitude and longitude, bounding boxes and a local
 * flat projection in metres around a point.
 */
import { err, ok, type Result } from '../shared/index.ts';

/** A WGS84 position. Latitude and longitude are in decimal degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A GeoJSON position: `[longitude, latitude]` (RFC 7946 order). */
export type Position = [number, number];

export const EARTH_RADIUS_M = 6_371_008.8;

/**
 * Parses an untrusted latitude/longitude pair. `field` prefixes the error's field
 * name (`field.lat`), so the caller's input path is named in the error.
 */
export function parseLatLng(lat: unknown, lng: unknown, field = ''): Result<LatLng> {
  const prefix = field ? `${field}.` : '';
  const la = typeof lat === 'string' && lat.trim() !== '' ? Number(lat) : lat;
  const ln = typeof lng === 'string' && lng.trim() !== '' ? Number(lng) : lng;
  if (typeof la !== 'number' || !Number.isFinite(la) || la < -90 || la > 90) {
    return err({ code: 'validation_failed', message: `${prefix}lat must be a number in [-90, 90]`, field: `${prefix}lat`, expected: 'number in [-90, 90]', actual: lat });
  }
  if (typeof ln !== 'number' || !Number.isFinite(ln) || ln < -180 || ln > 180) {
    return err({ code: 'validation_failed', message: `${prefix}lng must be a number in [-180, 180]`, field: `${prefix}lng`, expected: 'number in [-180, 180]', actual: lng });
  }
  return ok({ lat: la, lng: ln });
}

export interface BBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/**
 * A local equirectangular projection to metres around a reference latitude. Zones
 * span a few kilometres, where this is accurate to well under 0.1%; it is used for
 * areas, overlaps and self-intersection tests, never for travel distances.
 */
export interface LocalProjection {
  x(lng: number): number;
  y(lat: number): number;
}

export function localProjection(refLat: number, refLng = 0): LocalProjection {
  const k = (Math.PI / 180) * EARTH_RADIUS_M;
  const kx = k * Math.cos((refLat * Math.PI) / 180);
  // Coordinates relative to the reference point keep the numbers small, so
  // orientation tests keep their precision.
  return { x: (lng) => (lng - refLng) * kx, y: (lat) => (lat - refLat) * k };
}
