/**
 * A community group order (团购) in one transaction: load and lock what the whole group touches,
 * decide it as a whole (`placeGroupOrder`), and when accepted reserve every member's lines in the
 * ledger, write one order per member (all delivered to the group's drop point, linked by the group
 * id) and book one delivery. A refusal writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { groupHousehold, placeGroupOrder, type GroupOrderRequest, type GroupOutcome, DEFAULT_TIER_LIMITS, type TierLimits, localDay, type RoutingInfo, notFoundItem } from '../domain/orders/index.ts';
import { fail } from '../domain/shared/index.ts';
import type { Operation } from '../domain/inventory/index.ts';
import { postOperations } from '../store/inventory.ts';
import { bookDeliveries, insertGroupOrder, insertOrders, reservationId, type NewOrder } from '../store/orders.ts';
import { loadBook } from './order-book.ts';
import type { DB } from '../store/tables.ts';

export interface GroupAnswer extends GroupOutcome {
  groupId: string | null;
  orders: Array<{ id: string; customerId: string; householdId: string; lines: Array<{ lineNo: number; itemId: string; quantity: number }> }>;
}

export async function placeGroup(trx: Kysely<DB>, req: GroupOrderRequest, routing: RoutingInfo | null, now: Date, tiers: TierLimits = DEFAULT_TIER_LIMITS): Promise<{ status: number; body: GroupAnswer }> {
  const day = localDay(req.slotStartMs);
  const itemIds = [...new Set(req.members.flatMap((m) => m.lines.map((l) => l.itemId)))];
  const nodes = routing ? [routing.servingNodeId, ...routing.backupNodeIds].filter((x): x is string => !!x) : [];
  const { book, items, policy } = await loadBook(trx, {
    slots: nodes.map((n) => ({ nodeId: n, startMs: req.slotStartMs, day })),
    stock: nodes.flatMap((n) => itemIds.map((i) => [n, i] as [string, string])),
    items: itemIds,
    buyers: req.members.map((m) => ({ customerId: m.customerId, household: groupHousehold(m.householdId), day, itemIds: m.lines.map((l) => l.itemId) })),
  }, tiers);
  req.members.forEach((m, mi) => m.lines.forEach((l, li) => {
    if (!items.has(l.itemId)) fail(notFoundItem(l.itemId, `members.${mi}.lines.${li}.itemId`));
  }));
  const outcome = placeGroupOrder(req, routing, { book, policy, nowMs: now.getTime() });
  if (outcome.status !== 'accepted') return { status: 422, body: { ...outcome, groupId: null, orders: [] } };

  const groupId = randomUUID();
  const nodeId = outcome.nodeId!;
  const orders: NewOrder[] = [];
  const ops: Operation[] = [];
  const answer: GroupAnswer['orders'] = [];
  const placementId = randomUUID();
  for (const m of req.members) {
    const id = randomUUID();
    const household = groupHousehold(m.householdId);
    orders.push({
      id, placementId, customerId: m.customerId, household, nodeId, zoneId: outcome.zoneId ?? null, slotStartMs: req.slotStartMs, serviceDay: day,
      deliveryMode: 'drop_point', dropPoint: req.dropPoint, lat: req.dropPoint.lat, lng: req.dropPoint.lng, groupId, lines: m.lines,
    });
    m.lines.forEach((l, n) => {
      ops.push({ kind: 'reserve', key: `order:${id}:${n}:reserve`, nodeId, itemId: l.itemId, quantity: l.quantity, reservationId: reservationId(id, n), reason: 'group_order' });
    });
    answer.push({ id, customerId: m.customerId, householdId: m.householdId, lines: m.lines.map((l, n) => ({ lineNo: n, itemId: l.itemId, quantity: l.quantity })) });
  }
  await postOperations(trx, ops, { now, atomic: true });
  await insertGroupOrder(trx, { id: groupId, leaderId: req.leaderId, nodeId, zoneId: outcome.zoneId ?? null, dropPoint: req.dropPoint, slotStartMs: req.slotStartMs, serviceDay: day, minHouseholds: req.minHouseholds, households: outcome.households, members: req.members.length }, now);
  await insertOrders(trx, orders, now);
  await bookDeliveries(trx, [{ nodeId, startMs: req.slotStartMs, serviceDay: day, deliveries: 1 }]);
  return { status: 201, body: { ...outcome, groupId, orders: answer } };
}
