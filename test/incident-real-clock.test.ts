import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { declareDemoIncident, draftResponsePlan, simulateIncident } from '../src/flows/incident-response.ts';
import { APPLY_AFTER_START_MIN } from '../src/domain/incidents/index.ts';

/**
 * The June 2022 demo incident declared on a server whose clock says 2026 (the real clock), drafted
 * once with the clock at the incident's own dates and once with today's: a replayed incident is
 * drafted in its own timeline, so both plans simulate alike (the 2026 draft used to roster and
 * route from 2026, every event of the incident past: plan fill 0.8809 against 0.9113 over 7 days).
 */
const INCIDENT_CLOCK = new Date('2022-06-22T06:00:00Z'); // 14:00 Beijing, four hours into the lockdown
const REAL_CLOCK = new Date('2026-12-06T01:30:00Z');
// Short budgets (as the other incident files); three roster days reach the reopening on day 2.
const budgets = { tripsBudgetMs: 500, tripsMaxIterations: 50, tripsDays: 2, rosterTimeLimitS: 1, rosterDays: 3, sourcingTimeLimitS: 2 };
const DAYS = 4;

let t: TestApp;
const clock = testClock(INCIDENT_CLOCK.toISOString());
beforeAll(async () => {
  t = await createTestApp({ demo: true, clock });
  await declareDemoIncident(t.db, REAL_CLOCK);
}, 180_000);
afterAll(async () => t?.close());

const at = (now: Date) => ({ db: t.db, solver: defaultSolver, now: () => now });
const part = (plan: { parts: Array<{ part: string; content: any }> }, name: string) => plan.parts.find((p) => p.part === name)!.content;

async function draftAndSimulate(now: Date) {
  const plan = await draftResponsePlan(at(now), 'yizhuang-2022', budgets);
  const sim = await simulateIncident(at(now), 'yizhuang-2022', { days: DAYS, seed: 1, scripted: false });
  return { plan, fill: sim.b.summary.fillRate.all, none: sim.a.summary.fillRate.all };
}

describe('a past incident drafted with today’s clock', () => {
  let own: Awaited<ReturnType<typeof draftAndSimulate>>;
  let today: Awaited<ReturnType<typeof draftAndSimulate>>;
  beforeAll(async () => {
    own = await draftAndSimulate(INCIDENT_CLOCK);
    today = await draftAndSimulate(REAL_CLOCK);
  }, 240_000);

  it('plans its roster, trips and stock held until the reopening in the incident’s dates, and says so', () => {
    const start = Date.parse('2022-06-22T02:00:00Z');
    expect(part(today.plan, 'staffing').startsAt).toBe(part(own.plan, 'staffing').startsAt);
    expect(part(today.plan, 'trips').firstDay).toBe('2022-06-22');
    // Held from the apply instant (start + 120 min) to the reopening (2022-06-23 22:00 UTC).
    expect(part(today.plan, 'targets').holdDays).toBeCloseTo((Date.parse('2022-06-23T22:00:00Z') - start - APPLY_AFTER_START_MIN * 60_000) / 86_400_000, 2);
    expect(part(own.plan, 'targets').holdDays).toBeGreaterThan(0);
    expect(today.plan.summary.noteCodes).toContainEqual(expect.objectContaining({ code: 'plan.drafted_as_of_incident' }));
    expect(own.plan.summary.noteCodes).not.toContainEqual(expect.objectContaining({ code: 'plan.drafted_as_of_incident' }));
  });

  it('simulates no worse than the plan drafted on the incident’s own clock (within 0.01 of fill rate)', () => {
    expect(today.none).toBe(own.none);
    expect(today.fill).toBeGreaterThan(today.none);
    expect(today.fill).toBeGreaterThanOrEqual(own.fill - 0.01);
  });
});

describe('applying a replayed incident’s plan today', () => {
  it('is refused over the API with a 409 that names the dates and how to run it live, and changes nothing', async () => {
    // The plan drafted last (with today’s clock) is simulated, so only the replay rule stands in the way.
    clock.set(REAL_CLOCK.toISOString());
    const statuses = async () => (await t.db.selectFrom('nodes').select(['id', 'status']).orderBy('id').execute());
    const before = await statuses();
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/yizhuang-2022/apply', payload: {} });
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body).toMatchObject({ field: 'id', expected: expect.stringContaining('within 7 days') });
    expect(JSON.stringify(body)).toContain('declare-demo --today');
    expect(JSON.stringify(body)).toContain('incident.replay_not_applicable');
    expect(await statuses()).toEqual(before);
    const plan = (await t.app.inject({ method: 'GET', url: '/api/incidents/yizhuang-2022/plan' })).json();
    expect(plan.status).toBe('draft');
  });
});
