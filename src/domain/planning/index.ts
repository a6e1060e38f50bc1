/**
 * The planning context's public face: the emergency assortment, surge targets and net
 * requirements, and sourcing (`planSourcing`, its parameters and the plan it returns). The
 * sourcing model, greedy baseline, auditor and input preparation stay inside the context.
 * Other contexts import this context through this file.
 */
export * from './assortment.ts';
export * from './demo.ts';
export * from './sourcing/params.ts';
export * from './sourcing/plan.ts';
export * from './synthetic.ts';
export * from './targets.ts';
export * from './types.ts';
export type { SourcingInput } from './sourcing/prepare.ts';
