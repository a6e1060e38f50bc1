import { reconcile, type DayFigures, type ReconciliationLine } from '../../domain/incidents/reconciliation.ts';
import * as network from '../../store/network.ts';
import * as planning from '../../store/planning.ts';
import * as inventory from '../../store/inventory.ts';
import * as store from '../../store/incidents.ts';
import { DELIVERY, type FlowDeps } from './common.ts';

/** The nightly reconciliation of demand, stock and documents. */

/** The reconciliation for one day: per node, from the ledger's movements and the sourcing documents. */
export async function reconcileDay(deps: FlowDeps, incidentId: string, day: string): Promise<ReconciliationLine[]> {
  const { db } = deps;
  await store.requireIncident(db, incidentId);
  const nodes = (await network.listNodes(db)).filter((n) => DELIVERY.has(n.kind) || n.kind === 'distribution_centre');
  const from = Date.parse(`${day}T00:00:00Z`);
  const to = from + 86_400_000;
  const rows: DayFigures[] = [];
  const docs = await planning.listPurchaseOrders(db, {}).catch(() => [] as any[]);
  for (const n of nodes) {
    const f: DayFigures = { nodeId: n.id, day, asked: 0, sent: 0, received: 0, sold: 0, writtenOff: 0, countedDelta: 0, transferVariance: 0 };
    for (const m of await inventory.movements(db, { nodeId: n.id, limit: 100_000 })) {
      const t = Date.parse(m.postedAt);
      if (t < from || t >= to) continue;
      if (m.kind === 'receipt' || m.kind === 'transfer_in') f.received += m.onHandDelta;
      if (m.kind === 'transfer_out') f.sent += m.quantity;
      if (m.kind === 'pick') f.sold += m.quantity;
      if (m.kind === 'write_off') f.writtenOff += m.quantity;
      if (m.kind === 'count_adjustment') f.countedDelta += m.onHandDelta;
      if (m.kind === 'transfer_in') f.transferVariance += m.varianceQuantity;
    }
    for (const po of docs as any[]) {
      const created = Date.parse(po.createdAt ?? '');
      if (po.toNodeId === n.id && created >= from && created < to) f.asked += (po.lines ?? []).reduce((a: number, l: any) => a + (l.quantity ?? 0), 0);
    }
    rows.push(f);
  }
  const lines = reconcile(rows);
  await store.saveReconciliation(db, incidentId, day, lines as any, deps.now());
  return lines;
}
