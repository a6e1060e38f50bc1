/**
 * Purchase limits (限购): caps per customer and per household, per item, per service day, so that
 * in a crisis one customer cannot take what the limits give to many.
 *
 * A `PurchaseLimitPolicy` answers "how many units of this item may one customer (one household)
 * buy for one day"; `null` means no cap. The default caps by essential tier (key essentials
 * tightest); per-item overrides set by operators take precedence. Counters are kept by the store
 * and checked by the placement under the same locks as stock.
 */
export interface LimitItem {
  itemId: string;
  category: string;
  essentialTier: 'none' | 'essential' | 'key';
}

export interface ItemLimit {
  perCustomerPerDay: number | null;
  perHouseholdPerDay: number | null;
}

export interface PurchaseLimitPolicy {
  limitFor(item: LimitItem): ItemLimit;
}

export interface TierLimits {
  key: ItemLimit;
  essential: ItemLimit;
  none: ItemLimit;
}

/** The default caps: key essentials 5 per customer and 10 per household a day; other essentials 10 / 20; the rest uncapped. */
export const DEFAULT_TIER_LIMITS: TierLimits = {
  key: { perCustomerPerDay: 5, perHouseholdPerDay: 10 },
  essential: { perCustomerPerDay: 10, perHouseholdPerDay: 20 },
  none: { perCustomerPerDay: null, perHouseholdPerDay: null },
};

/** Caps by tier, with per-item overrides (an override replaces both caps of its item). */
export class TierPurchaseLimitPolicy implements PurchaseLimitPolicy {
  constructor(
    private readonly tiers: TierLimits = DEFAULT_TIER_LIMITS,
    private readonly overrides: ReadonlyMap<string, ItemLimit> = new Map(),
  ) {}

  limitFor(item: LimitItem): ItemLimit {
    return this.overrides.get(item.itemId) ?? this.tiers[item.essentialTier] ?? this.tiers.none;
  }
}

/** No caps at all (normal times, and benchmarks that measure stock contention alone). */
export const NO_LIMITS: PurchaseLimitPolicy = { limitFor: () => ({ perCustomerPerDay: null, perHouseholdPerDay: null }) };

/** What a cap still allows given what was already bought; Infinity when uncapped. */
export function remainingAllowance(limit: ItemLimit, boughtByCustomer: number, boughtByHousehold: number): number {
  const c = limit.perCustomerPerDay === null ? Infinity : limit.perCustomerPerDay - boughtByCustomer;
  const h = limit.perHouseholdPerDay === null ? Infinity : limit.perHouseholdPerDay - boughtByHousehold;
  return Math.max(0, Math.min(c, h));
}

/** The household key of an address: the given household id, else the position rounded to ~10 m. */
export function householdKey(address: { lat: number; lng: number; householdId?: string }): string {
  if (address.householdId) return `h:${address.householdId}`;
  return `geo:${address.lat.toFixed(4)},${address.lng.toFixed(4)}`;
}
