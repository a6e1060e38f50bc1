/**
 * The orders benchmark's load generator, run as its OWN process (`node --import tsx
 * bench/orders-load.ts '<json config>'`, or with `--stdin`, one JSON line of configs per rush),
 * never inside the server's: `clients` keep-alive HTTP clients post 5-line orders for `seconds` to the given ports (clients spread evenly over them)
 * and it prints one JSON line with what it saw (counts, latency quantiles). As wrk and k6 do, every
 * client's connection is opened and checked with one `GET /health` BEFORE the timed phase starts
 * (`connectMs`, reported apart): the timed phase measures a warmed pool of keep-alive connections,
 * not connection set-up (`newConnectionsInRun` counts any socket the timed phase still had to open). `orderGenerator` is
 * also used by the in-process measurement, so both send the same orders.
 *
 * The orders: lines drawn from the catalogue by Zipf (s = 1.1, a few items very popular; they sell
 * out during the run), 1–2 units each, customers among 200,000, early delivery slots preferred.
 */
import http from 'node:http';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export interface LoadConfig {
  ports: number[];
  clients: number;
  seconds: number;
  catalogue: number;
  slots: string[];
  seed: number;
  /** A bearer token sent with every order (a server with authentication on). */
  token?: string;
}

export interface LoadResult {
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
  /** Wall ms to open every client's connection and get one answer to `GET /health` on each, before the timed phase. */
  connectMs: number;
  /** Connections open (and idle) when the timed phase started. */
  connectionsOpen: number;
  /** Sockets the timed phase had to open itself (0 when the pool held: a dropped connection is reopened). */
  newConnectionsInRun: number;
}

/** A deterministic stream of order bodies (the same seed gives the same orders). */
export function orderGenerator(seed: number, catalogue: number, slots: string[]): () => { customerId: string; address: { lat: number; lng: number; householdId: string }; lines: Array<{ itemId: string; quantity: number }>; slotStart: string } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const w: number[] = [];
  let tot = 0;
  for (let k = 1; k <= catalogue; k++) {
    tot += 1 / Math.pow(k, 1.1);
    w.push(tot);
  }
  const zipf = () => {
    const u = rnd() * tot;
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (w[m] < u) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const slotW = slots.map((_, i) => 1 / (i + 1));
  const slotTot = slotW.reduce((a, b) => a + b, 0);
  const pickSlot = () => {
    let u = rnd() * slotTot;
    for (let i = 0; i < slots.length; i++) {
      u -= slotW[i];
      if (u <= 0) return slots[i];
    }
    return slots[0];
  };
  return () => {
    const items = new Set<number>();
    while (items.size < 5) items.add(zipf());
    const cust = 'cust-' + Math.floor(rnd() * 200000);
    return {
      customerId: cust,
      address: { lat: 39.77 + rnd() * 0.03, lng: 116.5 + rnd() * 0.04, householdId: 'hh-' + cust },
      lines: [...items].map((k) => ({ itemId: 'sku-' + String(k).padStart(4, '0'), quantity: 1 + Math.floor(rnd() * 2) })),
      slotStart: pickSlot(),
    };
  };
}

/** Counts one answer into the tallies (shared by the HTTP and in-process loads). */
export function tally(r: LoadResult, lat: number[], status: number, body: any, ms: number): void {
  r.sent++;
  if (status === 201) {
    lat.push(ms);
    if (body.status === 'accepted') r.accepted++;
    else r.partial++;
    for (const o of body.orders) for (const l of o.lines) r.acceptedUnits += l.quantity;
    for (const x of body.rejectedLines) r.byReason['line:' + x.code] = (r.byReason['line:' + x.code] || 0) + 1;
  } else if (status === 422) {
    lat.push(ms);
    r.rejected++;
    const code = (body && body.code) || 'unknown';
    r.byReason[code] = (r.byReason[code] || 0) + 1;
  } else {
    r.errors++;
    r.byReason['http_' + status] = (r.byReason['http_' + status] || 0) + 1;
  }
}

export function emptyResult(): LoadResult {
  return { elapsedS: 0, sent: 0, accepted: 0, partial: 0, rejected: 0, errors: 0, acceptedUnits: 0, byReason: {}, p50: 0, p99: 0, connectMs: 0, connectionsOpen: 0, newConnectionsInRun: 0 };
}

export function finish(r: LoadResult, lat: number[], elapsedS: number): LoadResult {
  lat.sort((a, b) => a - b);
  const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : 0);
  return { ...r, elapsedS, p50: q(0.5), p99: q(0.99) };
}

async function main(cfg: LoadConfig): Promise<LoadResult> {
  const agents = cfg.ports.map(() => new http.Agent({ keepAlive: true, maxSockets: cfg.clients }));
  const next = orderGenerator(cfg.seed, cfg.catalogue, cfg.slots);
  const r = emptyResult();
  const lat: number[] = [];
  // Sockets opened by the connect phase; any other socket the timed phase uses is counted.
  const pooled = new Set<unknown>();
  let timed = false;
  const health = (c: number) =>
    new Promise<number>((resolve) => {
      const p = c % cfg.ports.length;
      const req = http.request({ host: '127.0.0.1', port: cfg.ports[p], path: '/health', method: 'GET', agent: agents[p] }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('socket', (s) => pooled.add(s));
      req.on('error', () => resolve(0));
      req.end();
    });
  const post = (c: number, payload: string, key: string) =>
    new Promise<{ status: number; body: any; ms: number }>((resolve) => {
      const t0 = process.hrtime.bigint();
      const p = c % cfg.ports.length;
      const req = http.request(
        { host: '127.0.0.1', port: cfg.ports[p], path: '/api/orders', method: 'POST', agent: agents[p], headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'idempotency-key': key, ...(cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            let body: any = null;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString());
            } catch {
              body = null;
            }
            resolve({ status: res.statusCode ?? 0, body, ms });
          });
        },
      );
      req.on('socket', (s) => {
        if (timed && !pooled.has(s)) {
          pooled.add(s);
          r.newConnectionsInRun++;
        }
      });
      req.on('error', () => resolve({ status: 0, body: null, ms: 0 }));
      req.end(payload);
    });
  // Connect phase (untimed): all clients at once, so each opens its own keep-alive connection.
  const c0 = process.hrtime.bigint();
  const statuses = await Promise.all(Array.from({ length: cfg.clients }, (_, c) => health(c)));
  r.connectMs = Number(process.hrtime.bigint() - c0) / 1e6;
  const bad = statuses.filter((x) => x !== 200).length;
  if (bad) throw new Error(`load generator: ${bad} of ${cfg.clients} connections did not answer GET /health with 200 (statuses ${[...new Set(statuses)].join(', ')})`);
  r.connectionsOpen = agents.reduce((n, a) => n + Object.values(a.freeSockets).reduce((m, l) => m + (l?.length ?? 0), 0), 0);
  timed = true;
  const started = Date.now();
  const until = started + cfg.seconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.clients }, async (_, c) => {
      let i = 0;
      while (Date.now() < until) {
        const x = await post(c, JSON.stringify(next()), `k-${c}-${i++}-${cfg.seed}`);
        tally(r, lat, x.status, x.body, x.ms);
      }
    }),
  );
  for (const a of agents) a.destroy();
  return finish(r, lat, (Date.now() - started) / 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--stdin') {
    // Serves the whole benchmark: one JSON line of configs in (run one after the other, e.g. a
    // warm-up then the measured rush), one JSON line of results out; an empty list only answers.
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const out: LoadResult[] = [];
      for (const cfg of JSON.parse(line) as LoadConfig[]) out.push(await main(cfg));
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  } else {
    // One config, or several run one after the other (a warm-up, then the measured rush).
    const arg = JSON.parse(process.argv[2]) as LoadConfig | LoadConfig[];
    const out: LoadResult[] = [];
    for (const cfg of Array.isArray(arg) ? arg : [arg]) out.push(await main(cfg));
    process.stdout.write(JSON.stringify(Array.isArray(arg) ? out : out[0]) + '\n');
  }
}
