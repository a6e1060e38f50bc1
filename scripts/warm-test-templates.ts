/**
 * Builds the test suite's database templates ahead of the tests: the migrated database, the demo and
 * the drafted Dazu lockdown at the tests' default clock, and the browser tests' demo folder. `.ci/run`
 * runs it beside the typecheck and the lint (one core each), so the first test files do not build
 * them while the other worker waits on their locks. Without it the tests build them as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, testClock } from '../test/support/app.ts';
import { dazuDraftedSeed, demoSeed } from '../test/support/drafted.ts';
import { seedDemoFolder } from '../test/support/demo-folder.ts';

const started = performance.now();
const now = testClock().now();
for (const [name, seed] of [['migrated', undefined], ['demo', demoSeed(now)], ['drafted Dazu lockdown', dazuDraftedSeed(now)]] as const) {
  const db = await createTestDb(seed);
  await db.close();
  console.log(`template ${name}: ready at ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const dir = mkdtempSync(path.join(tmpdir(), 'baogong-warm-'));
try {
  await seedDemoFolder(dir);
  console.log(`the browser tests' demo folder: ready at ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
