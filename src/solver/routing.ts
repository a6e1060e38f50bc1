/**
 * Runs the routing solver in a `worker_threads` Worker so the server's event loop stays free
 * while it searches (a solve takes seconds). Travel given as functions is turned into arrays
 * first, because functions cannot cross the worker boundary.
 */
import type { Worker } from 'node:worker_threads';
import type { RoutingProblem, RoutingProgress, RoutingSolution, SolveOptions } from '../domain/routing/model.ts';
import { err, type Result } from '../domain/shared/result.ts';
import { spawnSolverWorker } from './spawn.ts';

export type RoutingWorkerMessage =
  | { type: 'progress'; progress: RoutingProgress }
  | { type: 'done'; result: Result<RoutingSolution> }
  | { type: 'crashed'; message: string };

export type WorkerSolveOptions = Omit<SolveOptions, 'clock' | 'onProgress'>;

export function solveInWorker(
  problem: RoutingProblem,
  options: WorkerSolveOptions,
  onProgress?: (p: RoutingProgress) => void,
): Promise<Result<RoutingSolution>> {
  const portable = withArrayTravel(problem);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<RoutingSolution>): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const worker = spawnWorker({ problem: portable, options });
    worker.on('message', (m: RoutingWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') settle(m.result);
      else settle(err({ code: 'solver_failed', message: `routing worker crashed: ${m.message}` }));
    });
    worker.on('error', (e) => settle(err({ code: 'solver_failed', message: `routing worker failed: ${e.message}` })));
    worker.on('exit', (code) => {
      if (!settled) settle(err({ code: 'solver_failed', message: `routing worker exited with code ${code} before answering` }));
    });
  });
}

function withArrayTravel(problem: RoutingProblem): RoutingProblem {
  const t = problem.travel;
  if (t.kind === 'arrays') return problem;
  const distance: number[][] = [];
  const duration: number[][] = [];
  for (let i = 0; i < t.size; i++) {
    const d = new Array<number>(t.size);
    const u = new Array<number>(t.size);
    for (let j = 0; j < t.size; j++) {
      d[j] = t.distance(i, j);
      u[j] = t.duration(i, j);
    }
    distance.push(d);
    duration.push(u);
  }
  return { ...problem, travel: { kind: 'arrays', distance, duration } };
}

function spawnWorker(workerData: unknown): Worker {
  return spawnSolverWorker('routing-worker', workerData);
}
