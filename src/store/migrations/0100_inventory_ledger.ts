// The inventory context: an append-only stock ledger (operations → movement lines), its balance
// projections (per node and item, and per node, item and lot), lots, reservations, transfer
// documents, stock counts and the per-node online safety buffer. Node and item ids refer to the
// network context by value only (no foreign keys across contexts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per accepted operation, keyed by its idempotency key.
  await sql`
    CREATE TABLE stock_operations (
      key text PRIMARY KEY,
      kind text NOT NULL,
      request_hash text NOT NULL,
      posted_at timestamptz NOT NULL
    )`.execute(db);

  // Append-only: rows are inserted and never updated or deleted.
  await sql`
    CREATE TABLE stock_movements (
      seq bigserial PRIMARY KEY,
      operation_key text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('receipt','reserve','release','pick','transfer_out','transfer_in','adjustment','write_off','count_adjustment')),
      reason text NOT NULL,
      node_id text NOT NULL,
      item_id text NOT NULL,
      lot_code text NOT NULL DEFAULT '',
      quantity integer NOT NULL CHECK (quantity >= 0),
      on_hand_delta integer NOT NULL,
      reserved_delta integer NOT NULL,
      in_transit_in_delta integer NOT NULL,
      in_transit_out_delta integer NOT NULL,
      counterparty_node_id text,
      document_type text,
      document_ref text,
      reservation_id text,
      variance_quantity integer NOT NULL DEFAULT 0,
      note text,
      posted_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX stock_movements_balance ON stock_movements(node_id, item_id, lot_code, seq)`.execute(db);
  await sql`CREATE INDEX stock_movements_operation ON stock_movements(operation_key)`.execute(db);
  await sql`CREATE INDEX stock_movements_document ON stock_movements(document_type, document_ref)`.execute(db);

  // Projections, derived from stock_movements in the same transaction; checked and rebuilt by
  // checkProjection / rebuildProjection. The CHECKs are the database's last line of defence.
  await sql`
    CREATE TABLE stock_item_balances (
      node_id text NOT NULL,
      item_id text NOT NULL,
      on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      in_transit_in integer NOT NULL DEFAULT 0 CHECK (in_transit_in >= 0),
      in_transit_out integer NOT NULL DEFAULT 0 CHECK (in_transit_out >= 0),
      CHECK (reserved <= on_hand),
      PRIMARY KEY (node_id, item_id)
    )`.execute(db);
  await sql`CREATE INDEX stock_item_balances_item ON stock_item_balances(item_id)`.execute(db);
  await sql`
    CREATE TABLE stock_balances (
      node_id text NOT NULL,
      item_id text NOT NULL,
      lot_code text NOT NULL,
      on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      in_transit_in integer NOT NULL DEFAULT 0 CHECK (in_transit_in >= 0),
      in_transit_out integer NOT NULL DEFAULT 0 CHECK (in_transit_out >= 0),
      PRIMARY KEY (node_id, item_id, lot_code)
    )`.execute(db);

  await sql`
    CREATE TABLE stock_lots (
      item_id text NOT NULL,
      lot_code text NOT NULL CHECK (lot_code <> ''),
      expiry_date text NOT NULL CHECK (expiry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      PRIMARY KEY (item_id, lot_code)
    )`.execute(db);
  await sql`CREATE INDEX stock_lots_expiry ON stock_lots(expiry_date)`.execute(db);

  await sql`
    CREATE TABLE stock_reservations (
      id text PRIMARY KEY,
      node_id text NOT NULL,
      item_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity >= 0)
    )`.execute(db);
  await sql`CREATE INDEX stock_reservations_balance ON stock_reservations(node_id, item_id)`.execute(db);

  await sql`
    CREATE TABLE stock_transfers (
      id text PRIMARY KEY,
      from_node_id text NOT NULL,
      to_node_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('draft','in_transit','received','cancelled')),
      note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL,
      dispatched_at timestamptz,
      received_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX stock_transfers_status ON stock_transfers(status)`.execute(db);
  await sql`
    CREATE TABLE stock_transfer_lines (
      transfer_id text NOT NULL REFERENCES stock_transfers(id),
      item_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      received_quantity integer CHECK (received_quantity >= 0),
      lots jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (transfer_id, item_id)
    )`.execute(db);

  await sql`
    CREATE TABLE inventory_node_settings (
      node_id text PRIMARY KEY,
      online_safety_buffer integer NOT NULL DEFAULT 0 CHECK (online_safety_buffer >= 0)
    )`.execute(db);

  await sql`
    CREATE TABLE stock_counts (
      id text PRIMARY KEY,
      node_id text NOT NULL,
      scope jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('open','posted','cancelled')),
      recount_threshold integer NOT NULL CHECK (recount_threshold >= 0),
      snapshot_seq bigint NOT NULL,
      opened_at timestamptz NOT NULL,
      posted_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE stock_count_lines (
      count_id text NOT NULL REFERENCES stock_counts(id),
      item_id text NOT NULL,
      lot_code text NOT NULL,
      snapshot_quantity integer NOT NULL,
      counted_quantity integer CHECK (counted_quantity >= 0),
      counted_seq bigint,
      recount_quantity integer CHECK (recount_quantity >= 0),
      recount_seq bigint,
      expiry_date text,
      PRIMARY KEY (count_id, item_id, lot_code)
    )`.execute(db);
}
