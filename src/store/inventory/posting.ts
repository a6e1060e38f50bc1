/**
 * The ledger's write path: `postOperations` (and `post` and its named helpers) lock, load, check
 * and write a batch of operations in the caller's transaction; `postReceipts` writes many
 * receipts set-based; `writeOffExpired` is the expiry job. See src/store/inventory.ts for the steps.
 */
import { randomUUID, createHash } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import {
  applyOperation,
  LedgerState,
  lotKey,
  nodeItemKey,
  NO_LOT,
  planExpiryWriteOffs,
  validateOperation,
  type ExpiredLot,
  type MovementLine,
  type Operation,
  type Posting,
  type TransferDoc,
} from '../../domain/inventory/index.ts';
import { DomainException, fail, type DomainError } from '../../domain/shared/index.ts';
import { hashOf, movementInsert, rowToLine, rowToTransfer, uniquePairs, type Db, type KeyedLine, type MovementRowDb, type TransferLineRow, type TransferRow } from './common.ts';
import type { StockBalancesTable, StockItemBalancesTable, StockLotsTable, StockReservationsTable } from '../tables.ts';

type LotBalanceRow = Selectable<StockBalancesTable> & { expiry_date: string | null };

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
    const locked = await sql<Selectable<StockItemBalancesTable>>`
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
    const lots = await sql<LotBalanceRow>`
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
    const rows = await sql<Selectable<StockLotsTable>>`
      SELECT item_id, lot_code, expiry_date FROM stock_lots
      WHERE (item_id, lot_code) IN (SELECT * FROM unnest(${missingLots.map((x) => x[0])}::text[], ${missingLots.map((x) => x[1])}::text[]))`.execute(trx);
    for (const r of rows.rows) state.lotInfo.set(lotKey(r.item_id, r.lot_code), { itemId: r.item_id, lotCode: r.lot_code, expiryDate: r.expiry_date });
  }
  if (reservationIds.length > 0) {
    // Read after the balance rows are locked: every writer of a reservation holds its balance row.
    const rows = await sql<Selectable<StockReservationsTable>>`SELECT id, node_id, item_id, quantity FROM stock_reservations WHERE id = ANY(${reservationIds}::text[])`.execute(trx);
    for (const r of rows.rows) state.reservations.set(r.id, { id: r.id, nodeId: r.node_id, itemId: r.item_id, quantity: r.quantity });
  }
}

/** Rebuilds a posting from the stored movement lines of an operation (a replay). */
async function storedPostings(trx: Db, keys: string[]): Promise<Map<string, MovementLine[]>> {
  const out = new Map<string, MovementLine[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return out;
  const rows = await sql<MovementRowDb>`SELECT * FROM stock_movements WHERE operation_key = ANY(${keys}::text[]) ORDER BY seq`.execute(trx);
  for (const r of rows.rows) out.get(r.operation_key)!.push(rowToLine(r));
  return out;
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
    const rows = await sql<Pick<Selectable<StockReservationsTable>, 'id' | 'node_id' | 'item_id'>>`SELECT id, node_id, item_id FROM stock_reservations WHERE id = ANY(${releaseIds}::text[])`.execute(trx);
    for (const r of rows.rows) releaseHolds.set(r.id, { nodeId: r.node_id, itemId: r.item_id });
  }
  const transferIds = [...new Set(ops.filter((o, i) => (o.kind === 'transfer_in' || o.kind === 'transfer_out') && !early.has(i)).map((o) => (o as { transferId: string }).transferId))].sort();
  if (transferIds.length > 0) {
    // Transfer documents are locked before balances (the fixed lock order: documents, then stock).
    const ts = await sql<TransferRow>`SELECT * FROM stock_transfers WHERE id = ANY(${transferIds}::text[]) ORDER BY id FOR UPDATE`.execute(trx);
    const active = ts.rows.filter((t) => t.status === 'in_transit' || t.status === 'received');
    if (active.length > 0) {
      const ls = await sql<TransferLineRow>`SELECT * FROM stock_transfer_lines WHERE transfer_id = ANY(${active.map((t) => t.id)}::text[]) ORDER BY transfer_id, item_id`.execute(trx);
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
    const rows = await sql<{ key: string; request_hash: string }>`SELECT key, request_hash FROM stock_operations WHERE key = ANY(${[...priorKeys]}::text[])`.execute(trx);
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

/**
 * Creates the lots (keyed by `lotKey`) that do not exist yet; a lot a concurrent writer created must
 * agree on its expiry date, else the posting fails naming `field`.
 */
async function insertLots(trx: Db, lots: Map<string, { itemId: string; lotCode: string; expiryDate: string | null }>, field: string): Promise<void> {
  if (lots.size === 0) return;
  const ls = [...lots.values()];
  const rows = await sql<Selectable<StockLotsTable>>`
    INSERT INTO stock_lots AS s (item_id, lot_code, expiry_date)
    SELECT * FROM unnest(${ls.map((l) => l.itemId)}::text[], ${ls.map((l) => l.lotCode)}::text[], ${ls.map((l) => l.expiryDate)}::text[])
    ON CONFLICT (item_id, lot_code) DO UPDATE SET expiry_date = s.expiry_date
    RETURNING item_id, lot_code, expiry_date`.execute(trx);
  for (const r of rows.rows) {
    const want = lots.get(lotKey(r.item_id, r.lot_code))!;
    if (want.expiryDate !== r.expiry_date) fail({ code: 'conflict', message: `lot ${r.lot_code} of item ${r.item_id} expires on ${r.expiry_date}, not ${want.expiryDate}`, field, expected: r.expiry_date, actual: want.expiryDate });
  }
}

async function writePostings(trx: Db, postings: (Posting & { note?: string })[], now: Date): Promise<void> {
  if (postings.length === 0) return;
  const lines: KeyedLine[] = [];
  for (const p of postings) for (const l of p.lines) lines.push({ key: p.key, note: p.note ?? null, l });

  // New lots: a concurrent writer may have created the same lot; its expiry date must agree.
  const newLots = new Map<string, { itemId: string; lotCode: string; expiryDate: string | null }>();
  for (const p of postings) for (const lot of p.newLots) newLots.set(lotKey(lot.itemId, lot.lotCode), lot);
  await insertLots(trx, newLots, 'expiryDate');

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
  await insertLots(trx, lots, 'lot.expiryDate');
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
  const rows = await sql<{ node_id: string; item_id: string }>`
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
