/**
 * The instant a response plan is drafted as of: now for an incident declared while it happens (or
 * before it starts), the incident's own timeline for one declared long after its start (a replay).
 */

/**
 * A drafted plan is played as if applied this long after the incident starts: the 2022 chain's
 * first actions came two hours after the lockdown (10:00 → 12:00), so the plan and the scripted
 * response start on the same footing. A replayed incident is drafted as of that instant too.
 */
export const APPLY_AFTER_START_MIN = 120;

/**
 * An incident declared more than this many days after its first area started is a replay of a
 * past incident (the 2022 demo on a 2026 clock): its plan is drafted in its own timeline. The
 * plan's simulation covers the incident's first week from its start, so a plan drafted from a
 * now past that week could not be measured against it anyway.
 */
export const REPLAY_AFTER_DAYS = 7;

const DAY_MS = 86_400_000;

export interface DraftTime {
  /** The incident's first area start. */
  startMs: number;
  /** The instant the draft reasons as of: what is past, what is still to come, how long until a reopening. */
  asOfMs: number;
  /** When the plan's days begin (the roster's first operating day, the first trips): never before the start. */
  fromMs: number;
  /** Drafted in the incident's own timeline (declared long after its start), not as of now. */
  replay: boolean;
}

/**
 * When a draft reasons from. A live incident (declared before, at or within `REPLAY_AFTER_DAYS`
 * of its start) is drafted as of now, and a future one plans its days from its start. A replay is
 * drafted as of the instant the simulation plays the plan applied (`APPLY_AFTER_START_MIN` after
 * the start), whatever today's date: a 2022 incident drafted from a 2026 now had its roster and
 * trips four years after the incident, every event past, and no stock held for the days until a
 * store's reopening. Whether it is a replay depends on the declaration (and now), so a live
 * incident drafted again weeks in is still drafted from now.
 */
export function draftTime(areas: ReadonlyArray<{ startsAt: string }>, declaredAtMs: number, nowMs: number, applyAfterMin = APPLY_AFTER_START_MIN): DraftTime {
  const startMs = Math.min(...areas.map((a) => Date.parse(a.startsAt)));
  const replay = Number.isFinite(startMs) && Math.min(declaredAtMs, nowMs) - startMs > REPLAY_AFTER_DAYS * DAY_MS;
  const asOfMs = replay ? startMs + applyAfterMin * 60_000 : nowMs;
  return { startMs, asOfMs, fromMs: Math.max(startMs, asOfMs), replay };
}
