/**
 * Apply step `zone_slots`: every trading delivery node that serves zones after the zones step
 * gets delivery slots (the orders context's default day template) on the plan's days that have
 * none, sized to the smaller of its daily order capacity and the orders a day its zones bring.
 * The staffing step that follows then sizes the slots of the rostered nodes by the people there
 * (slot capacity follows the roster). Undo and lift end the slots it opened: capacity 0, never
 * below what is already booked.
 */
import { sql } from 'kysely';
import { unwrap } from '../../domain/shared/index.ts';
import { takesOnlineOrders } from '../../domain/network/index.ts';
import { daySlots, localDay } from '../../domain/orders/index.ts';
import type { ApplyStepResult } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as orders from '../../store/orders.ts';
import type { Step } from '../workflow.ts';
import { DELIVERY, type Db } from './common.ts';

/** What the step records (its schema: domain/incidents/steps.ts). */
export type ZoneSlotsResult = ApplyStepResult<'zone_slots'>;

/** Orders a day each node serves from the stored zones (primary part and split part). */
export async function servedLoads(db: Db): Promise<Map<string, number>> {
  const load = new Map<string, number>();
  for (const z of await zones.listZones(db)) {
    const split = z.split?.ordersPerDay ?? 0;
    if (z.servingNodeId) load.set(z.servingNodeId, (load.get(z.servingNodeId) ?? 0) + z.demandOrdersPerDay - split);
    if (z.split) load.set(z.split.nodeId, (load.get(z.split.nodeId) ?? 0) + split);
  }
  return load;
}

/** Opens the slots; `fromIso` and `days` are the plan's (the roster's) horizon. */
export async function openZoneSlots(db: Db, fromIso: string, days: number, now: Date): Promise<ZoneSlotsResult> {
  const load = await servedLoads(db);
  const today = localDay(now.getTime());
  const out: ZoneSlotsResult = { opened: [] };
  for (const n of await network.listNodes(db)) {
    const orders_ = load.get(n.id) ?? 0;
    if (!DELIVERY.has(n.kind) || !takesOnlineOrders(n.status) || orders_ <= 0) continue;
    const have = new Set((await orders.slotViews(db, { nodeId: n.id })).slots.map((s) => s.serviceDay));
    const capacity = Math.min(n.dailyOrderCapacity, orders_);
    for (let d = 0; d < days; d++) {
      const day = localDay(Date.parse(fromIso) + d * 86_400_000 + 12 * 3_600_000);
      if (day < today || have.has(day)) continue;
      const s = unwrap(daySlots(n.id, day, capacity));
      await orders.upsertDay(db, s.slots, s.window);
      have.add(day);
      out.opened.push({ nodeId: n.id, serviceDay: day, dailyOrderCapacity: capacity });
    }
  }
  return out;
}

/**
 * Ends the slots `openZoneSlots` opened: a day with nothing booked is removed (as if never
 * opened); a day with orders keeps them and takes no more (capacity 0, never below what is booked).
 */
export async function endZoneSlots(db: Db, r: ZoneSlotsResult | null | undefined): Promise<number> {
  let n = 0;
  for (const o of r?.opened ?? []) {
    const view = await orders.slotViews(db, { nodeId: o.nodeId, day: o.serviceDay });
    const w = view.window[0];
    if (!w) continue;
    if (w.booked === 0 && view.slots.every((s) => s.booked === 0)) {
      await sql`DELETE FROM order_slots WHERE node_id = ${o.nodeId} AND service_day = ${o.serviceDay} AND booked = 0`.execute(db);
      await sql`DELETE FROM order_windows WHERE node_id = ${o.nodeId} AND service_day = ${o.serviceDay} AND booked = 0`.execute(db);
    } else {
      const slots = view.slots.map((s) => ({ nodeId: s.nodeId, startMs: s.startMs, endMs: s.endMs, serviceDay: s.serviceDay, capacity: 0, booked: 0 }));
      await orders.upsertDay(db, slots, { ...w, dayCapacity: w.booked });
    }
    n += view.slots.length;
  }
  return n;
}

/** The step, for apply.ts: after `zones`, before `staffing`. */
export function zoneSlotsStep(fromIso: string, days: number, now: Date): Step<ZoneSlotsResult> {
  return {
    name: 'zone_slots',
    run: async (trx) => openZoneSlots(trx, fromIso, days, now),
    compensate: async (trx, r) => {
      await endZoneSlots(trx, r);
    },
  };
}
