/**
 * What each step of an incident plan's apply and lift records as its result (the workflow journal,
 * `incident_applied_steps.result`), as TypeBox schemas by flow and step name: the types the steps
 * return (flows/incident/*) and the schema `GET /api/incidents/:id` serves them by.
 */
import { Type, type Static, type TSchema, type TProperties } from '@sinclair/typebox';

// Closed objects: a result that grows a field no longer matches its step's schema, so the test
// that checks the served records against them fails, and the response falls back to the
// catch-all record (which serialises the result as it is) instead of dropping the field.
const Closed = <P extends TProperties>(props: P, description?: string) => Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
// Figures are numbers, not integers, so nothing is rounded on the way out.
const Num = Type.Number();
const Str = Type.String();
const Ids = Type.Array(Type.String());

/** An assortment row as the targets part and the step journals keep it: [item, tier, category, reason, key reason, daily units, rank]. */
export type AssortmentTuple = [string, 'essential' | 'key', string, string, string | null, number, number];
const AssortmentLines = Type.Array(
  Type.Unsafe<AssortmentTuple>(Type.Array(Type.Union([Str, Num, Type.Null()]), { minItems: 7, maxItems: 7, description: '[item, tier, category, reason, key reason, daily units, rank]' })),
);

const SlotsOpened = Closed({ opened: Type.Array(Closed({ nodeId: Str, serviceDay: Str, dailyOrderCapacity: Num })) }, 'the delivery slots opened, a node and day each');
const SlotCapacityChange = Closed({ nodeId: Str, startMs: Num, endMs: Num, serviceDay: Str, before: Num, after: Num, roster: Type.Optional(Num) });
const Cancelled = Type.Array(Closed({ id: Str, note: Str }));

/** The apply's steps (flows/incident/apply.ts), in the order they run; each returns this shape. */
export const APPLY_STEP_RESULTS = {
  emergency_warehouse: Closed({ nodeId: Str, created: Type.Boolean(), slotDays: Ids }),
  control_areas: Closed({ areaIds: Ids }),
  scheduled_statuses: Closed({ scheduled: Type.Array(Closed({ id: Str, nodeId: Str, to: Str, at: Str })) }),
  zones: Closed({ reassignmentId: OrNull(Str), changes: Num, nodeChanges: Num }),
  zone_hand_back: Closed({
    scheduled: Type.Array(Closed({ id: Str, reassignmentId: Str, nodeId: Str, at: Str, zones: Num })),
    slots: Type.Optional(SlotsOpened),
  }),
  zone_slots: SlotsOpened,
  emergency_demand: Closed({ nodeId: Str, items: Num, unitsPerDay: Num, fromNodes: Type.Array(Closed({ nodeId: Str, ordersMoved: Num, share: Num })) }),
  staffing: Closed({
    staffingPlanId: OrNull(Str),
    superseded: Ids,
    slotCapacity: OrNull(Closed({
      planId: Str,
      nodes: Type.Array(Closed({ nodeId: Str, slots: Num, before: Num, after: Num, roster: Num, keptBefore: Type.Boolean() })),
      changes: Type.Array(SlotCapacityChange),
    })),
    note: Type.Optional(Str),
  }),
  assortment: Closed({ items: Num, before: AssortmentLines }),
  sourcing: Closed({ planId: OrNull(Str), documents: Type.Optional(Num) }),
  emergency_sourcing: Closed({ planId: OrNull(Str), documents: Num, targetItems: Num, note: Type.Optional(Str) }),
  trips: Closed({
    fromIso: Str,
    tripPlanIds: Ids,
    tripIds: Ids,
    loads: Closed({ transfers: Num, purchaseOrders: Num }),
    onTrips: Num,
    coldChainTrips: Num,
    ambientTrips: Num,
    dryIceBags: Num,
    icePacks: Num,
    unassigned: Type.Array(Closed({ loadId: Str, reason: Str, message: Str }), { description: 'loads with no trip in the 24 hours, with the planner\'s last reason (or not_ready)' }),
    violations: Type.Number({ description: 'plans whose audit failed: kept proposed, their loads unassigned' }),
    vehiclesShortDay1: Type.Array(
      Closed({ capability: Type.Union([Type.Literal('cold_chain'), Type.Literal('ambient')]), loadsWithoutTrip: Num, loadsPerVehicleDay: Num, vehiclesShort: Num }),
      { description: 'an estimate of the vehicles the day lacks, per capability, for the loads the fleet had no vehicle for (fleet_exhausted): those loads over the loads a vehicle of the kind carried in the plan\'s day, rounded up' },
    ),
    vehiclesShortText: Str,
    runs: Type.Array(Closed({ day: Str, mode: Type.Union([Type.Literal('wave'), Type.Literal('day')]), at: Str, loads: Num, trips: Num })),
  }),
} as const;

/** The lift's steps (flows/incident/lift.ts), in the order they run; nine share a name with an apply step, not its shape. */
export const LIFT_STEP_RESULTS = {
  scheduled_statuses: Closed({ cancelled: Cancelled }),
  zone_hand_back: Closed({ cancelled: Cancelled }),
  control_areas: Closed({ areaIds: Ids, effects: Type.Array(Closed({ areaId: Str, effects: Type.Array(OrNull(Str), { description: 'what lifting the area undid, an effect each (null: nothing to say)' }) })) }),
  zones: Closed({ reassignmentId: Str }),
  staffing: Closed({ staffingPlanId: OrNull(Str), restoredPlans: Ids }),
  emergency_warehouse: Closed({ nodeId: Str, before: Str }),
  zone_slots: Closed({ slotsEnded: Num }),
  assortment: Closed({ items: Num, replaced: AssortmentLines }),
  trips: Closed({ cancelled: Ids, underWay: Type.Array(Closed({ id: Str, status: Str })) }),
  sourcing_documents: Closed({
    reports: Type.Array(Closed({
      planId: Str,
      transfersCancelled: Ids,
      holdsReleased: Num,
      purchaseOrdersCancelled: Ids,
      forDecision: Type.Array(Closed({ kind: Type.Union([Type.Literal('transfer_order'), Type.Literal('diversion')]), id: Str, status: Str, note: Str })),
    })),
  }),
} as const;

export type ApplyStepName = keyof typeof APPLY_STEP_RESULTS;
export type LiftStepName = keyof typeof LIFT_STEP_RESULTS;
/** What the apply's step `K` records. */
export type ApplyStepResult<K extends ApplyStepName> = Static<(typeof APPLY_STEP_RESULTS)[K]>;
/** What the lift's step `K` records. */
export type LiftStepResult<K extends LiftStepName> = Static<(typeof LIFT_STEP_RESULTS)[K]>;

export const STEP_STATUSES = ['applied', 'failed', 'compensated', 'compensation_failed'] as const;
const Status = Type.Union(STEP_STATUSES.map((s) => Type.Literal(s)));

/** One step record whose result has `schema` (null when the step failed before it had one). */
function stepRecord<N extends string, S extends TSchema>(flow: 'apply' | 'lift', step: N, schema: S) {
  return Type.Object({
    position: Type.Integer(),
    step: Type.Literal(step),
    status: Status,
    result: OrNull(schema),
    error: OrNull(Str),
    at: Str,
  }, { additionalProperties: false, title: `${flow === 'apply' ? 'Apply' : 'Lift'}Step_${step}`, description: `the ${flow}'s ${step} step` });
}

const records = <M extends Record<string, TSchema>>(flow: 'apply' | 'lift', results: M) =>
  Object.entries(results).map(([step, schema]) => stepRecord(flow, step, schema));

/** A step record of the apply, told apart by `step` (no catch-all: what this version writes). */
export const ApplyStepRecordSchema = Type.Union(records('apply', APPLY_STEP_RESULTS));
/** A step record of the lift, told apart by `step` (no catch-all: what this version writes). */
export const LiftStepRecordSchema = Type.Union(records('lift', LIFT_STEP_RESULTS));

/**
 * Any step record a plan may hold: this version's apply and lift steps by name, then a catch-all
 * for records an earlier version wrote (another shape, or a step no longer run), served as stored.
 */
export const StepRecordSchema = Type.Union([
  ...records('apply', APPLY_STEP_RESULTS),
  ...records('lift', LIFT_STEP_RESULTS),
  Type.Object({ position: Type.Integer(), step: Str, status: Str, result: Type.Unknown(), error: OrNull(Str), at: Str }, { title: 'EarlierStep', description: 'a step record written by an earlier version, its result as stored' }),
], { description: 'an apply (or lift) step record; its result\'s shape follows the step\'s name and the plan\'s kind (response: apply, lift: lift)' });
