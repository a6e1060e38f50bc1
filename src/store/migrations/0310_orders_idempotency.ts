// The order is its own idempotency record: the first order of an accepted placement carries the
// client's Idempotency-Key (scope and key, unique), the request's hash and the stored answer, so
// placing an order writes no separate `idempotency_keys` row. Keys answered before this migration
// stay in `idempotency_keys` and still replay.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE orders ADD COLUMN idem_scope text, ADD COLUMN idem_key text, ADD COLUMN request_hash text, ADD COLUMN answer_status integer, ADD COLUMN answer jsonb`.execute(db);
  await sql`ALTER TABLE orders ADD CONSTRAINT orders_idempotency_whole CHECK ((idem_key IS NULL) = (idem_scope IS NULL) AND (idem_key IS NULL) = (answer IS NULL))`.execute(db);
  await sql`CREATE UNIQUE INDEX orders_idempotency ON orders(idem_scope, idem_key) WHERE idem_key IS NOT NULL`.execute(db);
}
