/** The planning context's pure rules: the assortment, surge targets, and sourcing (model, greedy baseline, evaluation, explanation). Other contexts import this context through this file. */
export * from './assortment.ts';
export * from './demo.ts';
export * from './sourcing/evaluate.ts';
export * from './sourcing/explain.ts';
export * from './sourcing/greedy.ts';
export * from './sourcing/model.ts';
export * from './sourcing/params.ts';
export * from './sourcing/plan.ts';
export * from './sourcing/prepare.ts';
export * from './synthetic.ts';
export * from './targets.ts';
export * from './types.ts';
export * from './validate.ts';
