/**
 * A throw-away, migrated database for tests and benchmarks: PGlite in memory when
 * `baseUrl` is unset, else a brand-new database on that PostgreSQL server, dropped on
 * close, so parallel runs never see each other's rows.
 *
 * Each scratch database is a copy of a template built once and reused by every test file,
 * worker and run until the code it depends on changes:
 * - PGlite: the data folder of a migrated database, dumped (`dumpDataDir`) to
 *   `node_modules/.cache/baogong-db-templates/` and loaded with `loadDataDir`, which skips
 *   initdb (the slowest part of opening PGlite) and the migrations;
 * - PostgreSQL: a template database `bg_tpl_<hash>` on the server, copied with
 *   `CREATE DATABASE x TEMPLATE bg_tpl_<hash>` (a file copy, no migrations).
 * `seed` (e.g. the demo data) makes a second template level: migrated and seeded once, keyed
 * by the seed's key and the source of src/ and data/, so a code change rebuilds it. A seed with
 * a `base` makes a further level from a copy of the base's template (e.g. the demo with an
 * incident declared and its plan drafted, shared by the files that test that plan).
 * `BAOGONG_DB_TEMPLATES=off` turns templates off (every scratch database migrated afresh).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from './db.ts';
import { acquireFolderLock, FolderLockedError, type FolderLock } from './lock.ts';
import { migrateToLatest } from './migrate.ts';
import type { DB } from './tables.ts';

export interface ScratchDatabase {
  database: Database;
  /** The scratch database's URL (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

export interface ScratchSeed {
  /** Names what `load` writes, including every input it reads (e.g. `demo@2022-06-22T06:00:00.000Z`). */
  key: string;
  /** `database` is the one `db` belongs to (e.g. for an app built on it to load through its routes). */
  load(db: Kysely<DB>, database: Database): Promise<void>;
  /**
   * A seed this one adds to: its template is a copy of the base's template (built first, once)
   * with `load` run on it, so e.g. "the demo with an incident declared and drafted" pays for the
   * demo once across the test files that start from either.
   */
  base?: ScratchSeed;
}

export interface ScratchOptions {
  baseUrl?: string;
  prefix: string;
  poolSize?: number;
  /** Data every copy starts with, loaded once into a template. */
  seed?: ScratchSeed;
  /**
   * PGlite only: the copy is written to this empty data folder (left in place on close, for a
   * process the test starts to open) instead of kept in memory.
   */
  dataDir?: string;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE_DIR = path.join(REPO, 'node_modules', '.cache', 'baogong-db-templates');
const templatesOn = (): boolean => process.env.BAOGONG_DB_TEMPLATES !== 'off';

export async function openScratchDatabase(options: ScratchOptions): Promise<ScratchDatabase> {
  const { baseUrl, seed, dataDir } = options;
  // Without templates every level of the seed is loaded into the fresh database in turn.
  const prepare = async (database: Database) => {
    await migrateToLatest(database.db);
    for (const s of seedChain(seed)) await s.load(database.db, database);
  };
  if (!baseUrl) {
    if (!templatesOn()) {
      const database = await openDatabase({ dataDir });
      await prepare(database);
      return { database, close: () => database.close() };
    }
    const blob = await pgliteSeedTemplate(seed);
    const database = await openDatabase({ dataDir, loadDataDir: blob });
    // A no-op when the template is current; applies migrations added since it was built otherwise.
    await migrateToLatest(database.db);
    return { database, close: () => database.close() };
  }
  const name = `${options.prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const template = templatesOn() ? await pgSeedTemplate(baseUrl, seed) : null;
  await withAdmin(baseUrl, (a) => createDatabase(a, name, template));
  const url = withDatabase(baseUrl, name);
  const database = await openDatabase({ url, poolSize: options.poolSize ?? 20 });
  if (!template) await prepare(database);
  return {
    database,
    url,
    close: async () => {
      await database.close();
      await dropDatabase(baseUrl, name);
    },
  };
}

/** Data a test server's folder starts with, loaded at a recent time (see `seedDataFolder`). */
export interface FolderSeed {
  /** Names what `load` writes apart from the time it is loaded at (e.g. `demo@2026-12-06`, with the operating day). */
  key: string;
  /** A template built longer ago than this is rebuilt, so the data's clock stays near the real one. */
  maxAgeMs: number;
  load(db: Kysely<DB>, loadedAt: Date): Promise<void>;
}

/**
 * Fills the empty PGlite folder `dir` (for a test that starts a real server with `--data dir`)
 * with a migrated database seeded by `seed`, from a template tarball built once under the build
 * lock (from a copy of the migrated template) and reused while younger than `seed.maxAgeMs`: the
 * servers a test run starts share one demo load instead of each loading it (~30 s idle, minutes
 * on busy cores).
 */
export async function seedDataFolder(dir: string, seed: FolderSeed): Promise<void> {
  const key = templateKey({ key: seed.key, load: async () => {} });
  const kind = 'folder';
  const file = path.join(CACHE_DIR, `${kind}-${key.hash}.tar`);
  const fresh = () => {
    const st = statSync(file, { throwIfNoEntry: false });
    return !!st && Date.now() - st.mtimeMs < seed.maxAgeMs;
  };
  if (!fresh()) {
    // From a copy of the migrated template (no initdb and migrations again), fetched or built
    // before the lock is taken, as `pgliteTemplate` does: a builder never holds two locks.
    const migrated = await pgliteSeedTemplate(undefined);
    await withBuildLock(kind, async () => {
      if (fresh()) return;
      const blob = await buildPgliteTemplate(async ({ db }) => {
        await migrateToLatest(db);
        await seed.load(db, new Date());
      }, migrated);
      await writeTemplate(file, blob);
      pruneCache(kind, file);
    });
  }
  const database = await openDatabase({ dataDir: dir, loadDataDir: new Blob([readFileSync(file)]) });
  await database.close();
}

/**
 * The template's identity: the migrations' source (and, with a seed, the seed's key and
 * every source file under src/ and data/ that loading it may run), hashed.
 */
function templateKey(seed: ScratchSeed | undefined): { name: string; hash: string } {
  const h = createHash('sha256');
  const roots = seed ? [path.join(REPO, 'src'), path.join(REPO, 'data')] : [path.join(REPO, 'src', 'store', 'migrations'), path.join(REPO, 'src', 'store', 'migrate.ts')];
  for (const file of roots.flatMap(listFiles).sort()) {
    if (file.endsWith('.test.ts')) continue;
    h.update(path.relative(REPO, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  if (seed) h.update(`seed:${seed.key}`);
  return { name: seed ? 'seeded' : 'migrated', hash: h.digest('hex').slice(0, 16) };
}

/** The seed's levels, the innermost base first. */
function seedChain(seed: ScratchSeed | undefined): ScratchSeed[] {
  const chain: ScratchSeed[] = [];
  for (let s = seed; s; s = s.base) chain.unshift(s);
  return chain;
}

/** A seed's key with its bases' keys, so two seeds adding the same `load` to different bases differ. */
function chainKey(seed: ScratchSeed): string {
  return seedChain(seed).map((s) => s.key).join(' + ');
}

/**
 * The PGlite template for `seed`: migrated (no seed), or a copy of its base's template (the
 * migrated one for a seed without a base) with `seed.load` run on it.
 */
function pgliteSeedTemplate(seed: ScratchSeed | undefined): Promise<Blob> {
  if (!seed) return pgliteTemplate(templateKey(undefined), async ({ db }) => void (await migrateToLatest(db)));
  return pgliteTemplate(templateKey({ ...seed, key: chainKey(seed) }), async (database) => {
    await migrateToLatest(database.db);
    await seed.load(database.db, database);
  }, () => pgliteSeedTemplate(seed.base));
}

/** The PostgreSQL template for `seed`, built the same way (`CREATE DATABASE … TEMPLATE` of its base's). */
function pgSeedTemplate(baseUrl: string, seed: ScratchSeed | undefined): Promise<string> {
  if (!seed) return pgTemplate(baseUrl, templateKey(undefined), async ({ db }) => void (await migrateToLatest(db)), null);
  return pgTemplate(baseUrl, templateKey({ ...seed, key: chainKey(seed) }), async (database) => {
    await migrateToLatest(database.db);
    await seed.load(database.db, database);
  }, () => pgSeedTemplate(baseUrl, seed.base));
}

function listFiles(p: string): string[] {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return [];
  if (!st.isDirectory()) return [p];
  return readdirSync(p).flatMap((f) => listFiles(path.join(p, f)));
}

/** One template per process and key: built by the first caller, shared through the cache folder. */
const pgliteTemplates = new Map<string, Promise<Blob>>();

function pgliteTemplate(key: { name: string; hash: string }, prepare: (database: Database) => Promise<void>, base?: () => Promise<Blob>): Promise<Blob> {
  const file = path.join(CACHE_DIR, `${key.name}-${key.hash}.tar`);
  let p = pgliteTemplates.get(file);
  if (!p) {
    p = (async () => {
      if (statSync(file, { throwIfNoEntry: false })) return new Blob([readFileSync(file)]);
      // The base is fetched (or built, under its own lock) before this one's lock is taken: a
      // builder never holds two locks, so two workers never wait for each other.
      const from = base ? await base() : undefined;
      // One builder across worker processes: the others wait for its file rather than build it too.
      return withBuildLock(key.name, async () => {
        if (statSync(file, { throwIfNoEntry: false })) return new Blob([readFileSync(file)]);
        const blob = await buildPgliteTemplate(prepare, from);
        await writeTemplate(file, blob);
        pruneCache(key.name, file);
        return blob;
      });
    })();
    pgliteTemplates.set(file, p);
    p.catch(() => pgliteTemplates.delete(file));
  }
  return p;
}

/**
 * A migrated (and prepared) in-memory PGlite database, dumped as a data folder tarball without
 * the WAL segments a restart does not read: after a CHECKPOINT, recovery starts in the segment
 * of its redo point, so older segments (kept for recycling) and pre-allocated later ones only
 * cost every copy time and memory (the demo's template: 145 MB, of which 84 MB WAL).
 */
async function buildPgliteTemplate(prepare: (database: Database) => Promise<void>, from?: Blob): Promise<Blob> {
  const database = await openDatabase(from ? { loadDataDir: from } : {});
  try {
    await prepare(database);
    await sql`CHECKPOINT`.execute(database.db);
    const r = await sql<{ redo: string; cur: string }>`SELECT (SELECT redo_wal_file FROM pg_control_checkpoint()) AS redo, pg_walfile_name(pg_current_wal_insert_lsn()) AS cur`.execute(database.db);
    const { redo, cur } = r.rows[0];
    const blob = await database.dumpDataDir!();
    return new Blob([dropTarEntries(new Uint8Array(await blob.arrayBuffer()), (name) => isUnneededWal(name, redo, cur))]);
  } finally {
    await database.close();
  }
}

/** A WAL segment file outside [redo, cur] (segment names sort in WAL order). */
export function isUnneededWal(name: string, redo: string, cur: string): boolean {
  const m = /(?:^|\/)pg_wal\/([0-9A-F]{24})$/.exec(name);
  return !!m && (m[1] < redo || m[1] > cur);
}

/**
 * The tarball without the regular-file entries `drop` names. Returns the input unchanged when it
 * holds an entry this reader does not know (long-name or pax headers), rather than guess.
 */
export function dropTarEntries(tar: Uint8Array<ArrayBuffer>, drop: (name: string) => boolean): Uint8Array<ArrayBuffer> {
  const text = (a: number, b: number) => new TextDecoder().decode(tar.subarray(a, b)).replace(/\0.*$/s, '');
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let at = 0;
  let dropped = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const type = String.fromCharCode(header[156] || 48);
    if (type !== '0' && type !== '5') return tar;
    const prefix = text(at + 345, at + 500);
    const name = prefix ? `${prefix}/${text(at, at + 100)}` : text(at, at + 100);
    const size = Number.parseInt(text(at + 124, at + 136).trim() || '0', 8);
    const end = at + 512 + Math.ceil(size / 512) * 512;
    if (type === '0' && drop(name)) dropped++;
    else parts.push(tar.subarray(at, end));
    at = end;
  }
  if (dropped === 0) return tar;
  parts.push(new Uint8Array(1024)); // the end-of-archive marker
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes then renames, so a parallel worker never loads a half-written file. */
async function writeTemplate(file: string, blob: Blob): Promise<void> {
  const buf = Buffer.from(await blob.arrayBuffer());
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(tmp, buf);
  renameSync(tmp, file);
}

/**
 * Runs `build` holding the cache folder's `<kind>.lock` (the folder lock of src/store/lock.ts: a
 * lock whose process died is taken over), so of several workers that find no template of a kind
 * one builds it and the others wait for its file instead of each paying for PGlite's initdb, the
 * migrations and the seed at the same time on the same cores.
 */
async function withBuildLock<T>(kind: string, build: () => Promise<T>): Promise<T> {
  const folder = path.join(CACHE_DIR, `${kind}.lock`);
  let lock: FolderLock;
  for (;;) {
    try {
      lock = acquireFolderLock(folder, 'template build');
      break;
    } catch (e) {
      if (!(e instanceof FolderLockedError)) throw e;
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  try {
    return await build();
  } finally {
    lock.release();
  }
}

/** Removes older templates of the same kind once they have not been used for an hour. */
function pruneCache(kind: string, keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const f of readdirSync(CACHE_DIR)) {
    const full = path.join(CACHE_DIR, f);
    if (full === keep || !f.startsWith(`${kind}-`)) continue;
    try {
      if (statSync(full).mtimeMs < hourAgo) unlinkSync(full);
    } catch {
      /* another worker removed it */
    }
  }
}

/**
 * The template database for `key` on the server, built under an advisory lock so parallel
 * workers build it once; built under a temporary name and renamed, so a half-built template
 * is never copied.
 */
async function pgTemplate(baseUrl: string, key: { name: string; hash: string }, prepare: (database: Database) => Promise<void>, base: (() => Promise<string>) | null): Promise<string> {
  const template = `bg_tpl_${key.name}_${key.hash}`;
  await withAdmin(baseUrl, async (a) => {
    const lock = Number.parseInt(key.hash.slice(0, 8), 16) | 0;
    await a.query('SELECT pg_advisory_lock($1)', [lock]);
    try {
      const exists = await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount) return;
      const building = `${template}_b${randomUUID().replace(/-/g, '').slice(0, 6)}`;
      // A seed with a base starts from a copy of the base's template (its own lock, another key:
      // a builder waits for a base, never the other way round).
      await createDatabase(a, building, base ? await base() : null);
      const database = await openDatabase({ url: withDatabase(baseUrl, building), poolSize: 4 });
      try {
        await prepare(database);
      } finally {
        await database.close();
      }
      await waitForNoConnections(a, building);
      await a.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    } finally {
      await a.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
  });
  return template;
}

/** CREATE DATABASE, from a template when given; retried while another session briefly holds the template. */
async function createDatabase(a: pg.Client, name: string, template: string | null): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await a.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
      return;
    } catch (e) {
      // 55006: source database is being accessed by other users.
      if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

function withDatabase(baseUrl: string, name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitForNoConnections(a: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const r = await a.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * Drops a database once its connections are gone. pool.end() resolves before every
 * socket has closed; a forced drop would then kill connections that still have
 * listeners and surface as unhandled FATAL 57P01 errors.
 */
export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withAdmin(baseUrl, async (a) => {
    await waitForNoConnections(a, name);
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

async function withAdmin<T>(url: string, fn: (a: pg.Client) => Promise<T>): Promise<T> {
  const a = new pg.Client({ connectionString: url });
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.end();
  }
}
