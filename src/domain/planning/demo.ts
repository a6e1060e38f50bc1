/** Demo suppliers and DC shipments for the Yizhuang scenario (plausible estimates). */
import type { BaselineDemand, DcShipment, PlanningItem, Supplier, SupplierItem } from './types.ts';

/**
 * Demo suppliers and DC shipments for the Yizhuang scenario. The figures are plausible
 * estimates, not reported ones (the seed gives none): lead times of two days normally and
 * half a day expedited, a premium of a few yuan per unit to expedite, packs from the
 * catalogue, a MOQ of two packs for grain and oil.
 */
interface SupplierTemplate {
  supplier: Supplier;
  categories: string[];
  leadTimeH: number;
  expeditedLeadTimeH: number | null;
  expeditePremiumFenPerUnit: number;
  deliveryFenPerUnit: number;
  moqPacks: number;
}

const TEMPLATES: SupplierTemplate[] = [
  { supplier: { id: 'supplier-veg', name: '京郊蔬菜基地 Beijing suburban vegetable farm', dailyCapacityUnits: 30_000 }, categories: ['vegetables', 'fruit', 'tofu'], leadTimeH: 36, expeditedLeadTimeH: 10, expeditePremiumFenPerUnit: 60, deliveryFenPerUnit: 25, moqPacks: 1 },
  { supplier: { id: 'supplier-grain', name: '粮油供应商 Grain & oil supplier', dailyCapacityUnits: 15_000 }, categories: ['rice', 'flour', 'oil', 'noodles', 'condiments'], leadTimeH: 48, expeditedLeadTimeH: 12, expeditePremiumFenPerUnit: 150, deliveryFenPerUnit: 40, moqPacks: 2 },
  { supplier: { id: 'supplier-dairy', name: '乳品供应商 Dairy supplier', dailyCapacityUnits: 12_000 }, categories: ['dairy', 'eggs'], leadTimeH: 30, expeditedLeadTimeH: 8, expeditePremiumFenPerUnit: 80, deliveryFenPerUnit: 30, moqPacks: 1 },
  { supplier: { id: 'supplier-general', name: '综合供应商 General goods supplier (estimate)', dailyCapacityUnits: 20_000 }, categories: ['meat', 'frozen', 'household', 'baby', 'seafood'], leadTimeH: 48, expeditedLeadTimeH: 16, expeditePremiumFenPerUnit: 120, deliveryFenPerUnit: 35, moqPacks: 1 },
];

export function yizhuangSuppliers(items: ReadonlyArray<PlanningItem & { packSize?: number }>): { suppliers: Supplier[]; supplierItems: SupplierItem[] } {
  const supplierItems: SupplierItem[] = [];
  for (const t of TEMPLATES) {
    const cats = new Set(t.categories);
    for (const it of items) {
      if (!cats.has(it.category) || (it.tier ?? 'none') === 'none') continue;
      const packSize = Math.max(1, it.packSize ?? 1);
      supplierItems.push({
        supplierId: t.supplier.id,
        itemId: it.id,
        packSize,
        moqUnits: packSize * t.moqPacks,
        leadTimeH: t.leadTimeH,
        expeditedLeadTimeH: t.expeditedLeadTimeH,
        expeditePremiumFenPerUnit: t.expeditePremiumFenPerUnit,
        deliveryFenPerUnit: t.deliveryFenPerUnit,
      });
    }
  }
  return { suppliers: TEMPLATES.map((t) => t.supplier), supplierItems };
}

/**
 * DC shipments already planned or on the road on day 0: two days of baseline demand of each
 * destination's 60 best-selling catalogue essentials. The ones bound for the locked-down
 * store are the natural candidates for diversion (截留分流).
 */
export function yizhuangDcShipments(opts: { dcNodeId: string; destinations: readonly string[]; items: readonly PlanningItem[]; demand: readonly BaselineDemand[] }): DcShipment[] {
  const essential = new Set(opts.items.filter((i) => (i.tier ?? 'none') !== 'none').map((i) => i.id));
  const out: DcShipment[] = [];
  for (const dest of opts.destinations) {
    const top = opts.demand
      .filter((d) => d.nodeId === dest && essential.has(d.itemId) && d.dailyUnits > 0)
      .sort((a, b) => b.dailyUnits - a.dailyUnits || a.itemId.localeCompare(b.itemId))
      .slice(0, 60);
    top.forEach((d, k) => {
      out.push({ id: `DC-${dest}-${String(k + 1).padStart(3, '0')}`, fromNodeId: opts.dcNodeId, toNodeId: dest, itemId: d.itemId, quantity: d.dailyUnits * 2, status: k % 2 === 0 ? 'in_transit' : 'planned' });
    });
  }
  return out;
}
