// The trips context: the fleet (vehicle types with compartments, named vehicles with their
// drivers, availability per day), the settings (ambient waves, coolant rule, planning times),
// trip plans kept for review, and the confirmed trips with their stops and manifests. A load
// (a transfer, an order) is on at most one active trip: the partial unique index enforces it.
// Node and item ids refer to the network context by value.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE trip_vehicle_types (
      id text PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('refrigerated_truck','frozen_truck','multi_temperature_truck','ambient_van','rider_ebike')),
      compartments jsonb NOT NULL,
      speed_kmh integer NOT NULL CHECK (speed_kmh > 0),
      cost_per_km_fen integer NOT NULL CHECK (cost_per_km_fen >= 0),
      cost_per_hour_fen integer NOT NULL CHECK (cost_per_hour_fen >= 0),
      shift_start text NOT NULL,
      shift_end text NOT NULL,
      home_node_id text NOT NULL REFERENCES nodes(id),
      count integer NOT NULL CHECK (count >= 0),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE trip_vehicles (
      id text PRIMARY KEY,
      vehicle_type_id text NOT NULL REFERENCES trip_vehicle_types(id) ON DELETE CASCADE,
      plate text NOT NULL DEFAULT '',
      driver_name text,
      driver_phone text,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX trip_vehicles_type ON trip_vehicles(vehicle_type_id, id)`.execute(db);
  await sql`
    CREATE TABLE trip_fleet_availability (
      vehicle_type_id text NOT NULL REFERENCES trip_vehicle_types(id) ON DELETE CASCADE,
      day text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      available integer NOT NULL CHECK (available >= 0),
      PRIMARY KEY (vehicle_type_id, day)
    )`.execute(db);
  await sql`
    CREATE TABLE trip_settings (
      id integer PRIMARY KEY CHECK (id = 1),
      settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE trip_plans (
      id text PRIMARY KEY,
      day text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('cold','wave','orders')),
      wave text,
      status text NOT NULL CHECK (status IN ('proposed','confirmed','discarded')),
      request jsonb NOT NULL,
      loads jsonb NOT NULL,
      result jsonb NOT NULL,
      violations jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      decided_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX trip_plans_day ON trip_plans(day, created_at)`.execute(db);
  await sql`
    CREATE TABLE trips (
      id text PRIMARY KEY,
      plan_id text NOT NULL REFERENCES trip_plans(id),
      ref text NOT NULL,
      day text NOT NULL,
      status text NOT NULL CHECK (status IN ('confirmed','dispatched','completed','cancelled')),
      vehicle_type_id text NOT NULL,
      vehicle_key text NOT NULL,
      vehicle_id text,
      driver_name text,
      driver_phone text,
      origin_node_id text NOT NULL,
      end_node_id text NOT NULL,
      leave_home_s integer NOT NULL,
      depart_s integer NOT NULL,
      return_s integer NOT NULL CHECK (return_s >= depart_s),
      distance_m integer NOT NULL CHECK (distance_m >= 0),
      deadhead_m integer NOT NULL CHECK (deadhead_m >= 0),
      travel_s integer NOT NULL CHECK (travel_s >= 0),
      cost_fen integer NOT NULL CHECK (cost_fen >= 0),
      load jsonb NOT NULL,
      coolant jsonb NOT NULL,
      coolant_note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL,
      dispatched_at timestamptz,
      completed_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX trips_day ON trips(day, vehicle_key)`.execute(db);
  await sql`
    CREATE TABLE trip_stops (
      trip_id text NOT NULL REFERENCES trips(id),
      seq integer NOT NULL CHECK (seq >= 1),
      load_kind text NOT NULL CHECK (load_kind IN ('transfer','purchase_order','order')),
      load_id text NOT NULL,
      place jsonb NOT NULL,
      arrival_s integer NOT NULL,
      start_s integer NOT NULL,
      departure_s integer NOT NULL,
      windows jsonb NOT NULL,
      weight_g bigint NOT NULL,
      volume_cm3 bigint NOT NULL,
      coolant jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('pending','arrived')) DEFAULT 'pending',
      active boolean NOT NULL DEFAULT true,
      arrived_at timestamptz,
      PRIMARY KEY (trip_id, seq)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX trip_stops_one_active_trip ON trip_stops(load_kind, load_id) WHERE active`.execute(db);
  await sql`
    CREATE TABLE trip_manifest_lines (
      trip_id text NOT NULL,
      seq integer NOT NULL,
      item_id text NOT NULL,
      name text NOT NULL,
      unit text NOT NULL,
      temperature_class text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      received_quantity integer CHECK (received_quantity >= 0),
      PRIMARY KEY (trip_id, seq, item_id),
      FOREIGN KEY (trip_id, seq) REFERENCES trip_stops(trip_id, seq)
    )`.execute(db);
}
