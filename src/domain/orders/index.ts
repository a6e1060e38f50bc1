/** The orders context's pure rules: validation, routing to nodes, limits, slots, substitution, group orders, lifecycle. */
export * from './types.ts';
export * from './validate.ts';
export * from './limits.ts';
export * from './slots.ts';
export * from './book.ts';
export * from './placement.ts';
export * from './substitution.ts';
export * from './group.ts';
export * from './lifecycle.ts';
