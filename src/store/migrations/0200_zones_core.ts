// The zones context: delivery zones and their backup nodes, control areas and the
// effects they had (so lifting an area can undo them), reassignment proposals with
// what they replaced (so applying can be reverted), and an audit trail.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE delivery_zones (
      id text PRIMARY KEY,
      name text NOT NULL DEFAULT '',
      geometry jsonb NOT NULL,
      centroid_lat double precision NOT NULL,
      centroid_lng double precision NOT NULL,
      area_m2 integer NOT NULL CHECK (area_m2 >= 0),
      demand_orders_per_day integer NOT NULL DEFAULT 0 CHECK (demand_orders_per_day >= 0),
      serving_node_id text REFERENCES nodes(id),
      split_node_id text REFERENCES nodes(id),
      split_orders_per_day integer NOT NULL DEFAULT 0 CHECK (split_orders_per_day >= 0),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((split_node_id IS NULL) = (split_orders_per_day = 0))
    )`.execute(db);
  await sql`CREATE INDEX delivery_zones_serving ON delivery_zones(serving_node_id)`.execute(db);
  await sql`
    CREATE TABLE zone_backup_nodes (
      zone_id text NOT NULL REFERENCES delivery_zones(id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 0),
      node_id text NOT NULL REFERENCES nodes(id),
      PRIMARY KEY (zone_id, position)
    )`.execute(db);
  await sql`
    CREATE TABLE zones_meta (
      id integer PRIMARY KEY CHECK (id = 1),
      version bigint NOT NULL
    )`.execute(db);
  await sql`INSERT INTO zones_meta (id, version) VALUES (1, 1)`.execute(db);
  await sql`
    CREATE TABLE control_areas (
      id text PRIMARY KEY,
      name text NOT NULL,
      level text NOT NULL CHECK (level IN ('lockdown','controlled','precaution')),
      geometry jsonb NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz,
      allow_online_only boolean NOT NULL DEFAULT false,
      drop_points jsonb NOT NULL DEFAULT '[]'::jsonb,
      lifted_at timestamptz,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE control_area_effects (
      id bigserial PRIMARY KEY,
      area_id text NOT NULL REFERENCES control_areas(id),
      kind text NOT NULL CHECK (kind IN ('node_status','node_unchanged','zone_drop_points_only')),
      node_id text REFERENCES nodes(id),
      zone_id text,
      from_status text,
      to_status text,
      overlap_pct double precision,
      reason text NOT NULL DEFAULT '',
      applied_at timestamptz NOT NULL,
      reverted_at timestamptz,
      revert_note text
    )`.execute(db);
  await sql`CREATE INDEX control_area_effects_area ON control_area_effects(area_id)`.execute(db);
  await sql`CREATE INDEX control_area_effects_node ON control_area_effects(node_id) WHERE node_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE zone_reassignments (
      id text PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('proposed','applied','reverted')),
      request jsonb NOT NULL,
      proposal jsonb NOT NULL,
      zones_before jsonb,
      nodes_before jsonb,
      created_at timestamptz NOT NULL,
      applied_at timestamptz,
      reverted_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE zone_audit_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      action text NOT NULL,
      subject_id text NOT NULL,
      actor text NOT NULL DEFAULT '',
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    )`.execute(db);
  await sql`CREATE INDEX zone_audit_events_subject ON zone_audit_events(subject_id, at)`.execute(db);
}
