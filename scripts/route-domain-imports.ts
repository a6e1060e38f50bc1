/**
 * Rewrites imports of domain internals (src/domain/<context>/<file>.ts) in the given files to the
 * context's public face (src/domain/<context>/index.ts), merging several imports of one face into one.
 * Test fixtures (fixtures.ts, fixtures/, arbitraries.ts) are left alone. Idempotent. After it, run
 * `npx tsc --noEmit -p .`: a name the face does not export yet must be added to its index.ts.
 *
 *   npx tsx scripts/route-domain-imports.ts src/store/zones.ts src/flows/*.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const FIXTURE = /\/(fixtures(\.ts|\/)|arbitraries\.ts)/;

interface Edit { start: number; end: number; text: string }

/** The face `spec` should go through, or null when it is not a domain import (or a fixture). */
function faceOf(file: string, spec: string): { face: string; internal: boolean } | null {
  if (!spec.startsWith('.')) return null;
  const target = path.relative(process.cwd(), path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
  const m = target.match(/^src\/domain\/([a-z-]+)\/(.+)$/);
  if (!m || FIXTURE.test('/' + m[2])) return null;
  return { face: spec.replace(/domain\/([a-z-]+)\/.+$/, 'domain/$1/index.ts'), internal: m[2] !== 'index.ts' };
}

/** The file's text with its domain imports routed through the faces. */
export function routeImports(file: string, text: string): string {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const groups = new Map<string, Array<{ st: ts.ImportDeclaration; names: Array<{ text: string; type: boolean }>; internal: boolean }>>();
  const visit = (n: ts.Node): void => {
    // Dynamic imports: only the specifier changes.
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      const f = faceOf(file, n.arguments[0].text);
      if (f?.internal) edits.push({ start: n.arguments[0].getStart(sf) + 1, end: n.arguments[0].getEnd() - 1, text: f.face });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const st of sf.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const f = faceOf(file, st.moduleSpecifier.text);
    if (!f) continue;
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    if (!ts.isImportDeclaration(st) || !clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) {
      if (f.internal) edits.push({ start: st.moduleSpecifier.getStart(sf) + 1, end: st.moduleSpecifier.getEnd() - 1, text: f.face });
      continue;
    }
    const names = clause.namedBindings.elements.map((e) => ({ text: e.getText(sf).replace(/^type\s+/, ''), type: clause.isTypeOnly || e.isTypeOnly }));
    const list = groups.get(f.face) ?? [];
    list.push({ st, names, internal: f.internal });
    groups.set(f.face, list);
  }
  for (const [face, list] of groups) {
    if (!list.some((x) => x.internal)) continue;
    const typeOnly = new Map<string, boolean>();
    for (const x of list) for (const n of x.names) typeOnly.set(n.text, (typeOnly.get(n.text) ?? true) && n.type);
    const all = [...typeOnly];
    const allTypes = all.every(([, t]) => t);
    const body = all.map(([n, t]) => (t && !allTypes ? `type ${n}` : n)).join(', ');
    const [first, ...rest] = list;
    edits.push({ start: first.st.getStart(sf), end: first.st.getEnd(), text: `import ${allTypes ? 'type ' : ''}{ ${body} } from '${face}';` });
    for (const r of rest) {
      let start = r.st.getStart(sf);
      while (start > 0 && text[start - 1] !== '\n') start--;
      const end = text[r.st.getEnd()] === '\n' ? r.st.getEnd() + 1 : r.st.getEnd();
      edits.push({ start, end, text: '' });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  return edits.reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
for (const file of isMain ? process.argv.slice(2) : []) {
  const text = readFileSync(file, 'utf8');
  const routed = routeImports(file, text);
  if (routed !== text) {
    writeFileSync(file, routed);
    console.log(`routed ${file}`);
  }
}
