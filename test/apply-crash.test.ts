import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/store/db.ts';
import { loadDemo } from '../src/store/demo.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { declareIncident, draftResponsePlan } from '../src/flows/incident-response.ts';
import { applyResponsePlan, undoApply } from '../src/flows/incident/apply.ts';
import * as incidents from '../src/store/incidents.ts';
import * as network from '../src/store/network.ts';
import * as zones from '../src/store/zones.ts';
import { usingPostgres } from './support/app.ts';
import { crashDrill } from './support/crash-drill.ts';

/**
 * A crash between apply steps: a real process applies the plan and is killed (SIGKILL) right
 * after a step committed. The plan is left `applying` with exactly the committed steps recorded;
 * it is then undone cleanly, or resumed to the end. On PostgreSQL when DATABASE_URL is set, else
 * on PGlite's data folder.
 */
const NOW = '2022-06-22T06:00:00.000Z';
const incident = {
  id: 'crash-inc',
  name: 'Outbreak, applied by a process that crashes',
  areas: [{ id: 'dazu', name: 'Dazu Plaza', level: 'lockdown' as const, circle: { lat: 39.79, lng: 116.5069, radiusM: 400 }, startsAt: '2022-06-22T02:00:00Z' }],
  emergencyWarehouse: { id: 'yz-emergency', templateNodeId: 'yz-satellite', nameZh: '亦庄保供仓', nameEn: 'Yizhuang emergency warehouse', lat: 39.77, lng: 116.54 },
};

describe(`an apply killed between steps, on ${usingPostgres() ? 'the PostgreSQL server' : "PGlite's data folder"}`, () => {
  const drill = crashDrill('baogong-apply-crash-');
  const deps = (database: Database) => ({ db: database.db, solver: defaultSolver, now: () => new Date(NOW) });
  const withDb = drill.withDb;
  let zonesBefore: Map<string, string | null>;

  beforeAll(async () => {
    // The demo as createTestApp({ demo: true }) loads it at NOW: a copy of the same template.
    const seed = { key: `demo@${NOW}`, load: (db: Database['db']) => loadDemo(db, new Date(NOW)) };
    await drill.setUp(seed, async (database) => {
      await declareIncident(database.db, incident, new Date(NOW));
      await draftResponsePlan(deps(database), incident.id, { tripsBudgetMs: 500, tripsMaxIterations: 50, rosterTimeLimitS: 1, sourcingTimeLimitS: 5 });
      zonesBefore = new Map((await zones.listZones(database.db)).map((z) => [z.id, z.servingNodeId]));
    });
  }, 300_000);

  afterAll(() => drill.tearDown());

  /** Runs the apply in a child process that kills itself after `step`. */
  const crashAfter = (step: string) => drill.crashAfter('test/support/apply-crash-child.ts', [incident.id, step, NOW]);

  it('leaves the plan applying with exactly the steps that committed, and undoes them cleanly', async () => {
    const r = await crashAfter('control_areas');
    expect(r.out).toContain('crashing after control_areas');
    expect(r.killed, r.out).toBe(true);
    await withDb(async (database) => {
      const plan = (await incidents.latestPlan(database.db, incident.id))!;
      expect(plan.status).toBe('applying');
      expect(plan.steps.map((s) => [s.step, s.status])).toEqual([['emergency_warehouse', 'applied'], ['control_areas', 'applied']]);
      expect((await network.requireNode(database.db, 'yz-emergency')).status).toBe('open');
      expect((await network.requireNode(database.db, 'dazu-plaza')).status).toBe('suspended');

      const undone = await undoApply(deps(database), incident.id);
      expect(undone.status).toBe('undone');
      expect(undone.steps.map((s) => [s.step, s.status])).toEqual([['emergency_warehouse', 'compensated'], ['control_areas', 'compensated']]);
      expect((await network.requireNode(database.db, 'yz-emergency')).status).toBe('suspended');
      expect((await network.requireNode(database.db, 'dazu-plaza')).status).toBe('open');
      expect(new Map((await zones.listZones(database.db)).map((z) => [z.id, z.servingNodeId]))).toEqual(zonesBefore);
    });
  }, 300_000);

  it('resumes an apply killed after its zones step: the steps done are not run again, the rest run', async () => {
    const r = await crashAfter('zones');
    expect(r.out).toContain('crashing after zones');
    expect(r.killed, r.out).toBe(true);
    await withDb(async (database) => {
      const stopped = (await incidents.latestPlan(database.db, incident.id))!;
      expect(stopped.status).toBe('applying');
      expect(stopped.steps.map((s) => s.step)).toEqual(['emergency_warehouse', 'control_areas', 'scheduled_statuses', 'zones']);
      const zonesResult = (p: typeof stopped) => p.steps.find((s) => s.step === 'zones')!.result as { reassignmentId: string };
      const reassignmentId = zonesResult(stopped).reassignmentId;

      const plan = await applyResponsePlan(deps(database), incident.id);
      expect(plan.status).toBe('applied');
      expect(plan.steps.map((s) => [s.step, s.status])).toEqual(
        ['emergency_warehouse', 'control_areas', 'scheduled_statuses', 'zones', 'zone_hand_back', 'zone_slots', 'emergency_demand', 'staffing', 'sourcing', 'emergency_sourcing', 'trips'].map((step) => [step, 'applied']),
      );
      // The zones step was not run again: one reassignment, the one recorded before the crash.
      expect(zonesResult(plan).reassignmentId).toBe(reassignmentId);
      expect((await zones.listReassignments(database.db)).filter((x) => x.status === 'applied').map((x) => x.id)).toEqual([reassignmentId]);
      expect((await incidents.requireIncident(database.db, incident.id)).status).toBe('applied');
    });
  }, 300_000);
});
