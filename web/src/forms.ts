/**
 * Checks a form runs before it sends anything: a value that is not what the field
 * needs is refused with a message naming the field, the expected and the actual value,
 * and is never turned into something else ("abc" is not 0, -3 is not 1).
 * Pure functions over strings; messages are i18n keys with parameters.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; key: string; params: Record<string, string | number> };

const ok = <T,>(value: T): Checked<T> => ({ ok: true, value });
const bad = (key: string, params: Record<string, string | number>): Checked<never> => ({ ok: false, key, params });

/** A decimal number between min and max ("39.79", "116,50" is refused: comma is not a decimal point here). */
export function checkNumber(raw: string, field: string, min: number, max: number): Checked<number> {
  const s = raw.trim();
  if (s === '') return bad('form.required', { field });
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return bad('form.notNumber', { field, value: raw });
  const n = Number(s);
  if (n < min || n > max) return bad('form.outOfRange', { field, min, max, value: s });
  return ok(n);
}

/** A whole number of at least `min` (quantities): "-3", "1.5" and "abc" are refused. */
export function checkWhole(raw: string, field: string, min: number): Checked<number> {
  const s = raw.trim();
  if (s === '') return bad('form.required', { field });
  if (!/^[-+]?\d+$/.test(s) || Number(s) < min) return bad('form.wholeAtLeast', { field, min, value: raw });
  return ok(Number(s));
}

export const checkLatitude = (raw: string, field: string) => checkNumber(raw, field, -90, 90);
export const checkLongitude = (raw: string, field: string) => checkNumber(raw, field, -180, 180);

/** Rough distance check: is the point within `km` of a centre (equirectangular, fine at city scale)? */
function withinKm(lat: number, lng: number, centre: [number, number], km: number): boolean {
  const dy = (lat - centre[0]) * 111.2;
  const dx = (lng - centre[1]) * 111.2 * Math.cos((centre[0] * Math.PI) / 180);
  return Math.hypot(dx, dy) <= km;
}

/**
 * Corners of an area typed one per line as "lat, lng" (a comma, a semicolon or
 * spaces between them). Every line must be a valid point near the district, and
 * there must be at least three.
 */
export function checkCorners(text: string, centre: [number, number]): Checked<Array<[number, number]>> {
  const lines = text.split(/\r?\n/);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(/\s*[,;，]\s*|\s+/).filter(Boolean);
    if (parts.length !== 2) return bad('form.lineBad', { line: i + 1, value: line });
    const lat = checkLatitude(parts[0], 'lat');
    const lng = checkLongitude(parts[1], 'lng');
    if (!lat.ok || !lng.ok) return bad('form.lineBad', { line: i + 1, value: line });
    if (!withinKm(lat.value, lng.value, centre, 50)) return bad('form.outsideDistrict', { line: i + 1, lat: lat.value, lng: lng.value });
    points.push([lat.value, lng.value]);
  }
  if (points.length < 3) return bad('form.tooFewCorners', { n: points.length });
  return ok(points);
}
