import { describe, expect, it } from 'vitest';
import { stockToMove, type StockAtNode } from './move-stock.ts';

const stock: StockAtNode[] = [
  { itemId: 'rice', category: 'rice', temperatureClass: 'ambient', onHand: 100, reserved: 10 },
  { itemId: 'milk', category: 'dairy', temperatureClass: 'chilled', onHand: 50, reserved: 0 },
  { itemId: 'dumplings', category: 'frozen', temperatureClass: 'frozen', onHand: 30, reserved: 30 },
  { itemId: 'yoghurt', category: 'dairy', temperatureClass: 'chilled', onHand: 0, reserved: 0 },
];
const move = (scope: Parameters<typeof stockToMove>[0]['scope'], to = 'store-b') => stockToMove({ fromNodeId: 'ew', toNodeId: to, scope, stock });

describe('the stock a 搬仓 moves', () => {
  it.each([
    ['everything free when no scope is given', {}, [['milk', 50], ['rice', 90]]],
    ['only the categories asked for', { categories: ['dairy'] }, [['milk', 50]]],
    ['only the classes asked for', { temperatureClasses: ['ambient'] }, [['rice', 90]]],
    ['items matching both when both are given', { categories: ['dairy', 'rice'], temperatureClasses: ['chilled'] }, [['milk', 50]]],
  ])('moves %s, never what is reserved', (_name, scope, want) => {
    const r = move(scope);
    expect(r.ok ? r.value.map((l) => [l.itemId, l.quantity]) : r.error).toEqual(want);
  });

  it.each([
    ['an unknown class', { temperatureClasses: ['warm'] }, 'store-b', 'validation_failed', 'scope.temperatureClasses.0'],
    ['a category the node does not hold', { categories: ['dairy', 'caviar'] }, 'store-b', 'validation_failed', 'scope.categories.1'],
    ['the same node', {}, 'ew', 'validation_failed', 'toNodeId'],
    ['a scope with nothing free', { temperatureClasses: ['frozen'] }, 'store-b', 'conflict', 'scope'],
  ])('refuses %s, naming the field', (_name, scope, to, code, field) => {
    const r = move(scope, to);
    expect(r.ok ? r.value : r.error).toMatchObject({ code, field });
  });
});
