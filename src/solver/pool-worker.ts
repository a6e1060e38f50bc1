/**
 * Entry of a solver-pool worker (see pool.ts): answers one job at a time, posted as
 * `{ id, job }`, with `{ id, type: 'done', result }` (and `progress` messages for routing).
 * HiGHS is loaded once per worker; the worker owns the clock (performance.now) so the
 * domain solvers stay pure.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solveRouting } from '../domain/routing/solve.ts';
import { HighsSolver } from './highs.ts';
import { planStaffing } from '../domain/workforce/roster.ts';
import type { PoolJob, PoolReply } from './pool.ts';

const highs = new HighsSolver();
const post = (m: PoolReply): void => parentPort!.postMessage(m);

parentPort!.on('message', async ({ id, job }: { id: number; job: PoolJob }) => {
  try {
    if (job.kind === 'mip') {
      post({ id, type: 'done', result: await highs.solve(job.model, job.options) });
    } else if (job.kind === 'roster') {
      post({ id, type: 'done', result: await planStaffing(job.problem, { solver: highs }) });
    } else if (job.kind === 'routing') {
      const result = solveRouting(job.problem, { ...job.options, clock: () => performance.now(), onProgress: (p) => post({ id, type: 'progress', progress: p }) });
      post({ id, type: 'done', result });
    } else {
      const until = performance.now() + job.ms;
      let n = 0;
      while (performance.now() < until) n++;
      post({ id, type: 'done', result: n });
    }
  } catch (e) {
    post({ id, type: 'crashed', message: (e as Error).stack ?? String(e) });
  }
});
