/**
 * Reviews any roster (solver output, greedy fallback, or one edited by hand) against the
 * problem: unmet role-minutes, people over their daily hours, too little rest, closed-loop
 * breaches, sites under their minimum staffing. The planner never hides a problem: whatever it
 * could not do is listed here.
 */
import {
  closedLoopWindow,
  dayLimitMin,
  DEFAULT_RULES,
  overlaps,
  shiftDay,
  shiftEnd,
  shiftCoverage,
  shiftsConflict,
  tasksOf,
  type Assignment,
  type Role,
  type RosterReview,
  type RosterViolation,
  type Shift,
  type Site,
  type StaffingProblem,
  type StaffMember,
  type UnmetNeed,
} from './model.ts';

export function reviewRoster(problem: StaffingProblem, assignments: Assignment[]): RosterReview {
  const rules = { ...DEFAULT_RULES, ...problem.rules };
  const staff = new Map(problem.staff.map((s) => [s.id, s]));
  const sites = new Map(problem.sites.map((s) => [s.id, s]));
  const shifts = new Map(problem.shifts.map((s) => [s.id, s]));
  // A long shift (covers) counts toward the shifts it covers, by its share of each.
  const coverage = shiftCoverage(problem.shifts);
  const coverOf = new Map(problem.shifts.map((s, i) => [s.id, coverage[i].map((c) => ({ shiftId: problem.shifts[c.shift].id, minutes: c.minutes }))]));
  const violations: RosterViolation[] = [];

  // Coverage per (site, shift, role).
  const covered = new Map<string, number>();
  const key = (a: string, b: string, c: string) => `${a}\u0000${b}\u0000${c}`;
  const headcount = new Map<string, number>();
  const byPerson = new Map<string, Array<{ a: Assignment; shift: Shift }>>();
  for (const a of assignments) {
    const person = staff.get(a.staffId);
    const shift = shifts.get(a.shiftId);
    const site = sites.get(a.siteId);
    if (!person || !shift || !site) {
      violations.push({ kind: 'unknown_ref', staffId: a.staffId, message: `assignment names an unknown ${!person ? 'person' : !shift ? 'shift' : 'site'}` });
      continue;
    }
    const tasks = tasksOf(a, shift.durationMin);
    let used = 0;
    for (const t of tasks) {
      for (const c of coverOf.get(a.shiftId)!) {
        const k = key(a.siteId, c.shiftId, t.role);
        covered.set(k, (covered.get(k) ?? 0) + (t.minutes * c.minutes) / shift.durationMin);
      }
      used += t.minutes;
      if (!person.roles.includes(t.role))
        violations.push({ kind: 'role', staffId: person.id, message: `${person.id} is given ${t.role} work but holds ${person.roles.join(', ')}` });
    }
    if (used > shift.durationMin)
      violations.push({ kind: 'double_booked', staffId: person.id, message: `${person.id} has ${used} min of tasks in ${shift.id}, which lasts ${shift.durationMin} min` });
    for (const c of coverOf.get(a.shiftId)!) headcount.set(`${a.siteId}\u0000${c.shiftId}`, (headcount.get(`${a.siteId}\u0000${c.shiftId}`) ?? 0) + 1);
    const list = byPerson.get(a.staffId) ?? [];
    list.push({ a, shift });
    byPerson.set(a.staffId, list);
    checkEligibility(person, site, shift, violations);
  }

  const unmet: UnmetNeed[] = [];
  let requiredMin = 0;
  let coveredMin = 0;
  for (const n of problem.needs) {
    const c = covered.get(key(n.siteId, n.shiftId, n.role)) ?? 0;
    requiredMin += n.requiredMin;
    coveredMin += Math.min(c, n.requiredMin);
    if (c < n.requiredMin) unmet.push({ siteId: n.siteId, shiftId: n.shiftId, role: n.role, requiredMin: n.requiredMin, coveredMin: c, unmetMin: n.requiredMin - c });
  }
  const shortfall = new Map<string, { role: Role; shiftId: string; unmetMin: number }>();
  for (const u of unmet) {
    const k = `${u.role}\u0000${u.shiftId}`;
    const cur = shortfall.get(k) ?? { role: u.role, shiftId: u.shiftId, unmetMin: 0 };
    cur.unmetMin += u.unmetMin;
    shortfall.set(k, cur);
  }

  // Per person: double bookings, rest, hours per day, closed loops.
  const overHours: RosterReview['overHours'] = [];
  for (const [staffId, list] of byPerson) {
    const person = staff.get(staffId)!;
    list.sort((x, y) => x.shift.startMin - y.shift.startMin);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const s = list[i].shift;
        const t = list[j].shift;
        if (t.startMin >= shiftEnd(s) + rules.minRestMin) break;
        if (s.id === t.id || overlaps(s.startMin, shiftEnd(s), t.startMin, shiftEnd(t)))
          violations.push({ kind: 'double_booked', staffId, message: `${staffId} is rostered twice at once: ${s.id} and ${t.id}` });
        else if (shiftsConflict(s, t, rules.minRestMin))
          violations.push({ kind: 'rest', staffId, message: `${staffId} rests ${t.startMin - shiftEnd(s)} min between ${s.id} and ${t.id}; the minimum is ${rules.minRestMin}` });
      }
    }
    const perDay = new Map<number, number>();
    const outOfLoop = new Set<number>();
    for (const { a, shift } of list) {
      perDay.set(shiftDay(shift), (perDay.get(shiftDay(shift)) ?? 0) + shift.durationMin);
      const loop = sites.get(a.siteId) ? closedLoopWindow(sites.get(a.siteId)!) : null;
      if (!loop || !overlaps(loop[0], loop[1], shift.startMin, shiftEnd(shift))) outOfLoop.add(shiftDay(shift));
    }
    for (const [day, workedMin] of perDay) {
      const maxMin = dayLimitMin(person, !outOfLoop.has(day), rules);
      if (workedMin > maxMin) overHours.push({ staffId, day, workedMin, maxMin });
    }
    for (const { a, shift } of list) {
      const site = sites.get(a.siteId)!;
      const loop = closedLoopWindow(site);
      if (!loop || !overlaps(loop[0], loop[1], shift.startMin, shiftEnd(shift))) continue;
      const elsewhere = list.find((o) => o.a.siteId !== site.id && overlaps(loop[0], loop[1], o.shift.startMin, shiftEnd(o.shift)));
      if (elsewhere)
        violations.push({ kind: 'closed_loop', staffId, message: `${staffId} works in closed-loop site ${site.id} and also at ${elsewhere.a.siteId} (${elsewhere.shift.id}) during its closed loop` });
    }
    // Someone already living inside a closed-loop site cannot be rostered outside it.
    if (person.insideNodeId) {
      const home = sites.get(person.insideNodeId);
      const loop = home ? closedLoopWindow(home) : null;
      if (loop) {
        const out = list.find((o) => o.a.siteId !== person.insideNodeId && overlaps(loop[0], loop[1], o.shift.startMin, shiftEnd(o.shift)));
        if (out) violations.push({ kind: 'closed_loop', staffId, message: `${staffId} lives inside ${person.insideNodeId} but is rostered at ${out.a.siteId} (${out.shift.id})` });
      }
    }
  }
  // Closed-loop breaches are reported once per person and site pair.
  const seen = new Set<string>();
  const dedup = violations.filter((v) => (seen.has(`${v.kind}|${v.message}`) ? false : (seen.add(`${v.kind}|${v.message}`), true)));

  const minStaffShortfalls: RosterReview['minStaffShortfalls'] = [];
  for (const site of problem.sites) {
    if (site.minStaffPerShift <= 0) continue;
    for (const shift of problem.shifts) {
      if (shift.covers) continue;
      const h = headcount.get(`${site.id}\u0000${shift.id}`) ?? 0;
      if (h < site.minStaffPerShift) minStaffShortfalls.push({ siteId: site.id, shiftId: shift.id, required: site.minStaffPerShift, assigned: h });
    }
  }

  const rostered = new Set(assignments.map((a) => a.staffId));
  const borrowed = new Set(assignments.filter((a) => staff.get(a.staffId)?.homeNodeId !== a.siteId).map((a) => a.staffId));
  const unmetMin = requiredMin - coveredMin;
  return {
    unmet,
    shortfallByRoleShift: [...shortfall.values()],
    overHours,
    minStaffShortfalls,
    violations: dedup,
    totals: {
      requiredMin,
      coveredMin,
      unmetMin,
      unmetRoleHours: Math.round((unmetMin / 60) * 10) / 10,
      assignments: assignments.length,
      peopleRostered: rostered.size,
      peopleBorrowed: borrowed.size,
    },
  };
}

function checkEligibility(person: StaffMember, site: Site, shift: Shift, out: RosterViolation[]): void {
  if (site.controlled && person.permitStatus !== 'cleared')
    out.push({ kind: 'permit', staffId: person.id, message: `${person.id} (permit ${person.permitStatus}) is rostered in controlled site ${site.id}` });
  if (site.takesBorrowed === false && person.homeNodeId !== site.id && person.insideNodeId !== site.id)
    out.push({ kind: 'borrowed', staffId: person.id, message: `${person.id} (home ${person.homeNodeId}) is rostered at ${site.id}, which only lends and takes no one from elsewhere` });
  const loop = closedLoopWindow(site);
  if (loop && overlaps(loop[0], loop[1], shift.startMin, shiftEnd(shift)) && !person.canLiveOnSite)
    out.push({ kind: 'closed_loop', staffId: person.id, message: `${person.id} cannot live on site but is rostered in closed-loop site ${site.id} (${shift.id})` });
  for (const w of person.unavailable) {
    if (overlaps(w.fromMin, w.toMin, shift.startMin, shiftEnd(shift)))
      out.push({ kind: 'unavailable', staffId: person.id, message: `${person.id} is unavailable during ${shift.id}` });
  }
}
