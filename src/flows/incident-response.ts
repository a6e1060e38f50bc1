/**
 * The incident response as a flow across contexts, one file per stage under `incident/`:
 * declare, draft (each context's planner writes one part of one reviewable plan), simulate,
 * apply (steps with compensations, run by `workflow.ts`), lift and reconcile.
 */
export type { FlowDeps } from './incident/common.ts';
export { emergencyNode } from './incident/common.ts';
export { declareIncident, declareDemoIncident } from './incident/declare.ts';
export { draftResponsePlan, type DraftOptions } from './incident/draft.ts';
export { applyResponsePlan } from './incident/apply.ts';
export { liftIncident } from './incident/lift.ts';
export { discardIncident, extendIncident, incidentTimeline, type TimelineEntry } from './incident/manage.ts';
export { reconcileDay } from './incident/reconcile.ts';
export { simulateIncident } from './incident/simulate.ts';
export { runSteps, type Step, type StepOutcome } from './workflow.ts';
