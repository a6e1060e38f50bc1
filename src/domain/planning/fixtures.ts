/** Tiny named sourcing instances for the tests, each small enough to solve by hand. */
import type { SourcingInput } from './sourcing/prepare.ts';
import type { PlanningItem, PlanningNode, StockTarget } from './types.ts';

/**
 * Tiny named instances for the sourcing tests, each small enough to solve by hand.
 * Coordinates are in Yizhuang; 0.01° of latitude is about 1.1 km.
 */
const BIG = { ambient: 1e12, chilled: 1e12, frozen: 1e12 };

export const node = (id: string, lat: number, lng: number, over: Partial<PlanningNode> = {}): PlanningNode => ({
  id,
  kind: 'store',
  status: 'open',
  lat,
  lng,
  storageCm3: BIG,
  ...over,
});

export const RICE: PlanningItem = { id: 'rice', name: 'Northeast rice 5 kg', category: 'rice', tempClass: 'ambient', volumeCm3: 6500, tier: 'key' };
export const MILK: PlanningItem = { id: 'milk', name: 'Fresh milk 1 L', category: 'dairy', tempClass: 'chilled', volumeCm3: 1100, tier: 'essential' };

export const target = (nodeId: string, itemId: string, targetUnits: number, tier: 'key' | 'essential' = 'essential'): StockTarget => ({
  nodeId,
  itemId,
  tier,
  baselineDailyUnits: Math.max(1, Math.round(targetUnits / 5)),
  multiplier: 5,
  uncappedUnits: targetUnits,
  targetUnits,
  daysOfCover: 5,
  cappedBy: null,
});

/** "GiverKeeps": B needs 50 rice; A, 1 km away, has 80 with a target of 60, so it can give only 20. */
export function giverKeeps(): SourcingInput {
  return {
    nodes: [node('A', 39.78, 116.5), node('B', 39.79, 116.5)],
    items: [RICE],
    targets: [target('A', 'rice', 60, 'key'), target('B', 'rice', 50, 'key')],
    balances: [{ nodeId: 'A', itemId: 'rice', onHand: 80, reserved: 0, inbound: 0 }],
    receivers: ['B'],
  };
}

/**
 * "DivertBeatsExpedite": the online-only store needs 40 milk by tomorrow. A DC shipment of 60
 * milk is on its way to a store that is already above target; the DC is 3 km away. The dairy
 * supplier can expedite at 200 fen a unit on top of delivery.
 */
export function divertBeatsExpedite(): SourcingInput {
  return {
    nodes: [
      node('DC', 39.75, 116.56, { kind: 'distribution_centre' }),
      node('dazu', 39.77, 116.54, { status: 'online_only' }),
      node('far', 39.85, 116.35),
    ],
    items: [MILK],
    targets: [target('dazu', 'milk', 40), target('far', 'milk', 30)],
    balances: [{ nodeId: 'far', itemId: 'milk', onHand: 30, reserved: 0, inbound: 60 }],
    shipments: [{ id: 'S1', fromNodeId: 'DC', toNodeId: 'far', itemId: 'milk', quantity: 60, status: 'in_transit' }],
    suppliers: [{ id: 'dairy', name: 'Dairy supplier', dailyCapacityUnits: 10_000 }],
    supplierItems: [{ supplierId: 'dairy', itemId: 'milk', packSize: 1, moqUnits: 0, leadTimeH: 48, expeditedLeadTimeH: 8, expeditePremiumFenPerUnit: 200, deliveryFenPerUnit: 30 }],
    receivers: ['dazu'],
  };
}

/** "PackAndMoq": B needs 25 rice; the only source sells packs of 10 with a MOQ of 40. */
export function packAndMoq(): SourcingInput {
  return {
    nodes: [node('B', 39.79, 116.5)],
    items: [RICE],
    targets: [target('B', 'rice', 25, 'key')],
    balances: [],
    suppliers: [{ id: 'grain', name: 'Grain & oil', dailyCapacityUnits: 1000 }],
    supplierItems: [{ supplierId: 'grain', itemId: 'rice', packSize: 10, moqUnits: 40, leadTimeH: 12, expeditedLeadTimeH: null, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 50 }],
    receivers: ['B'],
  };
}

/** "StorageCap": B needs 100 rice and 100 milk but has room for 20 rice (6.5 L each) and 50 milk. */
export function storageCap(): SourcingInput {
  return {
    nodes: [node('A', 39.78, 116.5), node('B', 39.79, 116.5, { storageCm3: { ambient: 20 * 6500, chilled: 50 * 1100, frozen: 0 } })],
    items: [RICE, MILK],
    targets: [target('B', 'rice', 100, 'key'), target('B', 'milk', 100)],
    balances: [
      { nodeId: 'A', itemId: 'rice', onHand: 500, reserved: 0, inbound: 0 },
      { nodeId: 'A', itemId: 'milk', onHand: 500, reserved: 0, inbound: 0 },
    ],
    receivers: ['B'],
  };
}

/**
 * "KeyFirst": two receivers, one giver with 30 spare units, and a supplier capacity of 0:
 * C needs 30 of a key item and D needs 30 of the same item as a plain essential.
 */
export function keyFirst(): SourcingInput {
  const ITEM: PlanningItem = { ...RICE, tier: 'key' };
  return {
    nodes: [node('A', 39.78, 116.5), node('C', 39.8, 116.5), node('D', 39.781, 116.5)],
    items: [ITEM],
    targets: [target('A', 'rice', 10), target('C', 'rice', 30, 'key'), target('D', 'rice', 30, 'essential')],
    balances: [{ nodeId: 'A', itemId: 'rice', onHand: 40, reserved: 0, inbound: 0 }],
    receivers: ['C', 'D'],
  };
}
