/**
 * Starts a worker thread on a module beside this one. From TypeScript sources (tsx, vitest) the
 * worker registers tsx's loader itself before importing its entry: `execArgv: ['--import', 'tsx']`
 * does not reach worker threads on Node 20, so a short bootstrap does the same from inside it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `name` without extension, e.g. 'pool-worker'; resolved next to this file (.ts from sources, .js when built). */
export function spawnSolverWorker(name: string, workerData?: unknown): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData });
  // The ESM build of tsx's API (the `import` condition of its `./esm/api` export).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsxApi = pathToFileURL(join(dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })` +
    `.catch((e) => { throw e; });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
