/**
 * The scenario file format (JSON, documented in docs/scenario-format.md): a city
 * (nodes, items, baseline demand — inline or by reference to a network file),
 * delivery zones, demand by hour, staff, fleet, normal replenishment, the incident
 * (control areas and demand surges: what the world does) and the response (what
 * the chain does). `parseScenario` checks a file and names the field at fault;
 * `compileScenario` turns it into two engine inputs, "no response" and the
 * response plan, that share everything but the policy.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { generateBaselineDemand, generateCatalogue } from '../network/index.ts';
import { ItemInputSchema, NodeInputSchema, schemaErrors, NODE_DEFAULTS, ITEM_DEFAULTS, type DemandInput, type ItemInput, type NodeInput, type NodeStatus, type TemperatureClass } from '../network/index.ts';
import { seededRandom } from '../shared/index.ts';
import { err, ok, type DomainError, type Result } from '../shared/index.ts';
import { circlePolygon, computeAreaEffects } from '../zones/index.ts';
import { defaultTravel } from '../geo/index.ts';
import { planReassignment, type PlannerZone } from '../zones/index.ts';
import type { MipSolver } from '../shared/index.ts';
import { DEFAULT_HOURLY_PROFILE, parseClock } from './demand.ts';
import { SECONDS_PER_DAY, type Replenishment, type SimAction, type SimInput, type SimNode, type StaffLevel, type TierNumbers, type Wave } from './model.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', description: 'an id: letters, digits, _ . : - (max 64)' });
const Clock = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM' });
const Span = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d-([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM-HH:MM' });
const PosNum = (description: string, maximum = 1e9) => Type.Number({ exclusiveMinimum: 0, maximum, description });
const NonNegNum = (description: string, maximum = 1e9) => Type.Number({ minimum: 0, maximum, description });
const NonNegInt = (description: string, maximum = 2_000_000_000) => Type.Integer({ minimum: 0, maximum, description });
const Tiers = (description: string) =>
  Type.Object({ none: NonNegNum(`${description}: items of no tier`), essential: NonNegNum(`${description}: essentials`), key: NonNegNum(`${description}: key essentials`) }, { additionalProperties: false });
const TempClass = Type.Union([Type.Literal('ambient'), Type.Literal('chilled'), Type.Literal('frozen')], { description: 'ambient, chilled or frozen' });
const Status = Type.Union(['open', 'online_only', 'suspended', 'closed'].map((s) => Type.Literal(s)), { description: 'open, online_only, suspended or closed' });
const At = Type.Object(
  { day: NonNegInt('day number, 0 = the start date', 3650), time: Type.Optional(Clock) },
  { additionalProperties: false, description: 'a moment: day number and HH:MM (default 00:00)' },
);
const WaveSchema = Type.Object(
  {
    depart: Clock,
    classes: Type.Array(TempClass, { minItems: 1, maxItems: 3 }),
    leadTimeMin: NonNegInt('minutes from departure to arrival', 7 * 24 * 60),
  },
  { additionalProperties: false },
);

const ScenarioNode = Type.Composite([Type.Omit(NodeInputSchema, []), Type.Object({ baselineUnitsPerDay: Type.Optional(NonNegInt('units a day in normal times, spread over the catalogue')) })], { additionalProperties: false });

const NetworkSchema = Type.Union(
  [
    Type.Object({ file: Type.String({ minLength: 1, maxLength: 500, description: 'a network file, relative to the scenario file' }) }, { additionalProperties: false }),
    Type.Object(
      {
        nodes: Type.Array(ScenarioNode, { minItems: 1, maxItems: 100_000 }),
        items: Type.Optional(Type.Array(ItemInputSchema, { minItems: 1, maxItems: 200_000 })),
        catalogue: Type.Optional(Type.Object({ brandsPerProduct: Type.Integer({ minimum: 1, maximum: 5 }), seed: NonNegInt('seed') }, { additionalProperties: false })),
        baselineDemand: Type.Optional(Type.Array(Type.Object({ nodeId: Id, itemId: Id, dailyQuantity: NonNegInt('units a day') }, { additionalProperties: false }))),
      },
      { additionalProperties: true, description: 'an inline network: nodes, and items or a catalogue' },
    ),
  ],
  { description: 'either {"file": "..."} or an inline network {"nodes": [...], ...}' },
);

const ControlAreaSchema = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    level: Type.Union([Type.Literal('lockdown'), Type.Literal('controlled'), Type.Literal('precaution')], { description: 'lockdown, controlled or precaution' }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    radiusM: Type.Integer({ minimum: 10, maximum: 100_000, description: 'metres (the area is drawn as a circle)' }),
    from: At,
    to: Type.Optional(At),
    allowOnlineOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Note = Type.Optional(Type.String({ maxLength: 500 }));
const DemandEvent = Type.Object(
  { at: At, kind: Type.Literal('demand'), ordersMultiplier: PosNum('orders a day relative to normal', 1000), tierMultipliers: Tiers('item mix weight relative to normal'), note: Note },
  { additionalProperties: false },
);

const ResponseAction = Type.Union(
  [
    Type.Object({ at: At, kind: Type.Literal('targets'), coverDays: Tiers('stock target in days of normal demand'), waves: Type.Array(WaveSchema, { minItems: 1, maxItems: 24 }), note: Note }, { additionalProperties: false }),
    Type.Object({ at: At, kind: Type.Literal('reassign_zones'), scope: Type.Optional(Type.Union([Type.Literal('affected'), Type.Literal('all')])), note: Note }, { additionalProperties: false }),
    Type.Object({ at: At, kind: Type.Literal('restore_zones'), nodeId: Id, note: Note }, { additionalProperties: false }),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('assign_zones'),
        assignments: Type.Array(Type.Object({ zoneId: Id, nodeIds: Type.Array(Id, { maxItems: 10, description: 'serving node first, then backups; empty: unserved' }) }, { additionalProperties: false }), { maxItems: 1_000_000 }),
        note: Note,
      },
      { additionalProperties: false, description: 'exactly these zone assignments (a reviewed plan\'s zones part), no planner' },
    ),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('delivery'),
        nodeId: Id,
        lines: Type.Array(Type.Object({ itemId: Id, quantity: NonNegInt('units') }, { additionalProperties: false }), { minItems: 1, maxItems: 100_000 }),
        note: Note,
      },
      { additionalProperties: false, description: 'goods a sourcing document brings to a node, arriving at `at`' },
    ),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('transfer'),
        fromNodeId: Id,
        nodeId: Id,
        arrive: At,
        lines: Type.Array(Type.Object({ itemId: Id, quantity: NonNegInt('units') }, { additionalProperties: false }), { minItems: 1, maxItems: 100_000 }),
        note: Note,
      },
      { additionalProperties: false, description: 'a sourcing transfer: leaves `fromNodeId` at `at` with what it has, reaches `nodeId` at `arrive`' },
    ),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('slot_capacity'),
        nodeId: Id,
        ordersPerHour: Type.Array(NonNegInt('orders the node can pick and pack in the hour', 1_000_000), { minItems: 1, maxItems: 24 * 90 }),
        staffPerHour: Type.Optional(Type.Array(NonNegInt('people at work in the hour (for the staff-hours KPI)', 100_000), { maxItems: 24 * 90 })),
        note: Note,
      },
      { additionalProperties: false, description: 'a roster\'s capacity, hour by hour from `at` (after the end, the node\'s staff model again)' },
    ),
    Type.Object({ at: At, kind: Type.Literal('node_status'), nodeId: Id, status: Status, note: Note }, { additionalProperties: false }),
    Type.Object(
      { at: At, kind: Type.Literal('node_settings'), nodeId: Id, dailyOrderCapacity: Type.Optional(NonNegInt('orders a day')), maxDeliveryRadiusM: Type.Optional(NonNegInt('metres')), note: Note },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('open_node'),
        templateNodeId: Id,
        node: Type.Partial(Type.Omit(NodeInputSchema, ['status', 'statusReason']), { additionalProperties: false }),
        note: Note,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        at: At,
        kind: Type.Literal('staff'),
        nodeId: Id,
        staff: NonNegInt('people on the shift', 100_000),
        ordersPerStaffHour: Type.Optional(PosNum('orders picked and packed per staff-hour', 1000)),
        shift: Type.Optional(Span),
        borrowedFrom: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
        note: Note,
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'a response action: targets, reassign_zones, assign_zones, delivery, transfer, slot_capacity, restore_zones, node_status, node_settings, open_node or staff' },
);

export const ScenarioSchema = Type.Object(
  {
    format: Type.Literal('baogong-scenario/1', { description: 'the format tag "baogong-scenario/1"' }),
    name: Id,
    title: Type.Optional(Type.String({ maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    startDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    seed: Type.Optional(NonNegInt('random seed', 4_294_967_295)),
    network: NetworkSchema,
    zones: Type.Array(
      Type.Object({ id: Id, lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }), ordersPerDay: NonNegNum('online orders a day in normal times'), nodeIds: Type.Array(Id, { maxItems: 10 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 1_000_000 },
    ),
    demand: Type.Object(
      {
        hourlyProfile: Type.Optional(Type.Array(NonNegNum('weight of the hour'), { minItems: 24, maxItems: 24 })),
        linesPerOrder: Type.Number({ minimum: 1, maximum: 16, description: 'mean lines per order' }),
        twoUnitShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of lines asking for 2 units' })),
        pickDelayMin: Type.Optional(NonNegInt('minutes from reservation to pick', 600)),
        maxSlotDelayH: Type.Optional(NonNegInt('hours an order may wait for a delivery slot', 23)),
      },
      { additionalProperties: false },
    ),
    staff: Type.Optional(
      Type.Array(Type.Object({ nodeId: Id, staff: NonNegInt('people on the shift', 100_000), ordersPerStaffHour: PosNum('orders per staff-hour', 1000), shift: Span }, { additionalProperties: false })),
    ),
    fleet: Type.Object(
      {
        sourceNodeId: Id,
        coldTripCapacityL: PosNum('litres of goods in one cold-chain truck'),
        ambientTripCapacityL: PosNum('litres of goods in one ambient truck'),
        coolantPacksPerColdTrip: NonNegInt('dry-ice bags and ice packs per cold-chain trip', 1_000_000),
        roadFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 5, description: 'road over straight-line distance' })),
        dailyUnits: NonNegInt('units the source can ship a day'),
      },
      { additionalProperties: false },
    ),
    normal: Type.Object(
      { coverDays: Tiers('stock target in days of normal demand'), waves: Type.Array(WaveSchema, { minItems: 1, maxItems: 24 }), openingCoverDays: Type.Optional(Tiers('stock at the start, in days of normal demand')) },
      { additionalProperties: false },
    ),
    incident: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        controlAreas: Type.Array(ControlAreaSchema, { maxItems: 10_000 }),
        events: Type.Array(DemandEvent, { maxItems: 1000 }),
      },
      { additionalProperties: false },
    ),
    response: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), actions: Type.Array(ResponseAction, { maxItems: 10_000 }) }, { additionalProperties: false }),
  },
  { additionalProperties: true },
);
export type ScenarioFile = Static<typeof ScenarioSchema>;
export type ResponseActionInput = ScenarioFile['response']['actions'][number];

/** A network as loaded (the referenced file read by the caller, or the inline one). */
export interface ScenarioNetwork {
  nodes: Array<NodeInput & { baselineUnitsPerDay?: number }>;
  items?: ItemInput[];
  catalogue?: { brandsPerProduct: number; seed: number };
  baselineDemand?: DemandInput[];
}

/** Checks a scenario file: every error names the field, the expected and the actual value. */
export function parseScenario(raw: unknown): Result<ScenarioFile> {
  const errors = scenarioErrors(raw);
  if (errors.length > 0) return err({ ...errors[0], details: errors.length > 1 ? { errors: errors.slice(0, 10) } : undefined });
  return ok(raw as ScenarioFile);
}

/** All the problems of a scenario file: the schema first, then references between fields. */
export function scenarioErrors(raw: unknown): DomainError[] {
  const schema = schemaErrors(ScenarioSchema, raw);
  if (schema.length > 0) return schema.map(sharpen(raw));
  const f = raw as ScenarioFile;
  const out: DomainError[] = [];
  const bad = (field: string, expected: unknown, actual: unknown, message: string) => out.push({ code: 'validation_failed', field, expected, actual, message: `${field}: ${message}` });
  const zoneIds = new Set<string>();
  f.zones.forEach((z, i) => {
    if (zoneIds.has(z.id)) bad(`zones.${i}.id`, 'a zone id not used before', z.id, 'duplicate zone id');
    zoneIds.add(z.id);
  });
  if (f.demand.hourlyProfile && f.demand.hourlyProfile.every((x) => x === 0)) bad('demand.hourlyProfile', 'at least one hour with weight > 0', f.demand.hourlyProfile, 'no hour has any orders');
  for (const [k, e] of f.incident.events.entries()) if (!clockOk(e.at)) bad(`incident.events.${k}.at.time`, 'HH:MM before 24:00', e.at.time, 'time of day out of range');
  for (const [k, a] of f.response.actions.entries()) if (!clockOk(a.at)) bad(`response.actions.${k}.at.time`, 'HH:MM before 24:00', a.at.time, 'time of day out of range');
  return out;
}

/** Union errors are vague ("expected union value"); name the member the value was meant to be. */
function sharpen(raw: unknown) {
  return (e: DomainError): DomainError => {
    const m = /^response\.actions\.(\d+)$/.exec(e.field ?? '');
    if (m) {
      const a = (raw as any)?.response?.actions?.[Number(m[1])];
      const member = (ScenarioSchema.properties.response.properties.actions.items.anyOf as TSchema[]).find((s) => s.properties.kind.const === a?.kind);
      if (member) return schemaErrors(member, a, `${e.field}.`)[0] ?? e;
      return { ...e, field: `${e.field}.kind`, expected: 'targets | reassign_zones | assign_zones | delivery | transfer | slot_capacity | restore_zones | node_status | node_settings | open_node | staff', actual: a?.kind ?? '(missing)', message: `${e.field}.kind: unknown action kind` };
    }
    if (e.field === 'network') {
      const n = (raw as any)?.network;
      if (n && typeof n === 'object' && 'file' in n) return schemaErrors(NetworkSchema.anyOf[0], n, 'network.')[0] ?? e;
      if (n && typeof n === 'object') return schemaErrors(NetworkSchema.anyOf[1], n, 'network.')[0] ?? e;
    }
    return e;
  };
}

function clockOk(at: { time?: string }): boolean {
  return at.time === undefined || parseClock(at.time) < 24 * 60;
}

const atS = (at: { day: number; time?: string }): number => at.day * SECONDS_PER_DAY + (at.time ? parseClock(at.time) : 0) * 60;

function waves(ws: Array<{ depart: string; classes: TemperatureClass[]; leadTimeMin: number }>): Wave[] {
  return ws.map((w) => ({ departMin: parseClock(w.depart), classes: [...w.classes], leadTimeMin: w.leadTimeMin })).sort((a, b) => a.departMin - b.departMin);
}

function span(s: string): [number, number] {
  const [a, b] = s.split('-');
  return [parseClock(a), parseClock(b)];
}

export interface CompileOptions {
  /** Days to run (default: the file's, else 7). */
  days?: number;
  seed?: number;
  /** The MIP solver for the zone planner; without one the planner's greedy heuristic runs. */
  solver?: MipSolver;
  /** Replace the response's stock targets (days of normal demand) — to compare two multipliers. */
  responseCoverDays?: Partial<TierNumbers>;
}

export interface CompiledScenario {
  noResponse: SimInput;
  response: SimInput;
  /** What the zone planner decided at each reassign_zones action. */
  reassignments: Array<{ atS: number; changes: number; unservedOrdersPerDay: number; method: string }>;
}

/**
 * Builds the two engine inputs. The incident (control areas → node statuses, via
 * the zones context's `computeAreaEffects`; demand surges) is imposed on both; the
 * response's actions make the second policy. `reassign_zones` runs the zones
 * context's planner on the network as it stands at that moment.
 */
export async function compileScenario(file: ScenarioFile, network: ScenarioNetwork, options: CompileOptions = {}): Promise<Result<CompiledScenario>> {
  const nodeInputs = network.nodes;
  const nodeById = new Map(nodeInputs.map((n) => [n.id, n]));
  const refErr = (field: string, actual: string, what = 'node'): Result<never> => err({ code: 'validation_failed', field, expected: `an existing ${what} id`, actual, message: `${field}: unknown ${what} ${actual}` });

  // Items and the item mix.
  const items = network.items ?? generateCatalogue(network.catalogue?.brandsPerProduct ?? 1);
  let demandRows = network.baselineDemand;
  if (!demandRows) {
    const random = seededRandom(network.catalogue?.seed ?? 1);
    demandRows = nodeInputs.flatMap((n) => ((n.baselineUnitsPerDay ?? 0) > 0 ? generateBaselineDemand(n.id, n.baselineUnitsPerDay!, items, random) : []));
  }
  const itemIx = new Map(items.map((it, k) => [it.id, k]));
  const mix = new Array<number>(items.length).fill(0);
  for (const [k, d] of demandRows.entries()) {
    const i = itemIx.get(d.itemId);
    if (i === undefined) return refErr(`network.baselineDemand.${k}.itemId`, d.itemId, 'item');
    if (!nodeById.has(d.nodeId)) return refErr(`network.baselineDemand.${k}.nodeId`, d.nodeId);
    mix[i] += d.dailyQuantity;
  }
  const mixSum = mix.reduce((a, b) => a + b, 0);
  if (mixSum <= 0) return err({ code: 'validation_failed', field: 'network.baselineDemand', expected: 'some demand > 0', actual: 0, message: 'network.baselineDemand: there is no baseline demand to draw orders from' });

  // Nodes, plus the ones the response opens (from a template).
  const toSim = (n: NodeInput, existsFromS?: number): SimNode => {
    const full = { ...NODE_DEFAULTS, ...n };
    const [o, c] = span(full.openingHours);
    const per = full.storageUnit === 'm2' ? 750_000 : 1_200_000; // cm³ of goods per m² of shelf / per pallet
    return {
      id: n.id, kind: n.kind, lat: n.lat, lng: n.lng, status: full.status, dailyOrderCapacity: full.dailyOrderCapacity, maxDeliveryRadiusM: full.maxDeliveryRadiusM,
      storageCm3: { ambient: full.storageAmbient * per, chilled: full.storageChilled * per, frozen: full.storageFrozen * per }, opensMin: o, closesMin: c, existsFromS,
    };
  };
  const nodes: SimNode[] = nodeInputs.map((n) => toSim(n));
  const opened = new Map<string, NodeInput>();
  for (const [k, a] of file.response.actions.entries()) {
    if (a.kind !== 'open_node') continue;
    const tpl = nodeById.get(a.templateNodeId);
    if (!tpl) return refErr(`response.actions.${k}.templateNodeId`, a.templateNodeId);
    if (!a.node.id) return err({ code: 'validation_failed', field: `response.actions.${k}.node.id`, expected: 'an id for the new node', actual: '(missing)', message: `response.actions.${k}.node.id: the new node needs an id` });
    if (nodeById.has(a.node.id) || opened.has(a.node.id)) return err({ code: 'duplicate', field: `response.actions.${k}.node.id`, expected: 'a node id not in use', actual: a.node.id, message: `response.actions.${k}.node.id: ${a.node.id} already exists` });
    const { baselineUnitsPerDay: _b, ...base } = tpl;
    const node = { ...base, kind: 'emergency_warehouse', ...a.node, status: 'open' } as NodeInput;
    opened.set(node.id, node);
    // It exists in both runs but stays closed (no zones, no stock) until the response opens it.
    nodes.push({ ...toSim(node), status: 'closed' });
  }
  const known = new Set(nodes.map((n) => n.id));
  for (const [k, z] of file.zones.entries()) for (const [j, id] of z.nodeIds.entries()) if (!known.has(id)) return refErr(`zones.${k}.nodeIds.${j}`, id);
  if (!known.has(file.fleet.sourceNodeId)) return refErr('fleet.sourceNodeId', file.fleet.sourceNodeId);
  for (const [k, s] of (file.staff ?? []).entries()) if (!known.has(s.nodeId)) return refErr(`staff.${k}.nodeId`, s.nodeId);
  for (const [k, a] of file.response.actions.entries()) {
    if ('nodeId' in a && !known.has(a.nodeId)) return refErr(`response.actions.${k}.nodeId`, a.nodeId);
    if (a.kind === 'staff') for (const [j, id] of (a.borrowedFrom ?? []).entries()) if (!known.has(id)) return refErr(`response.actions.${k}.borrowedFrom.${j}`, id);
    if (a.kind === 'delivery' || a.kind === 'transfer') for (const [j, l] of a.lines.entries()) if (!itemIx.has(l.itemId)) return refErr(`response.actions.${k}.lines.${j}.itemId`, l.itemId, 'item');
    if (a.kind === 'transfer' && !known.has(a.fromNodeId)) return refErr(`response.actions.${k}.fromNodeId`, a.fromNodeId);
    if (a.kind === 'assign_zones') {
      const zoneIds = new Set(file.zones.map((z) => z.id));
      for (const [j, x] of a.assignments.entries()) {
        if (!zoneIds.has(x.zoneId)) return refErr(`response.actions.${k}.assignments.${j}.zoneId`, x.zoneId, 'zone');
        for (const [i, id] of x.nodeIds.entries()) if (!known.has(id)) return refErr(`response.actions.${k}.assignments.${j}.nodeIds.${i}`, id);
      }
    }
  }

  // What the world imposes: control areas (node statuses) and demand surges.
  const imposed: SimAction[] = [];
  for (const area of file.incident.controlAreas) {
    const geometry = circlePolygon({ lat: area.lat, lng: area.lng }, area.radiusM);
    const effects = computeAreaEffects({ id: area.id, name: area.name ?? area.id, level: area.level, geometry, allowOnlineOnly: area.allowOnlineOnly ?? false }, nodes.map((n) => ({ id: n.id, lat: n.lat, lng: n.lng, status: n.status })), []);
    for (const e of effects) {
      if (e.kind !== 'node_status') continue;
      imposed.push({ kind: 'node_status', atS: atS(area.from), nodeId: e.nodeId, status: e.toStatus, reason: e.reason });
      if (area.to) imposed.push({ kind: 'node_status', atS: atS(area.to), nodeId: e.nodeId, status: e.fromStatus, reason: `${area.level} area ${area.name ?? area.id} lifted` });
    }
  }
  for (const e of file.incident.events) {
    imposed.push({ kind: 'demand', atS: atS(e.at), ordersMultiplier: e.ordersMultiplier, tierMultipliers: { ...e.tierMultipliers }, reason: e.note ?? `demand ×${e.ordersMultiplier}` });
  }
  imposed.sort((a, b) => a.atS - b.atS);

  // The response policy, with the zone planner run where asked.
  const actions: SimAction[] = [];
  const reassignments: CompiledScenario['reassignments'] = [];
  const sorted = file.response.actions.map((a, k) => ({ a, k, t: atS(a.at) })).sort((x, y) => x.t - y.t || x.k - y.k);
  const state = {
    status: new Map(nodes.map((n) => [n.id, n.status as NodeStatus])),
    exists: new Set(nodes.filter((n) => !opened.has(n.id)).map((n) => n.id)),
    cap: new Map(nodes.map((n) => [n.id, n.dailyOrderCapacity])),
    radius: new Map(nodes.map((n) => [n.id, n.maxDeliveryRadiusM])),
    zones: new Map(file.zones.map((z) => [z.id, [...z.nodeIds]])),
    ordersMult: 1,
  };
  const replay = (upTo: number) => {
    for (const e of imposed) if (e.atS <= upTo) {
      if (e.kind === 'node_status') state.status.set(e.nodeId, e.status);
      if (e.kind === 'demand') state.ordersMult = e.ordersMultiplier;
    }
  };
  for (const { a, k, t } of sorted) {
    const reason = a.note ?? a.kind.replace(/_/g, ' ');
    switch (a.kind) {
      case 'targets':
        actions.push({ kind: 'replenishment', atS: t, replenishment: { coverDays: { ...a.coverDays, ...options.responseCoverDays }, waves: waves(a.waves) }, reason });
        break;
      case 'node_status':
        state.status.set(a.nodeId, a.status as NodeStatus);
        actions.push({ kind: 'node_status', atS: t, nodeId: a.nodeId, status: a.status as NodeStatus, reason });
        break;
      case 'node_settings':
        if (a.dailyOrderCapacity !== undefined) {
          state.cap.set(a.nodeId, a.dailyOrderCapacity);
          actions.push({ kind: 'capacity', atS: t, nodeId: a.nodeId, dailyOrderCapacity: a.dailyOrderCapacity, reason });
        }
        if (a.maxDeliveryRadiusM !== undefined) state.radius.set(a.nodeId, a.maxDeliveryRadiusM);
        break;
      case 'open_node': {
        const id = a.node.id!;
        state.exists.add(id);
        state.status.set(id, 'open');
        actions.push({ kind: 'open_node', atS: t, nodeId: id, reason });
        break;
      }
      case 'staff': {
        const def = (file.staff ?? []).find((s) => s.nodeId === a.nodeId);
        const [s0, s1] = span(a.shift ?? def?.shift ?? '06:00-22:00');
        actions.push({ kind: 'staff', atS: t, level: { nodeId: a.nodeId, staff: a.staff, ordersPerStaffHour: a.ordersPerStaffHour ?? def?.ordersPerStaffHour ?? 6, shiftStartMin: s0, shiftEndMin: s1 }, reason });
        break;
      }
      case 'restore_zones': {
        const back = file.zones.filter((z) => z.nodeIds[0] === a.nodeId);
        for (const z of back) {
          const now = state.zones.get(z.id)!.filter((id) => id !== a.nodeId);
          const list = [a.nodeId, ...now];
          state.zones.set(z.id, list);
          actions.push({ kind: 'zones', atS: t, zoneIds: [z.id], nodeIds: list, reason });
        }
        break;
      }
      case 'delivery':
        actions.push({ kind: 'delivery', atS: t, nodeId: a.nodeId, lines: a.lines.map((l) => ({ ...l })), reason });
        break;
      case 'transfer':
        actions.push({ kind: 'transfer', atS: t, fromNodeId: a.fromNodeId, toNodeId: a.nodeId, arriveAtS: Math.max(t, atS(a.arrive)), lines: a.lines.map((l) => ({ ...l })), reason });
        break;
      case 'slot_capacity':
        actions.push({ kind: 'slot_capacity', atS: Math.floor(t / 3600) * 3600, nodeId: a.nodeId, ordersPerHour: [...a.ordersPerHour], ...(a.staffPerHour ? { staffPerHour: [...a.staffPerHour] } : {}), reason });
        break;
      case 'assign_zones':
        for (const x of a.assignments) {
          state.zones.set(x.zoneId, [...x.nodeIds]);
          actions.push({ kind: 'zones', atS: t, zoneIds: [x.zoneId], nodeIds: [...x.nodeIds], reason });
        }
        break;
      case 'reassign_zones': {
        replay(t);
        const trading = (id: string) => state.exists.has(id) && (state.status.get(id) === 'open' || state.status.get(id) === 'online_only');
        const zones: PlannerZone[] = file.zones.map((z) => {
          const d = Math.round(z.ordersPerDay * state.ordersMult);
          const cur = state.zones.get(z.id)!;
          return { id: z.id, centroid: { lat: z.lat, lng: z.lng }, demandOrdersPerDay: d, current: cur.length ? [{ nodeId: cur[0], ordersPerDay: d }] : [] };
        });
        const planner = nodes
          .filter((n) => n.kind !== 'distribution_centre' && n.kind !== 'processing_centre' && n.kind !== 'supplier' && state.exists.has(n.id))
          .map((n) => ({ id: n.id, lat: n.lat, lng: n.lng, trading: trading(n.id), dailyOrderCapacity: Math.round((state.cap.get(n.id) ?? 0) * 1), maxDeliveryRadiusM: state.radius.get(n.id) ?? 0 }));
        const r = await planReassignment({ zones, nodes: planner, scope: a.scope ?? 'affected', allowSplit: false }, { travel: defaultTravel, solver: options.solver as MipSolver, forceGreedy: !options.solver });
        if (!r.ok) return err({ ...r.error, field: `response.actions.${k}`, message: `response.actions.${k}: the zone planner failed: ${r.error.message}` });
        for (const c of r.value.changes) {
          if (!c.newNodeId) continue;
          const list = [c.newNodeId, ...c.newBackupNodeIds.filter((id) => id !== c.newNodeId)];
          if (c.newSplit) list.splice(1, 0, c.newSplit.nodeId);
          state.zones.set(c.zoneId, list);
          actions.push({ kind: 'zones', atS: t, zoneIds: [c.zoneId], nodeIds: list, reason });
        }
        reassignments.push({ atS: t, changes: r.value.totals.changedZones, unservedOrdersPerDay: r.value.totals.unservedOrdersPerDay, method: r.value.method });
        break;
      }
    }
  }

  const staff: StaffLevel[] = (file.staff ?? []).map((s) => {
    const [a, b] = span(s.shift);
    return { nodeId: s.nodeId, staff: s.staff, ordersPerStaffHour: s.ordersPerStaffHour, shiftStartMin: a, shiftEndMin: b };
  });
  const normal: Replenishment = { coverDays: { ...file.normal.coverDays }, waves: waves(file.normal.waves) };
  const base: Omit<SimInput, 'policy'> = {
    name: file.name,
    startDate: file.startDate,
    days: options.days ?? file.days ?? 7,
    seed: options.seed ?? file.seed ?? 1,
    nodes,
    items: items.map((it) => ({ id: it.id, tier: it.essentialTier ?? ITEM_DEFAULTS.essentialTier, temperatureClass: it.temperatureClass, shelfLifeDays: it.shelfLifeDays, volumeCm3: it.volumeCm3 ?? 0 })),
    itemMix: mix.map((x) => x / mixSum),
    zones: file.zones.map((z) => ({ id: z.id, lat: z.lat, lng: z.lng, ordersPerDay: z.ordersPerDay, nodeIds: [...z.nodeIds] })),
    demand: {
      hourlyProfile: file.demand.hourlyProfile ?? [...DEFAULT_HOURLY_PROFILE],
      linesPerOrder: file.demand.linesPerOrder,
      twoUnitShare: file.demand.twoUnitShare ?? 0.3,
      pickDelayMin: file.demand.pickDelayMin ?? 30,
      maxSlotDelayH: file.demand.maxSlotDelayH ?? 4,
    },
    staff,
    fleet: {
      sourceNodeId: file.fleet.sourceNodeId,
      coldTripCapacityCm3: file.fleet.coldTripCapacityL * 1000,
      ambientTripCapacityCm3: file.fleet.ambientTripCapacityL * 1000,
      coolantPacksPerColdTrip: file.fleet.coolantPacksPerColdTrip,
      roadFactor: file.fleet.roadFactor ?? 1.3,
      dailyUnits: file.fleet.dailyUnits,
    },
    replenishment: normal,
    openingCoverDays: file.normal.openingCoverDays ?? { ...file.normal.coverDays },
    imposed,
  };
  return ok({
    noResponse: { ...base, policy: { name: 'no response', actions: [] } },
    response: { ...base, policy: { name: file.response.name, actions } },
    reassignments,
  });
}
