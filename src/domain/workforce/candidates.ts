/**
 * Who may work where and when. Both the MIP and the greedy fallback draw from the same list,
 * so the rules (permits, availability, closed loops, reach) live in one place.
 *
 * A person "is" at the site they live inside, else at their home node. They are considered for
 * that site, their home, and the `maxCandidateSites` nearest other sites within `maxTravelM`.
 * Restricting reach this way is what keeps a 200-person, 10-site plan small enough to solve in
 * seconds: a person is never sent across the city when a nearer site needs the same role.
 */
import { haversineM } from '../geo/index.ts';
import {
  closedLoopWindow,
  dayLimitMin,
  DEFAULT_RULES,
  overlaps,
  shiftCoverage,
  shiftEnd,
  type Role,
  type Shift,
  type Site,
  type StaffingProblem,
  type StaffingRules,
  type StaffMember,
} from './model.ts';

/** Person p may work at site n in shift s, on these needed roles (empty: presence only). */
export interface Candidate {
  person: number;
  site: number;
  shift: number;
  roles: Role[];
  /** The role to name in the roster: the first needed one, else the person's first. */
  mainRole: Role;
  /** Cost of this one assignment (assignment + travel unless it falls in a closed loop). */
  cost: number;
  /** The shift falls in the site's closed loop: the person must be "in" (see `entryCost`). */
  inLoop: boolean;
}

export interface Indexed {
  rules: StaffingRules;
  staff: StaffMember[];
  sites: Site[];
  shifts: Shift[];
  siteIndex: Map<string, number>;
  shiftIndex: Map<string, number>;
  /** needMin[site][shift] → role → minutes. */
  needMin: Array<Array<Map<Role, number>>>;
  /** cover[shift] → the shifts whose needs it counts toward and the minutes it gives each (see `shiftCoverage`). */
  cover: Array<Array<{ shift: number; minutes: number }>>;
  /** For each person, the sites they may work at and the distance from where they are. */
  reach: Array<Map<number, number>>;
  /** Where each person is now (inside site or home). */
  location: number[];
  /** loop[site] = [from, to) or null. */
  loop: Array<[number, number] | null>;
  /** The closed-loop site each person is already living in, if that site is in a loop. */
  lockedIn: Array<number | null>;
  candidates: Candidate[];
}

export function indexProblem(problem: StaffingProblem): Indexed {
  const rules = { ...DEFAULT_RULES, ...problem.rules };
  const { staff, sites, shifts } = problem;
  const siteIndex = new Map(sites.map((s, i) => [s.id, i]));
  const shiftIndex = new Map(shifts.map((s, i) => [s.id, i]));
  const needMin = sites.map(() => shifts.map(() => new Map<Role, number>()));
  for (const n of problem.needs) {
    if (n.requiredMin <= 0) continue;
    const m = needMin[siteIndex.get(n.siteId)!][shiftIndex.get(n.shiftId)!];
    m.set(n.role, (m.get(n.role) ?? 0) + n.requiredMin);
  }
  const loop = sites.map(closedLoopWindow);
  const cover = shiftCoverage(shifts);
  const location = staff.map((p) => siteIndex.get(p.insideNodeId ?? p.homeNodeId)!);
  const lockedIn = staff.map((p) => {
    if (!p.insideNodeId) return null;
    const i = siteIndex.get(p.insideNodeId)!;
    return loop[i] ? i : null;
  });
  const reach = staff.map((p, pi) => {
    const from = sites[location[pi]];
    const near = sites
      .map((s, i) => ({ i, d: haversineM(from, s) }))
      .filter((x) => x.i !== location[pi] && x.d <= rules.maxTravelM)
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, rules.maxCandidateSites);
    const m = new Map<number, number>([[location[pi], 0]]);
    const home = siteIndex.get(p.homeNodeId)!;
    m.set(home, haversineM(from, sites[home]));
    for (const x of near) m.set(x.i, x.d);
    return m;
  });

  const candidates: Candidate[] = [];
  for (let pi = 0; pi < staff.length; pi++) {
    const p = staff[pi];
    const home = siteIndex.get(p.homeNodeId)!;
    for (const [si, distM] of reach[pi]) {
      const site = sites[si];
      if (site.controlled && p.permitStatus !== 'cleared') continue;
      if (site.takesBorrowed === false && si !== home && si !== location[pi]) continue;
      for (let ti = 0; ti < shifts.length; ti++) {
        const t = shifts[ti];
        if (p.unavailable.some((w) => overlaps(w.fromMin, w.toMin, t.startMin, shiftEnd(t)))) continue;
        const lk = lockedIn[pi];
        if (lk !== null && lk !== si && overlaps(loop[lk]![0], loop[lk]![1], t.startMin, shiftEnd(t))) continue;
        const lp = loop[si];
        const inLoop = lp !== null && overlaps(lp[0], lp[1], t.startMin, shiftEnd(t));
        if (inLoop && !p.canLiveOnSite && lk !== si) continue;
        // A shift longer than the person may work in a day (a long day for someone on 8 hours) is no option.
        if (t.durationMin > dayLimitMin(p, inLoop, rules)) continue;
        const travel = si === location[pi] ? 0 : rules.borrowCost + (distM / 1000) * rules.costPerKm;
        const cost = rules.assignmentCost + (inLoop ? 0 : travel);
        const roles = p.roles.filter((r) => cover[ti].some((c) => c.minutes > 0 && (needMin[si][c.shift].get(r) ?? 0) > 0));
        // A home site with a minimum headcount can use its own people even with no need for their role
        // (in its ordinary shifts: the minimum is per shift of the grid).
        if (roles.length > 0 || (si === home && site.minStaffPerShift > 0 && !t.covers))
          candidates.push({ person: pi, site: si, shift: ti, roles, mainRole: roles[0] ?? p.roles[0], cost, inLoop });
      }
    }
  }
  return { rules, staff, sites, shifts, siteIndex, shiftIndex, needMin, cover, reach, location, lockedIn, loop, candidates };
}

/** One-off cost of moving into a closed-loop site (travel once; nothing for people already in). */
export function entryCost(ix: Indexed, person: number, site: number): number {
  if (ix.location[person] === site) return 0;
  return ix.rules.borrowCost + ((ix.reach[person].get(site) ?? 0) / 1000) * ix.rules.costPerKm;
}

/**
 * The groups of shifts no one may work more than one of: shifts that overlap or leave less
 * than the minimum rest between them. Extending each shift by the rest turns this into an
 * interval graph, whose maximal cliques are the sets of extended intervals containing some
 * shift's start; one "at most one" row per clique is exact and tighter than pairwise rows.
 */
export function restCliques(shifts: Shift[], minRestMin: number): number[][] {
  const cliques: number[][] = [];
  const seen = new Set<string>();
  for (let t = 0; t < shifts.length; t++) {
    const at = shifts[t].startMin;
    const c: number[] = [];
    for (let s = 0; s < shifts.length; s++) {
      if (shifts[s].startMin <= at && at < shiftEnd(shifts[s]) + minRestMin) c.push(s);
    }
    const k = c.join(',');
    if (!seen.has(k)) {
      seen.add(k);
      cliques.push(c);
    }
  }
  // Drop cliques contained in another one.
  return cliques.filter((c, i) => !cliques.some((d, j) => j !== i && d.length > c.length && c.every((x) => d.includes(x))));
}
