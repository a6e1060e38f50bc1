#!/usr/bin/env bash
# The domain core must stay pure: no database driver, server, file system, wall clock or Math.random.
set -u
bad=$(grep -rnE "from ['\"](pg|@electric-sql/pglite|fastify|node:fs|fs|fs/promises|node:fs/promises|kysely)['\"]|Date\.now\(|Math\.random\(|new Date\(\)" src/domain --include='*.ts' | grep -v '\.test\.ts:')
if [ -n "$bad" ]; then
  echo "domain purity check failed:"; echo "$bad"; exit 1
fi
echo "domain purity check: ok"
