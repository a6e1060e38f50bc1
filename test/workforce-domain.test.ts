import { describe, expect, it } from 'vitest';
import {
  capacityPerSlot,
  deriveNeeds,
  parseStaffMember,
  personSchedule,
  planStaffing,
  reviewRoster,
  shiftGrid,
  validateProblem,
  yizhuangDemoStaff,
  DEFAULT_RATES,
  type Assignment,
  type Role,
  type RoleNeed,
  type Site,
  type StaffMember,
  type StaffingProblem,
} from '../src/domain/workforce/index.ts';
import { unwrap, seededRandom, type MipSolver } from '../src/domain/shared/index.ts';
import { defaultSolver } from '../src/solver/highs.ts';

// Small named fixtures: three sites a few kilometres apart, one day of three 8-hour shifts.
const SHIFTS = unwrap(shiftGrid({ days: 1, shiftsPerDay: 3 })); // d1-early 06-14, d1-late 14-22, d1-night 22-06
const TWO_DAYS = unwrap(shiftGrid({ days: 2, shiftsPerDay: 3 }));

function site(id: string, lat: number, lng: number, extra: Partial<Site> = {}): Site {
  return { id, lat, lng, controlled: false, closedLoop: null, minStaffPerShift: 0, ...extra };
}
const STORE_A = site('store-a', 39.79, 116.5);
const STORE_B = site('store-b', 39.76, 116.5); // ~3.3 km south of A
const FAR = site('far', 39.85, 116.35); // ~14 km away

function person(id: string, home: string, roles: Role[], extra: Partial<StaffMember> = {}): StaffMember {
  return { id, name: id, homeNodeId: home, roles, skills: [], permitStatus: 'cleared', canLiveOnSite: false, maxHoursPerDay: 12, unavailable: [], insideNodeId: null, ...extra };
}
function need(siteId: string, shiftId: string, role: Role, headcount: number): RoleNeed {
  return { siteId, shiftId, role, requiredMin: headcount * 480, source: 'manual' };
}
const failingSolver: MipSolver = {
  solve: async () => ({ status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: 0, message: 'no solver in this test' }),
};

/** `staff@site/shift:role`, one per assignment, for compact expectations. */
function brief(list: Assignment[]): string[] {
  return list.map((a) => `${a.staffId}@${a.siteId}/${a.shiftId}:${a.role}`);
}

async function plan(p: StaffingProblem, solver?: MipSolver) {
  return unwrap(await planStaffing(p, { solver: solver ?? defaultSolver }));
}

describe('staffing plan (MIP)', () => {
  it('covers a simple need with the people at home, borrowing nobody', async () => {
    const r = await plan({
      staff: [person('a1', 'store-a', ['picker']), person('a2', 'store-a', ['picker']), person('b1', 'store-b', ['picker'])],
      sites: [STORE_A, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 2)],
    });
    expect(r.method).toBe('mip');
    expect(r.assignments.map((a) => a.staffId).sort()).toEqual(['a1', 'a2']);
    expect(r.review.totals.unmetMin).toBe(0);
    expect(r.review.totals.peopleBorrowed).toBe(0);
  });

  it('prefers a person near the site over one far away', async () => {
    const r = await plan({
      staff: [person('far1', 'far', ['packer']), person('b1', 'store-b', ['packer'])],
      sites: [STORE_A, STORE_B, FAR],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-late', 'packer', 1)],
    });
    expect(brief(r.assignments)).toEqual(['b1@store-a/d1-late:packer']);
  });

  it('a closed-loop site keeps its people: whoever goes in works nowhere else during the loop', async () => {
    // store-a is closed-loop for day 1 and needs a picker early and late; store-b needs one at night.
    // Only v1 and v2 can live on site; v1 working early inside must not be sent to store-b at night.
    const loopSite = { ...STORE_A, controlled: true, closedLoop: { startDay: 0, days: 1 } };
    const r = await plan({
      staff: [
        person('v1', 'store-b', ['picker'], { canLiveOnSite: true }),
        person('v2', 'store-b', ['picker'], { canLiveOnSite: true }),
        person('b1', 'store-b', ['picker']),
      ],
      sites: [loopSite, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 1), need('store-a', 'd1-night', 'picker', 1), need('store-b', 'd1-night', 'picker', 2)],
      // Live-in staff on their own daily limit (12 h): one shift each.
      rules: { liveInMaxHoursPerDay: 0 },
    });
    const inside = new Set(r.assignments.filter((a) => a.siteId === 'store-a').map((a) => a.staffId));
    for (const a of r.assignments) if (inside.has(a.staffId)) expect(a.siteId).toBe('store-a');
    expect(r.review.violations).toEqual([]);
    expect(r.assignments.some((a) => a.staffId === 'b1' && a.siteId === 'store-a')).toBe(false);
    // Two needs inside, two at store-b at night: one person short overall, reported, not hidden.
    expect(r.review.totals.unmetMin).toBe(480);
    expect(r.review.shortfallByRoleShift).toHaveLength(1);
    expect(r.review.shortfallByRoleShift[0]).toMatchObject({ role: 'picker', unmetMin: 480 });
  });

  it('live-in staff may work a long day inside their closed loop, within the rest rule, and no longer elsewhere', async () => {
    // One live-in picker; store-a is closed-loop for the day and needs a picker early and at
    // night (16 h, 8 h rest between). The default live-in limit (16 h) lets her do both; her own
    // limit (12 h) still holds at store-b, which is not closed-loop.
    const loopSite = { ...STORE_A, controlled: true, closedLoop: { startDay: 0, days: 1 } };
    const inside = await plan({
      staff: [person('v1', 'store-b', ['picker'], { canLiveOnSite: true })],
      sites: [loopSite, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 1), need('store-a', 'd1-night', 'picker', 1)],
    });
    expect(brief(inside.assignments).sort()).toEqual(['v1@store-a/d1-early:picker', 'v1@store-a/d1-night:picker']);
    expect(inside.review.overHours).toEqual([]);
    expect(inside.review.violations).toEqual([]);
    // The greedy fallback keeps the same rule.
    const greedy = await plan({ staff: [person('v1', 'store-b', ['picker'], { canLiveOnSite: true })], sites: [loopSite, STORE_B], shifts: SHIFTS, needs: [need('store-a', 'd1-early', 'picker', 1), need('store-a', 'd1-night', 'picker', 1)] }, failingSolver);
    expect(greedy.method).toBe('greedy');
    expect(greedy.assignments).toHaveLength(2);
    const outside = await plan({
      staff: [person('v1', 'store-a', ['picker'], { canLiveOnSite: true })],
      sites: [STORE_A, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-b', 'd1-early', 'picker', 1), need('store-b', 'd1-night', 'picker', 1)],
    });
    expect(outside.assignments).toHaveLength(1);
    expect(outside.review.totals.unmetMin).toBe(480);
    // The rest rule the user sets still binds: with 9 h of rest, early (ends 14:00) and night (22:00) cannot both be worked.
    const rested = await plan({
      staff: [person('v1', 'store-b', ['picker'], { canLiveOnSite: true })],
      sites: [loopSite, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 1), need('store-a', 'd1-night', 'picker', 1)],
      rules: { minRestMin: 9 * 60 },
    });
    expect(rested.assignments).toHaveLength(1);
    // A roster that gives a live-in person 16 h outside a loop is over hours.
    const review = reviewRoster(
      { staff: [person('v1', 'store-a', ['picker'], { canLiveOnSite: true })], sites: [STORE_A, STORE_B], shifts: SHIFTS, needs: [] },
      [{ staffId: 'v1', siteId: 'store-b', shiftId: 'd1-early', role: 'picker' }, { staffId: 'v1', siteId: 'store-b', shiftId: 'd1-night', role: 'picker' }],
    );
    expect(review.overHours).toEqual([{ staffId: 'v1', day: 0, workedMin: 960, maxMin: 720 }]);
  });

  it('a site that only lends takes no one from elsewhere, and keeps its minimum staffing before lending (greedy too)', async () => {
    const lender = { ...STORE_B, takesBorrowed: false, minStaffPerShift: 1 };
    for (const solver of [undefined, failingSolver]) {
      const r = await plan(
        {
          staff: [person('a1', 'store-a', ['picker']), person('b1', 'store-b', ['picker']), person('b2', 'store-b', ['picker'])],
          sites: [STORE_A, lender],
          shifts: SHIFTS.slice(0, 1),
          needs: [need('store-a', 'd1-early', 'picker', 3), need('store-b', 'd1-early', 'picker', 2)],
        },
        solver,
      );
      expect(r.assignments.filter((a) => a.siteId === 'store-b').every((a) => a.staffId.startsWith('b'))).toBe(true);
      expect(r.assignments.filter((a) => a.siteId === 'store-b').length).toBeGreaterThanOrEqual(1);
      expect(r.review.violations).toEqual([]);
    }
    const review = reviewRoster(
      { staff: [person('a1', 'store-a', ['picker'])], sites: [STORE_A, lender], shifts: SHIFTS, needs: [] },
      [{ staffId: 'a1', siteId: 'store-b', shiftId: 'd1-early', role: 'picker' }],
    );
    expect(review.violations.map((v) => v.kind)).toEqual(['borrowed']);
  });

  it('people already living inside a closed-loop site stay there', async () => {
    const loopSite = { ...STORE_A, closedLoop: { startDay: 0, days: 2 } };
    const r = await plan({
      staff: [person('in1', 'store-b', ['picker'], { insideNodeId: 'store-a', canLiveOnSite: true })],
      sites: [loopSite, STORE_B],
      shifts: TWO_DAYS,
      needs: [need('store-b', 'd1-early', 'picker', 1), need('store-a', 'd2-early', 'picker', 1)],
    });
    expect(brief(r.assignments)).toEqual(['in1@store-a/d2-early:picker']);
    expect(r.review.unmet).toEqual([{ siteId: 'store-b', shiftId: 'd1-early', role: 'picker', requiredMin: 480, coveredMin: 0, unmetMin: 480 }]);
  });

  it.each([
    { name: 'with 12 hours a day at most one 8-hour shift', maxHoursPerDay: 12, shiftsEach: 1 },
    { name: 'with 16 hours a day two shifts with a rest between', maxHoursPerDay: 16, shiftsEach: 2 },
  ])('no one exceeds max hours: $name', async ({ maxHoursPerDay, shiftsEach }) => {
    const staff = [person('a1', 'store-a', ['picker'], { maxHoursPerDay }), person('a2', 'store-a', ['picker'], { maxHoursPerDay })];
    const r = await plan({
      staff,
      sites: [STORE_A],
      shifts: SHIFTS,
      needs: SHIFTS.map((s) => need('store-a', s.id, 'picker', 2)),
    });
    expect(r.review.overHours).toEqual([]);
    expect(r.review.violations).toEqual([]);
    for (const p of staff) expect(r.assignments.filter((a) => a.staffId === p.id).length).toBe(shiftsEach);
    // Early and night are 8 h apart (the minimum rest), early and late are back to back.
    for (const p of staff) {
      const mine = r.assignments.filter((a) => a.staffId === p.id).map((a) => a.shiftId);
      expect(mine.includes('d1-early') && mine.includes('d1-late')).toBe(false);
    }
    expect(r.review.totals.unmetMin).toBe(6 * 480 - staff.length * shiftsEach * 480);
  });

  it('a home node keeps its minimum while a neighbour is short', async () => {
    const home = { ...STORE_B, minStaffPerShift: 2 };
    const r = await plan({
      staff: [person('b1', 'store-b', ['picker']), person('b2', 'store-b', ['picker']), person('b3', 'store-b', ['picker'])],
      sites: [STORE_A, home],
      shifts: SHIFTS.slice(0, 1),
      needs: [need('store-a', 'd1-early', 'picker', 3)],
    });
    expect(r.assignments.filter((a) => a.siteId === 'store-b')).toHaveLength(2);
    expect(r.assignments.filter((a) => a.siteId === 'store-a')).toHaveLength(1);
    expect(r.review.minStaffShortfalls).toEqual([]);
    expect(r.review.unmet).toEqual([{ siteId: 'store-a', shiftId: 'd1-early', role: 'picker', requiredMin: 1440, coveredMin: 480, unmetMin: 960 }]);
  });

  it('an infeasible case reports the shortfall by role and shift', async () => {
    const r = await plan({
      staff: [person('a1', 'store-a', ['picker', 'packer'])],
      sites: [STORE_A],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 1), need('store-a', 'd1-early', 'packer', 1), need('store-a', 'd1-late', 'rider', 2)],
    });
    expect(r.assignments).toHaveLength(1);
    const byKey = Object.fromEntries(r.review.shortfallByRoleShift.map((s) => [`${s.role}@${s.shiftId}`, s.unmetMin]));
    expect(byKey['rider@d1-late']).toBe(960);
    expect((byKey['picker@d1-early'] ?? 0) + (byKey['packer@d1-early'] ?? 0)).toBe(480);
    expect(r.review.totals.unmetRoleHours).toBe(24);
    expect(r.notes.join(' ')).toMatch(/24 role-hours cannot be covered/);
    const below = await plan({ staff: [], sites: [{ ...STORE_A, minStaffPerShift: 1 }], shifts: SHIFTS.slice(0, 1), needs: [] });
    expect(below.review.minStaffShortfalls).toEqual([{ siteId: 'store-a', shiftId: 'd1-early', required: 1, assigned: 0 }]);
  });

  it('splits one shift between the roles a person holds when each need is small', async () => {
    const r = await plan({
      staff: [person('a1', 'store-a', ['receiver', 'shelver'])],
      sites: [STORE_A],
      shifts: SHIFTS.slice(0, 1),
      needs: [
        { siteId: 'store-a', shiftId: 'd1-early', role: 'receiver', requiredMin: 200, source: 'orders' },
        { siteId: 'store-a', shiftId: 'd1-early', role: 'shelver', requiredMin: 250, source: 'orders' },
      ],
    });
    expect(r.review.totals.unmetMin).toBe(0);
    expect(r.assignments).toHaveLength(1);
    const tasks = Object.fromEntries(r.assignments[0].tasks!.map((t) => [t.role, t.minutes]));
    expect(tasks.receiver).toBeGreaterThanOrEqual(200);
    expect(tasks.shelver).toBeGreaterThanOrEqual(250);
    expect(tasks.receiver + tasks.shelver).toBe(480);
  });

  it('never sends someone without a permit into a controlled site, nor someone unavailable', async () => {
    const r = await plan({
      staff: [
        person('p1', 'store-b', ['picker'], { permitStatus: 'pending' }),
        person('p2', 'store-b', ['picker'], { unavailable: [{ fromMin: 0, toMin: 1440 }] }),
      ],
      sites: [{ ...STORE_A, controlled: true }, STORE_B],
      shifts: SHIFTS,
      needs: [need('store-a', 'd1-early', 'picker', 1), need('store-b', 'd1-late', 'picker', 1)],
    });
    // p1 may still work at home (store-b is not controlled); p2 is off all day.
    expect(brief(r.assignments)).toEqual(['p1@store-b/d1-late:picker']);
    expect(r.review.unmet.map((u) => u.siteId)).toEqual(['store-a']);
  });
});

/** Two days, a closed-loop site and a lender: live-in pickers and packers, pickers who ride. */
function loopAndLender(): StaffingProblem {
  const loopSite = { ...STORE_A, closedLoop: { startDay: 0, days: 2 } };
  const staff = [
    ...Array.from({ length: 4 }, (_, i) => person(`v${i}`, 'store-b', ['picker', 'packer'], { canLiveOnSite: true })),
    ...Array.from({ length: 4 }, (_, i) => person(`b${i}`, 'store-b', ['picker', 'rider'])),
  ];
  const needs = TWO_DAYS.flatMap((s) => [need('store-a', s.id, 'picker', 1), need('store-b', s.id, 'rider', 1), need('store-b', s.id, 'picker', 1)]);
  return { staff, sites: [loopSite, { ...STORE_B, minStaffPerShift: 1 }], shifts: TWO_DAYS, needs };
}

describe('greedy fallback', () => {
  it('runs when the solver fails, says so, and keeps every rule', async () => {
    const r = await plan(loopAndLender(), failingSolver);
    expect(r.method).toBe('greedy');
    expect(r.notes[0]).toMatch(/greedy fallback/);
    expect(r.review.violations).toEqual([]);
    expect(r.review.overHours).toEqual([]);
    expect(r.assignments.length).toBeGreaterThan(0);
  });
});

describe('greedy roster alone (greedyOnly)', () => {
  it('never calls the solver and gives the roster the fallback gives, rules kept', async () => {
    const problem = loopAndLender();
    let calls = 0;
    const counting: MipSolver = { solve: async (m, o) => (calls++, defaultSolver.solve(m, o)) };
    const alone = unwrap(await planStaffing(problem, { solver: counting, greedyOnly: true }));
    const fallback = await plan(problem, failingSolver);
    expect(calls).toBe(0);
    expect(alone.method).toBe('greedy');
    expect(alone.solver.status).toBe('not_run');
    expect(alone.notes[0]).toMatch(/greedy roster alone/);
    expect(brief(alone.assignments)).toEqual(brief(fallback.assignments));
    expect(alone.review.totals).toEqual(fallback.review.totals);
    expect(alone.review.violations).toEqual([]);
    expect(alone.assignments.length).toBeGreaterThan(0);
  });
});

describe('review of a roster edited by hand', () => {
  it('reports who is over hours, short of rest, and breaking a closed loop', () => {
    const problem: StaffingProblem = {
      staff: [person('a1', 'store-a', ['picker'], { maxHoursPerDay: 8 }), person('a2', 'store-a', ['picker'])],
      sites: [{ ...STORE_A, closedLoop: { startDay: 0, days: 1 } }, STORE_B],
      shifts: SHIFTS,
      needs: [],
    };
    const roster: Assignment[] = [
      { staffId: 'a1', siteId: 'store-b', shiftId: 'd1-early', role: 'picker' },
      { staffId: 'a1', siteId: 'store-b', shiftId: 'd1-late', role: 'picker' },
      { staffId: 'a2', siteId: 'store-a', shiftId: 'd1-early', role: 'picker' },
      { staffId: 'a2', siteId: 'store-b', shiftId: 'd1-night', role: 'picker' },
    ];
    const r = reviewRoster(problem, roster);
    expect(r.overHours).toEqual([
      { staffId: 'a1', day: 0, workedMin: 960, maxMin: 480 },
      { staffId: 'a2', day: 0, workedMin: 960, maxMin: 720 },
    ]);
    expect(r.violations.map((v) => `${v.kind}:${v.staffId}`).sort()).toEqual(['closed_loop:a2', 'closed_loop:a2', 'rest:a1']);
  });
});

describe('needs from expected orders', () => {
  const dur = (id: string) => (id === 'd1-early' ? 480 : undefined);
  it.each([
    { role: 'picker', orders: 100, inbound: 0, min: Math.ceil((100 * 240) / 60 / 0.85) },
    { role: 'packer', orders: 100, inbound: 0, min: Math.ceil((100 * 90) / 60 / 0.85) },
    { role: 'rider', orders: 100, inbound: 0, min: Math.ceil((100 * 720) / 60 / 0.85) },
    { role: 'receiver', orders: 0, inbound: 1000, min: Math.ceil((1000 * 4) / 60 / 0.85) },
    { role: 'shelver', orders: 0, inbound: 1000, min: Math.ceil((1000 * 6) / 60 / 0.85) },
    { role: 'manager', orders: 1, inbound: 0, min: 480 },
  ])('derives $role minutes from $orders orders and $inbound inbound units', ({ role, orders, inbound, min }) => {
    const needs = unwrap(deriveNeeds([{ siteId: 's', shiftId: 'd1-early', orders, inboundUnits: inbound }], [], dur));
    expect(needs.find((n) => n.role === role)?.requiredMin).toBe(min);
  });

  it('adds fixed needs entered by hand to the derived ones', () => {
    const needs = unwrap(deriveNeeds([{ siteId: 's', shiftId: 'd1-early', orders: 0, inboundUnits: 0 }], [{ siteId: 's', shiftId: 'd1-early', role: 'driver', headcount: 2 }], dur));
    expect(needs).toEqual([{ siteId: 's', shiftId: 'd1-early', role: 'driver', requiredMin: 960, source: 'manual' }]);
  });

  it('rejects a manual need naming an unknown shift, naming the field', () => {
    const r = deriveNeeds([], [{ siteId: 's', shiftId: 'd9-early', role: 'driver', headcount: 1 }], dur);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'validation_failed', field: 'manual.0.shiftId', actual: 'd9-early' });
  });
});

describe('capacity from a roster', () => {
  it('turns assigned pickers and packers into orders per slot, limited by the scarcer role', () => {
    const shifts = SHIFTS.slice(0, 1); // 06:00-14:00
    const roster: Assignment[] = [
      { staffId: 'a', siteId: 'store-a', shiftId: 'd1-early', role: 'picker' },
      { staffId: 'b', siteId: 'store-a', shiftId: 'd1-early', role: 'picker' },
      { staffId: 'c', siteId: 'store-a', shiftId: 'd1-early', role: 'packer' },
    ];
    const slots = capacityPerSlot('store-a', roster, shifts, { slotMin: 60 });
    expect(slots).toHaveLength(8);
    // Two pickers: 2 × 60 min × 0.85 / 4 min = 25.5 orders; one packer: 60 × 0.85 / 1.5 = 34.
    expect(slots[0]).toEqual({ startMin: 360, endMin: 420, pickers: 2, packers: 1, ordersPerSlot: 25 });
    expect(capacityPerSlot('store-b', roster, shifts)[0].ordersPerSlot).toBe(0);
    expect(DEFAULT_RATES.pickSPerOrder).toBe(240);
  });

  it("lists a person's own schedule in time order", () => {
    const roster: Assignment[] = [
      { staffId: 'a', siteId: 'store-b', shiftId: 'd2-early', role: 'picker' },
      { staffId: 'a', siteId: 'store-a', shiftId: 'd1-early', role: 'packer' },
      { staffId: 'b', siteId: 'store-a', shiftId: 'd1-early', role: 'packer' },
    ];
    expect(personSchedule('a', roster, TWO_DAYS)).toEqual([
      { shiftId: 'd1-early', siteId: 'store-a', role: 'packer', tasks: [{ role: 'packer', minutes: 480 }], startMin: 360, endMin: 840 },
      { shiftId: 'd2-early', siteId: 'store-b', role: 'picker', tasks: [{ role: 'picker', minutes: 480 }], startMin: 1800, endMin: 2280 },
    ]);
  });
});

describe('input validation', () => {
  it.each([
    [{ id: 'x', homeNodeId: 'a', roles: [] }, 'roles'],
    [{ id: 'x', homeNodeId: 'a', roles: ['cook'] }, 'roles.0'],
    [{ id: 'x', homeNodeId: 'a', roles: ['picker'], maxHoursPerDay: 25 }, 'maxHoursPerDay'],
    [{ id: 'x', homeNodeId: 'a', roles: ['picker'], permitStatus: 'yes' }, 'permitStatus'],
    [{ id: 'x', homeNodeId: 'a', roles: ['picker'], unavailable: [{ fromMin: 10, toMin: 5 }] }, 'unavailable.0.toMin'],
    [{ id: '', homeNodeId: 'a', roles: ['picker'] }, 'id'],
  ])('rejects staff record %j naming field %s', (input, field) => {
    const r = parseStaffMember(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });

  it('rejects a need that names an unknown site', () => {
    const r = validateProblem({ staff: [], sites: [STORE_A], shifts: SHIFTS, needs: [need('nowhere', 'd1-early', 'picker', 1)] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ field: 'needs.0.siteId', actual: 'nowhere' });
  });
});

describe('Yizhuang demo staff', () => {
  it('has 48 closed-loop volunteers from the other stores and 104 logistics staff', () => {
    const staff = yizhuangDemoStaff();
    expect(staff.length).toBeGreaterThanOrEqual(300);
    expect(staff.filter((s) => s.canLiveOnSite && s.permitStatus === 'cleared')).toHaveLength(48);
    expect(staff.filter((s) => s.homeNodeId === 'plc-south')).toHaveLength(104);
    expect(new Set(staff.map((s) => s.id)).size).toBe(staff.length);
    for (const s of staff) expect(parseStaffMember(s).ok).toBe(true);
  });
});

describe('rules hold on random small problems (seeded)', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: neither the MIP nor the greedy roster breaks a hard rule', async (seed) => {
    const rnd = seededRandom(seed);
    const roles: Role[] = ['picker', 'packer', 'receiver', 'rider', 'manager'];
    const sites = [
      { ...STORE_A, controlled: rnd.next() < 0.5, closedLoop: rnd.next() < 0.5 ? { startDay: rnd.int(2), days: 1 } : null },
      { ...STORE_B, minStaffPerShift: rnd.int(2) },
      FAR,
    ];
    const staff = Array.from({ length: 12 }, (_, i) =>
      person(`p${i}`, sites[rnd.int(3)].id, [roles[rnd.int(5)], roles[rnd.int(5)]], {
        permitStatus: rnd.next() < 0.6 ? 'cleared' : 'pending',
        canLiveOnSite: rnd.next() < 0.5,
        maxHoursPerDay: 8 + rnd.int(9),
        unavailable: rnd.next() < 0.2 ? [{ fromMin: 1440, toMin: 2880 }] : [],
      }),
    ).map((p) => ({ ...p, roles: [...new Set(p.roles)] }));
    const needs: RoleNeed[] = [];
    for (const s of sites) for (const t of TWO_DAYS) if (rnd.next() < 0.5) needs.push({ siteId: s.id, shiftId: t.id, role: roles[rnd.int(5)], requiredMin: 60 + rnd.int(900), source: 'orders' });
    const problem = { staff, sites, shifts: TWO_DAYS, needs };
    for (const r of [await plan(problem), await plan(problem, failingSolver)]) {
      expect(r.review.violations, `${r.method}, reproduce with seed=${seed}`).toEqual([]);
      expect(r.review.overHours, `${r.method}, reproduce with seed=${seed}`).toEqual([]);
    }
  });
});
