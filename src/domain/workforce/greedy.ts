/**
 * The greedy fallback, for when the solver returns no roster. It walks the needs shift by
 * shift (earliest first, largest need first) and gives each the cheapest eligible person who
 * breaks no rule: not already busy or short of rest, within daily hours, and consistent with
 * closed loops. Sites' minimum staffing is filled first (a site lends only beyond it). It never breaks a hard rule;
 * what it cannot cover stays unmet and is reported by the review.
 */
import { entryCost, type Candidate, type Indexed } from './candidates.ts';
import { dayLimitMin, overlaps, shiftDay, shiftEnd, shiftsConflict, type Assignment, type Role } from './model.ts';

export function greedyRoster(ix: Indexed): Assignment[] {
  const { staff, sites, shifts, candidates, rules } = ix;
  const busy: number[][] = staff.map(() => []);
  const dayMin: Array<Map<number, number>> = staff.map(() => new Map());
  const outOfLoopDay: Array<Map<number, boolean>> = staff.map(() => new Map());
  const inLoop: Array<number | null> = [...ix.lockedIn];
  const taken = new Set<string>();
  const headcount = new Map<string, number>();
  const out: Assignment[] = [];
  const bySiteShiftRole = new Map<string, Candidate[]>();
  const bySiteShift = new Map<string, Candidate[]>();
  for (const c of candidates) {
    for (const role of c.roles) {
      const k1 = `${c.site}|${c.shift}|${role}`;
      (bySiteShiftRole.get(k1) ?? bySiteShiftRole.set(k1, []).get(k1)!).push(c);
    }
    const k2 = `${c.site}|${c.shift}`;
    (bySiteShift.get(k2) ?? bySiteShift.set(k2, []).get(k2)!).push(c);
  }

  const allowed = (c: Candidate): boolean => {
    const t = shifts[c.shift];
    if (busy[c.person].some((s) => s === c.shift || shiftsConflict(shifts[s], t, rules.minRestMin))) return false;
    // Live-in staff may work longer days inside their loop (rules.liveInMaxHoursPerDay); a day
    // with any shift outside a loop keeps the person's own limit.
    const d = shiftDay(t);
    const allInLoop = c.inLoop && !(outOfLoopDay[c.person].get(d) ?? false);
    if ((dayMin[c.person].get(d) ?? 0) + t.durationMin > dayLimitMin(staff[c.person], allInLoop, rules)) return false;
    if (!c.inLoop && (dayMin[c.person].get(d) ?? 0) + t.durationMin > staff[c.person].maxHoursPerDay * 60) return false;
    const lk = inLoop[c.person];
    if (lk !== null && lk !== c.site) {
      const w = ix.loop[lk]!;
      if (overlaps(w[0], w[1], t.startMin, shiftEnd(t))) return false;
      if (c.inLoop) return false; // one closed loop at a time
    }
    if (c.inLoop && lk === null) {
      // Entering a loop: nothing already rostered may fall inside it (it would be elsewhere).
      const w = ix.loop[c.site]!;
      if (busy[c.person].some((s) => overlaps(w[0], w[1], shifts[s].startMin, shiftEnd(shifts[s]))))
        return false;
    }
    return true;
  };
  const price = (c: Candidate) => c.cost + (c.inLoop && inLoop[c.person] !== c.site ? entryCost(ix, c.person, c.site) : 0);
  // Open assignments by person and shift, with the minutes not yet given to a task.
  const open = new Map<string, { a: Assignment; left: number }>();
  const take = (c: Candidate): { a: Assignment; left: number } => {
    const t = shifts[c.shift];
    busy[c.person].push(c.shift);
    dayMin[c.person].set(shiftDay(t), (dayMin[c.person].get(shiftDay(t)) ?? 0) + t.durationMin);
    if (!c.inLoop) outOfLoopDay[c.person].set(shiftDay(t), true);
    if (c.inLoop) inLoop[c.person] = c.site;
    taken.add(`${c.person}|${c.shift}`);
    headcount.set(`${c.site}|${c.shift}`, (headcount.get(`${c.site}|${c.shift}`) ?? 0) + 1);
    const a: Assignment = { staffId: staff[c.person].id, siteId: sites[c.site].id, shiftId: t.id, role: c.mainRole, tasks: [] };
    out.push(a);
    const entry = { a, left: t.durationMin };
    open.set(`${c.person}|${c.shift}`, entry);
    return entry;
  };
  const give = (entry: { a: Assignment; left: number }, role: Role, minutes: number) => {
    const task = entry.a.tasks!.find((t) => t.role === role);
    if (task) task.minutes += minutes;
    else entry.a.tasks!.push({ role, minutes });
    entry.left -= minutes;
  };

  // Each site's own minimum staffing first, from the people nearest (its own): a site lends
  // people only beyond its minimum. Their shift's minutes then go to the site's own needs below.
  for (let n = 0; n < sites.length; n++) {
    const min = sites[n].minStaffPerShift;
    if (min <= 0) continue;
    for (let s = 0; s < shifts.length; s++) {
      const pool = bySiteShift.get(`${n}|${s}`) ?? [];
      while ((headcount.get(`${n}|${s}`) ?? 0) < min) {
        const c = pool.filter((c) => !taken.has(`${c.person}|${c.shift}`) && allowed(c)).sort((a, b) => price(a) - price(b) || a.person - b.person)[0];
        if (!c) break;
        take(c);
      }
    }
  }
  const needs: Array<{ site: number; shift: number; role: Role; min: number }> = [];
  for (let n = 0; n < sites.length; n++)
    for (let s = 0; s < shifts.length; s++) for (const [role, min] of ix.needMin[n][s]) needs.push({ site: n, shift: s, role, min });
  // Earliest shift first; within a shift, priority sites first, then the largest needs.
  needs.sort(
    (a, b) =>
      shifts[a.shift].startMin - shifts[b.shift].startMin ||
      (sites[b.site].priority ?? 1) - (sites[a.site].priority ?? 1) ||
      b.min - a.min ||
      a.site - b.site,
  );
  for (const need of needs) {
    let left = need.min;
    const pool = (bySiteShiftRole.get(`${need.site}|${need.shift}|${need.role}`) ?? []).slice();
    // People already here this shift with time to spare come first: they cost nothing more.
    for (const c of pool) {
      if (left <= 0) break;
      const entry = open.get(`${c.person}|${c.shift}`);
      if (!entry || entry.a.siteId !== sites[need.site].id || entry.left <= 0) continue;
      const m = Math.min(left, entry.left);
      give(entry, need.role, m);
      left -= m;
    }
    while (left > 0) {
      let best: Candidate | null = null;
      for (const c of pool) {
        if (taken.has(`${c.person}|${c.shift}`) || !allowed(c)) continue;
        if (!best || price(c) < price(best) || (price(c) === price(best) && c.person < best.person)) best = c;
      }
      if (!best) break;
      const entry = take(best);
      const m = Math.min(left, entry.left);
      give(entry, need.role, m);
      left -= m;
    }
  }
  // Spare minutes go to the main task, so every assignment accounts for its whole shift.
  for (const entry of open.values()) {
    const tasks = entry.a.tasks!;
    tasks.sort((x, y) => y.minutes - x.minutes || x.role.localeCompare(y.role));
    if (tasks.length === 0) tasks.push({ role: entry.a.role, minutes: entry.left });
    else tasks[0].minutes += entry.left;
    entry.a.role = tasks[0].role;
  }
  return out;
}
