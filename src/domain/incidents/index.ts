/** The incidents context's pure rules: the incident model, when a draft reasons from, the board, reconciliation, trip loads and vehicles short, the plans' parts and step results. Other contexts import this context through this file. */
export * from './board.ts';
export * from './demo.ts';
export * from './model.ts';
export * from './parts.ts';
export * from './steps.ts';
export * from './reconciliation.ts';
export * from './trip-loads.ts';
export * from './vehicles-short.ts';
export * from './draft-time.ts';
