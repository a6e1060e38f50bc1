import { describe, expect, it } from 'vitest';
import { APPLY_AFTER_START_MIN, REPLAY_AFTER_DAYS, draftTime } from './draft-time.ts';

const H = 3_600_000;
const DAY = 24 * H;
const areas = [{ startsAt: '2022-06-22T04:00:00Z' }, { startsAt: '2022-06-22T02:00:00Z' }];
const start = Date.parse('2022-06-22T02:00:00Z');

describe('the instant a draft reasons from', () => {
  it('is now for an incident declared and drafted while it happens, its days from now', () => {
    const t = draftTime(areas, start + H, start + 4 * H);
    expect(t).toEqual({ startMs: start, asOfMs: start + 4 * H, fromMs: start + 4 * H, replay: false });
  });

  it('is now for a future incident, whose days begin at its first area start', () => {
    const t = draftTime(areas, start - 30 * DAY, start - 30 * DAY);
    expect(t.replay).toBe(false);
    expect(t.asOfMs).toBe(start - 30 * DAY);
    expect(t.fromMs).toBe(start);
  });

  it('is the incident’s own apply instant for one declared years after it started, whatever today is', () => {
    const declared = Date.parse('2026-12-06T01:30:00Z');
    const a = draftTime(areas, declared, declared);
    const b = draftTime(areas, declared, declared + 40 * DAY);
    expect(a).toEqual({ startMs: start, asOfMs: start + APPLY_AFTER_START_MIN * 60_000, fromMs: start + APPLY_AFTER_START_MIN * 60_000, replay: true });
    expect(b).toEqual(a);
  });

  it('stays now for a live incident drafted again weeks after it started (declared on time)', () => {
    const t = draftTime(areas, start + H, start + 30 * DAY);
    expect(t.replay).toBe(false);
    expect(t.asOfMs).toBe(start + 30 * DAY);
  });

  it('counts as a replay only past the threshold, from both the declaration and now', () => {
    const edge = start + REPLAY_AFTER_DAYS * DAY;
    expect(draftTime(areas, edge, edge).replay).toBe(false);
    expect(draftTime(areas, edge + 1, edge + 1).replay).toBe(true);
    // A clock set back before the declaration (a test, a replayed log) decides by the earlier of the two.
    expect(draftTime(areas, edge + DAY, start + 4 * H).replay).toBe(false);
  });
});
