// The network context: nodes, their status history, items and baseline demand.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE nodes (
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('store','satellite_warehouse','emergency_warehouse','distribution_centre','processing_centre','supplier')),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
      address text NOT NULL DEFAULT '',
      location_confidence text NOT NULL DEFAULT 'good' CHECK (location_confidence IN ('good','estimate')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','online_only','suspended','closed')),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      status_reason text NOT NULL DEFAULT '',
      opening_hours text NOT NULL DEFAULT '07:00-22:00',
      daily_order_capacity integer NOT NULL DEFAULT 0 CHECK (daily_order_capacity >= 0),
      storage_unit text NOT NULL DEFAULT 'm2' CHECK (storage_unit IN ('m2','pallets')),
      storage_ambient integer NOT NULL DEFAULT 0 CHECK (storage_ambient >= 0),
      storage_chilled integer NOT NULL DEFAULT 0 CHECK (storage_chilled >= 0),
      storage_frozen integer NOT NULL DEFAULT 0 CHECK (storage_frozen >= 0),
      max_delivery_radius_m integer NOT NULL DEFAULT 0 CHECK (max_delivery_radius_m >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE node_status_events (
      id bigserial PRIMARY KEY,
      node_id text NOT NULL REFERENCES nodes(id),
      from_status text NOT NULL,
      to_status text NOT NULL,
      reason text NOT NULL DEFAULT '',
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX node_status_events_node ON node_status_events(node_id, at)`.execute(db);
  await sql`
    CREATE TABLE items (
      id text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      category text NOT NULL,
      unit text NOT NULL,
      temperature_class text NOT NULL CHECK (temperature_class IN ('ambient','chilled','frozen')),
      shelf_life_days integer NOT NULL CHECK (shelf_life_days > 0),
      pack_size integer NOT NULL DEFAULT 1 CHECK (pack_size > 0),
      weight_g integer NOT NULL DEFAULT 0 CHECK (weight_g >= 0),
      volume_cm3 integer NOT NULL DEFAULT 0 CHECK (volume_cm3 >= 0),
      price_fen integer NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
      essential_tier text NOT NULL DEFAULT 'none' CHECK (essential_tier IN ('none','essential','key')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX items_category ON items(category)`.execute(db);
  await sql`
    CREATE TABLE baseline_demand (
      node_id text NOT NULL REFERENCES nodes(id),
      item_id text NOT NULL REFERENCES items(id),
      daily_quantity integer NOT NULL CHECK (daily_quantity >= 0),
      PRIMARY KEY (node_id, item_id)
    )`.execute(db);
  await sql`CREATE INDEX baseline_demand_item ON baseline_demand(item_id)`.execute(db);
}
