/**
 * Entry of a solver-pool worker (see pool.ts): answers one job at a time, posted as
 * `{ id, job }`, with `{ id, type: 'done', result }` (and `progress` messages for routing).
 * HiGHS is loaded once per worker; the models of the sessions open in this worker stay loaded
 * (`{ close: session }` drops one), so their re-solves start hot. The worker owns the clock
 * (performance.now) so the domain solvers stay pure.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solveRouting } from '../domain/routing/index.ts';
import { failed, highsAborted, HighsSolver, LoadedModel, releaseHighsIfLarge } from './highs.ts';
import { planStaffing } from '../domain/workforce/index.ts';
import type { PoolMessage, PoolReply } from './pool.ts';
import type { SolveResult } from './model.ts';

const highs = new HighsSolver();
const sessions = new Map<number, LoadedModel>();
/** A HiGHS heap above this is dropped once no session holds a model in it (WASM memory never shrinks). */
const RELEASE_HEAP_BYTES = 256 * 1024 * 1024;
// After a HiGHS abort (out of memory, for instance) the instance is unusable: the answer asks the
// pool to retire this worker (`retire`), which then starts a fresh one for the next job.
const post = (m: PoolReply, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m.type === 'done' && highsAborted() ? { ...m, retire: true } : m, transfer);
// The answer's arrays are moved, not copied (each buffer once: a transfer list must not repeat one).
const buffersOf = (r: SolveResult): ArrayBuffer[] => [...new Set([r.values, r.rowDuals, r.basis?.colStatus, r.basis?.rowStatus].filter((a) => a !== undefined && a !== null).map((a) => a.buffer as ArrayBuffer))];

parentPort!.on('message', async (m: PoolMessage) => {
  if ('close' in m) {
    sessions.get(m.close)?.dispose();
    sessions.delete(m.close);
    if (sessions.size === 0) releaseHighsIfLarge(RELEASE_HEAP_BYTES);
    return;
  }
  const { id, job } = m;
  try {
    if (job.kind === 'mip') {
      const result = await highs.solve(job.model, job.options);
      // A one-off model is disposed after its solve: a heap it grew can go if no session needs it.
      if (sessions.size === 0) releaseHighsIfLarge(RELEASE_HEAP_BYTES);
      post({ id, type: 'done', result }, buffersOf(result));
    } else if (job.kind === 'open') {
      sessions.set(job.session, await LoadedModel.load(job.model));
      post({ id, type: 'done', result: null });
    } else if (job.kind === 'session') {
      const loaded = sessions.get(job.session);
      const result = loaded ? loaded.solve(job.options, job.changes) : failed(`no open model ${job.session} in this worker`, performance.now());
      post({ id, type: 'done', result }, buffersOf(result));
    } else if (job.kind === 'roster') {
      post({ id, type: 'done', result: await planStaffing(job.problem, { solver: highs, greedyOnly: job.greedyOnly }) });
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
