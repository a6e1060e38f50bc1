/**
 * The order lifecycle through the stock ledger. Each function runs inside the caller's
 * transaction and locks the order row first (then slots, then stock, the same order as placing).
 *  - start picking: the pick list, lots first-expired-first-out;
 *  - pack: the picked quantities leave stock (a ledger pick consuming the reservation, lots
 *    FEFO); a short pick releases what was not picked and gives the purchase allowance back;
 *  - dispatch, deliver: status only;
 *  - cancel: releases everything the order still holds and gives back the slot and the allowance.
 */
import type { Kysely } from 'kysely';
import { takeFefo, type Operation } from '../domain/inventory/index.ts';
import { checkPackedQuantities, holdsReservation, transition, type OrderEvent, localDay } from '../domain/orders/index.ts';
import { fail, unwrap } from '../domain/shared/index.ts';
import { lotBalances, postOperations } from '../store/inventory.ts';
import {
  bookDeliveries,
  requireOrder,
  setOrderStatus,
  setPickedQuantities,
  subtractFromCounters,
  type CounterKey,
  type OrderView,
} from '../store/orders.ts';
import type { DB } from '../store/tables.ts';

export interface PickListLine {
  lineNo: number;
  itemId: string;
  quantity: number;
  /** Where to take it from, first-expired-first-out; short when the lots hold less. */
  lots: Array<{ lotCode: string; expiryDate: string | null; quantity: number }>;
}

export async function startPicking(trx: Kysely<DB>, id: string, now: Date): Promise<{ order: OrderView; pickList: PickListLine[] }> {
  const o = await requireOrder(trx, id, { forUpdate: true });
  const to = unwrap(transition(id, o.status, 'start_picking'));
  await setOrderStatus(trx, id, o.status, to, '', now);
  const asOf = localDay(now.getTime());
  const pickList: PickListLine[] = [];
  for (const l of o.lines) {
    const lots = await lotBalances(trx, { nodeId: o.nodeId, itemId: l.itemId });
    const stock = lots.map((x) => ({ lotCode: x.lotCode, expiryDate: x.expiryDate, onHand: x.onHand }));
    const takes = takeFefo(stock, l.quantity, asOf) ?? takeFefo(stock, Math.min(l.quantity, stock.reduce((s, x) => s + Math.max(0, x.onHand), 0)), asOf) ?? [];
    const exp = new Map(lots.map((x) => [x.lotCode, x.expiryDate]));
    pickList.push({ lineNo: l.lineNo, itemId: l.itemId, quantity: l.quantity, lots: takes.map((t) => ({ lotCode: t.lotCode, expiryDate: exp.get(t.lotCode) ?? null, quantity: t.quantity })) });
  }
  return { order: await requireOrder(trx, id), pickList };
}

export async function packOrder(trx: Kysely<DB>, id: string, picked: Array<{ lineNo: number; pickedQuantity: number }> | undefined, now: Date): Promise<{ order: OrderView; shortLines: Array<{ lineNo: number; itemId: string; shortBy: number }> }> {
  const o = await requireOrder(trx, id, { forUpdate: true });
  const to = unwrap(transition(id, o.status, 'pack'));
  const byLine = new Map((picked ?? []).map((p) => [p.lineNo, p.pickedQuantity]));
  for (const [lineNo] of byLine) {
    if (!o.lines.some((l) => l.lineNo === lineNo)) fail({ code: 'validation_failed', message: `order ${id} has no line ${lineNo}`, field: 'lines.lineNo', expected: o.lines.map((l) => l.lineNo), actual: lineNo });
  }
  const checked = unwrap(checkPackedQuantities(id, o.lines.map((l) => ({ itemId: l.itemId, reserved: l.quantity, picked: byLine.get(l.lineNo) ?? l.quantity }))));
  const ops: Operation[] = [];
  const giveBack: Array<CounterKey & { quantity: number }> = [];
  const asOf = localDay(now.getTime());
  o.lines.forEach((l, i) => {
    const c = checked[i];
    if (c.picked > 0) ops.push({ kind: 'pick', key: `order:${id}:${l.lineNo}:pick`, nodeId: o.nodeId, itemId: l.itemId, quantity: c.picked, reservationId: l.reservationId, reason: 'order_pick', orderRef: id, asOf });
    if (c.shortBy > 0) {
      ops.push({ kind: 'release', key: `order:${id}:${l.lineNo}:short`, reservationId: l.reservationId, quantity: c.shortBy, reason: 'order_changed', note: 'short pick' });
      giveBack.push({ scope: 'customer', subject: o.customerId, itemId: l.itemId, day: o.serviceDay, quantity: c.shortBy }, { scope: 'household', subject: o.household, itemId: l.itemId, day: o.serviceDay, quantity: c.shortBy });
    }
  });
  if (ops.length > 0) await postOperations(trx, ops, { now, atomic: true });
  await subtractFromCounters(trx, giveBack);
  await setPickedQuantities(trx, id, o.lines.map((l, i) => ({ lineNo: l.lineNo, pickedQuantity: checked[i].picked })));
  const shortLines = o.lines.map((l, i) => ({ lineNo: l.lineNo, itemId: l.itemId, shortBy: checked[i].shortBy })).filter((x) => x.shortBy > 0);
  await setOrderStatus(trx, id, o.status, to, shortLines.length ? `short: ${shortLines.map((s) => `${s.itemId} -${s.shortBy}`).join(', ')}` : '', now);
  return { order: await requireOrder(trx, id), shortLines };
}

export async function advanceOrder(trx: Kysely<DB>, id: string, event: Extract<OrderEvent, 'dispatch' | 'deliver'>, now: Date): Promise<OrderView> {
  const o = await requireOrder(trx, id, { forUpdate: true });
  const to = unwrap(transition(id, o.status, event));
  await setOrderStatus(trx, id, o.status, to, '', now);
  return requireOrder(trx, id);
}

export async function cancelOrder(trx: Kysely<DB>, id: string, reason: string, now: Date): Promise<OrderView> {
  const o = await requireOrder(trx, id, { forUpdate: true });
  const to = unwrap(transition(id, o.status, 'cancel'));
  if (holdsReservation(o.status)) {
    await bookDeliveries(trx, [{ nodeId: o.nodeId, startMs: Date.parse(o.slotStart), serviceDay: o.serviceDay, deliveries: o.groupId ? 0 : -1 }]);
    await postOperations(trx, o.lines.map((l) => ({ kind: 'release' as const, key: `order:${id}:${l.lineNo}:cancel`, reservationId: l.reservationId, reason: 'order_cancelled' as const })), { now, atomic: true });
    await subtractFromCounters(trx, o.lines.flatMap((l) => [
      { scope: 'customer' as const, subject: o.customerId, itemId: l.itemId, day: o.serviceDay, quantity: l.quantity },
      { scope: 'household' as const, subject: o.household, itemId: l.itemId, day: o.serviceDay, quantity: l.quantity },
    ]));
  }
  await setOrderStatus(trx, id, o.status, to, reason, now);
  return requireOrder(trx, id);
}
