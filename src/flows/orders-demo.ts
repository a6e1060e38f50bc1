/**
 * Demo step: hourly delivery slots 07:00-22:00 for the Yizhuang delivery nodes (stores, satellite
 * and emergency warehouses with an order capacity), today and tomorrow in Beijing time, each day's
 * capacity the node's daily order capacity; ordering for a day opens at 06:00 that day.
 */
import type { Kysely } from 'kysely';
import { daySlots, localDay } from '../domain/orders/index.ts';
import { unwrap } from '../domain/shared/index.ts';
import { demoSteps, type DemoContext } from '../store/demo.ts';
import { listNodes } from '../store/network.ts';
import { upsertDay } from '../store/orders.ts';
import type { DB } from '../store/tables.ts';

export const YIZHUANG_ORDER_NODE_IDS = ['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite', 'yz-emergency'];

export async function loadDemoSlots(db: Kysely<DB>, ctx: Pick<DemoContext, 'now' | 'log'>, nodeIds = YIZHUANG_ORDER_NODE_IDS): Promise<number> {
  const nodes = (await listNodes(db)).filter((n) => nodeIds.includes(n.id) && n.dailyOrderCapacity > 0);
  const today = localDay(ctx.now.getTime());
  const tomorrow = localDay(ctx.now.getTime() + 86_400_000);
  let n = 0;
  for (const node of nodes) {
    for (const day of [today, tomorrow]) {
      const d = unwrap(daySlots(node.id, day, node.dailyOrderCapacity));
      await upsertDay(db, d.slots, d.window);
      n += d.slots.length;
    }
  }
  ctx.log(`demo: ${n} delivery slots for ${nodes.map((x) => x.id).join(', ')} on ${today} and ${tomorrow}`);
  return n;
}

let registered = false;
/** Adds the slots step to the demo (once per process). */
export function registerOrdersDemo(): void {
  if (registered) return;
  registered = true;
  demoSteps.push({ name: 'order slots', run: (db, ctx) => loadDemoSlots(db, ctx).then(() => undefined) });
}
