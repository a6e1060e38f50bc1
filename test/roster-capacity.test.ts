import { describe, expect, it } from 'vitest';
import { unwrap } from '../src/domain/shared/index.ts';
import { assembleProblem, capacityPerSlot, DEFAULT_RATES, hiresToCover, reviewRoster, shiftGrid, type NodeForPlan, type Role, type StaffForPlan } from '../src/domain/workforce/index.ts';
// The roster's internals, to compare the greedy start with the MIP (not part of the context's public face).
// eslint-disable-next-line no-restricted-imports -- the greedy start is compared with the MIP here
import { greedyRoster } from '../src/domain/workforce/greedy.ts';
// eslint-disable-next-line no-restricted-imports -- the roster's candidate index, to run the greedy start
import { indexProblem } from '../src/domain/workforce/candidates.ts';
import { DEFAULT_SLOT_TEMPLATE } from '../src/domain/orders/index.ts';
import { longDayShifts, shiftLoad } from '../src/flows/incident-staffing.ts';

/**
 * The roster alone must serve what its people can (issue 15): an incident's sites, its shift grid
 * with the long days laid over it and its loads, rostered by the greedy planner (the MIP's
 * starting point, so the plan never does worse). Figures are relations: the orders a day the
 * roster can pick and pack reach the demand when the people exist, and a large share of what the
 * people can do at most when they do not; and the hires the plan names do cover what stays unmet.
 */
const DAYS = 2;
const nodes: NodeForPlan[] = [
  { id: 'store', name: 'Store', lat: 39.78, lng: 116.5, status: 'open', dailyOrderCapacity: 5000, minStaffPerShift: 1 },
  { id: 'warehouse', name: 'Emergency warehouse', lat: 39.77, lng: 116.54, status: 'open', dailyOrderCapacity: 5000, priority: 3 },
  { id: 'lender', name: 'Lender', lat: 39.75, lng: 116.56, status: 'open', dailyOrderCapacity: 0, takesBorrowed: false },
];

function people(home: string, n: number, roles: Role[], prefix: string): StaffForPlan[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i + 1}`, name: `${prefix} ${i + 1}`, homeNodeId: home, roles, skills: [], permitStatus: 'cleared' as const,
    canLiveOnSite: false, maxHoursPerDay: 12, unavailableMs: [], insideNodeId: null,
  }));
}

/** Pickers and packers, riders, receivers, managers; the lender has no work of its own and lends them all. */
const staff: StaffForPlan[] = [
  ...people('store', 14, ['picker', 'packer'], 'SP'),
  ...people('store', 4, ['packer'], 'SK'),
  ...people('store', 3, ['rider'], 'SR'),
  ...people('store', 6, ['receiver', 'shelver'], 'SV'),
  ...people('store', 6, ['manager'], 'SM'),
  ...people('lender', 10, ['picker', 'packer'], 'LP'),
  ...people('lender', 4, ['receiver', 'shelver'], 'LV'),
];
const pickPackPeople = staff.filter((s) => s.roles.includes('picker') || s.roles.includes('packer')).length;
/** At most: every picker/packer on one 12-hour day inside the slot hours, pick and pack perfectly balanced. */
const peopleBoundPerDay = Math.floor((pickPackPeople * 720 * 60 * (DEFAULT_RATES.utilizationPct / 100)) / (DEFAULT_RATES.pickSPerOrder + DEFAULT_RATES.packSPerOrder));

function roster(ordersPerDay: Record<string, number>, extra: StaffForPlan[] = []) {
  const grid = unwrap(shiftGrid({ days: DAYS, shiftsPerDay: 3 }));
  const loads = Object.entries(ordersPerDay).flatMap(([siteId, perDay]) => grid.map((s, k) => shiftLoad(siteId, s.id, k, perDay, grid)));
  const problem = unwrap(assembleProblem({ startsAtMs: 0, days: DAYS, shiftsPerDay: 3, longShifts: longDayShifts(), loads, defaultLoads: false }, nodes, [...staff, ...extra]));
  const assignments = greedyRoster(indexProblem(problem));
  const review = reviewRoster(problem, assignments);
  // Orders a day the roster can pick and pack on the last day, each site capped by its demand.
  const day = (DAYS - 1) * 1440;
  const servable = Object.entries(ordersPerDay).reduce((sum, [siteId, perDay]) => {
    const slots = capacityPerSlot(siteId, assignments, problem.shifts, { slotMin: 60, fromMin: day + DEFAULT_SLOT_TEMPLATE.firstStartMin, toMin: day + DEFAULT_SLOT_TEMPLATE.lastEndMin });
    return sum + Math.min(perDay, slots.reduce((a, s) => a + s.ordersPerSlot, 0));
  }, 0);
  return { problem, assignments, review, servable };
}

describe('the roster alone serves what its people can', () => {
  it('serves the whole demand when the people exist', () => {
    const demand = { store: Math.round(0.35 * peopleBoundPerDay), warehouse: Math.round(0.3 * peopleBoundPerDay) };
    const r = roster(demand);
    expect(r.review.violations).toEqual([]);
    expect(r.review.overHours).toEqual([]);
    expect(r.servable).toBe(demand.store + demand.warehouse);
  });

  it('serves most of what the people can at most when they are short, which 8-hour shifts alone could not', () => {
    const demand = { store: peopleBoundPerDay, warehouse: peopleBoundPerDay };
    const r = roster(demand);
    expect(r.review.violations).toEqual([]);
    // One 8-hour grid shift a day would give at most 8/12 of the bound.
    expect(r.servable).toBeGreaterThanOrEqual(Math.floor(0.9 * peopleBoundPerDay));
    expect(r.servable).toBeLessThanOrEqual(peopleBoundPerDay);
    // The priority site (no people of its own) is staffed first.
    const ew = r.assignments.filter((a) => a.siteId === 'warehouse').length;
    expect(ew).toBeGreaterThan(0);
  });

  it('names the hires that cover what stays unmet: with them, nothing of their roles is left', () => {
    const demand = { store: Math.round(0.35 * peopleBoundPerDay), warehouse: Math.round(0.3 * peopleBoundPerDay) };
    const before = roster(demand);
    const riderGap = before.review.unmet.filter((u) => u.role === 'rider').reduce((a, u) => a + u.unmetMin, 0);
    expect(riderGap).toBeGreaterThan(0);
    const hires = hiresToCover(before.problem, before.review);
    const riders = hires.filter((h) => h.role === 'rider');
    expect(riders.length).toBeGreaterThan(0);
    const hired = riders.flatMap((h) => people(h.siteId, h.people, ['rider'], `HIRE-${h.siteId}`).map((p) => ({ ...p, maxHoursPerDay: 8 })));
    const after = roster(demand, hired);
    expect(after.review.unmet.filter((u) => u.role === 'rider').reduce((a, u) => a + u.unmetMin, 0)).toBe(0);
    expect(after.servable).toBe(before.servable);
  });
});
