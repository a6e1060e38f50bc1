/**
 * The boundary rules of eslint.config.js, on snippets: the outer layers reach a domain context only
 * through its index.ts, and the domain imports no adapter, flow or store and reads no clock or process.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let eslint: ESLint;

/** The rule ids (each once) ESLint reports as errors for `code` as if it were the file at `file` (repo-relative). */
async function rulesBroken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return [...new Set(result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'parse error'))];
}

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

describe('context boundaries', () => {
  it('lets the outer layers import a context through its index.ts, and not its internals', async () => {
    for (const file of ['src/flows/x.ts', 'src/store/x.ts', 'src/api/routes/x.ts', 'src/cli/commands/x.ts', 'src/solver/x.ts', 'src/x.ts']) {
      const up = '../'.repeat(file.split('/').length - 2);
      expect(await rulesBroken(file, `import { haversineM } from '${up}domain/geo/index.ts';\nexport const d = haversineM;\n`)).toEqual([]);
      expect(await rulesBroken(file, `import { haversineM } from '${up}domain/geo/distance.ts';\nexport const d = haversineM;\n`)).toEqual(['no-restricted-imports']);
    }
    expect(await rulesBroken('bench/x.ts', "import { haversineM } from '../src/domain/geo/distance.ts';\nexport const d = haversineM;\n")).toEqual(['no-restricted-imports']);
  });

  it('lets tests take a context’s fixtures, but not its other internals', async () => {
    expect(await rulesBroken('test/x.test.ts', "import { twoStores } from '../src/domain/simulation/fixtures.ts';\nexport const s = twoStores;\n")).toEqual([]);
    expect(await rulesBroken('test/x.test.ts', "import { runSimulation } from '../src/domain/simulation/engine.ts';\nexport const s = runSimulation;\n")).toEqual(['no-restricted-imports']);
  });

  it('keeps the domain off adapters, flows and stores, other contexts’ internals, the clock and the process', async () => {
    const file = 'src/domain/geo/x.ts';
    expect(await rulesBroken(file, "import { ok } from '../shared/index.ts';\nexport const r = ok(1);\n")).toEqual([]);
    for (const spec of ['../../solver/highs.ts', '../../flows/workflow.ts', '../../store/db.ts', '../shared/result.ts', 'node:perf_hooks']) {
      expect(await rulesBroken(file, `import * as m from '${spec}';\nexport const x = m;\n`)).toEqual(['no-restricted-imports']);
    }
    expect(await rulesBroken(file, 'export const t = Date.now();\n')).toEqual(['no-restricted-properties']);
    expect(await rulesBroken(file, 'export const e = process.env.X;\n')).toEqual(['no-restricted-globals']);
  });
});
