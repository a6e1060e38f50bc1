/**
 * The incident's input (control areas, emergency warehouse, multipliers) as TypeBox schemas, and
 * the response plan's parts and summary.
 */
import { Type, type Static } from '@sinclair/typebox';

/**
 * The incident: what happened (control areas with levels and times, drawn as
 * GeoJSON or given as a circle, the nodes it affects) and the changes the chain
 * wants (an emergency warehouse standing up from a template node, stock
 * multipliers). The response plan is drafted from it; see plan.ts.
 */
const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', description: 'an id: letters, digits, _ . : - (max 64)' });

export const IncidentAreaSchema = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    level: Type.Union([Type.Literal('lockdown'), Type.Literal('controlled'), Type.Literal('precaution')], { description: 'lockdown, controlled or precaution' }),
    geometry: Type.Optional(Type.Any({ description: 'a GeoJSON Polygon or MultiPolygon (or give circle)' })),
    circle: Type.Optional(
      Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }), radiusM: Type.Integer({ minimum: 10, maximum: 100000 }) }, { additionalProperties: false }),
    ),
    startsAt: Type.String({ format: 'date-time', description: 'ISO timestamp' }),
    endsAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    allowOnlineOnly: Type.Optional(Type.Boolean({ description: 'nodes inside go online-only instead of suspended' })),
  },
  { additionalProperties: false },
);
export type IncidentArea = Static<typeof IncidentAreaSchema>;

export const EmergencyWarehouseSchema = Type.Object(
  {
    id: Id,
    templateNodeId: Type.String({ description: 'an existing node whose settings are copied' }),
    nameZh: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    dailyOrderCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    maxDeliveryRadiusM: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    storageAmbient: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    storageChilled: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    storageFrozen: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
export type EmergencyWarehouse = Static<typeof EmergencyWarehouseSchema>;

export const IncidentInputSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    areas: Type.Array(IncidentAreaSchema, { minItems: 1, maxItems: 1000 }),
    affectedNodeIds: Type.Optional(Type.Array(Id, { maxItems: 10000, description: 'nodes affected beyond those inside the areas' })),
    emergencyWarehouse: Type.Optional(EmergencyWarehouseSchema),
    multipliers: Type.Optional(Type.Object({ essential: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), key: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false })),
    demandSurge: Type.Optional(Type.Object({
      ordersMultiplier: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'online orders a day during the incident relative to normal (e.g. 3.3)' }),
      tierMultipliers: Type.Optional(Type.Object({ none: Type.Number({ minimum: 0, maximum: 100 }), essential: Type.Number({ minimum: 0, maximum: 100 }), key: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false, description: 'item mix weight by tier relative to normal' })),
    }, {
      additionalProperties: false,
      description: 'how demand changes when the incident starts. The stored zones hold the demand the plan is made for (the incident level), so a simulation starts from zones ÷ ordersMultiplier and applies the surge once, at the start; default: no surge',
    })),
    scenario: Type.Optional(Type.String({ maxLength: 64, description: 'the built-in scenario this incident was declared from (its scripted 2022 response is simulated beside the plan)' })),
    /** Reopen nodes inside lockdown areas online-only at this time (the seed's store reopened on day 1-3). */
    reopenOnlineOnlyAt: Type.Optional(Type.String({ format: 'date-time' })),
    /**
     * Whether a store reopening online-only takes back, at its reopening, the zones the plan moved
     * away from it ('all'), or leaves them with the nodes that took them ('none', the default: the
     * roster staffs those nodes for them, while a closed-loop store can rarely be staffed for all
     * its zones — on the demo, handing all back cut the orders servable on day 2 from 10,000 to 5,983).
     */
    zoneHandBack: Type.Optional(Type.Union([Type.Literal('fit'), Type.Literal('all'), Type.Literal('none')], { description: 'at the online-only reopening, the store takes back the zones the plan moved away that its roster can serve, nearest first (fit, default), all of them (all) or none (none)' })),
  },
  { additionalProperties: false },
);
export type IncidentInput = Static<typeof IncidentInputSchema>;

export const PLAN_PARTS = ['node_status', 'emergency_warehouse', 'zones', 'targets', 'sourcing', 'trips', 'staffing'] as const;
export type PlanPart = (typeof PLAN_PARTS)[number];

export interface PlanSummary {
  ordersPerDayCovered: number;
  ordersPerDayNotCovered: number;
  essentialDaysOfCover: number | null;
  /** From the trips part: trips planned by the trips context over its days. */
  trips: number;
  coldChainTrips: number;
  ambientTrips: number;
  dryIceBags: number;
  icePacks: number;
  /** Dry-ice bags plus ice packs (the figure the June 2022 reports give). */
  coolantPacks: number;
  tripsUnassignedLoads: number;
  /** From the staffing part: hours of the people rostered, and role-hours left unmet. */
  staffHoursAssigned: number;
  staffHoursPerDay: number;
  unmetRoleHours: number;
  notes: string[];
  /** The notes as codes with parameters (plan.*), in the same order, for the UI to translate. */
  noteCodes?: Array<{ code: string; params: Record<string, string | number> }>;
  /** How long each part took to draft. */
  timingsMs?: Record<string, number>;
}

/** Circle or polygon → a GeoJSON geometry; the error names the field. */
export function areaGeometry(a: IncidentArea, circle: (c: { lat: number; lng: number }, r: number) => unknown): unknown {
  if (a.geometry) return a.geometry;
  if (a.circle) return circle({ lat: a.circle.lat, lng: a.circle.lng }, a.circle.radiusM);
  return null;
}
