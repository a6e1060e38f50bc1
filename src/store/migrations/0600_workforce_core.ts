// The workforce context: staff and their roles and availability, per-node staffing settings,
// fixed needs entered by hand, staffing plans with their needs and assignments.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE staff (
      id text PRIMARY KEY,
      name text NOT NULL,
      home_node_id text NOT NULL REFERENCES nodes(id),
      skills jsonb NOT NULL DEFAULT '[]'::jsonb,
      permit_status text NOT NULL DEFAULT 'pending' CHECK (permit_status IN ('cleared','pending','not_cleared')),
      can_live_on_site boolean NOT NULL DEFAULT false,
      max_hours_per_day integer NOT NULL DEFAULT 12 CHECK (max_hours_per_day BETWEEN 1 AND 24),
      inside_node_id text REFERENCES nodes(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX staff_home ON staff(home_node_id)`.execute(db);
  await sql`
    CREATE TABLE staff_roles (
      staff_id text NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('picker','packer','receiver','shelver','driver','rider','manager')),
      position integer NOT NULL DEFAULT 0,
      PRIMARY KEY (staff_id, role)
    )`.execute(db);
  await sql`
    CREATE TABLE staff_unavailability (
      id bigserial PRIMARY KEY,
      staff_id text NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      from_at timestamptz NOT NULL,
      to_at timestamptz NOT NULL,
      reason text NOT NULL DEFAULT '',
      CHECK (to_at > from_at)
    )`.execute(db);
  await sql`CREATE INDEX staff_unavailability_staff ON staff_unavailability(staff_id, from_at)`.execute(db);
  await sql`
    CREATE TABLE workforce_sites (
      node_id text PRIMARY KEY REFERENCES nodes(id),
      controlled boolean NOT NULL DEFAULT false,
      min_staff_per_shift integer NOT NULL DEFAULT 0 CHECK (min_staff_per_shift >= 0),
      closed_loop_from text CHECK (closed_loop_from IS NULL OR closed_loop_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      closed_loop_days integer CHECK (closed_loop_days IS NULL OR closed_loop_days >= 1),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE workforce_fixed_needs (
      node_id text NOT NULL REFERENCES nodes(id),
      role text NOT NULL CHECK (role IN ('picker','packer','receiver','shelver','driver','rider','manager')),
      shift_label text NOT NULL DEFAULT '*',
      headcount integer NOT NULL CHECK (headcount >= 0),
      PRIMARY KEY (node_id, role, shift_label)
    )`.execute(db);
  await sql`
    CREATE TABLE staffing_plans (
      id text PRIMARY KEY,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','applied','superseded')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      problem jsonb NOT NULL,
      method text NOT NULL,
      solver jsonb NOT NULL,
      review jsonb NOT NULL,
      notes jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL,
      applied_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE staffing_needs (
      plan_id text NOT NULL REFERENCES staffing_plans(id) ON DELETE CASCADE,
      node_id text NOT NULL,
      shift_id text NOT NULL,
      role text NOT NULL,
      required_min integer NOT NULL CHECK (required_min >= 0),
      source text NOT NULL CHECK (source IN ('orders','manual')),
      PRIMARY KEY (plan_id, node_id, shift_id, role)
    )`.execute(db);
  await sql`
    CREATE TABLE staffing_assignments (
      plan_id text NOT NULL REFERENCES staffing_plans(id) ON DELETE CASCADE,
      staff_id text NOT NULL REFERENCES staff(id),
      node_id text NOT NULL REFERENCES nodes(id),
      shift_id text NOT NULL,
      role text NOT NULL,
      tasks jsonb NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      PRIMARY KEY (plan_id, staff_id, shift_id)
    )`.execute(db);
  await sql`CREATE INDEX staffing_assignments_staff ON staffing_assignments(staff_id, starts_at)`.execute(db);
  await sql`CREATE INDEX staffing_assignments_node ON staffing_assignments(node_id, starts_at)`.execute(db);
}
