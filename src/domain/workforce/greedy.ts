/**
 * The greedy roster: the MIP's starting incumbent, and the fallback when the solver returns no
 * roster. It never breaks a hard rule; what it cannot cover stays unmet and the review reports it.
 *
 * 1. Each site's own minimum staffing first, from the people nearest (its own): a site lends
 *    people only beyond its minimum. Among them, people with work at the site come first.
 * 2. Then the needs, shift by shift (earliest first). Within a shift, priority sites first; among
 *    equals, the need with the largest share still unmet gets the next person. Serving needs in
 *    turn this way keeps the roles an order needs together (picking and packing: a site's
 *    capacity is the smaller of the two) instead of spending the people who hold both roles on
 *    the largest need first and leaving the other unmet.
 * 3. For a need, people already at the site in that shift with minutes to spare give them first
 *    (they cost nothing more); then the person who covers the most of what is still unmet (a
 *    long shift laid over the grid covers two shifts' needs), the cheapest, the one holding the
 *    fewest other needed roles (keep the flexible people for later), the lowest index.
 */
import { entryCost, type Candidate, type Indexed } from './candidates.ts';
import { dayLimitMin, overlaps, ROLES, shiftDay, shiftEnd, shiftsConflict, type Assignment, type Role } from './model.ts';

interface Need {
  site: number;
  shift: number;
  role: Role;
  min: number;
  exhausted: boolean;
}

export function greedyRoster(ix: Indexed): Assignment[] {
  const { staff, sites, shifts, candidates, rules, cover } = ix;
  const busy: number[][] = staff.map(() => []);
  const dayMin: Array<Map<number, number>> = staff.map(() => new Map());
  const outOfLoopDay: Array<Map<number, boolean>> = staff.map(() => new Map());
  const inLoop: Array<number | null> = [...ix.lockedIn];
  // Dense state (numbers, not string keys: the greedy runs on the caller's thread and must be quick).
  const S = shifts.length;
  const R = ROLES.length;
  const roleIx = new Map(ROLES.map((r, i) => [r, i]));
  const takenA = new Uint8Array(staff.length * S);
  const isTaken = (c: Candidate) => takenA[c.person * S + c.shift] === 1;
  const headA = new Int32Array(sites.length * S);
  const covered = new Float64Array(sites.length * S * R);
  const needA = new Float64Array(sites.length * S * R);
  for (let n = 0; n < sites.length; n++) for (let s = 0; s < S; s++) for (const [role, m] of ix.needMin[n][s]) needA[(n * S + s) * R + roleIx.get(role)!] = m;
  const out: Assignment[] = [];
  // Candidates by (site, covered shift, role) and, for minimum staffing, by (site, ordinary shift).
  const byNeed = new Map<string, Candidate[]>();
  const bySiteShift = new Map<string, Candidate[]>();
  const byCovering = new Map<string, Candidate[]>();
  const usefulElsewhere = staff.map(() => 0);
  for (const c of candidates) {
    for (const role of c.roles) {
      for (const cv of cover[c.shift]) {
        if (cv.minutes <= 0 || !(ix.needMin[c.site][cv.shift].get(role) ?? 0)) continue;
        const k1 = `${c.site}|${cv.shift}|${role}`;
        (byNeed.get(k1) ?? byNeed.set(k1, []).get(k1)!).push(c);
      }
    }
    if (c.roles.length > 0) usefulElsewhere[c.person]++;
    if (!shifts[c.shift].covers) {
      const k2 = `${c.site}|${c.shift}`;
      (bySiteShift.get(k2) ?? bySiteShift.set(k2, []).get(k2)!).push(c);
    } else if (c.roles.length > 0) {
      for (const cv of cover[c.shift]) {
        const k3 = `${c.site}|${cv.shift}`;
        (byCovering.get(k3) ?? byCovering.set(k3, []).get(k3)!).push(c);
      }
    }
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
      if (busy[c.person].some((s) => overlaps(w[0], w[1], shifts[s].startMin, shiftEnd(shifts[s])))) return false;
    }
    return true;
  };
  const price = (c: Candidate) => c.cost + (c.inLoop && inLoop[c.person] !== c.site ? entryCost(ix, c.person, c.site) : 0);
  // Between two people covering the same unmet minutes: the cheaper; then the longer shift (a long
  // day adds hands in the slot hours beyond the need it was taken for); then the one holding
  // fewer needed roles; then the lower index.
  const preferred = (c: Candidate, best: Candidate): boolean =>
    (price(c) - price(best) || shifts[best.shift].durationMin - shifts[c.shift].durationMin || c.roles.length - best.roles.length || c.person - best.person) < 0;
  const needKey = (site: number, shift: number, role: Role) => `${site}|${shift}|${role}`;
  const at = (site: number, shift: number, role: Role) => (site * S + shift) * R + roleIx.get(role)!;
  const leftOf = (site: number, shift: number, role: Role) => needA[at(site, shift, role)] - covered[at(site, shift, role)];
  const cover1 = (site: number, shift: number, role: Role, minutes: number) => {
    covered[at(site, shift, role)] += minutes;
  };
  // Open assignments in ordinary shifts by person and shift, with the minutes not yet given to a task.
  const open = new Map<string, { a: Assignment; site: number; left: number; person: number }>();
  const openBySiteShift = new Map<string, Array<{ a: Assignment; site: number; left: number; person: number }>>();
  const take = (c: Candidate) => {
    const t = shifts[c.shift];
    busy[c.person].push(c.shift);
    dayMin[c.person].set(shiftDay(t), (dayMin[c.person].get(shiftDay(t)) ?? 0) + t.durationMin);
    if (!c.inLoop) outOfLoopDay[c.person].set(shiftDay(t), true);
    if (c.inLoop) inLoop[c.person] = c.site;
    takenA[c.person * S + c.shift] = 1;
    for (const cv of cover[c.shift]) headA[c.site * S + cv.shift]++;
    const a: Assignment = { staffId: staff[c.person].id, siteId: sites[c.site].id, shiftId: t.id, role: c.mainRole, tasks: [] };
    out.push(a);
    const entry = { a, site: c.site, left: t.durationMin, person: c.person };
    open.set(`${c.person}|${c.shift}`, entry);
    if (!t.covers) {
      const k = `${c.site}|${c.shift}`;
      (openBySiteShift.get(k) ?? openBySiteShift.set(k, []).get(k)!).push(entry);
    }
    return entry;
  };
  const give = (entry: { a: Assignment; left: number }, role: Role, minutes: number) => {
    const task = entry.a.tasks!.find((t) => t.role === role);
    if (task) task.minutes += minutes;
    else entry.a.tasks!.push({ role, minutes });
    entry.left -= minutes;
  };

  // 1. Minimum staffing. A long shift covering the shift counts (and gives the site 12 hours of
  // work instead of 8) when the person has work here; otherwise an ordinary shift will do.
  const bestRole = (c: Candidate): Role | null => {
    let best: Role | null = null;
    let bestMin = 0;
    for (const role of c.roles) {
      let m = 0;
      for (const cv of cover[c.shift]) m += Math.min(cv.minutes, Math.max(0, leftOf(c.site, cv.shift, role)));
      if (m > bestMin) [best, bestMin] = [role, m];
    }
    return best;
  };
  for (let n = 0; n < sites.length; n++) {
    const min = sites[n].minStaffPerShift;
    if (min <= 0) continue;
    for (let s = 0; s < shifts.length; s++) {
      if (shifts[s].covers) continue;
      const pool = [...(bySiteShift.get(`${n}|${s}`) ?? []), ...(byCovering.get(`${n}|${s}`) ?? [])];
      while (headA[n * S + s] < min) {
        const ready = pool.filter((c) => !isTaken(c) && allowed(c)).map((c) => ({ c, work: bestRole(c) ? 1 : 0 }));
        const c = ready.sort(
          (a, b) => b.work - a.work || b.work * (shifts[b.c.shift].durationMin - shifts[a.c.shift].durationMin) || price(a.c) - price(b.c) || usefulElsewhere[a.c.person] - usefulElsewhere[b.c.person] || a.c.person - b.c.person,
        )[0]?.c;
        if (!c) break;
        const entry = take(c);
        if (shifts[c.shift].covers) {
          const role = bestRole(c);
          if (role) {
            give(entry, role, entry.left);
            for (const cv of cover[c.shift]) cover1(c.site, cv.shift, role, cv.minutes);
          }
          continue;
        }
        // Their minutes go to the site's own needs in this shift, if it has any.
        for (const role of c.roles) {
          const m = Math.min(entry.left, Math.max(0, leftOf(n, s, role)));
          if (m <= 0) continue;
          give(entry, role, m);
          cover1(n, s, role, m);
        }
      }
    }
  }

  // 2. Needs, shift by shift.
  const byShift = new Map<number, Need[]>();
  for (let n = 0; n < sites.length; n++)
    for (let s = 0; s < shifts.length; s++)
      for (const [role, min] of ix.needMin[n][s]) if (min > 0) (byShift.get(s) ?? byShift.set(s, []).get(s)!).push({ site: n, shift: s, role, min, exhausted: false });
  const order = [...byShift.keys()].sort((a, b) => shifts[a].startMin - shifts[b].startMin || a - b);
  for (const s of order) {
    const needs = byShift.get(s)!;
    for (;;) {
      let need: Need | null = null;
      let needLeft = 0;
      for (const x of needs) {
        if (x.exhausted) continue;
        const left = leftOf(x.site, x.shift, x.role);
        if (left <= 0) continue;
        if (
          !need ||
          (sites[x.site].priority ?? 1) > (sites[need.site].priority ?? 1) ||
          ((sites[x.site].priority ?? 1) === (sites[need.site].priority ?? 1) && left / x.min > needLeft / need.min)
        ) {
          need = x;
          needLeft = left;
        }
      }
      if (!need) break;
      // People already here this shift with time to spare.
      const spare = (openBySiteShift.get(`${need.site}|${need.shift}`) ?? []).find((e) => e.left > 0 && staff[e.person].roles.includes(need!.role));
      if (spare) {
        const m = Math.min(needLeft, spare.left);
        give(spare, need.role, m);
        cover1(need.site, need.shift, need.role, m);
        continue;
      }
      let best: Candidate | null = null;
      let bestUseful = 0;
      for (const c of byNeed.get(needKey(need.site, need.shift, need.role)) ?? []) {
        if (isTaken(c) || !allowed(c)) continue;
        let useful = 0;
        for (const cv of cover[c.shift]) useful += Math.min(cv.minutes, Math.max(0, leftOf(c.site, cv.shift, need.role)));
        if (
          !best ||
          useful > bestUseful ||
          (useful === bestUseful && preferred(c, best))
        ) {
          best = c;
          bestUseful = useful;
        }
      }
      if (!best || bestUseful <= 0) {
        need.exhausted = true;
        continue;
      }
      const entry = take(best);
      if (shifts[best.shift].covers) {
        // A long shift works in one role throughout and counts toward every shift it covers.
        give(entry, need.role, entry.left);
        for (const cv of cover[best.shift]) cover1(best.site, cv.shift, need.role, cv.minutes);
      } else {
        const m = Math.min(needLeft, entry.left);
        give(entry, need.role, m);
        cover1(need.site, need.shift, need.role, m);
      }
    }
  }
  // 3. Surplus handed over: someone working one role where it is covered beyond the need moves, in
  // the same shift (so rest and hours stay as they are), to a site where that role is short, when
  // that covers more unmet minutes (weighted by site priority) than it leaves. Sites keep their
  // minimum staffing; closed loops are left alone.
  const candidateAt = new Map(candidates.map((c) => [`${c.person}|${c.site}|${c.shift}`, c]));
  const prio = (n: number) => sites[n].priority ?? 1;
  for (let pass = 0; pass < 2; pass++) {
    for (const entry of open.values()) {
      const a = entry.a;
      if (a.tasks!.length !== 1) continue;
      const t = ix.shiftIndex.get(a.shiftId)!;
      const from = entry.site;
      const here = candidateAt.get(`${entry.person}|${from}|${t}`);
      if (!here || here.inLoop) continue;
      const role = a.tasks![0].role;
      const minutes = a.tasks![0].minutes + (a.tasks![0].role === a.role ? entry.left : 0);
      const dur = shifts[t].durationMin;
      if (cover[t].some((cv) => headA[from * S + cv.shift] - 1 < sites[from].minStaffPerShift)) continue;
      let loss = 0;
      for (const cv of cover[t]) {
        const share = (a.tasks![0].minutes * cv.minutes) / dur;
        loss += Math.max(0, share - Math.max(0, -leftOf(from, cv.shift, role))) * prio(from);
      }
      let target = -1;
      let gain = loss + 1e-6;
      for (let n = 0; n < sites.length; n++) {
        if (n === from) continue;
        const c = candidateAt.get(`${entry.person}|${n}|${t}`);
        if (!c || c.inLoop || !c.roles.includes(role)) continue;
        let g = 0;
        for (const cv of cover[t]) g += Math.min((minutes * cv.minutes) / dur, Math.max(0, leftOf(n, cv.shift, role))) * prio(n);
        if (g > gain) [target, gain] = [n, g];
      }
      if (target < 0) continue;
      for (const cv of cover[t]) {
        cover1(from, cv.shift, role, -(a.tasks![0].minutes * cv.minutes) / dur);
        cover1(target, cv.shift, role, (minutes * cv.minutes) / dur);
        headA[from * S + cv.shift]--;
        headA[target * S + cv.shift]++;
      }
      a.tasks![0].minutes = minutes;
      a.role = role;
      entry.left = 0;
      a.siteId = sites[target].id;
      entry.site = target;
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
