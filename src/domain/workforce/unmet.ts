/**
 * Why the needs a roster leaves unmet stay unmet, per site and role (summed over shifts), so a
 * planner reads a reason instead of a bare number:
 * - `no_one_with_role_in_reach`: nobody holding the role has the site within reach
 *   (`maxTravelM`, `maxCandidateSites` nearest sites, see candidates.ts);
 * - `not_cleared`: the site is controlled and everyone in reach holding the role lacks clearance;
 * - `all_rostered`: people in reach hold the role and are cleared, but in the short shifts each
 *   of them is already rostered (elsewhere or in another role), resting, off or at their daily limit.
 */
import { haversineM } from '../geo/index.ts';
import { DEFAULT_RULES, type Role, type RosterReview, type StaffingProblem } from './model.ts';

export type UnmetReason = 'no_one_with_role_in_reach' | 'not_cleared' | 'all_rostered';

export interface UnmetExplained {
  siteId: string;
  role: Role;
  unmetHours: number;
  shifts: number;
  reason: UnmetReason;
  /** People holding the role with the site in reach, and how many of them are cleared. */
  peopleInReach: number;
  clearedInReach: number;
}

export function explainUnmet(problem: StaffingProblem, review: Pick<RosterReview, 'unmet'>): UnmetExplained[] {
  const rules = { ...DEFAULT_RULES, ...problem.rules };
  const sites = new Map(problem.sites.map((s) => [s.id, s]));
  // The sites each person may be sent to: where they are, home, and the nearest within reach.
  const reach = problem.staff.map((p) => {
    const from = sites.get(p.insideNodeId ?? p.homeNodeId);
    const ids = new Set([p.homeNodeId, p.insideNodeId ?? p.homeNodeId]);
    if (from) {
      problem.sites
        .map((s) => ({ id: s.id, d: haversineM(from, s) }))
        .filter((x) => x.id !== from.id && x.d <= rules.maxTravelM)
        .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
        .slice(0, rules.maxCandidateSites)
        .forEach((x) => ids.add(x.id));
    }
    return ids;
  });
  const groups = new Map<string, UnmetExplained>();
  for (const u of review.unmet) {
    const k = `${u.siteId}\u0000${u.role}`;
    let g = groups.get(k);
    if (!g) {
      const inReach = problem.staff.filter((p, i) => p.roles.includes(u.role) && reach[i].has(u.siteId));
      const cleared = inReach.filter((p) => p.permitStatus === 'cleared').length;
      const controlled = sites.get(u.siteId)?.controlled ?? false;
      const reason: UnmetReason = inReach.length === 0 ? 'no_one_with_role_in_reach' : controlled && cleared === 0 ? 'not_cleared' : 'all_rostered';
      g = { siteId: u.siteId, role: u.role, unmetHours: 0, shifts: 0, reason, peopleInReach: inReach.length, clearedInReach: cleared };
      groups.set(k, g);
    }
    g.unmetHours += u.unmetMin / 60;
    g.shifts++;
  }
  return [...groups.values()]
    .map((g) => ({ ...g, unmetHours: Math.round(g.unmetHours * 10) / 10 }))
    .sort((a, b) => b.unmetHours - a.unmetHours || (a.siteId < b.siteId ? -1 : 1));
}

/** People to hire or contract at one site in one role to cover what the roster leaves unmet there. */
export interface HireFix {
  siteId: string;
  role: Role;
  /** People, each working one ordinary shift a day (the same people every day): the largest day's sum. */
  people: number;
  unmetHours: number;
  /** The busiest day's people per shift. */
  byShift: Array<{ shiftId: string; people: number }>;
}

/**
 * The smallest fix for what a roster leaves unmet, per site and role: on each day, one person per
 * shift for every shift length of unmet minutes (rounded up), summed over the day's shifts; the
 * site needs the largest day's count (people come back each day; nobody works two shifts a day).
 * Hires are counted for ordinary (8-hour) shifts: people who may work long days need fewer.
 * Riders can be contracted from a third-party delivery platform rather than hired.
 */
export function hiresToCover(problem: StaffingProblem, review: Pick<RosterReview, 'unmet'>): HireFix[] {
  const shifts = new Map(problem.shifts.map((s) => [s.id, s]));
  const perDay = new Map<string, { siteId: string; role: Role; day: number; people: number; byShift: Array<{ shiftId: string; people: number }> }>();
  const unmetMin = new Map<string, number>();
  for (const u of review.unmet) {
    const s = shifts.get(u.shiftId);
    if (!s || u.unmetMin <= 0) continue;
    const people = Math.ceil(u.unmetMin / s.durationMin - 1e-9);
    const day = Math.floor(s.startMin / 1440);
    const k = `${u.siteId}\u0000${u.role}\u0000${day}`;
    const cur = perDay.get(k) ?? { siteId: u.siteId, role: u.role, day, people: 0, byShift: [] };
    cur.people += people;
    cur.byShift.push({ shiftId: u.shiftId, people });
    perDay.set(k, cur);
    unmetMin.set(`${u.siteId}\u0000${u.role}`, (unmetMin.get(`${u.siteId}\u0000${u.role}`) ?? 0) + u.unmetMin);
  }
  const best = new Map<string, HireFix>();
  for (const d of perDay.values()) {
    const k = `${d.siteId}\u0000${d.role}`;
    const cur = best.get(k);
    if (!cur || d.people > cur.people) best.set(k, { siteId: d.siteId, role: d.role, people: d.people, unmetHours: Math.round((unmetMin.get(k) ?? 0) / 6) / 10, byShift: d.byShift });
  }
  return [...best.values()].sort((a, b) => b.people - a.people || (a.siteId < b.siteId ? -1 : 1) || (a.role < b.role ? -1 : 1));
}
