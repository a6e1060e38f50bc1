/**
 * 搬仓 (warehouse evacuation): what moving a node's stock to another node takes, as transfer
 * lines. The scope is all of the stock, or the items of some categories, or of some temperature
 * classes (both given: an item must match both). What moves is on hand less reserved: stock held
 * for orders or other transfers stays, the safety buffer does not (evacuating empties the node).
 * Pure; the flow
 * (src/flows/move-stock.ts) splits the lines into vehicle-sized loads and plans the trips.
 *
 * Checks, in this order: the scope's values are known (field `scope.*`), the two nodes differ
 * (`toNodeId`), something in scope is free to move (`scope`, code `conflict`).
 */
import { err, ok, type Result } from '../shared/index.ts';

export const MOVE_TEMPERATURE_CLASSES = ['ambient', 'chilled', 'frozen'] as const;

export interface MoveScope {
  /** Item categories to move; omitted or empty: every category. */
  categories?: string[];
  /** Temperature classes to move; omitted or empty: every class. */
  temperatureClasses?: string[];
}

export interface StockAtNode {
  itemId: string;
  category: string;
  temperatureClass: string;
  onHand: number;
  reserved: number;
}

export interface MoveLine {
  itemId: string;
  quantity: number;
}

export function stockToMove(input: { fromNodeId: string; toNodeId: string; scope: MoveScope; stock: StockAtNode[] }): Result<MoveLine[]> {
  const { fromNodeId, toNodeId, scope, stock } = input;
  const classes = scope.temperatureClasses ?? [];
  for (const [i, c] of classes.entries()) {
    if (!(MOVE_TEMPERATURE_CLASSES as readonly string[]).includes(c))
      return err({ code: 'validation_failed', field: `scope.temperatureClasses.${i}`, message: `scope.temperatureClasses.${i}: unknown temperature class ${JSON.stringify(c)}`, expected: [...MOVE_TEMPERATURE_CLASSES], actual: c });
  }
  const categories = scope.categories ?? [];
  const known = new Set(stock.map((s) => s.category));
  for (const [i, c] of categories.entries()) {
    if (!known.has(c)) return err({ code: 'validation_failed', field: `scope.categories.${i}`, message: `scope.categories.${i}: node ${fromNodeId} holds no item of category ${JSON.stringify(c)}`, expected: [...known].sort(), actual: c });
  }
  if (fromNodeId === toNodeId) return err({ code: 'validation_failed', field: 'toNodeId', message: `toNodeId: the stock of ${fromNodeId} cannot move to the same node`, expected: `a node other than ${fromNodeId}`, actual: toNodeId });
  const lines = stock
    .filter((s) => (categories.length === 0 || categories.includes(s.category)) && (classes.length === 0 || classes.includes(s.temperatureClass)))
    .map((s) => ({ itemId: s.itemId, quantity: Math.max(0, s.onHand - s.reserved) }))
    .filter((l) => l.quantity > 0)
    .sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  if (lines.length === 0) {
    const what = [categories.length ? `categories ${categories.join(', ')}` : '', classes.length ? `classes ${classes.join(', ')}` : ''].filter(Boolean).join(' and ') || 'any item';
    return err({ code: 'conflict', field: 'scope', message: `node ${fromNodeId} has nothing free to move in ${what} (on hand less reserved is 0)`, expected: 'stock on hand not reserved', actual: 0 });
  }
  return ok(lines);
}
