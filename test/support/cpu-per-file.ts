/**
 * Where the suite's CPU goes, file by file (`BAOGONG_TEST_CPU=1 npm test`, see docs/testing.md):
 * a setup file that, for each test file, appends one line to test-artifacts/cpu-per-file.tsv:
 * the CPU seconds of the worker process (its threads too: the solver pool's workers), of the
 * child processes it waited for (test servers, CLI commands, Chromium), the wall seconds, and the
 * file. Read from /proc/self/stat, so Linux only; elsewhere it writes nothing.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const OUT = path.resolve('test-artifacts', 'cpu-per-file.tsv');
/** utime + stime and cutime + cstime in seconds (fields 14-17 of /proc/self/stat), or null. */
function cpu(): { self: number; children: number } | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  return { self: (Number(f[11]) + Number(f[12])) / ticks, children: (Number(f[13]) + Number(f[14])) / ticks };
}

let start: { self: number; children: number; wallMs: number } | null = null;
beforeAll(() => {
  const c = cpu();
  start = c && { ...c, wallMs: Date.now() };
});
afterAll(() => {
  const c = cpu();
  if (!c || !start) return;
  const file = path.relative(process.cwd(), expect.getState().testPath ?? '?');
  mkdirSync(path.dirname(OUT), { recursive: true });
  appendFileSync(OUT, `${(c.self - start.self).toFixed(2)}\t${(c.children - start.children).toFixed(2)}\t${((Date.now() - start.wallMs) / 1000).toFixed(1)}\t${file}\n`);
});
