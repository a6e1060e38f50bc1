/**
 * A process that applies a sourcing plan through the workflow runner and kills itself (SIGKILL,
 * no cleanup) right after a given step committed: the crash of test/plan-apply-crash.test.ts.
 * Usage (through tsx):
 *   plan-apply-crash-child.ts <planId> <crashAfterStep> <nowIso>   (env DATABASE_URL or BAOGONG_DATA)
 */
import { openDatabase } from '../../src/store/db.ts';
import { applySourcingPlan } from '../../src/flows/plan-apply.ts';

const [planId, crashAfter, nowIso] = process.argv.slice(2);
const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : process.env.BAOGONG_DATA });
const now = new Date(nowIso);
await applySourcingPlan(database.db, planId, () => now, {
  afterStep: (name) => {
    if (name === crashAfter) {
      process.stdout.write(`crashing after ${name}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write('applied without crashing\n');
await database.close();
