/**
 * The demo's opening stock for the inventory context (a step of src/store/demo.ts).
 */
import { addDays, operatingDay } from '../../domain/shared/index.ts';
import type { Operation } from '../../domain/inventory/index.ts';
import { listDemand, listItems, listNodes } from '../network.ts';
import type { Db } from './common.ts';
import { postReceipts } from './posting.ts';

/**
 * The demo's opening stock, posted through the ledger as `opening_balance` receipts: every node
 * with baseline demand holds three days of it (the satellite warehouse two), and the DC a week
 * of the whole district's. Goods with a shelf life under 60 days arrive in two dated lots (one
 * expiring in a third of the shelf life, one at its end), so FEFO and the expiry job have
 * something to do from the first day.
 */
export const inventoryDemoStep = {
  name: 'opening stock',
  run: async (db: Db, ctx: { now: Date; log: (m: string) => void }): Promise<void> => {
    const today = operatingDay(ctx.now.getTime());
    const { items } = await listItems(db, {});
    const shelf = new Map(items.map((i) => [i.id, i.shelfLifeDays]));
    const { rows: demand } = await listDemand(db, {});
    const perItem = new Map<string, number>();
    const ops: Extract<Operation, { kind: 'receipt' }>[] = [];
    const receipt = (nodeId: string, itemId: string, quantity: number) => {
      if (quantity <= 0) return;
      const life = shelf.get(itemId) ?? 365;
      if (life >= 60) {
        ops.push({ kind: 'receipt', key: `demo:open:${nodeId}:${itemId}`, nodeId, itemId, quantity, reason: 'opening_balance' });
        return;
      }
      const early = Math.floor(quantity / 2);
      const lots: [number, number][] = [[early, Math.max(1, Math.floor(life / 3))], [quantity - early, life]];
      for (const [q, days] of lots) {
        if (q <= 0) continue;
        const expiryDate = addDays(today, days - 1);
        ops.push({ kind: 'receipt', key: `demo:open:${nodeId}:${itemId}:${expiryDate}`, nodeId, itemId, quantity: q, lot: { code: `L${expiryDate.replace(/-/g, '')}`, expiryDate }, reason: 'opening_balance' });
      }
    };
    const kinds = new Map((await listNodes(db)).map((n) => [n.id, n.kind as string]));
    for (const d of demand) {
      const days = kinds.get(d.nodeId) === 'satellite_warehouse' ? 2 : 3;
      receipt(d.nodeId, d.itemId, d.dailyQuantity * days);
      perItem.set(d.itemId, (perItem.get(d.itemId) ?? 0) + d.dailyQuantity);
    }
    for (const [id, kind] of kinds) if (kind === 'distribution_centre') for (const [itemId, q] of perItem) receipt(id, itemId, q * 7);
    for (let s = 0; s < ops.length; s += 20_000) await postReceipts(db, ops.slice(s, s + 20_000), ctx.now);
    ctx.log(`demo: opening stock, ${ops.length} receipts`);
  },
};
