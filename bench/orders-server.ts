/**
 * One order-intake server process for the orders benchmark and the two-process test:
 * `node --import tsx bench/orders-server.ts` with DATABASE_URL (the PostgreSQL database to serve),
 * BAOGONG_BENCH_NOW (the fixed clock, ISO 8601) and optionally BAOGONG_BENCH_POOL (connections).
 * Authentication is off (the benchmark measures order intake, not login). It prints one line,
 * `{"port":N}`, once listening, and closes cleanly on SIGTERM (its connections end, so
 * PostgreSQL's statistics of what it wrote are flushed).
 */
import { buildApp } from '../src/api/server.ts';
import type { AppDeps } from '../src/api/deps.ts';
import { openDatabase } from '../src/store/db.ts';
import { defaultSolver } from '../src/solver/highs.ts';

const url = process.env.DATABASE_URL;
const nowIso = process.env.BAOGONG_BENCH_NOW;
if (!url || !nowIso) {
  process.stderr.write('orders-server: set DATABASE_URL and BAOGONG_BENCH_NOW\n');
  process.exit(2);
}
const now = new Date(nowIso);
const database = await openDatabase({ url, poolSize: Number(process.env.BAOGONG_BENCH_POOL ?? 8) });
const deps: AppDeps = { database, db: database.db, clock: { now: () => now }, solver: defaultSolver, config: { auth: { enabled: false, orderRatePerMin: 0 }, logLevel: 'warn' } as AppDeps['config'] };
const app = await buildApp(deps);
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: (app.server.address() as { port: number }).port }) + '\n');
let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void app
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
