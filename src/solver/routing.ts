/**
 * Runs the routing solver off the server's event loop, in the process-wide solver pool
 * (pool.ts), so the server stays responsive while it searches (a solve takes seconds).
 * Travel given as functions is turned into arrays first, because functions cannot cross the
 * worker boundary.
 */
import type { RoutingProblem, RoutingProgress, RoutingSolution, SolveOptions } from '../domain/routing/index.ts';
import type { Result } from '../domain/shared/index.ts';
import { defaultSolverPool } from './pool.ts';

export type WorkerSolveOptions = Omit<SolveOptions, 'clock' | 'onProgress'>;

export function solveInWorker(
  problem: RoutingProblem,
  options: WorkerSolveOptions,
  onProgress?: (p: RoutingProgress) => void,
  signal?: AbortSignal,
): Promise<Result<RoutingSolution>> {
  return defaultSolverPool().routing(problem, options, { onProgress, signal });
}
