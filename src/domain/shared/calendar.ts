/**
 * The one operating calendar: the network's time zone, its operating day and the ordering window.
 * Orders, slots, trips, reconciliation, reports and picking ask this module which day an instant
 * belongs to and when a day starts, never `toISOString().slice(0, 10)` (a UTC day) or a local
 * `+ 8 * 3_600_000`.
 *
 * The default zone is Asia/Shanghai (UTC+8 all year, no daylight saving, as in the 2022 scenario).
 * Other zones are supported through a fixed UTC offset in minutes; a zone with daylight saving
 * would need a tz database (not needed by any network the project serves today).
 */
export interface OperatingCalendar {
  /** IANA-style name, for display and reports. */
  timeZone: string;
  /** Minutes east of UTC. */
  utcOffsetMin: number;
  /** Local minutes of day when the ordering window for a service day opens (the day before is not used). */
  orderingOpensMin: number;
  /** Local hour at which the nightly reconciliation runs (for the day just ended). */
  reconcileAtHour: number;
}

export const DEFAULT_CALENDAR: OperatingCalendar = Object.freeze({ timeZone: 'Asia/Shanghai', utcOffsetMin: 480, orderingOpensMin: 6 * 60, reconcileAtHour: 4 });

const pad = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Is `s` a calendar day `YYYY-MM-DD` that exists? */
export function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

/** The operating day (`YYYY-MM-DD`, local) an instant belongs to. */
export function operatingDay(ms: number, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): string {
  const d = new Date(ms + cal.utcOffsetMin * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The instant a local wall-clock time (minutes of day) happens on a local day. */
export function localTimeMs(day: string, minutesOfDay: number, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): number {
  return Date.parse(`${day}T00:00:00.000Z`) + (minutesOfDay - cal.utcOffsetMin) * 60_000;
}

/** The operating day's bounds as instants: [startMs, endMs), local midnight to local midnight. */
export function dayBounds(day: string, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): { startMs: number; endMs: number } {
  const startMs = localTimeMs(day, 0, cal);
  return { startMs, endMs: startMs + DAY_MS };
}

/** The day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Local midnight at the start of the operating day containing `ms`. */
export function startOfOperatingDay(ms: number, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): number {
  return localTimeMs(operatingDay(ms, cal), 0, cal);
}

/**
 * The next instant strictly after `afterMs` when the local clock shows `hour`:00, and the
 * operating day that has just ended by then (the day a nightly job at that hour covers: at
 * 04:00 on the 24th it is the 23rd).
 */
export function nextNightlyRun(afterMs: number, hour: number, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): { atMs: number; day: string } {
  const today = operatingDay(afterMs, cal);
  let atMs = localTimeMs(today, hour * 60, cal);
  if (atMs <= afterMs) atMs += DAY_MS;
  return { atMs, day: addDays(operatingDay(atMs, cal), -1) };
}

/** The ISO 8601 string of an instant in the calendar's local time, e.g. `2022-06-23T07:00:00+08:00`. */
export function localIso(ms: number, cal: Pick<OperatingCalendar, 'utcOffsetMin'> = DEFAULT_CALENDAR): string {
  const d = new Date(ms + cal.utcOffsetMin * 60_000);
  const sign = cal.utcOffsetMin >= 0 ? '+' : '-';
  const off = Math.abs(cal.utcOffsetMin);
  return `${d.toISOString().slice(0, 19)}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}
