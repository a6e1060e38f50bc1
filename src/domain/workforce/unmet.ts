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
