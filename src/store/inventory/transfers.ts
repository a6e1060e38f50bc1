/**
 * Transfer documents: read, list, save as a draft, dispatch (posts `transfer_out`), cancel a draft.
 * Receiving is an operation of the ledger (`receiveTransfer` in posting.ts).
 */
import { sql } from 'kysely';
import { validateOperation, type TransferLine } from '../../domain/inventory/index.ts';
import { DomainException, fail } from '../../domain/shared/index.ts';
import { rowToTransfer, type Db, type TransferLineRow, type TransferRow } from './common.ts';
import { post } from './posting.ts';
import { jsonRecordset } from '../json-rows.ts';

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
  const t = (await sql<TransferRow>`SELECT * FROM stock_transfers WHERE id = ${id}`.execute(db)).rows[0];
  if (!t) return null;
  const ls = (await sql<TransferLineRow>`SELECT * FROM stock_transfer_lines WHERE transfer_id = ${id} ORDER BY item_id`.execute(db)).rows;
  return toView(t, ls);
}

/** Several transfers by id, two statements for all of them; an id not found is not in the map. */
export async function getTransfers(db: Db, ids: readonly string[]): Promise<Map<string, TransferView>> {
  const out = new Map<string, TransferView>();
  if (ids.length === 0) return out;
  const ts = (await sql<TransferRow>`SELECT * FROM stock_transfers WHERE id = ANY(${[...new Set(ids)]}::text[])`.execute(db)).rows;
  if (ts.length === 0) return out;
  const ls = (await sql<TransferLineRow>`SELECT * FROM stock_transfer_lines WHERE transfer_id = ANY(${ts.map((t) => t.id)}::text[]) ORDER BY transfer_id, item_id`.execute(db)).rows;
  const linesOf = new Map<string, TransferLineRow[]>();
  for (const l of ls) linesOf.set(l.transfer_id, [...(linesOf.get(l.transfer_id) ?? []), l]);
  for (const t of ts) out.set(t.id, toView(t, linesOf.get(t.id) ?? []));
  return out;
}

function toView(t: TransferRow, ls: TransferLineRow[]): TransferView {
  const doc = rowToTransfer(t, ls);
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: t.id,
    fromNodeId: t.from_node_id,
    toNodeId: t.to_node_id,
    status: t.status as TransferView['status'],
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
  const ids = await sql<{ id: string }>`
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
  await createDraftTransfers(trx, [input], now);
  return (await getTransfer(trx, input.id))!;
}

/**
 * Saves several transfers as drafts, like `createDraftTransfer` one after the other (the same
 * checks, the same rows) in two statements; the views are not read back.
 */
export async function createDraftTransfers(trx: Db, inputs: ReadonlyArray<{ id: string; fromNodeId: string; toNodeId: string; lines: { itemId: string; quantity: number }[]; note?: string }>, now: Date): Promise<void> {
  if (inputs.length === 0) return;
  for (const input of inputs) {
    const bad = validateOperation({ kind: 'transfer_out', key: 'draft', transferId: input.id, fromNodeId: input.fromNodeId, toNodeId: input.toNodeId, lines: input.lines });
    if (bad) throw new DomainException(bad);
  }
  const ids = inputs.map((t) => t.id);
  const seen = new Set<string>();
  const twice = ids.find((id) => seen.size === seen.add(id).size);
  if (twice) fail({ code: 'duplicate', message: `transfer ${twice} already exists`, field: 'id', expected: 'a new transfer id', actual: twice });
  const made = await sql<{ id: string }>`
    INSERT INTO stock_transfers (id, from_node_id, to_node_id, status, note, created_at)
    SELECT id, f, t, 'draft', nt, ${now}::timestamptz FROM ${jsonRecordset(inputs.map((t) => ({ id: t.id, f: t.fromNodeId, t: t.toNodeId, nt: t.note ?? '' })), 'x', 'id text, f text, t text, nt text')}
    ON CONFLICT (id) DO NOTHING RETURNING id`.execute(trx);
  if (made.rows.length !== inputs.length) {
    const got = new Set(made.rows.map((r) => r.id));
    const dup = ids.find((id) => !got.has(id))!;
    fail({ code: 'duplicate', message: `transfer ${dup} already exists`, field: 'id', expected: 'a new transfer id', actual: dup });
  }
  await sql`
    INSERT INTO stock_transfer_lines (transfer_id, item_id, quantity)
    SELECT tr, i, q FROM ${jsonRecordset(inputs.flatMap((t) => t.lines.map((l) => ({ tr: t.id, i: l.itemId, q: l.quantity }))), 'x', 'tr text, i text, q int')}`.execute(trx);
}

/** Dispatches a draft transfer: its lines leave the source first-expired-first-out. */
export async function dispatchTransfer(trx: Db, input: { id: string; key: string; asOf?: string }, now: Date): Promise<TransferView> {
  const t = (await sql<TransferRow>`SELECT * FROM stock_transfers WHERE id = ${input.id} FOR UPDATE`.execute(trx)).rows[0];
  if (!t) fail({ code: 'not_found', message: `transfer ${input.id} not found`, field: 'id', actual: input.id });
  if (t.status !== 'draft') {
    // A retried dispatch replays; anything else is a conflict.
    const prior = (await sql<Record<string, unknown>>`SELECT 1 FROM stock_operations WHERE key = ${input.key}`.execute(trx)).rows[0];
    if (!prior) fail({ code: 'conflict', message: `transfer ${input.id} is ${t.status}, not a draft`, field: 'id', expected: 'draft', actual: t.status });
    return (await getTransfer(trx, input.id))!;
  }
  const lines = (await sql<{ item_id: string; quantity: number }>`SELECT item_id, quantity FROM stock_transfer_lines WHERE transfer_id = ${input.id} ORDER BY item_id`.execute(trx)).rows;
  // The ledger sees only dispatched documents; posting replaces the draft's lines with the
  // shipped ones (with their lots) in the same transaction.
  await post(trx, { kind: 'transfer_out', key: input.key, transferId: t.id, fromNodeId: t.from_node_id, toNodeId: t.to_node_id, lines: lines.map((l) => ({ itemId: l.item_id, quantity: l.quantity })), asOf: input.asOf }, now);
  return (await getTransfer(trx, input.id))!;
}

export async function cancelDraftTransfer(trx: Db, id: string): Promise<TransferView> {
  await cancelDraftTransfers(trx, [id]);
  return (await getTransfer(trx, id))!;
}

/** Cancels several draft transfers (one statement), like `cancelDraftTransfer` for each; refused, naming the first, when one is missing or not a draft. */
export async function cancelDraftTransfers(trx: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const done = await sql<{ id: string }>`UPDATE stock_transfers SET status = 'cancelled' WHERE id = ANY(${[...ids]}::text[]) AND status = 'draft' RETURNING id`.execute(trx);
  const got = new Set(done.rows.map((r) => r.id));
  const other = ids.find((id) => !got.has(id));
  if (other === undefined) return;
  const t = await requireTransfer(trx, other);
  fail({ code: 'conflict', message: `transfer ${other} is ${t.status}; only a draft can be cancelled`, field: 'id', expected: 'draft', actual: t.status });
}
