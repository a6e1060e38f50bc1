/**
 * Shift grids. A plan's shifts are plain data; this builds the usual grid (N days of K equal
 * shifts starting at a given time of day) so callers do not write them by hand.
 */
import { err, ok, type Result } from '../shared/index.ts';
import type { Shift } from './model.ts';

export interface ShiftGridSpec {
  days: number;
  shiftsPerDay: number;
  /** Start of the first shift each day, minutes after midnight of plan day 0. Default 360 (06:00). */
  firstStartMin?: number;
  /** Length of each shift; default 1440 / shiftsPerDay (back-to-back shifts round the clock). */
  durationMin?: number;
}

const LABELS: Record<number, string[]> = {
  1: ['day'],
  2: ['day', 'night'],
  3: ['early', 'late', 'night'],
};

/** Ids look like `d1-early`, `d1-late`, `d1-night`, `d2-early` … (day numbers from 1). */
export function shiftGrid(spec: ShiftGridSpec): Result<Shift[]> {
  const { days, shiftsPerDay } = spec;
  if (!Number.isInteger(days) || days < 1 || days > 31)
    return err({ code: 'validation_failed', message: `days: expected an integer 1..31, got ${days}`, field: 'days', expected: '1..31', actual: days });
  if (!Number.isInteger(shiftsPerDay) || shiftsPerDay < 1 || shiftsPerDay > 6)
    return err({ code: 'validation_failed', message: `shiftsPerDay: expected an integer 1..6, got ${shiftsPerDay}`, field: 'shiftsPerDay', expected: '1..6', actual: shiftsPerDay });
  const first = spec.firstStartMin ?? 360;
  const step = Math.floor(1440 / shiftsPerDay);
  const duration = spec.durationMin ?? step;
  if (!Number.isInteger(first) || first < 0 || first >= 1440)
    return err({ code: 'validation_failed', message: `firstStartMin: expected an integer 0..1439, got ${first}`, field: 'firstStartMin', expected: '0..1439', actual: first });
  if (!Number.isInteger(duration) || duration < 1 || duration > 1440)
    return err({ code: 'validation_failed', message: `durationMin: expected an integer 1..1440, got ${duration}`, field: 'durationMin', expected: '1..1440', actual: duration });
  const labels = LABELS[shiftsPerDay] ?? Array.from({ length: shiftsPerDay }, (_, k) => `s${k + 1}`);
  const shifts: Shift[] = [];
  for (let d = 0; d < days; d++) {
    for (let k = 0; k < shiftsPerDay; k++) {
      shifts.push({ id: `d${d + 1}-${labels[k]}`, startMin: d * 1440 + first + k * step, durationMin: duration });
    }
  }
  return ok(shifts);
}
