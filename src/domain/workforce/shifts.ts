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

export interface LongShiftSpec {
  /** Start, minutes after midnight of each plan day. */
  startMin: number;
  durationMin: number;
  /** Id suffix: `d1-${label}`. */
  label: string;
}

/**
 * Long shifts laid over a grid, one per spec and day: each covers the grid shifts it overlaps
 * (see `Shift.covers`), so a person whose daily limit allows it can work 12 hours in one go
 * instead of the 8 the grid allows (two grid shifts are never both possible within 8 hours of
 * rest). They carry no needs of their own.
 */
export function longShifts(grid: Shift[], days: number, specs: LongShiftSpec[]): Result<Shift[]> {
  const out: Shift[] = [];
  for (let i = 0; i < specs.length; i++) {
    const l = specs[i];
    if (!Number.isInteger(l.startMin) || l.startMin < 0 || l.startMin >= 1440)
      return err({ code: 'validation_failed', message: `longShifts.${i}.startMin: expected an integer 0..1439, got ${l.startMin}`, field: `longShifts.${i}.startMin`, expected: '0..1439', actual: l.startMin });
    if (!Number.isInteger(l.durationMin) || l.durationMin < 1 || l.durationMin > 1440)
      return err({ code: 'validation_failed', message: `longShifts.${i}.durationMin: expected an integer 1..1440, got ${l.durationMin}`, field: `longShifts.${i}.durationMin`, expected: '1..1440', actual: l.durationMin });
    for (let d = 0; d < days; d++) {
      const from = d * 1440 + l.startMin;
      const to = from + l.durationMin;
      const covers = grid.filter((g) => !g.covers && g.startMin < to && from < g.startMin + g.durationMin).map((g) => g.id);
      if (covers.length > 0) out.push({ id: `d${d + 1}-${l.label}`, startMin: from, durationMin: l.durationMin, covers });
    }
  }
  return ok(out);
}
