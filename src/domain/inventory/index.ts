/** The inventory context's pure domain: the stock ledger's types, rules, FEFO, counts and auditor. */
export * from './types.ts';
export * from './validate.ts';
export * from './fefo.ts';
export * from './ledger.ts';
export * from './auditor.ts';
export * from './counts.ts';
export * from './availability.ts';
export * from './expiry.ts';
export * from './stock-summary.ts';
export { MOVE_TEMPERATURE_CLASSES, stockToMove, type MoveLine, type MoveScope, type StockAtNode } from './move-stock.ts';
