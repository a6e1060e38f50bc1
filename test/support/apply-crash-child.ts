/**
 * A process that applies an incident's plan and kills itself (SIGKILL, no cleanup) right after
 * a given step committed: the crash of test/apply-crash.test.ts. Usage (through tsx):
 *   apply-crash-child.ts <incidentId> <crashAfterStep> <nowIso>   (env DATABASE_URL or BAOGONG_DATA)
 */
import { defaultSolver } from '../../src/solver/highs.ts';
import { applyResponsePlan } from '../../src/flows/incident/apply.ts';
import { runUntilCrash } from './crash-child.ts';

await runUntilCrash((db, incidentId, now, afterStep) => applyResponsePlan({ db, solver: defaultSolver, now: () => now }, incidentId, {
  override: { reason: 'crash drill: the simulation is not what is tested here' },
  afterStep,
}));
