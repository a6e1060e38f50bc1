import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve('bin/baogong.mjs');

export interface RunningServer {
  proc: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `baogong serve` as a real process on a free port and waits for its URL. */
export function startServer(env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<RunningServer> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn', ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 300_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], output: () => out, exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** Kills the process under bin/baogong.mjs and any process it started. */
export async function killTree(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const { execSync } = await import('node:child_process');
  const pids: number[] = [];
  const walk = (pid: number) => {
    pids.push(pid);
    let kids = '';
    try {
      kids = execSync(`pgrep -P ${pid}`, { encoding: 'utf8' });
    } catch {
      kids = '';
    }
    for (const k of kids.split('\n').filter(Boolean)) walk(Number(k));
  };
  walk(proc.pid!);
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return (await r.json()).token;
}
