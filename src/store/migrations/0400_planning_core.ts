// The planning context: the emergency assortment and its settings, suppliers and what they
// sell, DC shipments (planned or in transit, which a plan may divert), sourcing plans with
// their lines and shortages, and the purchase orders and diversions applying a plan creates.
// Transfer orders are the inventory context's documents (stock_transfers); a plan line keeps
// their id.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE planning_settings (
      id integer PRIMARY KEY CHECK (id = 1),
      options jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE planning_assortment (
      item_id text PRIMARY KEY REFERENCES items(id),
      tier text NOT NULL CHECK (tier IN ('essential','key')),
      category text NOT NULL,
      reason text NOT NULL,
      key_reason text,
      daily_demand_units integer NOT NULL CHECK (daily_demand_units >= 0),
      category_rank integer NOT NULL,
      selected_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE planning_suppliers (
      id text PRIMARY KEY,
      name text NOT NULL,
      daily_capacity_units integer NOT NULL CHECK (daily_capacity_units >= 0)
    )`.execute(db);
  await sql`
    CREATE TABLE planning_supplier_items (
      supplier_id text NOT NULL REFERENCES planning_suppliers(id) ON DELETE CASCADE,
      item_id text NOT NULL REFERENCES items(id),
      pack_size integer NOT NULL CHECK (pack_size >= 1),
      moq_units integer NOT NULL DEFAULT 0 CHECK (moq_units >= 0),
      lead_time_h real NOT NULL CHECK (lead_time_h >= 0),
      expedited_lead_time_h real CHECK (expedited_lead_time_h >= 0),
      expedite_premium_fen_per_unit integer NOT NULL DEFAULT 0 CHECK (expedite_premium_fen_per_unit >= 0),
      delivery_fen_per_unit integer NOT NULL DEFAULT 0 CHECK (delivery_fen_per_unit >= 0),
      PRIMARY KEY (supplier_id, item_id)
    )`.execute(db);
  await sql`CREATE INDEX planning_supplier_items_item ON planning_supplier_items(item_id)`.execute(db);
  await sql`
    CREATE TABLE planning_dc_shipments (
      id text PRIMARY KEY,
      from_node_id text NOT NULL REFERENCES nodes(id),
      to_node_id text NOT NULL REFERENCES nodes(id),
      item_id text NOT NULL REFERENCES items(id),
      quantity integer NOT NULL CHECK (quantity >= 0),
      status text NOT NULL CHECK (status IN ('planned','in_transit','received','cancelled')),
      diverted_from text REFERENCES planning_dc_shipments(id),
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX planning_dc_shipments_open ON planning_dc_shipments(item_id) WHERE status IN ('planned','in_transit')`.execute(db);
  await sql`
    CREATE TABLE planning_plans (
      id text PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('draft','applied','discarded')),
      created_at timestamptz NOT NULL,
      applied_at timestamptz,
      request jsonb NOT NULL,
      summary jsonb NOT NULL,
      warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
      documents jsonb NOT NULL DEFAULT '[]'::jsonb
    )`.execute(db);
  await sql`
    CREATE TABLE planning_plan_lines (
      plan_id text NOT NULL REFERENCES planning_plans(id) ON DELETE CASCADE,
      line_no integer NOT NULL,
      kind text NOT NULL CHECK (kind IN ('transfer','diversion','supplier_order')),
      item_id text NOT NULL,
      to_node_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      from_node_id text,
      shipment_id text,
      original_node_id text,
      supplier_id text,
      expedited boolean NOT NULL DEFAULT false,
      packs integer,
      distance_m integer,
      arrival_h real NOT NULL,
      unit_cost_fen real NOT NULL,
      cost_fen integer NOT NULL,
      reason text NOT NULL,
      document_id text,
      PRIMARY KEY (plan_id, line_no)
    )`.execute(db);
  await sql`
    CREATE TABLE planning_plan_shortages (
      plan_id text NOT NULL REFERENCES planning_plans(id) ON DELETE CASCADE,
      node_id text NOT NULL,
      item_id text NOT NULL,
      tier text NOT NULL,
      need_units integer NOT NULL,
      short_units integer NOT NULL,
      reason text NOT NULL,
      PRIMARY KEY (plan_id, node_id, item_id)
    )`.execute(db);
  await sql`
    CREATE TABLE planning_purchase_orders (
      id text PRIMARY KEY,
      plan_id text REFERENCES planning_plans(id),
      supplier_id text NOT NULL REFERENCES planning_suppliers(id),
      to_node_id text NOT NULL REFERENCES nodes(id),
      expedited boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('open','received','cancelled')),
      created_at timestamptz NOT NULL,
      expected_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE planning_purchase_order_lines (
      purchase_order_id text NOT NULL REFERENCES planning_purchase_orders(id) ON DELETE CASCADE,
      item_id text NOT NULL REFERENCES items(id),
      quantity integer NOT NULL CHECK (quantity > 0),
      packs integer NOT NULL CHECK (packs > 0),
      pack_size integer NOT NULL CHECK (pack_size > 0),
      PRIMARY KEY (purchase_order_id, item_id)
    )`.execute(db);
  await sql`
    CREATE TABLE planning_diversions (
      id text PRIMARY KEY,
      plan_id text REFERENCES planning_plans(id),
      shipment_id text NOT NULL REFERENCES planning_dc_shipments(id),
      new_shipment_id text NOT NULL REFERENCES planning_dc_shipments(id),
      from_node_id text NOT NULL,
      to_node_id text NOT NULL,
      item_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      created_at timestamptz NOT NULL
    )`.execute(db);
}
