/**
 * CI: store modules touch only their own context's tables, and import from another context's
 * store module only its read functions (scripts/store-boundaries.ts holds the map). Scans
 * src/store/*.ts and src/store/<context>/*.ts (tests and generated files left out) for the
 * tables named in Kysely calls (`selectFrom('x')`, `insertInto`, `updateTable`, `deleteFrom`,
 * joins) and in raw SQL (`FROM x`, `JOIN x`, `INTO x`, `UPDATE x`), and for `import { … } from
 * './other.ts'`. Anything spanning contexts is a flow (src/flows/).
 *
 *   npx tsx scripts/check-store-boundaries.ts           exit 1 on a violation
 *   npx tsx scripts/check-store-boundaries.ts --list    also print each module's tables
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ALLOWED_READS, MODULE_CONTEXT, PUBLIC_READS, TABLE_OWNER, type Context } from './store-boundaries.ts';

const STORE = fileURLToPath(new URL('../src/store/', import.meta.url));
const owner = TABLE_OWNER as Record<string, Context>;

export interface Use {
  table: string;
  write: boolean;
  line: number;
}

/** Blanks out comments (keeping line breaks), so a table named in prose is not a use. */
export function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (m, p) => p + ' '.repeat(m.length - p.length));
}

/** The known tables a module's code names, each with whether the use writes it. */
export function tableUses(src: string): Use[] {
  const code = stripComments(src);
  const lineOf = (i: number) => code.slice(0, i).split('\n').length;
  const out: Use[] = [];
  const kysely = /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*\[?\s*['"]([a-z_][a-z0-9_]*)/g;
  for (const m of code.matchAll(kysely)) {
    if (m[2] in owner) out.push({ table: m[2], write: /^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/.test(m[1]), line: lineOf(m.index!) });
  }
  const raw = /\b(DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|INSERT\s+INTO|FROM|JOIN|INTO|UPDATE)\s+([a-z_][a-z0-9_]*)\b/gi;
  for (const m of code.matchAll(raw)) {
    if (!(m[2] in owner)) continue;
    const kw = m[1].toUpperCase().replace(/\s+/g, ' ');
    out.push({ table: m[2], write: kw !== 'FROM' && kw !== 'JOIN', line: lineOf(m.index!) });
  }
  return out;
}

/** Names imported (values, not types) from sibling store modules: [module, names, line]. */
export function storeImports(src: string): Array<{ module: string; names: string[]; line: number }> {
  const code = stripComments(src);
  const out: Array<{ module: string; names: string[]; line: number }> = [];
  for (const m of code.matchAll(/import\s+(type\s+)?(\{[^}]*\}|\*\s+as\s+\w+|\w+)\s+from\s+['"]\.\.?\/([a-z-]+)(?:\/[a-z-]+)?\.ts['"]/g)) {
    if (m[1]) continue;
    const names = m[2].startsWith('{')
      ? m[2].slice(1, -1).split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('type ')).map((s) => s.split(/\s+as\s+/)[0])
      : ['*'];
    out.push({ module: m[3], names, line: code.slice(0, m.index).split('\n').length });
  }
  return out;
}

function storeFiles(): Array<{ rel: string; module: string }> {
  const out: Array<{ rel: string; module: string }> = [];
  for (const e of readdirSync(STORE)) {
    const full = path.join(STORE, e);
    if (statSync(full).isDirectory()) {
      if (e === 'migrations') continue;
      for (const f of readdirSync(full)) if (f.endsWith('.ts') && !f.endsWith('.test.ts')) out.push({ rel: `${e}/${f}`, module: e });
    } else if (e.endsWith('.ts') && !e.endsWith('.test.ts')) out.push({ rel: e, module: e.slice(0, -3) });
  }
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

export function check(): { problems: string[]; listing: string[] } {
  const problems: string[] = [];
  const listing: string[] = [];
  for (const { rel, module } of storeFiles()) {
    const ctx = MODULE_CONTEXT[module];
    if (!ctx) {
      problems.push(`src/store/${rel}: no context for module "${module}"; add it to MODULE_CONTEXT in scripts/store-boundaries.ts`);
      continue;
    }
    if (rel === 'tables.ts') continue;
    const src = readFileSync(path.join(STORE, rel), 'utf8');
    const uses = tableUses(src);
    listing.push(`${rel} (${ctx}): ${[...new Set(uses.map((u) => u.table))].sort().join(' ')}`);
    for (const u of uses) {
      const o = owner[u.table];
      if (o === ctx) continue;
      if (!u.write && ALLOWED_READS.some((a) => a.module === module && a.table === u.table)) continue;
      problems.push(`src/store/${rel}:${u.line}: ${u.write ? 'writes' : 'reads'} ${u.table}, a table of the ${o} context (this module is ${ctx}); ${u.write ? 'compose the two contexts in a flow (src/flows/)' : `call the ${o} context's store function instead`}`);
    }
    if (ctx === 'platform') continue;
    for (const imp of storeImports(src)) {
      const other = MODULE_CONTEXT[imp.module];
      if (!other || other === ctx || other === 'platform') continue;
      const reads = PUBLIC_READS[other] ?? [];
      for (const n of imp.names) {
        if (reads.includes(n)) continue;
        problems.push(`src/store/${rel}:${imp.line}: imports ${n} from the ${other} context's store (./${imp.module}.ts); a store module may use only another context's reads (${reads.join(', ') || 'none'}): do it in a flow (src/flows/)`);
      }
    }
  }
  return { problems, listing };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { problems, listing } = check();
  if (process.argv.includes('--list')) for (const l of listing) console.log(l);
  if (problems.length) {
    console.log(`store boundaries check failed (${problems.length}): a store module touches only its own context's tables (scripts/store-boundaries.ts)`);
    for (const p of problems) console.log(`  ${p}`);
    process.exit(1);
  }
  console.log('store boundaries check: ok');
}
