/**
 * `npm run bench -- orders [--seconds N] [--clients N] [--pg-only] [--pglite-only] [--two-processes] [--full]`
 *
 * The 6 a.m. rush: many concurrent clients post orders of ~5 lines to the real HTTP server, the
 * lines drawn from a catalogue in which a few items are very popular (Zipf, s = 1.1) and sell out
 * during the run; customers prefer the early delivery slots, which fill. The load generator is its
 * OWN process (`bench/orders-load.ts`), never a thread of the server. Runs, each on a fresh copy of
 * the seeded database (a template, seeded once):
 *  1. PostgreSQL, one server (in this process): accepted orders a second, p50/p99
 *     latency, the rows written per accepted order (PostgreSQL's own statistics, inserts + updates
 *     + deletes of every table, measured around the run);
 *  2. pgbench's default TPC-B-like transaction on the same server, right after: the reference;
 *  3. with `--two-processes` or `--full`: PostgreSQL, two server processes
 *     (`bench/orders-server.ts`) sharing the database, the clients split between them;
 *  4. PostgreSQL, in process: the same orders straight into the order batcher, no HTTP;
 *  5. PGlite: the server in this process (the database is embedded in it), the load generator
 *     still a separate process.
 * Everything a run needs (databases, servers, the load generator, pgbench's tables) is started
 * before the first run, so no run pays for another's start-up (the default: 3 s a run after a 0.5 s
 * warm-up, under a minute wall at load ~13; see docs/orders.md); `--full` runs 30 s each (1 s
 * warm-ups) and the two-process run. The HTTP runs measure a warmed pool: the load generator opens
 * and checks every client's keep-alive connection before the clock starts, as wrk and k6 do, and
 * reports that set-up apart (`connectMs*`). After every run the oversold count is checked
 * by rebuilding stock from the ledger's movements (it must be 0) and by the inventory's
 * projection check. The keys name their unit; the load average is printed at start and end.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { dropDatabase, openScratchDatabase, type ScratchDatabase, type ScratchSeed } from '../src/store/scratch.ts';
import { openDatabase } from '../src/store/db.ts';
import { buildApp } from '../src/api/server.ts';
import type { AppDeps } from '../src/api/deps.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { upsertItems, upsertNodes } from '../src/store/network.ts';
import { postOperations, checkProjection } from '../src/store/inventory.ts';
import { upsertDay } from '../src/store/orders.ts';
import { daySlots, localTimeMs, parseOrderInput } from '../src/domain/orders/index.ts';
import { OrderBatcher } from '../src/flows/order-batcher.ts';
import type { ItemInput, NodeInput } from '../src/domain/network/index.ts';
import type { Operation } from '../src/domain/inventory/index.ts';
import { emptyResult, finish, orderGenerator, tally, type LoadConfig, type LoadResult } from './orders-load.ts';
import type { DB } from '../src/store/tables.ts';

export const DAY = '2022-06-23';
// The clock stands at 06:00:05 Beijing time: the window has just opened.
export const NOW = new Date(localTimeMs(DAY, 6 * 60) + 5000);
export const CATALOGUE = 400;
const HOT_ITEMS = 12;
const HOT_STOCK = 400;
const NODES: NodeInput[] = [
  { id: 'rush-store', kind: 'store', nameZh: '门店', nameEn: 'Rush store', lat: 39.79, lng: 116.5069, dailyOrderCapacity: 60_000, maxDeliveryRadiusM: 6000 },
  { id: 'rush-satellite', kind: 'satellite_warehouse', nameZh: '卫星仓', nameEn: 'Rush satellite', lat: 39.778, lng: 116.525, dailyOrderCapacity: 45_000, maxDeliveryRadiusM: 6000 },
  { id: 'rush-emergency', kind: 'emergency_warehouse', nameZh: '保供仓', nameEn: 'Rush emergency warehouse', lat: 39.77, lng: 116.54, dailyOrderCapacity: 30_000, maxDeliveryRadiusM: 6000 },
];
export const SLOTS = Array.from({ length: 15 }, (_, h) => new Date(localTimeMs(DAY, (7 + h) * 60)).toISOString());
const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Args {
  seconds: number;
  /** The warm-up before each measured run (8 clients): 0.5 s by default, 1 s with `--full`. */
  warmSeconds: number;
  clients: number;
  pg: boolean;
  pglite: boolean;
  /** The two-server-process run (its start-up, two `tsx` processes, takes longer than the rest): with `--full` or `--two-processes`. */
  twoProcesses: boolean;
}

function parseArgs(args: string[]): Args {
  const num = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 && Number.isFinite(Number(args[i + 1])) ? Number(args[i + 1]) : d;
  };
  const full = args.includes('--full');
  return {
    seconds: num('--seconds', full ? 30 : 3),
    warmSeconds: full ? 1 : 0.5,
    clients: num('--clients', 64),
    pg: !args.includes('--pglite-only'),
    pglite: !args.includes('--pg-only'),
    twoProcesses: full || args.includes('--two-processes'),
  };
}

/**
 * The seeded database every run starts from, built once into a template (PostgreSQL: a template
 * database; PGlite: a dumped data folder) and copied per run; its key hashes the seed's code and
 * inputs, so changing either rebuilds it.
 */
export const SEED: ScratchSeed = {
  key: `bench-orders@${createHash('sha256').update(JSON.stringify({ DAY, NOW, CATALOGUE, HOT_ITEMS, HOT_STOCK, NODES })).update(seedSource()).digest('hex').slice(0, 16)}`,
  load: (db) => seed(db),
};
function seedSource(): string {
  return seed.toString();
}

export async function seed(db: Kysely<DB>): Promise<void> {
  await upsertNodes(db, NODES, NOW);
  const items: ItemInput[] = Array.from({ length: CATALOGUE }, (_, i) => ({
    id: `sku-${String(i).padStart(4, '0')}`,
    nameZh: `商品${i}`,
    nameEn: `Item ${i}`,
    category: `cat-${i % 40}`,
    unit: 'pack',
    temperatureClass: 'ambient',
    shelfLifeDays: 180,
    // The most popular items are the key essentials, under purchase limits.
    essentialTier: i < 20 ? 'key' : i < 200 ? 'essential' : 'none',
  }));
  await upsertItems(db, items, NOW);
  const ops: Operation[] = [];
  for (const n of NODES) {
    items.forEach((it, i) => {
      ops.push({ kind: 'receipt', key: `bench-${n.id}-${it.id}`, nodeId: n.id, itemId: it.id, quantity: i < HOT_ITEMS ? HOT_STOCK : 1_000_000, reason: 'opening_balance' });
    });
  }
  await db.transaction().execute((trx) => postOperations(trx, ops, { now: NOW }));
  for (const n of NODES) {
    // Hourly slots 07:00-22:00; the day's capacity spread over them.
    const d = daySlots(n.id, DAY, n.dailyOrderCapacity!);
    if (!d.ok) throw new Error(d.error.message);
    await upsertDay(db, d.value.slots, d.value.window);
  }
}

/** Spawns a node process running a TypeScript file (through tsx); resolves with its first stdout line. */
function spawnTs(file: string, args: string[], env: NodeJS.ProcessEnv): { proc: ChildProcess; firstLine: Promise<string>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, file), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then((code) => reject(new Error(`${file} exited with ${code} before answering:\n${err.slice(-2000)}`)));
  });
  return { proc, firstLine, exited };
}

/** Starts one order-intake server process on the database at `url`. */
export interface ServerProcess {
  port: number;
  stop: () => Promise<void>;
}

export async function startServerProcess(url: string, now: Date, pool: number): Promise<ServerProcess> {
  const s = spawnTs('orders-server.ts', [], { DATABASE_URL: url, BAOGONG_BENCH_NOW: now.toISOString(), BAOGONG_BENCH_POOL: String(pool) });
  const { port } = JSON.parse(await s.firstLine) as { port: number };
  let stopping: Promise<unknown> | null = null;
  return {
    port,
    stop: () => {
      if (!stopping) {
        s.proc.kill('SIGTERM');
        stopping = s.exited;
      }
      return stopping.then(() => undefined);
    },
  };
}

interface LoadProcess {
  pid: number;
  /** A short warm-up with a few clients, then the measured rush, run by the load generator process. */
  rush: (ports: number[], clients: number, seconds: number, warmSeconds: number, seedValue: number) => Promise<{ warm: LoadResult; load: LoadResult }>;
  stop: () => Promise<void>;
}

/**
 * The load generator, ONE process for the whole benchmark (started once, so its start-up is in no
 * run): it reads one JSON line of configs on stdin per rush and answers one JSON line.
 */
async function startLoadProcess(): Promise<LoadProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'orders-load.ts'), '--stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      waiting.shift()?.resolve(line);
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) =>
    proc.on('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`orders-load.ts exited with ${code}:\n${err.slice(-2000)}`));
      r();
    }),
  );
  const ask = (msg: unknown) =>
    new Promise<string>((resolve, reject) => {
      waiting.push({ resolve, reject });
      proc.stdin!.write(JSON.stringify(msg) + '\n');
    });
  // Answers once loaded (an empty list of configs).
  await ask([]);
  return {
    pid: proc.pid!,
    rush: async (ports, clients, seconds, warmSeconds, seedValue) => {
      const warm: LoadConfig = { ports, clients: Math.min(8, clients), seconds: warmSeconds, catalogue: CATALOGUE, slots: SLOTS, seed: 7 };
      const cfg: LoadConfig = { ports, clients, seconds, catalogue: CATALOGUE, slots: SLOTS, seed: seedValue };
      const [w, l] = JSON.parse(await ask([warm, cfg])) as [LoadResult, LoadResult];
      return { warm: w, load: l };
    },
    stop: async () => {
      proc.stdin!.end();
      await exited;
    },
  };
}

/** Rows inserted, updated and deleted in this database, as PostgreSQL's statistics count them. */
async function rowsWritten(url: string): Promise<number> {
  let n = 0;
  for (const v of (await rowsWrittenByTable(url)).values()) n += v;
  return n;
}

/** Rows inserted, updated and deleted per table of this database (PostgreSQL's statistics). */
export async function rowsWrittenByTable(url: string): Promise<Map<string, number>> {
  return new Map([...(await tableWrites(url))].map(([t, w]) => [t, w.rows]));
}

/** Per table: rows inserted, updated and deleted, and of the updates those that were HOT (no index entry written). */
export async function tableWrites(url: string): Promise<Map<string, { rows: number; updates: number; hotUpdates: number }>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query('SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::bigint AS n, n_tup_upd::bigint AS u, n_tup_hot_upd::bigint AS h FROM pg_stat_user_tables');
    return new Map(r.rows.map((x) => [x.relname as string, { rows: Number(x.n), updates: Number(x.u), hotUpdates: Number(x.h) }]));
  } finally {
    await c.end();
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (0 where /proc cannot tell). */
export function procCpuMs(pid: number): number {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS_PER_S = 100;

/** The PostgreSQL backends serving this database (their process ids). */
export async function backendPids(url: string): Promise<number[]> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name])).rows.map((r) => r.pid as number);
  } finally {
    await c.end();
  }
}

/** Waits until no connection to this database is left (each backend flushes its statistics as it exits). */
export async function quiesce(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (r.rows[0].n === 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await c.end();
  }
}

/** Rebuilds stock from the ledger and counts units promised beyond what was there. */
async function oversold(db: Kysely<DB>): Promise<{ oversold: number; projectionMismatches: number; orderedUnits: number; reservedUnits: number }> {
  const r = await sql<any>`
    WITH m AS (
      SELECT node_id, item_id, sum(on_hand_delta)::bigint AS on_hand, sum(reserved_delta)::bigint AS reserved,
             sum(CASE WHEN kind = 'receipt' THEN quantity ELSE 0 END)::bigint AS received
      FROM stock_movements GROUP BY node_id, item_id),
    o AS (
      SELECT o.node_id, l.item_id, sum(l.quantity)::bigint AS ordered FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.status <> 'cancelled' GROUP BY o.node_id, l.item_id)
    SELECT
      COALESCE(sum(GREATEST(0, COALESCE(o.ordered, 0) - m.received)), 0)::bigint AS over_ordered,
      COALESCE(sum(GREATEST(0, m.reserved - m.on_hand)), 0)::bigint AS over_reserved,
      COALESCE(sum(CASE WHEN m.on_hand < 0 THEN -m.on_hand ELSE 0 END), 0)::bigint AS negative,
      COALESCE(sum(o.ordered), 0)::bigint AS ordered, COALESCE(sum(m.reserved), 0)::bigint AS reserved
    FROM m LEFT JOIN o ON o.node_id = m.node_id AND o.item_id = m.item_id`.execute(db);
  const x = r.rows[0];
  const mism = await checkProjection(db);
  return {
    oversold: Number(x.over_ordered) + Number(x.over_reserved) + Number(x.negative),
    projectionMismatches: mism.length,
    orderedUnits: Number(x.ordered),
    reservedUnits: Number(x.reserved),
  };
}

interface BackendResult extends LoadResult {
  ordersPerSec: number;
  oversold: number;
  projectionMismatches: number;
  orderedUnits: number;
  /** Rows written per accepted order (PostgreSQL server runs through HTTP only). */
  rowsPerOrder?: number;
  /** CPU ms per accepted order (warm-up included) of the server process, the load generator and the PostgreSQL backends (one server in this process only). */
  cpu?: { server: number; loadGen: number; pgBackends: number };
}

const accepted = (r: LoadResult) => r.accepted + r.partial;

/** A fresh copy of the seeded database on the server, with no connection left open to it. */
async function freshPgDatabase(baseUrl: string): Promise<{ url: string; name: string }> {
  const scratch = await openScratchDatabase({ baseUrl, prefix: 'bg_bench_orders', poolSize: 1, seed: SEED });
  const url = scratch.url!;
  // Only the pool ends here; the database stays until `dropDatabase`.
  await scratch.database.close();
  return { url, name: new URL(url).pathname.slice(1) };
}

interface PgTarget {
  url: string;
  name: string;
  /** Rows written in the database before the run, read while no connection to it was open. */
  rowsBefore: number;
  /** The server in this process (one-server run), or the server processes on this database. */
  here?: { app: Awaited<ReturnType<typeof buildApp>>; database: Awaited<ReturnType<typeof openDatabase>>; port: number };
  servers?: ServerProcess[];
}

/** A fresh seeded database with its server(s) listening and idle, before any run. */
async function preparePg(baseUrl: string, servers: 1 | 2): Promise<PgTarget> {
  const { url, name } = await freshPgDatabase(baseUrl);
  await quiesce(url);
  const rowsBefore = await rowsWritten(url);
  if (servers === 2) return { url, name, rowsBefore, servers: await Promise.all([startServerProcess(url, NOW, 6), startServerProcess(url, NOW, 6)]) };
  const database = await openDatabase({ url, poolSize: 12 });
  const deps: AppDeps = { database, db: database.db, clock: { now: () => NOW }, solver: defaultSolver, config: { auth: { enabled: false, orderRatePerMin: 0 } } as AppDeps['config'] };
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, name, rowsBefore, here: { app, database, port: (app.server.address() as { port: number }).port } };
}

/** Closes what `preparePg` started and drops its database. */
async function closePg(baseUrl: string, t: PgTarget): Promise<void> {
  if (t.here) {
    await t.here.app.close();
    await t.here.database.close();
  }
  if (t.servers) await Promise.all(t.servers.map((p) => p.stop()));
  await dropDatabase(baseUrl, t.name);
}

/**
 * PostgreSQL through HTTP on one fresh seeded database, the load generator in its own process:
 * one server in this process, or the server processes of `bench/orders-server.ts` (both started
 * before the run). The rows written are PostgreSQL's statistics after the servers' connections
 * closed, less those before.
 */
async function runPgHttp(baseUrl: string, t: PgTarget, a: Args, load: LoadProcess): Promise<BackendResult> {
  try {
    const ports = t.here ? [t.here.port] : t.servers!.map((p) => p.port);
    // CPU around the rush (warm-up and run): this process (only the server works in it meanwhile),
    // the load generator's, and the backends serving the database (read before they close).
    const pg0 = new Map((t.here ? await backendPids(t.url) : []).map((p) => [p, procCpuMs(p)]));
    const me0 = process.cpuUsage();
    const load0 = procCpuMs(load.pid);
    const out = await load.rush(ports, a.clients, a.seconds, a.warmSeconds, 2022);
    const meUs = process.cpuUsage(me0);
    const loadMs = procCpuMs(load.pid) - load0;
    let pgMs = 0;
    for (const p of t.here ? await backendPids(t.url) : []) pgMs += procCpuMs(p) - (pg0.get(p) ?? 0);
    if (t.here) {
      await t.here.app.close();
      await t.here.database.close();
      t.here = undefined;
    }
    if (t.servers) await Promise.all(t.servers.map((p) => p.stop()));
    await quiesce(t.url);
    const after = await rowsWritten(t.url);
    const database = await openDatabase({ url: t.url, poolSize: 2 });
    try {
      const check = await oversold(database.db);
      const { load: l, warm } = out;
      const n = Math.max(1, accepted(l) + accepted(warm));
      const cpu = ports.length === 1 ? { server: (meUs.user + meUs.system) / 1000 / n, loadGen: loadMs / n, pgBackends: pgMs / n } : undefined;
      return { ...l, ordersPerSec: accepted(l) / l.elapsedS, ...check, rowsPerOrder: (after - t.rowsBefore) / n, cpu };
    } finally {
      await database.close();
    }
  } finally {
    await closePg(baseUrl, t);
  }
}

/** The same orders straight into the order batcher of this process (no HTTP, no JSON): the flow's own rate. */
async function runInProcess(baseUrl: string | undefined, a: Args): Promise<BackendResult> {
  const scratch = await openScratchDatabase({ baseUrl, prefix: 'bg_bench_orders', poolSize: 12, seed: SEED });
  try {
    const db = scratch.database.db;
    const clock = { now: () => NOW };
    const batcher = new OrderBatcher(db, clock, { maxBatch: 500, maxInFlight: scratch.database.kind === 'pg' ? 2 : 1, pipelined: scratch.database.pipelined });
    const rush = async (clients: number, seconds: number, seedValue: number): Promise<LoadResult> => {
      const next = orderGenerator(seedValue, CATALOGUE, SLOTS);
      const r = emptyResult();
      const lat: number[] = [];
      const started = Date.now();
      const until = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          let i = 0;
          while (Date.now() < until) {
            const body = next();
            const key = `k-${c}-${i++}-${seedValue}`;
            const parsed = parseOrderInput(body as never);
            const t0 = performance.now();
            const x = parsed.ok
              ? await batcher.place({ request: parsed.value, idempotency: { key, scope: 'POST /api/orders', hash: createHash('sha256').update(JSON.stringify(body)).digest('hex') } })
              : { ok: false as const, error: parsed.error };
            const ms = performance.now() - t0;
            if (x.ok) tally(r, lat, x.status, x.body, ms);
            else tally(r, lat, x.error.code === 'internal' ? 500 : 400, x.error, ms);
          }
        }),
      );
      return finish(r, lat, (Date.now() - started) / 1000);
    };
    await rush(Math.min(8, a.clients), a.warmSeconds, 7);
    const load = await rush(a.clients, a.seconds, 2022);
    const check = await oversold(db);
    return { ...load, ordersPerSec: accepted(load) / load.elapsedS, ...check };
  } finally {
    await scratch.close();
  }
}

/** PGlite with the server in this process (the database is embedded in it), ready before any run. */
async function preparePglite(): Promise<{ scratch: ScratchDatabase; app: Awaited<ReturnType<typeof buildApp>>; port: number }> {
  const scratch = await openScratchDatabase({ prefix: 'bg_bench_orders', seed: SEED });
  const database = scratch.database;
  const deps: AppDeps = { database, db: database.db, clock: { now: () => NOW }, solver: defaultSolver, config: { auth: { enabled: false, orderRatePerMin: 0 } } as AppDeps['config'] };
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { scratch, app, port: (app.server.address() as { port: number }).port };
}

/** PGlite: the load generator is still its own process. */
async function runPglite(a: Args, loader: LoadProcess, p: Awaited<ReturnType<typeof preparePglite>>): Promise<BackendResult> {
  try {
    const { load } = await loader.rush([p.port], a.clients, a.seconds, a.warmSeconds, 2022);
    await p.app.close();
    const check = await oversold(p.scratch.database.db);
    return { ...load, ordersPerSec: accepted(load) / load.elapsedS, ...check };
  } finally {
    await p.scratch.close();
  }
}

const PGBENCH_SCALE = 10;
const PGBENCH_DB = `bg_bench_pgbench_s${PGBENCH_SCALE}`;
const PGBENCH_LOCK = 0x0b9b0e5c;

function pgbenchEnv(url: string, database: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username || 'postgres'), PGPASSWORD: decodeURIComponent(u.password || ''), PGDATABASE: database };
}

/**
 * pgbench's tables at scale 10, initialised once on the server and kept (`pgbench -i` takes
 * longer than the run itself); built under another name and renamed, so a half-built one is never
 * used. Each run starts as pgbench's own does: it vacuums the small tables and empties the history.
 */
async function ensurePgbenchDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PGBENCH_LOCK]);
    try {
      if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [PGBENCH_DB])).rowCount) return;
      const building = `${PGBENCH_DB}_b${randomUUID().replace(/-/g, '').slice(0, 6)}`;
      await admin.query(`CREATE DATABASE ${building}`);
      try {
        execFileSync('pgbench', ['-i', '-q', '-s', String(PGBENCH_SCALE)], { env: pgbenchEnv(url, building), stdio: 'pipe' });
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${PGBENCH_DB}`);
      } catch (e) {
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        throw e;
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [PGBENCH_LOCK]);
    }
  } finally {
    await admin.end();
  }
}

/** pgbench's default (TPC-B-like) transaction rate on the same server, scale 10, 10 clients, 2 threads. */
async function pgbenchTps(url: string, seconds: number): Promise<number> {
  await ensurePgbenchDatabase(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // One pgbench run on these tables at a time (another benchmark on the same server waits).
  await admin.query('SELECT pg_advisory_lock($1)', [PGBENCH_LOCK]);
  try {
    const out = execFileSync('pgbench', ['-c', '10', '-j', '2', '-T', String(Math.max(1, Math.round(seconds)))], { env: pgbenchEnv(url, PGBENCH_DB), stdio: 'pipe' }).toString();
    const m = out.match(/tps = ([\d.]+) \(without initial connection time\)/) ?? out.match(/tps = ([\d.]+)/);
    return m ? Number(m[1]) : NaN;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [PGBENCH_LOCK]);
    await admin.end();
  }
}

function printBackend(label: string, r: BackendResult): void {
  const rows: Array<[string, string]> = [
    ['orders sent', String(r.sent)],
    ['accepted (all lines)', String(r.accepted)],
    ['accepted (some lines)', String(r.partial)],
    ['rejected (422)', String(r.rejected)],
    ['errors', String(r.errors)],
    ['accepted orders/s', r.ordersPerSec.toFixed(0)],
    ['latency p50 / p99 ms', `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`],
    ...(r.connectionsOpen
      ? ([
          ['connections pre-opened', `${r.connectionsOpen} in ${r.connectMs.toFixed(0)} ms (untimed; warmed pool)`],
          ['connections opened in the run', String(r.newConnectionsInRun)],
        ] as Array<[string, string]>)
      : []),
    ['units ordered (ledger check)', String(r.orderedUnits)],
    ['oversold units (must be 0)', String(r.oversold)],
    ['projection mismatches', String(r.projectionMismatches)],
  ];
  if (r.rowsPerOrder !== undefined) rows.push(['rows written per order', r.rowsPerOrder.toFixed(1)]);
  if (r.cpu) rows.push(['CPU ms per order', `server ${r.cpu.server.toFixed(2)}, load generator ${r.cpu.loadGen.toFixed(2)}, PostgreSQL backends ${r.cpu.pgBackends.toFixed(2)}`]);
  process.stdout.write(`\n${label}\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(30)} ${v}\n`);
  const reasons = Object.entries(r.byReason).sort((x, y) => y[1] - x[1]);
  if (reasons.length) process.stdout.write(`  rejections by reason: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Wall time of each phase, printed at the end (where the run's minute goes). */
const phases: Array<[string, number]> = [];
async function phase<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    phases.push([name, (performance.now() - t0) / 1000]);
  }
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const a = parseArgs(args);
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const loadAvgStart = os.loadavg()[0];
  process.stdout.write(`orders: the 06:00 rush, ${a.clients} clients for ${a.seconds} s a run, orders of 5 lines over ${CATALOGUE} items (Zipf 1.1; the top ${HOT_ITEMS} hold ${HOT_STOCK} units a node); load generator in its own process; load average ${loadAvgStart.toFixed(1)}\n`);
  const out: Record<string, number> = {};
  let oversoldTotal = 0;
  // Sockets the timed HTTP phases still had to open (0 when every client used its pre-opened connection).
  let newConnections = 0;
  let pgOk = a.pg;
  if (a.pg) {
    try {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
    } catch (e) {
      pgOk = false;
      process.stdout.write(`PostgreSQL at ${url} is not reachable (${(e as Error).message}); skipping it\n`);
    }
  }
  // Start-up, before any measurement, in parallel: the load generator, the databases (copies of
  // the seeded templates), pgbench's tables, the PGlite server and, when asked for, the two
  // server processes (listening, idle, until their run).
  let loader: LoadProcess | null = null;
  let lite: Awaited<ReturnType<typeof preparePglite>> | null = null;
  let oneDb: PgTarget | null = null;
  let twoDb: PgTarget | null = null;
  try {
    await phase('start-up', async () => {
      await Promise.all([
        phase('start-up: load generator', () => startLoadProcess()).then((l) => (loader = l)),
        pgOk ? phase('start-up: PostgreSQL server', () => preparePg(url, 1)).then((d) => (oneDb = d)) : null,
        pgOk ? phase('start-up: pgbench tables', () => ensurePgbenchDatabase(url)) : null,
        pgOk && a.twoProcesses ? phase('start-up: two server processes', () => preparePg(url, 2)).then((d) => (twoDb = d)) : null,
        a.pglite ? phase('start-up: PGlite server', () => preparePglite()).then((p) => (lite = p)) : null,
      ]);
    });
    if (pgOk && oneDb) {
      const one: PgTarget = oneDb;
      oneDb = null;
      const r = await phase('PostgreSQL, one server', () => runPgHttp(url, one, a, loader!));
      printBackend('PostgreSQL server, one server (HTTP; server in this process, load generator in its own)', r);
      const tps = await phase('pgbench', () => pgbenchTps(url, a.seconds));
      process.stdout.write(`\npgbench (default TPC-B-like, scale ${PGBENCH_SCALE}, 10 clients) on the same server, right after: ${tps.toFixed(0)} tps\n`);
      process.stdout.write(`our accepted orders/s as a ratio of pgbench tps: ${(r.ordersPerSec / tps).toFixed(2)}\n`);
      oversoldTotal += r.oversold;
      Object.assign(out, {
        ordersPerSecPg: Math.round(r.ordersPerSec),
        pgbenchTps: Math.round(tps),
        ratioToPgbench: Math.round((r.ordersPerSec / tps) * 100) / 100,
        p50Ms: round1(r.p50),
        p99Ms: round1(r.p99),
        rowsWrittenPerOrder: round1(r.rowsPerOrder ?? NaN),
        ...(r.cpu
          ? { cpuMsPerOrderServer: round2(r.cpu.server), cpuMsPerOrderLoadGen: round2(r.cpu.loadGen), cpuMsPerOrderPgBackends: round2(r.cpu.pgBackends) }
          : {}),
        connectMsPg: Math.round(r.connectMs),
      });
      newConnections += r.newConnectionsInRun;
      if (twoDb) {
        const t2: PgTarget = twoDb;
        twoDb = null;
        const two = await phase('PostgreSQL, two server processes', () => runPgHttp(url, t2, a, loader!));
        printBackend('PostgreSQL server, two server processes on one database (HTTP)', two);
        oversoldTotal += two.oversold;
        newConnections += two.newConnectionsInRun;
        Object.assign(out, { ordersPerSecTwoProcesses: Math.round(two.ordersPerSec), p99MsTwoProcesses: round1(two.p99), connectMsTwoProcesses: Math.round(two.connectMs) });
      } else process.stdout.write('\n(two server processes: not run; add --two-processes or --full)\n');
      const inproc = await phase('PostgreSQL, in process', () => runInProcess(url, a));
      printBackend('PostgreSQL server, in process (order batcher, no HTTP)', inproc);
      oversoldTotal += inproc.oversold;
      out.ordersPerSecInProcessPg = Math.round(inproc.ordersPerSec);
    }
    if (lite) {
      const p = lite;
      lite = null;
      const r = await phase('PGlite', () => runPglite(a, loader!, p));
      printBackend('PGlite (embedded; server in this process, load generator in its own)', r);
      oversoldTotal += r.oversold;
      out.ordersPerSecPglite = Math.round(r.ordersPerSec);
      out.p99MsPglite = round1(r.p99);
      out.connectMsPglite = Math.round(r.connectMs);
      newConnections += r.newConnectionsInRun;
    }
  } finally {
    await (loader as LoadProcess | null)?.stop();
    const l = lite as Awaited<ReturnType<typeof preparePglite>> | null;
    if (l) {
      await l.app.close();
      await l.scratch.close();
    }
    for (const d of [oneDb, twoDb] as Array<PgTarget | null>) if (d) await closePg(url, d);
  }
  process.stdout.write(`\nphase wall times: ${phases.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')}\n`);
  out.clientsCount = a.clients;
  out.secondsPerRun = a.seconds;
  out.oversoldUnits = oversoldTotal;
  out.connectionsOpenedInRunsCount = newConnections;
  out.loadAvg1mAtStart = round1(loadAvgStart);
  out.loadAvg1mAtEnd = round1(os.loadavg()[0]);
  return out;
}
