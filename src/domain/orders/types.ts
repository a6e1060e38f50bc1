/**
 * The orders context's vocabulary.
 *
 * A customer's request (`OrderRequest`) names an address, lines, a delivery slot and what the
 * customer allows (substitution, splitting across nodes, partial acceptance). Placing it yields a
 * `PlacementOutcome`: zero or more accepted `OrderPlan`s (one per fulfilling node) and, for each
 * line not accepted, a `LineRejection` saying why. Accepted orders then move through the
 * lifecycle `placed → picking → packed → out_for_delivery → delivered` (or `cancelled`).
 *
 * Times are epoch milliseconds (`...AtMs`) or ISO strings at the edges; quantities are integers in
 * the item's unit; a service day is a local calendar day `YYYY-MM-DD`.
 */
import type { DropPoint } from '../zones/index.ts';

export const ORDER_STATUSES = ['placed', 'picking', 'packed', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why a line or a whole order was refused, in precedence order (the first that applies is reported). */
export const REJECTION_CODES = [
  'validation_failed',
  'zone_not_served',
  'node_not_trading',
  'window_closed',
  'slot_full',
  'over_purchase_limit',
  'insufficient_stock',
  'group_too_small',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface OrderLineRequest {
  itemId: string;
  quantity: number;
}

export interface Address {
  lat: number;
  lng: number;
  /**
   * The household the address belongs to (compound + building + unit + room, in any stable
   * spelling). Purchase limits per household count against it; when absent, the address rounded to
   * about 10 m stands for the household.
   */
  householdId?: string;
  /** The residential compound (小区), used to pick the drop point under lockdown. */
  compound?: string;
}

export interface OrderRequest {
  customerId: string;
  address: Address;
  lines: OrderLineRequest[];
  /** The start of the delivery slot the customer chose (epoch ms). */
  slotStartMs: number;
  /** Suggest same-category substitutes for lines that cannot be served. Default true. */
  allowSubstitution: boolean;
  /** Let the order be split across nodes when no single node can serve every line. Default false. */
  allowSplit: boolean;
  /** Accept the lines that can be served when others cannot. Default true. */
  acceptPartial: boolean;
}

/** What a zone lookup tells the placement about an address. */
export interface RoutingInfo {
  zoneId: string;
  servingNodeId: string | null;
  backupNodeIds: readonly string[];
  underLockdown: boolean;
  dropPoint?: DropPoint;
}

export type DeliveryMode = 'door' | 'drop_point';

export interface PlannedLine {
  itemId: string;
  quantity: number;
}

/** One order the placement accepted: the lines one node reserves for one slot. */
export interface OrderPlan {
  nodeId: string;
  slotStartMs: number;
  serviceDay: string;
  lines: PlannedLine[];
  deliveryMode: DeliveryMode;
  dropPoint?: DropPoint;
}

export interface Substitute {
  itemId: string;
  available: number;
}

export interface LineRejection {
  /** Index into the request's lines. */
  line: number;
  itemId: string;
  quantity: number;
  code: RejectionCode;
  message: string;
  /** insufficient_stock: what is left at the best node; over_purchase_limit: what the limit still allows. */
  available?: number;
  limitRemaining?: number;
  substitutes?: Substitute[];
}

export interface NodeRefusal {
  nodeId: string;
  code: RejectionCode;
  message: string;
}

export type PlacementStatus = 'accepted' | 'partially_accepted' | 'rejected';

export interface PlacementOutcome {
  status: PlacementStatus;
  /** Set when the whole order was refused: the reason that governs. */
  code?: RejectionCode;
  message: string;
  zoneId?: string;
  orders: OrderPlan[];
  rejectedLines: LineRejection[];
  /** Why candidate nodes could not take the order (for the answer and the logs). */
  nodeRefusals: NodeRefusal[];
}
