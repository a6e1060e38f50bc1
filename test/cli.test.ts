import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  }, 120_000);

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

  it('is refused without a token, and the refusal is 401', async () => {
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

  it('prints help for every command', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(r.stdout).toContain('serve');
    expect(r.stdout).toContain('import');
  });
});
