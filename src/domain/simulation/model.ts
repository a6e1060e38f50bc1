/**
 * What the engine runs: a city (nodes, items, zones, the item mix), the events
 * the world imposes (control areas, demand surges) and one response policy.
 * Everything is plain data, already checked (see scenario.ts for the file format
 * and its validation); times are seconds since 00:00 of day 0.
 */
import type { NodeStatus, TemperatureClass, EssentialTier, NodeKind } from '../network/index.ts';

export interface SimNode {
  id: string;
  kind: NodeKind;
  lat: number;
  lng: number;
  status: NodeStatus;
  /** Online orders a day the node can take at most (0 = not a delivery node). */
  dailyOrderCapacity: number;
  maxDeliveryRadiusM: number;
  /** Storage per temperature class in cm³ of goods (0 = unlimited). */
  storageCm3: Record<TemperatureClass, number>;
  /** Minutes after midnight when online ordering opens and closes at this node. */
  opensMin: number;
  closesMin: number;
  /** Present only from this time (a node opened during the run, e.g. the emergency warehouse). */
  existsFromS?: number;
}

export interface SimItem {
  id: string;
  tier: EssentialTier;
  temperatureClass: TemperatureClass;
  shelfLifeDays: number;
  volumeCm3: number;
}

export interface SimZone {
  id: string;
  lat: number;
  lng: number;
  /** Online orders a day in normal times. */
  ordersPerDay: number;
  /** Nodes serving the zone, primary first. */
  nodeIds: string[];
}

export interface StaffLevel {
  nodeId: string;
  staff: number;
  /** Orders picked and packed per staff-hour. */
  ordersPerStaffHour: number;
  shiftStartMin: number;
  shiftEndMin: number;
}

export interface Wave {
  /** Minutes after midnight when the trucks leave the source. */
  departMin: number;
  classes: TemperatureClass[];
  leadTimeMin: number;
}

export interface TierNumbers {
  none: number;
  essential: number;
  key: number;
}

export interface Replenishment {
  /** Stock target = expected daily units × this, per tier (days of cover). */
  coverDays: TierNumbers;
  waves: Wave[];
}

export interface Fleet {
  sourceNodeId: string;
  coldTripCapacityCm3: number;
  ambientTripCapacityCm3: number;
  coolantPacksPerColdTrip: number;
  /** Road distance over straight-line distance. */
  roadFactor: number;
  /** Units the source can ship in one day, all nodes together. */
  dailyUnits: number;
}

export interface DemandModel {
  /** Weights of the 24 hours of the day. */
  hourlyProfile: number[];
  /** Mean order lines per order (at least 1). */
  linesPerOrder: number;
  /** Probability that a line asks for 2 units instead of 1. */
  twoUnitShare: number;
  /** Minutes from reservation to pick. */
  pickDelayMin: number;
  /** How many hours later than asked an order may be slotted before it is refused. */
  maxSlotDelayH: number;
}

/** A change the world or the response makes, at a time. */
export type SimAction =
  | { kind: 'node_status'; atS: number; nodeId: string; status: NodeStatus; reason: string }
  | { kind: 'open_node'; atS: number; nodeId: string; reason: string }
  | { kind: 'zones'; atS: number; zoneIds: string[]; nodeIds: string[]; reason: string }
  | { kind: 'demand'; atS: number; ordersMultiplier: number; tierMultipliers: TierNumbers; reason: string }
  | { kind: 'staff'; atS: number; level: StaffLevel; reason: string }
  | { kind: 'capacity'; atS: number; nodeId: string; dailyOrderCapacity: number; reason: string }
  | { kind: 'replenishment'; atS: number; replenishment: Replenishment; reason: string }
  /** Goods a sourcing document brings to a node, arriving at `atS` (its lead time already counted). */
  | { kind: 'delivery'; atS: number; nodeId: string; lines: Array<{ itemId: string; quantity: number }>; reason: string }
  /**
   * Goods a sourcing transfer sends from one node to another: they leave at `atS` as far as the
   * giver has them (a store's available stock; the fleet's source within its daily units) and
   * arrive at `arriveAtS`. What the giver lacks is not sent, and a giver that does not trade then (a
   * store the lockdown suspends: sealed, nobody picks there) sends nothing.
   */
  | { kind: 'transfer'; atS: number; fromNodeId: string; toNodeId: string; arriveAtS: number; lines: Array<{ itemId: string; quantity: number }>; reason: string }
  /**
   * The orders a node can pick and pack hour by hour from `atS` (a whole hour), as a roster gives
   * them (the slot capacity apply would set); after the last hour the node's staff model again.
   */
  | { kind: 'slot_capacity'; atS: number; nodeId: string; ordersPerHour: number[]; staffPerHour?: number[]; reason: string };

/**
 * A response policy as data: the chain's own actions (status changes, zone
 * reassignment, staff, replenishment targets and waves), timed. "No response" is a
 * policy with no actions. The incident context turns a response plan into one.
 */
export interface ResponsePolicy {
  name: string;
  actions: SimAction[];
}

export interface SimInput {
  name: string;
  /** ISO day of day 0. */
  startDate: string;
  days: number;
  seed: number;
  nodes: SimNode[];
  items: SimItem[];
  /** Share of units by item (same order as items), the district's item mix. */
  itemMix: number[];
  zones: SimZone[];
  demand: DemandModel;
  /** Mean units per order line, derived from twoUnitShare. */
  staff: StaffLevel[];
  fleet: Fleet;
  /** Replenishment in normal times (before any policy action changes it). */
  replenishment: Replenishment;
  /** Stock at the start, in days of expected demand, per tier. */
  openingCoverDays: TierNumbers;
  /** What the world does (the same for every policy compared). */
  imposed: SimAction[];
  policy: ResponsePolicy;
}

export const SECONDS_PER_DAY = 86_400;
export const tierIndex = (t: EssentialTier): 0 | 1 | 2 => (t === 'key' ? 2 : t === 'essential' ? 1 : 0);
export const TIERS: readonly EssentialTier[] = ['none', 'essential', 'key'];
