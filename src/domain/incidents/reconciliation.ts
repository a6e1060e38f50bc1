/**
 * The nightly reconciliation the seed's team did by hand until 4 a.m.: per node and operating
 * day, what was asked for, sent, received, sold, written off and counted, and where those
 * disagree. Pure: the caller collects the figures (set-based from the ledger's movements and the
 * sourcing documents, or from a simulation).
 */
export interface DayFigures {
  nodeId: string;
  day: string;
  /** Units asked for: lines of the sourcing documents issued that day to the node. */
  asked: number;
  /** Units shipped toward the node that day (transfer out at the senders naming it). */
  sent: number;
  /** Units received (receipts and transfer receipts); opening balances are not receipts. */
  received: number;
  sold: number;
  writtenOff: number;
  /** Net count adjustment posted (counted minus book). */
  countedDelta: number;
  /** Received minus shipped on transfer receipts. */
  transferVariance: number;
  /** Units this node shipped out (transfer out), for the stock flow. */
  shippedOut?: number;
  /** Opening balances posted that day (stock already there, loaded into the ledger). */
  openingBalance?: number;
  /** Manual adjustments (on-hand delta). */
  adjusted?: number;
  /** Ledger movements of the node that day. */
  movements?: number;
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
    const delivered = Math.max(r.sent, r.received);
    if (r.asked > 0 && r.asked > delivered) d.push({ kind: 'asked_not_sent', quantity: r.asked - delivered, message: `${r.asked - delivered} units asked for but not (yet) sent or received` });
    if (r.sent > r.received) d.push({ kind: 'sent_not_received', quantity: r.sent - r.received, message: `${r.sent - r.received} units sent but not (yet) received` });
    if (r.transferVariance !== 0) d.push({ kind: 'transfer_variance', quantity: r.transferVariance, message: `transfer receipts differ from what was shipped by ${r.transferVariance}` });
    if (r.countedDelta !== 0) d.push({ kind: 'count_variance', quantity: r.countedDelta, message: `stock count differs from the book by ${r.countedDelta}` });
    if (r.openingOnHand !== undefined && r.closingOnHand !== undefined) {
      const expected = r.openingOnHand + (r.openingBalance ?? 0) + r.received - (r.shippedOut ?? 0) - r.sold - r.writtenOff + r.countedDelta + (r.adjusted ?? 0);
      if (expected !== r.closingOnHand) d.push({ kind: 'stock_flow', quantity: r.closingOnHand - expected, message: `closing stock ${r.closingOnHand} but opening + in − out = ${expected}` });
    }
    return { ...r, differences: d };
  });
}

/** Columns of the reconciliation report (the .xlsx export and the web's table), in order. */
export const RECONCILIATION_COLUMNS = ['day', 'nodeId', 'asked', 'sent', 'received', 'sold', 'writtenOff', 'countedDelta', 'transferVariance', 'shippedOut', 'openingBalance', 'adjusted', 'openingOnHand', 'closingOnHand', 'movements'] as const;
