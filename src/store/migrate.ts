/**
 * Migrations live in src/store/migrations as `NNNN_<context>_<what>.ts`, each
 * exporting `up(db)`. Each context has its own number range (docs/CONVENTIONS.md),
 * so migrations are applied in name order but allowed to arrive out of order.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
    const files = (await readdir(dir)).filter((f) => /^\d{4}_.+\.(ts|js)$/.test(f) && !f.endsWith('.test.ts')).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) {
      const mod = (await import(path.join(dir, f))) as Migration;
      out[f.replace(/\.(ts|js)$/, '')] = mod;
    }
    return out;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Migrator takes any schema: it builds the one tables.ts describes
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
