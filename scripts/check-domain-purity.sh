#!/usr/bin/env bash
# The domain core must stay pure: no database driver, server, file system, clock (wall or
# monotonic), Math.random, environment or timers, and no imports of the outer layers (adapters in solver/, store/,
# api/, cli/, and flows/). Time and randomness are passed in; ports (e.g. MipSolver in
# domain/shared/mip.ts) are declared here and implemented outside.
set -u
cd "$(dirname "$0")/.."
drivers="from ['\"](pg|@electric-sql/pglite|fastify|node:fs|fs|fs/promises|node:fs/promises|kysely|node:perf_hooks|perf_hooks|node:worker_threads|worker_threads|node:child_process|child_process|highs)['\"]"
clock="Date\.now\(|Math\.random\(|new Date\(\)|performance\.now\(|process\.hrtime|\bperformance\b\.|\bprocess\.(env|argv|hrtime|exit|cwd)\b|\bsetTimeout\(|\bsetInterval\(|\bcrypto\.(randomUUID|getRandomValues|randomBytes)"
layers="from ['\"](\.\./)+(solver|store|api|cli|flows)/"
bad=$(grep -rnE "$drivers|$clock|$layers" src/domain --include='*.ts' | grep -v '\.test\.ts:' | grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)')
if [ -n "$bad" ]; then
  echo "domain purity check failed (pass time, randomness and solvers in; see docs/CONVENTIONS.md):"; echo "$bad"; exit 1
fi
echo "domain purity check: ok"
