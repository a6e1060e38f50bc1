// Per node kind, how far the zone planner may widen a node's delivery radius and raise its daily
// order capacity before it leaves a zone unserved (user settings; defaults in domain/zones/widening.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE zone_node_kind_limits (
      node_kind text PRIMARY KEY,
      max_delivery_radius_m integer NOT NULL CHECK (max_delivery_radius_m >= 0),
      max_daily_order_capacity integer NOT NULL CHECK (max_daily_order_capacity >= 0),
      updated_at timestamptz NOT NULL
    )`.execute(db);
}
