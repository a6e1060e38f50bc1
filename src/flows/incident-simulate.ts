/**
 * Loading a scenario (a built-in name or a file path), resolving its network
 * reference, and running "no response" against the response plan. This is the
 * one place that reads scenario files from disk; the domain below stays pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from '../store/demo.ts';
import { DomainException, err, ok, type Result } from '../domain/shared/index.ts';
import { compileScenario, parseScenario, type CompileOptions, type ScenarioFile, type ScenarioNetwork, runSimulation, type RunOptions, type SimReport, compareSummaries, type ComparisonRow } from '../domain/simulation/index.ts';

import { BUILT_IN_SCENARIOS } from './built-in-scenarios.ts';

export { BUILT_IN_SCENARIOS };

export interface LoadedScenario {
  file: ScenarioFile;
  network: ScenarioNetwork;
  /** Where it came from (a path). */
  source: string;
}

export function scenarioPath(nameOrPath: string): string {
  if ((BUILT_IN_SCENARIOS as readonly string[]).includes(nameOrPath)) return path.join(DATA_DIR, 'scenarios', `${nameOrPath}.scenario.json`);
  return path.resolve(nameOrPath);
}

/** Reads and checks a scenario; errors name the field (and the file). */
export function loadScenario(nameOrPath: string): Result<LoadedScenario> {
  const file = scenarioPath(nameOrPath);
  if (!existsSync(file)) {
    return err({ code: 'not_found', field: 'scenario', expected: `a built-in scenario (${BUILT_IN_SCENARIOS.join(', ')}) or a scenario file`, actual: nameOrPath, message: `no scenario ${nameOrPath}` });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return err({ code: 'validation_failed', field: '(root)', expected: 'a JSON document', actual: (e as Error).message, message: `${file} is not valid JSON: ${(e as Error).message}` });
  }
  return fromObject(raw, path.dirname(file), file);
}

/** Checks a scenario given as an object; `baseDir` resolves its network file. */
export function fromObject(raw: unknown, baseDir: string, source = '(inline)'): Result<LoadedScenario> {
  const parsed = parseScenario(raw);
  if (!parsed.ok) return parsed;
  const f = parsed.value;
  if ('file' in f.network) {
    const netPath = path.resolve(baseDir, f.network.file as string);
    if (!existsSync(netPath)) return err({ code: 'validation_failed', field: 'network.file', expected: 'an existing network file', actual: f.network.file, message: `network.file: ${netPath} does not exist` });
    try {
      const net = JSON.parse(readFileSync(netPath, 'utf8'));
      return ok({ file: f, network: { nodes: net.nodes, items: net.items, catalogue: net.catalogue, baselineDemand: net.baselineDemand }, source });
    } catch (e) {
      return err({ code: 'validation_failed', field: 'network.file', expected: 'a JSON network file', actual: f.network.file, message: `network.file: ${(e as Error).message}` });
    }
  }
  return ok({ file: f, network: f.network as unknown as ScenarioNetwork, source });
}

export interface Comparison {
  a: SimReport;
  b: SimReport;
  rows: ComparisonRow[];
  reassignments: Array<{ atS: number; changes: number; unservedOrdersPerDay: number; method: string }>;
}

/** Runs "no response" (a) and the response plan (b) on the same seed and compares them. */
export async function simulateScenario(s: LoadedScenario, compile: CompileOptions = {}, run: RunOptions & { onRun?: (which: 'a' | 'b') => void } = {}): Promise<Comparison> {
  const compiled = await compileScenario(s.file, s.network, compile);
  if (!compiled.ok) throw new DomainException(compiled.error);
  run.onRun?.('a');
  const a = runSimulation(compiled.value.noResponse, run);
  run.onRun?.('b');
  const b = runSimulation(compiled.value.response, run);
  return { a, b, rows: compareSummaries(a.summary, b.summary), reassignments: compiled.value.reassignments };
}
