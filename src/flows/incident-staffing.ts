/**
 * The response plan's staffing part: a roster from the workforce context for the incident's
 * first days. Sites are the affected nodes (those whose status or zones change, and the
 * emergency warehouse) plus the nearest nodes with staff who can lend people; each site expects,
 * shift by shift, the orders the zones part gives it while it trades (none while suspended),
 * and the inbound units to receive (15 per order, the workforce default). Site flags come from
 * the incident's control areas only: a node inside a lockdown is controlled (cleared staff only)
 * and, when it reopens online-only, closed-loop from its reopening day; the flags stored in the
 * workforce site settings (the demo's) are not used here. The roster MIP gets a short time limit; the
 * workforce planner keeps the greedy roster when that covers more. Applying stores the roster as
 * a staffing plan, applies it and sets the slot capacity of its nodes (staff-capacity.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MipSolver } from '../solver/model.ts';
import { unwrap } from '../domain/shared/index.ts';
import { haversineM as distanceM } from '../domain/geo/index.ts';
import {
  assembleProblem, explainUnmet, hiresToCover, planStaffing, shiftGrid, DEFAULT_RATES, INBOUND_SHARE,
  type ExpectedLoad, type NodeForPlan, type RosterPlanner, type StaffingPlanResult, type StaffingProblem,
} from '../domain/workforce/index.ts';
import { DEFAULT_SLOT_TEMPLATE } from '../domain/orders/index.ts';
import type { ApplyStepResult, StaffingPart } from '../domain/incidents/index.ts';
import * as workforce from '../store/workforce.ts';
import { applyStaffCapacity, restoreSlotCapacities } from './staff-capacity.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;
const DAY_MS = 86_400_000;
const INBOUND_UNITS_PER_ORDER = 15;

export interface SiteTimeline {
  nodeId: string;
  /** An affected node (status or zones change); the others are candidate lenders with their own load. */
  affected: boolean;
  /** Orders a day the node expects while it trades, from `fromMs` (the zones part after reassignment). */
  periods: Array<{ fromMs: number; ordersPerDay: number; trading: boolean }>;
  /** Inside a lockdown area: controlled; closed loop from this instant when it reopens online-only. */
  controlled?: boolean;
  closedLoopFromMs?: number | null;
}

export interface RosterDraftInput {
  startsAtMs: number;
  days: number;
  sites: SiteTimeline[];
  /** The emergency warehouse, not a node yet at draft time. */
  extraNodes?: NodeForPlan[];
  /** Nearest nodes with staff added as lenders (default 8). */
  maxLenders?: number;
  timeLimitS?: number;
  /** The greedy roster alone, no MIP (a quick estimate: the hand-back's capacity). */
  greedyOnly?: boolean;
  /** Plans the roster (the server's solver pool, off the event loop); default `planStaffing` with `solver` here. */
  planner?: RosterPlanner;
}

export interface StoredRoster {
  startsAt: string;
  rates: typeof DEFAULT_RATES;
  problem: Omit<StaffingProblem, 'staff'>;
  result: Omit<StaffingPlanResult, 'review'> & { review: StaffingPlanResult['review'] };
}

/**
 * The roster a staffing part holds, as the draft stored it. The part's schema keeps the roster open
 * (problem and result are the workforce context's shapes), so this is where it is read as one;
 * `applyRoster` checks it holds shifts and assignments before storing it (a hand edit may not).
 */
export function storedRoster(part: StaffingPart | undefined): StoredRoster | undefined {
  return (part?.roster ?? undefined) as StoredRoster | undefined;
}

export async function draftRoster(db: Db, solver: MipSolver, input: RosterDraftInput) {
  const t0 = Date.now();
  const days = input.days;
  const all: NodeForPlan[] = [...(await workforce.planNodes(db)), ...(input.extraNodes ?? [])];
  const staffAll = (await workforce.listStaff(db)).filter((s) => s.active && s.roles.length > 0);
  const affected = new Set(input.sites.filter((s) => s.affected).map((s) => s.nodeId).filter((id) => all.some((n) => n.id === id)));
  const affectedNodes = all.filter((n) => affected.has(n.id));
  const withStaff = new Set(staffAll.map((s) => s.homeNodeId));
  // The rules the user set (rest between shifts, live-in long days), with the draft's short solver budget.
  const rules = { ...(await workforce.getStaffingRules(db)), timeLimitS: input.timeLimitS ?? 3, mipRelGap: 0.02 };
  const lenders = all
    .filter((n) => !affected.has(n.id) && withStaff.has(n.id))
    .map((n) => ({ n, d: Math.min(...affectedNodes.map((a) => distanceM(a, n))) }))
    .filter((x) => x.d <= 60_000)
    .sort((a, b) => a.d - b.d || (a.n.id < b.n.id ? -1 : 1))
    .slice(0, input.maxLenders ?? 8)
    .map((x) => x.n);
  const siteIds = new Set([...affected, ...lenders.map((n) => n.id)]);
  const timeline = new Map(input.sites.map((s) => [s.nodeId, s]));
  // Site flags come from this incident's control areas alone (the timelines), never from site
  // settings stored for another scenario: a node inside a lockdown is controlled (only cleared
  // people work there), closed-loop from its online-only reopening and staffed first; every other
  // node is none of these. The stored minimum staffing per shift still applies.
  const nodes: NodeForPlan[] = all.filter((n) => siteIds.has(n.id)).map((n) => {
    const s = timeline.get(n.id);
    // A node the plan opens with no people of its own (the emergency warehouse) is staffed first:
    // every other trading node keeps its own people (and its slot capacity, see applyRoster).
    // A lender runs on its own people and lends beyond its minimum: no one is borrowed into it.
    const plain = { ...n, controlled: false, priority: affected.has(n.id) && !withStaff.has(n.id) ? 3 : 1, closedLoopFromMs: null, closedLoopDays: null, takesBorrowed: affected.has(n.id) };
    if (!s?.controlled) return plain;
    const loopFrom = s.closedLoopFromMs != null ? input.startsAtMs + Math.floor((s.closedLoopFromMs - input.startsAtMs) / DAY_MS) * DAY_MS : null;
    const loopDays = loopFrom != null ? Math.max(1, days - Math.floor((loopFrom - input.startsAtMs) / DAY_MS)) : null;
    return { ...plain, controlled: true, priority: 3, closedLoopFromMs: loopFrom, closedLoopDays: loopDays };
  });

  // Loads shift by shift: a site's orders while it trades; lenders keep their own orders.
  const grid = unwrap(shiftGrid({ days, shiftsPerDay: 3 }));
  const loads: ExpectedLoad[] = [];
  const ordersPerDayOf = (nodeId: string, atMs: number): number => {
    const s = timeline.get(nodeId);
    if (!s) {
      const n = nodes.find((x) => x.id === nodeId);
      return n && (n.status === 'open' || n.status === 'online_only') ? n.dailyOrderCapacity : 0;
    }
    let cur = { ordersPerDay: 0, trading: false };
    for (const p of s.periods) if (p.fromMs <= atMs) cur = p;
    return cur.trading ? cur.ordersPerDay : 0;
  };
  for (const n of nodes) {
    grid.forEach((shift, k) => {
      const mid = input.startsAtMs + (shift.startMin + shift.durationMin / 2) * 60_000;
      const perDay = Math.max(0, Math.round(ordersPerDayOf(n.id, mid)));
      if (perDay === 0) return;
      loads.push(shiftLoad(n.id, shift.id, k, perDay, grid));
    });
  }
  // People not cleared whose home node lies inside the lockdown stay at home inside it: they may
  // not cross the control line, and the node itself is controlled (cleared people only), so they
  // are not rostered anywhere (the demo's Dazu Plaza staff; the seed sent 48 others in instead).
  const insideLockdown = new Set(input.sites.filter((s) => s.controlled).map((s) => s.nodeId));
  const lockedAtHome = staffAll.filter((s) => siteIds.has(s.homeNodeId) && insideLockdown.has(s.homeNodeId) && s.permitStatus !== 'cleared');
  const staff = staffAll
    .filter((s) => siteIds.has(s.homeNodeId) && (!s.insideNodeId || siteIds.has(s.insideNodeId)))
    .filter((s) => !(insideLockdown.has(s.homeNodeId) && s.permitStatus !== 'cleared'))
    .map(({ unavailable, active: _a, ...s }) => ({ ...s, unavailableMs: unavailable.map((w) => ({ fromMs: Date.parse(w.fromAt), toMs: Date.parse(w.toAt) })) }));
  const problem = unwrap(assembleProblem(
    { startsAtMs: input.startsAtMs, days, shiftsPerDay: 3, longShifts: longDayShifts(), loads, defaultLoads: false, fixedNeeds: await workforce.listFixedNeeds(db), rates: DEFAULT_RATES, rules },
    nodes,
    staff,
  ));
  const method = { greedyOnly: input.greedyOnly === true };
  const result = unwrap(await (input.planner ? input.planner(problem, method) : planStaffing(problem, { solver, ...method })));
  const durations = new Map(problem.shifts.map((s) => [s.id, s.durationMin]));
  const homes = new Map(staff.map((s) => [s.id, s.homeNodeId]));
  const byNode = nodes.map((n) => {
    const mine = result.assignments.filter((a) => a.siteId === n.id);
    const unmet = result.review.unmet.filter((u) => u.siteId === n.id).reduce((a, u) => a + u.unmetMin, 0);
    const required = problem.needs.filter((x) => x.siteId === n.id).reduce((a, x) => a + x.requiredMin, 0);
    return {
      nodeId: n.id,
      role: affected.has(n.id) ? 'affected' : 'lender',
      ordersPerDay: Math.round(grid.reduce((a, shift) => a + Math.max(0, ordersPerDayOf(n.id, input.startsAtMs + (shift.startMin + shift.durationMin / 2) * 60_000)), 0) / grid.length),
      people: new Set(mine.map((a) => a.staffId)).size,
      borrowed: new Set(mine.filter((a) => homes.get(a.staffId) !== n.id).map((a) => a.staffId)).size,
      staffHours: Math.round(mine.reduce((a, x) => a + (durations.get(x.shiftId) ?? 0), 0) / 60),
      requiredRoleHours: Math.round(required / 60),
      unmetRoleHours: Math.round(unmet / 60),
    };
  });
  const staffHoursAssigned = Math.round(result.assignments.reduce((a, x) => a + (durations.get(x.shiftId) ?? 0), 0) / 60);
  // What stays unmet, as the smallest fix: people to hire (or riders to contract) per node and role.
  const hires = hiresToCover(problem, result.review);
  const notes = [...result.notes];
  if (lockedAtHome.length > 0) notes.push(`${lockedAtHome.length} people not cleared live inside the lockdown (home ${[...new Set(lockedAtHome.map((s) => s.homeNodeId))].join(', ')}) and are not rostered.`);
  if (hires.length > 0) {
    const byRole = new Map<string, number>();
    for (const h of hires) byRole.set(h.role, (byRole.get(h.role) ?? 0) + h.people);
    const text = [...byRole].sort((a, b) => b[1] - a[1]).map(([role, n]) => `${n} ${role}${n === 1 ? '' : 's'}`).join(', ');
    notes.push(`To cover what stays unmet: ${text}, one 8-hour shift a day each (per node and shift in hires)${byRole.has('rider') ? '; riders can be contracted from a third-party delivery platform' : ''}.`);
  }
  const roster: StoredRoster = {
    startsAt: new Date(input.startsAtMs).toISOString(),
    rates: DEFAULT_RATES,
    problem: { sites: problem.sites, shifts: problem.shifts, needs: problem.needs, rules: problem.rules },
    result,
  };
  return {
    method: result.method,
    solver: result.solver,
    startsAt: roster.startsAt,
    days,
    affected: [...affected],
    lenders: lenders.map((n) => n.id),
    staffHoursAssigned,
    staffHoursPerDay: Math.round(staffHoursAssigned / days),
    requiredRoleHours: Math.round(result.review.totals.requiredMin / 60),
    unmetRoleHours: result.review.totals.unmetRoleHours,
    peopleRostered: result.review.totals.peopleRostered,
    peopleBorrowed: result.review.totals.peopleBorrowed,
    minStaffShortfalls: result.review.minStaffShortfalls.length,
    byNode,
    shortfallByRoleShift: result.review.shortfallByRoleShift.slice(0, 60),
    /** Which needs stay unmet and why, per node and role (see domain/workforce/unmet.ts). */
    unmetWhy: explainUnmet(problem, result.review),
    /** The smallest fix for what stays unmet: people per node and role (see domain/workforce/unmet.ts). */
    hires,
    /** Not cleared and at home inside the lockdown: not rostered. */
    lockedAtHome: lockedAtHome.length,
    notes,
    elapsedMs: Date.now() - t0,
    roster,
  };
}

/**
 * The load of grid shift `k` (of 3 a day) at a site expecting `perDay` orders that day: the orders
 * picked in the slot hours it overlaps (see `slotOrderFactors`; one more order per slot it covers,
 * as each slot's capacity is rounded down) and its share of the inbound units (nights receive).
 */
export function shiftLoad(siteId: string, shiftId: string, k: number, perDay: number, grid: Array<{ startMin: number; durationMin: number }>): ExpectedLoad {
  const day = grid.slice(0, 3);
  const slot = k % 3;
  const factor = slotOrderFactors(day)[slot];
  const slots = Math.ceil(day[slot].durationMin / DEFAULT_SLOT_TEMPLATE.slotLengthMin);
  const orders = factor > 0 ? Math.ceil(perDay * factor) + slots : 0;
  return { siteId, shiftId, orders, inboundUnits: Math.round((perDay * INBOUND_UNITS_PER_ORDER * INBOUND_SHARE[3][slot]) / 100) };
}

/**
 * Twelve-hour days laid over the 8-hour grid, at the two ends of the delivery slot hours (07:00-19:00
 * and 10:00-22:00 with the default template): people may work their own daily limit (12 hours by
 * default) in one shift, which the grid alone never allows (two of its shifts need 8 hours of
 * rest between them). Each covers the grid shifts it overlaps; whoever has a shorter limit simply
 * gets no long day. The seed's crews worked such days; rest and daily limits still hold.
 */
export const LONG_DAY_MIN = 12 * 60;
export function longDayShifts(template = DEFAULT_SLOT_TEMPLATE): Array<{ startMin: number; durationMin: number; label: string }> {
  const from = template.firstStartMin;
  const to = template.lastEndMin;
  if (to - from <= LONG_DAY_MIN) return [{ startMin: from, durationMin: Math.min(LONG_DAY_MIN, to - from), label: 'long' }];
  return [
    { startMin: from, durationMin: LONG_DAY_MIN, label: 'long-am' },
    { startMin: to - LONG_DAY_MIN, durationMin: LONG_DAY_MIN, label: 'long-pm' },
  ];
}

/**
 * Orders each shift of a day is staffed for, as a share of the day's orders: delivery orders
 * are picked and packed for their slots (the orders context's day template, 07:00-22:00 local;
 * the plan starts at a local midnight), and the slot capacity a roster gives counts only the
 * minutes inside the slots. So a shift overlapping the slot hours is staffed for the orders of a
 * whole shift at the slot hours' rate (the day's orders × its length ÷ the slot hours): its
 * minutes inside the slots then give exactly its share, and a shift outside them (the night) picks
 * none. The inbound work keeps its own spread (nights receive).
 */
export function slotOrderFactors(dayShifts: Array<{ startMin: number; durationMin: number }>, template = DEFAULT_SLOT_TEMPLATE): number[] {
  const overlap = (s: { startMin: number; durationMin: number }) => {
    let m = 0;
    for (const base of [-1440, 0, 1440]) m += Math.max(0, Math.min(s.startMin + s.durationMin, base + template.lastEndMin) - Math.max(s.startMin, base + template.firstStartMin));
    return m;
  };
  const slotHours = template.lastEndMin - template.firstStartMin;
  return dayShifts.map((s) => (overlap(s) > 0 ? s.durationMin / slotHours : 0));
}

/** What the apply's `staffing` step records (its schema: domain/incidents/steps.ts): the staffing plan stored, the plans it superseded, the slot capacities it set. */
export type RosterStepResult = ApplyStepResult<'staffing'>;

/**
 * Apply step: the roster becomes an applied staffing plan, and its nodes' slots get its capacity;
 * a node outside the lockdown keeps at least the slot capacity it had before this step.
 */
export async function applyRoster(db: Db, roster: StoredRoster | undefined, now: Date): Promise<RosterStepResult> {
  if (!roster?.problem?.shifts || !roster.result?.assignments) return { staffingPlanId: null, superseded: [], slotCapacity: null, note: 'the staffing part holds no roster (edited by hand?): nothing stored' };
  const id = randomUUID();
  const problem: StaffingProblem = { staff: [], ...roster.problem };
  const stored = await workforce.insertPlan(db, id, new Date(roster.startsAt), problem, roster.result, now, roster.rates);
  const superseded = await workforce.appliedOverlapping(db, stored.startsAt, stored.endsAt);
  await workforce.applyPlan(db, id, now);
  // Nodes outside the lockdown (not controlled in the roster) with people of their own never lose
  // slot capacity they had: their own people keep working, borrowed ones add to them. A node
  // with no people of its own (the emergency warehouse) has what its roster gives.
  const locked = new Set(roster.problem.sites.filter((s) => s.controlled).map((s) => s.id));
  const own = new Set((await workforce.listStaff(db)).filter((s) => s.active).map((s) => s.homeNodeId));
  const slotCapacity = await applyStaffCapacity(db, id, { keepAtLeastBefore: (nodeId) => !locked.has(nodeId) && own.has(nodeId) });
  return { staffingPlanId: id, superseded, slotCapacity };
}

/** Compensation (and lift): the old slot capacities back, the plan back to draft (superseded on lift), the plans it superseded applied again. */
export async function undoRoster(db: Db, r: RosterStepResult, status: 'draft' | 'superseded' = 'draft'): Promise<void> {
  if (!r.staffingPlanId) return;
  if (r.slotCapacity) await restoreSlotCapacities(db, r.slotCapacity.changes);
  await workforce.unapplyPlan(db, r.staffingPlanId, r.superseded, status);
}
