/** The network context's pure rules: nodes, items, the catalogue, places and imported rows. Other contexts import this context through this file. */
export * from './catalogue.ts';
export * from './model.ts';
export * from './places.ts';
export * from './rows.ts';
export { STATUS_REASON_CODES, manualReason, readStatusReason, statusReasonText, toStatusReason, type StatusReason, type StatusReasonCode, type StatusReasonParams } from './status-reason.ts';
