/**
 * The zones context's storage: delivery zones and their lookup, control areas and their effects,
 * scheduled node-status changes and reassignments, the per-kind limits, and reassignment planning.
 * Only the zones tables: the node writes these changes make (status, radius, capacity) come in as
 * `NodeWrites`, which src/flows/zone-node-status.ts fills with the network context's functions.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { defaultTravel, type BBox, type TravelTimeProvider } from '../domain/geo/index.ts';
import { takesOnlineOrders, type NodeStatus, type StatusReason } from '../domain/network/index.ts';
import { DomainException, fail, unwrap } from '../domain/shared/index.ts';
import type { MipSolver } from '../domain/shared/index.ts';
import {
  assignNearest, checkLimits, checkZoneFields, computeAreaEffects, DEFAULT_NODE_KIND_LIMITS, findOverlap, generateH3Zones, geometryAreaM2, geometryCentroid, imposedStatus,
  isInForce, isStricter, parseControlArea, parseGeometry, parseZoneCollection, planReassignment, planWithWidening, scheduleControlAreas, spreadDemand, strictestStatus,
  yizhuangControlAreas, yizhuangDemoZones, zoneAllocation, ZoneIndex, zonesToFeatureCollection,
  type AreaEffect, type AreaEffectState, type AreaGeometry, type ControlArea, type ControlAreaInput, type DeliveryZone, type NodeKindLimits, type NodeOverride,
  type NodeStatusName, type ReassignmentProposal, type ScenarioControlArea, type ZoneLookup, type ZoneSplit,
} from '../domain/zones/index.ts';
import { getNode, listNodes } from './network.ts';
import type { ControlAreasTable, DB, DeliveryZonesTable, ZoneReassignmentsTable, ZoneScheduledNodeStatusTable, ZoneScheduledReassignmentTable } from './tables.ts';

type Db = Kysely<DB>;

/**
 * The network context's node writes that a zones change makes (a control area's node statuses, a
 * scheduled status change, a reassignment's radius and capacity overrides). This module never
 * writes the network's tables itself: a flow passes these in (src/flows/zone-node-status.ts
 * wires the network context's store functions), each call in the caller's transaction.
 */
export interface NodeWrites {
  setStatus(db: Db, nodeId: string, status: NodeStatus, why: StatusReason, now: Date): Promise<unknown>;
  update(db: Db, nodeId: string, patch: { dailyOrderCapacity?: number; maxDeliveryRadiusM?: number }, now: Date): Promise<unknown>;
}

/** A stored zone with the figures derived from its geometry. */
export interface StoredZone extends DeliveryZone {
  centroid: { lat: number; lng: number };
  areaM2: number;
  updatedAt: string;
}

const DELIVERY_KINDS = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);

// ---------------------------------------------------------------------------
// Zones

function rowToZone(r: Selectable<DeliveryZonesTable>, backups: string[]): StoredZone {
  return {
    id: r.id,
    name: r.name,
    geometry: typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry,
    demandOrdersPerDay: r.demand_orders_per_day,
    servingNodeId: r.serving_node_id,
    split: r.split_node_id ? { nodeId: r.split_node_id, ordersPerDay: r.split_orders_per_day } : null,
    backupNodeIds: backups,
    centroid: { lat: r.centroid_lat, lng: r.centroid_lng },
    areaM2: r.area_m2,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listZones(db: Db, filter: { nodeId?: string } = {}): Promise<StoredZone[]> {
  let q = db.selectFrom('delivery_zones').selectAll().orderBy('id');
  if (filter.nodeId) q = q.where((eb) => eb.or([eb('serving_node_id', '=', filter.nodeId!), eb('split_node_id', '=', filter.nodeId!)]));
  const rows = await q.execute();
  const backups = await db.selectFrom('zone_backup_nodes').selectAll().orderBy('zone_id').orderBy('position').execute();
  const byZone = new Map<string, string[]>();
  for (const b of backups) {
    const list = byZone.get(b.zone_id) ?? [];
    list.push(b.node_id);
    byZone.set(b.zone_id, list);
  }
  return rows.map((r) => rowToZone(r, byZone.get(r.id) ?? []));
}

export async function getZone(db: Db, id: string): Promise<StoredZone | null> {
  const r = await db.selectFrom('delivery_zones').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const b = await db.selectFrom('zone_backup_nodes').select('node_id').where('zone_id', '=', id).orderBy('position').execute();
  return rowToZone(r, b.map((x) => x.node_id));
}

export async function requireZone(db: Db, id: string, field = 'id'): Promise<StoredZone> {
  const z = await getZone(db, id);
  if (!z) fail({ code: 'not_found', message: `zone ${id} does not exist`, field, expected: 'an existing zone id', actual: id });
  return z;
}

async function bumpVersion(db: Db): Promise<void> {
  await sql`UPDATE zones_meta SET version = version + 1 WHERE id = 1`.execute(db);
  forceVersionCheckUntil = performance.now() + 5000;
}

async function knownNodeIds(db: Db): Promise<Set<string>> {
  return new Set((await listNodes(db)).map((n) => n.id));
}

async function writeZones(db: Db, zones: readonly DeliveryZone[], now: Date): Promise<{ created: number; updated: number }> {
  if (zones.length === 0) return { created: 0, updated: 0 };
  const existing = new Set(
    (await db.selectFrom('delivery_zones').select('id').where('id', 'in', zones.map((z) => z.id)).execute()).map((r) => r.id as string),
  );
  const rows = zones.map((z) => {
    const c = geometryCentroid(z.geometry);
    return {
      id: z.id,
      name: z.name,
      geometry: JSON.stringify(z.geometry),
      centroid_lat: c.lat,
      centroid_lng: c.lng,
      area_m2: Math.round(geometryAreaM2(z.geometry)),
      demand_orders_per_day: z.demandOrdersPerDay,
      serving_node_id: z.servingNodeId,
      split_node_id: z.split?.nodeId ?? null,
      split_orders_per_day: z.split?.ordersPerDay ?? 0,
      created_at: now,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('delivery_zones')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          geometry: eb.ref('excluded.geometry'),
          centroid_lat: eb.ref('excluded.centroid_lat'),
          centroid_lng: eb.ref('excluded.centroid_lng'),
          area_m2: eb.ref('excluded.area_m2'),
          demand_orders_per_day: eb.ref('excluded.demand_orders_per_day'),
          serving_node_id: eb.ref('excluded.serving_node_id'),
          split_node_id: eb.ref('excluded.split_node_id'),
          split_orders_per_day: eb.ref('excluded.split_orders_per_day'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  const ids = zones.map((z) => z.id);
  for (let i = 0; i < ids.length; i += 1000) await db.deleteFrom('zone_backup_nodes').where('zone_id', 'in', ids.slice(i, i + 1000)).execute();
  const backups = zones.flatMap((z) => z.backupNodeIds.map((node_id, position) => ({ zone_id: z.id, position, node_id })));
  for (let i = 0; i < backups.length; i += 1000) await db.insertInto('zone_backup_nodes').values(backups.slice(i, i + 1000)).execute();
  await bumpVersion(db);
  return { created: zones.filter((z) => !existing.has(z.id)).length, updated: zones.filter((z) => existing.has(z.id)).length };
}

export interface ImportOptions {
  /** `replace`: the file becomes the whole set of zones; `merge` (default): insert or update by id. */
  mode?: 'replace' | 'merge';
  overlapTolerancePct?: number;
  dryRun?: boolean;
}

export interface ImportReport {
  features: number;
  created: number;
  updated: number;
  deleted: number;
  rewound: string[];
  dryRun: boolean;
}

/** Imports a GeoJSON FeatureCollection of zones, all or nothing. Call inside a transaction. */
export async function importZones(db: Db, raw: unknown, now: Date, options: ImportOptions = {}, actor = 'system'): Promise<ImportReport> {
  const tolerance = options.overlapTolerancePct ?? 1;
  const parsed = unwrap(parseZoneCollection(raw, { overlapTolerancePct: tolerance, knownNodeIds: await knownNodeIds(db) }));
  const mode = options.mode ?? 'merge';
  const incoming = new Set(parsed.zones.map((z) => z.id));
  const current = await listZones(db);
  if (mode === 'merge') {
    // The imported zones must not overlap the zones they leave in place either.
    const kept = current.filter((z) => !incoming.has(z.id));
    const all = [...parsed.zones, ...kept];
    const o = findOverlap(all, tolerance);
    if (o && (o.a < parsed.zones.length) !== (o.b < parsed.zones.length)) {
      const [imp, old] = o.a < parsed.zones.length ? [o.a, o.b] : [o.b, o.a];
      fail({
        code: 'validation_failed',
        message: `features[${imp}] "${all[imp].id}" overlaps the existing zone "${all[old].id}" by ${Math.round(o.areaM2)} m² (${o.pct.toFixed(1)}% of the smaller zone; tolerance ${tolerance}%)`,
        field: `features.${imp}.geometry`,
        expected: `overlap <= ${tolerance}%`,
        actual: `${o.pct.toFixed(2)}%`,
        details: { problem: 'zones_overlap', feature: all[imp].id, other: all[old].id },
      });
    }
  }
  const toDelete = mode === 'replace' ? current.filter((z) => !incoming.has(z.id)).map((z) => z.id) : [];
  const report: ImportReport = { features: parsed.zones.length, created: 0, updated: 0, deleted: toDelete.length, rewound: parsed.rewound, dryRun: !!options.dryRun };
  const existing = new Set(current.map((z) => z.id));
  report.created = parsed.zones.filter((z) => !existing.has(z.id)).length;
  report.updated = parsed.zones.length - report.created;
  if (options.dryRun) return report;
  if (toDelete.length) await deleteZonesById(db, toDelete);
  await writeZones(db, parsed.zones, now);
  await audit(db, now, 'zones.imported', 'zones', actor, { mode, features: parsed.zones.length, deleted: toDelete.length });
  return report;
}

async function deleteZonesById(db: Db, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) await db.deleteFrom('delivery_zones').where('id', 'in', ids.slice(i, i + 1000)).execute();
  await bumpVersion(db);
}

export async function exportZones(db: Db): Promise<ReturnType<typeof zonesToFeatureCollection>> {
  return zonesToFeatureCollection(await listZones(db));
}

export interface ZoneInput {
  id: string;
  name?: string;
  geometry: unknown;
  demandOrdersPerDay?: number;
  servingNodeId?: string | null;
  split?: ZoneSplit | null;
  backupNodeIds?: string[];
}

/** Checks one zone (fields, geometry, node ids, overlap with the others) and writes it. */
async function saveOne(db: Db, input: ZoneInput, now: Date, overlapTolerancePct = 1): Promise<StoredZone> {
  const fields = {
    id: input.id,
    name: input.name ?? '',
    demandOrdersPerDay: input.demandOrdersPerDay ?? 0,
    servingNodeId: input.servingNodeId ?? null,
    split: input.split ?? null,
    backupNodeIds: input.backupNodeIds ?? [],
  };
  unwrap(checkZoneFields(fields, '', `zone ${input.id}`));
  const known = await knownNodeIds(db);
  const refs: Array<[string, string | null | undefined]> = [['servingNodeId', fields.servingNodeId], ['split.nodeId', fields.split?.nodeId], ...fields.backupNodeIds.map((b, i) => [`backupNodeIds.${i}`, b] as [string, string])];
  for (const [field, id] of refs) {
    if (id && !known.has(id)) fail({ code: 'validation_failed', message: `node ${id} does not exist`, field, expected: 'an existing node id', actual: id });
  }
  const g = unwrap(parseGeometry(input.geometry, `zone ${input.id}`));
  const zone: DeliveryZone = { ...fields, geometry: g.geometry };
  const others = (await listZones(db)).filter((z) => z.id !== zone.id);
  const o = findOverlap([zone, ...others], overlapTolerancePct);
  if (o && (o.a === 0 || o.b === 0)) {
    const other = [zone, ...others][o.a === 0 ? o.b : o.a];
    fail({ code: 'validation_failed', message: `zone ${zone.id} overlaps zone ${other.id} by ${Math.round(o.areaM2)} m² (${o.pct.toFixed(1)}%; tolerance ${overlapTolerancePct}%)`, field: 'geometry', expected: `overlap <= ${overlapTolerancePct}%`, actual: `${o.pct.toFixed(2)}%`, details: { problem: 'zones_overlap', other: other.id } });
  }
  await writeZones(db, [zone], now);
  return (await getZone(db, zone.id))!;
}

export async function createZone(db: Db, input: ZoneInput, now: Date, actor = 'system'): Promise<StoredZone> {
  if (await getZone(db, input.id)) fail({ code: 'duplicate', message: `zone ${input.id} already exists`, field: 'id', expected: 'a new zone id', actual: input.id });
  const z = await saveOne(db, input, now);
  await audit(db, now, 'zone.created', z.id, actor, {});
  return z;
}

export async function updateZone(db: Db, id: string, patch: Partial<Omit<ZoneInput, 'id'>>, now: Date, actor = 'system'): Promise<StoredZone> {
  const before = await requireZone(db, id);
  const z = await saveOne(db, { ...before, ...patch, id }, now);
  await audit(db, now, 'zone.updated', id, actor, { fields: Object.keys(patch) });
  return z;
}

export async function deleteZone(db: Db, id: string, now: Date, actor = 'system'): Promise<void> {
  await requireZone(db, id);
  await deleteZonesById(db, [id]);
  await audit(db, now, 'zone.deleted', id, actor, {});
}

export interface GenerateOptions {
  resolution: number;
  bbox?: BBox;
  /** Cover the reach of these nodes (their radius, or radiusM) instead of a box. */
  nodeIds?: string[];
  radiusM?: number;
  /** Spread this many orders a day evenly over the cells (default 0). */
  totalOrdersPerDay?: number;
  /** Replace every existing zone (default: refuse when zones exist). */
  replace?: boolean;
}

/** Generates H3 zones, assigns each to the nearest trading delivery node in reach, and stores them. */
export async function generateZones(db: Db, o: GenerateOptions, now: Date, actor = 'system'): Promise<{ created: number; deleted: number }> {
  const nodes = (await listNodes(db)).filter((n) => DELIVERY_KINDS.has(n.kind) && takesOnlineOrders(n.status));
  let area;
  if (o.nodeIds?.length) {
    const chosen = o.nodeIds.map((id, i) => nodes.find((n) => n.id === id) ?? fail({ code: 'not_found', message: `node ${id} is not a trading delivery node`, field: `nodeIds.${i}`, expected: 'a trading store or warehouse', actual: id }));
    area = { aroundNodes: chosen, radiusM: o.radiusM };
  } else if (o.bbox) area = { bbox: o.bbox };
  else fail({ code: 'validation_failed', message: 'give a bbox or nodeIds', field: 'bbox', expected: 'bbox or nodeIds', actual: null });
  const cells = unwrap(generateH3Zones({ resolution: o.resolution, area }));
  const existing = await db.selectFrom('delivery_zones').select('id').execute();
  if (existing.length && !o.replace) {
    fail({ code: 'conflict', message: `there are already ${existing.length} zones; pass replace=true to replace them`, field: 'replace', expected: true, actual: false });
  }
  const demand = spreadDemand(cells.map(() => 1), o.totalOrdersPerDay ?? 0);
  const zones = assignNearest(
    cells.map((z, i) => ({ ...z, demandOrdersPerDay: demand[i] })),
    cells.map((z) => geometryCentroid(z.geometry)),
    nodes,
  );
  if (existing.length) await deleteZonesById(db, existing.map((r) => r.id as string));
  await writeZones(db, zones, now);
  await audit(db, now, 'zones.generated', 'zones', actor, { resolution: o.resolution, cells: zones.length });
  return { created: zones.length, deleted: existing.length };
}

// ---------------------------------------------------------------------------
// The lookup index (order hot path)

interface CachedIndex {
  version: number;
  checkedAt: number;
  validUntilMs: number;
  index: ZoneIndex;
}

const indexCache = new WeakMap<object, CachedIndex>();
let forceVersionCheckUntil = 0;

/**
 * The in-memory zone index for this database, rebuilt when zones or control areas
 * change. The stored version is checked at most every `maxStalenessMs` (and on
 * every call for a few seconds after a write in this process), so another process's
 * change is seen within that time; a control area starting or ending also rebuilds.
 */
export async function getZoneIndex(db: Db, now: Date, options: { maxStalenessMs?: number } = {}): Promise<ZoneIndex> {
  const cached = indexCache.get(db);
  const t = performance.now();
  if (cached && now.getTime() < cached.validUntilMs && t - cached.checkedAt < (options.maxStalenessMs ?? 1000) && t > forceVersionCheckUntil) return cached.index;
  const version = Number((await sql<{ version: string | number }>`SELECT version FROM zones_meta WHERE id = 1`.execute(db)).rows[0]?.version ?? 0);
  if (cached && cached.version === version && now.getTime() < cached.validUntilMs) {
    cached.checkedAt = t;
    return cached.index;
  }
  const zones = await listZones(db);
  const areas = await listControlAreas(db);
  const inForce = areas.filter((a) => isInForce(a, now));
  // The index is valid until the next time an area starts or ends.
  const changes = areas.flatMap((a) => [a.startsAt, a.endsAt, a.liftedAt]).filter((x): x is string => !!x).map((x) => Date.parse(x)).filter((x) => x > now.getTime());
  const entry: CachedIndex = { version, checkedAt: t, validUntilMs: changes.length ? Math.min(...changes) : Number.POSITIVE_INFINITY, index: new ZoneIndex(zones, inForce) };
  indexCache.set(db, entry);
  return entry.index;
}

/**
 * The zone and serving node of an address, for the order hot path: `null` when no
 * zone covers it. After the first call this is an in-memory lookup.
 */
export async function lookupZone(db: Db, lat: number, lng: number, now: Date): Promise<ZoneLookup | null> {
  return (await getZoneIndex(db, now)).lookup(lat, lng);
}

// ---------------------------------------------------------------------------
// Control areas

function rowToArea(r: Selectable<ControlAreasTable>): ControlArea {
  const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    id: r.id,
    name: r.name,
    level: r.level as ControlArea['level'],
    geometry: j(r.geometry),
    startsAt: iso(r.starts_at)!,
    endsAt: iso(r.ends_at),
    allowOnlineOnly: r.allow_online_only,
    dropPoints: j(r.drop_points),
    liftedAt: iso(r.lifted_at),
  };
}

export async function listControlAreas(db: Db): Promise<ControlArea[]> {
  return (await db.selectFrom('control_areas').selectAll().orderBy('id').execute()).map(rowToArea);
}

export interface StoredEffect {
  id: number;
  areaId: string;
  kind: AreaEffect['kind'];
  nodeId: string | null;
  zoneId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  overlapPct: number | null;
  reason: string;
  appliedAt: string;
  revertedAt: string | null;
  revertNote: string | null;
}

export async function areaEffects(db: Db, areaId: string): Promise<StoredEffect[]> {
  const rows = await db.selectFrom('control_area_effects').selectAll().where('area_id', '=', areaId).orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    areaId: r.area_id,
    kind: r.kind as StoredEffect['kind'],
    nodeId: r.node_id,
    zoneId: r.zone_id,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    overlapPct: r.overlap_pct,
    reason: r.reason,
    appliedAt: new Date(r.applied_at).toISOString(),
    revertedAt: r.reverted_at ? new Date(r.reverted_at).toISOString() : null,
    revertNote: r.revert_note,
  }));
}

export async function requireControlArea(db: Db, id: string): Promise<ControlArea> {
  const r = await db.selectFrom('control_areas').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `control area ${id} does not exist`, field: 'id', expected: 'an existing control area id', actual: id });
  return rowToArea(r);
}

/** What declaring this area would do now, without doing it. */
export async function previewControlArea(db: Db, input: ControlAreaInput): Promise<{ area: ControlArea; effects: AreaEffect[] }> {
  const area = unwrap(parseControlArea(input));
  const nodes = await listNodes(db);
  const zones = await listZones(db);
  return { area, effects: computeAreaEffects(area, nodes.map((n) => ({ ...n, status: n.status as NodeStatusName })), zones) };
}

/** Applies an area's effects (node statuses through the network context) and records them so lifting can undo them. */
async function recordEffects(db: Db, nodes: NodeWrites, area: ControlArea, effects: readonly AreaEffect[], now: Date): Promise<void> {
  for (const e of effects) {
    if (e.kind === 'node_status') await nodes.setStatus(db, e.nodeId, e.toStatus as NodeStatus, { code: 'area_in_force', params: { areaId: area.id, areaName: area.name, level: area.level } }, now);
    await db
      .insertInto('control_area_effects')
      .values({
        area_id: area.id,
        kind: e.kind,
        node_id: e.kind === 'zone_drop_points_only' ? null : e.nodeId,
        zone_id: e.kind === 'zone_drop_points_only' ? e.zoneId : null,
        from_status: e.kind === 'node_status' ? e.fromStatus : null,
        to_status: e.kind === 'node_status' ? e.toStatus : null,
        overlap_pct: e.kind === 'zone_drop_points_only' ? e.overlapPct : null,
        reason: e.reason,
        applied_at: now,
      })
      .execute();
  }
}

/**
 * Declares a control area. When it is in force now, its effects are applied at once
 * (node statuses through the network context) and recorded so lifting can undo
 * them. Call inside a transaction.
 */
export async function declareControlArea(db: Db, nodes: NodeWrites, input: ControlAreaInput, now: Date, actor = 'system'): Promise<{ area: ControlArea; effects: StoredEffect[] }> {
  const { area, effects } = await previewControlArea(db, input);
  const exists = await db.selectFrom('control_areas').select('id').where('id', '=', area.id).executeTakeFirst();
  if (exists) fail({ code: 'duplicate', message: `control area ${area.id} already exists`, field: 'id', expected: 'a new id', actual: area.id });
  await db
    .insertInto('control_areas')
    .values({ id: area.id, name: area.name, level: area.level, geometry: JSON.stringify(area.geometry), starts_at: new Date(area.startsAt), ends_at: area.endsAt === null ? null : new Date(area.endsAt), allow_online_only: area.allowOnlineOnly, drop_points: JSON.stringify(area.dropPoints), created_at: now })
    .execute();
  if (isInForce(area, now)) {
    await recordEffects(db, nodes, area, effects, now);
    await audit(db, now, 'control_area.took_effect', area.id, actor, { effects: effects.length, at: 'declaration' });
  }
  await bumpVersion(db);
  await audit(db, now, 'control_area.declared', area.id, actor, { level: area.level, effects: effects.length });
  return { area, effects: await areaEffects(db, area.id) };
}

/**
 * Undoes an area's open effects: each node it changed goes back to the status it had
 * before, unless another area still in force imposes one (then the strictest), or
 * someone changed the node's status since (then it is left alone and the effect says why).
 */
async function undoEffects(db: Db, nodes: NodeWrites, id: string, now: Date, why: 'lifted' | 'ended'): Promise<void> {
  const all = await listControlAreas(db);
  const areaName = all.find((a) => a.id === id)?.name;
  const others = all.filter((a) => a.id !== id && isInForce(a, now));
  for (const e of await areaEffects(db, id)) {
    if (e.revertedAt) continue;
    let note: string = why;
    if (e.kind === 'node_status' && e.nodeId) {
      const node = await getNode(db, e.nodeId);
      if (node && node.status === e.toStatus) {
        const stillImposed = strictestStatus(others.filter((a) => computeAreaEffects(a, [{ ...node, status: 'open' }], []).length > 0).map(imposedStatus));
        const target = stillImposed && isStricter(stillImposed, e.fromStatus as NodeStatusName) ? stillImposed : (e.fromStatus as NodeStatus);
        if (target !== node.status) await nodes.setStatus(db, e.nodeId, target as NodeStatus, { code: 'area_undone', params: { areaId: id, areaName: areaName ?? id, why } }, now);
        note = target === e.fromStatus ? `restored to ${target}` : `kept ${target}: another area in force`;
      } else note = `left as ${node?.status}: changed since the area was declared`;
    }
    await db.updateTable('control_area_effects').set({ reverted_at: now, revert_note: note }).where('id', '=', e.id).execute();
  }
}

/**
 * Lifts an area and undoes its effects: each node it changed goes back to the
 * status it had before, unless another area still in force imposes a status (then
 * the strictest of those), or someone changed the node's status since (then it is
 * left alone and the effect says why).
 */
export async function liftControlArea(db: Db, nodes: NodeWrites, id: string, now: Date, actor = 'system'): Promise<{ area: ControlArea; effects: StoredEffect[] }> {
  const area = await requireControlArea(db, id);
  if (area.liftedAt) fail({ code: 'conflict', message: `control area ${id} was already lifted at ${area.liftedAt}`, field: 'id', expected: 'an area not lifted', actual: id });
  await db.updateTable('control_areas').set({ lifted_at: now }).where('id', '=', id).execute();
  await undoEffects(db, nodes, id, now, 'lifted');
  await bumpVersion(db);
  await audit(db, now, 'control_area.lifted', id, actor, {});
  return { area: await requireControlArea(db, id), effects: await areaEffects(db, id) };
}

/**
 * Moves a control area's end (null: until lifted). The scheduler (tickControlAreas) ends it
 * when the new end comes; an end in the past is refused (lift the area instead).
 */
export async function setControlAreaEnd(db: Db, id: string, endsAt: string | null, now: Date, actor = ''): Promise<ControlArea> {
  const area = await requireControlArea(db, id);
  if (area.liftedAt) fail({ code: 'conflict', message: `control area ${id} was lifted at ${area.liftedAt}`, field: 'id', expected: 'an area not lifted', actual: id });
  if (endsAt !== null && !(Date.parse(endsAt) > Math.max(now.getTime(), Date.parse(area.startsAt)))) {
    fail({ code: 'validation_failed', message: `endsAt ${endsAt} must be after now and after the area's start (${area.startsAt})`, field: 'endsAt', expected: `a time after ${new Date(Math.max(now.getTime(), Date.parse(area.startsAt))).toISOString()}`, actual: endsAt });
  }
  await db.updateTable('control_areas').set({ ends_at: endsAt === null ? null : new Date(endsAt) }).where('id', '=', id).execute();
  await bumpVersion(db);
  await audit(db, now, 'control_area.end_changed', id, actor, { from: area.endsAt, to: endsAt });
  return requireControlArea(db, id);
}

/** The lockdown areas whose effect on this node is in force (not lifted, not reverted). */
export async function activeLockdownsOf(db: Db, nodeId: string): Promise<Array<{ areaId: string; name: string; endsAt: string | null }>> {
  const rows = await db
    .selectFrom('control_area_effects as e')
    .innerJoin('control_areas as a', 'a.id', 'e.area_id')
    .select(['a.id as id', 'a.name as name', 'a.ends_at as ends_at'])
    .where('e.node_id', '=', nodeId)
    .where('e.kind', '=', 'node_status')
    .where('e.reverted_at', 'is', null)
    .where('a.lifted_at', 'is', null)
    .where('a.level', '=', 'lockdown')
    .execute();
  const seen = new Map<string, { areaId: string; name: string; endsAt: string | null }>();
  for (const r of rows) seen.set(r.id, { areaId: r.id, name: r.name, endsAt: r.ends_at ? new Date(r.ends_at).toISOString() : null });
  return [...seen.values()];
}

export interface TickReport {
  at: string;
  tookEffect: Array<{ areaId: string; effects: number }>;
  lifted: Array<{ areaId: string; effects: number }>;
  /** Scheduled node status changes executed (or skipped, with why) by this tick. */
  statusChanges?: Array<{ id: string; nodeId: string; from: string; to: string; note: string }>;
  /** Scheduled zone reassignments (a reopened store's hand-back) applied (or skipped, with why) by this tick. */
  reassignments?: Array<{ id: string; reassignmentId: string; nodeId: string; note: string }>;
}

// ---------------------------------------------------------------------------
// Scheduled node status changes (executed by the tick)

export interface ScheduledStatus {
  id: string;
  nodeId: string;
  toStatus: NodeStatus;
  at: string;
  reason: string;
  actor: string;
  fromStatus: string | null;
  executedAt: string | null;
  cancelledAt: string | null;
  note: string | null;
}

function rowToScheduled(r: Selectable<ZoneScheduledNodeStatusTable>): ScheduledStatus {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return { id: r.id, nodeId: r.node_id, toStatus: r.to_status as NodeStatus, at: iso(r.at)!, reason: r.reason, actor: r.actor, fromStatus: r.from_status, executedAt: iso(r.executed_at), cancelledAt: iso(r.cancelled_at), note: r.note };
}

/** Schedules a node status change at a time; the tick executes it when the time has come. */
export async function scheduleNodeStatus(db: Db, input: { nodeId: string; toStatus: NodeStatus; at: string; reason: string }, now: Date, actor = ''): Promise<ScheduledStatus> {
  const node = await getNode(db, input.nodeId);
  if (!node) fail({ code: 'not_found', message: `node ${input.nodeId} does not exist`, field: 'nodeId', expected: 'an existing node id', actual: input.nodeId });
  if (Number.isNaN(Date.parse(input.at))) fail({ code: 'validation_failed', message: 'at must be a time', field: 'at', expected: 'an ISO 8601 time', actual: input.at });
  const id = randomUUID();
  await db.insertInto('zone_scheduled_node_status').values({ id, node_id: input.nodeId, to_status: input.toStatus, at: new Date(input.at), reason: input.reason, actor, created_at: now }).execute();
  await audit(db, now, 'node_status.scheduled', input.nodeId, actor, { id, to: input.toStatus, at: input.at });
  return rowToScheduled(await db.selectFrom('zone_scheduled_node_status').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function listScheduledStatuses(db: Db, filter: { ids?: string[]; pending?: boolean } = {}): Promise<ScheduledStatus[]> {
  let q = db.selectFrom('zone_scheduled_node_status').selectAll().orderBy('at').orderBy('id');
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', filter.ids);
  }
  if (filter.pending) q = q.where('executed_at', 'is', null).where('cancelled_at', 'is', null);
  return (await q.execute()).map(rowToScheduled);
}

/**
 * Cancels scheduled changes: pending ones never run; executed ones are undone (the node goes
 * back to the status it had before) when the node still has the status they set.
 */
export async function cancelScheduledStatuses(db: Db, nodes: NodeWrites, ids: string[], now: Date, actor = ''): Promise<Array<{ id: string; note: string }>> {
  const out: Array<{ id: string; note: string }> = [];
  for (const s of (await listScheduledStatuses(db, { ids })).reverse()) {
    if (s.cancelledAt) continue;
    let note = 'cancelled before it ran';
    if (s.executedAt && s.fromStatus) {
      const n = await getNode(db, s.nodeId);
      if (n && n.status === s.toStatus) {
        await nodes.setStatus(db, s.nodeId, s.fromStatus as NodeStatus, { code: 'schedule_undone', params: { scheduleId: s.id } }, now);
        note = `undone: back to ${s.fromStatus}`;
      } else note = `left as ${n?.status}: changed since it ran`;
    }
    await db.updateTable('zone_scheduled_node_status').set({ cancelled_at: now, note }).where('id', '=', s.id).execute();
    await audit(db, now, 'node_status.schedule_cancelled', s.nodeId, actor, { id: s.id, note });
    out.push({ id: s.id, note });
  }
  return out;
}

async function runDueStatuses(db: Db, nodes: NodeWrites, now: Date, actor: string): Promise<NonNullable<TickReport['statusChanges']>> {
  const due = (await listScheduledStatuses(db, { pending: true })).filter((s) => Date.parse(s.at) <= now.getTime());
  const out: NonNullable<TickReport['statusChanges']> = [];
  for (const s of due) {
    const n = await getNode(db, s.nodeId);
    let note = 'executed';
    if (!n) note = 'node gone';
    else if (n.status === s.toStatus) note = `already ${s.toStatus}`;
    else {
      try {
        await nodes.setStatus(db, s.nodeId, s.toStatus, { code: 'schedule_ran', params: { scheduleId: s.id, toStatus: s.toStatus, text: s.reason } }, now);
      } catch (e) {
        note = `not possible: ${(e as Error).message}`;
      }
    }
    await db.updateTable('zone_scheduled_node_status').set({ executed_at: now, from_status: n?.status ?? null, note }).where('id', '=', s.id).execute();
    await audit(db, now, 'node_status.executed', s.nodeId, actor, { id: s.id, note });
    out.push({ id: s.id, nodeId: s.nodeId, from: n?.status ?? '', to: s.toStatus, note });
  }
  return out;
}

/**
 * The control-area scheduler: applies the effects of areas whose start has come
 * (declared with a future start) and undoes those of areas past their end. Running
 * it twice changes nothing the second time. Call inside a transaction; the server
 * runs it every minute.
 */
export async function tickControlAreas(db: Db, nodes: NodeWrites, now: Date, actor = 'system'): Promise<TickReport> {
  // One tick at a time: the zones_meta row serialises ticks (and declarations, which bump it).
  await sql`SELECT version FROM zones_meta WHERE id = 1 FOR UPDATE`.execute(db);
  const areas = await listControlAreas(db);
  const effectRows = await db.selectFrom('control_area_effects').select(['area_id', 'reverted_at']).execute();
  const marked = new Set((await db.selectFrom('zone_audit_events').select('subject_id').where('action', '=', 'control_area.took_effect').execute()).map((r) => r.subject_id as string));
  const states = new Map<string, AreaEffectState>(areas.map((a) => [a.id, { areaId: a.id, tookEffect: marked.has(a.id), openEffects: 0 }]));
  for (const r of effectRows) {
    const st = states.get(r.area_id);
    if (!st) continue;
    st.tookEffect = true;
    if (!r.reverted_at) st.openEffects += 1;
  }
  const plan = scheduleControlAreas(areas, [...states.values()], now);
  const report: TickReport = { at: now.toISOString(), tookEffect: [], lifted: [] };
  const byId = new Map(areas.map((a) => [a.id, a]));
  // Lift first, so a node leaving an ended area and entering a new one ends with the new one's status.
  for (const id of plan.lift) {
    await undoEffects(db, nodes, id, now, 'ended');
    await audit(db, now, 'control_area.ended', id, actor, { effects: states.get(id)!.openEffects });
    report.lifted.push({ areaId: id, effects: states.get(id)!.openEffects });
  }
  if (plan.takeEffect.length) {
    const zones = await listZones(db);
    for (const id of plan.takeEffect) {
      const area = byId.get(id)!;
      const nodeList = await listNodes(db);
      const effects = computeAreaEffects(area, nodeList.map((n) => ({ ...n, status: n.status as NodeStatusName })), zones);
      await recordEffects(db, nodes, area, effects, now);
      await audit(db, now, 'control_area.took_effect', id, actor, { effects: effects.length, at: 'tick' });
      report.tookEffect.push({ areaId: id, effects: effects.length });
    }
  }
  // Status changes with a time (after the areas, so a reopening follows the lockdown it relaxes).
  const statusChanges = await runDueStatuses(db, nodes, now, actor);
  if (statusChanges.length) report.statusChanges = statusChanges;
  // Zone reassignments with a time (after the statuses: a hand-back follows the reopening).
  const handBacks = await runDueReassignments(db, nodes, now, actor);
  if (handBacks.length) report.reassignments = handBacks;
  if (plan.lift.length || plan.takeEffect.length || statusChanges.length || handBacks.length) await bumpVersion(db);
  return report;
}

// ---------------------------------------------------------------------------
// Scheduled zone reassignments (executed by the tick)

export interface ScheduledReassignment {
  id: string;
  reassignmentId: string;
  /** The node the zones go to (the store reopening). */
  nodeId: string;
  at: string;
  reason: string;
  executedAt: string | null;
  cancelledAt: string | null;
  note: string | null;
}

function rowToScheduledReassignment(r: Selectable<ZoneScheduledReassignmentTable>): ScheduledReassignment {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return { id: r.id, reassignmentId: r.reassignment_id, nodeId: r.node_id, at: iso(r.at)!, reason: r.reason, executedAt: iso(r.executed_at), cancelledAt: iso(r.cancelled_at), note: r.note };
}

/**
 * Schedules a reviewed reassignment (proposed, e.g. an incident plan's zone hand-back) at a time:
 * the tick applies it when the time has come and its node takes online orders; a node that does
 * not (its reopening was cancelled or has not run) is skipped with a note, its zones left as they are.
 */
export async function scheduleReassignment(db: Db, input: { reassignmentId: string; nodeId: string; at: string; reason: string }, now: Date, actor = ''): Promise<ScheduledReassignment> {
  const r = await requireReassignment(db, input.reassignmentId);
  if (r.status !== 'proposed') fail({ code: 'conflict', message: `reassignment ${r.id} is ${r.status}, not proposed`, field: 'reassignmentId', expected: 'proposed', actual: r.status });
  if (Number.isNaN(Date.parse(input.at))) fail({ code: 'validation_failed', message: 'at must be a time', field: 'at', expected: 'an ISO 8601 time', actual: input.at });
  const id = randomUUID();
  await db.insertInto('zone_scheduled_reassignment').values({ id, reassignment_id: input.reassignmentId, node_id: input.nodeId, at: new Date(input.at), reason: input.reason, actor, created_at: now }).execute();
  await audit(db, now, 'reassignment.scheduled', input.reassignmentId, actor, { id, nodeId: input.nodeId, at: input.at, zones: r.proposal.changes.length });
  return rowToScheduledReassignment(await db.selectFrom('zone_scheduled_reassignment').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function listScheduledReassignments(db: Db, filter: { ids?: string[]; pending?: boolean } = {}): Promise<ScheduledReassignment[]> {
  let q = db.selectFrom('zone_scheduled_reassignment').selectAll().orderBy('at').orderBy('id');
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', filter.ids);
  }
  if (filter.pending) q = q.where('executed_at', 'is', null).where('cancelled_at', 'is', null);
  return (await q.execute()).map(rowToScheduledReassignment);
}

/**
 * Cancels scheduled reassignments, newest first: pending ones never run; applied ones are
 * reverted (the zones go back to the nodes they had before the hand-back), unless a zone
 * changed since (then it is left, with a note).
 */
export async function cancelScheduledReassignments(db: Db, nodes: NodeWrites, ids: string[], now: Date, actor = ''): Promise<Array<{ id: string; note: string }>> {
  const out: Array<{ id: string; note: string }> = [];
  for (const s of (await listScheduledReassignments(db, { ids })).reverse()) {
    if (s.cancelledAt) continue;
    let note = 'cancelled before it ran';
    if (s.executedAt) {
      const r = await requireReassignment(db, s.reassignmentId);
      if (r.status === 'applied') {
        try {
          await revertReassignment(db, nodes, s.reassignmentId, now, actor);
          note = 'undone: zones back to the nodes that held them';
        } catch (e) {
          if (!(e instanceof DomainException) || e.error.code !== 'conflict') throw e;
          note = `left: ${e.error.message}`;
        }
      } else note = `left: the reassignment is ${r.status}`;
    }
    await db.updateTable('zone_scheduled_reassignment').set({ cancelled_at: now, note }).where('id', '=', s.id).execute();
    await audit(db, now, 'reassignment.schedule_cancelled', s.reassignmentId, actor, { id: s.id, note });
    out.push({ id: s.id, note });
  }
  return out;
}

async function runDueReassignments(db: Db, nodes: NodeWrites, now: Date, actor: string): Promise<NonNullable<TickReport['reassignments']>> {
  const due = (await listScheduledReassignments(db, { pending: true })).filter((s) => Date.parse(s.at) <= now.getTime());
  const out: NonNullable<TickReport['reassignments']> = [];
  for (const s of due) {
    const n = await getNode(db, s.nodeId);
    let note = 'executed';
    if (!n) note = 'node gone';
    else if (!takesOnlineOrders(n.status)) note = `skipped: node ${s.nodeId} is ${n.status}`;
    else {
      try {
        await applyReassignment(db, nodes, s.reassignmentId, now, actor);
      } catch (e) {
        if (!(e instanceof DomainException)) throw e;
        note = `not possible: ${e.error.message}`;
      }
    }
    // A skipped or refused one is done with (cancelled), so a revert never touches zones it did not move.
    const ran = note === 'executed';
    await db.updateTable('zone_scheduled_reassignment').set(ran ? { executed_at: now, note } : { cancelled_at: now, note }).where('id', '=', s.id).execute();
    await audit(db, now, 'reassignment.executed', s.reassignmentId, actor, { id: s.id, note });
    out.push({ id: s.id, reassignmentId: s.reassignmentId, nodeId: s.nodeId, note });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reassignment

// ---------------------------------------------------------------------------
// Widening limits (settings)

/** The per-node-kind limits the planner may widen to: the stored ones over the defaults. */
export async function getNodeKindLimits(db: Db): Promise<NodeKindLimits> {
  const rows = await db.selectFrom('zone_node_kind_limits').selectAll().execute();
  const out: NodeKindLimits = structuredClone(DEFAULT_NODE_KIND_LIMITS);
  for (const r of rows) out[r.node_kind as string] = { maxDeliveryRadiusM: r.max_delivery_radius_m, maxDailyOrderCapacity: r.max_daily_order_capacity };
  return out;
}

/** Sets the limits of the kinds given (others unchanged); every field is checked and named on error. */
export async function setNodeKindLimits(db: Db, patch: unknown, now: Date, actor = ''): Promise<NodeKindLimits> {
  const limits = unwrap(checkLimits(patch));
  for (const [kind, l] of Object.entries(limits)) {
    await sql`
      INSERT INTO zone_node_kind_limits (node_kind, max_delivery_radius_m, max_daily_order_capacity, updated_at)
      VALUES (${kind}, ${l.maxDeliveryRadiusM}, ${l.maxDailyOrderCapacity}, ${now})
      ON CONFLICT (node_kind) DO UPDATE SET max_delivery_radius_m = EXCLUDED.max_delivery_radius_m,
        max_daily_order_capacity = EXCLUDED.max_daily_order_capacity, updated_at = EXCLUDED.updated_at`.execute(db);
  }
  await audit(db, now, 'node_kind_limits.set', 'node_kind_limits', actor, limits as Record<string, unknown>);
  return getNodeKindLimits(db);
}

export interface PlanRequest {
  overrides?: NodeOverride[];
  /**
   * Widen radii and raise capacities of trading nodes within the per-kind limits
   * (getNodeKindLimits) before leaving a zone unserved; the proposal then carries
   * `nodeChanges` and `unservedExplained`.
   */
  widen?: boolean;
  scope?: 'affected' | 'all';
  allowSplit?: boolean;
  timeLimitS?: number;
  /** Use the greedy heuristic instead of the solver (for comparison). */
  greedy?: boolean;
}

export interface StoredReassignment {
  id: string;
  status: 'proposed' | 'applied' | 'reverted';
  createdAt: string;
  appliedAt: string | null;
  revertedAt: string | null;
  request: PlanRequest;
  proposal: ReassignmentProposal;
}

function rowToReassignment(r: Selectable<ZoneReassignmentsTable>): StoredReassignment {
  const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return { id: r.id, status: r.status as StoredReassignment['status'], createdAt: iso(r.created_at)!, appliedAt: iso(r.applied_at), revertedAt: iso(r.reverted_at), request: j(r.request), proposal: j(r.proposal) };
}

/** Plans a reassignment of the stored zones over the stored delivery nodes and keeps the proposal for review. */
export async function planZoneReassignment(db: Db, request: PlanRequest, deps: { solver: MipSolver; travel?: TravelTimeProvider }, now: Date, actor = 'system'): Promise<StoredReassignment> {
  const zones = await listZones(db);
  const nodes = (await listNodes(db)).filter((n) => DELIVERY_KINDS.has(n.kind) || zones.some((z) => z.servingNodeId === n.id));
  const input = {
    zones: zones.map((z) => ({ id: z.id, centroid: z.centroid, demandOrdersPerDay: z.demandOrdersPerDay, current: zoneAllocation(z) })),
    nodes: nodes.map((n) => ({ id: n.id, kind: n.kind, lat: n.lat, lng: n.lng, trading: takesOnlineOrders(n.status) && DELIVERY_KINDS.has(n.kind), dailyOrderCapacity: n.dailyOrderCapacity, maxDeliveryRadiusM: n.maxDeliveryRadiusM })),
    overrides: request.overrides,
    scope: request.scope,
    allowSplit: request.allowSplit,
  };
  const options = { travel: deps.travel ?? defaultTravel, solver: deps.solver, timeLimitS: request.timeLimitS, forceGreedy: request.greedy, monotonicMs: () => performance.now() };
  let proposal: ReassignmentProposal & { nodeChanges?: unknown; unservedExplained?: unknown; unservedWithoutWideningOrdersPerDay?: number };
  if (request.widen) {
    const w = unwrap(await planWithWidening(input, await getNodeKindLimits(db), options));
    proposal = { ...w.proposal, nodeChanges: w.nodeChanges, unservedExplained: w.unserved, unservedWithoutWideningOrdersPerDay: w.unservedWithoutWideningOrdersPerDay };
  } else proposal = unwrap(await planReassignment(input, options));
  const id = randomUUID();
  await db.insertInto('zone_reassignments').values({ id, status: 'proposed', request: JSON.stringify(request), proposal: JSON.stringify(proposal), created_at: now }).execute();
  await audit(db, now, 'reassignment.planned', id, actor, { method: proposal.method, changes: proposal.changes.length, unserved: proposal.totals.unservedOrdersPerDay });
  return requireReassignment(db, id);
}

/**
 * Keeps a reassignment someone reviewed (e.g. an incident plan's zones part, edits included) as a
 * proposal, without planning again: `applyReassignment` then applies exactly these changes and
 * node overrides, and `revertReassignment` puts back what they replaced.
 */
export async function recordReviewedReassignment(db: Db, proposal: ReassignmentProposal, now: Date, actor = ''): Promise<StoredReassignment> {
  const id = randomUUID();
  await db.insertInto('zone_reassignments').values({ id, status: 'proposed', request: JSON.stringify({ reviewed: true }), proposal: JSON.stringify(proposal), created_at: now }).execute();
  await audit(db, now, 'reassignment.recorded', id, actor, { changes: proposal.changes.length, overrides: proposal.overrides.length });
  return requireReassignment(db, id);
}

export async function requireReassignment(db: Db, id: string, lock = false): Promise<StoredReassignment> {
  let q = db.selectFrom('zone_reassignments').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `reassignment ${id} does not exist`, field: 'id', expected: 'an existing reassignment id', actual: id });
  return rowToReassignment(r);
}

export async function listReassignments(db: Db): Promise<StoredReassignment[]> {
  return (await db.selectFrom('zone_reassignments').selectAll().orderBy('created_at', 'desc').limit(100).execute()).map(rowToReassignment);
}

type Snapshot = { servingNodeId: string | null; split: ZoneSplit | null; backupNodeIds: string[] };
const snap = (z: DeliveryZone): Snapshot => ({ servingNodeId: z.servingNodeId, split: z.split, backupNodeIds: z.backupNodeIds });
const sameSnap = (a: Snapshot, b: Snapshot) => a.servingNodeId === b.servingNodeId && JSON.stringify(a.split) === JSON.stringify(b.split);

/**
 * Applies a proposal atomically: every changed zone gets its new node(s) and
 * backups, node overrides (radius, capacity) are written to the nodes, and what
 * was there before is kept for revert. Refused when a zone changed since the plan.
 * Call inside a transaction.
 */
export async function applyReassignment(db: Db, nodes: NodeWrites, id: string, now: Date, actor = 'system'): Promise<StoredReassignment> {
  const r = await requireReassignment(db, id, true);
  if (r.status !== 'proposed') fail({ code: 'conflict', message: `reassignment ${id} is ${r.status}, not proposed`, field: 'id', expected: 'proposed', actual: r.status });
  const zones = new Map((await listZones(db)).map((z) => [z.id, z]));
  const before: Record<string, Snapshot> = {};
  const next: DeliveryZone[] = [];
  for (const c of r.proposal.changes) {
    const z = zones.get(c.zoneId);
    const planned: Snapshot = { servingNodeId: c.oldNodeId, split: c.oldSplit, backupNodeIds: [] };
    if (!z || !sameSnap(snap(z), planned)) {
      fail({ code: 'conflict', message: `zone ${c.zoneId} changed since this plan was made; plan again`, field: 'id', expected: `zone served by ${c.oldNodeId}`, actual: z ? z.servingNodeId : 'deleted' });
    }
    before[c.zoneId] = snap(z);
    next.push({ ...z, servingNodeId: c.newNodeId, split: c.newSplit, backupNodeIds: c.newBackupNodeIds.filter((b) => b !== c.newNodeId && b !== c.newSplit?.nodeId) });
  }
  const nodesBefore: Record<string, { dailyOrderCapacity: number; maxDeliveryRadiusM: number }> = {};
  for (const o of r.proposal.overrides) {
    const n = await getNode(db, o.nodeId);
    if (!n) continue;
    nodesBefore[o.nodeId] = { dailyOrderCapacity: n.dailyOrderCapacity, maxDeliveryRadiusM: n.maxDeliveryRadiusM };
    const patch: Record<string, number> = {};
    if (o.dailyOrderCapacity !== undefined) patch.dailyOrderCapacity = o.dailyOrderCapacity;
    if (o.maxDeliveryRadiusM !== undefined) patch.maxDeliveryRadiusM = o.maxDeliveryRadiusM;
    if (Object.keys(patch).length) await nodes.update(db, o.nodeId, patch, now);
  }
  await writeZones(db, next, now);
  await db.updateTable('zone_reassignments').set({ status: 'applied', applied_at: now, zones_before: JSON.stringify(before), nodes_before: JSON.stringify(nodesBefore) }).where('id', '=', id).execute();
  await audit(db, now, 'reassignment.applied', id, actor, { zones: next.length, overrides: Object.keys(nodesBefore) });
  return requireReassignment(db, id);
}

/** Puts back what an applied proposal replaced; refused when a zone changed since. Call inside a transaction. */
export async function revertReassignment(db: Db, nodes: NodeWrites, id: string, now: Date, actor = 'system'): Promise<StoredReassignment> {
  const r = await requireReassignment(db, id, true);
  if (r.status !== 'applied') fail({ code: 'conflict', message: `reassignment ${id} is ${r.status}, not applied`, field: 'id', expected: 'applied', actual: r.status });
  const row = await db.selectFrom('zone_reassignments').select(['zones_before', 'nodes_before']).where('id', '=', id).executeTakeFirstOrThrow();
  const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const before = j(row.zones_before) as Record<string, Snapshot>;
  const nodesBefore = j(row.nodes_before) as Record<string, { dailyOrderCapacity: number; maxDeliveryRadiusM: number }>;
  const zones = new Map((await listZones(db)).map((z) => [z.id, z]));
  const restored: DeliveryZone[] = [];
  for (const c of r.proposal.changes) {
    const z = zones.get(c.zoneId);
    if (!z || !sameSnap(snap(z), { servingNodeId: c.newNodeId, split: c.newSplit, backupNodeIds: [] })) {
      fail({ code: 'conflict', message: `zone ${c.zoneId} changed after this reassignment was applied; it cannot be reverted automatically`, field: 'id', expected: `zone served by ${c.newNodeId}`, actual: z ? z.servingNodeId : 'deleted' });
    }
    restored.push({ ...z, ...before[c.zoneId] });
  }
  for (const [nodeId, v] of Object.entries(nodesBefore)) await nodes.update(db, nodeId, v, now);
  await writeZones(db, restored, now);
  await db.updateTable('zone_reassignments').set({ status: 'reverted', reverted_at: now }).where('id', '=', id).execute();
  await audit(db, now, 'reassignment.reverted', id, actor, { zones: restored.length });
  return requireReassignment(db, id);
}

// ---------------------------------------------------------------------------
// Audit and demo

async function audit(db: Db, at: Date, action: string, subjectId: string, actor: string, details: Record<string, unknown>): Promise<void> {
  await db.insertInto('zone_audit_events').values({ at, action, subject_id: subjectId, actor, details: JSON.stringify(details) }).execute();
}

export async function auditTrail(db: Db, subjectId?: string): Promise<Array<{ at: string; action: string; subjectId: string; actor: string; details: unknown }>> {
  let q = db.selectFrom('zone_audit_events').selectAll().orderBy('id', 'desc').limit(200);
  if (subjectId) q = q.where('subject_id', '=', subjectId);
  return (await q.execute()).map((r) => ({ at: new Date(r.at).toISOString(), action: r.action, subjectId: r.subject_id, actor: r.actor, details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details }));
}

/** The Yizhuang delivery nodes the demo zones are split among (those that exist). */
export const YIZHUANG_DELIVERY_NODE_IDS = ['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite', 'yz-emergency'];

/**
 * Demo step: H3 res-8 zones over the Yizhuang development area, ~10,000 orders a
 * day in total, each served by the nearest Yizhuang delivery node. Replaces any
 * zones. Call after the demo network is loaded.
 */
export async function loadYizhuangDemoZones(db: Db, now: Date, options: { totalOrdersPerDay?: number } = {}): Promise<number> {
  const nodes = (await listNodes(db)).filter((n) => YIZHUANG_DELIVERY_NODE_IDS.includes(n.id));
  if (nodes.length === 0) return 0;
  const zones = yizhuangDemoZones(nodes, { totalOrdersPerDay: options.totalOrdersPerDay });
  const existing = await db.selectFrom('delivery_zones').select('id').execute();
  if (existing.length) await deleteZonesById(db, existing.map((r) => r.id as string));
  await writeZones(db, zones, now);
  return zones.length;
}

/** The scenario's three plaza lockdown areas as control-area inputs (declare them with declareControlArea). */
export function yizhuangControlAreaInputs(areas: readonly ScenarioControlArea[], startsAt: string, allowOnlineOnly = false): ControlAreaInput[] {
  return yizhuangControlAreas(areas, startsAt, allowOnlineOnly).map((a) => ({ ...a, geometry: a.geometry as AreaGeometry }));
}

/** The zones context's step in the demo loader (src/store/demo.ts). */
export const zonesDemoStep = {
  name: 'zones',
  run: async (db: Db, ctx: { now: Date; log: (m: string) => void }): Promise<void> => {
    const n = await loadYizhuangDemoZones(db, ctx.now);
    ctx.log(`demo zones: ${n} H3 res-8 zones over Yizhuang, ~10,000 orders a day`);
  },
};
