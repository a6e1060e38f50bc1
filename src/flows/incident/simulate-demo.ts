/**
 * The built-in scenario the way an operations manager meets it: the demo network in a fresh
 * in-memory database (the clock at the scenario's day, 14:00 Beijing, as the bench sets it), the
 * incident declared from the scenario, the response plan drafted by the planners, and
 * `simulateIncident` playing no response, the drafted plan and the chain's scripted 2022 response
 * on the same zones, demand and seed. This is the one path `baogong simulate yizhuang-2022`,
 * `baogong incidents simulate` and the bench share, so their figures agree.
 */
import { openDatabase } from '../../store/db.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { loadDemo } from '../../store/demo.ts';
import type { MipSolver } from '../../domain/shared/index.ts';
import { registerOrdersDemo } from '../orders-demo.ts';
import { declareDemoIncident } from './declare.ts';
import { draftResponsePlan } from './draft.ts';
import { simulateIncident } from './simulate.ts';
import type { FlowDeps } from './common.ts';

export const DEMO_CLOCK = '2022-06-22T06:00:00.000Z';

/** `baogong simulate yizhuang-2022`'s run once the demo is ready (the bench runs it too): the three runs, with their reports. */
export function simulateBuiltIn(deps: FlowDeps, o: { days?: number; seed?: number; applyAfterMin?: number } = {}) {
  return simulateIncident(deps, 'yizhuang-2022', { days: o.days ?? 7, seed: o.seed ?? 1, ...(o.applyAfterMin !== undefined ? { applyAfterMin: o.applyAfterMin } : {}), reports: true });
}

export async function simulateBuiltInFromDemo(o: { solver: MipSolver; days?: number; seed?: number; applyAfterMin?: number; log?: (m: string) => void; now?: Date }) {
  const now = o.now ?? new Date(DEMO_CLOCK);
  const database = await openDatabase();
  try {
    await migrateToLatest(database.db);
    registerOrdersDemo();
    o.log?.('loading the demo network');
    await loadDemo(database.db, now);
    await declareDemoIncident(database.db, now);
    const deps = { db: database.db, solver: o.solver, now: () => now };
    o.log?.('drafting the response plan');
    await draftResponsePlan(deps, 'yizhuang-2022', {});
    o.log?.('simulating no response, the drafted plan and the scripted 2022 response');
    return await simulateBuiltIn(deps, o);
  } finally {
    await database.close();
  }
}
