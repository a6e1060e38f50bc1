import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { describeScope, testScope } from './test/support/test-scope.ts';

// One config for the whole suite. Tests sit beside the code (`src/**/*.test.ts`);
// end-to-end and load tests live under `test/`. Database-backed tests read
// DATABASE_URL: unset means embedded PGlite, set means a PostgreSQL server.
// BAOGONG_TEST_SCOPE=database runs only the files that can reach a database server
// (test/support/test-scope.ts): CI's PostgreSQL pass, after a full pass on PGlite.
const scopeName = process.env.BAOGONG_TEST_SCOPE ?? 'all';
if (scopeName !== 'all' && scopeName !== 'database') throw new Error(`BAOGONG_TEST_SCOPE: expected 'all' or 'database', got '${scopeName}'`);
const scope = scopeName === 'database' ? testScope(path.dirname(fileURLToPath(import.meta.url))) : null;
if (scope) console.log(describeScope(scope));

export default defineConfig({
  test: {
    include: scope ? scope.database : ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its test files one after another in one module graph: the app's modules,
    // PGlite's and HiGHS's WASM load once per worker, not once per file (import time: see
    // docs/CONVENTIONS.md, Tests). Test files keep their own state in beforeAll/afterAll.
    isolate: false,
    // BAOGONG_TEST_CPU=1: each file's CPU (worker, children) and wall time, appended to
    // test-artifacts/cpu-per-file.tsv (docs/testing.md).
    setupFiles: process.env.BAOGONG_TEST_CPU ? ['./test/support/cpu-per-file.ts'] : [],
  },
});
