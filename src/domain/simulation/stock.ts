/**
 * Where the simulation keeps stock: LedgerStock (the inventory ledger's rules) or ArrayStock (typed
 * arrays, for city-scale runs).
 */
import { InMemoryLedger, nodeItemKey, planExpiryWriteOffs, type ItemBalance, type Operation } from '../inventory/index.ts';
import { invariant } from '../shared/index.ts';

/**
 * Where the simulation keeps stock. Two books with the same rules:
 *  - `LedgerStock` posts every receipt, reservation, pick and write-off to the
 *    inventory context's `InMemoryLedger`: the same rules (FEFO, reserved ≤ on
 *    hand, expiry) and the same movement lines as the live system. The default.
 *  - `ArrayStock` keeps the same quantities in typed arrays, for city-scale runs
 *    where millions of ledger postings a day would dominate the run time.
 * Both are driven by the engine through this interface, and a test checks that
 * they give the same KPIs on the same seed.
 *
 * Days are integers counted from day 0; a lot whose expiry day is D may be sold on
 * D and is written off at 00:00 of D+1. The engine only reserves what is
 * available, so a refused posting is a bug and fails an invariant.
 */
export interface StockBook {
  readonly kind: 'ledger' | 'fast';
  onHand(node: number, item: number): number;
  /** On hand minus reserved. */
  available(node: number, item: number): number;
  receive(node: number, item: number, quantity: number, expiryDay: number, ref: string): void;
  reserve(node: number, item: number, quantity: number, reservationId: number): void;
  /** Picks what the reservation holds (the whole of it). */
  pick(node: number, item: number, quantity: number, reservationId: number, day: number): void;
  /** Writes off every lot expired on `day`; reports each (node, item, quantity). */
  expire(day: number, onWriteOff: (node: number, item: number, quantity: number) => void): void;
}

/**
 * Typed-array stock: on hand, reserved, and per cell a FIFO of lots [quantity, expiryDay, …] read
 * from `head` (emptied lots are stepped over, not spliced off one by one: a pick allocates nothing).
 */
export class ArrayStock implements StockBook {
  readonly kind = 'fast' as const;
  private readonly on: Int32Array;
  private readonly res: Int32Array;
  private readonly lots: Array<number[] | undefined>;
  /** Where each cell's live lots start in its array. */
  private readonly head: Int32Array;
  /** Cells that hold lots, so expiry does not scan empty cells. */
  private readonly touched: number[] = [];

  constructor(private readonly nodes: number, private readonly items: number) {
    this.on = new Int32Array(nodes * items);
    this.res = new Int32Array(nodes * items);
    this.lots = new Array(nodes * items);
    this.head = new Int32Array(nodes * items);
  }

  onHand(n: number, i: number): number {
    return this.on[n * this.items + i];
  }

  available(n: number, i: number): number {
    const c = n * this.items + i;
    return this.on[c] - this.res[c];
  }

  receive(n: number, i: number, q: number, expiryDay: number): void {
    const c = n * this.items + i;
    let l = this.lots[c];
    if (!l) {
      l = this.lots[c] = [];
      this.touched.push(c);
    }
    // Lots of one item arrive in expiry order except the opening stock; keep FEFO order.
    const h = this.head[c];
    let k = l.length;
    while (k >= h + 2 && l[k - 1] > expiryDay) k -= 2;
    if (k >= h + 2 && l[k - 1] === expiryDay) l[k - 2] += q;
    else l.splice(k, 0, q, expiryDay);
    this.on[c] += q;
  }

  reserve(n: number, i: number, q: number): void {
    const c = n * this.items + i;
    invariant(q > 0 && this.on[c] - this.res[c] >= q, 'reserve only what is available');
    this.res[c] += q;
  }

  pick(n: number, i: number, q: number): void {
    const c = n * this.items + i;
    invariant(this.res[c] >= q && this.on[c] >= q, 'pick only what is reserved');
    this.res[c] -= q;
    this.on[c] -= q;
    const l = this.lots[c]!;
    let h = this.head[c];
    let left = q;
    while (left > 0) {
      const take = Math.min(left, l[h]);
      l[h] -= take;
      left -= take;
      if (l[h] === 0) h += 2;
    }
    this.setHead(c, l, h);
  }

  /** Moves a cell's head; drops the emptied lots once they are half its array. */
  private setHead(c: number, l: number[], h: number): void {
    if (h >= 16 && 2 * h >= l.length) {
      l.splice(0, h);
      h = 0;
    }
    this.head[c] = h;
  }

  expire(day: number, onWriteOff: (n: number, i: number, q: number) => void): void {
    for (const c of this.touched) {
      const l = this.lots[c]!;
      let h = this.head[c];
      let q = 0;
      while (h < l.length && l[h + 1] < day) {
        q += l[h];
        h += 2;
      }
      this.setHead(c, l, h);
      if (q > 0) {
        invariant(this.on[c] - q >= this.res[c], 'expired stock is never reserved overnight');
        this.on[c] -= q;
        onWriteOff(Math.floor(c / this.items), c % this.items, q);
      }
    }
  }
}

/** ISO day (`YYYY-MM-DD`) of day `day` after `startDate`. */
export function isoDay(startDate: string, day: number): string {
  const t = Date.parse(`${startDate}T00:00:00Z`) + day * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The inventory context's in-memory ledger behind the StockBook interface. */
export class LedgerStock implements StockBook {
  readonly kind = 'ledger' as const;
  /**
   * Every key is posted once (numbered below), so the ledger keeps no replay record per key; its
   * movement lines are kept only when asked (`keepMovements`, for checks), else counted.
   */
  readonly ledger: InMemoryLedger;
  private seq = 0;
  private readonly days = new Map<number, string>();
  private readonly lotCodes = new Map<number, string>();
  /**
   * The ledger's balance objects, which it updates in place: read without a lookup each time. A
   * balance comes to be only with a receipt, posted here, so a cell without one holds nothing.
   */
  private readonly cells: Array<ItemBalance | undefined>;

  constructor(
    private readonly nodeIds: readonly string[],
    private readonly itemIds: readonly string[],
    private readonly startDate: string,
    keepMovements = false,
  ) {
    this.cells = new Array(nodeIds.length * itemIds.length);
    this.ledger = new InMemoryLedger({ keys: 'unique', movements: keepMovements ? 'keep' : 'count' });
  }

  private cell(n: number, i: number): ItemBalance | undefined {
    return this.cells[n * this.itemIds.length + i];
  }

  private iso(day: number): string {
    let s = this.days.get(day);
    if (!s) this.days.set(day, (s = isoDay(this.startDate, day)));
    return s;
  }

  /** The lot code of goods expiring on `day` (one string per day). */
  private lotCode(day: number): string {
    let s = this.lotCodes.get(day);
    if (!s) this.lotCodes.set(day, (s = `E${this.iso(day)}`));
    return s;
  }

  private post(op: Operation): void {
    const r = this.ledger.post(op);
    invariant(r.ok, `the ledger refused ${op.kind} ${op.key}: ${r.ok ? '' : r.error.message}`);
  }

  onHand(n: number, i: number): number {
    return this.cell(n, i)?.onHand ?? 0;
  }

  available(n: number, i: number): number {
    const b = this.cell(n, i);
    return b ? b.onHand - b.reserved : 0;
  }

  receive(n: number, i: number, q: number, expiryDay: number, ref: string): void {
    this.post({ kind: 'receipt', key: `rcv:${++this.seq}`, nodeId: this.nodeIds[n], itemId: this.itemIds[i], quantity: q, lot: { code: this.lotCode(expiryDay), expiryDate: this.iso(expiryDay) }, reason: 'dc_replenishment', sourceRef: ref });
    this.cells[n * this.itemIds.length + i] ??= this.ledger.state.peekItem(this.nodeIds[n], this.itemIds[i]);
  }

  /** The ledger's id of each reservation not yet picked (the pick finds the same string: no second one to build and hash). */
  private readonly open = new Map<number, string>();

  reserve(n: number, i: number, q: number, reservationId: number): void {
    const id = `r${reservationId}`;
    this.open.set(reservationId, id);
    this.post({ kind: 'reserve', key: `res:${reservationId}`, nodeId: this.nodeIds[n], itemId: this.itemIds[i], quantity: q, reservationId: id, reason: 'order' });
  }

  pick(n: number, i: number, q: number, reservationId: number, day: number): void {
    const id = this.open.get(reservationId) ?? `r${reservationId}`;
    this.open.delete(reservationId);
    this.post({ kind: 'pick', key: `pick:${reservationId}`, nodeId: this.nodeIds[n], itemId: this.itemIds[i], quantity: q, reservationId: id, reason: 'order_pick', asOf: this.iso(day) });
  }

  expire(day: number, onWriteOff: (n: number, i: number, q: number) => void): void {
    const plan = planExpiryWriteOffs(this.ledger.state, this.iso(day), `exp:${day}`);
    const nodeIx = new Map(this.nodeIds.map((id, k) => [id, k]));
    const itemIx = new Map(this.itemIds.map((id, k) => [id, k]));
    for (const op of plan.ops) {
      this.post(op);
      onWriteOff(nodeIx.get(op.nodeId)!, itemIx.get(op.itemId)!, op.quantity);
    }
  }
}

/**
 * The ledger's invariants, checked from the outside: no negative on hand or
 * reserved, reserved never above on hand, lots adding up to their item, and every
 * balance equal to the sum of its movement lines. Returns the problems found.
 */
export function ledgerProblems(ledger: InMemoryLedger): string[] {
  const problems: string[] = [];
  if (ledger.movements.length !== ledger.movementCount) problems.push(`${ledger.movementCount} movement lines posted but ${ledger.movements.length} kept: make the ledger keep them (keepMovements) to check it`);
  const sums = new Map<string, { onHand: number; reserved: number }>();
  for (const m of ledger.movements) {
    const k = nodeItemKey(m.nodeId, m.itemId);
    const s = sums.get(k) ?? { onHand: 0, reserved: 0 };
    s.onHand += m.onHandDelta;
    s.reserved += m.reservedDelta;
    sums.set(k, s);
  }
  for (const b of ledger.state.items.values()) {
    const where = `${b.nodeId}/${b.itemId}`;
    if (b.onHand < 0) problems.push(`${where}: on hand ${b.onHand} < 0`);
    if (b.reserved < 0) problems.push(`${where}: reserved ${b.reserved} < 0`);
    if (b.reserved > b.onHand) problems.push(`${where}: reserved ${b.reserved} > on hand ${b.onHand}`);
    const s = sums.get(nodeItemKey(b.nodeId, b.itemId)) ?? { onHand: 0, reserved: 0 };
    if (s.onHand !== b.onHand || s.reserved !== b.reserved) problems.push(`${where}: balance ${b.onHand}/${b.reserved} but movements sum to ${s.onHand}/${s.reserved}`);
    let lots = 0;
    for (const l of ledger.state.lots.get(nodeItemKey(b.nodeId, b.itemId))?.values() ?? []) {
      if (l.onHand < 0) problems.push(`${where} lot ${l.lotCode}: on hand ${l.onHand} < 0`);
      lots += l.onHand;
    }
    if (lots !== b.onHand) problems.push(`${where}: lots sum to ${lots}, item on hand ${b.onHand}`);
    if (problems.length > 20) break;
  }
  return problems;
}
