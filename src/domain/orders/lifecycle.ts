/** The order lifecycle: allowed transitions, which states hold a reservation, and packed-quantity checks. */
import { err, ok, type Result } from '../shared/index.ts';
import type { OrderStatus } from './types.ts';

/**
 * The order lifecycle, driven through the stock ledger:
 *   placed (stock reserved) → picking (pick list with first-expired-first-out lots)
 *   → packed (picked quantities leave stock; short picks shrink the order and release the rest)
 *   → out_for_delivery → delivered.
 * Cancelling is allowed until the goods are packed and releases what the order still holds;
 * after packing the goods have left the shelf and come back only as a return.
 */
export type OrderEvent = 'start_picking' | 'pack' | 'dispatch' | 'deliver' | 'cancel';

const NEXT: Record<OrderEvent, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  start_picking: { from: ['placed'], to: 'picking' },
  pack: { from: ['placed', 'picking'], to: 'packed' },
  dispatch: { from: ['packed'], to: 'out_for_delivery' },
  deliver: { from: ['out_for_delivery'], to: 'delivered' },
  cancel: { from: ['placed', 'picking'], to: 'cancelled' },
};

export const ORDER_EVENTS = Object.keys(NEXT) as OrderEvent[];

/** The status after `event`, or a `not_allowed` error naming the current status. */
export function transition(orderId: string, from: OrderStatus, event: OrderEvent): Result<OrderStatus> {
  const rule = NEXT[event];
  if (!rule.from.includes(from)) {
    return err({
      code: 'not_allowed',
      message: `order ${orderId} is ${from}; '${event}' needs it to be ${rule.from.join(' or ')}`,
      field: 'status',
      expected: rule.from,
      actual: from,
    });
  }
  return ok(rule.to);
}

/** Does this status still hold a reservation in the ledger? */
export const holdsReservation = (s: OrderStatus): boolean => s === 'placed' || s === 'picking';

export interface PackLine {
  itemId: string;
  reserved: number;
  picked: number;
}

/**
 * Checks picked quantities against what each line reserved: a picker can pick less (a short pick:
 * damaged or missing goods) but never more than the customer ordered.
 */
export function checkPackedQuantities(orderId: string, lines: readonly PackLine[]): Result<Array<PackLine & { shortBy: number }>> {
  const out: Array<PackLine & { shortBy: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!Number.isInteger(l.picked) || l.picked < 0 || l.picked > l.reserved) {
      return err({
        code: 'validation_failed',
        message: `order ${orderId}: picked quantity of ${l.itemId} must be a whole number between 0 and the ${l.reserved} ordered`,
        field: `lines.${i}.pickedQuantity`,
        expected: `integer in [0, ${l.reserved}]`,
        actual: l.picked,
      });
    }
    out.push({ ...l, shortBy: l.reserved - l.picked });
  }
  return ok(out);
}
