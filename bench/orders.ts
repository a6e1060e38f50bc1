/**
 * `npm run bench -- orders [--full] [--seconds N] [--clients N] [--pg-only] [--pglite-only]`
 *
 * The 6 a.m. rush: many concurrent clients post orders of ~5 lines to the real HTTP server, the
 * lines drawn from a catalogue in which a few items are very popular (Zipf, s = 1.1) and sell out
 * during the run; customers prefer the early delivery slots, which fill. It runs on the
 * PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and on
 * PGlite, and reports accepted orders a second, p50/p99 latency, rejections by reason, and the
 * oversell count, checked after the run by rebuilding stock from the ledger's movements (it must
 * be 0). On the same server it runs `pgbench` (its default TPC-B-like transaction) as the
 * reference and prints our orders a second as a ratio of pgbench's transactions a second.
 *
 * The load generator runs in a worker thread (its own event loop) with keep-alive connections.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openScratchDatabase } from '../src/store/scratch.ts';
import { buildApp } from '../src/api/server.ts';
import type { AppDeps } from '../src/api/deps.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { upsertItems, upsertNodes } from '../src/store/network.ts';
import { postOperations, checkProjection } from '../src/store/inventory.ts';
import { upsertDay } from '../src/store/orders.ts';
import { daySlots, localTimeMs } from '../src/domain/orders/slots.ts';
import type { ItemInput, NodeInput } from '../src/domain/network/model.ts';
import type { Operation } from '../src/domain/inventory/types.ts';

const DAY = '2022-06-23';
// The clock stands at 06:00:05 Beijing time: the window has just opened.
const NOW = new Date(localTimeMs(DAY, 6 * 60) + 5000);
const CATALOGUE = 400;
const HOT_ITEMS = 12;
const HOT_STOCK = 400;
const NODES: NodeInput[] = [
  { id: 'rush-store', kind: 'store', nameZh: '门店', nameEn: 'Rush store', lat: 39.79, lng: 116.5069, dailyOrderCapacity: 60_000, maxDeliveryRadiusM: 6000 },
  { id: 'rush-satellite', kind: 'satellite_warehouse', nameZh: '卫星仓', nameEn: 'Rush satellite', lat: 39.778, lng: 116.525, dailyOrderCapacity: 45_000, maxDeliveryRadiusM: 6000 },
  { id: 'rush-emergency', kind: 'emergency_warehouse', nameZh: '保供仓', nameEn: 'Rush emergency warehouse', lat: 39.77, lng: 116.54, dailyOrderCapacity: 30_000, maxDeliveryRadiusM: 6000 },
];

interface Args {
  seconds: number;
  clients: number;
  pg: boolean;
  pglite: boolean;
  full: boolean;
}

function parseArgs(args: string[]): Args {
  const num = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 && Number.isFinite(Number(args[i + 1])) ? Number(args[i + 1]) : d;
  };
  const full = args.includes('--full');
  return {
    full,
    seconds: num('--seconds', full ? 30 : 8),
    clients: num('--clients', 256),
    pg: !args.includes('--pglite-only'),
    pglite: !args.includes('--pg-only'),
  };
}

export async function seed(db: Kysely<any>): Promise<void> {
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

// The load generator: plain JavaScript for a worker thread.
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, clients, seconds, catalogue, slots, seed } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
let s = seed >>> 0;
const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
// Zipf(1.1) over the catalogue, by inverse CDF.
const w = []; let tot = 0; for (let k = 1; k <= catalogue; k++) { tot += 1 / Math.pow(k, 1.1); w.push(tot); }
const zipf = () => { const u = rnd() * tot; let lo = 0, hi = w.length - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (w[m] < u) lo = m + 1; else hi = m; } return lo; };
const slotW = slots.map((_, i) => 1 / (i + 1)); const slotTot = slotW.reduce((a, b) => a + b, 0);
const pickSlot = () => { let u = rnd() * slotTot; for (let i = 0; i < slots.length; i++) { u -= slotW[i]; if (u <= 0) return slots[i]; } return slots[0]; };
const lat = []; const byReason = {}; let accepted = 0, partial = 0, rejected = 0, errors = 0, sent = 0, acceptedUnits = 0;
function body(i) {
  const items = new Set(); while (items.size < 5) items.add(zipf());
  const cust = 'cust-' + Math.floor(rnd() * 200000);
  return JSON.stringify({
    customerId: cust,
    address: { lat: 39.77 + rnd() * 0.03, lng: 116.50 + rnd() * 0.04, householdId: 'hh-' + cust },
    lines: [...items].map((k) => ({ itemId: 'sku-' + String(k).padStart(4, '0'), quantity: 1 + Math.floor(rnd() * 2) })),
    slotStart: pickSlot(),
  });
}
function post(payload, key) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: '/api/orders', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'idempotency-key': key } }, (res) => {
      const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6; let b = null; try { b = JSON.parse(Buffer.concat(chunks).toString()); } catch {}
        resolve({ status: res.statusCode, body: b, ms });
      });
    });
    req.on('error', () => resolve({ status: 0, body: null, ms: 0 }));
    req.end(payload);
  });
}
const until = Date.now() + seconds * 1000;
async function client(c) {
  let i = 0;
  while (Date.now() < until) {
    const r = await post(body(i++), 'k-' + c + '-' + i + '-' + seed);
    sent++;
    if (r.status === 201) {
      lat.push(r.ms);
      if (r.body.status === 'accepted') accepted++; else partial++;
      for (const o of r.body.orders) for (const l of o.lines) acceptedUnits += l.quantity;
      for (const x of r.body.rejectedLines) byReason['line:' + x.code] = (byReason['line:' + x.code] || 0) + 1;
    } else if (r.status === 422) {
      lat.push(r.ms); rejected++; const code = (r.body && r.body.code) || 'unknown'; byReason[code] = (byReason[code] || 0) + 1;
    } else { errors++; byReason['http_' + r.status] = (byReason['http_' + r.status] || 0) + 1; }
  }
}
const started = Date.now();
Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => {
  const elapsedS = (Date.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : 0;
  agent.destroy();
  parentPort.postMessage({ elapsedS, sent, accepted, partial, rejected, errors, acceptedUnits, byReason, p50: q(0.5), p99: q(0.99) });
});
`;

interface LoadResult {
  elapsedS: number;
  sent: number;
  accepted: number;
  partial: number;
  rejected: number;
  errors: number;
  acceptedUnits: number;
  byReason: Record<string, number>;
  p50: number;
  p99: number;
}

function runLoad(port: number, clients: number, seconds: number, seedValue: number): Promise<LoadResult> {
  const slots = Array.from({ length: 15 }, (_, h) => new Date(localTimeMs(DAY, (7 + h) * 60)).toISOString());
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_GENERATOR, { eval: true, workerData: { port, clients, seconds, catalogue: CATALOGUE, slots, seed: seedValue } });
    w.once('message', (m) => {
      resolve(m as LoadResult);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

/** Rebuilds stock from the ledger and counts units promised beyond what was there. */
async function oversold(db: Kysely<any>): Promise<{ oversold: number; projectionMismatches: number; orderedUnits: number; reservedUnits: number }> {
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
}

async function runBackend(kind: 'pg' | 'pglite', a: Args, url?: string): Promise<BackendResult> {
  const scratch = await openScratchDatabase({ baseUrl: kind === 'pg' ? url : undefined, prefix: 'bg_bench_orders', poolSize: 12 });
  const database = scratch.database;
  try {
    await seed(database.db);
    const deps: AppDeps = { database, db: database.db, clock: { now: () => NOW }, solver: defaultSolver, config: { auth: { enabled: false, orderRatePerMin: 0 } } as AppDeps['config'] };
    const app = await buildApp(deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    // A short warm-up (JIT, connection pools, prepared plans), then the measured rush.
    await runLoad(port, Math.min(8, a.clients), 1, 7);
    const load = await runLoad(port, a.clients, a.seconds, 2022);
    await app.close();
    const check = await oversold(database.db);
    return { ...load, ordersPerSec: (load.accepted + load.partial) / load.elapsedS, ...check };
  } finally {
    await scratch.close();
  }
}

/** pgbench's default (TPC-B-like) transaction rate on the same server, scale 10, 10 clients, 2 threads. */
async function pgbenchTps(url: string, seconds: number): Promise<number> {
  const u = new URL(url);
  const name = `bg_bench_pgbench_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username || 'postgres'), PGPASSWORD: decodeURIComponent(u.password || ''), PGDATABASE: name };
  try {
    execFileSync('pgbench', ['-i', '-q', '-s', '10'], { env, stdio: 'pipe' });
    const out = execFileSync('pgbench', ['-c', '10', '-j', '2', '-T', String(seconds)], { env, stdio: 'pipe' }).toString();
    const m = out.match(/tps = ([\d.]+) \(without initial connection time\)/) ?? out.match(/tps = ([\d.]+)/);
    return m ? Number(m[1]) : NaN;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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
    ['units ordered (ledger check)', String(r.orderedUnits)],
    ['oversold units (must be 0)', String(r.oversold)],
    ['projection mismatches', String(r.projectionMismatches)],
  ];
  process.stdout.write(`\n${label}\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(30)} ${v}\n`);
  const reasons = Object.entries(r.byReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length) process.stdout.write(`  rejections by reason: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const a = parseArgs(args);
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  process.stdout.write(`orders: the 06:00 rush, ${a.clients} clients for ${a.seconds} s, orders of 5 lines over ${CATALOGUE} items (Zipf 1.1; the top ${HOT_ITEMS} hold ${HOT_STOCK} units a node)\n`);
  const out: Record<string, number> = {};
  if (a.pg) {
    let pgOk = true;
    try {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
    } catch (e) {
      pgOk = false;
      process.stdout.write(`PostgreSQL at ${url} is not reachable (${(e as Error).message}); skipping it\n`);
    }
    if (pgOk) {
      const r = await runBackend('pg', a, url);
      printBackend('PostgreSQL server', r);
      const tps = await pgbenchTps(url, a.seconds);
      process.stdout.write(`\npgbench (default TPC-B-like, scale 10, 10 clients) on the same server: ${tps.toFixed(0)} tps\n`);
      process.stdout.write(`our accepted orders/s as a ratio of pgbench tps: ${(r.ordersPerSec / tps).toFixed(2)}\n`);
      Object.assign(out, { ordersPerSecPg: Math.round(r.ordersPerSec), pgbenchTps: Math.round(tps), ratioToPgbench: Math.round((r.ordersPerSec / tps) * 100) / 100, p50Ms: Math.round(r.p50 * 10) / 10, p99Ms: Math.round(r.p99 * 10) / 10, oversold: r.oversold });
    }
  }
  if (a.pglite) {
    const r = await runBackend('pglite', { ...a, clients: Math.min(a.clients, 128) }, undefined);
    printBackend('PGlite (embedded)', r);
    out.ordersPerSecPglite = Math.round(r.ordersPerSec);
    out.oversold = (out.oversold ?? 0) + r.oversold;
    if (out.p50Ms === undefined) {
      out.p50Ms = Math.round(r.p50 * 10) / 10;
      out.p99Ms = Math.round(r.p99 * 10) / 10;
    }
    out.p99MsPglite = Math.round(r.p99 * 10) / 10;
  }
  return out;
}
