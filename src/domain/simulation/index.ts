/** The simulation context: a deterministic discrete-event simulation of the days ahead, and the scenario file format. */
export * from './model.ts';
export * from './events.ts';
export * from './demand.ts';
export * from './kpi.ts';
export * from './stock.ts';
export * from './engine.ts';
export * from './scenario.ts';
export * from './report.ts';
export * from './orders-adapter.ts';
