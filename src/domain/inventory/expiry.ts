/**
 * The daily expiry job's plan: write off every lot expired on `asOf` (expiry date before that
 * day). Reserved stock is held per node and item, so a write-off may not take on hand below what
 * is reserved; the part of an expired lot that reservations still need is reported as blocked
 * (the orders holding it must be re-allocated or cancelled) rather than breaking the rule.
 */
import { fefoOrder, isExpired } from './fefo.ts';
import type { LedgerState } from './ledger.ts';
import type { WriteOffOp } from './types.ts';

export interface ExpiredLot {
  nodeId: string;
  itemId: string;
  lotCode: string;
  expiryDate: string;
  onHand: number;
  writeOffQuantity: number;
  /** Expired but still needed by reservations: left on hand. */
  blockedQuantity: number;
}

export interface ExpiryPlan {
  asOf: string;
  ops: WriteOffOp[];
  lots: ExpiredLot[];
}

/** Plans the write-offs for every (node, item) held in `state`. Keys are `${keyPrefix}:node:item:lot`. */
export function planExpiryWriteOffs(state: LedgerState, asOf: string, keyPrefix: string): ExpiryPlan {
  const ops: WriteOffOp[] = [];
  const lots: ExpiredLot[] = [];
  const items = [...state.items.values()].sort((a, b) => (a.nodeId === b.nodeId ? (a.itemId < b.itemId ? -1 : 1) : a.nodeId < b.nodeId ? -1 : 1));
  for (const b of items) {
    let free = b.onHand - b.reserved;
    const expired = fefoOrder(state.lotStock(b.nodeId, b.itemId)).filter((l) => l.onHand > 0 && isExpired(l.expiryDate, asOf));
    for (const l of expired) {
      const q = Math.max(0, Math.min(l.onHand, free));
      free -= q;
      lots.push({ nodeId: b.nodeId, itemId: b.itemId, lotCode: l.lotCode, expiryDate: l.expiryDate!, onHand: l.onHand, writeOffQuantity: q, blockedQuantity: l.onHand - q });
      if (q > 0) {
        ops.push({ kind: 'write_off', key: `${keyPrefix}:${b.nodeId}:${b.itemId}:${l.lotCode}`, nodeId: b.nodeId, itemId: b.itemId, lotCode: l.lotCode, quantity: q, reason: 'expired' });
      }
    }
  }
  return { asOf, ops, lots };
}
