/**
 * CI check: every source file under src/ (not tests, not generated) opens with a comment that
 * says what it holds, before its first statement (issue 18). Lists the files that do not; exit 1.
 * Lint directives (`// eslint-…`, `// @ts-…`, `/// <reference …>`) and a shebang do not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Restructured on other branches at the same time; each gets its header there.
// TODO(issue 18): remove these once those branches are merged.
const PENDING = new Set<string>();

const isSource = (file: string) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.test\.ts$/.test(file);

/** Repo-relative paths of the source files under `dir` (relative to `root`). */
function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(root, p) : isSource(p) ? [p] : [];
  });
}

const GENERATED = /^\s*(\/\/|\/\*+|\*)\s*(@generated|(this file is )?(auto-?)?generated\b|do not edit)/im;
const DIRECTIVE = /^(\/\/\s*(eslint|@ts-|prettier-ignore)|\/\*\s*eslint|\/\/\/\s*<reference)/;

/** True when the file's first non-blank line (after a shebang and lint directives) starts a comment that has words in it. */
export function hasHeader(text: string): boolean {
  const lines = text.replace(/^#!.*\n/, '').split('\n');
  let i = 0;
  while (i < lines.length && (lines[i].trim() === '' || DIRECTIVE.test(lines[i].trim()))) i++;
  const first = lines[i]?.trim() ?? '';
  if (first.startsWith('//')) return /\w/.test(first.slice(2));
  if (!first.startsWith('/*')) return false;
  // A block comment: some words before it closes.
  const block: string[] = [];
  for (let j = i; j < lines.length; j++) {
    block.push(lines[j]);
    if (lines[j].includes('*/')) break;
  }
  return /\w/.test(block.join('\n').replace(/\/\*+|\*\//g, ''));
}

/** The files under `<root>/src` (repo-relative paths) that need a header and have none. */
export function filesWithoutHeader(root: string): string[] {
  return sourceFiles(root, 'src').filter((f) => !PENDING.has(f)).filter((f) => {
    const text = readFileSync(path.join(root, f), 'utf8');
    return !GENERATED.test(text.slice(0, 400)) && !hasHeader(text);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const missing = filesWithoutHeader(root);
  if (missing.length) {
    console.error(`file header check failed: ${missing.length} file(s) do not open with a comment saying what they hold:`);
    for (const f of missing) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log(`file header check: ok (${sourceFiles(root, 'src').length} files${PENDING.size ? `, ${PENDING.size} pending: ${[...PENDING].join(', ')}` : ''})`);
}
