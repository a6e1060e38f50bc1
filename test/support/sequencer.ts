/**
 * The order test files start in: the longest first, so that neither of CI's two workers is left
 * with a long file to run alone at the end (vitest hands the next file to whichever worker is
 * free). Durations come from vitest's own results cache when it has them (a machine that ran the
 * suite before), else from test/support/durations.json, measured on CI's machine and refreshed with
 * `npx tsx scripts/test-durations.ts test-artifacts/pglite.json test-artifacts/postgres.json`.
 * A fresh clone has no cache: vitest's default order there is the biggest file in bytes first,
 * which started the browser walks (small files, ~80 s each) last.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds per test file (relative to the root, `/`-separated), per pass. */
export interface Durations {
  pglite: Record<string, number>;
  postgres: Record<string, number>;
}

export const DURATIONS_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'durations.json');
const ROOT = path.resolve(path.dirname(DURATIONS_PATH), '../..');

/**
 * The measured durations of the pass this process runs: PostgreSQL's when DATABASE_URL is set,
 * PGlite's for a file the PostgreSQL pass has no figure for (the heavy files are heavy on both).
 */
export function measuredDurations(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const all = JSON.parse(readFileSync(DURATIONS_PATH, 'utf8')) as Durations;
  return env.DATABASE_URL ? { ...all.pglite, ...all.postgres } : all.pglite;
}

/**
 * The files longest first: a file's duration from the results cache, else from durations.json.
 * Files in neither (new ones) go first in vitest's order, as vitest runs unknown files first.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const measured = measuredDurations();
    const rank = new Map(base.map((f, i) => [f, i]));
    const seconds = (f: TestSpecification): number | undefined => {
      const rel = path.relative(ROOT, f.moduleId).split(path.sep).join('/');
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`);
      return cached ? cached.duration / 1000 : measured[rel];
    };
    return [...base].sort((a, b) => {
      const sa = seconds(a);
      const sb = seconds(b);
      if (sa === undefined || sb === undefined) return sa === sb ? rank.get(a)! - rank.get(b)! : sa === undefined ? -1 : 1;
      return sb - sa || rank.get(a)! - rank.get(b)!;
    });
  }
}
