/** A seeded synthetic sourcing instance for benchmarks and property tests. */
import type { Random } from '../shared/index.ts';
import type { SourcingInput } from './sourcing/prepare.ts';
import { computeTargets } from './targets.ts';
import { TEMP_CLASSES, type Balance, type BaselineDemand, type DcShipment, type PlanningItem, type PlanningNode, type Supplier, type SupplierItem } from './types.ts';

/**
 * A seeded synthetic sourcing instance for benchmarks and property tests: one DC, `nodes`
 * stores and warehouses in a 40 km square, `items` assortment items. The first 40% of
 * nodes are in the crisis (5x / 10x targets, 1-2 days of stock); the rest run normal
 * targets (2x / 3x) with 2-6 days of stock, so they have something to lend. Suppliers
 * sell every item, with packs, MOQs and a daily capacity that binds for some of them.
 */
export function syntheticSourcing(opts: { nodes: number; items: number; random: Random }): SourcingInput {
  const { random } = opts;
  const centre = { lat: 39.79, lng: 116.5 };
  const jitter = (km: number) => (random.next() - 0.5) * (km / 111);
  const dc: PlanningNode = { id: 'DC', kind: 'distribution_centre', status: 'open', lat: centre.lat - 0.04, lng: centre.lng + 0.06, storageCm3: { ambient: 5e11, chilled: 2e11, frozen: 1e11 } };
  const crisisCount = Math.max(1, Math.round(opts.nodes * 0.4));
  const nodes: PlanningNode[] = [dc];
  for (let n = 0; n < opts.nodes; n++) {
    const kind = n % 5 === 4 ? 'satellite_warehouse' : 'store';
    const scale = kind === 'store' ? 1 : 0.4;
    nodes.push({
      id: `N${String(n + 1).padStart(3, '0')}`,
      kind,
      status: n === 0 ? 'online_only' : 'open',
      lat: centre.lat + jitter(40),
      lng: centre.lng + jitter(40),
      // Sized so that crisis targets sometimes hit the cap.
      storageCm3: { ambient: Math.round(scale * opts.items * 60_000), chilled: Math.round(scale * opts.items * 25_000), frozen: Math.round(scale * opts.items * 8_000) },
    });
  }
  const items: PlanningItem[] = [];
  for (let i = 0; i < opts.items; i++) {
    const r = random.next();
    const tempClass = r < 0.5 ? TEMP_CLASSES[0] : r < 0.85 ? TEMP_CLASSES[1] : TEMP_CLASSES[2];
    items.push({
      id: `I${String(i + 1).padStart(5, '0')}`,
      name: `item ${i + 1}`,
      category: ['rice', 'oil', 'vegetables', 'meat', 'eggs', 'dairy', 'frozen'][i % 7],
      tempClass,
      volumeCm3: 300 + random.int(3000),
      tier: random.next() < 0.1 ? 'key' : 'essential',
    });
  }
  const demand: BaselineDemand[] = [];
  const balances: Balance[] = [];
  const byNode: Record<string, { essential: number; key: number }> = {};
  nodes.slice(1).forEach((node, n) => {
    const crisis = n < crisisCount;
    if (!crisis) byNode[node.id] = { essential: 2, key: 3 };
    const scale = node.kind === 'store' ? 1 : 0.4;
    items.forEach((it, i) => {
      const base = Math.max(1, Math.round((scale * 30 * (0.6 + 0.8 * random.next())) / Math.pow(1 + (i % 50), 0.6)));
      demand.push({ nodeId: node.id, itemId: it.id, dailyUnits: base });
      const days = crisis ? 0.5 + 1.5 * random.next() : 2 + 4 * random.next();
      const onHand = Math.round(base * days);
      const reserved = Math.min(onHand, Math.round(base * 0.2 * random.next()));
      const inbound = random.next() < 0.2 ? Math.round(base * random.next()) : 0;
      balances.push({ nodeId: node.id, itemId: it.id, onHand, reserved, inbound });
    });
  });
  const targetsR = computeTargets({ nodes, items, demand, multipliers: { essential: 5, key: 10, byNode } });
  if (!targetsR.ok) throw new Error(targetsR.error.message);
  // DC stock for 60% of items, and shipments to random nodes.
  const shipments: DcShipment[] = [];
  items.forEach((it, i) => {
    if (random.next() < 0.6) balances.push({ nodeId: dc.id, itemId: it.id, onHand: 20 + random.int(40 * opts.nodes), reserved: 0, inbound: 0 });
    if (random.next() < 0.5) {
      const to = nodes[1 + random.int(opts.nodes)];
      shipments.push({ id: `S${i + 1}`, fromNodeId: dc.id, toNodeId: to.id, itemId: it.id, quantity: 20 + random.int(200), status: random.next() < 0.5 ? 'planned' : 'in_transit' });
    }
  });
  const supplierCount = Math.max(3, Math.round(opts.items / 100));
  const suppliers: Supplier[] = [];
  for (let s = 0; s < supplierCount; s++) suppliers.push({ id: `P${String(s + 1).padStart(3, '0')}`, name: `supplier ${s + 1}`, dailyCapacityUnits: Math.round(opts.nodes * (opts.items / supplierCount) * (10 + random.int(40))) });
  const supplierItems: SupplierItem[] = [];
  items.forEach((it, i) => {
    const n = 1 + (random.next() < 0.3 ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const packSize = [1, 6, 10, 12, 24][random.int(5)];
      supplierItems.push({
        supplierId: suppliers[(i + k * 7) % supplierCount].id,
        itemId: it.id,
        packSize,
        moqUnits: random.next() < 0.3 ? packSize * (2 + random.int(4)) : 0,
        leadTimeH: 36 + random.int(36),
        expeditedLeadTimeH: random.next() < 0.7 ? 8 + random.int(10) : null,
        expeditePremiumFenPerUnit: 30 + random.int(150),
        deliveryFenPerUnit: 10 + random.int(30),
      });
    }
  });
  return { nodes, items, targets: targetsR.value, balances, shipments, suppliers, supplierItems, receivers: nodes.slice(1, 1 + crisisCount).map((n) => n.id) };
}
