// The orders context: delivery slots and ordering windows per node, orders and their lines (one
// order per fulfilling node; orders from one request share a placement id), the lifecycle history,
// purchase-limit counters and per-item limit overrides, and community group orders. Node and item
// ids refer to the network context by value; stock is held in the inventory ledger under
// reservation ids `<order id>:<line no>`.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE order_windows (
      node_id text NOT NULL,
      service_day text NOT NULL CHECK (service_day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      opens_at timestamptz NOT NULL,
      closes_at timestamptz,
      day_capacity integer NOT NULL CHECK (day_capacity >= 0),
      booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
      CHECK (booked <= day_capacity),
      PRIMARY KEY (node_id, service_day)
    )`.execute(db);
  await sql`
    CREATE TABLE order_slots (
      node_id text NOT NULL,
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      service_day text NOT NULL,
      capacity integer NOT NULL CHECK (capacity >= 0),
      booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
      CHECK (booked <= capacity),
      CHECK (end_at > start_at),
      PRIMARY KEY (node_id, start_at)
    )`.execute(db);
  await sql`CREATE INDEX order_slots_day ON order_slots(node_id, service_day)`.execute(db);

  await sql`
    CREATE TABLE orders (
      id text PRIMARY KEY,
      placement_id text NOT NULL,
      customer_id text NOT NULL,
      household text NOT NULL,
      node_id text NOT NULL,
      zone_id text,
      slot_start timestamptz NOT NULL,
      service_day text NOT NULL,
      status text NOT NULL CHECK (status IN ('placed','picking','packed','out_for_delivery','delivered','cancelled')),
      delivery_mode text NOT NULL CHECK (delivery_mode IN ('door','drop_point')),
      drop_point jsonb,
      address_lat double precision NOT NULL,
      address_lng double precision NOT NULL,
      group_id text,
      placed_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX orders_node_slot ON orders(node_id, slot_start)`.execute(db);
  await sql`CREATE INDEX orders_customer ON orders(customer_id)`.execute(db);
  await sql`CREATE INDEX orders_placement ON orders(placement_id)`.execute(db);
  await sql`CREATE INDEX orders_group ON orders(group_id) WHERE group_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE order_lines (
      order_id text NOT NULL REFERENCES orders(id),
      line_no integer NOT NULL,
      item_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      picked_quantity integer CHECK (picked_quantity >= 0 AND picked_quantity <= quantity),
      PRIMARY KEY (order_id, line_no)
    )`.execute(db);
  await sql`
    CREATE TABLE order_events (
      seq bigserial PRIMARY KEY,
      order_id text NOT NULL,
      from_status text,
      to_status text NOT NULL,
      note text NOT NULL DEFAULT '',
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX order_events_order ON order_events(order_id, seq)`.execute(db);

  await sql`
    CREATE TABLE purchase_counters (
      scope text NOT NULL CHECK (scope IN ('customer','household')),
      subject text NOT NULL,
      item_id text NOT NULL,
      service_day text NOT NULL,
      quantity integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
      PRIMARY KEY (scope, subject, item_id, service_day)
    )`.execute(db);
  await sql`
    CREATE TABLE purchase_limits (
      item_id text PRIMARY KEY,
      per_customer_per_day integer CHECK (per_customer_per_day >= 0),
      per_household_per_day integer CHECK (per_household_per_day >= 0),
      updated_at timestamptz NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE group_orders (
      id text PRIMARY KEY,
      leader_id text NOT NULL,
      node_id text NOT NULL,
      zone_id text,
      drop_point jsonb NOT NULL,
      slot_start timestamptz NOT NULL,
      service_day text NOT NULL,
      min_households integer NOT NULL,
      households integer NOT NULL,
      members integer NOT NULL,
      created_at timestamptz NOT NULL
    )`.execute(db);
}
