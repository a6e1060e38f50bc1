/** The zones context's pure rules: zones and their geometry, control areas, reassignment, widening, schedules and the H3 grid. Other contexts import this context through this file. */
export * from './control-area.ts';
export * from './geometry.ts';
export * from './h3-grid.ts';
export * from './reassignment.ts';
export * from './schedule.ts';
export * from './synthetic.ts';
export * from './widening.ts';
export * from './yizhuang-demo.ts';
export * from './zone-index.ts';
export * from './zone.ts';
export { fitHandBack, handBackNodeIds, planHandBack, type ZoneHandBack } from './hand-back.ts';
