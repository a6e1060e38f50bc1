/**
 * The stock ledger's vocabulary.
 *
 * An `Operation` is what a caller asks for (receive, reserve, pick, transfer, adjust, …); the
 * ledger checks it against the rules and, when it is allowed, posts one or more
 * `MovementLine`s. A movement line touches exactly one node, one item and one lot, and carries
 * the signed effect on each balance column; every balance is the sum of the deltas of its
 * movement lines and nothing else. Reservations are held per node and item (not per lot):
 * lots are chosen first-expired-first-out when stock physically leaves (pick, transfer out).
 *
 * Quantities are integers in the item's unit. Dates are ISO calendar days (`YYYY-MM-DD`); a lot
 * whose expiry date is D may be sold on D and is expired from D+1.
 */

/** The lot code of stock that is not lot-tracked (ambient goods without an expiry date). */
export const NO_LOT = '';

export type MovementKind =
  | 'receipt'
  | 'reserve'
  | 'release'
  | 'pick'
  | 'transfer_out'
  | 'transfer_in'
  | 'adjustment'
  | 'write_off'
  | 'count_adjustment';

export const MOVEMENT_KINDS: readonly MovementKind[] = [
  'receipt',
  'reserve',
  'release',
  'pick',
  'transfer_out',
  'transfer_in',
  'adjustment',
  'write_off',
  'count_adjustment',
];

/** Why a receipt arrived. Transfers are received with `transfer_in`, not as receipts. */
export const RECEIPT_REASONS = [
  'supplier_delivery',
  'expedited_supplier_order',
  'dc_replenishment',
  'dc_diversion',
  'customer_return',
  'opening_balance',
] as const;
export type ReceiptReason = (typeof RECEIPT_REASONS)[number];

export const PICK_REASONS = ['order_pick', 'walk_in_sale'] as const;
export type PickReason = (typeof PICK_REASONS)[number];

export const RESERVE_REASONS = ['order', 'group_order', 'manual_hold'] as const;
export type ReserveReason = (typeof RESERVE_REASONS)[number];

export const RELEASE_REASONS = ['order_cancelled', 'order_changed', 'hold_expired', 'manual'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/** An adjustment outside a count always names one of these. */
export const ADJUSTMENT_REASONS = [
  'damaged',
  'found',
  'lost',
  'theft',
  'quality_hold',
  'data_correction',
  'sample',
] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const WRITE_OFF_REASONS = ['expired', 'spoiled', 'damaged', 'recalled'] as const;
export type WriteOffReason = (typeof WRITE_OFF_REASONS)[number];

export interface LotRef {
  code: string;
  /** `YYYY-MM-DD`, the last day the lot may be sold. */
  expiryDate: string;
}

interface OperationBase {
  /** Idempotency key: the same key with the same operation never posts twice. */
  key: string;
  /** Free text kept with the movements (who, why, in the user's words). */
  note?: string;
}

export interface ReceiptOp extends OperationBase {
  kind: 'receipt';
  nodeId: string;
  itemId: string;
  quantity: number;
  /** Omitted for stock that is not lot-tracked. */
  lot?: LotRef;
  reason: ReceiptReason;
  /** Supplier, purchase order or DC shipment reference. */
  sourceRef?: string;
}

export interface ReserveOp extends OperationBase {
  kind: 'reserve';
  nodeId: string;
  itemId: string;
  quantity: number;
  /** The caller's id for the hold (an order line id); reserving again under it adds to it. */
  reservationId: string;
  reason?: ReserveReason;
}

export interface ReleaseOp extends OperationBase {
  kind: 'release';
  reservationId: string;
  /** Defaults to everything the reservation still holds. */
  quantity?: number;
  reason?: ReleaseReason;
}

export interface PickOp extends OperationBase {
  kind: 'pick';
  nodeId: string;
  itemId: string;
  quantity: number;
  /** Consume this reservation; without it the pick takes unreserved stock. */
  reservationId?: string;
  reason?: PickReason;
  orderRef?: string;
  /** Lots expired on this day are skipped (they wait for the write-off). */
  asOf?: string;
}

export interface TransferLineInput {
  itemId: string;
  quantity: number;
}

export interface TransferOutOp extends OperationBase {
  kind: 'transfer_out';
  transferId: string;
  fromNodeId: string;
  toNodeId: string;
  lines: TransferLineInput[];
  asOf?: string;
}

export interface TransferReceiptLineInput {
  itemId: string;
  receivedQuantity: number;
}

export interface TransferInOp extends OperationBase {
  kind: 'transfer_in';
  transferId: string;
  /** One line per transfer line; a short or over receipt is recorded as a variance. */
  lines: TransferReceiptLineInput[];
}

export interface AdjustmentOp extends OperationBase {
  kind: 'adjustment';
  nodeId: string;
  itemId: string;
  /** Omitted: a decrease takes lots first-expired-first-out, an increase goes to the untracked lot. */
  lotCode?: string;
  /** Signed, never zero. */
  quantityDelta: number;
  reasonCode: AdjustmentReason;
  /** Needed when an increase creates a lot the ledger has not seen. */
  expiryDate?: string;
}

export interface WriteOffOp extends OperationBase {
  kind: 'write_off';
  nodeId: string;
  itemId: string;
  lotCode: string;
  quantity: number;
  reason: WriteOffReason;
}

export interface CountAdjustmentLine {
  itemId: string;
  lotCode: string;
  /** Signed, counted minus book. */
  quantityDelta: number;
  expiryDate?: string;
}

export interface CountAdjustmentOp extends OperationBase {
  kind: 'count_adjustment';
  countId: string;
  nodeId: string;
  lines: CountAdjustmentLine[];
}

/** Everything the ledger can be asked to do. */
export type Operation =
  | ReceiptOp
  | ReserveOp
  | ReleaseOp
  | PickOp
  | TransferOutOp
  | TransferInOp
  | AdjustmentOp
  | WriteOffOp
  | CountAdjustmentOp;

export type DocumentType = 'supplier' | 'order' | 'transfer' | 'count' | 'adjustment' | 'write_off';

/** One posted change to one (node, item, lot). Append-only: never updated, never deleted. */
export interface MovementLine {
  kind: MovementKind;
  reason: string;
  nodeId: string;
  itemId: string;
  lotCode: string;
  /** The magnitude this line moved (always > 0 except for pure reservation moves at 0 stock). */
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  inTransitInDelta: number;
  inTransitOutDelta: number;
  counterpartyNodeId: string | null;
  documentType: DocumentType | null;
  documentRef: string | null;
  reservationId: string | null;
  /** Received minus shipped on a transfer receipt line; 0 elsewhere. */
  varianceQuantity: number;
}

/** The per (node, item) totals: the lock point and the figures users read. */
export interface ItemBalance {
  nodeId: string;
  itemId: string;
  onHand: number;
  reserved: number;
  inTransitIn: number;
  inTransitOut: number;
}

/** Per (node, item, lot). Reserved is not held per lot. */
export interface LotBalance {
  nodeId: string;
  itemId: string;
  lotCode: string;
  onHand: number;
  inTransitIn: number;
  inTransitOut: number;
}

export interface LotInfo {
  itemId: string;
  lotCode: string;
  expiryDate: string | null;
}

export interface Reservation {
  id: string;
  nodeId: string;
  itemId: string;
  /** What the reservation still holds. */
  quantity: number;
}

export type TransferStatus = 'in_transit' | 'received';

export interface TransferLotShipment {
  lotCode: string;
  quantity: number;
  /** Set on receipt. */
  receivedQuantity: number | null;
}

export interface TransferLine {
  itemId: string;
  quantity: number;
  lots: TransferLotShipment[];
  receivedQuantity: number | null;
}

export interface TransferDoc {
  id: string;
  fromNodeId: string;
  toNodeId: string;
  status: TransferStatus;
  lines: TransferLine[];
}

/** What one accepted operation posted. */
export interface Posting {
  key: string;
  kind: MovementKind;
  lines: MovementLine[];
  /** Lots first seen in this operation (the store inserts them). */
  newLots: LotInfo[];
  /** The transfer document after the operation, for transfer operations. */
  transfer?: TransferDoc;
}
