import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { createTestApp, type TestApp } from './support/app.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { draftResponsePlan } from '../src/flows/incident-response.ts';
import { declareIncident } from '../src/flows/incident/declare.ts';
import { yichengLockdown } from './support/drafted.ts';
import { planStaffing, type RosterPlanner } from '../src/domain/workforce/index.ts';
import { solveRouting } from '../src/domain/routing/index.ts';
import type { SolveFn } from '../src/domain/trips/index.ts';
import type { MipSolver } from '../src/domain/shared/index.ts';

/**
 * When its solves run in a pool of workers, the incident draft plans its roster beside targets,
 * sourcing and trips (the roster needs only the zones part): the final roster is asked for before
 * the trips part's first routing solve, its result is the staffing part, and a roster that fails
 * fails the draft naming the staffing part. With one solver at a time the roster waits for the
 * trips, as before. On the demo network (clock 2022-06-22 06:00 UTC), a lockdown around Yicheng
 * Jingyuan; the solves run in process, the solver saying how many it runs at once.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: true });
  await declareIncident(t.db, yichengLockdown('yicheng-overlap') as any, t.deps.clock.now());
}, 180_000);
afterAll(async () => t?.close());

/** Short budgets: the order of the parts is checked here, not the plans' quality. */
const BUDGETS = { sourcingTimeLimitS: 2, tripsBudgetMs: 500, tripsMaxIterations: 50, tripsDays: 1, rosterTimeLimitS: 1 };

/** Records when the final roster (not the greedy hand-back probe) and each routing solve were asked for. */
function recording(fail: { roster?: string; trips?: string } = {}, concurrency = 2) {
  const events: string[] = [];
  let tripsAsked!: () => void;
  const tripsStarted = new Promise<void>((r) => (tripsAsked = r));
  const roster: RosterPlanner = async (problem, method) => {
    if (method?.greedyOnly) return planStaffing(problem, { solver: defaultSolver, ...method });
    events.push('roster');
    if (fail.roster) throw new Error(fail.roster);
    const r = await planStaffing(problem, { solver: defaultSolver, ...method });
    // Still planning when the trips part runs (and fails): the draft must wait for it before it ends.
    if (fail.trips) {
      await Promise.race([tripsStarted, new Promise((ok) => setTimeout(ok, 60_000))]);
      await new Promise((ok) => setTimeout(ok, 200));
    }
    events.push('roster done');
    return r;
  };
  const routing: SolveFn = async (problem, request) => {
    events.push('trips');
    tripsAsked();
    if (fail.trips) throw new Error(fail.trips);
    return solveRouting(problem, { ...request, clock: () => performance.now() });
  };
  const solver: MipSolver = { solve: (model, options) => defaultSolver.solve(model, options), concurrency };
  return { events, deps: { db: t.db, solver, routing, roster, now: () => t.deps.clock.now() } };
}

describe('the incident draft plans the roster beside sourcing and trips when its solves run in a pool', () => {
  it('asks for the final roster before the trips part solves, and keeps its roster as the staffing part (in one transaction, as the API drafts)', async () => {
    const { events, deps } = recording();
    const plan = await t.db.transaction().execute((trx) => draftResponsePlan({ ...deps, db: trx }, 'yicheng-overlap', BUDGETS));
    expect(events.filter((e) => e === 'roster')).toHaveLength(1);
    expect(events.indexOf('trips'), `events: ${events.join(', ')}`).toBeGreaterThan(events.indexOf('roster'));
    const staffing = plan.parts.find((p) => p.part === 'staffing')!.content as any;
    expect(staffing.roster).not.toBeNull();
    expect(staffing.staffHoursAssigned).toBeGreaterThan(0);
    const timings = (plan.summary as any).timingsMs as Record<string, number>;
    expect(timings.staffing).toBeGreaterThanOrEqual(0);
    expect(timings.staffing_wait).toBeGreaterThanOrEqual(0);
  }, 240_000);

  it('fails the draft naming the staffing part when the roster fails, once sourcing and trips have run', async () => {
    const { events, deps } = recording({ roster: 'no worker left' });
    await expect(draftResponsePlan(deps, 'yicheng-overlap', BUDGETS)).rejects.toThrow(/drafting the staffing part failed: no worker left/);
    expect(events).toContain('trips');
  }, 240_000);

  it('ends a draft whose trips part fails only once the roster has ended (its reads are in the draft\'s transaction)', async () => {
    const { events, deps } = recording({ trips: 'routing down' });
    await expect(t.db.transaction().execute((trx) => draftResponsePlan({ ...deps, db: trx }, 'yicheng-overlap', BUDGETS))).rejects.toThrow(/drafting the trips part failed/);
    expect(events, `events: ${events.join(', ')}`).toEqual(['roster', 'trips', 'roster done']);
  }, 240_000);

  it('asks for the roster after the trips when its solver runs one solve at a time', async () => {
    const { events, deps } = recording({}, 1);
    await draftResponsePlan(deps, 'yicheng-overlap', BUDGETS);
    expect(events.at(-1), `events: ${events.join(', ')}`).toBe('roster done');
    expect(events.indexOf('roster')).toBeGreaterThan(events.lastIndexOf('trips'));
  }, 240_000);
});
