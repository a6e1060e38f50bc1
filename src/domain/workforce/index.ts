/** The workforce context: staff, needs, the roster MIP and the capacity a roster gives. */
export * from './model.ts';
export * from './shifts.ts';
export * from './needs.ts';
export * from './review.ts';
export { planStaffing, buildRosterModel, type PlanOptions, type RosterMethod, type RosterPlanner } from './roster.ts';
export { capacityPerSlot, ordersPerStaffHour, personSchedule, type SlotCapacity } from './capacity.ts';
export { yizhuangDemoStaff } from './demo.ts';
export { assembleProblem, ORDER_SHARE, INBOUND_SHARE, type NodeForPlan, type StaffForPlan, type PlanRequest } from './assemble.ts';
export { explainUnmet, hiresToCover, type HireFix, type UnmetExplained, type UnmetReason } from './unmet.ts';
export { parseStaffTable, STAFF_COLUMNS } from './staff-table.ts';
