import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Which test files can touch a database server: the PostgreSQL pass of CI (`.ci/run`, with
 * `BAOGONG_TEST_SCOPE=database`) runs only these, since every other file does the same work
 * whatever DATABASE_URL says.
 *
 * A file is in when a module its static or dynamic imports reach (within the repository) opens
 * a database (imports src/store/db.ts), reads DATABASE_URL or starts a child process (which
 * inherits DATABASE_URL). The browser tests (test/e2e/) are out although they reach the database:
 * their harness starts the server on an embedded data folder and deletes DATABASE_URL, so on
 * both passes they run the same thing. `describeScope` says what was left out, and why.
 */

export interface TestScope {
  /** Test files (relative to the root, `/`-separated) that can reach a database server. */
  database: string[];
  /** Left out: they never open a database, read DATABASE_URL or start a process. */
  noDatabase: string[];
  /** Left out: the browser tests, always on an embedded database. */
  embeddedOnly: string[];
}

const EMBEDDED_ONLY = 'test/e2e/';
const IMPORT = /(?:^|[^\w.])(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const TOUCHES = /src\/store\/db\.ts$/;
const MARKERS = /DATABASE_URL|node:child_process|['"]child_process['"]/;

function listTests(dir: string, root: string): string[] {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : listTests(p, root);
    return e.name.endsWith('.test.ts') ? [path.relative(root, p).split(path.sep).join('/')] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((c) => statSync(c, { throwIfNoEntry: false })?.isFile()) ?? null;
}

/** Sorts the test files under `src/` and `test/` of `root` by whether they can reach a database server. */
export function testScope(root: string): TestScope {
  // Per module: whether it opens, reads or spawns itself, and the modules it imports (cached).
  const modules = new Map<string, { hit: boolean; imports: string[] }>();
  const read = (file: string) => {
    let m = modules.get(file);
    if (!m) {
      const text = readFileSync(file, 'utf8');
      const imports: string[] = [];
      for (const x of text.matchAll(IMPORT)) {
        if (x[1]) continue; // `import type`: erased
        const target = resolveImport(file, x[2] ?? x[3]);
        if (target) imports.push(target);
      }
      m = { hit: TOUCHES.test(file.split(path.sep).join('/')) || MARKERS.test(text), imports };
      modules.set(file, m);
    }
    return m;
  };
  const visit = (start: string): boolean => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) {
      const m = read(queue.pop()!);
      if (m.hit) return true;
      for (const t of m.imports) {
        if (seen.has(t)) continue;
        seen.add(t);
        queue.push(t);
      }
    }
    return false;
  };
  const scope: TestScope = { database: [], noDatabase: [], embeddedOnly: [] };
  for (const rel of [...listTests(path.join(root, 'src'), root), ...listTests(path.join(root, 'test'), root)].sort()) {
    if (rel.startsWith(EMBEDDED_ONLY)) scope.embeddedOnly.push(rel);
    else if (visit(path.join(root, rel))) scope.database.push(rel);
    else scope.noDatabase.push(rel);
  }
  return scope;
}

export function describeScope(s: TestScope): string {
  return [
    `database pass: ${s.database.length} test files that can reach a database server;`,
    `left out: ${s.noDatabase.length} that never open one (${s.noDatabase.join(', ')}),`,
    `${s.embeddedOnly.length} browser tests on their own embedded data folder (${s.embeddedOnly.join(', ')})`,
  ].join('\n');
}
