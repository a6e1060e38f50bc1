import { operatingDay } from '../../src/domain/shared/index.ts';
import { loadDemo } from '../../src/store/demo.ts';
import { seedDataFolder } from '../../src/store/scratch.ts';

/**
 * Fills an empty PGlite folder with the demo, as `baogong serve` loads it on first start, so
 * a test that starts a real server on the folder skips the load (the server sees a non-empty
 * database). The servers of one test run share one load: a template younger than 30 minutes
 * from the same operating day (Beijing time) is copied; an older one is rebuilt.
 */
export async function seedDemoFolder(dir: string): Promise<void> {
  // The server's modules register demo steps of their own (the order slots): load the same ones.
  await import('../../src/api/server.ts');
  await seedDataFolder(dir, { key: `serve-demo@${operatingDay(Date.now())}`, maxAgeMs: 30 * 60_000, load: (db, at) => loadDemo(db, at) });
}
