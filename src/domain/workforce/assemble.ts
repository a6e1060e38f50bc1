/**
 * Builds a `StaffingProblem` from what the store holds: staff with availability as instants,
 * node settings, fixed needs by headcount, and expected loads (per shift, or per day spread
 * over the shifts). Instants are epoch milliseconds passed in by the caller; the plan works in
 * minutes from `startsAtMs`.
 *
 * When no load is given for a trading node, its expected orders per day default to the node's
 * daily order capacity and its inbound units to 15 per order (stock roughly replaces what is
 * sold; a crisis basket is ~15 units). Both are estimates, labelled in docs/workforce.md.
 */
import { err, ok, type Result } from '../shared/index.ts';
import { deriveNeeds, type ExpectedLoad, type ManualNeed, type WorkRates, DEFAULT_RATES } from './needs.ts';
import { longShifts, shiftGrid, type LongShiftSpec } from './shifts.ts';
import type { Role, Site, StaffingProblem, StaffingRules, StaffMember } from './model.ts';

export interface NodeForPlan {
  id: string;
  name: string;
  lat: number;
  lng: number;
  status: string;
  dailyOrderCapacity: number;
  /** Workforce settings for the node; absent means none of them apply. */
  controlled?: boolean;
  minStaffPerShift?: number;
  priority?: number;
  /** False: only its own people work here (a site that only lends). */
  takesBorrowed?: boolean;
  /** Closed loop as a calendar day (epoch ms of its start) and a number of days. */
  closedLoopFromMs?: number | null;
  closedLoopDays?: number | null;
}

export interface StaffForPlan extends Omit<StaffMember, 'unavailable'> {
  unavailableMs: Array<{ fromMs: number; toMs: number }>;
}

export interface PlanRequest {
  startsAtMs: number;
  days: number;
  shiftsPerDay: number;
  firstStartMin?: number;
  /** Long shifts laid over the grid each day (e.g. 07:00-19:00): they cover the grid's needs (see `longShifts`). */
  longShifts?: LongShiftSpec[];
  /** Per-shift loads (shift ids as in the grid: d1-early …). */
  loads?: ExpectedLoad[];
  /** Per-day loads, spread over the day's shifts by `ORDER_SHARE` / `INBOUND_SHARE`. */
  dailyLoads?: Array<{ siteId: string; ordersPerDay: number; inboundUnitsPerDay: number }>;
  /** Fill in loads for trading nodes that have none (default true). */
  defaultLoads?: boolean;
  /** Fixed needs: headcount per node and role, in every shift (`shiftLabel` '*') or one label ('night'). */
  fixedNeeds?: Array<{ nodeId: string; role: Role; shiftLabel: string; headcount: number }>;
  rates?: WorkRates;
  rules?: Partial<StaffingRules>;
}

/** Share of a day's orders / inbound units per shift label (percent). Nights receive, days sell. */
export const ORDER_SHARE: Record<number, number[]> = { 1: [100], 2: [80, 20], 3: [45, 45, 10] };
export const INBOUND_SHARE: Record<number, number[]> = { 1: [100], 2: [40, 60], 3: [20, 20, 60] };
const TRADING = new Set(['open', 'online_only']);
const DAY_MS = 86_400_000;

export function assembleProblem(req: PlanRequest, nodes: NodeForPlan[], staff: StaffForPlan[]): Result<StaffingProblem> {
  const grid = shiftGrid({ days: req.days, shiftsPerDay: req.shiftsPerDay, firstStartMin: req.firstStartMin });
  if (!grid.ok) return grid;
  const shifts = grid.value;
  const long = longShifts(shifts, req.days, req.longShifts ?? []);
  if (!long.ok) return long;
  const nodeIds = new Set(nodes.map((n) => n.id));
  const sites: Site[] = nodes.map((n) => {
    let closedLoop: Site['closedLoop'] = null;
    if (n.closedLoopFromMs != null && n.closedLoopDays) {
      const startDay = Math.floor((n.closedLoopFromMs - req.startsAtMs) / DAY_MS);
      const endDay = startDay + n.closedLoopDays;
      if (endDay > 0) closedLoop = { startDay: Math.max(0, startDay), days: endDay - Math.max(0, startDay) };
    }
    return { id: n.id, name: n.name, lat: n.lat, lng: n.lng, controlled: !!n.controlled, closedLoop, minStaffPerShift: n.minStaffPerShift ?? 0, priority: n.priority ?? 1, ...(n.takesBorrowed === false ? { takesBorrowed: false } : {}) };
  });
  const toMin = (ms: number) => Math.round((ms - req.startsAtMs) / 60_000);
  const members: StaffMember[] = staff.map(({ unavailableMs, ...s }) => ({
    ...s,
    unavailable: unavailableMs.map((w) => ({ fromMin: toMin(w.fromMs), toMin: toMin(w.toMs) })).filter((w) => w.toMin > w.fromMin),
  }));

  const perDay = req.shiftsPerDay;
  const orderShare = ORDER_SHARE[perDay] ?? Array(perDay).fill(100 / perDay);
  const inboundShare = INBOUND_SHARE[perDay] ?? Array(perDay).fill(100 / perDay);
  const loads: ExpectedLoad[] = [...(req.loads ?? [])];
  const given = new Set([...(req.loads ?? []).map((l) => l.siteId), ...(req.dailyLoads ?? []).map((l) => l.siteId)]);
  const daily = [...(req.dailyLoads ?? [])];
  if (req.defaultLoads !== false) {
    for (const n of nodes) {
      if (!given.has(n.id) && TRADING.has(n.status) && n.dailyOrderCapacity > 0)
        daily.push({ siteId: n.id, ordersPerDay: n.dailyOrderCapacity, inboundUnitsPerDay: n.dailyOrderCapacity * 15 });
    }
  }
  for (let i = 0; i < daily.length; i++) {
    const d = daily[i];
    if (!nodeIds.has(d.siteId)) return err({ code: 'not_found', message: `dailyLoads.${i}.siteId: node ${d.siteId} is not in the plan`, field: `dailyLoads.${i}.siteId`, expected: 'a node id', actual: d.siteId });
    shifts.forEach((s, k) => {
      const slot = k % perDay;
      loads.push({
        siteId: d.siteId,
        shiftId: s.id,
        orders: Math.round((d.ordersPerDay * orderShare[slot]) / 100),
        inboundUnits: Math.round((d.inboundUnitsPerDay * inboundShare[slot]) / 100),
      });
    });
  }
  for (let i = 0; i < (req.loads ?? []).length; i++) {
    const l = req.loads![i];
    if (!nodeIds.has(l.siteId)) return err({ code: 'not_found', message: `loads.${i}.siteId: node ${l.siteId} is not in the plan`, field: `loads.${i}.siteId`, expected: 'a node id', actual: l.siteId });
  }
  const manual: ManualNeed[] = [];
  for (const f of req.fixedNeeds ?? []) {
    if (!nodeIds.has(f.nodeId)) continue; // a node not in this plan (e.g. closed) has no needs
    for (const s of shifts) {
      if (f.shiftLabel === '*' || s.id.endsWith(`-${f.shiftLabel}`)) manual.push({ siteId: f.nodeId, shiftId: s.id, role: f.role, headcount: f.headcount });
    }
  }
  const durations = new Map(shifts.map((s) => [s.id, s.durationMin]));
  const needs = deriveNeeds(loads, manual, (id) => durations.get(id), req.rates ?? DEFAULT_RATES);
  if (!needs.ok) return needs;
  // The long shifts come after the grid, so the grid's order (k % shiftsPerDay) above still holds.
  return ok({ staff: members, sites, shifts: [...shifts, ...long.value], needs: needs.value, rules: req.rules });
}
