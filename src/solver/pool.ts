/**
 * One pool of `worker_threads` workers for every solver job of the server: HiGHS (the roster
 * MIP, zone reassignment, sourcing, assortment) and the routing search. Solves are CPU-bound
 * and synchronous (HiGHS is WASM), so run on the API's thread they stall every request: a
 * roster held `/health` for 14 s. Here the event loop only posts a job and awaits its answer.
 *
 * - `pool.mip` is a `MipSolver` (the domain's port, src/domain/shared/mip.ts), so planners
 *   take it like any solver; `pool.solveRouting` has the routing `SolveFn` shape.
 * - `pool.mip.open(model)` opens a session: the model is loaded once into one worker and kept
 *   there, so re-solves with changed bounds start from the last basis (sourcing's LP rounding).
 *   The session's jobs are pinned to that worker and wait for it; other jobs use any worker.
 *   Sessions share workers (several may be open at once, more than there are workers).
 * - Jobs queue FIFO when every worker is busy. Each has a deadline (the solver's own time
 *   limit plus a grace period): past it the worker is terminated, a fresh one replaces it, and
 *   the job answers `status: 'error'` (MIP) or `solver_failed` (routing) naming the deadline.
 * - An `AbortSignal` cancels a job: dropped from the queue, or its worker terminated.
 * - Idle workers are unref'd, so a CLI command or test process exits without closing the pool.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnSolverWorker } from './spawn.ts';
import { copyPacked, isPacked, pack, transferList, type BoundChanges, type LinearModel, type MipSolver, type ModelSession, type PackedModel, type SolveOptions, type SolveResult, err, type Result } from '../domain/shared/index.ts';
import type { RoutingProblem, RoutingProgress, RoutingSolution } from '../domain/routing/index.ts';
import type { SolveFn, SolveRequest } from '../domain/trips/index.ts';
import type { WorkerSolveOptions } from './routing.ts';
import type { RosterMethod, RosterPlanner, StaffingPlanResult, StaffingProblem } from '../domain/workforce/index.ts';

export type PoolJob =
  | { kind: 'mip'; model: LinearModel | PackedModel; options: SolveOptions }
  | { kind: 'routing'; problem: RoutingProblem; options: WorkerSolveOptions }
  /** Loads a model into the worker and keeps it under `session` (answers null). */
  | { kind: 'open'; session: number; model: PackedModel }
  /** Re-solves a session's model, after changing its bounds. */
  | { kind: 'session'; session: number; options: SolveOptions; changes?: BoundChanges }
  /** A whole roster (greedy, model, MIP from the greedy start), src/domain/workforce/roster.ts. */
  | { kind: 'roster'; problem: StaffingProblem; greedyOnly?: boolean }
  /** For tests of the pool itself: keeps the worker's thread busy for `ms`. */
  | { kind: 'spin'; ms: number };

export type PoolReply =
  | { id: number; type: 'progress'; progress: RoutingProgress }
  /** `retire`: the worker's HiGHS aborted (e.g. out of memory); the pool replaces the worker. */
  | { id: number; type: 'done'; result: unknown; retire?: boolean }
  | { id: number; type: 'crashed'; message: string };

export interface JobOptions {
  /** Milliseconds from the job's start after which its worker is terminated. */
  deadlineMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: RoutingProgress) => void;
}

export class JobFailed extends Error {
  constructor(
    message: string,
    readonly reason: 'deadline' | 'cancelled' | 'crashed',
  ) {
    super(message);
  }
}

/** What the main thread posts to a worker: a job, or the end of a session. */
export type PoolMessage = { id: number; job: PoolJob } | { close: number };

interface Pending {
  id: number;
  job: PoolJob;
  options: JobOptions;
  /** Buffers moved, not copied, to the worker (a packed model's arrays). */
  transfer?: ArrayBuffer[];
  resolve(v: unknown): void;
  reject(e: JobFailed): void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: Pending | null;
  timer: NodeJS.Timeout | null;
  /** Jobs of the sessions open in this worker, waiting for it. */
  pinned: Pending[];
  /** Sessions open in this worker. */
  sessions: number;
}

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  terminated: number;
}

export class SolverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextSession = 1;
  private completed = 0;
  private terminated = 0;
  private closed = false;

  /** The MIP solver port, backed by this pool, with hot-started sessions (`open`). */
  readonly mip: MipSolver;
  /** The routing solver (`SolveFn` shape, as the trips planner takes it), backed by this pool. */
  readonly solveRouting: SolveFn;
  /** The roster planner (greedy and MIP in one job), backed by this pool. */
  readonly planRoster: RosterPlanner;

  constructor(
    readonly size: number = defaultPoolSize(),
    /** Grace on top of a solver's own time limit before its worker is terminated. */
    private readonly graceMs = 15_000,
  ) {
    this.mip = { solve: (model, options) => this.solveMip(model, options), open: (model) => this.openSession(model), concurrency: size };
    this.solveRouting = (problem: RoutingProblem, o: SolveRequest) =>
      this.routing(problem, { seed: o.seed, objective: o.objective, maxIterations: o.maxIterations, timeLimitMs: o.timeLimitMs });
    this.planRoster = (problem, method) => this.roster(problem, {}, method);
  }

  /** Plans a roster in a worker. Never throws: a deadline or crash is a `solver_failed` error value. */
  async roster(problem: StaffingProblem, jobOptions: JobOptions = {}, method: RosterMethod = {}): Promise<Result<StaffingPlanResult>> {
    const limitS = problem.rules?.timeLimitS ?? 30;
    const deadlineMs = jobOptions.deadlineMs ?? limitS * 1000 + this.graceMs;
    try {
      return (await this.run({ kind: 'roster', problem, greedyOnly: method.greedyOnly }, { ...jobOptions, deadlineMs })) as Result<StaffingPlanResult>;
    } catch (e) {
      return err({ code: 'solver_failed', message: `roster planner: ${(e as Error).message}` });
    }
  }

  /** Runs a MIP/LP in a worker. Never throws: a deadline or crash is a `status: 'error'` result. */
  async solveMip(model: LinearModel | PackedModel, options: SolveOptions = {}, jobOptions: JobOptions = {}): Promise<SolveResult> {
    const deadlineMs = jobOptions.deadlineMs ?? (options.timeLimitS !== undefined ? options.timeLimitS * 1000 + this.graceMs : undefined);
    const started = performance.now();
    try {
      return (await this.run({ kind: 'mip', model, options }, { ...jobOptions, deadlineMs })) as SolveResult;
    } catch (e) {
      return { status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: (performance.now() - started) / 1000, message: (e as Error).message };
    }
  }

  /**
   * Opens a session on `model` in the worker with the fewest sessions (a new one while the pool
   * is below its size). Its solves never throw either: a worker lost (deadline, crash, closed
   * pool) answers `status: 'error'`, and so does every later solve of the session.
   */
  async openSession(model: LinearModel | PackedModel): Promise<ModelSession> {
    // The packed arrays are moved to the worker, so a caller's packed model is copied first.
    const packed = isPacked(model) ? copyPacked(model) : pack(model);
    const session = this.nextSession++;
    const slot = this.sessionSlot();
    slot.sessions++;
    const started = performance.now();
    const failedWith = (message: string): SolveResult => ({ status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: (performance.now() - started) / 1000, message });
    try {
      await this.enqueue({ kind: 'open', session, model: packed }, {}, slot, transferList(packed));
    } catch (e) {
      slot.sessions--;
      throw new Error(`HiGHS worker could not load the model: ${(e as Error).message}`);
    }
    let closed = false;
    return {
      solve: async (options = {}, changes) => {
        if (closed) return failedWith('session closed');
        if (!this.slots.includes(slot)) return failedWith('the worker holding this session is gone (deadline, crash or the pool closed)');
        const deadlineMs = options.timeLimitS !== undefined ? options.timeLimitS * 1000 + this.graceMs : undefined;
        try {
          return (await this.enqueue({ kind: 'session', session, options, changes }, { deadlineMs }, slot)) as SolveResult;
        } catch (e) {
          return failedWith((e as Error).message);
        }
      },
      close: () => {
        if (closed) return;
        closed = true;
        slot.sessions--;
        if (this.slots.includes(slot)) slot.worker.postMessage({ close: session } satisfies PoolMessage);
      },
    };
  }

  /** Runs the routing search in a worker. Never throws: a deadline or crash is a `solver_failed` error value. */
  async routing(problem: RoutingProblem, options: WorkerSolveOptions, jobOptions: JobOptions = {}): Promise<Result<RoutingSolution>> {
    const deadlineMs = jobOptions.deadlineMs ?? (options.timeLimitMs !== undefined ? options.timeLimitMs + this.graceMs : undefined);
    try {
      return (await this.run({ kind: 'routing', problem: withArrayTravel(problem), options }, { ...jobOptions, deadlineMs })) as Result<RoutingSolution>;
    } catch (e) {
      return err({ code: 'solver_failed', message: `routing solver: ${(e as Error).message}` });
    }
  }

  /** Runs one job; rejects with `JobFailed` on deadline, cancellation or a crashed worker. */
  run(job: PoolJob, options: JobOptions = {}): Promise<unknown> {
    return this.enqueue(job, options, null);
  }

  /** Queues a job: on the shared queue, or pinned to one worker (a session's). */
  private enqueue(job: PoolJob, options: JobOptions, pin: Slot | null, transfer?: ArrayBuffer[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new JobFailed('the solver pool is closed', 'cancelled'));
    if (options.signal?.aborted) return Promise.reject(new JobFailed('cancelled before it started', 'cancelled'));
    if (pin && !this.slots.includes(pin)) return Promise.reject(new JobFailed('the worker holding this session is gone', 'crashed'));
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, job, options, transfer, resolve, reject };
      if (options.signal) {
        p.onAbort = () => this.cancel(p);
        options.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      (pin ? pin.pinned : this.queue).push(p);
      this.pump();
    });
  }

  /** The worker a new session goes to: a new one while below size, else the one with the fewest sessions, then jobs. */
  private sessionSlot(): Slot {
    if (this.slots.length < this.size) return this.spawn();
    const load = (s: Slot) => s.sessions * 1000 + s.pinned.length + (s.job ? 1 : 0);
    return this.slots.reduce((a, b) => (load(b) < load(a) ? b : a));
  }

  stats(): PoolStats {
    const pinned = this.slots.reduce((n, s) => n + s.pinned.length, 0);
    return { workers: this.slots.length, busy: this.slots.filter((s) => s.job).length, queued: this.queue.length + pinned, completed: this.completed, terminated: this.terminated };
  }

  /** Cancels queued and running jobs and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new JobFailed('the solver pool closed', 'cancelled'));
    await Promise.all(
      this.slots.splice(0).map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        if (s.job) this.settle(s.job, new JobFailed('the solver pool closed', 'cancelled'));
        for (const p of s.pinned.splice(0)) this.settle(p, new JobFailed('the solver pool closed', 'cancelled'));
        await s.worker.terminate();
      }),
    );
  }

  private pump(): void {
    // A session's jobs first, on their own worker.
    for (const slot of this.slots) if (!slot.job && slot.pinned.length > 0) this.start(slot, slot.pinned.shift()!);
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job && s.pinned.length === 0);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, p: Pending): void {
    slot.job = p;
    slot.worker.ref();
    if (p.options.deadlineMs !== undefined) {
      slot.timer = setTimeout(() => this.kill(slot, new JobFailed(`no answer within its deadline of ${Math.round(p.options.deadlineMs!)} ms; the worker was stopped`, 'deadline')), p.options.deadlineMs);
    }
    slot.worker.postMessage({ id: p.id, job: p.job } satisfies PoolMessage, p.transfer ?? []);
  }

  private spawn(): Slot {
    const slot: Slot = { worker: spawnPoolWorker(), job: null, timer: null, pinned: [], sessions: 0 };
    slot.worker.on('message', (m: PoolReply) => {
      const p = slot.job;
      if (!p || p.id !== m.id) return;
      if (m.type === 'progress') {
        p.options.onProgress?.(m.progress);
        return;
      }
      this.finish(slot);
      if (m.type === 'done') p.resolve(m.result);
      else p.reject(new JobFailed(`worker crashed: ${m.message}`, 'crashed'));
      this.detach(p);
      if (m.type === 'done' && m.retire) this.retire(slot);
      this.pump();
    });
    const lost = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      if (slot.timer) clearTimeout(slot.timer);
      if (slot.job) this.settle(slot.job, new JobFailed(why, 'crashed'));
      slot.job = null;
      for (const p of slot.pinned.splice(0)) this.settle(p, new JobFailed(why, 'crashed'));
      this.pump();
    };
    slot.worker.on('error', (e) => lost(`worker failed: ${e.message}`));
    slot.worker.on('exit', (code) => lost(`worker exited with code ${code}`));
    slot.worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
    this.completed++;
  }

  /** Terminates a slot's worker (its job answered with `why`); the next job gets a fresh worker. */
  private kill(slot: Slot, why: JobFailed): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const p = slot.job;
    slot.job = null;
    this.terminated++;
    void slot.worker.terminate();
    if (p) this.settle(p, why);
    // The sessions in this worker are gone with it.
    for (const q of slot.pinned.splice(0)) this.settle(q, new JobFailed(`the worker holding this session was stopped: ${why.message}`, why.reason));
    this.pump();
  }

  /** Stops a worker whose HiGHS is unusable (its sessions fail); the next job gets a fresh worker. */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    this.terminated++;
    for (const q of slot.pinned.splice(0)) this.settle(q, new JobFailed('the worker holding this session was retired after a HiGHS abort', 'crashed'));
    void slot.worker.terminate();
  }

  private cancel(p: Pending): void {
    for (const list of [this.queue, ...this.slots.map((s) => s.pinned)]) {
      const q = list.indexOf(p);
      if (q < 0) continue;
      list.splice(q, 1);
      this.settle(p, new JobFailed('cancelled while queued', 'cancelled'));
      return;
    }
    const slot = this.slots.find((s) => s.job === p);
    if (slot) this.kill(slot, new JobFailed('cancelled while running; the worker was stopped', 'cancelled'));
  }

  private settle(p: Pending, e: JobFailed): void {
    this.detach(p);
    p.reject(e);
  }

  private detach(p: Pending): void {
    if (p.onAbort) p.options.signal?.removeEventListener('abort', p.onAbort);
  }
}

export function defaultPoolSize(): number {
  const env = Number(process.env.BAOGONG_SOLVER_WORKERS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, Math.min(4, availableParallelism()));
}

let shared: SolverPool | null = null;

/** The process-wide pool the server uses (created on first use; workers start on demand). */
export function defaultSolverPool(): SolverPool {
  if (!shared) shared = new SolverPool();
  return shared;
}

/** Travel given as functions cannot cross the worker boundary: turn it into arrays first. */
export function withArrayTravel(problem: RoutingProblem): RoutingProblem {
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

function spawnPoolWorker(): Worker {
  return spawnSolverWorker('pool-worker');
}
