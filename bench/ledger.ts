/**
 * Benchmark `ledger`: how fast the stock ledger posts movements, and how long the balance view
 * takes for 50 nodes × 5,000 items.
 *
 *  - posting, on PGlite (in memory) and, when DATABASE_URL is set, on the PostgreSQL server:
 *    "single" is one operation per transaction from one client; "concurrent" is 8 clients doing
 *    that at once (server only); "batched" is 500 operations per transaction (the path other
 *    contexts use to post many orders' reservations together). The mix is reserve / pick /
 *    release / receipt over 5 nodes × 400 items (× 2,000 with --full), so writers rarely wait on each other's rows.
 *  - the balance view: 250,000 (node, item) balances posted as receipts in batches, then
 *    `balances(db)` with available to promise and days of cover against baseline demand. The
 *    default run writes those receipts' movement lines (and the demand) in bulk SQL, rebuilds the
 *    projection from them, and does it in the PGlite database of the posting run (opening one takes
 *    seconds; its view then also lists the posting run's 2,000 rows); `--full` posts them through the
 *    ledger in batches of 5,000 (and times that too) in a fresh database.
 *
 * The default run finishes in about 20 s on the shared 2-core machine (load 5); it prints the wall
 * time of each phase.
 *
 * Headline: movementsPerSecPg and movementsPerSecPglite are the batched figures (operations
 * posted per second; an operation is one or more movement lines); balanceView50x5000Ms is the
 * full view on PGlite (and on the server when DATABASE_URL is set, which is printed too).
 * `--full` posts more operations per measurement.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/db.ts';
import { openScratchDatabase } from '../src/store/scratch.ts';
import * as inv from '../src/store/inventory.ts';
import { upsertDemand, upsertItems, upsertNodes } from '../src/store/network.ts';
import { seededRandom } from '../src/domain/shared/index.ts';
import type { Operation } from '../src/domain/inventory/index.ts';
import type { DB } from '../src/store/tables.ts';

const NOW = new Date('2022-06-22T06:00:00Z');

interface Db {
  database: Database;
  db: Kysely<DB>;
  close(): Promise<void>;
}

async function freshDb(kind: 'pglite' | 'pg'): Promise<Db> {
  const scratch = await openScratchDatabase({ baseUrl: kind === 'pg' ? process.env.DATABASE_URL : undefined, prefix: 'bg_bench', poolSize: 12 });
  return { database: scratch.database, db: scratch.database.db, close: scratch.close };
}

/** A stream of operations that mostly succeed: receipts, reservations, picks and releases. */
function workload(prefix: string, n: number, seed: number, items: number): Operation[] {
  const rnd = seededRandom(seed);
  const ops: Operation[] = [];
  const open: { id: string; nodeId: string; itemId: string }[] = [];
  for (let k = 0; k < n; k++) {
    const nodeId = `N${rnd.int(5)}`;
    const itemId = `I${rnd.int(items)}`;
    const key = `${prefix}-${k}`;
    const roll = rnd.int(10);
    if (roll < 3 || open.length === 0) {
      ops.push({ kind: 'reserve', key, nodeId, itemId, quantity: 1, reservationId: key });
      open.push({ id: key, nodeId, itemId });
    } else if (roll < 6) {
      const h = open.splice(rnd.int(open.length), 1)[0];
      ops.push({ kind: 'pick', key, nodeId: h.nodeId, itemId: h.itemId, quantity: 1, reservationId: h.id });
    } else if (roll < 7) {
      const h = open.splice(rnd.int(open.length), 1)[0];
      ops.push({ kind: 'release', key, reservationId: h.id });
    } else if (roll < 9) {
      ops.push({ kind: 'pick', key, nodeId, itemId, quantity: 1 });
    } else {
      ops.push({ kind: 'receipt', key, nodeId, itemId, quantity: 5, reason: 'supplier_delivery' });
    }
  }
  return ops;
}

async function seedStock(db: Kysely<DB>, items: number): Promise<void> {
  const ops: Operation[] = [];
  for (let n = 0; n < 5; n++) for (let i = 0; i < items; i++) ops.push({ kind: 'receipt', key: `seed-N${n}-I${i}`, nodeId: `N${n}`, itemId: `I${i}`, quantity: 1000, reason: 'opening_balance' });
  for (let s = 0; s < ops.length; s += 5000) await db.transaction().execute((trx) => inv.postOperations(trx, ops.slice(s, s + 5000), { now: NOW }));
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface PostingFigures {
  singlePerSec: number;
  concurrentPerSec: number | null;
  batchedPerSec: number;
}

async function measurePosting(d: Db, sizes: { single: number; batched: number; clients: number; items: number; warm: number }): Promise<PostingFigures> {
  await seedStock(d.db, sizes.items);
  // Warm up (JIT, plan cache).
  for (const op of workload('warm', sizes.warm, 1, sizes.items)) await d.db.transaction().execute((trx) => inv.postOperations(trx, [op], { now: NOW, atomic: false }));

  const single = workload('single', sizes.single, 2, sizes.items);
  const singleMs = await timeIt(async () => {
    for (const op of single) await d.db.transaction().execute((trx) => inv.postOperations(trx, [op], { now: NOW, atomic: false }));
  });

  let concurrentPerSec: number | null = null;
  if (sizes.clients > 1) {
    const per = Math.ceil(sizes.single / sizes.clients) * 2;
    const streams = Array.from({ length: sizes.clients }, (_, c) => workload(`conc${c}`, per, 10 + c, sizes.items));
    const ms = await timeIt(async () => {
      await Promise.all(streams.map(async (ops) => {
        for (const op of ops) await d.db.transaction().execute((trx) => inv.postOperations(trx, [op], { now: NOW, atomic: false }));
      }));
    });
    concurrentPerSec = (per * sizes.clients) / (ms / 1000);
  }

  const batched = workload('batch', sizes.batched, 3, sizes.items);
  const batchMs = await timeIt(async () => {
    for (let s = 0; s < batched.length; s += 500) await d.db.transaction().execute((trx) => inv.postOperations(trx, batched.slice(s, s + 500), { now: NOW, atomic: false }));
  });
  const mismatches = await inv.checkProjection(d.db);
  if (mismatches.length > 0) throw new Error(`projection differs from movements after the benchmark: ${JSON.stringify(mismatches.slice(0, 3))}`);
  return { singlePerSec: sizes.single / (singleMs / 1000), concurrentPerSec, batchedPerSec: sizes.batched / (batchMs / 1000) };
}

async function measureBalanceView(d: Db, viaLedger: boolean, otherRows = 0): Promise<{ seedMs: number; fullMs: number; oneNodeMs: number; rows: number }> {
  const NODES = 50;
  const ITEMS = 5000;
  const rnd = seededRandom(50);
  await upsertNodes(
    d.db,
    Array.from({ length: NODES }, (_, n) => ({ id: `node-${n}`, kind: 'store', nameZh: `店${n}`, nameEn: `Store ${n}`, lat: 39.7 + n / 1000, lng: 116.5 }) as any),
    NOW,
  );
  const categories = ['grain', 'oil', 'vegetables', 'eggs', 'meat', 'dairy', 'snacks'];
  await upsertItems(
    d.db,
    Array.from({ length: ITEMS }, (_, i) => ({
      id: `item-${i}`,
      nameZh: `商品${i}`,
      nameEn: `Item ${i}`,
      category: categories[i % categories.length],
      unit: 'unit',
      temperatureClass: i % 5 === 0 ? 'chilled' : 'ambient',
      shelfLifeDays: 30,
      priceFen: 500 + (i % 50) * 100,
      essentialTier: i % 10 === 0 ? 'key' : i % 3 === 0 ? 'essential' : 'none',
    })) as any,
    NOW,
  );
  if (viaLedger) {
    const demand = [];
    for (let n = 0; n < NODES; n++) for (let i = 0; i < ITEMS; i++) demand.push({ nodeId: `node-${n}`, itemId: `item-${i}`, dailyQuantity: 1 + rnd.int(30) });
    await upsertDemand(d.db, demand);
  } else {
    // The default run writes the 250,000 demand rows in one statement (same shape, hashed quantities).
    await sql`
      INSERT INTO baseline_demand (node_id, item_id, daily_quantity)
      SELECT 'node-' || n, 'item-' || i, 1 + ((n * 31 + i * 7) % 30) FROM generate_series(0, ${NODES - 1}) n, generate_series(0, ${ITEMS - 1}) i`.execute(d.db);
  }
  const seedMs = await timeIt(async () => {
    if (viaLedger) {
      for (let n = 0; n < NODES; n++) {
        const ops: Operation[] = Array.from({ length: ITEMS }, (_, i) => ({ kind: 'receipt', key: `bv-${n}-${i}`, nodeId: `node-${n}`, itemId: `item-${i}`, quantity: 1 + rnd.int(500), reason: 'opening_balance' }) as Operation);
        await d.db.transaction().execute((trx) => inv.postOperations(trx, ops, { now: NOW }));
      }
    } else {
      // The quick way for the default run: write the receipts' movement lines in one statement
      // and derive the balances from them with rebuildProjection (the same projection).
      await sql`
        INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, lot_code, quantity, on_hand_delta, reserved_delta, in_transit_in_delta, in_transit_out_delta, posted_at)
        SELECT 'bv-' || n || '-' || i, 'receipt', 'opening_balance', 'node-' || n, 'item-' || i, '', q, q, 0, 0, 0, ${NOW}::timestamptz
        FROM generate_series(0, ${NODES - 1}) n, generate_series(0, ${ITEMS - 1}) i, LATERAL (SELECT 1 + ((n * 7919 + i * 104729) % 500) AS q) x`.execute(d.db);
      await d.db.transaction().execute((trx) => inv.rebuildProjection(trx));
    }
  });
  await inv.balances(d.db, { nodeId: 'node-0' }); // warm up
  let rows = 0;
  const fullMs = await timeIt(async () => {
    rows = (await inv.balances(d.db, {})).rows.length;
  });
  const oneNodeMs = await timeIt(async () => {
    await inv.balances(d.db, { nodeId: 'node-7' });
  });
  if (rows !== NODES * ITEMS + otherRows) throw new Error(`balance view returned ${rows} rows, expected ${NODES * ITEMS + otherRows}`);
  return { seedMs, fullMs, oneNodeMs, rows };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const full = args.includes('--full');
  // Default: under a minute on a quiet 2-core machine. --full: the larger sizes.
  const sizes = full ? { single: 3000, batched: 100_000, items: 2000, warm: 200 } : { single: 200, batched: 4000, items: 400, warm: 50 };
  const out: string[] = [];
  const row = (cells: (string | number)[]) => out.push(cells.map((c, i) => String(c).padEnd(i === 0 ? 46 : 14)).join(''));
  const fmt = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
  const t0 = performance.now();
  const phases: Array<[string, number]> = [];
  let mark = t0;
  const phase = (name: string) => {
    const t = performance.now();
    phases.push([name, t - mark]);
    mark = t;
  };

  const lite = await freshDb('pglite');
  const litePost = await measurePosting(lite, { ...sizes, clients: 1 });
  phase('PGlite open + posting');
  // Opening a PGlite database takes seconds: the default run loads the 50 × 5,000 view into the
  // same one (distinct nodes and items), so its view also lists the posting run's 5 × items
  // balances (+0.8%); --full uses a fresh database.
  let liteView = lite;
  if (full) {
    await lite.close();
    liteView = await freshDb('pglite');
  }
  const postingRows = full ? 0 : sizes.items * 5;
  const liteBv = await measureBalanceView(liteView, full, postingRows);
  await liteView.close();
  phase('PGlite balance view (load + view)');

  let pgPost: PostingFigures | null = null;
  let pgBv: Awaited<ReturnType<typeof measureBalanceView>> | null = null;
  if (process.env.DATABASE_URL) {
    const d = await freshDb('pg');
    pgPost = await measurePosting(d, { ...sizes, clients: 8 });
    await d.close();
    phase('PostgreSQL posting');
    // The server's balance view is measured with --full only, to keep the default run short.
    if (full) {
      const v = await freshDb('pg');
      pgBv = await measureBalanceView(v, full);
      await v.close();
      phase('PostgreSQL balance view');
    }
  } else {
    out.push('(DATABASE_URL not set: PostgreSQL server figures skipped)');
  }

  out.push(full ? `--full: ${sizes.items * 5} stock rows seeded, ${sizes.single} single + ${sizes.batched.toLocaleString('en-US')} batched operations` : `default run: ${sizes.items * 5} stock rows seeded (5 nodes × ${sizes.items}), ${sizes.single} single + ${sizes.batched.toLocaleString('en-US')} batched operations; --full for 5 × 2,000, 3,000 + 100,000`);
  row(['ledger', 'PGlite', 'PostgreSQL']);
  row(['operations/s, single (1 per transaction)', fmt(litePost.singlePerSec), fmt(pgPost?.singlePerSec ?? null)]);
  row(['operations/s, 8 clients, 1 per trx', '—', fmt(pgPost?.concurrentPerSec ?? null)]);
  row(['operations/s, batched (500 per trx)', fmt(litePost.batchedPerSec), fmt(pgPost?.batchedPerSec ?? null)]);
  row([full ? 'seed 250,000 receipts via the ledger, ms' : 'seed 250,000 receipts + demand (bulk), ms', fmt(liteBv.seedMs), fmt(pgBv?.seedMs ?? null)]);
  row([`balance view 50 × 5,000${postingRows ? ` (+${postingRows.toLocaleString('en-US')} rows)` : ''}, ms`, fmt(liteBv.fullMs), fmt(pgBv?.fullMs ?? null)]);
  row(['balance view one node (5,000), ms', fmt(liteBv.oneNodeMs), fmt(pgBv?.oneNodeMs ?? null)]);
  row(['wall time by phase, s', '', '']);
  for (const [name, ms] of phases) row([`  ${name}`, (ms / 1000).toFixed(1), '']);
  row(['  total', ((performance.now() - t0) / 1000).toFixed(1), '']);
  console.log(out.join('\n'));

  const result: Record<string, number> = {
    movementsPerSecPglite: Math.round(litePost.batchedPerSec),
    movementsPerSecPgliteSingle: Math.round(litePost.singlePerSec),
    balanceView50x5000Ms: Math.round(liteBv.fullMs),
  };
  if (pgPost) {
    result.movementsPerSecPg = Math.round(pgPost.batchedPerSec);
    result.movementsPerSecPgSingle = Math.round(pgPost.singlePerSec);
    result.movementsPerSecPgConcurrent = Math.round(pgPost.concurrentPerSec ?? 0);
  }
  if (pgBv) result.balanceView50x5000MsPg = Math.round(pgBv.fullMs);
  return result;
}
