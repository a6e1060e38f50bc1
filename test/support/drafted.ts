/**
 * Databases that start with an incident declared and its response plan drafted: a template level
 * over the demo's (`base` in src/store/scratch.ts), built once per run and code version and
 * copied by every test file that starts from it, instead of each file drafting the same plan.
 */
import { buildApp } from '../../src/api/server.ts';
import { defaultSolver } from '../../src/solver/highs.ts';
import { loadDemo } from '../../src/store/demo.ts';
import type { ScratchSeed } from '../../src/store/scratch.ts';

/** The demo loaded at `now` (the same template `createTestApp({ demo: true })` copies). */
export const demoSeed = (now: Date): ScratchSeed => ({ key: `demo@${now.toISOString()}`, load: (db) => loadDemo(db, now) });

/**
 * A lockdown around Yicheng Jingyuan (not the demo's Dazu Plaza) from 22 June 2022, 10:00 in
 * Beijing, the store reopening online-only on 24 June at 06:00: the incident `id`, as declared.
 */
export const yichengLockdown = (id: string) => ({
  id,
  name: 'Yicheng lockdown',
  areas: [{ id: 'yicheng', name: 'Yicheng Jingyuan', level: 'lockdown', circle: { lat: 39.761, lng: 116.503, radiusM: 400 }, startsAt: '2022-06-22T02:00:00Z' }],
  reopenOnlineOnlyAt: '2022-06-23T22:00:00Z',
});

/** One lockdown circle around Dazu Plaza from 22 June 2022, 10:00 in Beijing. */
export const dazuArea = (id: string) => ({ id, name: 'Dazu Plaza', level: 'lockdown', circle: { lat: 39.79, lng: 116.5069, radiusM: 400 }, startsAt: '2022-06-22T02:00:00Z' });

/** Planner budgets that keep a draft of that small incident fast. */
export const SHORT_BUDGETS = { tripsBudgetMs: 500, tripsMaxIterations: 50, tripsDays: 1, rosterTimeLimitS: 1, rosterDays: 1, sourcingTimeLimitS: 2 };

/** The incident `dazuDraftedSeed` declares and drafts (status `planned`). */
export const DAZU_DRAFTED = { id: 'dazu-drafted', name: 'Dazu Plaza lockdown', areas: [dazuArea('dazu-drafted-area')] };

/**
 * The demo with DAZU_DRAFTED declared and drafted with SHORT_BUDGETS at `now`, through the
 * routes as a test file would do it (the incident's timeline holds the two requests).
 */
export function dazuDraftedSeed(now: Date): ScratchSeed {
  return {
    key: `declared+drafted:${JSON.stringify({ incident: DAZU_DRAFTED, budgets: SHORT_BUDGETS, now: now.toISOString() })}`,
    base: demoSeed(now),
    load: async (db, database) => {
      const app = await buildApp({ database, db, clock: { now: () => now }, solver: defaultSolver, config: { auth: { enabled: false, orderRatePerMin: 0 } } });
      try {
        await app.ready();
        for (const [url, payload] of [['/api/incidents', DAZU_DRAFTED], [`/api/incidents/${DAZU_DRAFTED.id}/plan`, SHORT_BUDGETS]] as const) {
          const r = await app.inject({ method: 'POST', url, payload });
          if (r.statusCode !== 201) throw new Error(`${url}: expected 201, got ${r.statusCode}: ${r.body}`);
        }
      } finally {
        await app.close();
      }
    },
  };
}
