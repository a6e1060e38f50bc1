/**
 * The journal of the workflows that are not an incident's apply (src/flows/workflow.ts): a
 * sourcing plan's apply, a trip's confirmation, dispatch and arrival. One row per step of one run,
 * written in the step's own transaction, so a run stopped midway (the process killed) is resumed
 * or undone. `workflow` names the kind of run, `run_id` the run (a plan id, a trip id). Sourcing
 * plans get the status `applying` (an apply under way, or stopped midway).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE workflow_steps (
      workflow text NOT NULL,
      run_id text NOT NULL,
      position integer NOT NULL,
      step text NOT NULL,
      status text NOT NULL CHECK (status IN ('applied', 'failed', 'compensated', 'compensation_failed')),
      result jsonb NOT NULL,
      error text,
      at timestamptz NOT NULL,
      PRIMARY KEY (workflow, run_id, position)
    )`.execute(db);
  await sql`ALTER TABLE planning_plans DROP CONSTRAINT IF EXISTS planning_plans_status_check`.execute(db);
  await sql`ALTER TABLE planning_plans ADD CONSTRAINT planning_plans_status_check CHECK (status IN ('draft','applying','applied','discarded'))`.execute(db);
}
