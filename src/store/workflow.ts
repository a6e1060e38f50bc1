/**
 * The platform's workflow journal (`workflow_steps`): where a workflow that is not an incident's
 * apply (a sourcing plan's apply, a trip's dispatch and arrival) keeps its step records, one row
 * per (workflow, run, position), written with the step's own transaction (src/flows/workflow.ts).
 */
import type { Kysely } from 'kysely';
import type { DB } from './tables.ts';

/** One step's record (the shape src/flows/workflow.ts's `Journal` reads and writes). */
export interface WorkflowStepRecord {
  position: number;
  step: string;
  status: string;
  result: unknown;
}

export interface WorkflowJournal {
  load(db: Kysely<DB>): Promise<WorkflowStepRecord[]>;
  record(db: Kysely<DB>, position: number, step: string, status: 'applied' | 'failed' | 'compensated' | 'compensation_failed', result: unknown, error: string | null): Promise<void>;
  clear(db: Kysely<DB>): Promise<void>;
}

/** The journal of one run of a workflow (e.g. `plan_apply`, the plan's id). `now` dates the records. */
export function workflowJournal(workflow: string, runId: string, now: () => Date): WorkflowJournal {
  return {
    async load(db): Promise<WorkflowStepRecord[]> {
      const rows = await db.selectFrom('workflow_steps').select(['position', 'step', 'status', 'result']).where('workflow', '=', workflow).where('run_id', '=', runId).orderBy('position').execute();
      return rows.map((r) => ({ position: r.position, step: r.step, status: r.status, result: typeof r.result === 'string' ? JSON.parse(r.result) : r.result }));
    },
    async record(db, position: number, step: string, status: 'applied' | 'failed' | 'compensated' | 'compensation_failed', result: unknown, error: string | null): Promise<void> {
      const row = { workflow, run_id: runId, position, step, status, result: JSON.stringify(result ?? null), error, at: now() };
      await db
        .insertInto('workflow_steps')
        .values(row)
        // A run that fails a step another run has applied (two requests at once) does not overwrite that run's record.
        .onConflict((oc) => {
          const update = oc.columns(['workflow', 'run_id', 'position']).doUpdateSet({ step, status, result: row.result, error, at: row.at });
          return status === 'failed' ? update.where('workflow_steps.status', '<>', 'applied') : update;
        })
        .execute();
    },
    async clear(db): Promise<void> {
      await db.deleteFrom('workflow_steps').where('workflow', '=', workflow).where('run_id', '=', runId).execute();
    },
  };
}
