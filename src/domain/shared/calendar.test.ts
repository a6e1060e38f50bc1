import { describe, expect, it } from 'vitest';
import { addDays, dayBounds, isDay, localIso, nextNightlyRun, operatingDay, startOfOperatingDay } from './calendar.ts';

describe('the operating calendar (Asia/Shanghai by default)', () => {
  it('puts 00:30 Beijing on that Beijing day, although it is still the day before in UTC', () => {
    const ms = Date.parse('2022-06-23T00:30:00+08:00');
    expect(new Date(ms).toISOString().slice(0, 10)).toBe('2022-06-22');
    expect(operatingDay(ms)).toBe('2022-06-23');
  });

  it('bounds a day from local midnight to local midnight', () => {
    const { startMs, endMs } = dayBounds('2022-06-23');
    expect(new Date(startMs).toISOString()).toBe('2022-06-22T16:00:00.000Z');
    expect(endMs - startMs).toBe(86_400_000);
    expect(startOfOperatingDay(Date.parse('2022-06-23T23:59:59+08:00'))).toBe(startMs);
    expect(localIso(startMs)).toBe('2022-06-23T00:00:00+08:00');
  });

  it('schedules the nightly run at 04:00 local for the day just ended', () => {
    expect(nextNightlyRun(Date.parse('2022-06-24T03:59:00+08:00'), 4)).toEqual({ atMs: Date.parse('2022-06-24T04:00:00+08:00'), day: '2022-06-23' });
    expect(nextNightlyRun(Date.parse('2022-06-24T04:00:00+08:00'), 4)).toEqual({ atMs: Date.parse('2022-06-25T04:00:00+08:00'), day: '2022-06-24' });
  });

  it('knows real calendar days and counts across month ends', () => {
    expect(isDay('2022-02-28')).toBe(true);
    expect(isDay('2022-02-30')).toBe(false);
    expect(isDay('22-02-01')).toBe(false);
    expect(addDays('2022-06-30', 1)).toBe('2022-07-01');
    expect(addDays('2022-03-01', -1)).toBe('2022-02-28');
  });
});
