/**
 * Vehicle routing's public face: the problem and solution model, `solveRouting` and the independent
 * validator, and the instance file formats (Solomon, CVRPLIB) with their best-known
 * results. The search's internals (construction, local search and its operators, ruin and
 * recreate, the compiled instance) stay inside the context. Other contexts import it through this file.
 */
export * from './model.ts';
export * from './solve.ts';
export * from './validator.ts';
export * from './formats/index.ts';
