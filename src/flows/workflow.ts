/**
 * The workflow runner: steps with a compensation each, run in order, each in its own transaction
 * together with its journal record (a step is recorded `applied` if and only if its work
 * committed). A failure compensates the steps already done in reverse order, each compensation in
 * its own transaction with its record. A run stopped midway (the process killed) leaves a journal
 * that `runWorkflow` resumes (the steps recorded applied are skipped) or `undoWorkflow` rolls back.
 */
import type { Kysely } from 'kysely';
import { fail } from '../domain/shared/index.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

/** A step; `R` is what its run returns and its compensation gets (a step typed by its result's schema, e.g. domain/incidents/steps.ts). */
export interface Step<R = unknown> {
  name: string;
  /**
   * Optional: the slow, read-only part of the step (a solver run), done before its transaction
   * with the database as committed so far; `run` gets what it returns and writes it in the
   * transaction, checking again that the state it planned on still holds. When `run` refuses
   * with a conflict (the state moved in between), the step is prepared and run again, up to
   * `PREPARE_ATTEMPTS` times.
   */
  prepare?(db: Db): Promise<unknown>;
  /**
   * Does the step; returns what its compensation needs (stored as JSON in the journal). `earlier`
   * holds the results of the steps before it, by position (recorded ones on a resume).
   */
  run(trx: Db, prepared?: unknown, earlier?: readonly unknown[]): Promise<R>;
  /** Undoes the step, given what `run` returned. */
  compensate(trx: Db, result: R): Promise<void>;
}

export type StepStatus = 'applied' | 'failed' | 'compensated' | 'compensation_failed';

export interface StepOutcome {
  ok: boolean;
  steps: Array<{ name: string; status: StepStatus | 'pending'; error?: string; resumed?: boolean }>;
  error?: unknown;
}

export interface JournalEntry {
  position: number;
  step: string;
  status: string;
  result: unknown;
}

/** Where a workflow keeps its step records (e.g. an incident plan's applied steps). */
export interface Journal {
  load(db: Db): Promise<JournalEntry[]>;
  /** Writes one step's record with `db`, which is the step's own transaction. */
  record(db: Db, position: number, name: string, status: StepStatus, result: unknown, error: string | null): Promise<void>;
}

/** A journal that can be emptied: a run that finished (or never started) leaves nothing to resume. */
export interface ClearableJournal extends Journal {
  clear(db: Db): Promise<void>;
}

export interface RunOptions {
  /** Called after each step committed (a test kills the process here to rehearse a crash). */
  afterStep?: (name: string, position: number) => void | Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** How many times a step with `prepare` is prepared and run when its run finds the state moved. */
export const PREPARE_ATTEMPTS = 3;

const isConflict = (e: unknown): boolean => (e as { error?: { code?: string } } | null)?.error?.code === 'conflict';

/** One step: prepared outside any transaction when it has `prepare`, then run with its record in one transaction. */
async function runStep(db: Db, step: Step, position: number, journal: Journal, earlier: readonly unknown[]): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const prepared = step.prepare ? await step.prepare(db) : undefined;
    try {
      return await db.transaction().execute(async (trx) => {
        const r = await step.run(trx, prepared, earlier);
        await journal.record(trx, position, step.name, 'applied', r, null);
        return r;
      });
    } catch (e) {
      if (!step.prepare || attempt >= PREPARE_ATTEMPTS || !isConflict(e)) throw e;
    }
  }
}

/**
 * Runs (or resumes) the steps in order. A step the journal already records as applied, under
 * the same name at the same position, is not run again: its recorded result is kept for the
 * compensations. When a step fails, the steps applied (in this run or before a crash) are
 * compensated in reverse order.
 */
export async function runWorkflow(db: Db, steps: Step[], journal: Journal, options: RunOptions = {}): Promise<StepOutcome> {
  const recorded = new Map((await journal.load(db)).map((e) => [e.position, e]));
  const done: Array<{ step: Step; result: unknown; position: number }> = [];
  const out: StepOutcome = { ok: true, steps: steps.map((s) => ({ name: s.name, status: 'pending' })) };
  for (const [position, step] of steps.entries()) {
    const prior = recorded.get(position);
    if (prior && prior.step === step.name && prior.status === 'applied') {
      done.push({ step, result: prior.result, position });
      out.steps[position] = { name: step.name, status: 'applied', resumed: true };
      continue;
    }
    try {
      const result = await runStep(db, step, position, journal, done.map((d) => d.result));
      done.push({ step, result, position });
      out.steps[position] = { name: step.name, status: 'applied' };
      await options.afterStep?.(step.name, position);
    } catch (e) {
      out.ok = false;
      out.error = e;
      out.steps[position] = { name: step.name, status: 'failed', error: message(e) };
      await db.transaction().execute((trx) => journal.record(trx, position, step.name, 'failed', null, message(e)));
      await compensate(db, done, journal, out);
      out.steps = out.steps.slice(0, position + 1);
      break;
    }
  }
  return out;
}

async function compensate(db: Db, done: Array<{ step: Step; result: unknown; position: number }>, journal: Journal, out: StepOutcome): Promise<void> {
  for (const d of [...done].reverse()) {
    try {
      await db.transaction().execute(async (trx) => {
        await d.step.compensate(trx, d.result);
        await journal.record(trx, d.position, d.step.name, 'compensated', d.result, null);
      });
      out.steps[d.position] = { ...out.steps[d.position], name: d.step.name, status: 'compensated' };
    } catch (ce) {
      out.steps[d.position] = { name: d.step.name, status: 'compensation_failed', error: message(ce) };
      await db.transaction().execute((trx) => journal.record(trx, d.position, d.step.name, 'compensation_failed', d.result, message(ce)));
    }
  }
}

/**
 * Rolls back a workflow stopped midway (or completed): compensates, in reverse order, every step
 * the journal records as applied (or whose compensation failed before), using the step of the
 * same name in `steps`.
 */
export async function undoWorkflow(db: Db, steps: Step[], journal: Journal): Promise<StepOutcome> {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const entries = (await journal.load(db)).sort((a, b) => a.position - b.position);
  const out: StepOutcome = { ok: true, steps: entries.map((e) => ({ name: e.step, status: e.status as StepStatus })) };
  const done: Array<{ step: Step; result: unknown; position: number }> = [];
  for (const [i, e] of entries.entries()) {
    // Applied steps, and those whose compensation failed before (tried again).
    if (e.status !== 'applied' && e.status !== 'compensation_failed') continue;
    const step = byName.get(e.step);
    if (!step) {
      out.ok = false;
      out.steps[i] = { name: e.step, status: 'compensation_failed', error: `no step named ${e.step} to undo it with` };
      continue;
    }
    done.push({ step, result: e.result, position: i });
  }
  // Positions in `out.steps` are indexes into `entries`; record with the journal's own positions.
  const positioned: Journal = { load: journal.load, record: (trx, i, name, status, result, error) => journal.record(trx, entries[i].position, name, status, result, error) };
  await compensate(db, done, positioned, out);
  if (out.steps.some((s) => s.status === 'compensation_failed')) out.ok = false;
  return out;
}

/**
 * The former interface: runs the steps with records written through `record` (now inside each
 * step's transaction). Kept for callers that have no journal of their own.
 */
export async function runSteps(db: Db, steps: Step[], record: (position: number, name: string, status: string, result: unknown, error: string | null, trx?: Db) => Promise<void>): Promise<StepOutcome> {
  return runWorkflow(db, steps, { load: async () => [], record: (trx, position, name, status, result, error) => record(position, name, status, result, error, trx) });
}

/**
 * Runs a workflow whose journal is keyed by what it acts on (a plan, a trip), so the same run id
 * serves every attempt: a run stopped midway (its journal holds only applied steps, fewer than
 * the steps) is resumed; otherwise (no journal, or a run that finished, applied or compensated)
 * the journal is cleared and the steps run afresh, so they check the state again. A run whose
 * compensation failed is refused: someone decides first (`undoWorkflow` tries it again).
 */
export async function runOrResume(db: Db, steps: Step[], journal: ClearableJournal, options: RunOptions = {}): Promise<StepOutcome & { resumed: boolean }> {
  const entries = await journal.load(db);
  const broken = entries.find((e) => e.status === 'compensation_failed');
  if (broken) {
    fail({ code: 'conflict', message: `step ${broken.step} of an earlier run could not be undone; undo it first`, field: 'id', expected: 'no step left half undone', actual: broken.step });
  }
  const inFlight = entries.length > 0 && entries.length < steps.length && entries.every((e, i) => e.status === 'applied' && e.position === i && steps[i]?.name === e.step);
  if (!inFlight && entries.length > 0) await db.transaction().execute((trx) => journal.clear(trx));
  return { ...(await runWorkflow(db, steps, journal, options)), resumed: inFlight };
}

/** The error a failed run stopped on, thrown (so a route answers it as the step's own error). */
export function throwIfFailed<T extends StepOutcome>(out: T): T {
  if (!out.ok) throw out.error instanceof Error ? out.error : new Error(message(out.error));
  return out;
}
