/**
 * The trips context's public face: the fleet, loads, coolant, travel times, the trip planner, its
 * validation and trip sheets. Other contexts import this context through this file.
 */
export * from './model.ts';
export * from './time.ts';
export * from './fleet.ts';
export * from './loads.ts';
export * from './coolant.ts';
export * from './travel.ts';
export * from './plan.ts';
export * from './validate.ts';
export * from './sheet.ts';
