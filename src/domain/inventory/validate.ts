/**
 * Field checks for operations. Every check names the field, the expected and the actual value,
 * so a refused request tells the caller exactly what to fix. These run before any rule, so a
 * malformed operation never reaches the balances.
 */
import type { DomainError } from '../shared/index.ts';
import {
  ADJUSTMENT_REASONS,
  PICK_REASONS,
  RECEIPT_REASONS,
  RELEASE_REASONS,
  RESERVE_REASONS,
  WRITE_OFF_REASONS,
  type Operation,
} from './types.ts';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a real calendar day written `YYYY-MM-DD` (read digit by digit: every pick's `asOf` passes here). */
export function isIsoDay(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 7);
  const d = digits(value, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

/** The number written by the ASCII digits value[from, to), or -1 when one is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = value.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function invalid(field: string, expected: unknown, actual: unknown, what: string): DomainError {
  return { code: 'validation_failed', message: `${field}: expected ${what}, got ${JSON.stringify(actual)}`, field, expected, actual };
}

function positiveInt(field: string, v: unknown): DomainError | null {
  return Number.isSafeInteger(v) && (v as number) > 0 ? null : invalid(field, 'integer > 0', v, 'an integer > 0');
}

function nonNegativeInt(field: string, v: unknown): DomainError | null {
  return Number.isSafeInteger(v) && (v as number) >= 0 ? null : invalid(field, 'integer >= 0', v, 'an integer >= 0');
}

function nonZeroInt(field: string, v: unknown): DomainError | null {
  return Number.isSafeInteger(v) && v !== 0 ? null : invalid(field, 'integer != 0', v, 'a non-zero integer');
}

function id(field: string, v: unknown): DomainError | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? null : invalid(field, 'non-empty string', v, 'a non-empty id');
}

function lotCode(field: string, v: unknown): DomainError | null {
  return typeof v === 'string' && v.length <= 100 ? null : invalid(field, 'string (empty for untracked stock)', v, 'a lot code');
}

function day(field: string, v: unknown): DomainError | null {
  return isIsoDay(v) ? null : invalid(field, 'YYYY-MM-DD', v, 'a date YYYY-MM-DD');
}

function oneOf(field: string, allowed: readonly string[], v: unknown): DomainError | null {
  return typeof v === 'string' && allowed.includes(v) ? null : invalid(field, allowed, v, `one of ${allowed.join(', ')}`);
}

/**
 * Returns the first problem with the operation's fields, or null when they are all well formed.
 * Checks run in field order and stop at the first problem (`??` chains: every posting passes here).
 */
export function validateOperation(op: Operation): DomainError | null {
  const base = id('key', op.key);
  if (base) return base;
  switch (op.kind) {
    case 'receipt':
      return (
        id('nodeId', op.nodeId) ??
        id('itemId', op.itemId) ??
        positiveInt('quantity', op.quantity) ??
        oneOf('reason', RECEIPT_REASONS, op.reason) ??
        (op.lot === undefined ? null : id('lot.code', op.lot?.code) ?? day('lot.expiryDate', op.lot?.expiryDate))
      );
    case 'reserve':
      return (
        id('nodeId', op.nodeId) ??
        id('itemId', op.itemId) ??
        positiveInt('quantity', op.quantity) ??
        id('reservationId', op.reservationId) ??
        (op.reason === undefined ? null : oneOf('reason', RESERVE_REASONS, op.reason))
      );
    case 'release':
      return (
        id('reservationId', op.reservationId) ??
        (op.quantity === undefined ? null : positiveInt('quantity', op.quantity)) ??
        (op.reason === undefined ? null : oneOf('reason', RELEASE_REASONS, op.reason))
      );
    case 'pick':
      return (
        id('nodeId', op.nodeId) ??
        id('itemId', op.itemId) ??
        positiveInt('quantity', op.quantity) ??
        (op.reservationId === undefined ? null : id('reservationId', op.reservationId)) ??
        (op.reason === undefined ? null : oneOf('reason', PICK_REASONS, op.reason)) ??
        (op.asOf === undefined ? null : day('asOf', op.asOf))
      );
    case 'transfer_out': {
      const head =
        id('transferId', op.transferId) ??
        id('fromNodeId', op.fromNodeId) ??
        id('toNodeId', op.toNodeId) ??
        (op.asOf === undefined ? null : day('asOf', op.asOf));
      if (head) return head;
      if (op.fromNodeId === op.toNodeId) return invalid('toNodeId', 'a node other than fromNodeId', op.toNodeId, 'a different node');
      if (!Array.isArray(op.lines) || op.lines.length === 0) return invalid('lines', 'at least one line', op.lines, 'at least one line');
      const seen = new Set<string>();
      for (let i = 0; i < op.lines.length; i++) {
        const l = op.lines[i];
        const e = id(`lines.${i}.itemId`, l.itemId) ?? positiveInt(`lines.${i}.quantity`, l.quantity);
        if (e) return e;
        if (seen.has(l.itemId)) return invalid(`lines.${i}.itemId`, 'each item once', l.itemId, 'an item not already on the transfer');
        seen.add(l.itemId);
      }
      return null;
    }
    case 'transfer_in': {
      const head = id('transferId', op.transferId);
      if (head) return head;
      if (!Array.isArray(op.lines) || op.lines.length === 0) return invalid('lines', 'at least one line', op.lines, 'at least one line');
      for (let i = 0; i < op.lines.length; i++) {
        const l = op.lines[i];
        const e = id(`lines.${i}.itemId`, l.itemId) ?? nonNegativeInt(`lines.${i}.receivedQuantity`, l.receivedQuantity);
        if (e) return e;
      }
      return null;
    }
    case 'adjustment':
      return (
        id('nodeId', op.nodeId) ??
        id('itemId', op.itemId) ??
        (op.lotCode === undefined ? null : lotCode('lotCode', op.lotCode)) ??
        nonZeroInt('quantityDelta', op.quantityDelta) ??
        oneOf('reasonCode', ADJUSTMENT_REASONS, op.reasonCode) ??
        (op.expiryDate === undefined ? null : day('expiryDate', op.expiryDate))
      );
    case 'write_off':
      return (
        id('nodeId', op.nodeId) ??
        id('itemId', op.itemId) ??
        lotCode('lotCode', op.lotCode) ??
        positiveInt('quantity', op.quantity) ??
        oneOf('reason', WRITE_OFF_REASONS, op.reason)
      );
    case 'count_adjustment': {
      const head = id('countId', op.countId) ?? id('nodeId', op.nodeId);
      if (head) return head;
      if (!Array.isArray(op.lines)) return invalid('lines', 'an array', op.lines, 'an array of lines');
      const seen = new Set<string>();
      for (let i = 0; i < op.lines.length; i++) {
        const l = op.lines[i];
        const e =
          id(`lines.${i}.itemId`, l.itemId) ??
          lotCode(`lines.${i}.lotCode`, l.lotCode) ??
          nonZeroInt(`lines.${i}.quantityDelta`, l.quantityDelta) ??
          (l.expiryDate === undefined ? null : day(`lines.${i}.expiryDate`, l.expiryDate));
        if (e) return e;
        const k = `${l.itemId}\u0000${l.lotCode}`;
        if (seen.has(k)) return invalid(`lines.${i}`, 'each item and lot once', l, 'an item and lot not already listed');
        seen.add(k);
      }
      return null;
    }
    default: {
      const kind = (op as { kind: unknown }).kind;
      return invalid('kind', ['receipt', 'reserve', 'release', 'pick', 'transfer_out', 'transfer_in', 'adjustment', 'write_off', 'count_adjustment'], kind, 'a movement kind');
    }
  }
}

/**
 * A canonical JSON text of a value (object keys sorted), so the same operation always hashes the
 * same whatever the key order it arrived with. Used to tell a retry from a reused key.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Every posting goes through here (the in-memory ledger's idempotency check): plain loops.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/**
 * A 53-bit hash of a text (two 32-bit multiplicative lanes): tells a retry from a key reused for
 * a different operation, with a false "same" once in about 2^53 reused keys.
 */
export function hash53(text: string): number {
  const h = new CanonicalHasher();
  h.text(text);
  return h.digest();
}

/**
 * `hash53(canonicalJson(value))`, computed without building the text: the in-memory ledger hashes
 * every operation it posts (a simulated week posts millions), and the text was most of the cost.
 */
export function canonicalHash53(value: unknown): number {
  const h = new CanonicalHasher();
  h.value(value);
  return h.digest();
}

/** Feeds the characters of a canonical JSON text to the two hash lanes, as the text would be written. */
class CanonicalHasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  char(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  text(text: string): void {
    for (let i = 0; i < text.length; i++) this.char(text.charCodeAt(i));
  }

  /** A JSON string literal: quoted, escaped as JSON.stringify does (plain text straight through). */
  string(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
        this.text(JSON.stringify(s));
        return;
      }
    }
    this.char(0x22);
    this.text(s);
    this.char(0x22);
  }

  value(value: unknown): void {
    if (typeof value === 'string') return this.string(value);
    if (typeof value === 'number' && (value | 0) === value && value >= 0) {
      // A non-negative 32-bit integer: its digits, most significant first (what JSON.stringify writes).
      let p = 1;
      while (p * 10 <= value) p *= 10;
      for (; p >= 1; p = (p / 10) | 0) this.char(48 + (Math.floor(value / p) % 10));
      return;
    }
    if (value === null || typeof value !== 'object') return this.text(JSON.stringify(value) ?? 'null');
    if (Array.isArray(value)) {
      this.char(0x5b);
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.char(0x2c);
        this.value(value[i]);
      }
      this.char(0x5d);
      return;
    }
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    this.char(0x7b);
    let first = true;
    for (const k of keys) {
      const v = o[k];
      if (v === undefined) continue;
      if (!first) this.char(0x2c);
      this.string(k);
      this.char(0x3a);
      this.value(v);
      first = false;
    }
    this.char(0x7d);
  }

  digest(): number {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}
