/**
 * The inventory context's storage: the append-only stock ledger on PGlite or PostgreSQL.
 *
 * Every write goes through `postOperations(trx, ops)`. It runs inside the caller's transaction,
 * so another context (orders, transfers planned by sourcing, the simulation's replay) can post
 * movements together with its own rows and have both commit or roll back together. For a batch:
 *  1. check each operation's fields (the pure domain's validation);
 *  2. lock the (node, item) balance rows it touches, in a fixed order (sorted), creating missing
 *     rows on the way; these rows are the lock point: two writers on the same stock serialize
 *     here, writers on different stock do not wait for each other;
 *  3. load the lot rows, lots, reservations and transfer documents behind those rows;
 *  4. record the idempotency keys (a key already posted replays its movements instead);
 *  5. apply the operations with the pure domain's rules (`applyOperation`, the same code as the
 *     in-memory ledger) and write the movement lines and the balance deltas, a few statements
 *     for the whole batch (unnest arrays, not one statement per row).
 * The balance tables are a projection: they only ever change by the deltas of movement lines
 * written in the same transaction, `checkProjection` recomputes them from the movements and
 * `rebuildProjection` rewrites them. CHECK constraints on the tables back the rules up.
 *
 * The code lives in src/store/inventory/: posting.ts (the write path, receipts in bulk, the expiry
 * job), balances.ts (reading stock), projection.ts, transfers.ts, counts.ts, for-orders.ts
 * (locking reads and order reservations for other contexts) and demo.ts. This file re-exports them.
 */
export type { Transaction } from 'kysely';
export * from './inventory/posting.ts';
export * from './inventory/balances.ts';
export * from './inventory/projection.ts';
export * from './inventory/transfers.ts';
export * from './inventory/counts.ts';
export * from './inventory/for-orders.ts';
export * from './inventory/demo.ts';
