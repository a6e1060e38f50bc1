import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from './support/app.ts';
import { BIN, killTree, startServer } from './support/server.ts';

describe('the baogong CLI', () => {
  let dir: string;
  let tdb: TestDb | null = null;
  let server: Awaited<ReturnType<typeof startServer>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'baogong-cli-'));
    env = { ...process.env, BAOGONG_DATA: path.join(dir, 'data'), BAOGONG_ADMIN_PASSWORD: 'test-admin-pw', HOME: dir };
    delete env.BAOGONG_URL;
    if (process.env.DATABASE_URL) {
      tdb = await createTestDb();
      env.DATABASE_URL = tdb.url;
    }
    server = await startServer(env);
    const login = spawnSync(process.execPath, [BIN, '--server', server.url, 'login', '--username', 'admin', '--password', 'test-admin-pw'], { env, encoding: 'utf8' });
    expect(login.stdout).toContain('signed in as admin');
  }, 320_000); // the demo load takes minutes on 2 busy cores

  afterAll(async () => {
    if (server) {
      await killTree(server.proc, 'SIGTERM');
      await server.exited;
    }
    await tdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, '--server', server.url, ...args], { env, encoding: 'utf8', timeout: 60_000 });

  it('serve starts the server with the demo network and answers over HTTP', async () => {
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health.status).toBe('ok');
    const login = await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'test-admin-pw' }) })).json();
    const nodes = await (await fetch(`${server.url}/api/nodes`, { headers: { authorization: `Bearer ${login.token}` } })).json();
    expect(nodes.nodes.map((n: any) => n.id)).toContain('dazu-plaza');
    const docs = await fetch(`${server.url}/docs`);
    expect(docs.status).toBe(200);
  });

  it('lists nodes as JSON through the server', () => {
    const r = cli('--json', 'nodes', 'list', '--kind', 'store');
    expect(r.status).toBe(0);
    const nodes = JSON.parse(r.stdout);
    expect(nodes.every((n: any) => n.kind === 'store')).toBe(true);
  });

  it('changes a node status and shows it', () => {
    const r = cli('nodes', 'status', 'dazu-plaza', 'suspended', '--reason', 'inside the lockdown area');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('suspended');
  });

  it('exits 2 with the row and column when an import file is bad, and 0 when it is good', () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'id,nameZh,nameEn,category,unit,temperatureClass,shelfLifeDays\nX-1,甲,A,rice,bag,lukewarm,10\n');
    const r = cli('import', 'items', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('row 2, column temperatureClass');
    const good = path.join(dir, 'good.csv');
    writeFileSync(good, 'id,nameZh,nameEn,category,unit,temperatureClass,shelfLifeDays\nX-1,甲,A,rice,bag,ambient,10\n');
    const ok = cli('import', 'items', good);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('imported 1 of 1');
  });

  it('exits 1 with the error code for an unknown node', () => {
    const r = cli('nodes', 'show', 'atlantis');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not_found');
  });

  it('moves a node’s frozen stock with stock move (搬仓), and refuses the same node with exit 2', () => {
    const same = cli('stock', 'move', 'yz-satellite', 'yz-satellite');
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('toNodeId');
    const r = cli('stock', 'move', 'yz-satellite', 'yicheng-jingyuan', '--temperature', 'frozen');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^搬仓 MV-\S+: \d+ units of \d+ items from yz-satellite to yicheng-jingyuan/);
    expect(r.stdout).toMatch(/\d+ trips confirmed/);
    const again = cli('stock', 'move', 'yz-satellite', 'yicheng-jingyuan', '--temperature', 'frozen');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('nothing free to move');
  });

  it('is refused without a token, and the refusal is 401', async () => {
    await settle();
    const r = await fetch(`${server.url}/api/nodes`);
    expect(r.status).toBe(401);
    const anon = spawnSync(process.execPath, [BIN, '--server', server.url, 'nodes', 'list'], { env: { ...env, HOME: path.join(dir, 'nobody') }, encoding: 'utf8' });
    expect(anon.status).toBe(1);
    expect(anon.stderr).toContain('unauthorized');
  });

  it('records the status change in the audit log with who and why', () => {
    const r = cli('--json', 'audit', '--route', 'status');
    expect(r.status).toBe(0);
    const entries = JSON.parse(r.stdout).entries;
    expect(entries[0]).toMatchObject({ username: 'admin', reason: 'inside the lockdown area', statusCode: 200 });
  });

  it('never opens the database folder the server holds: it names the process and its URL, and changes nothing', async () => {
    if (process.env.DATABASE_URL) return; // a PostgreSQL server has no folder to lock; the shared-server case is the server's own
    const nodeStatus = async () => {
      await settle();
      const token = readFileSync(path.join(dir, '.baogong', 'token'), 'utf8').trim();
      return (await (await fetch(`${server.url}/api/nodes/dazu-plaza`, { headers: { authorization: `Bearer ${token}` } })).json()).status;
    };
    const before = await nodeStatus();
    // No --server and nothing listening on the default port: the CLI would fall back to the folder.
    const r = spawnSync(process.execPath, [BIN, 'nodes', 'status', 'dazu-plaza', 'closed', '--reason', 'lost write?'], { env: { ...env, PORT: String(await freePort()) }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/in use by process \d+/);
    expect(r.stderr).toContain(`--server ${server.url}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(await nodeStatus()).toBe(before);
    expect(before).not.toBe('closed');
  });

  it('places the demo incident on today\'s dates, and shows it as a short summary in Beijing time (--full for everything)', () => {
    const declared = cli('incidents', 'declare-demo', '--today', '--id', 'demo-today');
    expect(declared.status).toBe(0);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(declared.stdout).toContain(`from ${today} 10:00 (UTC+8)`);
    const shown = cli('incidents', 'show', 'demo-today');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^incident demo-today: /);
    expect(shown.stdout).toContain('(UTC+8)');
    expect(() => JSON.parse(shown.stdout)).toThrow();
    const full = cli('incidents', 'show', 'demo-today', '--full');
    expect(JSON.parse(full.stdout)).toMatchObject({ id: 'demo-today', status: 'declared' });
    expect(full.stdout.length).toBeGreaterThan(shown.stdout.length);
  });

  it('says in one line that the port is in use, without a stack trace', () => {
    const port = new URL(server.url).port;
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', port, '--data', path.join(dir, 'other-data')], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says in one line that an export path cannot be written, without a stack trace', () => {
    const r = cli('zones', 'export', path.join(dir, 'no-such-folder', 'zones.geojson'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot write');
    expect(r.stderr).toContain('its folder does not exist');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help for every command', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(r.stdout).toContain('serve');
    expect(r.stdout).toContain('import');
  });
});

/** A port nothing listens on (taken and released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Lets the event loop run before a fetch that follows spawnSync: spawnSync blocks the loop
 * for the whole CLI run, so the close of an idle keep-alive socket (the server closes them
 * after 72 s) is not seen yet and undici would send the request on a dead socket
 * ("other side closed").
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}
