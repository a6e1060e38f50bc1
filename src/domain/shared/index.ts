/** The shared kernel every context may use: results and errors, the operating calendar, seeded randomness, the MIP port. Other contexts import this context through this file. */
export * from './calendar.ts';
export * from './mip.ts';
export * from './random.ts';
export * from './result.ts';
