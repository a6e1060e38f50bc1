import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testScope } from './support/test-scope.ts';

/** CI's PostgreSQL pass runs only the database scope: nothing that opens a database may fall out of it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('test scope of the PostgreSQL pass', () => {
  const scope = testScope(ROOT);
  const all = [...scope.database, ...scope.noDatabase, ...scope.embeddedOnly];

  it('sorts every test file into exactly one group', () => {
    expect(new Set(all).size).toBe(all.length);
    expect(scope.database.length).toBeGreaterThan(0);
    expect(scope.noDatabase.length).toBeGreaterThan(0);
    expect(scope.noDatabase).toContain('src/domain/inventory/ledger.test.ts');
    expect(scope.database).toContain('test/orders.test.ts');
  });

  it('keeps every file that opens a test database, starts a process or reads DATABASE_URL', () => {
    const opens = /createTestApp|createTestDb|openScratchDatabase|openDatabase|DATABASE_URL|child_process|startServer/;
    const direct = all.filter((f) => !f.startsWith('test/e2e/') && f !== 'test/test-scope.test.ts' && opens.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(direct.length).toBeGreaterThan(10);
    for (const f of direct) expect(scope.database, f).toContain(f);
  });

  it('leaves out the browser tests, whose harness always runs the server on an embedded folder', () => {
    expect(scope.embeddedOnly.length).toBeGreaterThan(0);
    expect(scope.embeddedOnly.every((f) => f.startsWith('test/e2e/'))).toBe(true);
    expect(readFileSync(path.join(ROOT, 'test/e2e/harness.ts'), 'utf8')).toMatch(/delete env\.DATABASE_URL/);
  });
});
