/**
 * Stock counts: open (snapshot the book), blind count sheets, entering counts and recounts, the
 * count report, posting the differences as one count adjustment, cancelling.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { countAdjustments, countReport, lotKey, NO_LOT, type CountLine, type CountReport } from '../../domain/inventory/index.ts';
import { DomainException, fail } from '../../domain/shared/index.ts';
import { itemsByIds, listItems } from '../network.ts';
import type { Db } from './common.ts';
import type { StockCountLinesTable, StockCountsTable } from '../tables.ts';
import { post } from './posting.ts';

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

function rowToCount(r: Selectable<StockCountsTable>): CountHeader {
  return {
    id: r.id,
    nodeId: r.node_id,
    scope: typeof r.scope === 'string' ? JSON.parse(r.scope) : r.scope,
    status: r.status as CountHeader['status'],
    recountThreshold: r.recount_threshold,
    openedAt: new Date(r.opened_at).toISOString(),
    postedAt: r.posted_at ? new Date(r.posted_at).toISOString() : null,
  };
}

async function currentSeq(trx: Db): Promise<number> {
  return Number((await sql<{ s: number | string }>`SELECT COALESCE(MAX(seq), 0) AS s FROM stock_movements`.execute(trx)).rows[0].s);
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
  const clash = await sql<Record<string, unknown>>`SELECT 1 FROM stock_counts WHERE id = ${id}`.execute(trx);
  if (clash.rows.length > 0) fail({ code: 'duplicate', message: `count ${id} already exists`, field: 'id', expected: 'a new count id', actual: id });
  await sql`
    SELECT 1 FROM stock_item_balances WHERE node_id = ${input.nodeId}
    ${itemIds ? sql`AND item_id = ANY(${itemIds}::text[])` : sql``}
    ORDER BY item_id FOR SHARE`.execute(trx);
  const seq = await currentSeq(trx);
  const lots = await sql<{ item_id: string; lot_code: string; on_hand: number }>`
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
  const r = (await sql<Selectable<StockCountsTable>>`SELECT * FROM stock_counts WHERE id = ${id}`.execute(db)).rows[0];
  if (!r) fail({ code: 'not_found', message: `count ${id} not found`, field: 'id', actual: id });
  return rowToCount(r);
}

export async function listCounts(db: Db, filter: { nodeId?: string; status?: string } = {}): Promise<CountHeader[]> {
  const rows = await sql<Selectable<StockCountsTable>>`
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
  const rows = await sql<Selectable<StockCountLinesTable> & { moved: number | string }>`
    SELECT l.*, COALESCE((
      SELECT SUM(m.on_hand_delta) FROM stock_movements m
      WHERE m.node_id = ${count.nodeId} AND m.item_id = l.item_id AND m.lot_code = l.lot_code
        AND m.seq > c.snapshot_seq AND m.seq <= COALESCE(l.recount_seq, l.counted_seq, c.snapshot_seq)
    ), 0)::bigint AS moved
    FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id
    WHERE l.count_id = ${count.id} ORDER BY l.item_id, l.lot_code`.execute(db);
  const prices = await itemsByIds(db, [...new Set(rows.rows.map((r) => r.item_id))]);
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
  const locked = (await sql<Selectable<StockCountsTable>>`SELECT * FROM stock_counts WHERE id = ${id} FOR UPDATE`.execute(trx)).rows[0];
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
