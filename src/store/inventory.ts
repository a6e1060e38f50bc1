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
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import {
  applyOperation,
  availability,
  canonicalJson,
  countAdjustments,
  countReport,
  dailyDemand,
  LedgerState,
  lotKey,
  nodeItemKey,
  NO_LOT,
  planExpiryWriteOffs,
  validateOperation,
  type CountLine,
  type CountReport,
  type DemandBasis,
  type ExpiredLot,
  type MovementLine,
  type Operation,
  type Posting,
  type TransferDoc,
  type TransferLine,
} from '../domain/inventory/index.ts';
import { DomainException, fail, type DomainError } from '../domain/shared/result.ts';
import { addDays, operatingDay } from '../domain/shared/calendar.ts';
import { jsonRecordset } from './json-rows.ts';
import { demandByNode, itemsByIds, listDemand, listItems, listNodes } from './network.ts';

type Db = Kysely<any>;

// ---------------------------------------------------------------------------------------------
// Posting
// ---------------------------------------------------------------------------------------------

export type PostOutcome =
  | { key: string; ok: true; replayed: boolean; posting: Posting }
  | { key: string; ok: false; error: DomainError };

export interface PostOptions {
  now: Date;
  /**
   * All or nothing (default): the first refused operation throws a DomainException and the
   * caller's transaction rolls back. With `atomic: false` each operation stands alone: refused
   * ones are reported in the outcome and the others are posted.
   */
  atomic?: boolean;
  /**
   * Operations that belong together (an order's reservations, one per line) may record ONE
   * idempotency row for the group instead of one per operation: `groupKey` names the group of an
   * operation (undefined: the operation keeps its own row). Only for operations whose keys are
   * fresh by construction (the caller made up a new id): a group key already recorded refuses
   * the group with a conflict instead of replaying it. The movement lines keep each operation's
   * own key. Requires `atomic` (a group is posted whole or not at all).
   */
  groupKey?: (op: Operation) => string | undefined;
}

const hashOf = (op: Operation): string => createHash('sha256').update(canonicalJson(op)).digest('hex');

/** The (node, item) pairs an operation touches, once the referenced documents are known. */
function touchedKeys(op: Operation, state: LedgerState, releaseHolds: Map<string, { nodeId: string; itemId: string }>): [string, string][] {
  switch (op.kind) {
    case 'receipt':
    case 'reserve':
    case 'pick':
    case 'adjustment':
    case 'write_off':
      return [[op.nodeId, op.itemId]];
    case 'release': {
      const r = releaseHolds.get(op.reservationId);
      return r ? [[r.nodeId, r.itemId]] : [];
    }
    case 'transfer_out':
      return op.lines.flatMap((l) => [[op.fromNodeId, l.itemId] as [string, string], [op.toNodeId, l.itemId] as [string, string]]);
    case 'transfer_in': {
      const t = state.transfers.get(op.transferId);
      return t ? t.lines.flatMap((l) => [[t.fromNodeId, l.itemId] as [string, string], [t.toNodeId, l.itemId] as [string, string]]) : [];
    }
    case 'count_adjustment':
      return op.lines.map((l) => [op.nodeId, l.itemId] as [string, string]);
  }
}

function explicitLots(op: Operation): [string, string][] {
  switch (op.kind) {
    case 'receipt':
      return op.lot ? [[op.itemId, op.lot.code]] : [];
    case 'adjustment':
      return op.lotCode ? [[op.itemId, op.lotCode]] : [];
    case 'write_off':
      return op.lotCode ? [[op.itemId, op.lotCode]] : [];
    case 'count_adjustment':
      return op.lines.filter((l) => l.lotCode !== NO_LOT).map((l) => [l.itemId, l.lotCode] as [string, string]);
    default:
      return [];
  }
}

const cmpPair = (a: [string, string], b: [string, string]) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1);

function uniquePairs(pairs: [string, string][]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const p of pairs) seen.set(`${p[0]}\u0000${p[1]}`, p);
  return [...seen.values()].sort(cmpPair);
}

function rowToTransfer(t: any, lines: any[]): TransferDoc {
  return {
    id: t.id,
    fromNodeId: t.from_node_id,
    toNodeId: t.to_node_id,
    status: t.status,
    lines: lines.map((l) => ({
      itemId: l.item_id,
      quantity: l.quantity,
      receivedQuantity: l.received_quantity,
      lots: typeof l.lots === 'string' ? JSON.parse(l.lots) : l.lots,
    })),
  };
}

/**
 * Locks the balance rows of these (node, item) pairs (creating missing ones) and loads them,
 * their lots and the named lots and reservations into `state`.
 */
async function lockAndLoad(trx: Db, state: LedgerState, pairs: [string, string][], lotRefs: [string, string][], reservationIds: string[]): Promise<void> {
  if (pairs.length > 0) {
    const nodes = pairs.map((p) => p[0]);
    const items = pairs.map((p) => p[1]);
    // One statement creates missing rows and locks every row, in the sorted order of `pairs`, so
    // two batches over overlapping stock always lock in the same order and cannot deadlock.
    const locked = await sql<any>`
      INSERT INTO stock_item_balances AS b (node_id, item_id)
      SELECT * FROM unnest(${nodes}::text[], ${items}::text[])
      ON CONFLICT (node_id, item_id) DO UPDATE SET on_hand = b.on_hand
      RETURNING node_id, item_id, on_hand, reserved, in_transit_in, in_transit_out`.execute(trx);
    for (const r of locked.rows) {
      state.items.set(nodeItemKey(r.node_id, r.item_id), {
        nodeId: r.node_id,
        itemId: r.item_id,
        onHand: r.on_hand,
        reserved: r.reserved,
        inTransitIn: r.in_transit_in,
        inTransitOut: r.in_transit_out,
      });
    }
    const lots = await sql<any>`
      SELECT b.node_id, b.item_id, b.lot_code, b.on_hand, b.in_transit_in, b.in_transit_out, l.expiry_date
      FROM stock_balances b
      LEFT JOIN stock_lots l ON l.item_id = b.item_id AND l.lot_code = b.lot_code
      WHERE (b.node_id, b.item_id) IN (SELECT * FROM unnest(${nodes}::text[], ${items}::text[]))`.execute(trx);
    for (const r of lots.rows) {
      state.lotsOf(r.node_id, r.item_id).set(r.lot_code, {
        nodeId: r.node_id,
        itemId: r.item_id,
        lotCode: r.lot_code,
        onHand: r.on_hand,
        inTransitIn: r.in_transit_in,
        inTransitOut: r.in_transit_out,
      });
      if (r.lot_code !== NO_LOT) state.lotInfo.set(lotKey(r.item_id, r.lot_code), { itemId: r.item_id, lotCode: r.lot_code, expiryDate: r.expiry_date });
    }
  }
  const missingLots = lotRefs.filter(([i, l]) => !state.lotInfo.has(lotKey(i, l)));
  if (missingLots.length > 0) {
    const rows = await sql<any>`
      SELECT item_id, lot_code, expiry_date FROM stock_lots
      WHERE (item_id, lot_code) IN (SELECT * FROM unnest(${missingLots.map((x) => x[0])}::text[], ${missingLots.map((x) => x[1])}::text[]))`.execute(trx);
    for (const r of rows.rows) state.lotInfo.set(lotKey(r.item_id, r.lot_code), { itemId: r.item_id, lotCode: r.lot_code, expiryDate: r.expiry_date });
  }
  if (reservationIds.length > 0) {
    // Read after the balance rows are locked: every writer of a reservation holds its balance row.
    const rows = await sql<any>`SELECT id, node_id, item_id, quantity FROM stock_reservations WHERE id = ANY(${reservationIds}::text[])`.execute(trx);
    for (const r of rows.rows) state.reservations.set(r.id, { id: r.id, nodeId: r.node_id, itemId: r.item_id, quantity: r.quantity });
  }
}

/** Rebuilds a posting from the stored movement lines of an operation (a replay). */
async function storedPostings(trx: Db, keys: string[]): Promise<Map<string, MovementLine[]>> {
  const out = new Map<string, MovementLine[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return out;
  const rows = await sql<any>`SELECT * FROM stock_movements WHERE operation_key = ANY(${keys}::text[]) ORDER BY seq`.execute(trx);
  for (const r of rows.rows) out.get(r.operation_key)!.push(rowToLine(r));
  return out;
}

function rowToLine(r: any): MovementLine {
  return {
    kind: r.kind,
    reason: r.reason,
    nodeId: r.node_id,
    itemId: r.item_id,
    lotCode: r.lot_code,
    quantity: r.quantity,
    onHandDelta: r.on_hand_delta,
    reservedDelta: r.reserved_delta,
    inTransitInDelta: r.in_transit_in_delta,
    inTransitOutDelta: r.in_transit_out_delta,
    counterpartyNodeId: r.counterparty_node_id,
    documentType: r.document_type,
    documentRef: r.document_ref,
    reservationId: r.reservation_id,
    varianceQuantity: r.variance_quantity,
  };
}

/**
 * Posts operations inside `trx`, a transaction (the row locks last until it commits; given a
 * plain handle, it opens one). Returns one outcome per operation, in order. See the module comment for the steps.
 * Operations that compute from the locked state (the expiry job) use `postPlanned`.
 */
export async function postOperations(trx: Db, ops: Operation[], options: PostOptions): Promise<PostOutcome[]> {
  return postPlanned(trx, { ops, extraPairs: [] }, options);
}

interface Plan {
  ops: Operation[];
  /** Pairs to lock and load besides those the operations name. */
  extraPairs: [string, string][];
  /** Called after the state is loaded and locked, to add operations computed from it. */
  plan?: (state: LedgerState) => Operation[];
}

async function postPlanned(trx: Db, plan: Plan, options: PostOptions): Promise<PostOutcome[]> {
  // The row locks must last until the writes commit: outside a transaction, open one.
  if (!trx.isTransaction) return trx.transaction().execute((t) => postPlanned(t, plan, options));
  const atomic = options.atomic ?? true;
  const state = new LedgerState();
  const refuse = (key: string, error: DomainError): PostOutcome => {
    if (atomic) throw new DomainException(error);
    return { key, ok: false, error };
  };

  // 1. Field checks.
  let ops = plan.ops;
  const early = new Map<number, PostOutcome>();
  ops.forEach((op, i) => {
    const bad = validateOperation(op);
    if (bad) early.set(i, refuse(op.key, bad));
  });

  // 2. Documents that name the stock: reservations being released, transfers being received.
  const releaseIds = [...new Set(ops.filter((o, i) => o.kind === 'release' && !early.has(i)).map((o) => (o as { reservationId: string }).reservationId))];
  const releaseHolds = new Map<string, { nodeId: string; itemId: string }>();
  if (releaseIds.length > 0) {
    const rows = await sql<any>`SELECT id, node_id, item_id FROM stock_reservations WHERE id = ANY(${releaseIds}::text[])`.execute(trx);
    for (const r of rows.rows) releaseHolds.set(r.id, { nodeId: r.node_id, itemId: r.item_id });
  }
  const transferIds = [...new Set(ops.filter((o, i) => (o.kind === 'transfer_in' || o.kind === 'transfer_out') && !early.has(i)).map((o) => (o as { transferId: string }).transferId))].sort();
  if (transferIds.length > 0) {
    // Transfer documents are locked before balances (the fixed lock order: documents, then stock).
    const ts = await sql<any>`SELECT * FROM stock_transfers WHERE id = ANY(${transferIds}::text[]) ORDER BY id FOR UPDATE`.execute(trx);
    const active = ts.rows.filter((t) => t.status === 'in_transit' || t.status === 'received');
    if (active.length > 0) {
      const ls = await sql<any>`SELECT * FROM stock_transfer_lines WHERE transfer_id = ANY(${active.map((t) => t.id)}::text[]) ORDER BY transfer_id, item_id`.execute(trx);
      for (const t of active) state.transfers.set(t.id, rowToTransfer(t, ls.rows.filter((l) => l.transfer_id === t.id)));
    }
  }

  // 3. Lock and load the stock.
  const pairs = uniquePairs([...plan.extraPairs, ...ops.flatMap((op, i) => (early.has(i) ? [] : touchedKeys(op, state, releaseHolds)))]);
  const lotRefs = ops.flatMap(explicitLots);
  const reservationIds = [
    ...new Set(ops.flatMap((o) => (o.kind === 'reserve' || o.kind === 'release' || (o.kind === 'pick' && o.reservationId !== undefined) ? [(o as { reservationId: string }).reservationId] : []))),
  ];
  await lockAndLoad(trx, state, pairs, lotRefs, reservationIds);
  if (plan.plan) {
    const more = plan.plan(state);
    ops = [...ops, ...more];
  }

  // 4. Idempotency keys. A key seen earlier in this batch is handled in memory.
  const firstIndex = new Map<string, number>();
  const groupOf = options.groupKey;
  if (groupOf && !atomic) throw new Error('postOperations: groupKey requires atomic posting');
  const groups = new Map<string, { kind: string; hashes: string[] }>();
  const hashes = ops.map(hashOf);
  const fresh: number[] = [];
  ops.forEach((op, i) => {
    if (early.has(i)) return;
    const g = groupOf?.(op);
    if (g !== undefined) {
      const e = groups.get(g) ?? { kind: op.kind, hashes: [] };
      if (e.kind !== op.kind) e.kind = 'group';
      e.hashes.push(hashes[i]);
      groups.set(g, e);
      return;
    }
    if (!firstIndex.has(op.key)) {
      firstIndex.set(op.key, i);
      fresh.push(i);
    }
  });
  const priorKeys = new Set<string>();
  if (fresh.length > 0) {
    const inserted = await sql<{ key: string }>`
      INSERT INTO stock_operations (key, kind, request_hash, posted_at)
      SELECT k, kd, h, ${options.now}::timestamptz FROM unnest(${fresh.map((i) => ops[i].key)}::text[], ${fresh.map((i) => ops[i].kind)}::text[], ${fresh.map((i) => hashes[i])}::text[]) AS t(k, kd, h)
      ON CONFLICT (key) DO NOTHING
      RETURNING key`.execute(trx);
    const got = new Set(inserted.rows.map((r) => r.key));
    for (const i of fresh) if (!got.has(ops[i].key)) priorKeys.add(ops[i].key);
  }
  if (groups.size > 0) {
    const gs = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const inserted = await sql<{ key: string }>`
      INSERT INTO stock_operations (key, kind, request_hash, posted_at)
      SELECT k, kd, h, ${options.now}::timestamptz FROM unnest(${gs.map((g) => g[0])}::text[], ${gs.map((g) => g[1].kind)}::text[],
        ${gs.map((g) => createHash('sha256').update(g[1].hashes.join('\u0000')).digest('hex'))}::text[]) AS t(k, kd, h)
      ON CONFLICT (key) DO NOTHING
      RETURNING key`.execute(trx);
    if (inserted.rows.length !== gs.length) {
      const got = new Set(inserted.rows.map((r) => r.key));
      const dup = gs.find((g) => !got.has(g[0]))![0];
      fail({ code: 'conflict', message: `operation group ${dup} was already posted`, field: 'key', expected: 'a new group key', actual: dup });
    }
  }
  const priorHash = new Map<string, string>();
  let priorLines = new Map<string, MovementLine[]>();
  if (priorKeys.size > 0) {
    const rows = await sql<any>`SELECT key, request_hash FROM stock_operations WHERE key = ANY(${[...priorKeys]}::text[])`.execute(trx);
    for (const r of rows.rows) priorHash.set(r.key, r.request_hash);
    priorLines = await storedPostings(trx, [...priorKeys]);
  }

  // 5. Apply.
  const outcomes: PostOutcome[] = [];
  const postings: (Posting & { note?: string })[] = [];
  const failedKeys = new Set<string>();
  const inBatch = new Map<string, { hash: string; posting: Posting | null }>();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const pre = early.get(i);
    if (pre) {
      outcomes.push(pre);
      continue;
    }
    const reused = (): PostOutcome =>
      refuse(op.key, { code: 'conflict', message: `idempotency key ${op.key} was used for a different operation`, field: 'key', expected: 'a new key for a new operation', actual: op.key });
    if (priorKeys.has(op.key)) {
      if (priorHash.get(op.key) !== hashes[i]) outcomes.push(reused());
      else outcomes.push({ key: op.key, ok: true, replayed: true, posting: { key: op.key, kind: op.kind, lines: priorLines.get(op.key) ?? [], newLots: [] } });
      continue;
    }
    // A key seen earlier in this batch: a posted one replays, a refused one is tried again (a
    // refusal records nothing, exactly as between two separate requests).
    const seen = inBatch.get(op.key);
    if (seen && seen.posting) {
      if (seen.hash !== hashes[i]) outcomes.push(reused());
      else outcomes.push({ key: op.key, ok: true, replayed: true, posting: seen.posting });
      continue;
    }
    const r = applyOperation(state, op);
    if (!r.ok) {
      inBatch.set(op.key, { hash: hashes[i], posting: null });
      failedKeys.add(op.key);
      outcomes.push(refuse(op.key, r.error));
      continue;
    }
    if (seen && seen.hash !== hashes[i]) {
      // The key's row was stored with the first attempt's hash.
      await sql`UPDATE stock_operations SET request_hash = ${hashes[i]}, kind = ${op.kind} WHERE key = ${op.key}`.execute(trx);
    }
    failedKeys.delete(op.key);
    inBatch.set(op.key, { hash: hashes[i], posting: r.value });
    postings.push(op.note ? { ...r.value, note: op.note } : r.value);
    outcomes.push({ key: op.key, ok: true, replayed: false, posting: r.value });
  }

  // 6. Write.
  await writePostings(trx, postings, options.now);
  if (failedKeys.size > 0) await sql`DELETE FROM stock_operations WHERE key = ANY(${[...failedKeys]}::text[])`.execute(trx);
  return outcomes;
}

const WRITE_CHUNK = 5000;

type KeyedLine = { key: string; note: string | null; l: MovementLine };

/** A CTE `mv` inserting movement lines (unnest arrays: one parameter per column, any row count). */
function movementInsert(c: KeyedLine[], now: Date, name = 'mv') {
  // One JSON parameter for every line (`jsonRecordset`), not one array per column.
  const rows = c.map((x) => ({
    k: x.key, kd: x.l.kind, rs: x.l.reason, n: x.l.nodeId, i: x.l.itemId, lc: x.l.lotCode, q: x.l.quantity, oh: x.l.onHandDelta, rv: x.l.reservedDelta,
    ti: x.l.inTransitInDelta, tout: x.l.inTransitOutDelta, cp: x.l.counterpartyNodeId, dt: x.l.documentType, dr: x.l.documentRef, rid: x.l.reservationId, v: x.l.varianceQuantity, nt: x.note,
  }));
  return sql`${sql.raw(name)} AS (
      INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, lot_code, quantity, on_hand_delta, reserved_delta,
        in_transit_in_delta, in_transit_out_delta, counterparty_node_id, document_type, document_ref, reservation_id, variance_quantity, note, posted_at)
      SELECT k, kd, rs, n, i, lc, q, oh, rv, ti, tout, cp, dt, dr, rid, v, nt, ${now}::timestamptz
      FROM ${jsonRecordset(rows, 't', 'k text, kd text, rs text, n text, i text, lc text, q int, oh int, rv int, ti int, tout int, cp text, dt text, dr text, rid text, v int, nt text')}
      RETURNING 1)`;
}

async function writePostings(trx: Db, postings: (Posting & { note?: string })[], now: Date): Promise<void> {
  if (postings.length === 0) return;
  const lines: KeyedLine[] = [];
  for (const p of postings) for (const l of p.lines) lines.push({ key: p.key, note: p.note ?? null, l });

  // New lots: a concurrent writer may have created the same lot; its expiry date must agree.
  const newLots = new Map<string, { itemId: string; lotCode: string; expiryDate: string | null }>();
  for (const p of postings) for (const lot of p.newLots) newLots.set(lotKey(lot.itemId, lot.lotCode), lot);
  if (newLots.size > 0) {
    const ls = [...newLots.values()];
    const rows = await sql<any>`
      INSERT INTO stock_lots AS s (item_id, lot_code, expiry_date)
      SELECT * FROM unnest(${ls.map((l) => l.itemId)}::text[], ${ls.map((l) => l.lotCode)}::text[], ${ls.map((l) => l.expiryDate)}::text[])
      ON CONFLICT (item_id, lot_code) DO UPDATE SET expiry_date = s.expiry_date
      RETURNING item_id, lot_code, expiry_date`.execute(trx);
    for (const r of rows.rows) {
      const want = newLots.get(lotKey(r.item_id, r.lot_code))!;
      if (want.expiryDate !== r.expiry_date) {
        fail({ code: 'conflict', message: `lot ${r.lot_code} of item ${r.item_id} expires on ${r.expiry_date}, not ${want.expiryDate}`, field: 'expiryDate', expected: r.expiry_date, actual: want.expiryDate });
      }
    }
  }

  // Deltas, summed per row, applied as deltas (never as absolute values).
  const itemDelta = new Map<string, [string, string, number, number, number, number]>();
  const lotDelta = new Map<string, [string, string, string, number, number, number]>();
  const resDelta = new Map<string, [string, string, string, number]>();
  for (const { l } of lines) {
    const ik = nodeItemKey(l.nodeId, l.itemId);
    const d = itemDelta.get(ik) ?? [l.nodeId, l.itemId, 0, 0, 0, 0];
    d[2] += l.onHandDelta;
    d[3] += l.reservedDelta;
    d[4] += l.inTransitInDelta;
    d[5] += l.inTransitOutDelta;
    itemDelta.set(ik, d);
    if (l.onHandDelta !== 0 || l.inTransitInDelta !== 0 || l.inTransitOutDelta !== 0) {
      const lk = `${ik}\u0000${l.lotCode}`;
      const e = lotDelta.get(lk) ?? [l.nodeId, l.itemId, l.lotCode, 0, 0, 0];
      e[3] += l.onHandDelta;
      e[4] += l.inTransitInDelta;
      e[5] += l.inTransitOutDelta;
      lotDelta.set(lk, e);
    }
    if (l.reservationId !== null && l.reservedDelta !== 0) {
      const r = resDelta.get(l.reservationId) ?? [l.reservationId, l.nodeId, l.itemId, 0];
      r[3] += l.reservedDelta;
      resDelta.set(l.reservationId, r);
    }
  }
  const items = [...itemDelta.values()].filter((d) => d[2] || d[3] || d[4] || d[5]);
  const lots = [...lotDelta.values()].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
  const res = [...resDelta.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));

  // Movement lines beyond the last chunk's worth go in their own statements first.
  let last = 0;
  for (; last + WRITE_CHUNK < lines.length; last += WRITE_CHUNK) {
    await sql`WITH ${movementInsert(lines.slice(last, last + WRITE_CHUNK), now)} SELECT 1`.execute(trx);
  }

  // Then one statement writes the rest of the lines and every projection delta: one round trip
  // for a single operation. Each part touches its own table, so they do not see each other.
  // Lot rows and reservations are updated where they exist and inserted where they do not
  // (INSERT … ON CONFLICT would check the CHECKs against the delta itself). No other writer can
  // create those rows meanwhile: they all hold the (node, item) balance row locked.
  const done = await sql<{ n: number }>`
    WITH ${movementInsert(lines.slice(last), now)},
    it AS (
      UPDATE stock_item_balances AS b
      SET on_hand = b.on_hand + d.oh, reserved = b.reserved + d.rv, in_transit_in = b.in_transit_in + d.ti, in_transit_out = b.in_transit_out + d.tout
      FROM unnest(${items.map((d) => d[0])}::text[], ${items.map((d) => d[1])}::text[], ${items.map((d) => d[2])}::int[], ${items.map((d) => d[3])}::int[],
        ${items.map((d) => d[4])}::int[], ${items.map((d) => d[5])}::int[]) AS d(n, i, oh, rv, ti, tout)
      WHERE b.node_id = d.n AND b.item_id = d.i
      RETURNING 1),
    ld AS (
      SELECT * FROM unnest(${lots.map((d) => d[0])}::text[], ${lots.map((d) => d[1])}::text[], ${lots.map((d) => d[2])}::text[],
        ${lots.map((d) => d[3])}::int[], ${lots.map((d) => d[4])}::int[], ${lots.map((d) => d[5])}::int[]) AS d(n, i, l, oh, ti, tout)),
    lu AS (
      UPDATE stock_balances b SET on_hand = b.on_hand + ld.oh, in_transit_in = b.in_transit_in + ld.ti, in_transit_out = b.in_transit_out + ld.tout
      FROM ld WHERE b.node_id = ld.n AND b.item_id = ld.i AND b.lot_code = ld.l
      RETURNING b.node_id, b.item_id, b.lot_code),
    li AS (
      INSERT INTO stock_balances (node_id, item_id, lot_code, on_hand, in_transit_in, in_transit_out)
      SELECT ld.n, ld.i, ld.l, ld.oh, ld.ti, ld.tout FROM ld
      WHERE NOT EXISTS (SELECT 1 FROM lu WHERE lu.node_id = ld.n AND lu.item_id = ld.i AND lu.lot_code = ld.l)
      RETURNING 1),
    rd AS (
      SELECT * FROM unnest(${res.map((d) => d[0])}::text[], ${res.map((d) => d[1])}::text[], ${res.map((d) => d[2])}::text[], ${res.map((d) => d[3])}::int[]) AS d(id, n, i, q)),
    ru AS (
      UPDATE stock_reservations r SET quantity = r.quantity + rd.q FROM rd
      WHERE r.id = rd.id AND r.node_id = rd.n AND r.item_id = rd.i
      RETURNING r.id),
    ri AS (
      -- Two writers creating the same new reservation id for different stock would not see each
      -- other (they lock different balance rows): ON CONFLICT skips the second, counted below.
      INSERT INTO stock_reservations (id, node_id, item_id, quantity)
      SELECT rd.id, rd.n, rd.i, rd.q FROM rd WHERE NOT EXISTS (SELECT 1 FROM ru WHERE ru.id = rd.id)
      ON CONFLICT (id) DO NOTHING
      RETURNING id)
    SELECT ((SELECT count(*) FROM ru) + (SELECT count(*) FROM ri))::int AS n`.execute(trx);
  if (done.rows[0].n !== res.length) {
    const got = new Set((await sql<{ id: string; node_id: string; item_id: string }>`SELECT id, node_id, item_id FROM stock_reservations WHERE id = ANY(${res.map((d) => d[0])}::text[])`.execute(trx)).rows.map((r) => `${r.id}\u0000${r.node_id}\u0000${r.item_id}`));
    const bad = res.find((d) => !got.has(`${d[0]}\u0000${d[1]}\u0000${d[2]}`)) ?? res[0];
    fail({ code: 'conflict', message: `reservation ${bad[0]} already holds other stock`, field: 'reservationId', actual: bad[0] });
  }

  for (const p of postings) {
    if (!p.transfer) continue;
    await saveTransfer(trx, p.transfer, now);
  }
}

async function saveTransfer(trx: Db, t: TransferDoc, now: Date): Promise<void> {
  const dispatched = t.status === 'in_transit';
  await sql`
    INSERT INTO stock_transfers AS s (id, from_node_id, to_node_id, status, created_at, dispatched_at, received_at)
    VALUES (${t.id}, ${t.fromNodeId}, ${t.toNodeId}, ${t.status}, ${now}, ${dispatched ? now : null}, ${dispatched ? null : now})
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, from_node_id = EXCLUDED.from_node_id, to_node_id = EXCLUDED.to_node_id,
      dispatched_at = COALESCE(s.dispatched_at, EXCLUDED.dispatched_at),
      received_at = COALESCE(EXCLUDED.received_at, s.received_at)`.execute(trx);
  await sql`
    INSERT INTO stock_transfer_lines AS l (transfer_id, item_id, quantity, received_quantity, lots)
    SELECT ${t.id}::text, i, q, r, lt::jsonb FROM unnest(${t.lines.map((l) => l.itemId)}::text[], ${t.lines.map((l) => l.quantity)}::int[],
      ${t.lines.map((l) => l.receivedQuantity)}::int[], ${t.lines.map((l) => JSON.stringify(l.lots))}::text[]) AS x(i, q, r, lt)
    ON CONFLICT (transfer_id, item_id) DO UPDATE SET quantity = EXCLUDED.quantity, received_quantity = EXCLUDED.received_quantity, lots = EXCLUDED.lots`.execute(trx);
  if (dispatched) {
    // A dispatched draft may have had lines that were not shipped: drop them.
    await sql`DELETE FROM stock_transfer_lines WHERE transfer_id = ${t.id} AND NOT (item_id = ANY(${t.lines.map((l) => l.itemId)}::text[]))`.execute(trx);
  }
}

/** Posts one operation (atomic) and returns its outcome. */
export async function post(trx: Db, op: Operation, now: Date): Promise<{ replayed: boolean; posting: Posting }> {
  const [o] = await postOperations(trx, [op], { now, atomic: true });
  if (!o.ok) throw new DomainException(o.error);
  return { replayed: o.replayed, posting: o.posting };
}

// Named helpers for other contexts: each posts one operation inside the caller's transaction.
type Input<K extends Operation['kind']> = Omit<Extract<Operation, { kind: K }>, 'kind'>;
export const receipt = (trx: Db, op: Input<'receipt'>, now: Date) => post(trx, { kind: 'receipt', ...op }, now);
export const reserve = (trx: Db, op: Input<'reserve'>, now: Date) => post(trx, { kind: 'reserve', ...op }, now);
export const releaseReservation = (trx: Db, op: Input<'release'>, now: Date) => post(trx, { kind: 'release', ...op }, now);
export const pick = (trx: Db, op: Input<'pick'>, now: Date) => post(trx, { kind: 'pick', ...op }, now);
export const transferOut = (trx: Db, op: Input<'transfer_out'>, now: Date) => post(trx, { kind: 'transfer_out', ...op }, now);
export const receiveTransfer = (trx: Db, op: Input<'transfer_in'>, now: Date) => post(trx, { kind: 'transfer_in', ...op }, now);
export const adjust = (trx: Db, op: Input<'adjustment'>, now: Date) => post(trx, { kind: 'adjustment', ...op }, now);
export const writeOff = (trx: Db, op: Input<'write_off'>, now: Date) => post(trx, { kind: 'write_off', ...op }, now);

/**
 * Many receipts at once (an opening balance, a stock import), in a handful of statements
 * whatever their number. Receipts only add stock, so no rule can refuse them and no balance needs
 * to be read first: the movement lines are inserted and their sums added to the projection in the
 * same transaction, exactly as `postOperations` would. Keys already posted are skipped.
 */
export async function postReceipts(trx: Db, ops: Extract<Operation, { kind: 'receipt' }>[], now: Date): Promise<{ posted: number; skipped: number }> {
  if (!trx.isTransaction) return trx.transaction().execute((t) => postReceipts(t, ops, now));
  for (const op of ops) {
    const bad = validateOperation(op);
    if (bad) throw new DomainException(bad);
  }
  if (ops.length === 0) return { posted: 0, skipped: 0 };
  const hashes = ops.map(hashOf);
  const inserted = await sql<{ key: string }>`
    INSERT INTO stock_operations (key, kind, request_hash, posted_at)
    SELECT k, 'receipt', h, ${now}::timestamptz FROM unnest(${ops.map((o) => o.key)}::text[], ${hashes}::text[]) AS t(k, h)
    ON CONFLICT (key) DO NOTHING RETURNING key`.execute(trx);
  const fresh = new Set(inserted.rows.map((r) => r.key));
  const todo = ops.filter((o) => fresh.has(o.key));
  if (todo.length === 0) return { posted: 0, skipped: ops.length };
  const lots = new Map<string, { itemId: string; lotCode: string; expiryDate: string }>();
  for (const o of todo) if (o.lot) lots.set(lotKey(o.itemId, o.lot.code), { itemId: o.itemId, lotCode: o.lot.code, expiryDate: o.lot.expiryDate });
  if (lots.size > 0) {
    const ls = [...lots.values()];
    const rows = await sql<any>`
      INSERT INTO stock_lots AS s (item_id, lot_code, expiry_date)
      SELECT * FROM unnest(${ls.map((l) => l.itemId)}::text[], ${ls.map((l) => l.lotCode)}::text[], ${ls.map((l) => l.expiryDate)}::text[])
      ON CONFLICT (item_id, lot_code) DO UPDATE SET expiry_date = s.expiry_date
      RETURNING item_id, lot_code, expiry_date`.execute(trx);
    for (const r of rows.rows) {
      const want = lots.get(lotKey(r.item_id, r.lot_code))!;
      if (want.expiryDate !== r.expiry_date) fail({ code: 'conflict', message: `lot ${r.lot_code} of item ${r.item_id} expires on ${r.expiry_date}, not ${want.expiryDate}`, field: 'lot.expiryDate', expected: r.expiry_date, actual: want.expiryDate });
    }
  }
  const col = <T>(f: (o: (typeof todo)[number]) => T) => todo.map(f);
  await sql`
    WITH m AS (
      INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, lot_code, quantity, on_hand_delta, reserved_delta, in_transit_in_delta, in_transit_out_delta, document_type, document_ref, note, posted_at)
      SELECT k, 'receipt', rs, n, i, lc, q, q, 0, 0, 0, 'supplier', dr, nt, ${now}::timestamptz
      FROM unnest(${col((o) => o.key)}::text[], ${col((o) => o.reason)}::text[], ${col((o) => o.nodeId)}::text[], ${col((o) => o.itemId)}::text[],
        ${col((o) => o.lot?.code ?? NO_LOT)}::text[], ${col((o) => o.quantity)}::int[], ${col((o) => o.sourceRef ?? null)}::text[], ${col((o) => o.note ?? null)}::text[])
        AS t(k, rs, n, i, lc, q, dr, nt)
      RETURNING node_id, item_id, lot_code, on_hand_delta),
    items AS (
      INSERT INTO stock_item_balances AS b (node_id, item_id, on_hand)
      SELECT node_id, item_id, SUM(on_hand_delta) FROM m GROUP BY node_id, item_id ORDER BY node_id, item_id
      ON CONFLICT (node_id, item_id) DO UPDATE SET on_hand = b.on_hand + EXCLUDED.on_hand
      RETURNING 1)
    INSERT INTO stock_balances AS b (node_id, item_id, lot_code, on_hand)
    SELECT node_id, item_id, lot_code, SUM(on_hand_delta) FROM m GROUP BY node_id, item_id, lot_code ORDER BY node_id, item_id, lot_code
    ON CONFLICT (node_id, item_id, lot_code) DO UPDATE SET on_hand = b.on_hand + EXCLUDED.on_hand`.execute(trx);
  return { posted: todo.length, skipped: ops.length - todo.length };
}

// ---------------------------------------------------------------------------------------------
// Expiry job
// ---------------------------------------------------------------------------------------------

export interface ExpiryReport {
  asOf: string;
  lots: ExpiredLot[];
  writtenOffQuantity: number;
  blockedQuantity: number;
  movements: number;
}

/**
 * Writes off every lot expired on `asOf` (optionally at one node), in the caller's transaction.
 * Reserved stock is left and reported as blocked. Running it twice writes off nothing new.
 */
export async function writeOffExpired(trx: Db, input: { asOf: string; nodeId?: string; runKey?: string }, now: Date): Promise<ExpiryReport> {
  const rows = await sql<any>`
    SELECT DISTINCT b.node_id, b.item_id FROM stock_balances b
    JOIN stock_lots l ON l.item_id = b.item_id AND l.lot_code = b.lot_code
    WHERE l.expiry_date < ${input.asOf} AND b.on_hand > 0 ${input.nodeId ? sql`AND b.node_id = ${input.nodeId}` : sql``}`.execute(trx);
  const pairs = rows.rows.map((r) => [r.node_id, r.item_id] as [string, string]);
  let lots: ExpiredLot[] = [];
  const outcomes = await postPlanned(
    trx,
    {
      ops: [],
      extraPairs: pairs,
      plan: (state) => {
        const p = planExpiryWriteOffs(state, input.asOf, `expiry:${input.asOf}:${input.runKey ?? randomUUID()}`);
        lots = p.lots;
        return p.ops;
      },
    },
    { now, atomic: true },
  );
  return {
    asOf: input.asOf,
    lots,
    writtenOffQuantity: lots.reduce((s, l) => s + l.writeOffQuantity, 0),
    blockedQuantity: lots.reduce((s, l) => s + l.blockedQuantity, 0),
    movements: outcomes.reduce((s, o) => s + (o.ok ? o.posting.lines.length : 0), 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading balances
// ---------------------------------------------------------------------------------------------

export interface BalanceFilter {
  nodeId?: string;
  itemId?: string;
  category?: string;
  temperatureClass?: string;
  essentialTier?: string;
  /** Also list (node, item) rows that are all zero. */
  includeZero?: boolean;
  demand?: DemandBasis;
  /** Surge demand as a percentage of baseline (300 = 3x). */
  surgePercent?: number;
  limit?: number;
  offset?: number;
}

export interface BalanceRow {
  nodeId: string;
  itemId: string;
  category: string;
  temperatureClass: string;
  essentialTier: string;
  onHand: number;
  reserved: number;
  inTransitIn: number;
  inTransitOut: number;
  safetyBuffer: number;
  availableToPromise: number;
  dailyDemand: number;
  daysOfCover: number | null;
}

/**
 * The balance view: per node and item, with available to promise and days of cover. Item
 * attributes and baseline demand come from the network context's functions.
 */
export async function balances(db: Db, filter: BalanceFilter = {}): Promise<{ rows: BalanceRow[]; total: number }> {
  const itemFilter = filter.category || filter.temperatureClass || filter.essentialTier;
  const catalogue = itemFilter
    ? (await listItems(db, { category: filter.category, temperatureClass: filter.temperatureClass, essentialTier: filter.essentialTier })).items
    : null;
  const itemIds = catalogue ? catalogue.map((i) => i.id) : null;
  if (itemIds && itemIds.length === 0) return { rows: [], total: 0 };

  // One row per node with arrays, rather than one row per (node, item): materialising 250,000
  // row objects costs several times more than 50 rows of arrays (6x on PGlite).
  const where = sql`WHERE true
    ${filter.nodeId ? sql`AND b.node_id = ${filter.nodeId}` : sql``}
    ${filter.itemId ? sql`AND b.item_id = ${filter.itemId}` : sql``}
    ${itemIds ? sql`AND b.item_id = ANY(${itemIds}::text[])` : sql``}
    ${filter.includeZero ? sql`` : sql`AND (b.on_hand > 0 OR b.in_transit_in > 0 OR b.in_transit_out > 0)`}`;
  const grouped = await sql<{ node_id: string; buffer: number; i: string[]; oh: number[]; rv: number[]; ti: number[]; tt: number[] }>`
    SELECT b.node_id, COALESCE(MAX(s.online_safety_buffer), 0) AS buffer,
      array_agg(b.item_id ORDER BY b.item_id) AS i, array_agg(b.on_hand ORDER BY b.item_id) AS oh, array_agg(b.reserved ORDER BY b.item_id) AS rv,
      array_agg(b.in_transit_in ORDER BY b.item_id) AS ti, array_agg(b.in_transit_out ORDER BY b.item_id) AS tt
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    ${where}
    GROUP BY b.node_id ORDER BY b.node_id`.execute(db);
  const total = grouped.rows.reduce((n, r) => n + r.i.length, 0);
  const from = filter.offset ?? 0;
  const to = filter.limit !== undefined ? from + filter.limit : total;

  const nodes = grouped.rows.map((r) => r.node_id);
  const demand = nodes.length > 0 ? await demandByNode(db, filter.nodeId ? [filter.nodeId] : nodes.length <= 20 ? nodes : undefined) : new Map<string, Map<string, number>>();
  const inPage = new Set<string>();
  if (!catalogue) {
    let n = 0;
    for (const r of grouped.rows) for (const id of r.i) if (n++ >= from && n <= to) inPage.add(id);
  }
  const attrs = catalogue ? new Map(catalogue.map((i) => [i.id, i])) : await itemsByIds(db, [...inPage]);
  const basis = filter.demand ?? 'baseline';
  const surge = filter.surgePercent ?? 300;
  const rows: BalanceRow[] = [];
  let k = 0;
  for (const r of grouped.rows) {
    const d = demand.get(r.node_id);
    for (let j = 0; j < r.i.length; j++, k++) {
      if (k < from || k >= to) continue;
      const itemId = r.i[j];
      const it = attrs.get(itemId);
      const perDay = dailyDemand(d?.get(itemId) ?? 0, basis, surge);
      const a = availability({ onHand: r.oh[j], reserved: r.rv[j] }, r.buffer, perDay);
      rows.push({
        nodeId: r.node_id,
        itemId,
        category: it?.category ?? '',
        temperatureClass: it?.temperatureClass ?? '',
        essentialTier: it?.essentialTier ?? '',
        onHand: r.oh[j],
        reserved: r.rv[j],
        inTransitIn: r.ti[j],
        inTransitOut: r.tt[j],
        safetyBuffer: r.buffer,
        availableToPromise: a.availableToPromise,
        dailyDemand: Math.round(perDay * 10) / 10,
        daysOfCover: a.daysOfCover,
      });
    }
  }
  return { total, rows };
}

export interface LotRow {
  nodeId: string;
  itemId: string;
  lotCode: string;
  expiryDate: string | null;
  onHand: number;
  inTransitIn: number;
  inTransitOut: number;
}

/** Lot balances, first-expired-first-out within each node and item. */
export async function lotBalances(db: Db, filter: { nodeId?: string; itemId?: string; expiringBefore?: string } = {}): Promise<LotRow[]> {
  const rows = await sql<any>`
    SELECT b.*, l.expiry_date FROM stock_balances b LEFT JOIN stock_lots l ON l.item_id = b.item_id AND l.lot_code = b.lot_code
    WHERE (b.on_hand <> 0 OR b.in_transit_in <> 0 OR b.in_transit_out <> 0)
      ${filter.nodeId ? sql`AND b.node_id = ${filter.nodeId}` : sql``}
      ${filter.itemId ? sql`AND b.item_id = ${filter.itemId}` : sql``}
      ${filter.expiringBefore ? sql`AND l.expiry_date < ${filter.expiringBefore}` : sql``}
    ORDER BY b.node_id, b.item_id, l.expiry_date NULLS LAST, b.lot_code`.execute(db);
  return rows.rows.map((r) => ({
    nodeId: r.node_id,
    itemId: r.item_id,
    lotCode: r.lot_code,
    expiryDate: r.expiry_date ?? null,
    onHand: r.on_hand,
    inTransitIn: r.in_transit_in,
    inTransitOut: r.in_transit_out,
  }));
}

export interface MovementRow extends MovementLine {
  seq: number;
  operationKey: string;
  note: string | null;
  postedAt: string;
}

export async function movements(
  db: Db,
  filter: { nodeId?: string; itemId?: string; kind?: string; documentRef?: string; afterSeq?: number; limit?: number } = {},
): Promise<MovementRow[]> {
  const rows = await sql<any>`
    SELECT * FROM stock_movements WHERE true
      ${filter.nodeId ? sql`AND node_id = ${filter.nodeId}` : sql``}
      ${filter.itemId ? sql`AND item_id = ${filter.itemId}` : sql``}
      ${filter.kind ? sql`AND kind = ${filter.kind}` : sql``}
      ${filter.documentRef ? sql`AND document_ref = ${filter.documentRef}` : sql``}
      ${filter.afterSeq !== undefined ? sql`AND seq > ${filter.afterSeq}` : sql``}
    ORDER BY seq LIMIT ${filter.limit ?? 500}`.execute(db);
  return rows.rows.map((r) => ({ ...rowToLine(r), seq: Number(r.seq), operationKey: r.operation_key, note: r.note, postedAt: new Date(r.posted_at).toISOString() }));
}

/** One node's movement totals over a period (see `movementTotalsByNode`). */
export interface NodeMovementTotals {
  nodeId: string;
  movements: number;
  /** Receipts and transfer receipts, opening balances excluded. */
  received: number;
  /** Opening balances posted in the period (stock that was already there, not a delivery). */
  openingBalance: number;
  /** Units shipped out by this node (transfer out). */
  shippedOut: number;
  /** Units shipped toward this node by others (transfer out at the sender naming it). */
  sentToward: number;
  sold: number;
  writtenOff: number;
  countedDelta: number;
  /** Other manual adjustments (on-hand delta). */
  adjusted: number;
  transferVariance: number;
  openingOnHand: number;
  closingOnHand: number;
}

/**
 * Every movement of a period [fromMs, toMs) summed per node, set-based (a few GROUP BY
 * statements, no row cap, whatever the number of movements), with the on-hand at the start and
 * end of the period (today's balances minus what moved since).
 */
export async function movementTotalsByNode(db: Db, fromMs: number, toMs: number): Promise<NodeMovementTotals[]> {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const day = await sql<any>`
    SELECT node_id, count(*) AS movements,
      coalesce(sum(CASE WHEN kind IN ('receipt', 'transfer_in') AND reason <> 'opening_balance' THEN on_hand_delta ELSE 0 END), 0) AS received,
      coalesce(sum(CASE WHEN kind = 'receipt' AND reason = 'opening_balance' THEN on_hand_delta ELSE 0 END), 0) AS opening_balance,
      coalesce(sum(CASE WHEN kind = 'transfer_out' THEN quantity ELSE 0 END), 0) AS shipped_out,
      coalesce(sum(CASE WHEN kind = 'pick' THEN quantity ELSE 0 END), 0) AS sold,
      coalesce(sum(CASE WHEN kind = 'write_off' THEN quantity ELSE 0 END), 0) AS written_off,
      coalesce(sum(CASE WHEN kind = 'count_adjustment' THEN on_hand_delta ELSE 0 END), 0) AS counted_delta,
      coalesce(sum(CASE WHEN kind = 'adjustment' THEN on_hand_delta ELSE 0 END), 0) AS adjusted,
      coalesce(sum(CASE WHEN kind = 'transfer_in' THEN variance_quantity ELSE 0 END), 0) AS transfer_variance,
      coalesce(sum(on_hand_delta), 0) AS on_hand_delta
    FROM stock_movements WHERE posted_at >= ${from} AND posted_at < ${to} GROUP BY node_id`.execute(db);
  const toward = await sql<any>`
    SELECT counterparty_node_id AS node_id, coalesce(sum(quantity), 0) AS units FROM stock_movements
    WHERE kind = 'transfer_out' AND counterparty_node_id IS NOT NULL AND posted_at >= ${from} AND posted_at < ${to} GROUP BY counterparty_node_id`.execute(db);
  const since = await sql<any>`SELECT node_id, coalesce(sum(on_hand_delta), 0) AS delta FROM stock_movements WHERE posted_at >= ${to} GROUP BY node_id`.execute(db);
  const now = await sql<any>`SELECT node_id, coalesce(sum(on_hand), 0) AS on_hand FROM stock_item_balances GROUP BY node_id`.execute(db);
  const out = new Map<string, NodeMovementTotals>();
  const get = (id: string) => {
    let t = out.get(id);
    if (!t) {
      t = { nodeId: id, movements: 0, received: 0, openingBalance: 0, shippedOut: 0, sentToward: 0, sold: 0, writtenOff: 0, countedDelta: 0, adjusted: 0, transferVariance: 0, openingOnHand: 0, closingOnHand: 0 };
      out.set(id, t);
    }
    return t;
  };
  const onHandNow = new Map(now.rows.map((r) => [r.node_id as string, Number(r.on_hand)]));
  const deltaSince = new Map(since.rows.map((r) => [r.node_id as string, Number(r.delta)]));
  for (const r of day.rows) {
    const t = get(r.node_id);
    t.movements = Number(r.movements);
    t.received = Number(r.received);
    t.openingBalance = Number(r.opening_balance);
    t.shippedOut = Number(r.shipped_out);
    t.sold = Number(r.sold);
    t.writtenOff = Number(r.written_off);
    t.countedDelta = Number(r.counted_delta);
    t.adjusted = Number(r.adjusted);
    t.transferVariance = Number(r.transfer_variance);
    t.closingOnHand = (onHandNow.get(r.node_id) ?? 0) - (deltaSince.get(r.node_id) ?? 0);
    t.openingOnHand = t.closingOnHand - Number(r.on_hand_delta);
  }
  for (const r of toward.rows) get(r.node_id).sentToward = Number(r.units);
  for (const t of out.values()) {
    if (t.movements === 0) {
      t.closingOnHand = (onHandNow.get(t.nodeId) ?? 0) - (deltaSince.get(t.nodeId) ?? 0);
      t.openingOnHand = t.closingOnHand;
    }
  }
  return [...out.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

export async function setSafetyBuffer(db: Db, nodeId: string, units: number): Promise<void> {
  if (!Number.isSafeInteger(units) || units < 0) fail({ code: 'validation_failed', message: 'onlineSafetyBuffer must be an integer >= 0', field: 'onlineSafetyBuffer', expected: 'integer >= 0', actual: units });
  await sql`
    INSERT INTO inventory_node_settings (node_id, online_safety_buffer) VALUES (${nodeId}, ${units})
    ON CONFLICT (node_id) DO UPDATE SET online_safety_buffer = EXCLUDED.online_safety_buffer`.execute(db);
}

export async function safetyBuffers(db: Db): Promise<Map<string, number>> {
  const rows = await sql<any>`SELECT node_id, online_safety_buffer FROM inventory_node_settings`.execute(db);
  return new Map(rows.rows.map((r) => [r.node_id, r.online_safety_buffer]));
}

// ---------------------------------------------------------------------------------------------
// The projection: check and rebuild
// ---------------------------------------------------------------------------------------------

export interface ProjectionMismatch {
  table: 'stock_item_balances' | 'stock_balances' | 'stock_reservations';
  key: string;
  projected: number[];
  fromMovements: number[];
}

/**
 * Recomputes every balance from the movement lines and lists where the projection differs.
 * An empty list means every balance equals the sum of its movements.
 */
export async function checkProjection(db: Db): Promise<ProjectionMismatch[]> {
  const out: ProjectionMismatch[] = [];
  const items = await sql<any>`
    WITH m AS (
      SELECT node_id, item_id, SUM(on_hand_delta)::bigint AS oh, SUM(reserved_delta)::bigint AS rv, SUM(in_transit_in_delta)::bigint AS ti, SUM(in_transit_out_delta)::bigint AS tout
      FROM stock_movements GROUP BY node_id, item_id)
    SELECT COALESCE(b.node_id, m.node_id) AS node_id, COALESCE(b.item_id, m.item_id) AS item_id,
      b.on_hand, b.reserved, b.in_transit_in, b.in_transit_out, m.oh, m.rv, m.ti, m.tout
    FROM stock_item_balances b FULL JOIN m ON m.node_id = b.node_id AND m.item_id = b.item_id
    WHERE COALESCE(b.on_hand, 0) <> COALESCE(m.oh, 0) OR COALESCE(b.reserved, 0) <> COALESCE(m.rv, 0)
       OR COALESCE(b.in_transit_in, 0) <> COALESCE(m.ti, 0) OR COALESCE(b.in_transit_out, 0) <> COALESCE(m.tout, 0)`.execute(db);
  for (const r of items.rows) {
    out.push({
      table: 'stock_item_balances',
      key: `${r.node_id}/${r.item_id}`,
      projected: [r.on_hand, r.reserved, r.in_transit_in, r.in_transit_out].map((x) => Number(x ?? 0)),
      fromMovements: [r.oh, r.rv, r.ti, r.tout].map((x) => Number(x ?? 0)),
    });
  }
  const lots = await sql<any>`
    WITH m AS (
      SELECT node_id, item_id, lot_code, SUM(on_hand_delta)::bigint AS oh, SUM(in_transit_in_delta)::bigint AS ti, SUM(in_transit_out_delta)::bigint AS tout
      FROM stock_movements GROUP BY node_id, item_id, lot_code)
    SELECT COALESCE(b.node_id, m.node_id) AS node_id, COALESCE(b.item_id, m.item_id) AS item_id, COALESCE(b.lot_code, m.lot_code) AS lot_code,
      b.on_hand, b.in_transit_in, b.in_transit_out, m.oh, m.ti, m.tout
    FROM stock_balances b FULL JOIN m ON m.node_id = b.node_id AND m.item_id = b.item_id AND m.lot_code = b.lot_code
    WHERE COALESCE(b.on_hand, 0) <> COALESCE(m.oh, 0) OR COALESCE(b.in_transit_in, 0) <> COALESCE(m.ti, 0) OR COALESCE(b.in_transit_out, 0) <> COALESCE(m.tout, 0)`.execute(db);
  for (const r of lots.rows) {
    out.push({
      table: 'stock_balances',
      key: `${r.node_id}/${r.item_id}/${r.lot_code}`,
      projected: [r.on_hand, r.in_transit_in, r.in_transit_out].map((x) => Number(x ?? 0)),
      fromMovements: [r.oh, r.ti, r.tout].map((x) => Number(x ?? 0)),
    });
  }
  const res = await sql<any>`
    WITH m AS (SELECT reservation_id AS id, SUM(reserved_delta)::bigint AS q FROM stock_movements WHERE reservation_id IS NOT NULL GROUP BY reservation_id)
    SELECT COALESCE(r.id, m.id) AS id, r.quantity, m.q FROM stock_reservations r FULL JOIN m ON m.id = r.id
    WHERE COALESCE(r.quantity, 0) <> COALESCE(m.q, 0)`.execute(db);
  for (const r of res.rows) out.push({ table: 'stock_reservations', key: r.id, projected: [Number(r.quantity ?? 0)], fromMovements: [Number(r.q ?? 0)] });
  return out;
}

/**
 * Rewrites the projection tables from the movements (run it in a transaction; it takes an
 * exclusive lock on them, so writers wait until it commits).
 */
export async function rebuildProjection(trx: Db): Promise<{ itemRows: number; lotRows: number; reservations: number }> {
  await sql`LOCK TABLE stock_item_balances, stock_balances, stock_reservations IN EXCLUSIVE MODE`.execute(trx);
  await sql`DELETE FROM stock_item_balances`.execute(trx);
  await sql`DELETE FROM stock_balances`.execute(trx);
  await sql`DELETE FROM stock_reservations`.execute(trx);
  const a = await sql`
    INSERT INTO stock_item_balances (node_id, item_id, on_hand, reserved, in_transit_in, in_transit_out)
    SELECT node_id, item_id, SUM(on_hand_delta), SUM(reserved_delta), SUM(in_transit_in_delta), SUM(in_transit_out_delta)
    FROM stock_movements GROUP BY node_id, item_id`.execute(trx);
  const b = await sql`
    INSERT INTO stock_balances (node_id, item_id, lot_code, on_hand, in_transit_in, in_transit_out)
    SELECT node_id, item_id, lot_code, SUM(on_hand_delta), SUM(in_transit_in_delta), SUM(in_transit_out_delta)
    FROM stock_movements WHERE on_hand_delta <> 0 OR in_transit_in_delta <> 0 OR in_transit_out_delta <> 0 GROUP BY node_id, item_id, lot_code`.execute(trx);
  const c = await sql`
    INSERT INTO stock_reservations (id, node_id, item_id, quantity)
    SELECT reservation_id, MIN(node_id), MIN(item_id), SUM(reserved_delta) FROM stock_movements
    WHERE reservation_id IS NOT NULL AND reserved_delta <> 0 GROUP BY reservation_id`.execute(trx);
  return { itemRows: Number(a.numAffectedRows ?? 0), lotRows: Number(b.numAffectedRows ?? 0), reservations: Number(c.numAffectedRows ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// Transfers
// ---------------------------------------------------------------------------------------------

export interface TransferView {
  id: string;
  fromNodeId: string;
  toNodeId: string;
  status: 'draft' | 'in_transit' | 'received' | 'cancelled';
  note: string;
  createdAt: string;
  dispatchedAt: string | null;
  receivedAt: string | null;
  lines: (TransferLine & { varianceQuantity: number | null })[];
}

export async function getTransfer(db: Db, id: string): Promise<TransferView | null> {
  const t = (await sql<any>`SELECT * FROM stock_transfers WHERE id = ${id}`.execute(db)).rows[0];
  if (!t) return null;
  const ls = (await sql<any>`SELECT * FROM stock_transfer_lines WHERE transfer_id = ${id} ORDER BY item_id`.execute(db)).rows;
  const doc = rowToTransfer(t, ls);
  const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
  return {
    id: t.id,
    fromNodeId: t.from_node_id,
    toNodeId: t.to_node_id,
    status: t.status,
    note: t.note,
    createdAt: iso(t.created_at)!,
    dispatchedAt: iso(t.dispatched_at),
    receivedAt: iso(t.received_at),
    lines: doc.lines.map((l) => ({ ...l, varianceQuantity: l.receivedQuantity === null ? null : l.receivedQuantity - l.quantity })),
  };
}

export async function requireTransfer(db: Db, id: string): Promise<TransferView> {
  const t = await getTransfer(db, id);
  if (!t) fail({ code: 'not_found', message: `transfer ${id} not found`, field: 'id', actual: id });
  return t;
}

export async function listTransfers(db: Db, filter: { status?: string; nodeId?: string } = {}): Promise<TransferView[]> {
  const ids = await sql<any>`
    SELECT id FROM stock_transfers WHERE true
      ${filter.status ? sql`AND status = ${filter.status}` : sql``}
      ${filter.nodeId ? sql`AND (from_node_id = ${filter.nodeId} OR to_node_id = ${filter.nodeId})` : sql``}
    ORDER BY created_at DESC, id LIMIT 500`.execute(db);
  const out: TransferView[] = [];
  for (const r of ids.rows) out.push((await getTransfer(db, r.id))!);
  return out;
}

/** Saves a transfer as a draft: nothing moves until it is dispatched. */
export async function createDraftTransfer(
  trx: Db,
  input: { id: string; fromNodeId: string; toNodeId: string; lines: { itemId: string; quantity: number }[]; note?: string },
  now: Date,
): Promise<TransferView> {
  const bad = validateOperation({ kind: 'transfer_out', key: 'draft', transferId: input.id, fromNodeId: input.fromNodeId, toNodeId: input.toNodeId, lines: input.lines });
  if (bad) throw new DomainException(bad);
  const exists = await sql<any>`INSERT INTO stock_transfers (id, from_node_id, to_node_id, status, note, created_at) VALUES (${input.id}, ${input.fromNodeId}, ${input.toNodeId}, 'draft', ${input.note ?? ''}, ${now}) ON CONFLICT (id) DO NOTHING RETURNING id`.execute(trx);
  if (exists.rows.length === 0) fail({ code: 'duplicate', message: `transfer ${input.id} already exists`, field: 'id', expected: 'a new transfer id', actual: input.id });
  await sql`
    INSERT INTO stock_transfer_lines (transfer_id, item_id, quantity)
    SELECT ${input.id}::text, i, q FROM unnest(${input.lines.map((l) => l.itemId)}::text[], ${input.lines.map((l) => l.quantity)}::int[]) AS x(i, q)`.execute(trx);
  return (await getTransfer(trx, input.id))!;
}

/** Dispatches a draft transfer: its lines leave the source first-expired-first-out. */
export async function dispatchTransfer(trx: Db, input: { id: string; key: string; asOf?: string }, now: Date): Promise<TransferView> {
  const t = (await sql<any>`SELECT * FROM stock_transfers WHERE id = ${input.id} FOR UPDATE`.execute(trx)).rows[0];
  if (!t) fail({ code: 'not_found', message: `transfer ${input.id} not found`, field: 'id', actual: input.id });
  if (t.status !== 'draft') {
    // A retried dispatch replays; anything else is a conflict.
    const prior = (await sql<any>`SELECT 1 FROM stock_operations WHERE key = ${input.key}`.execute(trx)).rows[0];
    if (!prior) fail({ code: 'conflict', message: `transfer ${input.id} is ${t.status}, not a draft`, field: 'id', expected: 'draft', actual: t.status });
    return (await getTransfer(trx, input.id))!;
  }
  const lines = (await sql<any>`SELECT item_id, quantity FROM stock_transfer_lines WHERE transfer_id = ${input.id} ORDER BY item_id`.execute(trx)).rows;
  // The ledger sees only dispatched documents; posting replaces the draft's lines with the
  // shipped ones (with their lots) in the same transaction.
  await post(trx, { kind: 'transfer_out', key: input.key, transferId: t.id, fromNodeId: t.from_node_id, toNodeId: t.to_node_id, lines: lines.map((l) => ({ itemId: l.item_id, quantity: l.quantity })), asOf: input.asOf }, now);
  return (await getTransfer(trx, input.id))!;
}

export async function cancelDraftTransfer(trx: Db, id: string): Promise<TransferView> {
  const t = await requireTransfer(trx, id);
  if (t.status !== 'draft') fail({ code: 'conflict', message: `transfer ${id} is ${t.status}; only a draft can be cancelled`, field: 'id', expected: 'draft', actual: t.status });
  await sql`UPDATE stock_transfers SET status = 'cancelled' WHERE id = ${id}`.execute(trx);
  return (await getTransfer(trx, id))!;
}

// ---------------------------------------------------------------------------------------------
// Stock counts
// ---------------------------------------------------------------------------------------------

export interface CountScope {
  category?: string;
  itemIds?: string[];
}

export interface CountHeader {
  id: string;
  nodeId: string;
  scope: CountScope;
  status: 'open' | 'posted' | 'cancelled';
  recountThreshold: number;
  openedAt: string;
  postedAt: string | null;
}

function rowToCount(r: any): CountHeader {
  return {
    id: r.id,
    nodeId: r.node_id,
    scope: typeof r.scope === 'string' ? JSON.parse(r.scope) : r.scope,
    status: r.status,
    recountThreshold: r.recount_threshold,
    openedAt: new Date(r.opened_at).toISOString(),
    postedAt: r.posted_at ? new Date(r.posted_at).toISOString() : null,
  };
}

async function currentSeq(trx: Db): Promise<number> {
  return Number((await sql<any>`SELECT COALESCE(MAX(seq), 0) AS s FROM stock_movements`.execute(trx)).rows[0].s);
}

/**
 * Opens a count: snapshots the book quantity of every (item, lot) in scope at the node. The
 * balance rows in scope are share-locked while the snapshot is read, so no posting is half
 * seen: every movement at or below the snapshot sequence is in the snapshot, every later one
 * is "since".
 */
export async function openCount(
  trx: Db,
  input: { id?: string; nodeId: string; scope?: CountScope; recountThreshold?: number },
  now: Date,
): Promise<CountHeader & { lines: number }> {
  const id = input.id ?? randomUUID();
  const threshold = input.recountThreshold ?? 2;
  if (!Number.isSafeInteger(threshold) || threshold < 0) fail({ code: 'validation_failed', message: 'recountThreshold must be an integer >= 0', field: 'recountThreshold', expected: 'integer >= 0', actual: threshold });
  const scope = input.scope ?? {};
  let itemIds: string[] | null = scope.itemIds ?? null;
  if (scope.category) {
    const inCat = (await listItems(trx, { category: scope.category })).items.map((i) => i.id);
    itemIds = itemIds ? itemIds.filter((i) => inCat.includes(i)) : inCat;
  }
  const clash = await sql<any>`SELECT 1 FROM stock_counts WHERE id = ${id}`.execute(trx);
  if (clash.rows.length > 0) fail({ code: 'duplicate', message: `count ${id} already exists`, field: 'id', expected: 'a new count id', actual: id });
  await sql`
    SELECT 1 FROM stock_item_balances WHERE node_id = ${input.nodeId}
    ${itemIds ? sql`AND item_id = ANY(${itemIds}::text[])` : sql``}
    ORDER BY item_id FOR SHARE`.execute(trx);
  const seq = await currentSeq(trx);
  const lots = await sql<any>`
    SELECT item_id, lot_code, on_hand FROM stock_balances WHERE node_id = ${input.nodeId} AND on_hand > 0
    ${itemIds ? sql`AND item_id = ANY(${itemIds}::text[])` : sql``}`.execute(trx);
  const lines = new Map<string, { itemId: string; lotCode: string; q: number }>();
  for (const r of lots.rows) lines.set(lotKey(r.item_id, r.lot_code), { itemId: r.item_id, lotCode: r.lot_code, q: r.on_hand });
  // Items listed by name are counted even when the book says there is none.
  for (const i of scope.itemIds ?? []) if (![...lines.values()].some((l) => l.itemId === i)) lines.set(lotKey(i, NO_LOT), { itemId: i, lotCode: NO_LOT, q: 0 });
  await sql`
    INSERT INTO stock_counts (id, node_id, scope, status, recount_threshold, snapshot_seq, opened_at)
    VALUES (${id}, ${input.nodeId}, ${JSON.stringify(scope)}::jsonb, 'open', ${threshold}, ${seq}, ${now})`.execute(trx);
  const ls = [...lines.values()];
  if (ls.length > 0) {
    await sql`
      INSERT INTO stock_count_lines (count_id, item_id, lot_code, snapshot_quantity)
      SELECT ${id}::text, i, l, q FROM unnest(${ls.map((l) => l.itemId)}::text[], ${ls.map((l) => l.lotCode)}::text[], ${ls.map((l) => l.q)}::int[]) AS x(i, l, q)`.execute(trx);
  }
  return { ...(await requireCount(trx, id)), lines: ls.length };
}

export async function requireCount(db: Db, id: string): Promise<CountHeader> {
  const r = (await sql<any>`SELECT * FROM stock_counts WHERE id = ${id}`.execute(db)).rows[0];
  if (!r) fail({ code: 'not_found', message: `count ${id} not found`, field: 'id', actual: id });
  return rowToCount(r);
}

export async function listCounts(db: Db, filter: { nodeId?: string; status?: string } = {}): Promise<CountHeader[]> {
  const rows = await sql<any>`
    SELECT * FROM stock_counts WHERE true
      ${filter.nodeId ? sql`AND node_id = ${filter.nodeId}` : sql``}
      ${filter.status ? sql`AND status = ${filter.status}` : sql``}
    ORDER BY opened_at DESC, id LIMIT 500`.execute(db);
  return rows.rows.map(rowToCount);
}

export interface CountEntry {
  itemId: string;
  lotCode?: string;
  quantity: number;
  /** For a lot the ledger has not seen (found stock). */
  expiryDate?: string;
}

export interface CountSheetLine {
  itemId: string;
  lotCode: string;
  countedQuantity: number | null;
  recountQuantity: number | null;
  status: 'not_counted' | 'recount_required' | 'counted';
}

async function loadCountLines(db: Db, count: CountHeader): Promise<CountLine[]> {
  // Movements between the snapshot and the latest entry of each line, summed per line.
  const rows = await sql<any>`
    SELECT l.*, COALESCE((
      SELECT SUM(m.on_hand_delta) FROM stock_movements m
      WHERE m.node_id = ${count.nodeId} AND m.item_id = l.item_id AND m.lot_code = l.lot_code
        AND m.seq > c.snapshot_seq AND m.seq <= COALESCE(l.recount_seq, l.counted_seq, c.snapshot_seq)
    ), 0)::bigint AS moved
    FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id
    WHERE l.count_id = ${count.id} ORDER BY l.item_id, l.lot_code`.execute(db);
  const prices = await itemsByIds(db, [...new Set(rows.rows.map((r) => r.item_id as string))]);
  return rows.rows.map((r) => ({
    itemId: r.item_id,
    lotCode: r.lot_code,
    snapshotQuantity: r.snapshot_quantity,
    movedSinceSnapshot: Number(r.moved),
    countedQuantity: r.counted_quantity,
    recountQuantity: r.recount_quantity,
    expiryDate: r.expiry_date,
    unitCostFen: prices.get(r.item_id)?.priceFen ?? 0,
  }));
}

/** The blind sheet a counter sees: what to count and what was entered, never the book. */
export async function countSheet(db: Db, id: string): Promise<CountHeader & { lines: CountSheetLine[] }> {
  const c = await requireCount(db, id);
  const lines = await loadCountLines(db, c);
  const report = countReport(lines, c.recountThreshold);
  return {
    ...c,
    lines: report.lines.map((l) => ({ itemId: l.itemId, lotCode: l.lotCode, countedQuantity: l.firstCountQuantity, recountQuantity: l.recountQuantity, status: l.status })),
  };
}

/**
 * Records counted quantities. A line's first entry is its count; when that count differs from
 * the book by more than the threshold, the next entry is the recount (final). Entering a line
 * again otherwise corrects the latest entry. Returns the blind status of each entered line.
 */
export async function enterCounts(trx: Db, id: string, entries: CountEntry[]): Promise<CountSheetLine[]> {
  const c = await requireCount(trx, id);
  if (c.status !== 'open') fail({ code: 'conflict', message: `count ${id} is ${c.status}`, field: 'id', expected: 'open', actual: c.status });
  entries.forEach((e, i) => {
    if (typeof e.itemId !== 'string' || e.itemId === '') fail({ code: 'validation_failed', message: `lines.${i}.itemId is required`, field: `lines.${i}.itemId`, expected: 'an item id', actual: e.itemId });
    if (!Number.isSafeInteger(e.quantity) || e.quantity < 0) fail({ code: 'validation_failed', message: `lines.${i}.quantity must be an integer >= 0`, field: `lines.${i}.quantity`, expected: 'integer >= 0', actual: e.quantity });
  });
  const itemIds = [...new Set(entries.map((e) => e.itemId))].sort();
  await sql`SELECT 1 FROM stock_item_balances WHERE node_id = ${c.nodeId} AND item_id = ANY(${itemIds}::text[]) ORDER BY item_id FOR SHARE`.execute(trx);
  const seq = await currentSeq(trx);
  const before = new Map((await loadCountLines(trx, c)).map((l) => [lotKey(l.itemId, l.lotCode), l]));
  for (const e of entries) {
    const lotCode = e.lotCode ?? NO_LOT;
    const k = lotKey(e.itemId, lotCode);
    const line = before.get(k);
    if (!line) {
      await sql`
        INSERT INTO stock_count_lines (count_id, item_id, lot_code, snapshot_quantity, counted_quantity, counted_seq, expiry_date)
        VALUES (${id}, ${e.itemId}, ${lotCode}, 0, ${e.quantity}, ${seq}, ${e.expiryDate ?? null})`.execute(trx);
      before.set(k, { itemId: e.itemId, lotCode, snapshotQuantity: 0, movedSinceSnapshot: 0, countedQuantity: e.quantity, recountQuantity: null, unitCostFen: 0 });
      continue;
    }
    const status = countReport([line], c.recountThreshold).lines[0].status;
    if (line.countedQuantity === null) {
      await sql`UPDATE stock_count_lines SET counted_quantity = ${e.quantity}, counted_seq = ${seq}, expiry_date = COALESCE(${e.expiryDate ?? null}, expiry_date) WHERE count_id = ${id} AND item_id = ${e.itemId} AND lot_code = ${lotCode}`.execute(trx);
      line.countedQuantity = e.quantity;
    } else if (status === 'recount_required' || line.recountQuantity !== null) {
      await sql`UPDATE stock_count_lines SET recount_quantity = ${e.quantity}, recount_seq = ${seq} WHERE count_id = ${id} AND item_id = ${e.itemId} AND lot_code = ${lotCode}`.execute(trx);
      line.recountQuantity = e.quantity;
    } else {
      await sql`UPDATE stock_count_lines SET counted_quantity = ${e.quantity}, counted_seq = ${seq} WHERE count_id = ${id} AND item_id = ${e.itemId} AND lot_code = ${lotCode}`.execute(trx);
      line.countedQuantity = e.quantity;
    }
  }
  const fresh = await loadCountLines(trx, c);
  const report = countReport(fresh, c.recountThreshold);
  const entered = new Set(entries.map((e) => lotKey(e.itemId, e.lotCode ?? NO_LOT)));
  return report.lines
    .filter((l) => entered.has(lotKey(l.itemId, l.lotCode)))
    .map((l) => ({ itemId: l.itemId, lotCode: l.lotCode, countedQuantity: l.firstCountQuantity, recountQuantity: l.recountQuantity, status: l.status }));
}

export async function getCountReport(db: Db, id: string): Promise<CountHeader & CountReport> {
  const c = await requireCount(db, id);
  return { ...c, ...countReport(await loadCountLines(db, c), c.recountThreshold) };
}

/** Posts every difference as one count adjustment, all or nothing, and closes the count. */
export async function postCount(trx: Db, id: string, now: Date): Promise<CountHeader & CountReport & { movements: number }> {
  const locked = (await sql<any>`SELECT * FROM stock_counts WHERE id = ${id} FOR UPDATE`.execute(trx)).rows[0];
  if (!locked) fail({ code: 'not_found', message: `count ${id} not found`, field: 'id', actual: id });
  const c = rowToCount(locked);
  if (c.status !== 'open') fail({ code: 'conflict', message: `count ${id} is ${c.status}`, field: 'id', expected: 'open', actual: c.status });
  const lines = await loadCountLines(trx, c);
  const adj = countAdjustments(lines, c.recountThreshold);
  if (!adj.ok) throw new DomainException(adj.error);
  let movementCount = 0;
  if (adj.value.length > 0) {
    const r = await post(trx, { kind: 'count_adjustment', key: `count:${id}`, countId: id, nodeId: c.nodeId, lines: adj.value }, now);
    movementCount = r.posting.lines.length;
  }
  await sql`UPDATE stock_counts SET status = 'posted', posted_at = ${now} WHERE id = ${id}`.execute(trx);
  return { ...(await getCountReport(trx, id)), movements: movementCount };
}

export async function cancelCount(trx: Db, id: string): Promise<CountHeader> {
  const c = await requireCount(trx, id);
  if (c.status !== 'open') fail({ code: 'conflict', message: `count ${id} is ${c.status}`, field: 'id', expected: 'open', actual: c.status });
  await sql`UPDATE stock_counts SET status = 'cancelled' WHERE id = ${id}`.execute(trx);
  return requireCount(trx, id);
}

export type { Transaction };

// ---------------------------------------------------------------------------------------------
// For other contexts: locking reads, category availability, the demo's opening stock
// ---------------------------------------------------------------------------------------------

export interface LockedStock {
  nodeId: string;
  itemId: string;
  onHand: number;
  reserved: number;
  /** Units the node keeps back from online orders. */
  safetyBuffer: number;
}

/**
 * Locks the existing balance rows of these pairs (missing rows hold nothing and need no lock)
 * and reads them, in the ledger's own lock order (sorted by node, then item), so a caller may
 * decide on the figures and then post in the same transaction without deadlocking the ledger.
 */
export async function lockItemBalances(trx: Db, pairs: [string, string][]): Promise<LockedStock[]> {
  const q = lockItemBalancesQuery(pairs);
  if (!q) return [];
  return lockedStockFromRows((await q.execute(trx)).rows);
}

/** The statement of `lockItemBalances` (rows for `lockedStockFromRows`), to run alone or inside a larger one; null for no pair. */
export function lockItemBalancesQuery(pairs: [string, string][]): RawBuilder<any> | null {
  const ps = uniquePairs(pairs);
  if (ps.length === 0) return null;
  return sql<any>`
    SELECT b.node_id, b.item_id, b.on_hand, b.reserved, COALESCE(s.online_safety_buffer, 0) AS buffer
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE (b.node_id, b.item_id) IN (SELECT n, i FROM ${jsonRecordset(ps.map((p) => ({ n: p[0], i: p[1] })), 'p', 'n text, i text')})
    ORDER BY b.node_id, b.item_id FOR UPDATE OF b`;
}

export function lockedStockFromRows(rows: any[]): LockedStock[] {
  return rows.map((x) => ({ nodeId: x.node_id, itemId: x.item_id, onHand: Number(x.on_hand), reserved: Number(x.reserved), safetyBuffer: Number(x.buffer) }));
}

/** Items of these categories these nodes can promise (available to promise > 0), with how many. */
export async function availableByCategory(
  db: Db,
  nodeIds: string[],
  categories: string[],
): Promise<{ nodeId: string; itemId: string; category: string; essentialTier: string; available: number }[]> {
  if (nodeIds.length === 0 || categories.length === 0) return [];
  const items = new Map<string, { category: string; essentialTier: string }>();
  for (const c of new Set(categories)) for (const i of (await listItems(db, { category: c })).items) items.set(i.id, i);
  if (items.size === 0) return [];
  const r = await sql<any>`
    SELECT b.node_id, b.item_id, b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) AS available
    FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ANY(${nodeIds}::text[]) AND b.item_id = ANY(${[...items.keys()]}::text[])
      AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) > 0
    ORDER BY b.node_id, b.item_id`.execute(db);
  return r.rows.map((x) => ({ nodeId: x.node_id, itemId: x.item_id, category: items.get(x.item_id)!.category, essentialTier: items.get(x.item_id)!.essentialTier, available: Number(x.available) }));
}

/** Items a node holds (or held) that it can no longer promise to online orders. */
export async function soldOutAt(db: Db, nodeId: string): Promise<Array<{ itemId: string; onHand: number; reserved: number }>> {
  const r = await sql<any>`
    SELECT b.item_id, b.on_hand, b.reserved FROM stock_item_balances b LEFT JOIN inventory_node_settings s ON s.node_id = b.node_id
    WHERE b.node_id = ${nodeId} AND (b.on_hand > 0 OR b.reserved > 0 OR EXISTS (SELECT 1 FROM stock_movements m WHERE m.node_id = b.node_id AND m.item_id = b.item_id AND m.kind = 'reserve'))
      AND b.on_hand - b.reserved - COALESCE(s.online_safety_buffer, 0) <= 0
    ORDER BY b.item_id`.execute(db);
  return r.rows.map((x) => ({ itemId: x.item_id, onHand: x.on_hand, reserved: x.reserved }));
}


/**
 * The demo's opening stock, posted through the ledger as `opening_balance` receipts: every node
 * with baseline demand holds three days of it (the satellite warehouse two), and the DC a week
 * of the whole district's. Goods with a shelf life under 60 days arrive in two dated lots (one
 * expiring in a third of the shelf life, one at its end), so FEFO and the expiry job have
 * something to do from the first day.
 */
export const inventoryDemoStep = {
  name: 'opening stock',
  run: async (db: Db, ctx: { now: Date; log: (m: string) => void }): Promise<void> => {
    const today = operatingDay(ctx.now.getTime());
    const { items } = await listItems(db, {});
    const shelf = new Map(items.map((i) => [i.id, i.shelfLifeDays]));
    const { rows: demand } = await listDemand(db, {});
    const perItem = new Map<string, number>();
    const ops: Extract<Operation, { kind: 'receipt' }>[] = [];
    const receipt = (nodeId: string, itemId: string, quantity: number) => {
      if (quantity <= 0) return;
      const life = shelf.get(itemId) ?? 365;
      if (life >= 60) {
        ops.push({ kind: 'receipt', key: `demo:open:${nodeId}:${itemId}`, nodeId, itemId, quantity, reason: 'opening_balance' });
        return;
      }
      const early = Math.floor(quantity / 2);
      const lots: [number, number][] = [[early, Math.max(1, Math.floor(life / 3))], [quantity - early, life]];
      for (const [q, days] of lots) {
        if (q <= 0) continue;
        const expiryDate = addDays(today, days - 1);
        ops.push({ kind: 'receipt', key: `demo:open:${nodeId}:${itemId}:${expiryDate}`, nodeId, itemId, quantity: q, lot: { code: `L${expiryDate.replace(/-/g, '')}`, expiryDate }, reason: 'opening_balance' });
      }
    };
    const kinds = new Map((await listNodes(db)).map((n) => [n.id, n.kind as string]));
    for (const d of demand) {
      const days = kinds.get(d.nodeId) === 'satellite_warehouse' ? 2 : 3;
      receipt(d.nodeId, d.itemId, d.dailyQuantity * days);
      perItem.set(d.itemId, (perItem.get(d.itemId) ?? 0) + d.dailyQuantity);
    }
    for (const [id, kind] of kinds) if (kind === 'distribution_centre') for (const [itemId, q] of perItem) receipt(id, itemId, q * 7);
    for (let s = 0; s < ops.length; s += 20_000) await postReceipts(db, ops.slice(s, s + 20_000), ctx.now);
    ctx.log(`demo: opening stock, ${ops.length} receipts`);
  },
};

/** Stock a concurrent writer took between a locking read and the set-based reservation: decide again. */
export class StockRace extends Error {
  readonly code = '40001';
  constructor(n: number) {
    super(`${n} stock row(s) no longer hold what was read; the orders must be decided again`);
  }
}

/** One order line's reservation, for `reserveOrderLines`. */
export interface OrderReservation {
  /** The ledger operation key of the lines' group: one `stock_operations` row per group (the order flow: per batch). */
  groupKey: string;
  /** The line's own operation key (kept on its movement line). */
  key: string;
  nodeId: string;
  itemId: string;
  quantity: number;
  reservationId: string;
}

/**
 * The order hot path's reservation: every line of every order of a batch reserved by ONE
 * statement. It writes exactly what `postOperations` writes for `reserve` operations grouped by
 * `groupKey` (one `stock_operations` row per group, one `reserve` movement line and one reservation per
 * line, the balance deltas), without the generic path's extra reads and row rewrites, and it guards
 * the stock itself: a (node, item) row is only updated where `on_hand - reserved` still covers what
 * the batch reserves there (`UPDATE … FROM unnest(…) WHERE on_hand - reserved >= qty`). The caller
 * holds the balance rows locked (`lockItemBalances`) and decided on them, so a guard that fails
 * means a bug or a writer outside the lock order: the statement is then refused as a whole
 * (`StockRace`, retryable) and the transaction rolls back. Reservation ids and group keys must be
 * fresh (the caller made up the order id); one that exists refuses the batch with a conflict.
 */
export async function reserveOrderLines(trx: Db, lines: OrderReservation[], now: Date): Promise<void> {
  const part = orderReservationPart(lines, now);
  if (!part) return;
  const r = await sql<Record<string, number>>`WITH ${part.ctes} SELECT ${part.counts}`.execute(trx);
  part.verify(r.rows[0]);
}

/**
 * `reserveOrderLines` as a part of a larger statement (the order flow writes a whole batch in one
 * round trip): `ctes` are common table expressions (`res_mv`, `res_it`, `res_op`, `res_ri`) to put in a `WITH`,
 * `counts` the select-list columns (`res_it`, `res_op`, `res_ri`) that `verify` checks on the
 * statement's row (a failed guard: `StockRace`; an existing key or reservation id: a conflict).
 * Null when there is nothing to reserve.
 */
export function orderReservationPart(lines: OrderReservation[], now: Date): { ctes: RawBuilder<unknown>; counts: RawBuilder<unknown>; verify: (row: Record<string, number>) => void } | null {
  if (lines.length === 0) return null;
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) fail({ code: 'validation_failed', message: 'a reservation must be a positive whole quantity', field: 'quantity', expected: 'an integer > 0', actual: l.quantity });
  }
  const sums = new Map<string, [string, string, number]>();
  for (const l of lines) {
    const k = nodeItemKey(l.nodeId, l.itemId);
    const s = sums.get(k) ?? [l.nodeId, l.itemId, 0];
    s[2] += l.quantity;
    sums.set(k, s);
  }
  const pairs = [...sums.values()].sort((a, b) => cmpPair([a[0], a[1]], [b[0], b[1]]));
  // The group's request hash as `postOperations` computes it (the hashes of its operations, joined).
  const groups = new Map<string, string[]>();
  for (const l of lines) {
    const op: Operation = { kind: 'reserve', key: l.key, nodeId: l.nodeId, itemId: l.itemId, quantity: l.quantity, reservationId: l.reservationId, reason: 'order' };
    const g = groups.get(l.groupKey) ?? [];
    g.push(hashOf(op));
    groups.set(l.groupKey, g);
  }
  const gs = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const keyed: KeyedLine[] = lines.map((l) => ({
    key: l.key,
    note: null,
    l: {
      kind: 'reserve', reason: 'order', nodeId: l.nodeId, itemId: l.itemId, lotCode: NO_LOT, quantity: l.quantity, onHandDelta: 0, reservedDelta: l.quantity,
      inTransitInDelta: 0, inTransitOutDelta: 0, counterpartyNodeId: null, documentType: 'order', documentRef: l.reservationId, reservationId: l.reservationId, varianceQuantity: 0,
    },
  }));
  const ctes = sql`${movementInsert(keyed, now, 'res_mv')},
    res_it AS (
      UPDATE stock_item_balances AS b SET reserved = b.reserved + d.q
      FROM ${jsonRecordset(pairs.map((p) => ({ n: p[0], i: p[1], q: p[2] })), 'd', 'n text, i text, q int')}
      WHERE b.node_id = d.n AND b.item_id = d.i AND b.on_hand - b.reserved >= d.q
      RETURNING 1),
    res_op AS (
      INSERT INTO stock_operations (key, kind, request_hash, posted_at)
      SELECT k, 'reserve', h, ${now}::timestamptz FROM unnest(${gs.map((g) => g[0])}::text[],
        ${gs.map((g) => createHash('sha256').update(g[1].join('\u0000')).digest('hex'))}::text[]) AS t(k, h)
      ON CONFLICT (key) DO NOTHING
      RETURNING 1),
    res_ri AS (
      INSERT INTO stock_reservations (id, node_id, item_id, quantity)
      SELECT id, n, i, q FROM ${jsonRecordset(lines.map((l) => ({ id: l.reservationId, n: l.nodeId, i: l.itemId, q: l.quantity })), 't', 'id text, n text, i text, q int')}
      ON CONFLICT (id) DO NOTHING
      RETURNING 1)`;
  // The stock guard is checked by the statement itself (`baogong_guard`, SQLSTATE 40001), so that a
  // COMMIT sent right behind it never commits a batch whose guard failed.
  const counts = sql`(SELECT count(*) FROM res_it)::int AS res_it, (SELECT count(*) FROM res_op)::int AS res_op, (SELECT count(*) FROM res_ri)::int AS res_ri,
    baogong_guard((SELECT count(*) FROM res_it) = ${pairs.length}, '40001', 'stock rows no longer hold what was read; the orders must be decided again') AS res_guard,
    baogong_guard((SELECT count(*) FROM res_op) = ${gs.length} AND (SELECT count(*) FROM res_ri) = ${lines.length}, '23505', 'an order operation key or reservation id already exists') AS res_fresh`;
  const verify = (got: Record<string, number>) => {
    if (got.res_it !== pairs.length) throw new StockRace(pairs.length - got.res_it);
    if (got.res_op !== gs.length || got.res_ri !== lines.length) {
      fail({ code: 'conflict', message: `${gs.length - got.res_op} order operation key(s) or ${lines.length - got.res_ri} reservation id(s) already exist`, field: 'reservationId', expected: 'new reservation ids', actual: lines.length - got.res_ri });
    }
  };
  return { ctes, counts, verify };
}
