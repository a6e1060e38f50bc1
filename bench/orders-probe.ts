/**
 * Where an order's time goes (a profiling probe for issue 17, not a benchmark of record):
 * `node --import tsx bench/orders-probe.ts [--seconds N] [--clients N] [--profile out.cpuprofile] [--pglite] [--logger] [--auth [--auth-cache-ms N]]`
 *
 * One fresh copy of the orders benchmark's seeded database, the HTTP server in this process, the
 * load generator (`bench/orders-load.ts`) in its own; after a warm-up it measures one rush and
 * prints one JSON line: orders answered a second, p50/p99, and the CPU each part used per accepted
 * order (this server process, the load generator process, and the PostgreSQL backends serving
 * this database, read from /proc), optionally with a CPU profile of this process for the rush.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/server.ts';
import type { AppDeps } from '../src/api/deps.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { dropDatabase, openScratchDatabase } from '../src/store/scratch.ts';
import { createUser, issueToken } from '../src/store/auth.ts';
import { backendPids, CATALOGUE, NOW, procCpuMs, quiesce, SEED, tableWrites, SLOTS } from './orders.ts';
import type { LoadConfig, LoadResult } from './orders-load.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, d: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : d;
};
const seconds = Number(opt('--seconds', '6'));
const clients = Number(opt('--clients', '64'));
const profileOut = opt('--profile', '');
const pglite = args.includes('--pglite');
// `--logger`: the server logs as `baogong serve` does (level info), into /dev/null.
const logger = args.includes('--logger') ? { level: 'info', file: '/dev/null' } : false;
// `--auth`: authentication on, every order sent with a planner's API token; `--auth-cache-ms N`
// sets how long the server reuses a token's principal (default: the server's own default).
const withAuth = args.includes('--auth');
const authCacheMs = args.includes('--auth-cache-ms') ? Number(opt('--auth-cache-ms', '0')) : undefined;
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const scratch = await openScratchDatabase({ baseUrl: pglite ? undefined : baseUrl, prefix: 'bg_probe_orders', poolSize: 12, seed: SEED });
const database = scratch.database;
const deps: AppDeps = { database, db: database.db, clock: { now: () => NOW }, solver: defaultSolver, config: { auth: { enabled: withAuth, orderRatePerMin: 0, ...(authCacheMs !== undefined ? { principalCacheMs: authCacheMs } : {}) } } as AppDeps['config'] };
const token = withAuth ? await issueToken(database.db, (await createUser(database.db, { username: 'probe-planner', password: 'probe-planner-password', role: 'planner' }, NOW)).id, 'api', 'orders probe', NOW, null) : undefined;
// Rows written (PostgreSQL's statistics), read before anything is placed and after the server's connections closed.
const rows0 = pglite ? new Map<string, { rows: number; updates: number; hotUpdates: number }>() : await tableWrites(scratch.url!);
const app = await buildApp(deps, { logger });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;

const load = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'orders-load.ts'), '--stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = '';
const waiting: Array<(l: string) => void> = [];
load.stdout!.on('data', (d: Buffer) => {
  buf += d.toString();
  for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    waiting.shift()?.(line);
  }
});
const ask = (cfgs: LoadConfig[]) =>
  new Promise<LoadResult[]>((resolve) => {
    waiting.push((l) => resolve(JSON.parse(l)));
    load.stdin!.write(JSON.stringify(cfgs) + '\n');
  });
await ask([]);
const [warm] = await ask([{ ports: [port], clients: 8, seconds: 1, catalogue: CATALOGUE, slots: SLOTS, seed: 7, token }]);

const pids0 = pglite ? [] : await backendPids(scratch.url!);
const pg0 = new Map(pids0.map((p) => [p, procCpuMs(p)]));
const me0 = process.cpuUsage();
const load0 = procCpuMs(load.pid!);
const session = new Session();
if (profileOut) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const loadAvg = os.loadavg()[0];
const [r] = await ask([{ ports: [port], clients, seconds, catalogue: CATALOGUE, slots: SLOTS, seed: 2022, token }]);
if (profileOut) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileOut, JSON.stringify(profile));
}
const me = process.cpuUsage(me0);
const loadCpu = procCpuMs(load.pid!) - load0;
const pids1 = pglite ? [] : await backendPids(scratch.url!);
let pgCpu = 0;
for (const p of pids1) pgCpu += procCpuMs(p) - (pg0.get(p) ?? 0);
const acc = r.accepted + r.partial;
const per = (x: number) => Math.round((x / Math.max(1, acc)) * 1000) / 1000;
load.stdin!.end();
await app.close();
await database.close();
// Per accepted order of the warm-up and the rush together (both wrote).
const rowsByTable: Record<string, number> = {};
// Of the rows updated, the share PostgreSQL could update in place without new index entries (HOT).
const hotUpdatePctByTable: Record<string, number> = {};
let rowsAll = 0;
if (!pglite) {
  await quiesce(scratch.url!);
  const accAll = Math.max(1, acc + warm.accepted + warm.partial);
  for (const [t, w] of await tableWrites(scratch.url!)) {
    const w0 = rows0.get(t) ?? { rows: 0, updates: 0, hotUpdates: 0 };
    const d = w.rows - w0.rows;
    if (w.updates > w0.updates) hotUpdatePctByTable[t] = Math.round((100 * (w.hotUpdates - w0.hotUpdates)) / (w.updates - w0.updates));
    rowsAll += d;
    if (d > 0) rowsByTable[t] = Math.round((d / accAll) * 100) / 100;
  }
  rowsAll /= accAll;
}
process.stdout.write(
  JSON.stringify({
    ordersPerSec: Math.round(acc / r.elapsedS),
    sent: r.sent,
    errors: r.errors,
    p50Ms: Math.round(r.p50),
    p99Ms: Math.round(r.p99),
    serverCpuMsPerOrder: per((me.user + me.system) / 1000),
    loadGenCpuMsPerOrder: per(loadCpu),
    pgBackendsCpuMsPerOrder: per(pgCpu),
    backends: pids1.length,
    wallS: r.elapsedS,
    loadAvg1m: Math.round(loadAvg * 10) / 10,
    rowsWrittenPerOrder: Math.round(rowsAll * 100) / 100,
    rowsWrittenPerOrderByTable: rowsByTable,
    hotUpdatePctByTable,
  }) + '\n',
);
// The pool is closed above; only the scratch database is left to drop.
if (pglite) await scratch.close().catch(() => undefined);
else await dropDatabase(baseUrl, new URL(scratch.url!).pathname.slice(1));
process.exit(0);
