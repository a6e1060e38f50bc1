/**
 * First-expired-first-out lot choice. Stock leaves in order of expiry date (earliest first);
 * stock without an expiry date goes last; ties break on the lot code so the choice is the same
 * on every run. Lots already expired on `asOf` are skipped: they are not to be sold or sent, and
 * wait for the expiry write-off.
 */

export interface LotStock {
  lotCode: string;
  expiryDate: string | null;
  onHand: number;
}

export interface LotTake {
  lotCode: string;
  quantity: number;
}

/** Orders lots first-expired-first-out (a new array; the input is not changed). */
export function fefoOrder<T extends { lotCode: string; expiryDate: string | null }>(lots: readonly T[]): T[] {
  return [...lots].sort((a, b) => {
    if (a.expiryDate !== b.expiryDate) {
      if (a.expiryDate === null) return 1;
      if (b.expiryDate === null) return -1;
      return a.expiryDate < b.expiryDate ? -1 : 1;
    }
    return a.lotCode < b.lotCode ? -1 : a.lotCode > b.lotCode ? 1 : 0;
  });
}

/** A lot is expired on `asOf` when its expiry date is before that day. */
export function isExpired(expiryDate: string | null, asOf: string | undefined): boolean {
  return asOf !== undefined && expiryDate !== null && expiryDate < asOf;
}

/** The quantity that may leave: on hand in lots not expired on `asOf`. */
export function sellableQuantity(lots: readonly LotStock[], asOf?: string): number {
  let total = 0;
  for (const l of lots) if (!isExpired(l.expiryDate, asOf) && l.onHand > 0) total += l.onHand;
  return total;
}

/**
 * Takes `quantity` from the lots, first-expired-first-out. Returns the takes, or null when the
 * sellable lots do not hold enough (the caller reports `insufficient_stock`).
 */
export function takeFefo(lots: readonly LotStock[], quantity: number, asOf?: string): LotTake[] | null {
  const takes: LotTake[] = [];
  let left = quantity;
  for (const lot of fefoOrder(lots)) {
    if (left === 0) break;
    if (lot.onHand <= 0 || isExpired(lot.expiryDate, asOf)) continue;
    const q = Math.min(lot.onHand, left);
    takes.push({ lotCode: lot.lotCode, quantity: q });
    left -= q;
  }
  return left === 0 ? takes : null;
}
