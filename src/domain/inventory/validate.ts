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

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isIsoDay(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DAY.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
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

function optional(v: unknown, check: () => DomainError | null): DomainError | null {
  return v === undefined ? null : check();
}

/** Returns the first problem with the operation's fields, or null when they are all well formed. */
export function validateOperation(op: Operation): DomainError | null {
  const first = (...checks: (DomainError | null)[]): DomainError | null => checks.find((c) => c !== null) ?? null;
  const base = first(id('key', op.key));
  if (base) return base;
  switch (op.kind) {
    case 'receipt':
      return first(
        id('nodeId', op.nodeId),
        id('itemId', op.itemId),
        positiveInt('quantity', op.quantity),
        oneOf('reason', RECEIPT_REASONS, op.reason),
        optional(op.lot, () => first(id('lot.code', op.lot?.code), day('lot.expiryDate', op.lot?.expiryDate))),
      );
    case 'reserve':
      return first(
        id('nodeId', op.nodeId),
        id('itemId', op.itemId),
        positiveInt('quantity', op.quantity),
        id('reservationId', op.reservationId),
        optional(op.reason, () => oneOf('reason', RESERVE_REASONS, op.reason)),
      );
    case 'release':
      return first(
        id('reservationId', op.reservationId),
        optional(op.quantity, () => positiveInt('quantity', op.quantity)),
        optional(op.reason, () => oneOf('reason', RELEASE_REASONS, op.reason)),
      );
    case 'pick':
      return first(
        id('nodeId', op.nodeId),
        id('itemId', op.itemId),
        positiveInt('quantity', op.quantity),
        optional(op.reservationId, () => id('reservationId', op.reservationId)),
        optional(op.reason, () => oneOf('reason', PICK_REASONS, op.reason)),
        optional(op.asOf, () => day('asOf', op.asOf)),
      );
    case 'transfer_out': {
      const head = first(
        id('transferId', op.transferId),
        id('fromNodeId', op.fromNodeId),
        id('toNodeId', op.toNodeId),
        optional(op.asOf, () => day('asOf', op.asOf)),
      );
      if (head) return head;
      if (op.fromNodeId === op.toNodeId) return invalid('toNodeId', 'a node other than fromNodeId', op.toNodeId, 'a different node');
      if (!Array.isArray(op.lines) || op.lines.length === 0) return invalid('lines', 'at least one line', op.lines, 'at least one line');
      const seen = new Set<string>();
      for (let i = 0; i < op.lines.length; i++) {
        const l = op.lines[i];
        const e = first(id(`lines.${i}.itemId`, l.itemId), positiveInt(`lines.${i}.quantity`, l.quantity));
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
        const e = first(id(`lines.${i}.itemId`, l.itemId), nonNegativeInt(`lines.${i}.receivedQuantity`, l.receivedQuantity));
        if (e) return e;
      }
      return null;
    }
    case 'adjustment':
      return first(
        id('nodeId', op.nodeId),
        id('itemId', op.itemId),
        optional(op.lotCode, () => lotCode('lotCode', op.lotCode)),
        nonZeroInt('quantityDelta', op.quantityDelta),
        oneOf('reasonCode', ADJUSTMENT_REASONS, op.reasonCode),
        optional(op.expiryDate, () => day('expiryDate', op.expiryDate)),
      );
    case 'write_off':
      return first(
        id('nodeId', op.nodeId),
        id('itemId', op.itemId),
        lotCode('lotCode', op.lotCode),
        positiveInt('quantity', op.quantity),
        oneOf('reason', WRITE_OFF_REASONS, op.reason),
      );
    case 'count_adjustment': {
      const head = first(id('countId', op.countId), id('nodeId', op.nodeId));
      if (head) return head;
      if (!Array.isArray(op.lines)) return invalid('lines', 'an array', op.lines, 'an array of lines');
      const seen = new Set<string>();
      for (let i = 0; i < op.lines.length; i++) {
        const l = op.lines[i];
        const e = first(
          id(`lines.${i}.itemId`, l.itemId),
          lotCode(`lines.${i}.lotCode`, l.lotCode),
          nonZeroInt(`lines.${i}.quantityDelta`, l.quantityDelta),
          optional(l.expiryDate, () => day(`lines.${i}.expiryDate`, l.expiryDate)),
        );
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
