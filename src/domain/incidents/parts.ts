/**
 * The contents of a response (or lift) plan's parts as TypeBox schemas, one per part, told apart by
 * the part's name: what the draft (flows/incident/draft.ts), a re-run (rerun.ts) and the lift
 * (lift.ts) write, and what an edit must keep. Objects are open (additionalProperties: true): they
 * name the fields the draft always writes and the readers rely on, and carry any other field as is.
 * Figures are numbers, not integers, so nothing is rounded on the way out.
 */
import { Type, type Static, type TSchema, type TProperties } from '@sinclair/typebox';

const Open = <P extends TProperties>(props: P, description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Num = Type.Number();
const Str = Type.String();
const Ids = Type.Array(Type.String());

/** node_status: the statuses the control areas impose, and the reopening online-only. */
export const NodeStatusPartSchema = Open({
  changes: Type.Array(Open({ nodeId: Str, from: Str, to: Str, reason: Str, at: Type.String({ description: 'ISO time the status changes' }) })),
  controlAreas: Type.Array(Type.String(), { description: 'the incident\'s area ids' }),
});

/** emergency_warehouse: the node the warehouse becomes on apply (null when the incident has none). */
export const EmergencyWarehousePartSchema = Open({
  node: OrNull(Open({ id: Str, kind: Str, nameZh: Str, nameEn: Type.Optional(Str), lat: Num, lng: Num, dailyOrderCapacity: Type.Optional(OrNull(Num)), maxDeliveryRadiusM: Type.Optional(OrNull(Num)) })),
});

const Split = OrNull(Open({ nodeId: Str, ordersPerDay: Num }));
/** One zone's move (domain/zones ZoneChange). */
export const ZoneChangeSchema = Open({
  zoneId: Str,
  demandOrdersPerDay: Num,
  oldNodeId: OrNull(Str),
  oldSplit: Type.Optional(Split),
  newNodeId: OrNull(Str),
  newSplit: Type.Optional(Split),
  distanceM: OrNull(Num),
  newBackupNodeIds: Type.Optional(Ids),
  unservedOrdersPerDay: Type.Optional(Num),
});
const FromTo = Open({ from: Num, to: Num });

/** zones: the reassignment proposal (domain/zones), the node changes that widen it, and the hand-back at a reopening. */
export const ZonesPartSchema = Open({
  method: Type.Optional(Type.String({ description: 'mip or greedy' })),
  changes: Type.Array(ZoneChangeSchema),
  nodeChanges: Type.Optional(Type.Array(Open({ nodeId: Str, maxDeliveryRadiusM: Type.Optional(FromTo), dailyOrderCapacity: Type.Optional(FromTo), reason: Type.Optional(Str) }))),
  unserved: Type.Array(Open({ zoneId: Str, ordersPerDay: Num, reason: Str, message: Type.Optional(Str) })),
  nodeLoads: Type.Optional(Type.Array(Open({ nodeId: Str, trading: Type.Optional(Type.Boolean()), dailyOrderCapacity: Num, maxDeliveryRadiusM: Type.Optional(Num), loadBefore: Num, loadAfter: Num }))),
  totals: Open({ servedOrdersPerDay: Type.Optional(Num), unservedOrdersPerDay: Type.Optional(Num), unservedWithoutWideningOrdersPerDay: Type.Optional(Num) }),
  note: Type.Optional(Str),
  handBackMode: Type.Optional(Type.Union([Type.Literal('fit'), Type.Literal('all'), Type.Literal('none')])),
  handBack: Type.Optional(Type.Array(Open({ nodeId: Str, at: Str, changes: Type.Array(ZoneChangeSchema) }))),
  handBackFit: Type.Optional(Type.Array(Open({ nodeId: Str, capacityOrdersPerDay: Num, listedZones: Num, listedOrdersPerDay: Num, handedBackZones: Num, handedBackOrdersPerDay: Num }))),
  settings: Type.Optional(Type.Array(Open({ nodeId: Str, maxDeliveryRadiusM: Type.Optional(Num), dailyOrderCapacity: Type.Optional(Num), receivesZones: Type.Optional(Type.Boolean()) }), { description: 'the planner\'s node settings of a re-run' })),
  notReceiving: Type.Optional(Type.Array(Type.String(), { description: 'the nodes a re-run gives no zones' })),
});

const Multipliers = Open({ essential: Num, key: Num });
/** targets: the multipliers per node and the targets they give, per node; a re-run adds the assortment. */
export const TargetsPartSchema = Open({
  multipliers: Type.Optional(Open({ essential: Num, key: Num, byNode: Type.Optional(Type.Record(Type.String(), Multipliers)), capAtShelfLife: Type.Optional(Type.Boolean()) }, 'absent in a part a reviewer wrote: the incident\'s multipliers apply')),
  surged: Type.Optional(Ids),
  untilHandBack: Type.Optional(Ids),
  holdDays: Type.Optional(OrNull(Num)),
  lendersOnly: Type.Optional(Ids),
  lenderDaysOfCover: Type.Optional(Num),
  nodes: Type.Array(Open({ nodeId: Str, items: Num, targetUnits: Num, baselineUnits: Num, capped: Num, daysOfCover: OrNull(Num) })),
  assortment: Type.Optional(Open({
    size: Num, items: Num, keyItems: Num, coverageShare: Num,
    tiers: Type.Record(Type.String(), Type.String(), { description: 'item id → tier' }),
    lines: Type.Array(Type.Array(Type.Unknown()), { description: '[item, tier, category, reason, key reason, daily units, rank]' }),
  })),
});

/** sourcing: the draft sourcing plan toward the targets (planId null when no node needed stock). */
export const SourcingPartSchema = Open({
  planId: OrNull(Str),
  receivers: Ids,
  summary: OrNull(Open({ method: Str, needs: Num, needUnits: Num, shortageUnits: Num, costFen: Num }, 'the sourcing plan\'s summary (planning context)')),
  documents: Type.Optional(Num),
  lines: Type.Optional(Num),
  shortages: Type.Optional(Num),
});

/** trips: the sourcing part's transfers and supplier orders as trips (flows/incident-trips.ts). */
export const TripsPartSchema = Open({
  method: Type.Optional(Str),
  firstDay: Type.Optional(Str),
  days: Type.Optional(Num),
  trips: Num,
  coldChainTrips: Num,
  ambientTrips: Num,
  vehicles: Type.Optional(Num),
  distanceKm: Type.Optional(Num),
  dryIceBags: Num,
  icePacks: Num,
  coolantPacks: Num,
  loads: Num,
  unassigned: Type.Array(Type.Unknown()),
  byNode: Type.Optional(Type.Array(Open({ nodeId: Str, stops: Num, coldStops: Num }))),
  list: Type.Optional(Type.Array(Open({
    day: Str, mode: Str, wave: OrNull(Str), ref: Str, vehicleTypeId: Str, vehicleKey: Str, originNodeId: Str, depart: Str, back: Str, stops: Ids, loads: Num,
    coldChain: Type.Boolean(), distanceKm: Num, dryIceBags: Num, icePacks: Num,
    deliveries: Type.Array(Open({ nodeId: Str, arrive: Str, lines: Type.Array(Open({ itemId: Str, quantity: Num })) })),
  }))),
  warnings: Type.Optional(Type.Array(Type.String())),
});

/** staffing: the roster for the affected nodes and their lenders (flows/incident-staffing.ts); roster is what apply stores. */
export const StaffingPartSchema = Open({
  method: Type.Optional(Str),
  startsAt: Type.Optional(Str),
  days: Type.Optional(Num),
  affected: Type.Optional(Ids),
  lenders: Type.Optional(Ids),
  staffHoursAssigned: Num,
  staffHoursPerDay: Type.Optional(Num),
  requiredRoleHours: Type.Optional(Num),
  unmetRoleHours: Num,
  peopleRostered: Type.Optional(Num),
  peopleBorrowed: Type.Optional(Num),
  byNode: Type.Array(Open({ nodeId: Str, role: Str, ordersPerDay: Num, people: Num, borrowed: Num, staffHours: Num, requiredRoleHours: Num, unmetRoleHours: Num })),
  notes: Type.Optional(Type.Array(Type.String())),
  hires: Type.Optional(Type.Array(Open({ siteId: Str, role: Str, people: Num, unmetHours: Num, byShift: Type.Array(Open({ shiftId: Str, people: Num })) }), { description: 'people to hire (or riders to contract) per node and role to cover what stays unmet, each on one ordinary shift a day' })),
  roster: OrNull(Open({ startsAt: Str, rates: Open({}), problem: Open({}), result: Open({}) }, 'the roster as apply stores it: problem (sites, shifts, needs, rules) and result')),
});

/** actions (lift plan): what the lift undoes, one action each. */
export const LiftActionsPartSchema = Type.Array(Open({ action: Str, detail: Type.Record(Type.String(), Type.Unknown()) }));

/** surplus_rebalance (lift plan): the emergency warehouse's stock left to move. */
export const SurplusRebalancePartSchema = Open({
  fromNodeId: OrNull(Str),
  lines: Type.Array(Open({ itemId: Str, surplusUnits: Num })),
  note: Type.Optional(Str),
});

/** Every part's content schema by the part's name. */
export const PLAN_PART_CONTENT = {
  node_status: NodeStatusPartSchema,
  emergency_warehouse: EmergencyWarehousePartSchema,
  zones: ZonesPartSchema,
  targets: TargetsPartSchema,
  sourcing: SourcingPartSchema,
  trips: TripsPartSchema,
  staffing: StaffingPartSchema,
  actions: LiftActionsPartSchema,
  surplus_rebalance: SurplusRebalancePartSchema,
} as const;
export type PlanPartName = keyof typeof PLAN_PART_CONTENT;

export type NodeStatusPart = Static<typeof NodeStatusPartSchema>;
export type EmergencyWarehousePart = Static<typeof EmergencyWarehousePartSchema>;
export type ZonesPart = Static<typeof ZonesPartSchema>;
export type TargetsPart = Static<typeof TargetsPartSchema>;
export type SourcingPart = Static<typeof SourcingPartSchema>;
export type TripsPart = Static<typeof TripsPartSchema>;
export type StaffingPart = Static<typeof StaffingPartSchema>;
export type LiftActionsPart = Static<typeof LiftActionsPartSchema>;
export type SurplusRebalancePart = Static<typeof SurplusRebalancePartSchema>;

/** A part's content by the part's name, as its schema types it. */
export type PlanPartContent<K extends PlanPartName = PlanPartName> = Static<(typeof PLAN_PART_CONTENT)[K]>;
/** One part of a plan: its name and the content of that name's schema (a union told apart by `part`). */
export type PlanPartEntry = { [K in PlanPartName]: { part: K; content: PlanPartContent<K> } }[PlanPartName];

/** The content of the part `name` among a plan's parts, typed by that part's schema; undefined when the plan has no such part. */
export function partContent<K extends PlanPartName>(parts: readonly PlanPartEntry[] | undefined, name: K): PlanPartContent<K> | undefined {
  const found = parts?.find((p) => p.part === name);
  return found?.content as PlanPartContent<K> | undefined;
}

/** Whether `name` is a part the plans hold. */
export function isPlanPartName(name: string): name is PlanPartName {
  return Object.prototype.hasOwnProperty.call(PLAN_PART_CONTENT, name);
}
