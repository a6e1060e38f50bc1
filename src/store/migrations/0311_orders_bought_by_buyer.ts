// Purchase limits are counted from the orders themselves (what a customer or household has
// ordered that service day, not cancelled, as picked once packed) instead of separate counter rows
// written with every order: these two indexes find a buyer's orders of a day. The composite
// customer index replaces the plain one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX orders_customer_day ON orders(customer_id, service_day)`.execute(db);
  await sql`CREATE INDEX orders_household_day ON orders(household, service_day)`.execute(db);
  await sql`DROP INDEX IF EXISTS orders_customer`.execute(db);
}
