import { describe, expect, it } from 'vitest';
import { yizhuangDcShipments, yizhuangSuppliers } from './demo.ts';
import type { PlanningItem } from './types.ts';

const items: Array<PlanningItem & { packSize: number }> = [
  { id: 'rice-1', name: 'rice', category: 'rice', tempClass: 'ambient', volumeCm3: 6500, tier: 'key', packSize: 10 },
  { id: 'milk-1', name: 'milk', category: 'dairy', tempClass: 'chilled', volumeCm3: 1100, tier: 'essential', packSize: 6 },
  { id: 'chips-1', name: 'chips', category: 'snacks', tempClass: 'ambient', volumeCm3: 500, tier: 'none', packSize: 10 },
];

describe('Yizhuang demo sourcing data', () => {
  it('offers every assortment-eligible item from the supplier of its category, with packs and a MOQ', () => {
    const { suppliers, supplierItems } = yizhuangSuppliers(items);
    expect(suppliers.map((s) => s.id)).toEqual(['supplier-veg', 'supplier-grain', 'supplier-dairy', 'supplier-general']);
    expect(supplierItems.map((o) => [o.supplierId, o.itemId, o.packSize, o.moqUnits])).toEqual([
      ['supplier-grain', 'rice-1', 10, 20],
      ['supplier-dairy', 'milk-1', 6, 6],
    ]);
  });

  it('ships two days of each destination\'s best sellers from the DC, alternating in transit and planned', () => {
    const s = yizhuangDcShipments({
      dcNodeId: 'south-dc',
      destinations: ['dazu-plaza'],
      items,
      demand: [
        { nodeId: 'dazu-plaza', itemId: 'milk-1', dailyUnits: 40 },
        { nodeId: 'dazu-plaza', itemId: 'rice-1', dailyUnits: 10 },
        { nodeId: 'dazu-plaza', itemId: 'chips-1', dailyUnits: 99 },
      ],
    });
    expect(s.map((x) => [x.id, x.itemId, x.quantity, x.status])).toEqual([
      ['DC-dazu-plaza-001', 'milk-1', 80, 'in_transit'],
      ['DC-dazu-plaza-002', 'rice-1', 20, 'planned'],
    ]);
  });
});
