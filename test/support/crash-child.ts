/**
 * The part every crash child shares (apply-crash-child.ts, plan-apply-crash-child.ts): reads
 * `<id> <crashAfterStep> <nowIso>` from its arguments, opens the database the test set up (env
 * DATABASE_URL or BAOGONG_DATA), runs the apply and kills itself (SIGKILL, no cleanup) right
 * after the named step committed.
 */
import { openDatabase } from '../../src/store/db.ts';
import type { Database } from '../../src/store/db.ts';

/** What a child runs: the apply of `id` at `now`, calling `afterStep` after each step commits. */
export type CrashingApply = (db: Database['db'], id: string, now: Date, afterStep: (name: string) => void) => Promise<unknown>;

export async function runUntilCrash(apply: CrashingApply): Promise<void> {
  const [id, crashAfter, nowIso] = process.argv.slice(2);
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : process.env.BAOGONG_DATA });
  await apply(database.db, id, new Date(nowIso), (name) => {
    if (name === crashAfter) {
      process.stdout.write(`crashing after ${name}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  });
  process.stdout.write('applied without crashing\n');
  await database.close();
}
