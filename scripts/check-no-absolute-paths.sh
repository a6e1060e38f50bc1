#!/usr/bin/env bash
# Tests, benchmarks, docs and code must work from any clone: nothing may name a folder of the
# development machine (the repo's own data lives under test/fixtures/ and data/).
set -u
cd "$(dirname "$0")/.."
bad=$(git grep -nE "/work/|/home/[a-z]" -- . ':!scripts/check-no-absolute-paths.sh' ':!package-lock.json' 2>/dev/null)
if [ -n "$bad" ]; then
  echo "absolute path check failed (use a path relative to the repo, e.g. test/fixtures/vrptw.ts):"; echo "$bad"; exit 1
fi
echo "absolute path check: ok"
