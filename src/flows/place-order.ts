/**
 * Placing orders: the flow that spans zones (where does the address go), the network (is the
 * node trading), orders (window, slot, purchase limits) and the inventory ledger (reserve stock).
 *
 * Steps, for a batch of orders that arrived together (group commit), in ONE database transaction
 * of two round trips on a pipelined connection (BEGIN, the locked read and the purchase counts
 * behind it; the write and COMMIT), five statements one after the other elsewhere:
 *   1-2. look up each address's zone (in memory), then read in one statement (`loadBook`) the
 *      idempotency keys already answered (such a key replays its answer, placing nothing) and,
 *      under row locks, everything the orders touch;
 *   3. decide each order in arrival order with the pure placement rules, each seeing what the
 *      orders before it took; every order is atomic: all its accepted lines or none;
 *   4-5. write the batch in ONE statement: the stock reservation of every accepted line of every
 *      order (`orderReservationPart`: `UPDATE … FROM json_to_recordset(…) WHERE on_hand - reserved >= qty`,
 *      the ledger's movement lines and reservations, one ledger operation key for the whole batch:
 *      each line's movement keeps its own key and its order line as document), the orders (the
 *      first order of a placement carries its Idempotency-Key and answer: the order is the key's
 *      record; a key another transaction stored meanwhile refuses the batch with a retryable
 *      error: its orders are decided again and replay), the slots and windows booked, and the
 *      audit rows. Purchase limits need no write: what a buyer bought is counted from its orders,
 *      under a per-buyer advisory lock (`bookQuery`), by a statement sent right behind the read
 *      (`boughtQuery`: it starts once the locks are held, yet costs no round trip of its own).
 * A failure anywhere rolls the whole transaction back, which is the compensation of every step:
 * no reservation, booking or counter outlives a failed confirmation. When a batch fails for a
 * reason that is not an order's own (a deadlock, a bug), each of its orders is retried alone so
 * that one bad order cannot fail the others.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../api/deps.ts';
import { householdKey, DEFAULT_TIER_LIMITS, type TierLimits, placeOrder, localDay, sameCategorySubstitution, type SubstitutionPolicy, type LineRejection, type OrderRequest, type PlacementOutcome, type RoutingInfo, notFoundItem } from '../domain/orders/index.ts';
import { DomainException, type DomainError } from '../domain/shared/index.ts';
import { orderReservationPart, type OrderReservation } from '../store/inventory.ts';
import { appendAuditsPart, type AuditEntry } from '../store/auth.ts';
import { bookDeliveriesPart, insertOrdersPart, isOrderKeyConflict, OrderKeyRace, reservationId, type BoughtRow, type NewOrder } from '../store/orders.ts';
import { bookFromRow, bookQuery, boughtQuery } from './order-book.ts';
import { batchTransaction } from '../store/batch-transaction.ts';
import type { PipelinedConnection } from '../store/db.ts';
import { availableByCategory } from '../store/inventory.ts';
import { defaultZoneDirectory, type ZoneDirectorySource } from './zone-directory.ts';
import type { DB } from '../store/tables.ts';

export interface PlaceJob {
  request: OrderRequest;
  idempotency?: { key: string; scope: string; hash: string };
  /** The audit row of an accepted order, written in the same transaction as the order. */
  audit?: (status: number, body: unknown) => AuditEntry;
}

export interface PlacedOrder {
  id: string;
  nodeId: string;
  slotStart: string;
  serviceDay: string;
  deliveryMode: 'door' | 'drop_point';
  dropPoint?: { id: string; name: string; lat: number; lng: number };
  lines: Array<{ lineNo: number; itemId: string; quantity: number }>;
}

export interface PlacementAnswer extends Omit<PlacementOutcome, 'orders'> {
  placementId: string | null;
  orders: PlacedOrder[];
}

export type PlaceResult = { ok: true; status: number; body: PlacementAnswer; replayed: boolean } | { ok: false; error: DomainError };

export interface PlaceOptions {
  directory?: ZoneDirectorySource;
  tiers?: TierLimits;
  /** null: no substitutes in the answer. */
  substitution?: SubstitutionPolicy | null;
  /** Test hook: runs after the batch's writes (stock reserved, orders written) and before its commit. */
  afterReserve?: (trx: Kysely<DB>) => Promise<void> | void;
  /** A pipelined PostgreSQL connection (`Database.pipelined`): a batch then costs two round trips. */
  pipelined?: () => Promise<PipelinedConnection>;
}

export async function placeOrders(db: Kysely<DB>, clock: Clock, jobs: PlaceJob[], options: PlaceOptions = {}): Promise<PlaceResult[]> {
  try {
    return await placeBatch(db, clock, jobs, options);
  } catch (e) {
    if (jobs.length === 1) {
      if (e instanceof DomainException) return [{ ok: false, error: e.error }];
      // A deadlock, a serialization failure or a purchase counter created concurrently is worth a
      // few more tries (the next sees the other transaction's rows); anything else is a bug.
      let last = e;
      for (let attempt = 0; attempt < 3 && isRetryable(last); attempt++) {
        try {
          return await placeBatch(db, clock, jobs, options);
        } catch (e2) {
          if (e2 instanceof DomainException) return [{ ok: false, error: e2.error }];
          last = e2;
        }
      }
      throw last;
    }
    const out: PlaceResult[] = [];
    for (const j of jobs) {
      try {
        out.push(...(await placeOrders(db, clock, [j], options)));
      } catch (e3) {
        out.push({ ok: false, error: { code: 'internal', message: `order could not be placed: ${(e3 as Error).message}` } });
      }
    }
    return out;
  }
}

async function placeBatch(db: Kysely<DB>, clock: Clock, jobs: PlaceJob[], options: PlaceOptions): Promise<PlaceResult[]> {
  const now = clock.now();
  const nowMs = now.getTime();
  const directory = await (options.directory ?? defaultZoneDirectory)(db, now);
  const routings: Array<RoutingInfo | null> = jobs.map((j) => directory.lookup(j.request.address.lat, j.request.address.lng));
  const results: Array<PlaceResult | undefined> = new Array(jobs.length);

  // 1. Idempotency keys: the first job with a key claims it; later jobs in the batch with the
  // same key mirror its result; a key answered by an earlier transaction replays its answer.
  const keyed = new Map<string, number>();
  const mirrors: Array<[number, number]> = [];
  jobs.forEach((j, i) => {
    if (!j.idempotency) return;
    const k = `${j.idempotency.scope}\u0000${j.idempotency.key}`;
    const first = keyed.get(k);
    if (first === undefined) keyed.set(k, i);
    else if (jobs[first].idempotency!.hash !== j.idempotency.hash) results[i] = { ok: false, error: reusedKey(j.idempotency.key) };
    else mirrors.push([i, first]);
  });
  const claimants = [...keyed.values()];
  const mirrored = new Set(mirrors.map((m) => m[0]));
  // Every job that may be decided here (a key answered earlier only shows once read, below: its
  // rows are read and locked with the others', which is harmless and saves a round trip).
  const candidates = jobs.map((_, i) => i).filter((i) => results[i] === undefined && !mirrored.has(i));

  // 2. Load what the orders touch, under locks, and the keys already answered: one statement.
  const itemIds = [...new Set(candidates.flatMap((i) => jobs[i].request.lines.map((l) => l.itemId)))];
  const needs = { slots: [] as Array<{ nodeId: string; startMs: number; day: string }>, stock: [] as Array<[string, string]>, items: itemIds, buyers: [] as Array<{ customerId: string; household: string; day: string; itemIds: string[] }> };
  for (const i of candidates) {
    const r = jobs[i].request;
    const routing = routings[i];
    const day = localDay(r.slotStartMs);
    needs.buyers.push({ customerId: r.customerId, household: householdKey(r.address), day, itemIds: r.lines.map((l) => l.itemId) });
    if (!routing) continue;
    for (const n of [routing.servingNodeId, ...routing.backupNodeIds]) {
      if (!n) continue;
      needs.slots.push({ nodeId: n, startMs: r.slotStartMs, day });
      for (const l of r.lines) needs.stock.push([n, l.itemId]);
    }
  }
  const keys = claimants.map((i) => ({ scope: jobs[i].idempotency!.scope, key: jobs[i].idempotency!.key }));

  // A pipelined connection sends BEGIN with the read and COMMIT with the write (two round trips);
  // the crash test's hook needs the transaction between the write and the commit.
  const source = options.afterReserve ? { db } : { db, pipelined: options.pipelined };
  const bought = boughtQuery(needs);
  await batchTransaction(source, bookQuery(needs, keys), async ([row], tx, [boughtRows]) => {
    const { book, items, policy, answered } = await bookFromRow(row, needs, options.tiers ?? DEFAULT_TIER_LIMITS, tx.query, bought ? (boughtRows as BoughtRow[]) : []);
    // Optimistic: the keys already answered replay their answer; the answers of this batch are
    // inserted at the end, and a key another transaction answered meanwhile refuses the batch
    // (retryable), so each key is written once instead of claimed and then updated.
    const by = new Map(answered.map((r) => [`${r.scope}\u0000${r.key}`, r]));
    for (const i of claimants) {
      const r = by.get(`${jobs[i].idempotency!.scope}\u0000${jobs[i].idempotency!.key}`);
      if (!r) continue;
      if (r.requestHash !== jobs[i].idempotency!.hash) results[i] = { ok: false, error: reusedKey(jobs[i].idempotency!.key) };
      else results[i] = { ok: true, status: r.status, body: r.answer as PlacementAnswer, replayed: true };
    }
    const active = candidates.filter((i) => results[i] === undefined);

    // 3. Decide, in arrival order.
    const newOrders: NewOrder[] = [];
    // Every accepted line of the batch, reserved by one statement under one ledger operation key.
    const batchKey = `orders:${randomUUID()}:reserve`;
    const reservations: OrderReservation[] = [];
    // The first order of each accepted placement (it will carry the placement's Idempotency-Key).
    const firstOrder = new Map<number, NewOrder>();
    const deliveries: Array<{ nodeId: string; startMs: number; serviceDay: string; deliveries: number }> = [];
    const rejectedKeys: number[] = [];
    for (const i of active) {
      const r = jobs[i].request;
      const unknown = r.lines.findIndex((l) => !items.has(l.itemId));
      if (unknown >= 0) {
        results[i] = { ok: false, error: notFoundItem(r.lines[unknown].itemId, `lines.${unknown}.itemId`) };
        if (jobs[i].idempotency) rejectedKeys.push(i);
        continue;
      }
      const outcome = placeOrder(r, routings[i], { book, policy, nowMs });
      const placementId = outcome.orders.length > 0 ? randomUUID() : null;
      const household = householdKey(r.address);
      const placed: PlacedOrder[] = outcome.orders.map((o) => {
        const id = randomUUID();
        const order: NewOrder = {
          id, placementId: placementId!, customerId: r.customerId, household, nodeId: o.nodeId, zoneId: outcome.zoneId ?? null,
          slotStartMs: o.slotStartMs, serviceDay: o.serviceDay, deliveryMode: o.deliveryMode, dropPoint: o.dropPoint ?? null,
          lat: r.address.lat, lng: r.address.lng, groupId: null, lines: o.lines,
        };
        newOrders.push(order);
        if (!firstOrder.has(i)) firstOrder.set(i, order);
        deliveries.push({ nodeId: o.nodeId, startMs: o.slotStartMs, serviceDay: o.serviceDay, deliveries: 1 });
        o.lines.forEach((l, n) => {
          reservations.push({ groupKey: batchKey, key: `order:${id}:${n}:reserve`, nodeId: o.nodeId, itemId: l.itemId, quantity: l.quantity, reservationId: reservationId(id, n) });
        });
        return {
          id, nodeId: o.nodeId, slotStart: new Date(o.slotStartMs).toISOString(), serviceDay: o.serviceDay, deliveryMode: o.deliveryMode,
          ...(o.dropPoint ? { dropPoint: o.dropPoint } : {}),
          lines: o.lines.map((l, n) => ({ lineNo: n, itemId: l.itemId, quantity: l.quantity })),
        };
      });
      const body: PlacementAnswer = { ...outcome, placementId, orders: placed };
      results[i] = { ok: true, status: outcome.status === 'rejected' ? 422 : 201, body, replayed: false };
      if (outcome.status === 'rejected' && jobs[i].idempotency) rejectedKeys.push(i);
    }

    // 4-5. Reserve every accepted line of every order and confirm, in ONE statement (one round
    // trip for the batch's writes, all or nothing): the ledger's reservation (a guard that fails
    // refuses it as a whole), the orders and lines, the slots and windows booked, the audit rows.
    // An accepted placement's Idempotency-Key and answer go on its first order (the order is the
    // key's record; unique, so a key another transaction stored first refuses the batch, which is
    // decided again and replays). A refused order keeps no key: the customer may try again with it
    // once stock is back.
    for (const i of active) {
      const j = jobs[i];
      const first = firstOrder.get(i);
      const res = results[i];
      if (!j.idempotency || !first || !res?.ok || rejectedKeys.includes(i)) continue;
      first.idempotency = { scope: j.idempotency.scope, key: j.idempotency.key, hash: j.idempotency.hash, status: res.status, answer: res.body };
    }
    const audits: AuditEntry[] = [];
    for (const i of active) {
      const r = results[i];
      if (r?.ok && r.status < 400 && jobs[i].audit) audits.push(jobs[i].audit!(r.status, r.body));
    }
    const reserve = orderReservationPart(reservations, now);
    const parts = [reserve?.ctes, insertOrdersPart(newOrders, now), bookDeliveriesPart(deliveries), appendAuditsPart(audits)].filter((x) => !!x);
    // The write checks its own guards (`baogong_guard`): the COMMIT sent behind it commits nothing when one fails.
    const write = parts.length > 0 ? sql`WITH ${sql.join(parts)} SELECT ${reserve ? reserve.counts : sql`1 AS none`}` : null;
    for (const [i, first] of mirrors) {
      const f = results[first]!;
      results[i] = f.ok ? { ...f, replayed: true } : f;
    }
    if (options.afterReserve && tx.kysely) {
      // Test hook: a crash after the batch's writes and before its commit.
      if (write) await tx.query(write);
      await options.afterReserve(tx.kysely);
      return { last: null, result: true };
    }
    return { last: write, result: true };
  }, bought ? [bought] : []).catch((e) => {
    throw isOrderKeyConflict(e) ? new OrderKeyRace(e) : e;
  });

  // Substitutes are suggestions read after the commit: they hold no stock and take no locks.
  if (options.substitution !== null) await addSubstitutes(db, jobs, results as PlaceResult[], routings, options.substitution ?? sameCategorySubstitution);
  return results as PlaceResult[];
}

async function addSubstitutes(db: Kysely<DB>, jobs: PlaceJob[], results: PlaceResult[], routings: Array<RoutingInfo | null>, policy: SubstitutionPolicy): Promise<void> {
  const wanted: Array<{ rej: LineRejection; nodes: string[] }> = [];
  results.forEach((r, i) => {
    if (!r.ok || r.replayed || !jobs[i].request.allowSubstitution) return;
    const routing = routings[i];
    if (!routing) return;
    const nodes = r.body.orders.length > 0 ? r.body.orders.map((o) => o.nodeId) : [routing.servingNodeId, ...routing.backupNodeIds].filter((x): x is string => !!x);
    for (const rej of r.body.rejectedLines) if (rej.code === 'insufficient_stock') wanted.push({ rej, nodes });
  });
  if (wanted.length === 0) return;
  const itemIds = [...new Set(wanted.map((w) => w.rej.itemId))];
  const cats = await sql<{ id: string; category: string; essential_tier: string }>`SELECT id, category, essential_tier FROM items WHERE id = ANY(${itemIds}::text[])`.execute(db);
  const info = new Map(cats.rows.map((c) => [c.id, { itemId: c.id, category: c.category, essentialTier: c.essential_tier as 'none' | 'essential' | 'key' }]));
  const rows = await availableByCategory(db, [...new Set(wanted.flatMap((w) => w.nodes))], [...new Set(cats.rows.map((c) => c.category))]);
  for (const w of wanted) {
    const it = info.get(w.rej.itemId);
    if (!it) continue;
    const node = w.nodes[0];
    const cands = rows.filter((x) => x.nodeId === node).map((x) => ({ item: { itemId: x.itemId, category: x.category, essentialTier: x.essentialTier as 'none' }, available: x.available }));
    w.rej.substitutes = policy.substitutes(it, w.rej.quantity, cands);
  }
}

function isRetryable(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

function reusedKey(key: string): DomainError {
  return { code: 'conflict', message: 'this Idempotency-Key was already used for a different request', field: 'Idempotency-Key', expected: 'a new key for a new request', actual: key };
}
