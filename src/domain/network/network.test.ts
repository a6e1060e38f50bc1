import { describe, expect, it } from 'vitest';
import { generateBaselineDemand, generateCatalogue } from './catalogue.ts';
import { checkStatusTransition, DemandInputSchema, ItemInputSchema, NodeInputSchema, parseWith, takesOnlineOrders } from './model.ts';
import { parseRows } from './rows.ts';
import { seededRandom } from '../shared/random.ts';

describe('the demo catalogue', () => {
  it('has a few thousand items across real categories, with unique ids', () => {
    const items = generateCatalogue();
    expect(items.length).toBeGreaterThan(2000);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const categories = new Set(items.map((i) => i.category));
    for (const c of ['vegetables', 'fruit', 'meat', 'eggs', 'dairy', 'rice', 'oil', 'noodles', 'frozen', 'household']) expect(categories).toContain(c);
  });

  it('marks a small set of key items and a larger set of essentials', () => {
    const items = generateCatalogue();
    const key = items.filter((i) => i.essentialTier === 'key').length;
    const essential = items.filter((i) => i.essentialTier === 'essential').length;
    expect(key).toBeGreaterThanOrEqual(10);
    expect(essential).toBeGreaterThan(key);
  });

  it('gives every item a valid record by the item schema', () => {
    for (const it of generateCatalogue()) expect(parseWith(ItemInputSchema, it).ok).toBe(true);
  });
});

describe('baseline demand', () => {
  const items = generateCatalogue();
  it('is the same for the same seed and different for another', () => {
    const a = generateBaselineDemand('n', 10000, items, seededRandom(7));
    const b = generateBaselineDemand('n', 10000, items, seededRandom(7));
    const c = generateBaselineDemand('n', 10000, items, seededRandom(8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('adds up to about the node total and gives every essential at least one unit', () => {
    const rows = generateBaselineDemand('n', 20000, items, seededRandom(1));
    const total = rows.reduce((s, r) => s + r.dailyQuantity, 0);
    expect(total).toBeGreaterThan(20000 * 0.85);
    expect(total).toBeLessThan(20000 * 1.15);
    const byId = new Map(rows.map((r) => [r.itemId, r.dailyQuantity]));
    for (const it of items.filter((i) => i.essentialTier !== 'none')) expect(byId.get(it.id) ?? 0).toBeGreaterThanOrEqual(1);
  });
});

describe('node rules', () => {
  it.each([
    ['open', 'suspended', true],
    ['suspended', 'online_only', true],
    ['online_only', 'open', true],
    ['open', 'open', false],
    ['closed', 'open', false],
  ] as const)('a node going from %s to %s is allowed: %s', (from, to, allowed) => {
    expect(checkStatusTransition(from, to).ok).toBe(allowed);
  });

  it('takes online orders when open or online-only, not when suspended or closed', () => {
    expect([takesOnlineOrders('open'), takesOnlineOrders('online_only'), takesOnlineOrders('suspended'), takesOnlineOrders('closed')]).toEqual([true, true, false, false]);
  });

  it('names the field, the expected and the actual value for a latitude out of range', () => {
    const r = parseWith(NodeInputSchema, { id: 'a', kind: 'store', nameZh: 'x', nameEn: 'x', lat: 120, lng: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ field: 'lat', actual: 120 });
  });
});

describe('spreadsheet rows', () => {
  it('converts numbers, skips blank lines and reports bad cells by row and column', () => {
    const header = ['nodeId', 'itemId', 'dailyQuantity'];
    const r = parseRows<any>(DemandInputSchema, header, [['a', 'b', '3'], ['', '', ''], ['a', 'c', 'three']]);
    expect(r.records).toEqual([{ row: 2, value: { nodeId: 'a', itemId: 'b', dailyQuantity: 3 } }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 4, column: 'dailyQuantity', actual: 'three' });
  });
});
