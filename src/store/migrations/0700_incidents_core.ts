// The incident context: the incident (its control areas, affected nodes and the
// optional emergency warehouse), its response plans with one row per reviewable
// part, the steps an apply ran (so a failure can be compensated and a lift can
// undo them), and stored reconciliations.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE incidents (
      id text PRIMARY KEY,
      name text NOT NULL,
      status text NOT NULL CHECK (status IN ('declared', 'planned', 'applied', 'lifted')),
      spec jsonb NOT NULL,
      declared_at timestamptz NOT NULL,
      applied_at timestamptz,
      lifted_at timestamptz,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE incident_areas (
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      area_id text NOT NULL,
      level text NOT NULL CHECK (level IN ('lockdown', 'controlled', 'precaution')),
      input jsonb NOT NULL,
      PRIMARY KEY (incident_id, area_id)
    )`.execute(db);
  await sql`
    CREATE TABLE response_plans (
      id text PRIMARY KEY,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('response', 'lift')),
      status text NOT NULL CHECK (status IN ('draft', 'applied', 'failed', 'superseded')),
      summary jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      applied_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX response_plans_incident ON response_plans(incident_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE response_plan_parts (
      plan_id text NOT NULL REFERENCES response_plans(id) ON DELETE CASCADE,
      part text NOT NULL,
      position integer NOT NULL,
      content jsonb NOT NULL,
      edited boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (plan_id, part)
    )`.execute(db);
  await sql`
    CREATE TABLE incident_applied_steps (
      plan_id text NOT NULL REFERENCES response_plans(id) ON DELETE CASCADE,
      position integer NOT NULL,
      step text NOT NULL,
      status text NOT NULL CHECK (status IN ('applied', 'failed', 'compensated', 'compensation_failed')),
      result jsonb NOT NULL,
      error text,
      at timestamptz NOT NULL,
      PRIMARY KEY (plan_id, position)
    )`.execute(db);
  await sql`
    CREATE TABLE incident_reconciliations (
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      day date NOT NULL,
      node_id text NOT NULL,
      figures jsonb NOT NULL,
      differences integer NOT NULL CHECK (differences >= 0),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (incident_id, day, node_id)
    )`.execute(db);
}
