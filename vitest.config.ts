import { defineConfig } from 'vitest/config';

// One config for the whole suite. Tests sit beside the code (`src/**/*.test.ts`);
// end-to-end and load tests live under `test/`. Database-backed tests read
// DATABASE_URL: unset means embedded PGlite, set means a PostgreSQL server.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
