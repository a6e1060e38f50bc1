import type { Kysely } from 'kysely';

/**
 * The workflow runner: steps with a compensation each, run in order, each in its own transaction;
 * a failure compensates the steps already done in reverse order.
 */
type Db = Kysely<any>;

export interface Step {
  name: string;
  /** Does the step; returns what its compensation needs. */
  run(trx: Db): Promise<unknown>;
  /** Undoes the step, given what `run` returned. */
  compensate(trx: Db, result: unknown): Promise<void>;
}

export interface StepOutcome {
  ok: boolean;
  steps: Array<{ name: string; status: 'applied' | 'failed' | 'compensated' | 'compensation_failed'; error?: string }>;
  error?: unknown;
}

/**
 * Runs steps in order, each in its own transaction. When one fails, the steps
 * already applied are compensated in reverse order (each in its own
 * transaction), and every outcome is recorded through `record`.
 */
export async function runSteps(db: Db, steps: Step[], record: (position: number, name: string, status: string, result: unknown, error: string | null) => Promise<void>): Promise<StepOutcome> {
  const done: Array<{ step: Step; result: unknown; position: number }> = [];
  const out: StepOutcome = { ok: true, steps: [] };
  for (const [position, step] of steps.entries()) {
    try {
      const result = await db.transaction().execute((trx) => step.run(trx));
      done.push({ step, result, position });
      out.steps.push({ name: step.name, status: 'applied' });
      await record(position, step.name, 'applied', result, null);
    } catch (e) {
      out.ok = false;
      out.error = e;
      out.steps.push({ name: step.name, status: 'failed', error: (e as Error).message });
      await record(position, step.name, 'failed', null, (e as Error).message);
      for (const d of [...done].reverse()) {
        try {
          await db.transaction().execute((trx) => d.step.compensate(trx, d.result));
          out.steps[d.position].status = 'compensated';
          await record(d.position, d.step.name, 'compensated', d.result, null);
        } catch (ce) {
          out.steps[d.position].status = 'compensation_failed';
          out.steps[d.position].error = (ce as Error).message;
          await record(d.position, d.step.name, 'compensation_failed', d.result, (ce as Error).message);
        }
      }
      break;
    }
  }
  return out;
}
