import { describe, expect, it } from 'vitest';
import { defaultSolver } from '../../solver/highs.ts';
import { selectAssortment, type AssortmentInput } from './assortment.ts';
import { node } from './fixtures.ts';
import type { PlanningItem } from './types.ts';

/**
 * "SmallShop": 3 rice, 3 milk and 2 snack items at one store. Demand (units a day):
 * rice-1 50, rice-2 30, rice-3 5, milk-1 40, milk-2 20, milk-3 10, snack-1 100, snack-2 90.
 */
const item = (id: string, category: string, tempClass: PlanningItem['tempClass'], volumeCm3 = 1000): PlanningItem => ({ id, name: id, category, tempClass, volumeCm3, tier: 'essential' });
const ITEMS = [
  item('rice-1', 'rice', 'ambient'), item('rice-2', 'rice', 'ambient'), item('rice-3', 'rice', 'ambient'),
  item('milk-1', 'dairy', 'chilled'), item('milk-2', 'dairy', 'chilled'), item('milk-3', 'dairy', 'chilled'),
  item('snack-1', 'snacks', 'ambient'), item('snack-2', 'snacks', 'ambient'),
];
const DEMAND = Object.entries({ 'rice-1': 50, 'rice-2': 30, 'rice-3': 5, 'milk-1': 40, 'milk-2': 20, 'milk-3': 10, 'snack-1': 100, 'snack-2': 90 }).map(
  ([itemId, dailyUnits]) => ({ nodeId: 'A', itemId, dailyUnits }),
);
const smallShop = (options: AssortmentInput['options'] = {}): AssortmentInput => ({
  items: ITEMS,
  demand: DEMAND,
  nodes: [node('A', 39.78, 116.5)],
  options: { categoryMinimums: {}, keyRule: null, ...options },
});

async function select(input: AssortmentInput) {
  const r = await selectAssortment(input, defaultSolver);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('selectAssortment', () => {
  it('picks the best-selling everyday items and leaves non-essential categories out', async () => {
    const a = await select(smallShop({ size: 3 }));
    expect(a.lines.map((l) => l.itemId).sort()).toEqual(['milk-1', 'rice-1', 'rice-2']);
    expect(a.selectedDemandUnits).toBe(120);
    expect(a.status).toBe('optimal');
  });

  it('honours a category minimum even when another category sells more', async () => {
    const a = await select(smallShop({ size: 3, categoryMinimums: { dairy: 2 } }));
    expect(a.lines.map((l) => l.itemId).sort()).toEqual(['milk-1', 'milk-2', 'rice-1']);
  });

  it('keeps pinned items and never selects dropped ones', async () => {
    const a = await select(smallShop({ size: 3, pinned: ['snack-2'], dropped: ['milk-1'] }));
    expect(a.lines.map((l) => [l.itemId, l.reason]).sort()).toEqual([['rice-1', 'demand'], ['rice-2', 'demand'], ['snack-2', 'pinned']]);
  });

  it('marks key items by rule and by hand', async () => {
    const a = await select(smallShop({ size: 4, keyRule: { categories: ['rice'], topPerCategory: 1 }, keyPinned: ['milk-2'] }));
    const key = a.lines.filter((l) => l.tier === 'key').map((l) => [l.itemId, l.keyReason]);
    expect(key.sort()).toEqual([['milk-2', 'by_hand'], ['rice-1', 'rule']]);
  });

  it('leaves out items whose surge stock would not fit the chilled room', async () => {
    // Two dairy items are required. 5x of milk-1 is 200 L but the chilled room holds 150 L,
    // so milk-2 and milk-3 (100 L + 50 L) are the pair that fits.
    const input = smallShop({ size: 3, categoryMinimums: { dairy: 2 } });
    input.nodes = [node('A', 39.78, 116.5, { storageCm3: { ambient: 1e12, chilled: 150_000, frozen: 0 } })];
    const a = await select(input);
    expect(a.lines.map((l) => l.itemId).sort()).toEqual(['milk-2', 'milk-3', 'rice-1']);
  });

  const bad: Array<[string, AssortmentInput['options'], string, string]> = [
    ['a size of zero', { size: 0 }, 'validation_failed', 'size'],
    ['an item both pinned and dropped', { pinned: ['rice-1'], dropped: ['rice-1'] }, 'validation_failed', 'pinned'],
    ['an unknown pinned item', { pinned: ['caviar'] }, 'not_found', 'pinned.0'],
    ['minimums larger than the assortment', { size: 2, categoryMinimums: { rice: 2, dairy: 1 } }, 'infeasible', 'categoryMinimums'],
  ];
  it.each(bad)('rejects %s, naming the field', async (_n, options, code, field) => {
    const r = await selectAssortment(smallShop(options), defaultSolver);
    expect(!r.ok && [r.error.code, r.error.field]).toEqual([code, field]);
  });
});
