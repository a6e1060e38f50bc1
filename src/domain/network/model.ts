/**
 * The network: nodes (stores, warehouses, the DC, suppliers), items (SKUs) and
 * the baseline demand that surge multipliers scale. Each input type has one
 * schema; HTTP bodies, CSV rows and spreadsheet rows are all parsed by it.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { err, ok, type DomainError, type Result } from '../shared/index.ts';

export const NODE_KINDS = [
  'store',
  'satellite_warehouse',
  'emergency_warehouse',
  'distribution_centre',
  'processing_centre',
  'supplier',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const NODE_STATUSES = ['open', 'online_only', 'suspended', 'closed'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export const TEMPERATURE_CLASSES = ['ambient', 'chilled', 'frozen'] as const;
export type TemperatureClass = (typeof TEMPERATURE_CLASSES)[number];

export const ESSENTIAL_TIERS = ['none', 'essential', 'key'] as const;
export type EssentialTier = (typeof ESSENTIAL_TIERS)[number];

const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'a code: letters, digits, _ . - (max 64)' });
const NonNegInt = (description: string) => Type.Integer({ minimum: 0, maximum: 2_000_000_000, description });
/** One of `values` (JSON Schema anyOf of constants), typed as their union so routes read it without a cast. */
const Literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));

export const NodeInputSchema = Type.Object(
  {
    id: Code,
    kind: Literals(NODE_KINDS, 'node kind'),
    nameZh: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS84 latitude' }),
    lng: Type.Number({ minimum: -180, maximum: 180, description: 'WGS84 longitude' }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    locationConfidence: Type.Optional(Literals(['good', 'estimate'] as const, 'good or estimate')),
    status: Type.Optional(Literals(NODE_STATUSES, 'node status')),
    statusReason: Type.Optional(Type.String({ maxLength: 500 })),
    openingHours: Type.Optional(Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d-([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM-HH:MM' })),
    dailyOrderCapacity: Type.Optional(NonNegInt('online orders a day')),
    storageUnit: Type.Optional(Literals(['m2', 'pallets'] as const, 'm2 or pallets')),
    storageAmbient: Type.Optional(NonNegInt('ambient storage, in storageUnit')),
    storageChilled: Type.Optional(NonNegInt('chilled storage, in storageUnit')),
    storageFrozen: Type.Optional(NonNegInt('frozen storage, in storageUnit')),
    maxDeliveryRadiusM: Type.Optional(NonNegInt('metres')),
  },
  { additionalProperties: false },
);
export type NodeInput = Static<typeof NodeInputSchema> & {
  kind: NodeKind;
  status?: NodeStatus;
  locationConfidence?: 'good' | 'estimate';
  storageUnit?: 'm2' | 'pallets';
};

export interface Node {
  id: string;
  kind: NodeKind;
  nameZh: string;
  nameEn: string;
  lat: number;
  lng: number;
  address: string;
  locationConfidence: 'good' | 'estimate';
  status: NodeStatus;
  statusChangedAt: string;
  statusReason: string;
  /** The reason as a code with parameters the UI translates (src/domain/network/status-reason.ts). */
  statusReasonCode?: string;
  statusReasonParams?: Record<string, string | number>;
  openingHours: string;
  dailyOrderCapacity: number;
  storageUnit: 'm2' | 'pallets';
  storageAmbient: number;
  storageChilled: number;
  storageFrozen: number;
  maxDeliveryRadiusM: number;
}

export const NODE_DEFAULTS = {
  address: '',
  locationConfidence: 'good',
  status: 'open',
  statusReason: '',
  openingHours: '07:00-22:00',
  dailyOrderCapacity: 0,
  storageUnit: 'm2',
  storageAmbient: 0,
  storageChilled: 0,
  storageFrozen: 0,
  maxDeliveryRadiusM: 0,
} as const;

export const ItemInputSchema = Type.Object(
  {
    id: Code,
    nameZh: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.String({ minLength: 1, maxLength: 64 }),
    unit: Type.String({ minLength: 1, maxLength: 32 }),
    temperatureClass: Literals(TEMPERATURE_CLASSES, 'ambient, chilled or frozen'),
    shelfLifeDays: Type.Integer({ minimum: 1, maximum: 36500 }),
    packSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    weightG: Type.Optional(NonNegInt('grams per unit')),
    volumeCm3: Type.Optional(NonNegInt('cm³ per unit')),
    priceFen: Type.Optional(NonNegInt('price per unit in fen')),
    essentialTier: Type.Optional(Literals(ESSENTIAL_TIERS, 'none, essential or key')),
  },
  { additionalProperties: false },
);
export type ItemInput = Static<typeof ItemInputSchema> & { temperatureClass: TemperatureClass; essentialTier?: EssentialTier };

export interface Item {
  id: string;
  nameZh: string;
  nameEn: string;
  category: string;
  unit: string;
  temperatureClass: TemperatureClass;
  shelfLifeDays: number;
  packSize: number;
  weightG: number;
  volumeCm3: number;
  priceFen: number;
  essentialTier: EssentialTier;
}

export const ITEM_DEFAULTS = { packSize: 1, weightG: 0, volumeCm3: 0, priceFen: 0, essentialTier: 'none' } as const;

export const DemandInputSchema = Type.Object(
  {
    nodeId: Code,
    itemId: Code,
    dailyQuantity: NonNegInt("units a day, in the item's unit"),
  },
  { additionalProperties: false },
);
export type DemandInput = Static<typeof DemandInputSchema>;

export const StatusChangeSchema = Type.Object(
  {
    status: Literals(NODE_STATUSES, 'node status'),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the status changes' }),
    override: Type.Optional(Type.Boolean({ description: 'true to reopen a node inside an active lockdown anyway (the reason is recorded as the override\'s reason)' })),
  },
  { additionalProperties: false },
);
export type StatusChange = { status: NodeStatus; reason: string; override?: boolean };

/** The least a reason must say when it overrides a lockdown (a word is not a reason). */
export const OVERRIDE_REASON_MIN_CHARS = 8;

/**
 * The lockdown guard on a status change, checked before the transition rules: a node
 * that an active lockdown area holds may not be set back to `open` unless the request
 * overrides it explicitly with a reason of at least OVERRIDE_REASON_MIN_CHARS. Online-only,
 * suspended and closed stay possible (they restrict, not reopen). `lockdowns` are the
 * areas holding the node now.
 */
export function checkLockdownGuard(change: StatusChange, lockdowns: ReadonlyArray<{ areaId: string; name: string }>): Result<true> {
  if (change.status !== 'open' || lockdowns.length === 0) return ok(true);
  const names = lockdowns.map((l) => l.name || l.areaId).join(', ');
  const details = { messageCode: 'node.in_lockdown', params: { areas: names, minChars: OVERRIDE_REASON_MIN_CHARS }, areas: lockdowns.map((l) => l.areaId) };
  if (change.override !== true) {
    return err({ code: 'conflict', message: `the node is inside an active lockdown (${names}); reopening needs override: true and a reason`, field: 'override', expected: 'true, with a reason', actual: change.override ?? '(missing)', details });
  }
  if (change.reason.trim().length < OVERRIDE_REASON_MIN_CHARS) {
    return err({ code: 'validation_failed', message: `an override of a lockdown needs a reason of at least ${OVERRIDE_REASON_MIN_CHARS} characters`, field: 'reason', expected: `at least ${OVERRIDE_REASON_MIN_CHARS} characters`, actual: change.reason, details: { ...details, messageCode: 'node.override_reason_short' } });
  }
  return ok(true);
}

/** Which status changes are allowed. A closed node is gone for good; the rest may move freely. */
export function checkStatusTransition(from: NodeStatus, to: NodeStatus): Result<true> {
  if (from === to) return err({ code: 'conflict', message: `node is already ${to}`, field: 'status', expected: `a status other than ${from}`, actual: to });
  if (from === 'closed') return err({ code: 'not_allowed', message: 'a closed node cannot change status', field: 'status', expected: 'node not closed', actual: from });
  return ok(true);
}

/** Can this node take online orders right now? (online-only nodes can; suspended cannot.) */
export function takesOnlineOrders(status: NodeStatus): boolean {
  return status === 'open' || status === 'online_only';
}

/**
 * Parses an unknown value against a schema; on failure returns the first few
 * errors, each naming the field, the expected and the actual value.
 */
export function parseWith<T>(schema: TSchema, value: unknown, fieldPrefix = ''): Result<T> {
  if (Value.Check(schema, value)) return ok(value as T);
  return err(schemaErrors(schema, value, fieldPrefix)[0]);
}

export function schemaErrors(schema: TSchema, value: unknown, fieldPrefix = ''): DomainError[] {
  const out: DomainError[] = [];
  for (const e of Value.Errors(schema, value)) {
    const field = (fieldPrefix + e.path.replace(/^\//, '').replace(/\//g, '.')) || '(root)';
    const expected = describeSchema(e.schema);
    out.push({
      code: 'validation_failed',
      message: `${field}: ${e.message}`,
      field,
      expected,
      actual: e.value === undefined ? '(missing)' : e.value,
    });
    if (out.length >= 10) break;
  }
  return out;
}

function describeSchema(s: TSchema): string {
  if (s.anyOf) return (s.anyOf as TSchema[]).map((x) => JSON.stringify(x.const)).join(' | ');
  const parts: string[] = [];
  if (s.type) parts.push(String(s.type));
  if (s.minimum !== undefined) parts.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`<= ${s.maximum}`);
  if (s.minLength !== undefined) parts.push(`length >= ${s.minLength}`);
  if (s.pattern) parts.push(`matching ${s.pattern}`);
  if (s.description) parts.push(`(${s.description})`);
  return parts.join(' ') || 'a valid value';
}
