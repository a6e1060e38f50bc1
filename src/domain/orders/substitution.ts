/** Substitution policies: which items may be suggested for one a node cannot supply. */
import type { LimitItem } from './limits.ts';
import type { Substitute } from './types.ts';

/**
 * Which items may stand in for one the node cannot supply. The default offers items of the same
 * category that the node holds in the quantity asked for: same essential tier first, then the most
 * available, at most three. Substitutes are suggestions in the answer; the customer orders them
 * (the stock is not held for them), so a suggestion never takes stock from another customer.
 */
export interface SubstitutionPolicy {
  substitutes(wanted: LimitItem, quantity: number, candidates: ReadonlyArray<{ item: LimitItem; available: number }>): Substitute[];
}

export const sameCategorySubstitution: SubstitutionPolicy = {
  substitutes(wanted, quantity, candidates) {
    return candidates
      .filter((c) => c.item.itemId !== wanted.itemId && c.item.category === wanted.category && c.available >= quantity)
      .sort((a, b) => Number(b.item.essentialTier === wanted.essentialTier) - Number(a.item.essentialTier === wanted.essentialTier) || b.available - a.available || (a.item.itemId < b.item.itemId ? -1 : 1))
      .slice(0, 3)
      .map((c) => ({ itemId: c.item.itemId, available: c.available }));
  },
};
