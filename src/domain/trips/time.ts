/**
 * Clock times inside a plan's day: seconds from local midnight. "24:00" is the end of the day.
 */
import { err, ok, type Result } from '../shared/index.ts';
import { DEFAULT_CALENDAR } from '../shared/index.ts';

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** "06:30" → 23400. `field` names the input in the error. */
export function parseClock(text: unknown, field: string): Result<number> {
  const m = typeof text === 'string' ? HHMM.exec(text) : null;
  const s = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 : NaN;
  if (!m || s > 86400) return err({ code: 'validation_failed', field, message: `${field}: expected a clock time HH:MM between 00:00 and 24:00, got ${JSON.stringify(text)}`, expected: 'HH:MM', actual: text });
  return ok(s);
}

/** 23400 → "06:30"; times past midnight print as "+1 01:10". */
export function formatClock(seconds: number): string {
  const s = Math.round(seconds);
  const day = Math.floor(s / 86400);
  const r = s - day * 86400;
  const hh = String(Math.floor(r / 3600)).padStart(2, '0');
  const mm = String(Math.floor((r % 3600) / 60)).padStart(2, '0');
  return day === 0 ? `${hh}:${mm}` : `${day > 0 ? '+' : ''}${day} ${hh}:${mm}`;
}

/** A node's opening hours "07:00-22:00" as a receiving window; an overnight range "22:00-06:00" gives two. */
export function openingWindows(hours: string | null | undefined, field = 'openingHours'): Result<[number, number][]> {
  if (!hours) return ok([[0, 86400]]);
  const [a, b] = hours.split('-');
  const open = parseClock(a, field);
  const close = parseClock(b, field);
  if (!open.ok) return open;
  if (!close.ok) return close;
  if (open.value === close.value) return ok([[0, 86400]]);
  if (open.value < close.value) return ok([[open.value, close.value]]);
  return ok([[0, close.value], [open.value, 86400]]);
}

/** The part of `windows` inside [from, to]; empty when none is left. */
export function clipWindows(windows: [number, number][], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of windows) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

/** The ISO instant of `seconds` after local midnight of `day` in a zone `utcOffsetH` hours east of UTC. */
export function instantOf(day: string, seconds: number, utcOffsetH = DEFAULT_CALENDAR.utcOffsetMin / 60): string {
  const midnightUtcMs = Date.parse(`${day}T00:00:00.000Z`) - utcOffsetH * 3600_000;
  return new Date(midnightUtcMs + Math.round(seconds) * 1000).toISOString();
}

/** Seconds after local midnight of `day` for an ISO instant (may be negative or past 86400). */
export function secondsInDay(day: string, iso: string, utcOffsetH = DEFAULT_CALENDAR.utcOffsetMin / 60): number {
  const midnightUtcMs = Date.parse(`${day}T00:00:00.000Z`) - utcOffsetH * 3600_000;
  return Math.round((Date.parse(iso) - midnightUtcMs) / 1000);
}
