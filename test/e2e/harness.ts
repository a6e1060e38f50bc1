import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { seedDemoFolder } from '../support/demo-folder.ts';

/**
 * End-to-end harness: builds the web app when web/dist is missing, starts the real
 * server (`baogong serve`) as a child process on a free port with a fresh embedded
 * database (a copy of the shared demo template) in a temporary BAOGONG_DATA folder, and drives Debian's Chromium
 * (/usr/bin/chromium, headless) with playwright-core. Screenshots go to
 * test-artifacts/ (git-ignored).
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[e2e] skipped: ${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)`);

/** The first admin, created by the server from BAOGONG_ADMIN_PASSWORD on an empty database. */
export const CREDENTIALS = { username: 'admin', password: 'e2e-admin-password' };

/**
 * The draft budgets of the servers the browser tests start (BAOGONG_DRAFT_BUDGETS, see
 * src/api/routes/incidents.ts): sourcing 3 s instead of 10, trips 1 s and 100 iterations a solve
 * instead of 5 s and 400, the roster MIP 1 s instead of 3; days as the defaults (trips 2, roster 3).
 */
export const E2E_DRAFT_BUDGETS = { sourcingTimeLimitS: 3, tripsBudgetMs: 1000, tripsMaxIterations: 100, rosterTimeLimitS: 1 };

export const LAPTOP = { width: 1366, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** The newest modification time under a folder. */
function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds web/dist when it is missing or older than the app's sources (CI may build it first with `npm run build:web`). */
export function ensureWebBuilt(): void {
  const index = path.join(ROOT, 'web', 'dist', 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'web', 'src')), newestMtime(path.join(ROOT, 'web', 'public')), statSync(path.join(ROOT, 'web', 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build web failed with exit code ${r.status}`);
}

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `baogong serve --port 0` on a fresh data folder holding the demo and waits for its
 * address. The folder is a copy of a demo template the e2e files share (test/support/demo-folder.ts):
 * the demo is loaded once per run, not once per server.
 */
export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'baogong-e2e-'));
  // BAOGONG_DB_TEMPLATES=off (see src/store/scratch.ts): the server loads the demo itself, as on a first start.
  if (process.env.BAOGONG_DB_TEMPLATES !== 'off') await seedDemoFolder(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BAOGONG_DATA: dataDir,
    LOG_LEVEL: 'warn',
    BAOGONG_ADMIN_PASSWORD: CREDENTIALS.password,
    // The screens draft and re-run plans with the server's budgets: short ones here (the walks check
    // the screens, not the plans' quality; test/incidents.test.ts drafts with the full defaults).
    BAOGONG_DRAFT_BUDGETS: JSON.stringify(E2E_DRAFT_BUDGETS),
  };
  delete env.DATABASE_URL; // the embedded database, always
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    // Loading the demo takes ~30 s on an idle machine and over 2 min on 2 cores shared by several jobs.
    const startS = Number(process.env.BAOGONG_E2E_START_S ?? 300);
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startS} s:\n${log}`)), startS * 1000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /Baogong is running at (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}:\n${log}`));
    });
  });
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
}

export async function newPage(browser: Browser, opts: { viewport: { width: number; height: number }; locale?: string; mobile?: boolean }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: opts.viewport,
    locale: opts.locale ?? 'zh-CN',
    deviceScaleFactor: 1,
    isMobile: opts.mobile ?? false,
    hasTouch: opts.mobile ?? false,
  });
  const page = await context.newPage();
  trackRequests(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused request (4xx) is logged by Chromium as "Failed to load resource"; the
    // screens show those answers, so only other console errors count.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  // The app must not reach outside its own origin (no tiles, no fonts, no CDNs).
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
    errors.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  return { context, page, errors };
}

/** Requests in flight per page, and when that set last changed (Date.now()). */
const inFlight = new WeakMap<Page, { requests: Set<Request>; changedAt: number }>();

/**
 * Tracks the page's requests in flight, for `networkSettled` (pages from `newPage` are tracked already).
 * An EventSource stream (the board's live feed) stays open by design and is not counted.
 */
export function trackRequests(page: Page): void {
  if (inFlight.has(page)) return;
  const s = { requests: new Set<Request>(), changedAt: Date.now() };
  inFlight.set(page, s);
  const done = (r: Request) => {
    if (s.requests.delete(r)) s.changedAt = Date.now();
  };
  page.on('request', (r) => {
    if (r.resourceType() === 'eventsource') return;
    s.requests.add(r);
    s.changedAt = Date.now();
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/**
 * Waits until the page has had no request in flight for `quietMs` (counted from the call at the
 * earliest), then for one painted frame:
 * every answer a screen asked for has arrived and been rendered, and a request its render started
 * (screens load in steps: the nodes, then a node's data) has been waited for too. Unlike a fixed
 * pause it waits as long as a slow answer takes (up to `timeoutMs`), and no longer than needed;
 * unlike Playwright's `networkidle` it also works after a client-side navigation.
 */
export async function networkSettled(page: Page, quietMs = 300, timeoutMs = 60_000): Promise<void> {
  const s = inFlight.get(page);
  if (!s) throw new Error('networkSettled: the page is not tracked (make it with newPage, or call trackRequests first)');
  // Counted from the call at the earliest: a click's requests start a moment after it returns.
  const calledAt = Date.now();
  const deadline = calledAt + timeoutMs;
  for (;;) {
    const quietFor = Date.now() - Math.max(s.changedAt, calledAt);
    if (s.requests.size === 0 && quietFor >= quietMs) break;
    if (Date.now() > deadline) throw new Error(`networkSettled: still in flight after ${timeoutMs} ms: ${[...s.requests].map((r) => r.url()).join(', ')}`);
    await new Promise((r) => setTimeout(r, s.requests.size === 0 ? quietMs - quietFor : 25));
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}


/** Signs in through the form (or passes through when the server has no auth yet). */
export async function signIn(page: Page, baseUrl: string, path = '/'): Promise<void> {
  await page.goto(baseUrl + path);
  await page.getByTestId('login-form').waitFor();
  await page.locator('input[name=username]').fill(CREDENTIALS.username);
  await page.locator('input[name=password]').fill(CREDENTIALS.password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-out').waitFor({ timeout: 15_000 });
}

/** Calls the API as the admin (to set up data a screen needs, e.g. opening stock). */
export async function apiAs(baseUrl: string): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>> {
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREDENTIALS) });
  const token = login.ok ? ((await login.json()) as { token: string }).token : null;
  return async (method, path, body) => {
    const headers: Record<string, string> = { 'idempotency-key': crypto.randomUUID() };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}
