/**
 * Writes test/support/durations.json (seconds per test file, the order test/support/sequencer.ts
 * starts files in) from vitest JSON reports: `npx tsx scripts/test-durations.ts PGLITE.json [POSTGRES.json]`,
 * e.g. CI's test-artifacts/pglite.json and test-artifacts/postgres.json. A pass without a report keeps
 * the durations it had.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DURATIONS_PATH, type Durations } from '../test/support/sequencer.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Report {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
}

function secondsPerFile(file: string): Record<string, number> {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
  if (!Array.isArray(r.testResults)) throw new Error(`${file}: testResults: expected an array (a vitest JSON report), got ${typeof r.testResults}`);
  const out: Array<[string, number]> = r.testResults.map((t) => [path.relative(ROOT, t.name).split(path.sep).join('/'), Math.round((t.endTime - t.startTime) / 100) / 10]);
  return Object.fromEntries(out.sort((a, b) => b[1] - a[1]));
}

const [pglite, postgres] = process.argv.slice(2);
if (!pglite) {
  console.error('usage: npx tsx scripts/test-durations.ts PGLITE-REPORT.json [POSTGRES-REPORT.json]');
  process.exit(2);
}
const before: Durations = existsSync(DURATIONS_PATH) ? JSON.parse(readFileSync(DURATIONS_PATH, 'utf8')) : { pglite: {}, postgres: {} };
const next: Durations = { pglite: secondsPerFile(pglite), postgres: postgres ? secondsPerFile(postgres) : before.postgres };
writeFileSync(DURATIONS_PATH, `${JSON.stringify(next, null, 1)}\n`);
console.log(`${DURATIONS_PATH}: ${Object.keys(next.pglite).length} files (PGlite), ${Object.keys(next.postgres).length} (PostgreSQL)`);
