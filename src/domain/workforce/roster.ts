/**
 * The staffing plan: assign people to sites and shifts to meet the needs.
 *
 * The roster is a MIP built as a `LinearModel` and handed to a `MipSolver` (HiGHS by default):
 *   x[p,n,s]   ∈ {0,1}  person p works at site n in shift s (eligible tuples only)
 *   w[p,n,s,r] ∈ {0,1}  the role p works in that shift, when p holds several needed roles
 *   u[n,s,r]   ≥ 0      unmet person-minutes of a need, priced `unmetCostPerMin`
 *   v[n,s]     ≥ 0      heads missing under a site's minimum staffing, priced above that
 *   z[p,c]     ∈ {0,1}  person p lives in closed-loop site c for its whole loop
 * Rows: need coverage (Σ duration·x + u ≥ need); at most one shift per rest clique (covers
 * double booking and rest); daily hours ≤ max; minimum staffing; closed loops (work at c in its
 * loop only if z; z forbids any other site during the loop; at most one loop at a time).
 * Max hours and rest are hard: a shortage shows up as unmet needs, never as overwork.
 * If the solver returns no roster, a greedy fallback builds one and the result says so.
 */
import { INF, ModelBuilder, type MipSolver } from '../shared/index.ts';
import { err, ok, type Result } from '../shared/index.ts';
import { entryCost, indexProblem, restCliques, type Indexed } from './candidates.ts';
import { greedyRoster } from './greedy.ts';
import { dayLimitMin, overlaps, shiftDay, shiftEnd, validateProblem, type Assignment, type Role, type Task, type StaffingPlanResult, type StaffingProblem } from './model.ts';
import { reviewRoster } from './review.ts';

/**
 * Plans a roster end to end (greedy, then the MIP from it): `planStaffing` with a solver, or the
 * same run in the server's solver pool, so that neither the greedy nor the model building holds
 * the API's event loop.
 */
export type RosterPlanner = (problem: StaffingProblem, options?: RosterMethod) => Promise<Result<StaffingPlanResult>>;

export interface RosterMethod {
  /**
   * The greedy roster alone, no MIP: for an estimate that must be quick (the incident draft sizes
   * a store's zone hand-back by it), where the MIP's time limit would be spent for a roster that,
   * on the demo, is the greedy one anyway (it found nothing better in 3 s, nor in 20).
   */
  greedyOnly?: boolean;
}

export interface PlanOptions extends RosterMethod {
  /** The MIP solver, passed in (the HiGHS adapter, in-process or in the worker pool). */
  solver: MipSolver;
}

export async function planStaffing(problem: StaffingProblem, options: PlanOptions): Promise<Result<StaffingPlanResult>> {
  const valid = validateProblem(problem);
  if (!valid.ok) return err(valid.error);
  const ix = indexProblem(problem);
  // The greedy roster first: it is the MIP's starting incumbent (so a solve stopped at its time
  // limit never returns less than it) and the fallback when the solver returns nothing.
  const greedy = greedyRoster(ix);
  if (options.greedyOnly) {
    return ok(finish(problem, ix, greedy, 'greedy', { status: 'not_run', solveTimeS: 0, gapPct: null }, ['The greedy roster alone (no MIP was asked for).'], { variables: 0, rows: 0 }));
  }
  const built = buildRosterModel(ix);
  const solver = options.solver;
  const start = startFrom(ix, built, greedy);
  const r = await solver.solve(built.model, { timeLimitS: ix.rules.timeLimitS, mipRelGap: ix.rules.mipRelGap, start });
  const size = { variables: built.model.cols.cost.length, rows: built.model.rows.lower.length };
  const notes: string[] = [];
  let assignments: Assignment[];
  let method: StaffingPlanResult['method'] = 'mip';
  let startObjective = 0;
  for (let j = 0; j < start.length; j++) startObjective += start[j] * built.model.cols.cost[j];
  const improved = r.values !== null && r.objective !== null && r.objective < startObjective - 1e-6 * Math.max(1, Math.abs(startObjective));
  if (r.values && r.status === 'feasible' && !improved) {
    // Stopped at its limit with nothing better than where it started: the greedy roster itself.
    method = 'greedy';
    assignments = greedy;
    notes.push(`The solver found no better roster than the greedy one it started from within its ${ix.rules.timeLimitS} s limit${r.bound !== null && Number.isFinite(r.bound) ? '' : ' (it had no bound yet)'}; the greedy roster is used.`);
  } else if (r.values && (r.status === 'optimal' || r.status === 'feasible')) {
    assignments = [];
    for (let k = 0; k < ix.candidates.length; k++) {
      if (r.values[built.xCol[k]] > 0.5) {
        const c = ix.candidates[k];
        const dur = ix.shifts[c.shift].durationMin;
        const split = built.hCols[k];
        let tasks: Task[];
        if (!split) tasks = [{ role: c.mainRole, minutes: dur }];
        else {
          const chosen = split.find(([, col]) => r.values![col] > 0.5);
          tasks = [{ role: chosen ? chosen[0] : c.mainRole, minutes: dur }];
        }
        assignments.push({ staffId: ix.staff[c.person].id, siteId: ix.sites[c.site].id, shiftId: ix.shifts[c.shift].id, role: tasks[0].role, tasks });
      }
    }
    assignments = shareSpareMinutes(ix, assignments);
    if (r.status === 'feasible') {
      notes.push(`The solver stopped at its limit with a roster ${r.gapPct?.toFixed(2)}% from the best bound (it started from the greedy roster).`);
      // The MIP counts a shift in one role; the greedy one splits shifts between roles, which the
      // model does not see: keep whichever covers more once both are reviewed the same way.
      if (shortfallScore(ix, problem, greedy) < shortfallScore(ix, problem, assignments)) {
        assignments = greedy;
        method = 'greedy';
        notes.push('The greedy roster covers more than the solver found within its time limit, so it is used instead.');
      }
    }
  } else {
    method = 'greedy';
    assignments = greedy;
    notes.push(`The solver returned no roster (${r.status}${r.message ? `: ${r.message}` : ''}); this roster comes from the greedy fallback and may cover less than the best possible.`);
  }
  return ok(finish(problem, ix, assignments, method, { status: r.status, solveTimeS: r.solveTimeS, gapPct: r.gapPct, ...(r.message ? { message: r.message } : {}) }, notes, size));
}

/** A roster's result: its assignments in a stable order, reviewed, with the notes on what stays unmet. */
function finish(problem: StaffingProblem, ix: Indexed, assignments: Assignment[], method: StaffingPlanResult['method'], solver: StaffingPlanResult['solver'], notes: string[], size: StaffingPlanResult['size']): StaffingPlanResult {
  assignments = [...assignments].sort(
    (a, b) =>
      ix.shifts[ix.shiftIndex.get(a.shiftId)!].startMin - ix.shifts[ix.shiftIndex.get(b.shiftId)!].startMin ||
      a.siteId.localeCompare(b.siteId) ||
      a.role.localeCompare(b.role) ||
      a.staffId.localeCompare(b.staffId),
  );
  const review = reviewRoster(problem, assignments);
  if (review.totals.unmetMin > 0) notes.push(`${review.totals.unmetRoleHours} role-hours cannot be covered by the people available within the rules.`);
  if (review.minStaffShortfalls.length > 0) notes.push(`${review.minStaffShortfalls.length} site-shifts are below their minimum staffing.`);
  return { method, solver, assignments, review, notes, size };
}

/**
 * The MIP's columns set to a roster (the greedy one): x for its assignments, the role of each
 * (the one with most minutes), unmet and missing-head slacks to what the model then counts, the
 * closed-loop stays it makes and the days it works outside a loop. A point the model accepts as
 * it is, so HiGHS starts from it instead of searching for a first roster.
 */
export function startFrom(ix: Indexed, built: ReturnType<typeof buildRosterModel>, assignments: Assignment[]): Float64Array {
  const v = new Float64Array(built.model.cols.cost.length);
  const key = (p: number, n: number, s: number) => `${p}|${n}|${s}`;
  const byKey = new Map(ix.candidates.map((c, k) => [key(c.person, c.site, c.shift), k]));
  const personIndex = new Map(ix.staff.map((p, i) => [p.id, i]));
  const covered = new Map<string, number>();
  const heads = new Map<string, number>();
  const worksInLoop = new Set<string>();
  const outDay = new Set<string>();
  for (const a of assignments) {
    const p = personIndex.get(a.staffId);
    const n = ix.siteIndex.get(a.siteId);
    const s = ix.shiftIndex.get(a.shiftId);
    if (p === undefined || n === undefined || s === undefined) continue;
    const k = byKey.get(key(p, n, s));
    if (k === undefined) continue;
    const c = ix.candidates[k];
    v[built.xCol[k]] = 1;
    let role: Role | null = c.roles.length === 1 ? c.roles[0] : null;
    const split = built.hCols[k];
    if (split) {
      const minutes = new Map((a.tasks ?? [{ role: a.role, minutes: ix.shifts[s].durationMin }]).map((t) => [t.role, t.minutes]));
      const best = [...split].sort((x, y) => (minutes.get(y[0]) ?? 0) - (minutes.get(x[0]) ?? 0))[0];
      v[best[1]] = 1;
      role = best[0];
    }
    for (const cv of ix.cover[s]) {
      heads.set(`${n}|${cv.shift}`, (heads.get(`${n}|${cv.shift}`) ?? 0) + 1);
      if (role) covered.set(`${n}|${cv.shift}|${role}`, (covered.get(`${n}|${cv.shift}|${role}`) ?? 0) + cv.minutes);
    }
    if (c.inLoop) worksInLoop.add(`${p}|${n}`);
    else outDay.add(`${p}|${shiftDay(ix.shifts[s])}`);
  }
  for (const [k, col] of built.uCols) {
    const [n, s, role] = k.split('|');
    const need = ix.needMin[Number(n)][Number(s)].get(role as Role) ?? 0;
    v[col] = Math.max(0, need - (covered.get(k) ?? 0));
  }
  for (const [k, col] of built.vCols) {
    const n = Number(k.split('|')[0]);
    v[col] = Math.max(0, ix.sites[n].minStaffPerShift - (heads.get(k) ?? 0));
  }
  for (let p = 0; p < ix.staff.length; p++) {
    for (const [c, col] of built.zCols[p]) v[col] = ix.lockedIn[p] === c || worksInLoop.has(`${p}|${c}`) ? 1 : 0;
  }
  for (const y of built.yCols) v[y.col] = outDay.has(`${y.person}|${y.day}`) ? 1 : 0;
  return v;
}

/**
 * Splits shifts after the fact: where a person's role is covered beyond its need at their site
 * and shift, the spare minutes go to another role they hold whose need there is unmet (the
 * packer who also receives the night delivery). Nobody works longer; only tasks change.
 */
export function shareSpareMinutes(ix: Indexed, assignments: Assignment[]): Assignment[] {
  const dur = (shiftId: string) => ix.shifts[ix.shiftIndex.get(shiftId)!].durationMin;
  const key = (a: string, b: number, r: string) => `${a}|${b}|${r}`;
  const covered = new Map<string, number>();
  const out = assignments.map((a) => ({ ...a, tasks: (a.tasks ?? [{ role: a.role, minutes: dur(a.shiftId) }]).map((t) => ({ ...t })) }));
  // Coverage as the review counts it: a long shift gives each shift it covers its share.
  for (const a of out) {
    const s = ix.shiftIndex.get(a.shiftId)!;
    for (const t of a.tasks) {
      for (const cv of ix.cover[s]) covered.set(key(a.siteId, cv.shift, t.role), (covered.get(key(a.siteId, cv.shift, t.role)) ?? 0) + (t.minutes * cv.minutes) / dur(a.shiftId));
    }
  }
  const need = (a: Assignment, role: Role) => ix.needMin[ix.siteIndex.get(a.siteId)!][ix.shiftIndex.get(a.shiftId)!].get(role) ?? 0;
  const person = new Map(ix.staff.map((p) => [p.id, p]));
  for (const a of out) {
    const s = ix.shiftIndex.get(a.shiftId)!;
    // A long shift keeps its one role: splitting it would move minutes in several shifts at once.
    if (ix.shifts[s].covers) continue;
    for (const t of a.tasks) {
      let spare = Math.floor(Math.min(t.minutes, (covered.get(key(a.siteId, s, t.role)) ?? 0) - need(a, t.role)));
      if (spare <= 0) continue;
      for (const role of person.get(a.staffId)!.roles) {
        if (role === t.role || spare <= 0) continue;
        const gap = Math.ceil(need(a, role) - (covered.get(key(a.siteId, s, role)) ?? 0));
        if (gap <= 0) continue;
        const m = Math.min(gap, spare);
        t.minutes -= m;
        spare -= m;
        covered.set(key(a.siteId, s, t.role), covered.get(key(a.siteId, s, t.role))! - m);
        covered.set(key(a.siteId, s, role), (covered.get(key(a.siteId, s, role)) ?? 0) + m);
        const other = a.tasks.find((x) => x.role === role);
        if (other) other.minutes += m;
        else a.tasks.push({ role, minutes: m });
      }
    }
    a.tasks = a.tasks.filter((t) => t.minutes > 0).sort((x, y) => y.minutes - x.minutes || x.role.localeCompare(y.role));
    a.role = a.tasks[0].role;
  }
  return out;
}

/** Missing heads under minimum staffing first, then unmet minutes weighted by site priority. */
function shortfallScore(ix: Indexed, problem: StaffingProblem, assignments: Assignment[]): number {
  const review = reviewRoster(problem, assignments);
  const priority = new Map(ix.sites.map((s) => [s.id, s.priority ?? 1]));
  let score = 0;
  for (const m of review.minStaffShortfalls) score += (m.required - m.assigned) * ix.rules.minStaffShortCost;
  for (const u of review.unmet) score += u.unmetMin * ix.rules.unmetCostPerMin * (priority.get(u.siteId) ?? 1);
  return score;
}

export function buildRosterModel(ix: Indexed) {
  const { rules, staff, sites, shifts, candidates } = ix;
  const b = new ModelBuilder('minimize');
  const xCol = candidates.map((c, k) => b.addVar({ cost: c.cost, upper: 1, integer: true, name: `x${k}` }));

  // Coverage terms by (site, shift, role); candidates by (person, shift). A candidate with one
  // needed role covers the whole shift in it; with several, a binary per role picks one. A long
  // shift (`covers`) counts toward each shift it covers by the minutes they overlap.
  const bySiteShiftRole = new Map<string, Array<[number, number]>>();
  const hCols: Array<Array<[Role, number]> | null> = candidates.map(() => null);
  const byPersonShift: Array<Map<number, number[]>> = staff.map(() => new Map());
  const bySiteShift = new Map<string, number[]>();
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k];
    const push = (role: Role, col: number) => {
      for (const cv of ix.cover[c.shift]) {
        if (cv.minutes <= 0 || !(ix.needMin[c.site][cv.shift].get(role) ?? 0)) continue;
        const key = `${c.site}|${cv.shift}|${role}`;
        (bySiteShiftRole.get(key) ?? bySiteShiftRole.set(key, []).get(key)!).push([col, cv.minutes]);
      }
    };
    if (c.roles.length === 1) push(c.roles[0], xCol[k]);
    else if (c.roles.length > 1) {
      const split: Array<[Role, number]> = [];
      const row: Array<[number, number]> = [[xCol[k], -1]];
      for (const role of c.roles) {
        // One role per shift in the model (binary): splitting minutes in the MIP made it slow
        // and fragile under load; `shareSpareMinutes` splits shifts afterwards instead.
        const w = b.addVar({ upper: 1, integer: true, name: `w${k}_${role}` });
        split.push([role, w]);
        row.push([w, 1]);
        push(role, w);
      }
      b.addRow(row, 0, 0, `role${k}`);
      hCols[k] = split;
    }
    const m = byPersonShift[c.person];
    (m.get(c.shift) ?? m.set(c.shift, []).get(c.shift)!).push(k);
    for (const cv of ix.cover[c.shift]) {
      const key = `${c.site}|${cv.shift}`;
      (bySiteShift.get(key) ?? bySiteShift.set(key, []).get(key)!).push(k);
    }
  }

  // Coverage with slack.
  const uCols = new Map<string, number>();
  for (let n = 0; n < sites.length; n++) {
    for (let s = 0; s < shifts.length; s++) {
      for (const [role, need] of ix.needMin[n][s]) {
        const u = b.addVar({ cost: rules.unmetCostPerMin * (sites[n].priority ?? 1), upper: need, name: `u_${sites[n].id}_${shifts[s].id}_${role}` });
        uCols.set(`${n}|${s}|${role}`, u);
        const terms: Array<[number, number]> = [[u, 1]];
        for (const term of bySiteShiftRole.get(`${n}|${s}|${role}`) ?? []) terms.push(term);
        b.addRow(terms, need, INF, `cover_${sites[n].id}_${shifts[s].id}_${role}`);
      }
    }
  }

  // Minimum staffing per site and ordinary shift (people on a long shift count where it covers).
  const vCols = new Map<string, number>();
  for (let n = 0; n < sites.length; n++) {
    const min = sites[n].minStaffPerShift;
    if (min <= 0) continue;
    for (let s = 0; s < shifts.length; s++) {
      if (shifts[s].covers) continue;
      const v = b.addVar({ cost: rules.minStaffShortCost, upper: min, name: `v_${sites[n].id}_${shifts[s].id}` });
      vCols.set(`${n}|${s}`, v);
      const terms: Array<[number, number]> = [[v, 1]];
      for (const k of bySiteShift.get(`${n}|${s}`) ?? []) terms.push([xCol[k], 1]);
      b.addRow(terms, min, INF, `minstaff_${sites[n].id}_${shifts[s].id}`);
    }
  }

  // Rest and double booking: at most one shift per clique, per person.
  const cliques = restCliques(shifts, rules.minRestMin);
  const yCols: Array<{ person: number; day: number; col: number }> = [];
  const days = new Map<number, number[]>();
  shifts.forEach((t, i) => (days.get(shiftDay(t)) ?? days.set(shiftDay(t), []).get(shiftDay(t))!).push(i));
  for (let p = 0; p < staff.length; p++) {
    const m = byPersonShift[p];
    if (m.size === 0) continue;
    for (const c of cliques) {
      const terms: Array<[number, number]> = [];
      for (const s of c) for (const k of m.get(s) ?? []) terms.push([xCol[k], 1]);
      if (terms.length > 1) b.addRow(terms, -INF, 1, `rest_${staff[p].id}`);
    }
    // Hours a day: the person's own limit outside closed loops; a live-in person's day spent in
    // a loop may go up to rules.liveInMaxHoursPerDay (all of it, with the own limit on the rest).
    const maxMin = staff[p].maxHoursPerDay * 60;
    const loopMax = dayLimitMin(staff[p], true, rules);
    for (const [day, list] of days) {
      const terms: Array<[number, number]> = [];
      const outside: Array<[number, number]> = [];
      let total = 0;
      let totalOutside = 0;
      for (const s of list) {
        const ks = m.get(s) ?? [];
        if (ks.length > 0) total += shifts[s].durationMin;
        if (ks.some((k) => !candidates[k].inLoop)) totalOutside += shifts[s].durationMin;
        for (const k of ks) {
          terms.push([xCol[k], shifts[s].durationMin]);
          if (!candidates[k].inLoop) outside.push([xCol[k], shifts[s].durationMin]);
        }
      }
      if (loopMax === maxMin) {
        if (total > maxMin) b.addRow(terms, -INF, maxMin, `hours_${staff[p].id}_d${day}`);
        continue;
      }
      if (total > loopMax) b.addRow(terms, -INF, loopMax, `hours_${staff[p].id}_d${day}`);
      if (totalOutside > maxMin) b.addRow(outside, -INF, maxMin, `hours_out_${staff[p].id}_d${day}`);
      // A day mixing loop and non-loop shifts keeps the own limit: any shift outside the loop
      // that day caps the whole day (big-M on the day's outside assignments).
      if (outside.length > 0 && total > maxMin) {
        const y = b.addVar({ cost: 0, lower: 0, upper: 1, integer: true, name: `outday_${staff[p].id}_d${day}` });
        yCols.push({ person: p, day, col: y });
        for (const [col] of outside) b.addRow([[col, 1], [y, -1]], -INF, 0, `outday_link_${staff[p].id}_${col}`);
        b.addRow([...terms, [y, loopMax - maxMin]], -INF, loopMax, `hours_mixed_${staff[p].id}_d${day}`);
      }
    }
  }

  // Closed loops.
  const zCols: Array<Map<number, number>> = staff.map(() => new Map());
  for (let c = 0; c < sites.length; c++) {
    const loop = ix.loop[c];
    if (!loop) continue;
    const loopShifts = shifts.map((t, i) => (overlaps(loop[0], loop[1], t.startMin, shiftEnd(t)) ? i : -1)).filter((i) => i >= 0);
    for (let p = 0; p < staff.length; p++) {
      const m = byPersonShift[p];
      const inside = ix.lockedIn[p] === c;
      const worksHere = loopShifts.some((s) => (m.get(s) ?? []).some((k) => candidates[k].site === c));
      if (!worksHere) continue;
      const z = b.addVar({ cost: entryCost(ix, p, c), lower: inside ? 1 : 0, upper: 1, integer: true, name: `z_${staff[p].id}_${sites[c].id}` });
      zCols[p].set(c, z);
      for (const s of loopShifts) {
        const ks = m.get(s) ?? [];
        const here = ks.filter((k) => candidates[k].site === c).map((k): [number, number] => [xCol[k], 1]);
        const away = ks.filter((k) => candidates[k].site !== c).map((k): [number, number] => [xCol[k], 1]);
        if (here.length > 0) b.addRow([...here, [z, -1]], -INF, 0, `loopin_${staff[p].id}_${shifts[s].id}`);
        if (away.length > 0) b.addRow([...away, [z, 1]], -INF, 1, `loopout_${staff[p].id}_${shifts[s].id}`);
      }
    }
  }
  for (let p = 0; p < staff.length; p++) {
    const zs = [...zCols[p].entries()];
    for (let i = 0; i < zs.length; i++) {
      for (let j = i + 1; j < zs.length; j++) {
        const a = ix.loop[zs[i][0]]!;
        const c = ix.loop[zs[j][0]]!;
        if (overlaps(a[0], a[1], c[0], c[1])) b.addRow([[zs[i][1], 1], [zs[j][1], 1]], -INF, 1, `oneloop_${staff[p].id}`);
      }
    }
  }
  return { model: b.build(), xCol, hCols, uCols, vCols, yCols, zCols };
}
