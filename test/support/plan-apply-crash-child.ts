/**
 * A process that applies a sourcing plan through the workflow runner and kills itself (SIGKILL,
 * no cleanup) right after a given step committed: the crash of test/plan-apply-crash.test.ts.
 * Usage (through tsx):
 *   plan-apply-crash-child.ts <planId> <crashAfterStep> <nowIso>   (env DATABASE_URL or BAOGONG_DATA)
 */
import { applySourcingPlan } from '../../src/flows/plan-apply.ts';
import { runUntilCrash } from './crash-child.ts';

await runUntilCrash((db, planId, now, afterStep) => applySourcingPlan(db, planId, () => now, { afterStep }));
