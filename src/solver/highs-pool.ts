/**
 * HiGHS in a small pool of worker threads. Each worker has its own HiGHS instance (HiGHS WASM
 * is single-threaded with a 2 GB heap, and an abort leaves an instance unusable, so nothing is
 * shared), which lets independent models (the chunks of a decomposed plan) solve in parallel
 * and keeps the caller's event loop free. A session is pinned to one worker, which keeps the
 * model loaded so that re-solves with changed bounds start from the last basis.
 *
 * A worker that dies fails its pending jobs with status 'error' and is replaced.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { failed } from './highs.ts';
import { pack, transferList, type BoundChanges, type LinearModel, type MipSolver, type ModelSession, type PackedModel, type SolveOptions, type SolveResult } from './model.ts';
import { spawnSolverWorker } from './spawn.ts';

export type PoolRequest =
  | { type: 'once'; job: number; model: PackedModel; options: SolveOptions }
  | { type: 'open'; job: number; session: number; model: PackedModel }
  | { type: 'solve'; job: number; session: number; options: SolveOptions; changes?: BoundChanges }
  | { type: 'close'; session: number };

export interface PoolReply {
  job: number;
  /** null answers an 'open'. */
  result: SolveResult | null;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, with what to do with the answer. */
  pending: Map<number, (r: SolveResult | null) => void>;
  sessions: number;
}

export class HighsPool implements MipSolver {
  private readonly slots: Slot[] = [];
  private nextJob = 1;
  private nextSession = 1;

  constructor(readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  async solve(model: LinearModel, options: SolveOptions = {}): Promise<SolveResult> {
    const packed = pack(model);
    const slot = this.pick();
    return (await this.send(slot, { type: 'once', job: this.nextJob++, model: packed, options }, transferList(packed))) ?? failed('no answer', performance.now());
  }

  async open(model: LinearModel): Promise<ModelSession> {
    const packed = pack(model);
    const slot = this.pick();
    const session = this.nextSession++;
    slot.sessions++;
    const opened = await this.send(slot, { type: 'open', job: this.nextJob++, session, model: packed }, transferList(packed));
    if (opened && opened.status === 'error') throw new Error(opened.message ?? 'HiGHS worker could not load the model');
    let closed = false;
    return {
      solve: async (options = {}, changes) => {
        if (closed) return failed('session closed', performance.now());
        return (await this.send(slot, { type: 'solve', job: this.nextJob++, session, options, changes }, [])) ?? failed('no answer', performance.now());
      },
      close: () => {
        if (closed) return;
        closed = true;
        slot.sessions--;
        if (this.slots.includes(slot)) slot.worker.postMessage({ type: 'close', session } satisfies PoolRequest);
      },
    };
  }

  /** Stops every worker; the pool starts new ones if used again. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** The worker with the least work (open sessions, then pending jobs); starts one while below size. */
  private pick(): Slot {
    const load = (s: Slot) => s.sessions * 1000 + s.pending.size;
    const idle = this.slots.find((s) => load(s) === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.start();
    return this.slots.reduce((a, b) => (load(b) < load(a) ? b : a));
  }

  private start(): Slot {
    const worker = spawnSolverWorker('highs-worker');
    const slot: Slot = { worker, pending: new Map(), sessions: 0 };
    worker.unref();
    worker.on('message', (r: PoolReply) => {
      const done = slot.pending.get(r.job);
      slot.pending.delete(r.job);
      if (slot.pending.size === 0) worker.unref();
      done?.(r.result);
    });
    const die = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const done of slot.pending.values()) done(failed(`HiGHS worker ${why}`, performance.now()));
      slot.pending.clear();
    };
    worker.on('error', (e) => die(`failed: ${e.message}`));
    worker.on('exit', (code) => die(`exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private send(slot: Slot, q: PoolRequest & { job: number }, transfer: ArrayBuffer[]): Promise<SolveResult | null> {
    return new Promise((resolve) => {
      if (!this.slots.includes(slot)) {
        resolve(failed('HiGHS worker is gone', performance.now()));
        return;
      }
      slot.pending.set(q.job, resolve);
      slot.worker.ref();
      slot.worker.postMessage(q, transfer);
    });
  }
}

/** The process-wide pool, started on first use. */
export const highsPool = new HighsPool();
