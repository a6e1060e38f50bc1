/** The file-header check (scripts/check-file-headers.ts): what counts as an opening comment, and the repository passes it. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesWithoutHeader, hasHeader } from '../scripts/check-file-headers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const body = "import { ok } from './result.ts';\n\nexport const answer = ok(42);\n";

describe('file headers', () => {
  it('counts a comment before the first statement, block or line, and nothing without one', () => {
    expect(hasHeader(body)).toBe(false);
    expect(hasHeader('/** The answer, as a result. */\n' + body)).toBe(true);
    expect(hasHeader('/**\n * The answer,\n * as a result.\n */\n' + body)).toBe(true);
    expect(hasHeader('// The answer, as a result.\n' + body)).toBe(true);
    expect(hasHeader('#!/usr/bin/env node\n// The answer, as a result.\n' + body)).toBe(true);
  });

  it('does not count a comment placed after the first statement, an empty comment or a lint directive', () => {
    const [first, ...rest] = body.split('\n');
    expect(hasHeader([first, '/** The answer, as a result. */', ...rest].join('\n'))).toBe(false);
    expect(hasHeader('/** */\n' + body)).toBe(false);
    expect(hasHeader('/* eslint-disable no-console */\n' + body)).toBe(false);
    expect(hasHeader('// eslint-disable-next-line no-restricted-imports\n' + body)).toBe(false);
    // ...but a directive followed by a real header is fine.
    expect(hasHeader('/* eslint-disable no-console */\n// The answer, as a result.\n' + body)).toBe(true);
  });

  it('finds no source file under src without its header', () => {
    expect(filesWithoutHeader(ROOT)).toEqual([]);
  });
});
