/**
 * Plain typed inputs and outputs of the planning context: the essentials assortment,
 * surge stock targets, net requirements and the sourcing plan.
 *
 * The planning domain depends on no other context's implementation: callers (the store
 * layer, the bench, tests) hand it nodes, items, demand and balances as plain data. The
 * literal unions below mirror the network context's names on purpose, so values from
 * `src/domain/network` fit without conversion.
 */

export const TEMP_CLASSES = ['ambient', 'chilled', 'frozen'] as const;
export type TempClass = (typeof TEMP_CLASSES)[number];

/** 'none' = not in the emergency assortment; 'essential' = stocked at 5x; 'key' = stocked at 10x. */
export type Tier = 'none' | 'essential' | 'key';

export type PlanningNodeKind =
  | 'store'
  | 'satellite_warehouse'
  | 'emergency_warehouse'
  | 'distribution_centre'
  | 'processing_centre'
  | 'supplier';

export type PlanningNodeStatus = 'open' | 'online_only' | 'suspended' | 'closed';

/** Storage space per temperature class, in cm³ of goods it can hold. */
export type StorageCm3 = Record<TempClass, number>;

export interface PlanningNode {
  id: string;
  kind: PlanningNodeKind;
  status: PlanningNodeStatus;
  lat: number;
  lng: number;
  storageCm3: StorageCm3;
}

export interface PlanningItem {
  id: string;
  name: string;
  category: string;
  tempClass: TempClass;
  /** Volume of one unit, in cm³ (0 means "negligible": it does not count against storage). */
  volumeCm3: number;
  /** Tier from the catalogue or the assortment; defaults to 'none'. */
  tier?: Tier;
  /** Days the item keeps once received (for `Multipliers.capAtShelfLife`). */
  shelfLifeDays?: number;
}

/** Normal (pre-crisis) daily demand of one item at one node, in the item's unit. */
export interface BaselineDemand {
  nodeId: string;
  itemId: string;
  dailyUnits: number;
}

/** A ledger balance: stock on the shelf, reserved for orders or transfers, and inbound. */
export interface Balance {
  nodeId: string;
  itemId: string;
  onHand: number;
  reserved: number;
  inbound: number;
  /** A floor below which a giver never goes, on top of its target (default 0). */
  safetyStock?: number;
}

/** A distribution-centre shipment, planned or in transit, that could be diverted. */
export interface DcShipment {
  id: string;
  fromNodeId: string;
  toNodeId: string;
  itemId: string;
  quantity: number;
  status: 'planned' | 'in_transit';
}

export interface Supplier {
  id: string;
  name: string;
  /** Units the supplier can ship in one day, over all items and modes. */
  dailyCapacityUnits: number;
}

/** What one supplier sells of one item and on which terms. */
export interface SupplierItem {
  supplierId: string;
  itemId: string;
  /** Orders are whole packs. */
  packSize: number;
  /** Minimum order quantity per order line, in units (0 = none). */
  moqUnits: number;
  /** Normal lead time, hours from order to arrival. */
  leadTimeH: number;
  /** Expedited lead time in hours, or null when the supplier cannot expedite. */
  expeditedLeadTimeH: number | null;
  /** Extra cost per unit when expedited. */
  expeditePremiumFenPerUnit: number;
  /** Delivery cost per unit (both modes). */
  deliveryFenPerUnit: number;
}

/** Surge multipliers by tier, with optional per-node overrides. */
export interface Multipliers {
  essential: number;
  key: number;
  byNode?: Record<string, Partial<{ essential: number; key: number }>>;
  /**
   * Never more days of cover than an item keeps: its multiplier is at most its shelf life less
   * one day (the day it arrives), so a surge never stocks fresh goods that must be written off
   * before they can sell at the baseline rate. Items with no shelf life given are not capped.
   */
  capAtShelfLife?: boolean;
}

export const DEFAULT_MULTIPLIERS: Multipliers = { essential: 5, key: 10 };

/** A surge stock target for one node and item. */
export interface StockTarget {
  nodeId: string;
  itemId: string;
  tier: Exclude<Tier, 'none'>;
  baselineDailyUnits: number;
  multiplier: number;
  /** baseline × multiplier, before the storage cap. */
  uncappedUnits: number;
  targetUnits: number;
  /** targetUnits / baseline, one decimal (0 when the baseline is 0). */
  daysOfCover: number;
  /** Set when the node's storage of this temperature class cut the target. */
  cappedBy: TempClass | null;
}

export interface NetRequirement {
  nodeId: string;
  itemId: string;
  targetUnits: number;
  onHand: number;
  inbound: number;
  reserved: number;
  /** onHand + inbound − reserved. */
  positionUnits: number;
  /** max(0, target − position). */
  needUnits: number;
  /** max(0, position − target − safety stock). */
  surplusUnits: number;
}
