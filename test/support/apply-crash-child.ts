/**
 * A process that applies an incident's plan and kills itself (SIGKILL, no cleanup) right after
 * a given step committed: the crash of test/apply-crash.test.ts. Usage (through tsx):
 *   apply-crash-child.ts <incidentId> <crashAfterStep> <nowIso>   (env DATABASE_URL or BAOGONG_DATA)
 */
import { openDatabase } from '../../src/store/db.ts';
import { defaultSolver } from '../../src/solver/highs.ts';
import { applyResponsePlan } from '../../src/flows/incident/apply.ts';

const [incidentId, crashAfter, nowIso] = process.argv.slice(2);
const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : process.env.BAOGONG_DATA });
const now = new Date(nowIso);
await applyResponsePlan({ db: database.db, solver: defaultSolver, now: () => now }, incidentId, {
  override: { reason: 'crash drill: the simulation is not what is tested here' },
  afterStep: (name) => {
    if (name === crashAfter) {
      process.stdout.write(`crashing after ${name}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write('applied without crashing\n');
await database.close();
