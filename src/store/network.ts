/**
 * The network context's storage: nodes, items, baseline demand. Other contexts
 * read nodes and items through these functions (never through the tables).
 * Every function takes a Kysely handle, which may be a transaction.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { checkStatusTransition, ITEM_DEFAULTS, NODE_DEFAULTS, type DemandInput, type Item, type ItemInput, type Node, type NodeInput, type NodeStatus, manualReason, readStatusReason, statusReasonText, toStatusReason, type StatusReason, type StatusReasonCode, type StatusReasonParams } from '../domain/network/index.ts';
import { fail, unwrap } from '../domain/shared/index.ts';
import type { DB, ItemsTable, NodesTable, NodeStatusEventsTable } from './tables.ts';

type Db = Kysely<DB>;

const NODE_COLUMNS: Record<keyof Omit<Node, 'statusChangedAt' | 'statusReasonCode' | 'statusReasonParams'>, keyof NodesTable> = {
  id: 'id',
  kind: 'kind',
  nameZh: 'name_zh',
  nameEn: 'name_en',
  lat: 'lat',
  lng: 'lng',
  address: 'address',
  locationConfidence: 'location_confidence',
  status: 'status',
  statusReason: 'status_reason',
  openingHours: 'opening_hours',
  dailyOrderCapacity: 'daily_order_capacity',
  storageUnit: 'storage_unit',
  storageAmbient: 'storage_ambient',
  storageChilled: 'storage_chilled',
  storageFrozen: 'storage_frozen',
  maxDeliveryRadiusM: 'max_delivery_radius_m',
};

const ITEM_COLUMNS: Record<keyof Item, keyof ItemsTable> = {
  id: 'id',
  nameZh: 'name_zh',
  nameEn: 'name_en',
  category: 'category',
  unit: 'unit',
  temperatureClass: 'temperature_class',
  shelfLifeDays: 'shelf_life_days',
  packSize: 'pack_size',
  weightG: 'weight_g',
  volumeCm3: 'volume_cm3',
  priceFen: 'price_fen',
  essentialTier: 'essential_tier',
};

function rowToNode(r: Selectable<NodesTable>): Node {
  return {
    id: r.id,
    kind: r.kind as Node['kind'],
    nameZh: r.name_zh,
    nameEn: r.name_en,
    lat: Number(r.lat),
    lng: Number(r.lng),
    address: r.address,
    locationConfidence: r.location_confidence as Node['locationConfidence'],
    status: r.status as NodeStatus,
    statusChangedAt: new Date(r.status_changed_at).toISOString(),
    statusReason: r.status_reason,
    ...reasonFields(r.status_reason_code, r.status_reason_params, r.status_reason),
    openingHours: r.opening_hours,
    dailyOrderCapacity: r.daily_order_capacity,
    storageUnit: r.storage_unit as Node['storageUnit'],
    storageAmbient: r.storage_ambient,
    storageChilled: r.storage_chilled,
    storageFrozen: r.storage_frozen,
    maxDeliveryRadiusM: r.max_delivery_radius_m,
  };
}

function rowToItem(r: Selectable<ItemsTable>): Item {
  return {
    id: r.id,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    category: r.category,
    unit: r.unit,
    temperatureClass: r.temperature_class as Item['temperatureClass'],
    shelfLifeDays: r.shelf_life_days,
    packSize: r.pack_size,
    weightG: r.weight_g,
    volumeCm3: r.volume_cm3,
    priceFen: r.price_fen,
    essentialTier: r.essential_tier as Item['essentialTier'],
  };
}

function nodeRow(input: NodeInput, now: Date): Insertable<NodesTable> {
  const full = { ...NODE_DEFAULTS, ...input };
  const reason = manualReason(full.statusReason ?? '');
  return {
    id: full.id,
    kind: full.kind,
    name_zh: full.nameZh,
    name_en: full.nameEn,
    lat: full.lat,
    lng: full.lng,
    address: full.address,
    location_confidence: full.locationConfidence,
    status: full.status,
    status_reason: full.statusReason,
    opening_hours: full.openingHours,
    daily_order_capacity: full.dailyOrderCapacity,
    storage_unit: full.storageUnit,
    storage_ambient: full.storageAmbient,
    storage_chilled: full.storageChilled,
    storage_frozen: full.storageFrozen,
    max_delivery_radius_m: full.maxDeliveryRadiusM,
    status_changed_at: now,
    updated_at: now,
    status_reason_code: reason.code,
    status_reason_params: JSON.stringify(reason.params),
  };
}

function reasonFields(code: string, params: unknown, text: string): { statusReasonCode: StatusReasonCode; statusReasonParams: StatusReasonParams } {
  const r = readStatusReason(code, typeof params === 'string' ? JSON.parse(params) : params, text ?? '');
  return { statusReasonCode: r.code, statusReasonParams: r.params };
}

function itemRow(input: ItemInput, now: Date): Insertable<ItemsTable> {
  const full = { ...ITEM_DEFAULTS, ...input };
  return {
    id: full.id,
    name_zh: full.nameZh,
    name_en: full.nameEn,
    category: full.category,
    unit: full.unit,
    temperature_class: full.temperatureClass,
    shelf_life_days: full.shelfLifeDays,
    pack_size: full.packSize,
    weight_g: full.weightG,
    volume_cm3: full.volumeCm3,
    price_fen: full.priceFen,
    essential_tier: full.essentialTier,
    updated_at: now,
  };
}

export interface NodeFilter {
  kind?: string;
  status?: string;
}

export async function listNodes(db: Db, filter: NodeFilter = {}): Promise<Node[]> {
  let q = db.selectFrom('nodes').selectAll().orderBy('id');
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.execute()).map(rowToNode);
}

export async function getNode(db: Db, id: string): Promise<Node | null> {
  const r = await db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? rowToNode(r) : null;
}

export async function requireNode(db: Db, id: string, field = 'nodeId'): Promise<Node> {
  const n = await getNode(db, id);
  if (!n) fail({ code: 'not_found', message: `node ${id} does not exist`, field, expected: 'an existing node id', actual: id });
  return n;
}

/** Creates a node; `reason` says why it has its status (default: the input's statusReason, a person's words). */
export async function createNode(db: Db, input: NodeInput, now: Date, reason?: StatusReason): Promise<Node> {
  const exists = await getNode(db, input.id);
  if (exists) fail({ code: 'duplicate', message: `node ${input.id} already exists`, field: 'id', expected: 'a new node id', actual: input.id });
  const row = nodeRow(input, now);
  if (reason) Object.assign(row, { status_reason: statusReasonText(reason), status_reason_code: reason.code, status_reason_params: JSON.stringify(reason.params) });
  await db.insertInto('nodes').values(row).execute();
  return (await getNode(db, input.id))!;
}

/** Inserts or replaces many nodes (import). Status history is recorded for status changes. */
export async function upsertNodes(db: Db, inputs: NodeInput[], now: Date): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const input of inputs) {
    const before = await getNode(db, input.id);
    if (!before) {
      await db.insertInto('nodes').values(nodeRow(input, now)).execute();
      created++;
    } else {
      const row = nodeRow({ ...input, status: input.status ?? before.status }, now);
      if ((input.status ?? before.status) === before.status) row.status_changed_at = new Date(before.statusChangedAt);
      else await recordStatusEvent(db, input.id, before.status, input.status!, input.statusReason ? manualReason(input.statusReason) : { code: 'import', params: {} }, now);
      await db.updateTable('nodes').set(row).where('id', '=', input.id).execute();
      updated++;
    }
  }
  return { created, updated };
}

export type NodePatch = Partial<Omit<NodeInput, 'id' | 'status' | 'statusReason'>>;

export async function updateNode(db: Db, id: string, patch: NodePatch, now: Date): Promise<Node> {
  await requireNode(db, id, 'id');
  const row: Record<string, unknown> = { updated_at: now };
  for (const [k, v] of Object.entries(patch)) {
    const col = (NODE_COLUMNS as Record<string, string>)[k];
    if (col && v !== undefined) row[col] = v;
  }
  await db.updateTable('nodes').set(row as Updateable<NodesTable>).where('id', '=', id).execute();
  return (await getNode(db, id))!;
}

async function recordStatusEvent(db: Db, nodeId: string, from: NodeStatus, to: NodeStatus, reason: StatusReason, at: Date) {
  await db
    .insertInto('node_status_events')
    .values({ node_id: nodeId, from_status: from, to_status: to, reason: statusReasonText(reason), status_reason_code: reason.code, status_reason_params: JSON.stringify(reason.params), at })
    .execute();
}

/**
 * Changes a node's status, recording when and why. The reason is a code with parameters
 * (src/domain/network/status-reason.ts); a string is a person's own words. Call inside a transaction.
 */
export async function setNodeStatus(db: Db, id: string, status: NodeStatus, why: string | StatusReason, now: Date): Promise<Node> {
  const reason = toStatusReason(why);
  const before = await db.selectFrom('nodes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) fail({ code: 'not_found', message: `node ${id} does not exist`, field: 'id', expected: 'an existing node id', actual: id });
  const from = before.status as NodeStatus;
  unwrap(checkStatusTransition(from, status));
  await db
    .updateTable('nodes')
    .set({ status, status_reason: statusReasonText(reason), status_reason_code: reason.code, status_reason_params: JSON.stringify(reason.params), status_changed_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordStatusEvent(db, id, from, status, reason, now);
  return (await getNode(db, id))!;
}

export interface StatusEvent {
  nodeId: string;
  fromStatus: NodeStatus;
  toStatus: NodeStatus;
  reason: string;
  reasonCode: StatusReasonCode;
  reasonParams: StatusReasonParams;
  at: string;
}

function reasonOf(r: Selectable<NodeStatusEventsTable>): { reasonCode: StatusReasonCode; reasonParams: StatusReasonParams } {
  const f = reasonFields(r.status_reason_code, r.status_reason_params, r.reason);
  return { reasonCode: f.statusReasonCode, reasonParams: f.statusReasonParams };
}

export async function nodeStatusHistory(db: Db, id: string): Promise<StatusEvent[]> {
  const rows = await db.selectFrom('node_status_events').selectAll().where('node_id', '=', id).orderBy('id').execute();
  return rows.map((r) => ({ nodeId: r.node_id, fromStatus: r.from_status as NodeStatus, toStatus: r.to_status as NodeStatus, reason: r.reason, ...reasonOf(r), at: new Date(r.at).toISOString() }));
}

export interface ItemFilter {
  category?: string;
  temperatureClass?: string;
  essentialTier?: string;
  q?: string;
  /** Exactly these items (a batch of names for a screen), in id order. */
  ids?: string[];
  limit?: number;
  offset?: number;
}

export async function listItems(db: Db, filter: ItemFilter = {}): Promise<{ items: Item[]; total: number }> {
  let q = db.selectFrom('items');
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.temperatureClass) q = q.where('temperature_class', '=', filter.temperatureClass);
  if (filter.essentialTier) q = q.where('essential_tier', '=', filter.essentialTier);
  if (filter.ids) {
    if (filter.ids.length === 0) return { items: [], total: 0 };
    q = q.where('id', 'in', filter.ids);
  }
  if (filter.q) {
    const like = `%${filter.q}%`;
    q = q.where((eb) => eb.or([eb('id', 'ilike', like), eb('name_zh', 'ilike', like), eb('name_en', 'ilike', like)]));
  }
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  let rows = q.selectAll().orderBy('id');
  if (filter.limit !== undefined) rows = rows.limit(filter.limit);
  if (filter.offset !== undefined) rows = rows.offset(filter.offset);
  return { items: (await rows.execute()).map(rowToItem), total };
}

export async function getItem(db: Db, id: string): Promise<Item | null> {
  const r = await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? rowToItem(r) : null;
}

export async function requireItem(db: Db, id: string, field = 'itemId'): Promise<Item> {
  const it = await getItem(db, id);
  if (!it) fail({ code: 'not_found', message: `item ${id} does not exist`, field, expected: 'an existing item id', actual: id });
  return it;
}

/** Items by id, for contexts that need many at once. */
export async function itemsByIds(db: Db, ids: string[]): Promise<Map<string, Item>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('items').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, rowToItem(r)]));
}

export async function createItem(db: Db, input: ItemInput, now: Date): Promise<Item> {
  if (await getItem(db, input.id)) fail({ code: 'duplicate', message: `item ${input.id} already exists`, field: 'id', expected: 'a new item id', actual: input.id });
  await db.insertInto('items').values(itemRow(input, now)).execute();
  return (await getItem(db, input.id))!;
}

export async function updateItem(db: Db, id: string, patch: Partial<Omit<ItemInput, 'id'>>, now: Date): Promise<Item> {
  await requireItem(db, id, 'id');
  const row: Record<string, unknown> = { updated_at: now };
  for (const [k, v] of Object.entries(patch)) {
    const col = (ITEM_COLUMNS as Record<string, string>)[k];
    if (col && v !== undefined) row[col] = v;
  }
  await db.updateTable('items').set(row as Updateable<ItemsTable>).where('id', '=', id).execute();
  return (await getItem(db, id))!;
}

const CHUNK = 500;

/** Inserts or replaces many items in chunks (import, demo load). */
export async function upsertItems(db: Db, inputs: ItemInput[], now: Date): Promise<{ created: number; updated: number }> {
  const existing = new Set<string>();
  for (let i = 0; i < inputs.length; i += CHUNK) {
    const ids = inputs.slice(i, i + CHUNK).map((x) => x.id);
    for (const r of await db.selectFrom('items').select('id').where('id', 'in', ids).execute()) existing.add(r.id);
  }
  for (let i = 0; i < inputs.length; i += CHUNK) {
    const rows = inputs.slice(i, i + CHUNK).map((x) => itemRow(x, now));
    await db
      .insertInto('items')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet(
          Object.fromEntries(Object.values(ITEM_COLUMNS).filter((c) => c !== 'id').concat('updated_at').map((c) => [c, sql.ref(`excluded.${c}`)])),
        ),
      )
      .execute();
  }
  const updated = inputs.filter((x) => existing.has(x.id)).length;
  return { created: inputs.length - updated, updated };
}

export interface DemandFilter {
  nodeId?: string;
  itemId?: string;
  limit?: number;
  offset?: number;
}

export async function listDemand(db: Db, filter: DemandFilter = {}): Promise<{ rows: DemandInput[]; total: number }> {
  let q = db.selectFrom('baseline_demand');
  if (filter.nodeId) q = q.where('node_id', '=', filter.nodeId);
  if (filter.itemId) q = q.where('item_id', '=', filter.itemId);
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  let rows = q.selectAll().orderBy('node_id').orderBy('item_id');
  if (filter.limit !== undefined) rows = rows.limit(filter.limit);
  if (filter.offset !== undefined) rows = rows.offset(filter.offset);
  return {
    rows: (await rows.execute()).map((r) => ({ nodeId: r.node_id, itemId: r.item_id, dailyQuantity: r.daily_quantity })),
    total,
  };
}

/** Checks that every referenced node and item exists; returns the first unknown reference per row index. */
export async function unknownDemandRefs(db: Db, rows: DemandInput[]): Promise<Map<number, { field: string; value: string }>> {
  const nodeIds = new Set((await db.selectFrom('nodes').select('id').execute()).map((r) => r.id));
  const itemIdsWanted = [...new Set(rows.map((r) => r.itemId))];
  const itemIds = new Set<string>();
  for (let i = 0; i < itemIdsWanted.length; i += CHUNK) {
    for (const r of await db.selectFrom('items').select('id').where('id', 'in', itemIdsWanted.slice(i, i + CHUNK)).execute()) itemIds.add(r.id);
  }
  const bad = new Map<number, { field: string; value: string }>();
  rows.forEach((r, i) => {
    if (!nodeIds.has(r.nodeId)) bad.set(i, { field: 'nodeId', value: r.nodeId });
    else if (!itemIds.has(r.itemId)) bad.set(i, { field: 'itemId', value: r.itemId });
  });
  return bad;
}

export async function upsertDemand(db: Db, rows: DemandInput[]): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('baseline_demand')
      .values(rows.slice(i, i + CHUNK).map((r) => ({ node_id: r.nodeId, item_id: r.itemId, daily_quantity: r.dailyQuantity })))
      .onConflict((oc) => oc.columns(['node_id', 'item_id']).doUpdateSet({ daily_quantity: sql.ref('excluded.daily_quantity') }))
      .execute();
  }
  return rows.length;
}

export async function networkCounts(db: Db): Promise<{ nodes: number; items: number; demandRows: number }> {
  const one = async (t: 'nodes' | 'items' | 'baseline_demand') => Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  return { nodes: await one('nodes'), items: await one('items'), demandRows: await one('baseline_demand') };
}

export { rowToNode, rowToItem };

/**
 * Baseline demand as a map `nodeId → (itemId → daily quantity)`, for views over many nodes
 * (the inventory balance view). One row per node with arrays: on PGlite this is several times
 * faster than one row per (node, item).
 */
export async function demandByNode(db: Db, nodeIds?: string[]): Promise<Map<string, Map<string, number>>> {
  const rows = await sql<{ node_id: string; i: string[]; q: number[] }>`
    SELECT node_id, array_agg(item_id) AS i, array_agg(daily_quantity) AS q FROM baseline_demand
    ${nodeIds ? sql`WHERE node_id = ANY(${nodeIds}::text[])` : sql``}
    GROUP BY node_id`.execute(db);
  const out = new Map<string, Map<string, number>>();
  for (const r of rows.rows) {
    const m = new Map<string, number>();
    for (let k = 0; k < r.i.length; k++) m.set(r.i[k], r.q[k]);
    out.set(r.node_id, m);
  }
  return out;
}
