/**
 * The nightly reconciliation the seed's team did by hand until 4 a.m.: per node
 * and day, what was asked for, sent, received, sold, written off and counted,
 * and where those disagree. Pure: the caller collects the figures (from the
 * ledger's movements and the sourcing documents, or from a simulation).
 */
export interface DayFigures {
  nodeId: string;
  day: string;
  /** Units asked for (replenishment, transfer and purchase order lines to the node). */
  asked: number;
  /** Units shipped toward the node (transfer out at the sender). */
  sent: number;
  received: number;
  sold: number;
  writtenOff: number;
  /** Net count adjustment posted (counted minus book). */
  countedDelta: number;
  /** Received minus shipped on transfer receipts. */
  transferVariance: number;
  openingOnHand?: number;
  closingOnHand?: number;
}

export interface Difference {
  kind: 'asked_not_sent' | 'sent_not_received' | 'transfer_variance' | 'count_variance' | 'stock_flow';
  quantity: number;
  message: string;
}

export interface ReconciliationLine extends DayFigures {
  differences: Difference[];
}

export function reconcile(rows: readonly DayFigures[]): ReconciliationLine[] {
  return rows.map((r) => {
    const d: Difference[] = [];
    if (r.asked > r.sent + r.received && r.asked > 0) d.push({ kind: 'asked_not_sent', quantity: r.asked - Math.max(r.sent, r.received), message: `${r.asked - Math.max(r.sent, r.received)} units asked for but not sent` });
    if (r.sent > r.received) d.push({ kind: 'sent_not_received', quantity: r.sent - r.received, message: `${r.sent - r.received} units sent but not (yet) received` });
    if (r.transferVariance !== 0) d.push({ kind: 'transfer_variance', quantity: r.transferVariance, message: `transfer receipts differ from what was shipped by ${r.transferVariance}` });
    if (r.countedDelta !== 0) d.push({ kind: 'count_variance', quantity: r.countedDelta, message: `stock count differs from the book by ${r.countedDelta}` });
    if (r.openingOnHand !== undefined && r.closingOnHand !== undefined) {
      const expected = r.openingOnHand + r.received - r.sold - r.writtenOff + r.countedDelta;
      if (expected !== r.closingOnHand) d.push({ kind: 'stock_flow', quantity: r.closingOnHand - expected, message: `closing stock ${r.closingOnHand} but opening + in − out = ${expected}` });
    }
    return { ...r, differences: d };
  });
}
