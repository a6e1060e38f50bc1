/**
 * Worker-thread entry for the routing solver: solves the problem passed as `workerData`,
 * posting progress messages while it runs and one `done` message at the end. The worker owns
 * the wall clock (performance.now), so the domain solver stays pure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solveRouting } from '../domain/routing/solve.ts';
import type { RoutingProblem, SolveOptions } from '../domain/routing/model.ts';
import type { RoutingWorkerMessage } from './routing.ts';

interface Input {
  problem: RoutingProblem;
  options: Omit<SolveOptions, 'clock' | 'onProgress'>;
}

const input = workerData as Input;
const post = (m: RoutingWorkerMessage): void => parentPort!.postMessage(m);
try {
  const result = solveRouting(input.problem, {
    ...input.options,
    clock: () => performance.now(),
    onProgress: (p) => post({ type: 'progress', progress: p }),
  });
  post({ type: 'done', result });
} catch (e) {
  post({ type: 'crashed', message: (e as Error).stack ?? String(e) });
}
