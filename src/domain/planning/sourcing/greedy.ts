/** The greedy sourcing baseline (roughly what people did by hand), also used to complete a rounded plan. */
import type { Flow } from './evaluate.ts';
import { key, type Prepared } from './prepare.ts';
import { DIVERSION, TRANSFER } from './candidates.ts';

/**
 * The greedy baseline, roughly what people did by hand: take the receivers one after
 * another; for each of its needs (key items first) take from the nearest source in turn
 * (the one that arrives first, then the cheaper), as much as that source can spare, until
 * the need is met. Given `start` flows, it completes that plan instead (used after LP
 * rounding to fill the few units rounding left short). Supplier orders are rounded up to whole packs and the MOQ when capacity
 * and storage allow, else down. It sees the same candidates and rules as the optimiser.
 */
export function greedyPlan(p: Prepared, start: readonly Flow[] = []): Flow[] {
  const flows: Flow[] = start.map((f) => ({ ...f }));
  const gives = new Map<string, number>();
  const away = new Map<string, number>();
  const shipUsed = new Map<string, number>();
  const supplierUsed = new Map<string, number>();
  const storageLeft = new Map(p.storageFreeCm3);
  const received = new Map<number, number>();
  const byCand = new Map(flows.map((f) => [f.cand, f]));
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  // Completion mode: start from another plan's flows and fill only what is still missing.
  for (const f of start) {
    const c = p.candidates.at(f.cand);
    const need = p.needs[c.need];
    received.set(c.need, (received.get(c.need) ?? 0) + f.units);
    add(storageLeft, `${need.nodeId}|${need.tempClass}`, -f.units * need.volumeCm3);
    if (c.kind === 'transfer') add(gives, key(c.fromNodeId, need.itemId), f.units);
    else if (c.kind === 'diversion') {
      add(away, key(c.originalNodeId, need.itemId), f.units);
      add(shipUsed, c.shipmentId, f.units);
    } else add(supplierUsed, c.supplierId, f.units);
  }

  const order = p.needs
    .slice()
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId) || b.tierWeight - a.tierWeight || a.itemId.localeCompare(b.itemId));
  for (const need of order) {
    // Inbound diverted away from this receiver adds to what it needs.
    let left = need.needUnits - (received.get(need.index) ?? 0) + (away.get(key(need.nodeId, need.itemId)) ?? 0);
    const sk = `${need.nodeId}|${need.tempClass}`;
    const { arrivalH, unitCostFen } = p.candidates;
    const cands = p.candidates.ofNeed(need.index).sort((x, y) => arrivalH[x] - arrivalH[y] || unitCostFen[x] - unitCostFen[y] || x - y);
    for (const ci of cands) {
      if (left <= 0) break;
      const cs = p.candidates;
      const fit = need.volumeCm3 === 0 ? Number.POSITIVE_INFINITY : Math.floor((storageLeft.get(sk) ?? 0) / need.volumeCm3);
      let q = 0;
      if (cs.kind[ci] === TRANSFER) {
        const gk = key(cs.fromNodeIdOf(ci), need.itemId);
        const s = p.state.get(gk)!;
        const avail = Math.min(s.giveCap - (gives.get(gk) ?? 0), s.surplusCap - (gives.get(gk) ?? 0) - (away.get(gk) ?? 0));
        q = Math.min(left, avail, fit);
        if (q > 0) add(gives, gk, q);
      } else if (cs.kind[ci] === DIVERSION) {
        const dk = key(cs.originalNodeIdOf(ci), need.itemId);
        const d = p.state.get(dk)!;
        const shipmentId = cs.shipmentIdOf(ci);
        const ship = p.shipments.get(shipmentId)!;
        // By hand, people only held back what the original destination could spare.
        const spare = d.surplusCap - (gives.get(dk) ?? 0) - (away.get(dk) ?? 0);
        q = Math.min(left, ship.quantity - (shipUsed.get(shipmentId) ?? 0), spare, fit);
        if (q > 0) {
          add(away, dk, q);
          add(shipUsed, shipmentId, q);
        }
      } else {
        const supplierId = cs.supplierIdOf(ci);
        const packSize = cs.packSizeOf(ci);
        const moqUnits = cs.moqUnitsOf(ci);
        const capLeft = p.suppliers.get(supplierId)!.dailyCapacityUnits - (supplierUsed.get(supplierId) ?? 0);
        const maxPacks = Math.floor(Math.min(capLeft, fit) / packSize);
        let packs = Math.min(Math.ceil(Math.max(left, moqUnits) / packSize), maxPacks);
        if (packs * packSize < moqUnits) packs = 0;
        q = packs * packSize;
        if (q > 0) add(supplierUsed, supplierId, q);
      }
      if (q <= 0) continue;
      const existing = byCand.get(ci);
      if (existing) existing.units += q;
      else {
        const f = { cand: ci, units: q };
        flows.push(f);
        byCand.set(ci, f);
      }
      add(storageLeft, sk, -q * need.volumeCm3);
      left -= q;
    }
  }
  flows.sort((a, b) => a.cand - b.cand);
  return flows;
}
