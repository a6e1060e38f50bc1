/**
 * An independent auditor for the ledger, after TigerBeetle's: it watches every operation and
 * every reply, decides on its own whether the operation should have been accepted (and with
 * which error code), rebuilds the expected stock from the operations alone, and compares.
 *
 * It shares no rule code with `ledger.ts`: its model is different on purpose (stock per lot in
 * one flat map, reserved as the sum of open holds, in transit as the sum of open transfer
 * documents) so that a bug in the ledger's bookkeeping is not repeated here. A disagreement
 * throws an `AuditFailure` naming the operation and what differed.
 */
import type { Result } from '../shared/index.ts';
import type { PostResult } from './ledger.ts';
import type { ItemBalance, LotBalance, MovementLine, Operation } from './types.ts';

export class AuditFailure extends Error {
  override name = 'AuditFailure';
}

type Verdict = { accept: true } | { accept: false; code: string; available?: number };

interface Hold {
  nodeId: string;
  itemId: string;
  quantity: number;
}

interface OpenTransfer {
  from: string;
  to: string;
  received: boolean;
  lines: { itemId: string; lots: { lotCode: string; quantity: number }[] }[];
}

const sk = (n: string, i: string, l: string) => `${n}|${i}|${l}`;

/** JSON with object keys sorted at every depth, so key order never makes two requests differ. */
function sortedText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export class LedgerAuditor {
  /** On hand per node|item|lot. */
  private readonly stock = new Map<string, number>();
  private readonly holds = new Map<string, Hold>();
  private readonly expiry = new Map<string, string | null>();
  private readonly transfers = new Map<string, OpenTransfer>();
  private readonly keys = new Map<string, { text: string; lines: MovementLine[] }>();
  /** How many operations were accepted and refused, by kind (for test reports). */
  readonly accepted = new Map<string, number>();
  readonly refused = new Map<string, number>();

  private onHandOf(n: string, i: string, l: string): number {
    return this.stock.get(sk(n, i, l)) ?? 0;
  }

  private lotsAt(n: string, i: string): { lotCode: string; onHand: number; expiry: string | null }[] {
    const out: { lotCode: string; onHand: number; expiry: string | null }[] = [];
    const prefix = `${n}|${i}|`;
    for (const [k, q] of this.stock) {
      if (k.startsWith(prefix) && q > 0) {
        const lotCode = k.slice(prefix.length);
        out.push({ lotCode, onHand: q, expiry: lotCode === '' ? null : (this.expiry.get(`${i}|${lotCode}`) ?? null) });
      }
    }
    return out;
  }

  private total(n: string, i: string): number {
    return this.lotsAt(n, i).reduce((s, l) => s + l.onHand, 0);
  }

  private reservedAt(n: string, i: string): number {
    let s = 0;
    for (const h of this.holds.values()) if (h.nodeId === n && h.itemId === i) s += h.quantity;
    return s;
  }

  /** The auditor's own first-expired-first-out: expiry ascending, undated last, then lot code. */
  private fefo(n: string, i: string, q: number, asOf: string | undefined): { lotCode: string; quantity: number }[] | null {
    const lots = this.lotsAt(n, i)
      .filter((l) => !(asOf && l.expiry && l.expiry < asOf))
      .sort((a, b) => {
        const ea = a.expiry ?? '9999-99-99';
        const eb = b.expiry ?? '9999-99-99';
        return ea === eb ? (a.lotCode < b.lotCode ? -1 : 1) : ea < eb ? -1 : 1;
      });
    const out: { lotCode: string; quantity: number }[] = [];
    for (const l of lots) {
      if (q === 0) break;
      const t = Math.min(q, l.onHand);
      out.push({ lotCode: l.lotCode, quantity: t });
      q -= t;
    }
    return q === 0 ? out : null;
  }

  private sellable(n: string, i: string, asOf: string | undefined): number {
    return this.lotsAt(n, i)
      .filter((l) => !(asOf && l.expiry && l.expiry < asOf))
      .reduce((s, l) => s + l.onHand, 0);
  }

  private add(n: string, i: string, l: string, q: number): void {
    this.stock.set(sk(n, i, l), this.onHandOf(n, i, l) + q);
  }

  /** An unknown dated lot needs an expiry; a known one must not change it. */
  private lotVerdict(i: string, l: string, expiry: string | undefined): Verdict | null {
    if (l === '') return null;
    const k = `${i}|${l}`;
    if (this.expiry.has(k)) return expiry !== undefined && this.expiry.get(k) !== expiry ? { accept: false, code: 'conflict' } : null;
    return expiry === undefined ? { accept: false, code: 'validation_failed' } : null;
  }

  private malformed(op: Operation): boolean {
    const pos = (q: unknown) => !(Number.isSafeInteger(q) && (q as number) > 0);
    switch (op.kind) {
      case 'receipt': case 'reserve': case 'pick': case 'write_off': return pos(op.quantity);
      case 'release': return op.quantity !== undefined && pos(op.quantity);
      case 'adjustment': return !Number.isSafeInteger(op.quantityDelta) || op.quantityDelta === 0;
      case 'transfer_out': return op.fromNodeId === op.toNodeId || op.lines.length === 0 || op.lines.some((l) => pos(l.quantity)) || new Set(op.lines.map((l) => l.itemId)).size !== op.lines.length;
      case 'transfer_in': return op.lines.some((l) => !Number.isSafeInteger(l.receivedQuantity) || l.receivedQuantity < 0);
      case 'count_adjustment': return op.lines.some((l) => !Number.isSafeInteger(l.quantityDelta) || l.quantityDelta === 0);
    }
  }

  /** What the ledger should answer, decided from the auditor's own model. */
  private verdict(op: Operation): Verdict {
    if (this.malformed(op)) return { accept: false, code: 'validation_failed' };
    const short = (available: number): Verdict => ({ accept: false, code: 'insufficient_stock', available });
    switch (op.kind) {
      case 'receipt':
        return this.lotVerdict(op.itemId, op.lot?.code ?? '', op.lot?.expiryDate) ?? { accept: true };
      case 'reserve': {
        const h = this.holds.get(op.reservationId);
        if (h && (h.nodeId !== op.nodeId || h.itemId !== op.itemId)) return { accept: false, code: 'conflict' };
        const avail = this.total(op.nodeId, op.itemId) - this.reservedAt(op.nodeId, op.itemId);
        return op.quantity > avail ? short(avail) : { accept: true };
      }
      case 'release': {
        const h = this.holds.get(op.reservationId);
        if (!h) return { accept: false, code: 'not_found' };
        return (op.quantity ?? h.quantity) > h.quantity ? { accept: false, code: 'conflict' } : { accept: true };
      }
      case 'pick': {
        if (op.reservationId !== undefined) {
          const h = this.holds.get(op.reservationId);
          if (!h) return { accept: false, code: 'not_found' };
          if (h.nodeId !== op.nodeId || h.itemId !== op.itemId) return { accept: false, code: 'conflict' };
          if (op.quantity > h.quantity) return short(h.quantity);
        } else {
          const avail = this.total(op.nodeId, op.itemId) - this.reservedAt(op.nodeId, op.itemId);
          if (op.quantity > avail) return short(avail);
        }
        const s = this.sellable(op.nodeId, op.itemId, op.asOf);
        return op.quantity > s ? short(s) : { accept: true };
      }
      case 'transfer_out': {
        if (this.transfers.has(op.transferId)) return { accept: false, code: 'conflict' };
        for (const l of op.lines) {
          const avail = this.total(op.fromNodeId, l.itemId) - this.reservedAt(op.fromNodeId, l.itemId);
          if (l.quantity > avail) return short(avail);
          const s = this.sellable(op.fromNodeId, l.itemId, op.asOf);
          if (l.quantity > s) return short(s);
        }
        return { accept: true };
      }
      case 'transfer_in': {
        const t = this.transfers.get(op.transferId);
        if (!t) return { accept: false, code: 'not_found' };
        if (t.received) return { accept: false, code: 'conflict' };
        const want = t.lines.map((l) => l.itemId).sort().join('|');
        const got = op.lines.map((l) => l.itemId).sort().join('|');
        return want === got ? { accept: true } : { accept: false, code: 'validation_failed' };
      }
      case 'adjustment':
      case 'write_off': {
        const delta = op.kind === 'adjustment' ? op.quantityDelta : -op.quantity;
        if (delta > 0) return this.lotVerdict(op.itemId, op.kind === 'adjustment' ? (op.lotCode ?? '') : op.lotCode, op.kind === 'adjustment' ? op.expiryDate : undefined) ?? { accept: true };
        const avail = this.total(op.nodeId, op.itemId) - this.reservedAt(op.nodeId, op.itemId);
        if (-delta > avail) return short(avail);
        if (op.lotCode !== undefined) {
          const lot = this.onHandOf(op.nodeId, op.itemId, op.lotCode);
          if (-delta > lot) return short(lot);
        }
        return { accept: true };
      }
      case 'count_adjustment': {
        const net = new Map<string, number>();
        for (const l of op.lines) {
          const lot = this.onHandOf(op.nodeId, l.itemId, l.lotCode);
          if (lot + l.quantityDelta < 0) return short(lot);
          if (l.quantityDelta > 0) {
            const v = this.lotVerdict(l.itemId, l.lotCode, l.expiryDate);
            if (v) return v;
          }
          net.set(l.itemId, (net.get(l.itemId) ?? 0) + l.quantityDelta);
        }
        for (const [itemId, n] of net) {
          const total = this.total(op.nodeId, itemId);
          const reserved = this.reservedAt(op.nodeId, itemId);
          if (total + n < reserved) return short(total - reserved);
        }
        return { accept: true };
      }
    }
  }

  private fail(op: Operation, what: string): never {
    throw new AuditFailure(`${op.kind} ${op.key}: ${what}\n  operation: ${JSON.stringify(op)}`);
  }

  /** Compares the lots a reply took with the auditor's own FEFO choice. */
  private expectTakes(op: Operation, got: MovementLine[], want: { lotCode: string; quantity: number }[] | null): void {
    const a = got.map((l) => `${l.lotCode}:${l.quantity}`).join(',');
    const b = (want ?? []).map((t) => `${t.lotCode}:${t.quantity}`).join(',');
    if (a !== b) this.fail(op, `took lots ${a}, expected first-expired-first-out ${b}`);
  }

  /** Checks one reply and moves the auditor's model forward. Throws AuditFailure on a mismatch. */
  observe(op: Operation, reply: Result<PostResult>): void {
    const text = sortedText(op);
    const prior = this.keys.get(op.key);
    if (prior) {
      if (prior.text === text) {
        if (!reply.ok || !reply.value.replayed) this.fail(op, `a retried key should replay, got ${JSON.stringify(reply)}`);
        if (reply.value.posting.lines.length !== prior.lines.length) this.fail(op, 'replay returned different lines');
      } else if (reply.ok || reply.error.code !== 'conflict') {
        this.fail(op, `a reused key with a different operation should be a conflict, got ${JSON.stringify(reply)}`);
      }
      return;
    }
    const v = this.verdict(op);
    if (!v.accept) {
      if (reply.ok) this.fail(op, `accepted, expected ${v.code}`);
      if (reply.error.code !== v.code) this.fail(op, `refused with ${reply.error.code}, expected ${v.code}: ${reply.error.message}`);
      if (v.available !== undefined && reply.error.details?.available !== v.available) {
        this.fail(op, `reported available ${String(reply.error.details?.available)}, expected ${v.available}`);
      }
      this.refused.set(op.kind, (this.refused.get(op.kind) ?? 0) + 1);
      return;
    }
    if (!reply.ok) this.fail(op, `refused with ${reply.error.code} (${reply.error.message}), expected it to be accepted`);
    if (reply.value.replayed) this.fail(op, 'a new key was reported as replayed');
    const lines = reply.value.posting.lines;
    this.keys.set(op.key, { text, lines });
    this.accepted.set(op.kind, (this.accepted.get(op.kind) ?? 0) + 1);
    this.apply(op, lines);
  }

  private apply(op: Operation, lines: MovementLine[]): void {
    switch (op.kind) {
      case 'receipt': {
        const lot = op.lot?.code ?? '';
        if (op.lot) this.expiry.set(`${op.itemId}|${lot}`, op.lot.expiryDate);
        this.add(op.nodeId, op.itemId, lot, op.quantity);
        return;
      }
      case 'reserve': {
        const h = this.holds.get(op.reservationId) ?? { nodeId: op.nodeId, itemId: op.itemId, quantity: 0 };
        h.quantity += op.quantity;
        this.holds.set(op.reservationId, h);
        return;
      }
      case 'release': {
        const h = this.holds.get(op.reservationId)!;
        h.quantity -= op.quantity ?? h.quantity;
        return;
      }
      case 'pick': {
        this.expectTakes(op, lines, this.fefo(op.nodeId, op.itemId, op.quantity, op.asOf));
        for (const l of lines) this.add(op.nodeId, op.itemId, l.lotCode, -l.quantity);
        if (op.reservationId !== undefined) this.holds.get(op.reservationId)!.quantity -= op.quantity;
        return;
      }
      case 'transfer_out': {
        const t: OpenTransfer = { from: op.fromNodeId, to: op.toNodeId, received: false, lines: [] };
        for (const l of op.lines) {
          const want = this.fefo(op.fromNodeId, l.itemId, l.quantity, op.asOf);
          const got = lines.filter((m) => m.itemId === l.itemId && m.nodeId === op.fromNodeId);
          this.expectTakes(op, got, want);
          for (const take of want!) this.add(op.fromNodeId, l.itemId, take.lotCode, -take.quantity);
          t.lines.push({ itemId: l.itemId, lots: want! });
        }
        this.transfers.set(op.transferId, t);
        return;
      }
      case 'transfer_in': {
        const t = this.transfers.get(op.transferId)!;
        t.received = true;
        for (const l of op.lines) {
          const tl = t.lines.find((x) => x.itemId === l.itemId)!;
          let left = l.receivedQuantity;
          tl.lots.forEach((lot, idx) => {
            const r = idx === tl.lots.length - 1 ? left : Math.min(left, lot.quantity);
            left -= r;
            this.add(t.to, l.itemId, lot.lotCode, r);
          });
        }
        return;
      }
      case 'adjustment':
      case 'write_off': {
        const delta = op.kind === 'adjustment' ? op.quantityDelta : -op.quantity;
        if (delta > 0) {
          const lot = op.kind === 'adjustment' ? (op.lotCode ?? '') : op.lotCode;
          if (lot !== '' && op.kind === 'adjustment' && op.expiryDate !== undefined) this.expiry.set(`${op.itemId}|${lot}`, op.expiryDate);
          this.add(op.nodeId, op.itemId, lot, delta);
          return;
        }
        const want = op.lotCode !== undefined ? [{ lotCode: op.lotCode, quantity: -delta }] : this.fefo(op.nodeId, op.itemId, -delta, undefined);
        this.expectTakes(op, lines, want);
        for (const take of want!) this.add(op.nodeId, op.itemId, take.lotCode, -take.quantity);
        return;
      }
      case 'count_adjustment': {
        for (const l of op.lines) {
          if (l.lotCode !== '' && l.expiryDate !== undefined && !this.expiry.has(`${l.itemId}|${l.lotCode}`)) this.expiry.set(`${l.itemId}|${l.lotCode}`, l.expiryDate);
          this.add(op.nodeId, l.itemId, l.lotCode, l.quantityDelta);
        }
        return;
      }
    }
  }

  /**
   * Compares the ledger's balances with the auditor's model and checks the rules. `lots`, when
   * given, is compared lot by lot. Throws AuditFailure on the first difference.
   */
  verify(balances: readonly ItemBalance[], lots?: readonly LotBalance[]): void {
    const expected = new Map<string, ItemBalance>();
    const at = (n: string, i: string): ItemBalance => {
      const k = `${n}|${i}`;
      let b = expected.get(k);
      if (!b) {
        b = { nodeId: n, itemId: i, onHand: 0, reserved: 0, inTransitIn: 0, inTransitOut: 0 };
        expected.set(k, b);
      }
      return b;
    };
    const expectedLots = new Map<string, { onHand: number; inTransitIn: number; inTransitOut: number }>();
    const lotAt = (n: string, i: string, l: string) => {
      const k = sk(n, i, l);
      let b = expectedLots.get(k);
      if (!b) {
        b = { onHand: 0, inTransitIn: 0, inTransitOut: 0 };
        expectedLots.set(k, b);
      }
      return b;
    };
    for (const [k, q] of this.stock) {
      const [n, i, l] = k.split('|');
      at(n, i).onHand += q;
      lotAt(n, i, l).onHand += q;
    }
    for (const h of this.holds.values()) at(h.nodeId, h.itemId).reserved += h.quantity;
    for (const t of this.transfers.values()) {
      if (t.received) continue;
      for (const l of t.lines) {
        for (const lot of l.lots) {
          at(t.from, l.itemId).inTransitOut += lot.quantity;
          at(t.to, l.itemId).inTransitIn += lot.quantity;
          lotAt(t.from, l.itemId, lot.lotCode).inTransitOut += lot.quantity;
          lotAt(t.to, l.itemId, lot.lotCode).inTransitIn += lot.quantity;
        }
      }
    }
    const fmt = (b: Omit<ItemBalance, 'nodeId' | 'itemId'>) => `onHand=${b.onHand} reserved=${b.reserved} inTransitIn=${b.inTransitIn} inTransitOut=${b.inTransitOut}`;
    const seen = new Set<string>();
    let outSum = 0;
    let inSum = 0;
    for (const b of balances) {
      const k = `${b.nodeId}|${b.itemId}`;
      seen.add(k);
      const e = expected.get(k) ?? { nodeId: b.nodeId, itemId: b.itemId, onHand: 0, reserved: 0, inTransitIn: 0, inTransitOut: 0 };
      if (fmt(b) !== fmt(e)) throw new AuditFailure(`balance of ${b.itemId} at ${b.nodeId}: ledger ${fmt(b)}, auditor ${fmt(e)}`);
      if (b.onHand < 0) throw new AuditFailure(`on hand of ${b.itemId} at ${b.nodeId} is negative: ${b.onHand}`);
      if (b.reserved < 0 || b.reserved > b.onHand) throw new AuditFailure(`reserved ${b.reserved} of ${b.itemId} at ${b.nodeId} is outside [0, ${b.onHand}]`);
      outSum += b.inTransitOut;
      inSum += b.inTransitIn;
    }
    for (const [k, e] of expected) {
      if (!seen.has(k) && fmt(e) !== fmt({ onHand: 0, reserved: 0, inTransitIn: 0, inTransitOut: 0 })) {
        throw new AuditFailure(`balance ${k} missing from the ledger; auditor expects ${fmt(e)}`);
      }
    }
    if (outSum !== inSum) throw new AuditFailure(`in transit out (${outSum}) differs from in transit in (${inSum})`);
    if (lots) {
      const seenLots = new Set<string>();
      for (const l of lots) {
        const k = sk(l.nodeId, l.itemId, l.lotCode);
        seenLots.add(k);
        const e = expectedLots.get(k) ?? { onHand: 0, inTransitIn: 0, inTransitOut: 0 };
        if (l.onHand !== e.onHand || l.inTransitIn !== e.inTransitIn || l.inTransitOut !== e.inTransitOut) {
          throw new AuditFailure(`lot ${k}: ledger ${JSON.stringify(l)}, auditor ${JSON.stringify(e)}`);
        }
        if (l.onHand < 0) throw new AuditFailure(`lot ${k} on hand is negative: ${l.onHand}`);
      }
      for (const [k, e] of expectedLots) {
        if (!seenLots.has(k) && (e.onHand !== 0 || e.inTransitIn !== 0 || e.inTransitOut !== 0)) {
          throw new AuditFailure(`lot ${k} missing from the ledger; auditor expects ${JSON.stringify(e)}`);
        }
      }
    }
  }
}
