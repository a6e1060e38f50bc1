/** Parsing an order's wire form into an OrderRequest, naming the first bad field. */
import { err, ok, type DomainError, type Result } from '../shared/index.ts';
import type { OrderLineRequest, OrderRequest } from './types.ts';

/**
 * Turns the order's wire form into an `OrderRequest`, or names the first bad field with the
 * expected and the actual value. The HTTP schema already checks types; this checks what a schema
 * cannot say (a parsable slot time, no item twice, sensible sizes), and is the one parser the CLI,
 * the simulation and the API share.
 */
export interface OrderInput {
  customerId: string;
  address: { lat: number; lng: number; householdId?: string; compound?: string };
  lines: OrderLineRequest[];
  /** ISO 8601 instant, e.g. 2022-06-23T07:00:00+08:00. */
  slotStart: string;
  allowSubstitution?: boolean;
  allowSplit?: boolean;
  acceptPartial?: boolean;
}

export const MAX_LINES = 50;
export const MAX_LINE_QUANTITY = 1000;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

const bad = (field: string, message: string, expected: unknown, actual: unknown): Result<never> => err({ code: 'validation_failed', message, field, expected, actual });

export function parseLines(lines: unknown, field = 'lines'): Result<OrderLineRequest[]> {
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
    return bad(field, `an order has 1 to ${MAX_LINES} lines`, `1..${MAX_LINES} lines`, Array.isArray(lines) ? `${lines.length} lines` : typeof lines);
  }
  const seen = new Map<string, number>();
  const out: OrderLineRequest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as OrderLineRequest;
    if (typeof l?.itemId !== 'string' || !ID.test(l.itemId)) return bad(`${field}.${i}.itemId`, 'itemId must be an item code', 'an item code', l?.itemId);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_LINE_QUANTITY) {
      return bad(`${field}.${i}.quantity`, `quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}`, `integer in [1, ${MAX_LINE_QUANTITY}]`, l.quantity);
    }
    const prior = seen.get(l.itemId);
    if (prior !== undefined) return bad(`${field}.${i}.itemId`, `item ${l.itemId} is already on line ${prior}: put the whole quantity on one line`, 'each item once', l.itemId);
    seen.set(l.itemId, i);
    out.push({ itemId: l.itemId, quantity: l.quantity });
  }
  return ok(out);
}

export function parseSlotStart(value: unknown, field = 'slotStart'): Result<number> {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return bad(field, 'slotStart must be an ISO 8601 date and time', 'e.g. 2022-06-23T07:00:00+08:00', value);
  return ok(ms);
}

export function parseAddress(a: OrderInput['address'] | undefined, field = 'address'): Result<OrderRequest['address']> {
  if (!a || typeof a !== 'object') return bad(field, 'address is required', '{ lat, lng }', a);
  if (typeof a.lat !== 'number' || !(a.lat >= -90 && a.lat <= 90)) return bad(`${field}.lat`, 'lat must be a WGS84 latitude', 'number in [-90, 90]', a.lat);
  if (typeof a.lng !== 'number' || !(a.lng >= -180 && a.lng <= 180)) return bad(`${field}.lng`, 'lng must be a WGS84 longitude', 'number in [-180, 180]', a.lng);
  const out: OrderRequest['address'] = { lat: a.lat, lng: a.lng };
  if (a.householdId !== undefined) {
    if (typeof a.householdId !== 'string' || a.householdId.length < 1 || a.householdId.length > 200) return bad(`${field}.householdId`, 'householdId must be 1-200 characters', 'string', a.householdId);
    out.householdId = a.householdId;
  }
  if (a.compound !== undefined) {
    if (typeof a.compound !== 'string' || a.compound.length > 200) return bad(`${field}.compound`, 'compound must be at most 200 characters', 'string', a.compound);
    out.compound = a.compound;
  }
  return ok(out);
}

export function parseOrderInput(input: OrderInput): Result<OrderRequest> {
  if (typeof input?.customerId !== 'string' || !ID.test(input.customerId)) return bad('customerId', 'customerId must be a code of letters, digits and _ . : @ -', 'a customer code', input?.customerId);
  const address = parseAddress(input.address);
  if (!address.ok) return address;
  const lines = parseLines(input.lines);
  if (!lines.ok) return lines;
  const slot = parseSlotStart(input.slotStart);
  if (!slot.ok) return slot;
  return ok({
    customerId: input.customerId,
    address: address.value,
    lines: lines.value,
    slotStartMs: slot.value,
    allowSubstitution: input.allowSubstitution ?? true,
    allowSplit: input.allowSplit ?? false,
    acceptPartial: input.acceptPartial ?? true,
  });
}

export function notFoundItem(itemId: string, field: string): DomainError {
  return { code: 'not_found', message: `item ${itemId} does not exist`, field, expected: 'an existing item id', actual: itemId };
}
