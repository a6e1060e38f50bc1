/**
 * The ledger's rules, applied to an in-memory state.
 *
 * `applyOperation(state, op)` either refuses the operation with a `DomainError` and leaves the
 * state untouched, or posts it: it returns the movement lines and changes the state by exactly
 * those lines (`applyLines`). The same function serves two callers:
 *  - `InMemoryLedger` below holds the whole state (the simulation and the property tests);
 *  - the PostgreSQL store loads the part of the state an operation touches (the rows it has
 *    locked), applies the operation here, and writes the lines and their deltas back.
 * So there is one implementation of the rules, and the store cannot drift from the simulation.
 *
 * The rules that must never break:
 *  1. on hand is never negative (per lot, hence per item);
 *  2. reserved is never negative and never exceeds on hand (per node and item);
 *  3. what is in transit out of a node equals what is in transit into its destination, per
 *     transfer, until it is received;
 *  4. every balance equals the sum of its movement lines (true by construction here; the
 *     store's projection is checked against its movements by `checkProjection`).
 */
import { err, ok, invariant, type DomainError, type Result } from '../shared/index.ts';
import { fefoOrder, sellableQuantity, takeFefo, type LotStock } from './fefo.ts';
import { canonicalHash53, validateOperation } from './validate.ts';
import {
  NO_LOT,
  type AdjustmentOp,
  type CountAdjustmentOp,
  type ItemBalance,
  type LotBalance,
  type LotInfo,
  type MovementLine,
  type Operation,
  type PickOp,
  type Posting,
  type ReceiptOp,
  type ReleaseOp,
  type ReserveOp,
  type Reservation,
  type TransferDoc,
  type TransferInOp,
  type TransferOutOp,
  type WriteOffOp,
} from './types.ts';

const SEP = '\u0000';
export const nodeItemKey = (nodeId: string, itemId: string): string => `${nodeId}${SEP}${itemId}`;
export const lotKey = (itemId: string, lotCode: string): string => `${itemId}${SEP}${lotCode}`;

/**
 * A map keyed by a pair's joined key (`nodeItemKey`, `lotKey`: the first part holds no NUL) that
 * also answers `getPair(a, b)` from a nested index, without building the joined string: the hot
 * paths look balances up millions of times (a simulated week), and a joined key is a new string
 * to hash each time. Every write goes through `set`/`delete`/`clear`, which keep the index.
 */
export class PairMap<V> extends Map<string, V> {
  private readonly byFirst = new Map<string, Map<string, V>>();

  constructor() {
    // No initial entries: Map's constructor would call `set` before the index exists.
    super();
  }

  /** Sets the value of the pair (a, b): its joined key and the index, with the caller's strings. */
  setPair(a: string, b: string, value: V): this {
    super.set(`${a}${SEP}${b}`, value);
    let m = this.byFirst.get(a);
    if (!m) this.byFirst.set(a, (m = new Map()));
    m.set(b, value);
    return this;
  }

  override set(key: string, value: V): this {
    const cut = key.indexOf(SEP);
    invariant(cut >= 0, `a pair key joins two parts with NUL: ${JSON.stringify(key)}`);
    return this.setPair(key.slice(0, cut), key.slice(cut + 1), value);
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    const cut = key.indexOf(SEP);
    if (had && cut >= 0) this.byFirst.get(key.slice(0, cut))?.delete(key.slice(cut + 1));
    return had;
  }

  override clear(): void {
    super.clear();
    this.byFirst.clear();
  }

  getPair(a: string, b: string): V | undefined {
    return this.byFirst.get(a)?.get(b);
  }
}

/**
 * The ledger state: balances per (node, item) and per (node, item, lot), lot expiry dates, open
 * reservations and transfer documents. Plain maps (the pair maps are `Map`s keyed by the joined
 * key) so the store can fill in only what it loaded.
 */
export class LedgerState {
  readonly items = new PairMap<ItemBalance>();
  readonly lots = new PairMap<Map<string, LotBalance>>();
  readonly lotInfo = new PairMap<LotInfo>();
  readonly reservations = new Map<string, Reservation>();
  readonly transfers = new Map<string, TransferDoc>();

  item(nodeId: string, itemId: string): ItemBalance {
    let b = this.items.getPair(nodeId, itemId);
    if (!b) {
      b = { nodeId, itemId, onHand: 0, reserved: 0, inTransitIn: 0, inTransitOut: 0 };
      this.items.setPair(nodeId, itemId, b);
    }
    return b;
  }

  peekItem(nodeId: string, itemId: string): ItemBalance | undefined {
    return this.items.getPair(nodeId, itemId);
  }

  lotsOf(nodeId: string, itemId: string): Map<string, LotBalance> {
    let m = this.lots.getPair(nodeId, itemId);
    if (!m) {
      m = new Map();
      this.lots.setPair(nodeId, itemId, m);
    }
    return m;
  }

  lot(nodeId: string, itemId: string, lotCode: string): LotBalance {
    const m = this.lotsOf(nodeId, itemId);
    let b = m.get(lotCode);
    if (!b) {
      b = { nodeId, itemId, lotCode, onHand: 0, inTransitIn: 0, inTransitOut: 0 };
      m.set(lotCode, b);
    }
    return b;
  }

  expiryOf(itemId: string, lotCode: string): string | null {
    return this.lotInfo.getPair(itemId, lotCode)?.expiryDate ?? null;
  }

  /**
   * The lots at a node that hold stock, with their expiry, for FEFO. Emptied lots stay in the
   * maps (their history) but every reader skips them, so they are left out here: a busy node
   * gathers hundreds over a week.
   */
  lotStock(nodeId: string, itemId: string): LotStock[] {
    const m = this.lots.getPair(nodeId, itemId);
    if (!m) return [];
    const out: LotStock[] = [];
    for (const b of m.values()) if (b.onHand > 0) out.push({ lotCode: b.lotCode, expiryDate: this.expiryOf(itemId, b.lotCode), onHand: b.onHand });
    return out;
  }
}

function insufficient(nodeId: string, itemId: string, requested: number, available: number, field = 'quantity', lotCode?: string): DomainError {
  const where = lotCode !== undefined && lotCode !== NO_LOT ? ` lot ${lotCode}` : '';
  return {
    code: 'insufficient_stock',
    message: `insufficient stock of item ${itemId}${where} at node ${nodeId}: requested ${requested}, available ${available}`,
    field,
    expected: `<= ${available}`,
    actual: requested,
    details: { nodeId, itemId, ...(lotCode !== undefined ? { lotCode } : {}), requested, available },
  };
}

/** Short because part of the stock is in lots already expired on `asOf`: say so. */
function expiredShort(nodeId: string, itemId: string, requested: number, stock: LotStock[], asOf: string | undefined, field: string): DomainError {
  const sellable = sellableQuantity(stock, asOf);
  const e = insufficient(nodeId, itemId, requested, sellable, field);
  const expired = sellableQuantity(stock) - sellable;
  return expired > 0 ? { ...e, message: `${e.message} (${expired} more on hand in lots expired on ${asOf}, waiting for the expiry write-off)`, details: { ...e.details, expiredOnHand: expired } } : e;
}

/** A movement line: the fields given, the others at their zero (field by field: one object of one shape per line). */
function line(p: Partial<MovementLine> & Pick<MovementLine, 'kind' | 'reason' | 'nodeId' | 'itemId' | 'quantity'>): MovementLine {
  return {
    lotCode: p.lotCode ?? NO_LOT,
    onHandDelta: p.onHandDelta ?? 0,
    reservedDelta: p.reservedDelta ?? 0,
    inTransitInDelta: p.inTransitInDelta ?? 0,
    inTransitOutDelta: p.inTransitOutDelta ?? 0,
    counterpartyNodeId: p.counterpartyNodeId ?? null,
    documentType: p.documentType ?? null,
    documentRef: p.documentRef ?? null,
    reservationId: p.reservationId ?? null,
    varianceQuantity: p.varianceQuantity ?? 0,
    kind: p.kind,
    reason: p.reason,
    nodeId: p.nodeId,
    itemId: p.itemId,
    quantity: p.quantity,
  };
}

/** Checks a lot against what the ledger knows; returns the new lot to record, if any. */
function resolveLot(state: LedgerState, itemId: string, lotCode: string, expiryDate: string | undefined, field: string): Result<LotInfo | null> {
  if (lotCode === NO_LOT) return ok(null);
  const known = state.lotInfo.getPair(itemId, lotCode);
  if (known) {
    if (expiryDate !== undefined && known.expiryDate !== expiryDate) {
      return err({
        code: 'conflict',
        message: `lot ${lotCode} of item ${itemId} expires on ${known.expiryDate}, not ${expiryDate}`,
        field,
        expected: known.expiryDate,
        actual: expiryDate,
      });
    }
    return ok(null);
  }
  if (expiryDate === undefined) {
    return err({
      code: 'validation_failed',
      message: `lot ${lotCode} of item ${itemId} is new: its expiry date is required`,
      field,
      expected: 'YYYY-MM-DD',
      actual: undefined,
    });
  }
  return ok({ itemId, lotCode, expiryDate });
}

function receipt(state: LedgerState, op: ReceiptOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const lotCode = op.lot?.code ?? NO_LOT;
  const lot = resolveLot(state, op.itemId, lotCode, op.lot?.expiryDate, 'lot.expiryDate');
  if (!lot.ok) return lot;
  return ok({
    newLots: lot.value ? [lot.value] : [],
    lines: [
      line({
        kind: 'receipt',
        reason: op.reason,
        nodeId: op.nodeId,
        itemId: op.itemId,
        lotCode,
        quantity: op.quantity,
        onHandDelta: op.quantity,
        documentType: 'supplier',
        documentRef: op.sourceRef ?? null,
      }),
    ],
  });
}

function reserve(state: LedgerState, op: ReserveOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const existing = state.reservations.get(op.reservationId);
  if (existing && (existing.nodeId !== op.nodeId || existing.itemId !== op.itemId)) {
    return err({
      code: 'conflict',
      message: `reservation ${op.reservationId} holds item ${existing.itemId} at node ${existing.nodeId}, not item ${op.itemId} at node ${op.nodeId}`,
      field: 'reservationId',
      expected: { nodeId: existing.nodeId, itemId: existing.itemId },
      actual: { nodeId: op.nodeId, itemId: op.itemId },
    });
  }
  const b = state.peekItem(op.nodeId, op.itemId);
  const available = b ? b.onHand - b.reserved : 0;
  if (op.quantity > available) return err(insufficient(op.nodeId, op.itemId, op.quantity, available));
  return ok({
    newLots: [],
    lines: [
      line({
        kind: 'reserve',
        reason: op.reason ?? 'order',
        nodeId: op.nodeId,
        itemId: op.itemId,
        quantity: op.quantity,
        reservedDelta: op.quantity,
        documentType: 'order',
        documentRef: op.reservationId,
        reservationId: op.reservationId,
      }),
    ],
  });
}

function release(state: LedgerState, op: ReleaseOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const r = state.reservations.get(op.reservationId);
  if (!r) {
    return err({ code: 'not_found', message: `reservation ${op.reservationId} not found`, field: 'reservationId', actual: op.reservationId });
  }
  const q = op.quantity ?? r.quantity;
  if (q > r.quantity) {
    return err({
      code: 'conflict',
      message: `reservation ${op.reservationId} holds ${r.quantity}, cannot release ${q}`,
      field: 'quantity',
      expected: `<= ${r.quantity}`,
      actual: q,
      details: { reserved: r.quantity },
    });
  }
  if (q === 0) return ok({ newLots: [], lines: [] });
  return ok({
    newLots: [],
    lines: [
      line({
        kind: 'release',
        reason: op.reason ?? 'order_cancelled',
        nodeId: r.nodeId,
        itemId: r.itemId,
        quantity: q,
        reservedDelta: -q,
        documentType: 'order',
        documentRef: r.id,
        reservationId: r.id,
      }),
    ],
  });
}

function pick(state: LedgerState, op: PickOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const b = state.peekItem(op.nodeId, op.itemId);
  if (op.reservationId !== undefined) {
    const r = state.reservations.get(op.reservationId);
    if (!r) return err({ code: 'not_found', message: `reservation ${op.reservationId} not found`, field: 'reservationId', actual: op.reservationId });
    if (r.nodeId !== op.nodeId || r.itemId !== op.itemId) {
      return err({
        code: 'conflict',
        message: `reservation ${op.reservationId} holds item ${r.itemId} at node ${r.nodeId}`,
        field: 'reservationId',
        expected: { nodeId: r.nodeId, itemId: r.itemId },
        actual: { nodeId: op.nodeId, itemId: op.itemId },
      });
    }
    if (op.quantity > r.quantity) return err(insufficient(op.nodeId, op.itemId, op.quantity, r.quantity));
  } else {
    const available = b ? b.onHand - b.reserved : 0;
    if (op.quantity > available) return err(insufficient(op.nodeId, op.itemId, op.quantity, available));
  }
  const stock = state.lotStock(op.nodeId, op.itemId);
  const takes = takeFefo(stock, op.quantity, op.asOf);
  if (!takes) return err(expiredShort(op.nodeId, op.itemId, op.quantity, stock, op.asOf, 'quantity'));
  const reservationId = op.reservationId ?? null;
  return ok({
    newLots: [],
    lines: takes.map((t) =>
      line({
        kind: 'pick',
        reason: op.reason ?? 'order_pick',
        nodeId: op.nodeId,
        itemId: op.itemId,
        lotCode: t.lotCode,
        quantity: t.quantity,
        onHandDelta: -t.quantity,
        reservedDelta: reservationId ? -t.quantity : 0,
        documentType: 'order',
        documentRef: op.orderRef ?? reservationId,
        reservationId,
      }),
    ),
  });
}

function transferOut(state: LedgerState, op: TransferOutOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const existing = state.transfers.get(op.transferId);
  if (existing) {
    return err({
      code: 'conflict',
      message: `transfer ${op.transferId} has already been dispatched (status ${existing.status})`,
      field: 'transferId',
      actual: op.transferId,
      details: { status: existing.status },
    });
  }
  const lines: MovementLine[] = [];
  const doc: TransferDoc = { id: op.transferId, fromNodeId: op.fromNodeId, toNodeId: op.toNodeId, status: 'in_transit', lines: [] };
  for (let i = 0; i < op.lines.length; i++) {
    const l = op.lines[i];
    const b = state.peekItem(op.fromNodeId, l.itemId);
    const available = b ? b.onHand - b.reserved : 0;
    if (l.quantity > available) return err(insufficient(op.fromNodeId, l.itemId, l.quantity, available, `lines.${i}.quantity`));
    const stock = state.lotStock(op.fromNodeId, l.itemId);
    const takes = takeFefo(stock, l.quantity, op.asOf);
    if (!takes) return err(expiredShort(op.fromNodeId, l.itemId, l.quantity, stock, op.asOf, `lines.${i}.quantity`));
    doc.lines.push({ itemId: l.itemId, quantity: l.quantity, lots: takes.map((t) => ({ ...t, receivedQuantity: null })), receivedQuantity: null });
    for (const t of takes) {
      const common = { kind: 'transfer_out' as const, reason: 'transfer', itemId: l.itemId, lotCode: t.lotCode, quantity: t.quantity, documentType: 'transfer' as const, documentRef: op.transferId };
      lines.push(line({ ...common, nodeId: op.fromNodeId, counterpartyNodeId: op.toNodeId, onHandDelta: -t.quantity, inTransitOutDelta: t.quantity }));
      lines.push(line({ ...common, nodeId: op.toNodeId, counterpartyNodeId: op.fromNodeId, inTransitInDelta: t.quantity }));
    }
  }
  return ok({ newLots: [], lines, transfer: doc });
}

/**
 * Receives a transfer. The received quantity of a line is spread over its lots in the order they
 * were shipped (first-expired first): a short receipt is short on the latest lots, an over receipt
 * adds to the last lot. Each lot's variance (received − shipped) is kept on its movement line.
 */
function transferIn(state: LedgerState, op: TransferInOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const t = state.transfers.get(op.transferId);
  if (!t) return err({ code: 'not_found', message: `transfer ${op.transferId} not found`, field: 'transferId', actual: op.transferId });
  if (t.status !== 'in_transit') {
    return err({
      code: 'conflict',
      message: `transfer ${op.transferId} is ${t.status}, not in transit`,
      field: 'transferId',
      expected: 'in_transit',
      actual: t.status,
    });
  }
  const received = new Map<string, number>();
  for (let i = 0; i < op.lines.length; i++) {
    const l = op.lines[i];
    if (!t.lines.some((tl) => tl.itemId === l.itemId)) {
      return err({
        code: 'validation_failed',
        message: `item ${l.itemId} is not on transfer ${t.id}`,
        field: `lines.${i}.itemId`,
        expected: t.lines.map((tl) => tl.itemId),
        actual: l.itemId,
      });
    }
    if (received.has(l.itemId)) {
      return err({ code: 'validation_failed', message: `item ${l.itemId} is listed twice`, field: `lines.${i}.itemId`, expected: 'each item once', actual: l.itemId });
    }
    received.set(l.itemId, l.receivedQuantity);
  }
  const missing = t.lines.filter((tl) => !received.has(tl.itemId)).map((tl) => tl.itemId);
  if (missing.length > 0) {
    return err({
      code: 'validation_failed',
      message: `every line of transfer ${t.id} needs a received quantity; missing ${missing.join(', ')}`,
      field: 'lines',
      expected: t.lines.map((tl) => tl.itemId),
      actual: [...received.keys()],
    });
  }
  const lines: MovementLine[] = [];
  const doc: TransferDoc = { ...t, status: 'received', lines: [] };
  for (const tl of t.lines) {
    const got = received.get(tl.itemId)!;
    let left = got;
    const lots = tl.lots.map((lot, idx) => {
      const isLast = idx === tl.lots.length - 1;
      const r = isLast ? left : Math.min(lot.quantity, left);
      left -= r;
      return { ...lot, receivedQuantity: r };
    });
    doc.lines.push({ ...tl, lots, receivedQuantity: got });
    for (const lot of lots) {
      const r = lot.receivedQuantity;
      const common = { kind: 'transfer_in' as const, reason: 'transfer', itemId: tl.itemId, lotCode: lot.lotCode, quantity: lot.quantity, documentType: 'transfer' as const, documentRef: t.id };
      lines.push(line({ ...common, nodeId: t.toNodeId, counterpartyNodeId: t.fromNodeId, inTransitInDelta: -lot.quantity, onHandDelta: r, varianceQuantity: r - lot.quantity }));
      lines.push(line({ ...common, nodeId: t.fromNodeId, counterpartyNodeId: t.toNodeId, inTransitOutDelta: -lot.quantity }));
    }
  }
  return ok({ newLots: [], lines, transfer: doc });
}

/** Removes `quantity` from one lot, or first-expired-first-out when no lot is named. */
function decrease(
  state: LedgerState,
  nodeId: string,
  itemId: string,
  quantity: number,
  lotCode: string | undefined,
  field: string,
): Result<{ lotCode: string; quantity: number }[]> {
  const b = state.peekItem(nodeId, itemId);
  const available = b ? b.onHand - b.reserved : 0;
  if (quantity > available) return err(insufficient(nodeId, itemId, quantity, available, field));
  if (lotCode !== undefined) {
    const lotOnHand = state.lots.getPair(nodeId, itemId)?.get(lotCode)?.onHand ?? 0;
    if (quantity > lotOnHand) return err(insufficient(nodeId, itemId, quantity, lotOnHand, field, lotCode));
    return ok([{ lotCode, quantity }]);
  }
  // Expired stock is taken first here: an unnamed decrease is the loss of the oldest goods.
  const takes = takeFefo(state.lotStock(nodeId, itemId), quantity);
  invariant(takes !== null, 'lot on-hand sums to item on-hand');
  return ok(takes);
}

function adjustment(state: LedgerState, op: AdjustmentOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const common = { kind: 'adjustment' as const, reason: op.reasonCode, nodeId: op.nodeId, itemId: op.itemId, documentType: 'adjustment' as const };
  if (op.quantityDelta > 0) {
    const lotCode = op.lotCode ?? NO_LOT;
    const lot = resolveLot(state, op.itemId, lotCode, op.expiryDate, 'expiryDate');
    if (!lot.ok) return lot;
    return ok({ newLots: lot.value ? [lot.value] : [], lines: [line({ ...common, lotCode, quantity: op.quantityDelta, onHandDelta: op.quantityDelta })] });
  }
  const takes = decrease(state, op.nodeId, op.itemId, -op.quantityDelta, op.lotCode, 'quantityDelta');
  if (!takes.ok) return takes;
  return ok({ newLots: [], lines: takes.value.map((t) => line({ ...common, lotCode: t.lotCode, quantity: t.quantity, onHandDelta: -t.quantity })) });
}

function writeOff(state: LedgerState, op: WriteOffOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const takes = decrease(state, op.nodeId, op.itemId, op.quantity, op.lotCode, 'quantity');
  if (!takes.ok) return takes;
  return ok({
    newLots: [],
    lines: takes.value.map((t) =>
      line({ kind: 'write_off', reason: op.reason, nodeId: op.nodeId, itemId: op.itemId, lotCode: t.lotCode, quantity: t.quantity, onHandDelta: -t.quantity, documentType: 'write_off' }),
    ),
  });
}

function countAdjustment(state: LedgerState, op: CountAdjustmentOp): Result<Omit<Posting, 'key' | 'kind'>> {
  const newLots: LotInfo[] = [];
  const netByItem = new Map<string, number>();
  for (let i = 0; i < op.lines.length; i++) {
    const l = op.lines[i];
    const lotOnHand = state.lots.getPair(op.nodeId, l.itemId)?.get(l.lotCode)?.onHand ?? 0;
    if (lotOnHand + l.quantityDelta < 0) return err(insufficient(op.nodeId, l.itemId, -l.quantityDelta, lotOnHand, `lines.${i}.quantityDelta`, l.lotCode));
    if (l.quantityDelta > 0) {
      const lot = resolveLot(state, l.itemId, l.lotCode, l.expiryDate, `lines.${i}.expiryDate`);
      if (!lot.ok) return lot;
      if (lot.value) newLots.push(lot.value);
    }
    netByItem.set(l.itemId, (netByItem.get(l.itemId) ?? 0) + l.quantityDelta);
  }
  for (const [itemId, net] of netByItem) {
    const b = state.peekItem(op.nodeId, itemId);
    const onHand = b?.onHand ?? 0;
    const reserved = b?.reserved ?? 0;
    if (onHand + net < reserved) {
      const i = op.lines.findIndex((l) => l.itemId === itemId);
      return err({
        ...insufficient(op.nodeId, itemId, -net, onHand - reserved, `lines.${i}.quantityDelta`),
        message: `count of item ${itemId} at node ${op.nodeId} would leave ${onHand + net} on hand under ${reserved} reserved: release reservations first`,
      });
    }
  }
  return ok({
    newLots,
    lines: op.lines.map((l) =>
      line({
        kind: 'count_adjustment',
        reason: 'stock_count',
        nodeId: op.nodeId,
        itemId: l.itemId,
        lotCode: l.lotCode,
        quantity: Math.abs(l.quantityDelta),
        onHandDelta: l.quantityDelta,
        documentType: 'count',
        documentRef: op.countId,
      }),
    ),
  });
}

/** Changes the state by exactly these lines (and records new lots and the transfer document). */
export function applyPosting(state: LedgerState, posting: Pick<Posting, 'lines' | 'newLots' | 'transfer'>): void {
  for (const lot of posting.newLots) state.lotInfo.setPair(lot.itemId, lot.lotCode, lot);
  for (const l of posting.lines) {
    const b = state.item(l.nodeId, l.itemId);
    b.onHand += l.onHandDelta;
    b.reserved += l.reservedDelta;
    b.inTransitIn += l.inTransitInDelta;
    b.inTransitOut += l.inTransitOutDelta;
    if (l.onHandDelta !== 0 || l.inTransitInDelta !== 0 || l.inTransitOutDelta !== 0) {
      const lb = state.lot(l.nodeId, l.itemId, l.lotCode);
      lb.onHand += l.onHandDelta;
      lb.inTransitIn += l.inTransitInDelta;
      lb.inTransitOut += l.inTransitOutDelta;
    }
    if (l.reservationId !== null && l.reservedDelta !== 0) {
      let r = state.reservations.get(l.reservationId);
      if (!r) {
        r = { id: l.reservationId, nodeId: l.nodeId, itemId: l.itemId, quantity: 0 };
        state.reservations.set(r.id, r);
      }
      r.quantity += l.reservedDelta;
      invariant(r.quantity >= 0, `reservation ${r.id} stays >= 0`);
    }
    invariant(b.onHand >= 0 && b.reserved >= 0 && b.reserved <= b.onHand, `balance of ${l.itemId} at ${l.nodeId} stays within the rules`);
  }
  if (posting.transfer) state.transfers.set(posting.transfer.id, posting.transfer);
}

/**
 * Checks an operation against the rules and, when allowed, posts it to `state`. A refused
 * operation returns its error and changes nothing.
 */
export function applyOperation(state: LedgerState, op: Operation): Result<Posting> {
  const bad = validateOperation(op);
  if (bad) return err(bad);
  let r: Result<Omit<Posting, 'key' | 'kind'>>;
  switch (op.kind) {
    case 'receipt': r = receipt(state, op); break;
    case 'reserve': r = reserve(state, op); break;
    case 'release': r = release(state, op); break;
    case 'pick': r = pick(state, op); break;
    case 'transfer_out': r = transferOut(state, op); break;
    case 'transfer_in': r = transferIn(state, op); break;
    case 'adjustment': r = adjustment(state, op); break;
    case 'write_off': r = writeOff(state, op); break;
    case 'count_adjustment': r = countAdjustment(state, op); break;
  }
  if (!r.ok) return r;
  const posting: Posting = { key: op.key, kind: op.kind, ...r.value };
  applyPosting(state, posting);
  return ok(posting);
}

export interface PostResult {
  posting: Posting;
  /** True when the key had already been posted: nothing new was posted. */
  replayed: boolean;
}

export interface InMemoryLedgerOptions {
  /**
   * 'replay' (default): each key's operation is remembered (a 53-bit hash of its canonical JSON and
   * its posting), so a retry replays and a reused key is a conflict, as in the store.
   * 'unique': the caller numbers its operations and never posts a key twice (the simulation), so
   * nothing is remembered per key: the rules and the movement lines are the same, and a simulated
   * week's millions of postings keep no hash or posting each.
   */
  keys?: 'replay' | 'unique';
  /**
   * 'keep' (default): every posted movement line stays in `movements` (the journal, for checks).
   * 'count': the lines are made and applied by the same rules but not kept, only counted
   * (`movementCount`): a simulated week makes millions, which nobody reads.
   */
  movements?: 'keep' | 'count';
}

/**
 * The whole ledger in memory, with idempotency keys. Same rules and the same movement lines as
 * the PostgreSQL store; the simulation and the property tests use it.
 */
export class InMemoryLedger {
  readonly state = new LedgerState();
  /** Every movement line posted, in order (empty with `movements: 'count'`). */
  readonly movements: MovementLine[] = [];
  /** How many movement lines were posted. */
  movementCount = 0;
  /** Per key, a 53-bit hash of the operation's canonical JSON (not the text: a week of simulation posts millions). */
  private readonly done = new Map<string, { hash: number; posting: Posting }>();
  private readonly replay: boolean;
  private readonly keepLines: boolean;

  constructor(options: InMemoryLedgerOptions = {}) {
    this.replay = (options.keys ?? 'replay') === 'replay';
    this.keepLines = (options.movements ?? 'keep') === 'keep';
  }

  post(op: Operation): Result<PostResult> {
    if (!this.replay) return this.apply(op, 0);
    const hash = canonicalHash53(op);
    const prior = this.done.get(op.key);
    if (prior) {
      if (prior.hash !== hash) {
        return err({
          code: 'conflict',
          message: `idempotency key ${op.key} was used for a different operation`,
          field: 'key',
          actual: op.key,
        });
      }
      return ok({ posting: prior.posting, replayed: true });
    }
    return this.apply(op, hash);
  }

  private apply(op: Operation, hash: number): Result<PostResult> {
    const r = applyOperation(this.state, op);
    if (!r.ok) return r;
    if (this.replay) this.done.set(op.key, { hash, posting: r.value });
    this.movementCount += r.value.lines.length;
    if (this.keepLines) for (const l of r.value.lines) this.movements.push(l);
    return ok({ posting: r.value, replayed: false });
  }

  /** Every (node, item) balance, sorted by node then item. */
  itemBalances(): ItemBalance[] {
    return [...this.state.items.values()].map((b) => ({ ...b })).sort((a, b) => (a.nodeId + '\u0000' + a.itemId < b.nodeId + '\u0000' + b.itemId ? -1 : 1));
  }

  /** Lots at a node, first-expired-first-out. */
  lotBalances(nodeId: string, itemId: string): (LotBalance & { expiryDate: string | null })[] {
    const m = this.state.lots.getPair(nodeId, itemId);
    if (!m) return [];
    return fefoOrder([...m.values()].map((b) => ({ ...b, expiryDate: this.state.expiryOf(itemId, b.lotCode) })));
  }
}
