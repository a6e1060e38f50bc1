/**
 * The orders context's storage: slots, ordering windows, orders and lines, lifecycle events,
 * purchase counters and limits, group orders. Every function takes a Kysely handle, which may be a
 * transaction; the `lock*` functions must run inside one (their row locks last until it commits).
 * Batch writers take arrays and issue one statement per table (unnest), so a batch of a hundred
 * orders costs the same number of round trips as one.
 *
 * Lock order, the same in every flow so that concurrent batches cannot deadlock: idempotency keys,
 * orders, ordering windows, slots, stock balances (inventory), purchase counters; each sorted.
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { CounterScope, ItemLimit, LimitItem, SlotState, WindowState, DeliveryMode, OrderStatus } from '../domain/orders/index.ts';
import type { DropPoint } from '../domain/zones/index.ts';
import { fail } from '../domain/shared/index.ts';
import { jsonRecordset } from './json-rows.ts';
import type { Wire } from './rows.ts';
import type { DB, GroupOrdersTable, OrderEventsTable, OrderLinesTable, OrderSlotsTable, OrdersTable, OrderWindowsTable, PurchaseCountersTable, PurchaseLimitsTable } from './tables.ts';

type Db = Kysely<DB>;
export type SlotRow = Selectable<OrderSlotsTable>;
export type WindowRow = Selectable<OrderWindowsTable>;
type OrderRow = Selectable<OrdersTable>;
type OrderLineRow = Selectable<OrderLinesTable>;
/** A row of `orderItemsQuery`: an item with its purchase limit override, if any. */
export interface OrderItemRow {
  id: string;
  category: string;
  essential_tier: string;
  per_customer_per_day: number | null;
  per_household_per_day: number | null;
  has_limit: string | null;
}
/** A row of `boughtSoFarQuery`. */
export interface BoughtRow {
  scope: CounterScope;
  subject: string;
  item_id: string;
  service_day: string;
  quantity: number;
}
/** A row of `answeredKeysQuery`. */
export interface AnsweredKeyRow {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: unknown;
}

const ms = (d: Date | string): number => (d instanceof Date ? d.getTime() : new Date(d).getTime());
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Slots and windows
// ---------------------------------------------------------------------------------------------

/** Creates or resizes a node's slots and window for a day. Booked counts are kept; a capacity below what is booked is refused. */
export async function upsertDay(db: Db, slots: SlotState[], window: WindowState): Promise<void> {
  const w = await sql<{ booked: number; day_capacity: number }>`
    INSERT INTO order_windows AS w (node_id, service_day, opens_at, closes_at, day_capacity)
    VALUES (${window.nodeId}, ${window.serviceDay}, ${new Date(window.opensAtMs)}, ${window.closesAtMs === null ? null : new Date(window.closesAtMs)}, ${window.dayCapacity})
    ON CONFLICT (node_id, service_day) DO UPDATE SET opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at,
      day_capacity = GREATEST(EXCLUDED.day_capacity, w.booked)
    RETURNING booked, day_capacity`.execute(db);
  if (w.rows[0].day_capacity !== window.dayCapacity) {
    fail({ code: 'conflict', message: `node ${window.nodeId} already has ${w.rows[0].booked} orders for ${window.serviceDay}`, field: 'dayCapacity', expected: `>= ${w.rows[0].booked}`, actual: window.dayCapacity });
  }
  if (slots.length === 0) return;
  await sql`
    INSERT INTO order_slots AS s (node_id, start_at, end_at, service_day, capacity)
    SELECT n, st, en, d, c FROM unnest(${slots.map((s) => s.nodeId)}::text[], ${slots.map((s) => new Date(s.startMs).toISOString())}::timestamptz[],
      ${slots.map((s) => new Date(s.endMs).toISOString())}::timestamptz[], ${slots.map((s) => s.serviceDay)}::text[], ${slots.map((s) => s.capacity)}::int[]) AS t(n, st, en, d, c)
    ON CONFLICT (node_id, start_at) DO UPDATE SET end_at = EXCLUDED.end_at, service_day = EXCLUDED.service_day, capacity = GREATEST(EXCLUDED.capacity, s.booked)`.execute(db);
}

export function rowToSlot(r: Wire<SlotRow>): SlotState {
  return { nodeId: r.node_id, startMs: ms(r.start_at), endMs: ms(r.end_at), serviceDay: r.service_day, capacity: r.capacity, booked: r.booked };
}
export function rowToWindow(r: Wire<WindowRow>): WindowState {
  return { nodeId: r.node_id, serviceDay: r.service_day, opensAtMs: ms(r.opens_at), closesAtMs: r.closes_at ? ms(r.closes_at) : null, dayCapacity: r.day_capacity, booked: r.booked };
}

export async function lockWindows(trx: Db, keys: Array<[string, string]>): Promise<WindowState[]> {
  if (keys.length === 0) return [];
  return (await lockWindowsQuery(keys).execute(trx)).rows.map(rowToWindow);
}

/** The statement of `lockWindows` (rows for `rowToWindow`), to run alone or inside a larger one. */
export function lockWindowsQuery(keys: Array<[string, string]>): RawBuilder<WindowRow> {
  const k = [...keys].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return sql<WindowRow>`
    SELECT * FROM order_windows WHERE (node_id, service_day) IN (SELECT * FROM unnest(${k.map((x) => x[0])}::text[], ${k.map((x) => x[1])}::text[]))
    ORDER BY node_id, service_day FOR UPDATE`;
}

export async function lockSlots(trx: Db, keys: Array<[string, number]>): Promise<SlotState[]> {
  if (keys.length === 0) return [];
  return (await lockSlotsQuery(keys).execute(trx)).rows.map(rowToSlot);
}

/** The statement of `lockSlots` (rows for `rowToSlot`), to run alone or inside a larger one. */
export function lockSlotsQuery(keys: Array<[string, number]>): RawBuilder<SlotRow> {
  const k = [...keys].sort((a, b) => cmp(a[0], b[0]) || a[1] - b[1]);
  return sql<SlotRow>`
    SELECT * FROM order_slots WHERE (node_id, start_at) IN (SELECT * FROM unnest(${k.map((x) => x[0])}::text[], ${k.map((x) => new Date(x[1]).toISOString())}::timestamptz[]))
    ORDER BY node_id, start_at FOR UPDATE`;
}

/** Adds booked deliveries (negative to give them back) to slots and their windows. */
export async function bookDeliveries(trx: Db, deltas: Array<{ nodeId: string; startMs: number; serviceDay: string; deliveries: number }>): Promise<void> {
  // One round trip for both tables (the rows are already locked by the caller, windows first).
  const part = bookDeliveriesPart(deltas);
  if (part) await sql`WITH ${part} SELECT 1`.execute(trx);
}

/** `bookDeliveries` as common table expressions (`book_w`, `book_s`) for a larger statement; null when there is nothing to book. */
export function bookDeliveriesPart(deltas: Array<{ nodeId: string; startMs: number; serviceDay: string; deliveries: number }>): RawBuilder<unknown> | null {
  if (deltas.length === 0) return null;
  const slots = new Map<string, { n: string; s: number; d: number }>();
  const wins = new Map<string, { n: string; day: string; d: number }>();
  for (const x of deltas) {
    const sk = `${x.nodeId}\u0000${x.startMs}`;
    slots.set(sk, { n: x.nodeId, s: x.startMs, d: (slots.get(sk)?.d ?? 0) + x.deliveries });
    const wk = `${x.nodeId}\u0000${x.serviceDay}`;
    wins.set(wk, { n: x.nodeId, day: x.serviceDay, d: (wins.get(wk)?.d ?? 0) + x.deliveries });
  }
  const w = [...wins.values()].sort((a, b) => cmp(a.n, b.n) || cmp(a.day, b.day));
  const s = [...slots.values()].sort((a, b) => cmp(a.n, b.n) || a.s - b.s);
  return sql`
    book_w AS (
      UPDATE order_windows AS w SET booked = w.booked + t.d
      FROM ${jsonRecordset(w, 't', 'n text, day text, d int')}
      WHERE w.node_id = t.n AND w.service_day = t.day
      RETURNING 1
    ),
    book_s AS (
      UPDATE order_slots AS s SET booked = s.booked + t.d
      FROM ${jsonRecordset(s.map((x) => ({ n: x.n, st: new Date(x.s).toISOString(), d: x.d })), 't', 'n text, st timestamptz, d int')}
      WHERE s.node_id = t.n AND s.start_at = t.st
      RETURNING 1
    )`;
}

export interface SlotView extends SlotState {
  startAt: string;
  endAt: string;
  remaining: number;
  full: boolean;
  /** Orders in this slot by status. */
  orders: Partial<Record<OrderStatus, number>>;
  /** Orders placed but not yet out for delivery. */
  backlog: number;
}

export async function slotViews(db: Db, filter: { nodeId?: string; day?: string }): Promise<{ window: WindowState[]; slots: SlotView[] }> {
  const slots = await sql<SlotRow>`
    SELECT * FROM order_slots WHERE true ${filter.nodeId ? sql`AND node_id = ${filter.nodeId}` : sql``} ${filter.day ? sql`AND service_day = ${filter.day}` : sql``}
    ORDER BY node_id, start_at`.execute(db);
  const windows = await sql<WindowRow>`
    SELECT * FROM order_windows WHERE true ${filter.nodeId ? sql`AND node_id = ${filter.nodeId}` : sql``} ${filter.day ? sql`AND service_day = ${filter.day}` : sql``}
    ORDER BY node_id, service_day`.execute(db);
  const counts = await sql<{ node_id: string; slot_start: Date; status: string; n: number }>`
    SELECT node_id, slot_start, status, count(*)::int AS n FROM orders
    WHERE true ${filter.nodeId ? sql`AND node_id = ${filter.nodeId}` : sql``} ${filter.day ? sql`AND service_day = ${filter.day}` : sql``}
    GROUP BY node_id, slot_start, status`.execute(db);
  const by = new Map<string, Partial<Record<OrderStatus, number>>>();
  for (const c of counts.rows) {
    const k = `${c.node_id}\u0000${ms(c.slot_start)}`;
    const m = by.get(k) ?? {};
    m[c.status as OrderStatus] = c.n;
    by.set(k, m);
  }
  return {
    window: windows.rows.map(rowToWindow),
    slots: slots.rows.map((r) => {
      const s = rowToSlot(r);
      const o = by.get(`${s.nodeId}\u0000${s.startMs}`) ?? {};
      return {
        ...s,
        startAt: new Date(s.startMs).toISOString(),
        endAt: new Date(s.endMs).toISOString(),
        remaining: s.capacity - s.booked,
        full: s.booked >= s.capacity,
        orders: o,
        backlog: (o.placed ?? 0) + (o.picking ?? 0) + (o.packed ?? 0),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Items, limits, counters
// ---------------------------------------------------------------------------------------------

export interface OrderItem extends LimitItem {
  override: ItemLimit | null;
}

/** The items' category and tier (network context's table, read-only) with their limit overrides. */
export async function loadOrderItems(db: Db, itemIds: string[]): Promise<Map<string, OrderItem>> {
  if (itemIds.length === 0) return new Map();
  return orderItemsFromRows((await orderItemsQuery(itemIds).execute(db)).rows);
}

/** The statement of `loadOrderItems` (rows for `orderItemsFromRows`), to run alone or inside a larger one. */
export function orderItemsQuery(itemIds: string[]): RawBuilder<OrderItemRow> {
  return sql<OrderItemRow>`
    SELECT i.id, i.category, i.essential_tier, l.per_customer_per_day, l.per_household_per_day, l.item_id AS has_limit
    FROM items i LEFT JOIN purchase_limits l ON l.item_id = i.id WHERE i.id = ANY(${itemIds}::text[])`;
}

export function orderItemsFromRows(rows: OrderItemRow[]): Map<string, OrderItem> {
  return new Map(
    rows.map((x) => [
      x.id,
      {
        itemId: x.id,
        category: x.category,
        essentialTier: x.essential_tier as OrderItem['essentialTier'],
        override: x.has_limit ? { perCustomerPerDay: x.per_customer_per_day, perHouseholdPerDay: x.per_household_per_day } : null,
      },
    ]),
  );
}

export async function setPurchaseLimit(db: Db, itemId: string, limit: ItemLimit, now: Date): Promise<void> {
  await sql`
    INSERT INTO purchase_limits (item_id, per_customer_per_day, per_household_per_day, updated_at) VALUES (${itemId}, ${limit.perCustomerPerDay}, ${limit.perHouseholdPerDay}, ${now})
    ON CONFLICT (item_id) DO UPDATE SET per_customer_per_day = EXCLUDED.per_customer_per_day, per_household_per_day = EXCLUDED.per_household_per_day, updated_at = EXCLUDED.updated_at`.execute(db);
}

export async function listPurchaseLimits(db: Db): Promise<Array<{ itemId: string } & ItemLimit>> {
  const r = await sql<Selectable<PurchaseLimitsTable>>`SELECT * FROM purchase_limits ORDER BY item_id`.execute(db);
  return r.rows.map((x) => ({ itemId: x.item_id, perCustomerPerDay: x.per_customer_per_day, perHouseholdPerDay: x.per_household_per_day }));
}

export interface CounterKey {
  scope: CounterScope;
  subject: string;
  itemId: string;
  day: string;
}

export const counterKeyOf = (k: CounterKey): string => `${k.scope}\u0000${k.subject}\u0000${k.itemId}\u0000${k.day}`;

/**
 * Locks the purchase counters that exist and returns their quantities; a counter not yet written
 * reads as zero and is not locked. `addToCounters` then creates the missing ones and refuses (a
 * retryable conflict) when a concurrent writer created one first, so every counter is written once
 * per order instead of created at zero and then updated.
 */
export async function lockCounters(trx: Db, keys: CounterKey[]): Promise<Array<CounterKey & { quantity: number }>> {
  if (keys.length === 0) return [];
  const uniq = new Map<string, CounterKey>();
  for (const k of keys) uniq.set(counterKeyOf(k), k);
  const ks = [...uniq.values()].sort((a, b) => cmp(a.scope, b.scope) || cmp(a.subject, b.subject) || cmp(a.itemId, b.itemId) || cmp(a.day, b.day));
  const r = await sql<Selectable<PurchaseCountersTable>>`
    SELECT scope, subject, item_id, service_day, quantity FROM purchase_counters
    WHERE (scope, subject, item_id, service_day) IN (SELECT * FROM unnest(${ks.map((k) => k.scope)}::text[], ${ks.map((k) => k.subject)}::text[], ${ks.map((k) => k.itemId)}::text[], ${ks.map((k) => k.day)}::text[]))
    ORDER BY scope, subject, item_id, service_day FOR UPDATE`.execute(trx);
  return r.rows.map((x) => ({ scope: x.scope as CounterScope, subject: x.subject, itemId: x.item_id, day: x.service_day, quantity: x.quantity }));
}

/**
 * Serializes the purchases of these buyers (a customer or a household, on a service day): one
 * transaction-scoped advisory lock per buyer, taken in a fixed order (sorted by its hash), so two
 * transactions placing orders for the same buyer queue here and the second sees what the first
 * bought (`boughtSoFar`). Advisory locks write nothing. Taken after the stock rows, where the
 * counter rows used to be locked (the lock order of every flow).
 */
export async function lockBuyers(trx: Db, buyers: Array<{ scope: CounterScope; subject: string; day: string }>): Promise<void> {
  if (buyers.length === 0) return;
  await lockBuyersQuery(buyers).execute(trx);
}

/** The statement of `lockBuyers` (one row, the count of locks taken), to run alone or inside a larger one. */
export function lockBuyersQuery(buyers: Array<{ scope: CounterScope; subject: string; day: string }>): RawBuilder<{ n: number }> {
  // Unit separators (PostgreSQL text cannot hold NUL).
  const keys = [...new Set(buyers.map((b) => `${b.scope}\u001f${b.subject}\u001f${b.day}`))];
  return sql<{ n: number }>`
    SELECT count(pg_advisory_xact_lock(${BUYER_LOCK_CLASS}::int, h)) AS n FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${keys}::text[]) AS k ORDER BY h) AS s`;
}

/** The advisory lock class of buyer locks (the first key of the two-key form), so they cannot collide with other advisory locks. */
const BUYER_LOCK_CLASS = 310;

/**
 * What these buyers have bought of these items on their service days, counted from their orders:
 * every line of an order not cancelled, the picked quantity once packed (a short pick gives the
 * rest back). Per customer and per household. Call under `lockBuyers`.
 */
export async function boughtSoFar(trx: Db, buyers: Array<{ customerId: string; household: string; day: string }>, itemIds: string[]): Promise<Array<CounterKey & { quantity: number }>> {
  if (buyers.length === 0 || itemIds.length === 0) return [];
  return boughtSoFarFromRows((await boughtSoFarQuery(buyers, itemIds).execute(trx)).rows);
}

/** The statement of `boughtSoFar` (rows for `boughtSoFarFromRows`); buyers and items must not be empty. */
export function boughtSoFarQuery(buyers: Array<{ customerId: string; household: string; day: string }>, itemIds: string[]): RawBuilder<BoughtRow> {
  const cs = new Map<string, [string, string]>();
  const hs = new Map<string, [string, string]>();
  for (const b of buyers) {
    cs.set(`${b.customerId}\u0000${b.day}`, [b.customerId, b.day]);
    hs.set(`${b.household}\u0000${b.day}`, [b.household, b.day]);
  }
  const c = [...cs.values()];
  const h = [...hs.values()];
  return sql<BoughtRow>`
    SELECT 'customer' AS scope, o.customer_id AS subject, l.item_id, o.service_day, sum(COALESCE(l.picked_quantity, l.quantity))::int AS quantity
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE (o.customer_id, o.service_day) IN (SELECT s, d FROM ${jsonRecordset(c.map((x) => ({ s: x[0], d: x[1] })), 'b', 's text, d text')})
      AND o.status <> 'cancelled' AND l.item_id = ANY(${itemIds}::text[])
    GROUP BY o.customer_id, l.item_id, o.service_day
    UNION ALL
    SELECT 'household', o.household, l.item_id, o.service_day, sum(COALESCE(l.picked_quantity, l.quantity))::int
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE (o.household, o.service_day) IN (SELECT s, d FROM ${jsonRecordset(h.map((x) => ({ s: x[0], d: x[1] })), 'b', 's text, d text')})
      AND o.status <> 'cancelled' AND l.item_id = ANY(${itemIds}::text[])
    GROUP BY o.household, l.item_id, o.service_day`;
}

export function boughtSoFarFromRows(rows: BoughtRow[]): Array<CounterKey & { quantity: number }> {
  return rows.map((x) => ({ scope: x.scope, subject: x.subject, itemId: x.item_id, day: x.service_day, quantity: Number(x.quantity) }));
}

/** A counter another transaction created between our read and our write: retry the orders. */
export class CounterRace extends Error {
  readonly code = '40001';
  constructor(n: number) {
    super(`${n} purchase counter(s) were created concurrently; the orders must be decided again`);
  }
}

/**
 * Adds to purchase counters. `existing` names the counters `lockCounters` found (and locked): those
 * are updated; the others are created, and if any was created meanwhile by another transaction the
 * whole transaction is refused with `CounterRace` (its decision did not count that purchase).
 * Without `existing`, counters are upserted (callers that hold no earlier read).
 */
export async function addToCounters(trx: Db, deltas: Array<CounterKey & { quantity: number }>, existing?: ReadonlySet<string>): Promise<void> {
  const sum = new Map<string, CounterKey & { quantity: number }>();
  for (const d of deltas) {
    const k = counterKeyOf(d);
    const prior = sum.get(k);
    sum.set(k, { ...d, quantity: (prior?.quantity ?? 0) + d.quantity });
  }
  const ds = [...sum.values()].filter((d) => d.quantity !== 0).sort((a, b) => cmp(a.scope, b.scope) || cmp(a.subject, b.subject) || cmp(a.itemId, b.itemId) || cmp(a.day, b.day));
  if (ds.length === 0) return;
  const cols = (xs: typeof ds) => [xs.map((k) => k.scope), xs.map((k) => k.subject), xs.map((k) => k.itemId), xs.map((k) => k.day), xs.map((k) => k.quantity)] as const;
  if (!existing) {
    const [a, b, c, d, q] = cols(ds);
    await sql`
      INSERT INTO purchase_counters AS c (scope, subject, item_id, service_day, quantity)
      SELECT * FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${q}::int[])
      ON CONFLICT (scope, subject, item_id, service_day) DO UPDATE SET quantity = c.quantity + EXCLUDED.quantity`.execute(trx);
    return;
  }
  const old = ds.filter((x) => existing.has(counterKeyOf(x)));
  const fresh = ds.filter((x) => !existing.has(counterKeyOf(x)));
  if (old.length > 0) {
    const [a, b, c, d, q] = cols(old);
    await sql`
      UPDATE purchase_counters AS c SET quantity = c.quantity + t.q
      FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${q}::int[]) AS t(s, sub, i, d, q)
      WHERE c.scope = t.s AND c.subject = t.sub AND c.item_id = t.i AND c.service_day = t.d`.execute(trx);
  }
  if (fresh.length > 0) {
    const [a, b, c, d, q] = cols(fresh);
    const r = await sql<{ scope: string }>`
      INSERT INTO purchase_counters (scope, subject, item_id, service_day, quantity)
      SELECT * FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${q}::int[])
      ON CONFLICT (scope, subject, item_id, service_day) DO NOTHING
      RETURNING scope`.execute(trx);
    if (r.rows.length !== fresh.length) throw new CounterRace(fresh.length - r.rows.length);
  }
}

export async function nodeStatuses(db: Db, ids: string[]): Promise<Array<{ id: string; status: string }>> {
  if (ids.length === 0) return [];
  const r = await nodeStatusesQuery(ids).execute(db);
  return r.rows.map((x) => ({ id: x.id, status: x.status }));
}

/** The statement of `nodeStatuses` (rows of id and status), to run alone or inside a larger one. */
export function nodeStatusesQuery(ids: string[]): RawBuilder<{ id: string; status: string }> {
  return sql<{ id: string; status: string }>`SELECT id, status FROM nodes WHERE id = ANY(${ids}::text[])`;
}

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

export interface NewOrder {
  id: string;
  placementId: string;
  customerId: string;
  household: string;
  nodeId: string;
  zoneId: string | null;
  slotStartMs: number;
  serviceDay: string;
  deliveryMode: DeliveryMode;
  dropPoint: DropPoint | null;
  lat: number;
  lng: number;
  groupId: string | null;
  lines: Array<{ itemId: string; quantity: number }>;
  /** The placement's Idempotency-Key and stored answer, on its first order only (the order is the key's record). */
  idempotency?: { scope: string; key: string; hash: string; status: number; answer: unknown };
}

/**
 * Inserts orders and their lines: one statement for any number of orders. The first lifecycle
 * event (`placed`) is not stored: `orders.placed_at` records it and `orderEvents` shows it.
 */
export async function insertOrders(trx: Db, orders: NewOrder[], now: Date): Promise<void> {
  const part = insertOrdersPart(orders, now);
  if (part) await sql`WITH ${part} SELECT 1`.execute(trx);
}

/**
 * `insertOrders` as common table expressions (`ins_o`, `ins_ol`) for a larger statement (the
 * order flow writes a batch in one round trip); null when there is no order.
 */
export function insertOrdersPart(orders: NewOrder[], now: Date): RawBuilder<unknown> | null {
  if (orders.length === 0) return null;
  // One JSON parameter per table (`jsonRecordset`), not one array per column.
  const os = orders.map((o) => ({
    id: o.id, pl: o.placementId, c: o.customerId, h: o.household, n: o.nodeId, z: o.zoneId, st: new Date(o.slotStartMs).toISOString(), d: o.serviceDay,
    dm: o.deliveryMode, dp: o.dropPoint, la: o.lat, ln: o.lng, g: o.groupId,
    isc: o.idempotency?.scope, ik: o.idempotency?.key, ih: o.idempotency?.hash, ist: o.idempotency?.status, ia: o.idempotency?.answer,
  }));
  const lines = orders.flatMap((o) => o.lines.map((l, i) => ({ o: o.id, i, it: l.itemId, q: l.quantity })));
  return sql`
    ins_o AS (
      INSERT INTO orders (id, placement_id, customer_id, household, node_id, zone_id, slot_start, service_day, status, delivery_mode, drop_point, address_lat, address_lng, group_id, placed_at, updated_at,
        idem_scope, idem_key, request_hash, answer_status, answer)
      SELECT id, pl, c, h, n, z, st, d, 'placed', dm, dp, la, ln, g, ${now}::timestamptz, ${now}::timestamptz, isc, ik, ih, ist, ia
      FROM ${jsonRecordset(os, 't', 'id text, pl text, c text, h text, n text, z text, st timestamptz, d text, dm text, dp jsonb, la float8, ln float8, g text, isc text, ik text, ih text, ist int, ia jsonb')}
      RETURNING 1
    ),
    ins_ol AS (
      INSERT INTO order_lines (order_id, line_no, item_id, quantity)
      SELECT o, i, it, q FROM ${jsonRecordset(lines, 't', 'o text, i int, it text, q int')}
      RETURNING 1
    )`;
}

/** A placement's Idempotency-Key another transaction stored first (unique on orders): decide again, it then replays. */
export class OrderKeyRace extends Error {
  readonly code = '40001';
  constructor(cause: unknown) {
    super(`an Idempotency-Key was answered concurrently (${(cause as Error).message}); the orders are decided again`);
  }
}

/** Whether a database error is the unique index that makes the order its own idempotency record. */
export const isOrderKeyConflict = (e: unknown): boolean => (e as { code?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'orders_idempotency';

/**
 * The stored answers of these Idempotency-Keys: on the order that carries the key, or (keys
 * answered before orders carried them) in `idempotency_keys`. One statement for a batch.
 */
export async function answeredKeys(db: Db, keys: Array<{ scope: string; key: string }>): Promise<Array<{ scope: string; key: string; requestHash: string; status: number; answer: unknown }>> {
  if (keys.length === 0) return [];
  return answeredKeysFromRows((await answeredKeysQuery(keys).execute(db)).rows);
}

/** The statement of `answeredKeys` (rows for `answeredKeysFromRows`), to run alone or inside a larger one. */
export function answeredKeysQuery(keys: Array<{ scope: string; key: string }>): RawBuilder<AnsweredKeyRow> {
  const sc = keys.map((k) => k.scope);
  const ks = keys.map((k) => k.key);
  return sql<AnsweredKeyRow>`
    WITH t AS (SELECT * FROM unnest(${sc}::text[], ${ks}::text[]) AS t(s, k))
    SELECT o.idem_scope AS scope, o.idem_key AS key, o.request_hash, o.answer_status AS status_code, o.answer AS response
    FROM orders o JOIN t ON o.idem_scope = t.s AND o.idem_key = t.k WHERE o.idem_key IS NOT NULL
    UNION ALL
    SELECT i.scope, i.key, i.request_hash, i.status_code, i.response FROM idempotency_keys i JOIN t ON i.scope = t.s AND i.key = t.k`;
}

export function answeredKeysFromRows(rows: AnsweredKeyRow[]): Array<{ scope: string; key: string; requestHash: string; status: number; answer: unknown }> {
  return rows.map((x) => ({ scope: x.scope, key: x.key, requestHash: x.request_hash, status: x.status_code, answer: typeof x.response === 'string' ? JSON.parse(x.response) : x.response }));
}

/** The ledger reservation that holds an order line's stock. */
export const reservationId = (orderId: string, lineNo: number): string => `${orderId}:${lineNo}`;

export interface OrderView {
  id: string;
  placementId: string;
  customerId: string;
  household: string;
  nodeId: string;
  zoneId: string | null;
  slotStart: string;
  serviceDay: string;
  status: OrderStatus;
  deliveryMode: DeliveryMode;
  dropPoint: DropPoint | null;
  address: { lat: number; lng: number };
  groupId: string | null;
  placedAt: string;
  updatedAt: string;
  lines: Array<{ lineNo: number; itemId: string; quantity: number; pickedQuantity: number | null; reservationId: string }>;
}

function rowToOrder(r: OrderRow, lines: OrderLineRow[]): OrderView {
  return {
    id: r.id,
    placementId: r.placement_id,
    customerId: r.customer_id,
    household: r.household,
    nodeId: r.node_id,
    zoneId: r.zone_id,
    slotStart: new Date(r.slot_start).toISOString(),
    serviceDay: r.service_day,
    status: r.status as OrderStatus,
    deliveryMode: r.delivery_mode as DeliveryMode,
    dropPoint: r.drop_point ? (typeof r.drop_point === 'string' ? JSON.parse(r.drop_point) : r.drop_point) : null,
    address: { lat: Number(r.address_lat), lng: Number(r.address_lng) },
    groupId: r.group_id,
    placedAt: new Date(r.placed_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    lines: lines.map((l) => ({ lineNo: l.line_no, itemId: l.item_id, quantity: l.quantity, pickedQuantity: l.picked_quantity, reservationId: reservationId(r.id, l.line_no) })),
  };
}

export async function getOrder(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderView | null> {
  const r = opts.forUpdate
    ? await sql<OrderRow>`SELECT * FROM orders WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<OrderRow>`SELECT * FROM orders WHERE id = ${id}`.execute(db);
  if (r.rows.length === 0) return null;
  const lines = await sql<OrderLineRow>`SELECT * FROM order_lines WHERE order_id = ${id} ORDER BY line_no`.execute(db);
  return rowToOrder(r.rows[0], lines.rows);
}

export async function requireOrder(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderView> {
  const o = await getOrder(db, id, opts);
  if (!o) fail({ code: 'not_found', message: `order ${id} does not exist`, field: 'id', expected: 'an existing order id', actual: id });
  return o;
}

export interface OrderFilter {
  nodeId?: string;
  customerId?: string;
  status?: string;
  placementId?: string;
  groupId?: string;
  day?: string;
  limit?: number;
  offset?: number;
}

export async function listOrders(db: Db, f: OrderFilter = {}): Promise<{ orders: OrderView[]; total: number }> {
  const where = sql`true
    ${f.nodeId ? sql`AND node_id = ${f.nodeId}` : sql``}
    ${f.customerId ? sql`AND customer_id = ${f.customerId}` : sql``}
    ${f.status ? sql`AND status = ${f.status}` : sql``}
    ${f.placementId ? sql`AND placement_id = ${f.placementId}` : sql``}
    ${f.groupId ? sql`AND group_id = ${f.groupId}` : sql``}
    ${f.day ? sql`AND service_day = ${f.day}` : sql``}`;
  const total = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE ${where}`.execute(db)).rows[0].n);
  const rows = await sql<OrderRow>`SELECT * FROM orders WHERE ${where} ORDER BY placed_at, id LIMIT ${f.limit ?? 100} OFFSET ${f.offset ?? 0}`.execute(db);
  const ids = rows.rows.map((r) => r.id);
  const lines = ids.length ? await sql<OrderLineRow>`SELECT * FROM order_lines WHERE order_id = ANY(${ids}::text[]) ORDER BY order_id, line_no`.execute(db) : { rows: [] as OrderLineRow[] };
  const byOrder = new Map<string, OrderLineRow[]>();
  for (const l of lines.rows) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
  return { total, orders: rows.rows.map((r) => rowToOrder(r, byOrder.get(r.id) ?? [])) };
}

export async function setOrderStatus(trx: Db, id: string, from: OrderStatus, to: OrderStatus, note: string, now: Date): Promise<void> {
  await sql`UPDATE orders SET status = ${to}, updated_at = ${now} WHERE id = ${id}`.execute(trx);
  await sql`INSERT INTO order_events (order_id, from_status, to_status, note, at) VALUES (${id}, ${from}, ${to}, ${note}, ${now})`.execute(trx);
}

export async function setPickedQuantities(trx: Db, orderId: string, picked: Array<{ lineNo: number; pickedQuantity: number }>): Promise<void> {
  if (picked.length === 0) return;
  await sql`
    UPDATE order_lines AS l SET picked_quantity = t.p
    FROM unnest(${picked.map((p) => p.lineNo)}::int[], ${picked.map((p) => p.pickedQuantity)}::int[]) AS t(n, p)
    WHERE l.order_id = ${orderId} AND l.line_no = t.n`.execute(trx);
}

export async function orderEvents(db: Db, id: string): Promise<Array<{ fromStatus: string | null; toStatus: string; note: string; at: string }>> {
  // The `placed` event is implied by the order row (orders written before that kept a stored one).
  const r = await sql<Pick<Selectable<OrderEventsTable>, 'seq' | 'from_status' | 'to_status' | 'note' | 'at'>>`
    SELECT 0::bigint AS seq, NULL AS from_status, 'placed' AS to_status, '' AS note, placed_at AS at FROM orders o
    WHERE o.id = ${id} AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = ${id} AND e.from_status IS NULL)
    UNION ALL
    SELECT seq, from_status, to_status, note, at FROM order_events WHERE order_id = ${id}
    ORDER BY seq`.execute(db);
  return r.rows.map((e) => ({ fromStatus: e.from_status, toStatus: e.to_status, note: e.note, at: new Date(e.at).toISOString() }));
}

export interface NewGroupOrder {
  id: string;
  leaderId: string;
  nodeId: string;
  zoneId: string | null;
  dropPoint: DropPoint;
  slotStartMs: number;
  serviceDay: string;
  minHouseholds: number;
  households: number;
  members: number;
}

export async function insertGroupOrder(trx: Db, g: NewGroupOrder, now: Date): Promise<void> {
  await sql`
    INSERT INTO group_orders (id, leader_id, node_id, zone_id, drop_point, slot_start, service_day, min_households, households, members, created_at)
    VALUES (${g.id}, ${g.leaderId}, ${g.nodeId}, ${g.zoneId}, ${JSON.stringify(g.dropPoint)}::jsonb, ${new Date(g.slotStartMs)}, ${g.serviceDay}, ${g.minHouseholds}, ${g.households}, ${g.members}, ${now})`.execute(trx);
}

export async function getGroupOrder(db: Db, id: string): Promise<(NewGroupOrder & { createdAt: string; slotStart: string }) | null> {
  const r = await sql<Selectable<GroupOrdersTable>>`SELECT * FROM group_orders WHERE id = ${id}`.execute(db);
  const g = r.rows[0];
  if (!g) return null;
  return {
    id: g.id, leaderId: g.leader_id, nodeId: g.node_id, zoneId: g.zone_id,
    dropPoint: typeof g.drop_point === 'string' ? JSON.parse(g.drop_point) : g.drop_point,
    slotStartMs: ms(g.slot_start), slotStart: new Date(g.slot_start).toISOString(), serviceDay: g.service_day,
    minHouseholds: g.min_households, households: g.households, members: g.members, createdAt: new Date(g.created_at).toISOString(),
  };
}

/** Gives back purchase allowance (a cancelled order, a short pick); never below zero. */
export async function subtractFromCounters(trx: Db, deltas: Array<CounterKey & { quantity: number }>): Promise<void> {
  const ds = deltas.filter((d) => d.quantity > 0).sort((a, b) => cmp(a.scope, b.scope) || cmp(a.subject, b.subject) || cmp(a.itemId, b.itemId) || cmp(a.day, b.day));
  if (ds.length === 0) return;
  await sql`
    UPDATE purchase_counters AS c SET quantity = GREATEST(0, c.quantity - t.q)
    FROM unnest(${ds.map((k) => k.scope)}::text[], ${ds.map((k) => k.subject)}::text[], ${ds.map((k) => k.itemId)}::text[], ${ds.map((k) => k.day)}::text[], ${ds.map((k) => k.quantity)}::int[]) AS t(s, sub, i, d, q)
    WHERE c.scope = t.s AND c.subject = t.sub AND c.item_id = t.i AND c.service_day = t.d`.execute(trx);
}
