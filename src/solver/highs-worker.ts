/**
 * Worker-thread entry for HiGHS: each worker loads its own HiGHS WASM instance (single-threaded,
 * its own 2 GB heap) and keeps the models the main thread opened in it, so re-solves with
 * changed bounds start hot. Messages and replies are defined in `highs-pool.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { failed, LoadedModel } from './highs.ts';
import type { PoolReply, PoolRequest } from './highs-pool.ts';
import type { SolveResult } from './model.ts';

const models = new Map<number, LoadedModel>();
const port = parentPort!;

function reply(r: PoolReply): void {
  const values = r.result?.values;
  port.postMessage(r, values ? [values.buffer as ArrayBuffer] : []);
}

port.on('message', async (q: PoolRequest) => {
  if (q.type === 'close') {
    models.get(q.session)?.dispose();
    models.delete(q.session);
    return;
  }
  const started = performance.now();
  let result: SolveResult;
  try {
    if (q.type === 'open') {
      models.set(q.session, await LoadedModel.load(q.model));
      reply({ job: q.job, result: null });
      return;
    }
    if (q.type === 'once') {
      const loaded = await LoadedModel.load(q.model);
      try {
        result = loaded.solve(q.options);
      } finally {
        loaded.dispose();
      }
    } else {
      const loaded = models.get(q.session);
      result = loaded ? loaded.solve(q.options, q.changes) : failed(`no open model ${q.session} in this worker`, started);
    }
  } catch (e) {
    result = failed((e as Error).message, started);
  }
  reply({ job: q.job, result });
});
