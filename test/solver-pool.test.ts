import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelBuilder, type LinearModel } from '../src/domain/shared/index.ts';
import { HighsSolver } from '../src/solver/highs.ts';
import { JobFailed, SolverPool } from '../src/solver/pool.ts';
import { planStaffing, type StaffingProblem } from '../src/domain/workforce/index.ts';
import { createTestApp, type TestApp } from './support/app.ts';

/** max 5a + 4b + 3c  s.t.  2a + 3b + c <= 5,  4a + b + 2c <= 11,  3a + 4b + 2c <= 8, integers. */
function smallMip(): LinearModel {
  const m = new ModelBuilder('maximize');
  const [a, b, c] = [5, 4, 3].map((cost, i) => m.addVar({ cost, integer: true, upper: 10, name: 'abc'[i] }));
  m.addRow([[a, 2], [b, 3], [c, 1]], -Infinity, 5);
  m.addRow([[a, 4], [b, 1], [c, 2]], -Infinity, 11);
  m.addRow([[a, 3], [b, 4], [c, 2]], -Infinity, 8);
  return m.build();
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: JobFailed) => e);

describe('the solver pool', () => {
  const pool = new SolverPool(1, 1_000);
  afterAll(() => pool.close());

  it('solves a MIP in a worker with the answer in-process HiGHS gives', async () => {
    const [inPool, inProcess] = await Promise.all([pool.mip.solve(smallMip()), new HighsSolver().solve(smallMip())]);
    expect(inPool.status).toBe('optimal');
    expect(inPool.objective).toBe(inProcess.objective);
    expect(Array.from(inPool.values!)).toEqual(Array.from(inProcess.values!));
  });

  it('plans a roster in a worker with the roster the in-process planner gives', async () => {
    const problem: StaffingProblem = {
      staff: ['a', 'b', 'c'].map((id) => ({ id, name: id, homeNodeId: 's1', roles: ['picker' as const, 'packer' as const], skills: [], permitStatus: 'cleared' as const, canLiveOnSite: false, maxHoursPerDay: 12, unavailable: [], insideNodeId: null })),
      sites: [{ id: 's1', lat: 39.8, lng: 116.5, controlled: false, closedLoop: null, minStaffPerShift: 0 }],
      shifts: [{ id: 'd1-early', startMin: 360, durationMin: 480 }, { id: 'd1-late', startMin: 840, durationMin: 480 }, { id: 'd1-long', startMin: 420, durationMin: 720, covers: ['d1-early', 'd1-late'] }],
      needs: [{ siteId: 's1', shiftId: 'd1-early', role: 'picker', requiredMin: 600, source: 'manual' }, { siteId: 's1', shiftId: 'd1-late', role: 'packer', requiredMin: 400, source: 'manual' }],
      rules: { timeLimitS: 5 },
    };
    const [inPool, inProcess] = await Promise.all([pool.planRoster(problem), planStaffing(problem, { solver: new HighsSolver() })]);
    expect(inPool.ok && inProcess.ok).toBe(true);
    if (!inPool.ok || !inProcess.ok) return;
    expect(inPool.value.review.totals).toEqual(inProcess.value.review.totals);
    expect(inPool.value.review.violations).toEqual([]);
  });

  it('plans the greedy roster alone in a worker when asked (no MIP: solver status not_run)', async () => {
    const problem: StaffingProblem = {
      staff: ['a', 'b'].map((id) => ({ id, name: id, homeNodeId: 's1', roles: ['picker' as const], skills: [], permitStatus: 'cleared' as const, canLiveOnSite: false, maxHoursPerDay: 12, unavailable: [], insideNodeId: null })),
      sites: [{ id: 's1', lat: 39.8, lng: 116.5, controlled: false, closedLoop: null, minStaffPerShift: 0 }],
      shifts: [{ id: 'd1-early', startMin: 360, durationMin: 480 }, { id: 'd1-late', startMin: 840, durationMin: 480 }],
      needs: [{ siteId: 's1', shiftId: 'd1-early', role: 'picker', requiredMin: 480, source: 'manual' }],
      rules: { timeLimitS: 5 },
    };
    const r = await pool.planRoster(problem, { greedyOnly: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.method).toBe('greedy');
    expect(r.value.solver.status).toBe('not_run');
    expect(r.value.review.totals.unmetMin).toBe(0);
  });

  it('stops a job past its deadline and answers the next one on a fresh worker', async () => {
    const before = pool.stats().terminated;
    const e = await failure(pool.run({ kind: 'spin', ms: 60_000 }, { deadlineMs: 200 }));
    expect(e).toBeInstanceOf(JobFailed);
    expect(e!.reason).toBe('deadline');
    expect(pool.stats().terminated).toBe(before + 1);
    // A MIP whose worker is stopped answers with an error status, never a throw.
    const late = await pool.solveMip(smallMip(), {}, { deadlineMs: 1 });
    expect(late.status).toBe('error');
    expect(late.message).toMatch(/deadline/);
    expect((await pool.mip.solve(smallMip())).status).toBe('optimal');
  });

  it('cancels a queued job and a running one, then carries on', async () => {
    const running = new AbortController();
    const queued = new AbortController();
    const a = failure(pool.run({ kind: 'spin', ms: 60_000 }, { signal: running.signal }));
    const b = failure(pool.run({ kind: 'spin', ms: 60_000 }, { signal: queued.signal }));
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 1 });
    queued.abort();
    expect((await b)!.message).toMatch(/queued/);
    running.abort();
    expect((await a)!.reason).toBe('cancelled');
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0 });
    expect(await pool.run({ kind: 'spin', ms: 1 })).toBeGreaterThan(0);
  });
});

describe('/health while a staffing plan solves in the pool', () => {
  const pool = new SolverPool(1);
  let t: TestApp;
  let base = '';
  beforeAll(async () => {
    t = await createTestApp({ demo: true, solver: pool.mip, roster: pool.planRoster });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await pool.close();
  });

  it('answers every health check during the solve, and the event loop is never held for long', async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    let solvedAt = Infinity;
    const plan = fetch(`${base}/api/staffing-plans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: { timeLimitS: 5 } }) }).then(async (r) => {
      solvedAt = performance.now();
      return { status: r.status, body: await r.json() };
    });
    const health: Array<{ at: number; ms: number; status: number }> = [];
    while (solvedAt === Infinity) {
      const t0 = performance.now();
      const r = await fetch(`${base}/health`);
      await r.arrayBuffer();
      health.push({ at: performance.now(), ms: performance.now() - t0, status: r.status });
      await new Promise((res) => setTimeout(res, 25));
    }
    const { status, body } = await plan;
    loop.disable();
    const solveMs = solvedAt - started;
    expect(status).toBe(201);
    // The MIP really ran in the pool (the plan may still keep the greedy roster when it covers more).
    expect(['optimal', 'feasible', 'time_limit_no_solution']).toContain(body.solver.status);
    expect(body.solver.solveTimeS).toBeGreaterThan(0);
    const during = health.filter((h) => h.at < solvedAt);
    // Vacuity guard: the solve lasted long enough for several health checks.
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(during.every((h) => h.status === 200)).toBe(true);
    // Health answers came throughout the solve, not in a burst after it.
    expect(Math.max(...during.map((h) => h.at)) - started).toBeGreaterThan(solveMs / 2);
    // No health check and no event-loop stall took more than a small part of the solve
    // (on the event loop, a solve holds every request for its whole length).
    const slowestHealthMs = Math.max(...during.map((h) => h.ms));
    expect(slowestHealthMs).toBeLessThan(solveMs / 5);
    expect(loop.max / 1e6).toBeLessThan(solveMs / 5);
  });
});
