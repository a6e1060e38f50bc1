/**
 * The planning context's storage: assortment settings and the current assortment, suppliers,
 * DC shipments, sourcing plans, and this context's steps of applying a plan (purchase orders and
 * diversions, the plan's status) and of receiving purchase orders and shipments. Only the
 * planning tables: what touches the stock ledger too (transfer orders and their holds, receipts)
 * is composed in src/flows/plan-apply.ts.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Item, Node } from '../domain/network/index.ts';
import {
  computeTargets, DEFAULT_MULTIPLIERS, netRequirements, planSourcing, selectAssortment, yizhuangDcShipments, yizhuangSuppliers,
  type AssortmentOptions, type AssortmentResult, type Balance, type DcShipment, type Multipliers, type NetRequirement, type PlanLine, type PlanningItem,
  type PlanningNode, type PlanningNodeStatus, type SourcingParamsInput, type SourcingPlan, type StockTarget, type Supplier, type SupplierItem, type Tier,
} from '../domain/planning/index.ts';
import { fail, invariant, unwrap } from '../domain/shared/index.ts';
import type { MipSolver } from '../domain/shared/index.ts';
import type { DemoStep } from './demo.ts';
import { balances as inventoryBalances, getTransfer, safetyBuffers } from './inventory.ts';
import type {
  DB, PlanningAssortmentTable, PlanningDcShipmentsTable, PlanningPlanLinesTable, PlanningPlanShortagesTable, PlanningPlansTable, PlanningPurchaseOrderLinesTable,
  PlanningPurchaseOrdersTable, PlanningSettingsTable, PlanningSupplierItemsTable, PlanningSuppliersTable,
} from './tables.ts';
import { listDemand, listItems, listNodes } from './network.ts';
import { jsonRecordset } from './json-rows.ts';

type Db = Kysely<DB>;

// ---------------------------------------------------------------------------------------------
// Network → planning inputs
// ---------------------------------------------------------------------------------------------

/**
 * Usable goods volume per unit of floor storage. A square metre of shelving about 1.5 m
 * high, 40% filled, holds ~0.6 m³; a pallet position (1.2 × 1.0 × 1.5 m) ~55% filled, ~1 m³.
 * Estimates: change them here if a chain measures its own.
 */
export const CM3_PER_M2 = 600_000;
export const CM3_PER_PALLET = 1_000_000;

export function toPlanningNode(n: Node): PlanningNode {
  const per = n.storageUnit === 'pallets' ? CM3_PER_PALLET : CM3_PER_M2;
  return {
    id: n.id,
    kind: n.kind,
    status: n.status,
    lat: n.lat,
    lng: n.lng,
    storageCm3: { ambient: n.storageAmbient * per, chilled: n.storageChilled * per, frozen: n.storageFrozen * per },
  };
}

export function toPlanningItem(i: Item, tier?: Tier): PlanningItem & { packSize: number } {
  return { id: i.id, name: i.nameEn, category: i.category, tempClass: i.temperatureClass, volumeCm3: i.volumeCm3, tier: tier ?? i.essentialTier, packSize: i.packSize, shelfLifeDays: i.shelfLifeDays };
}

async function loadNetwork(db: Db) {
  const nodes = await listNodes(db);
  const items = (await listItems(db)).items;
  const demand = (await listDemand(db)).rows.map((d) => ({ nodeId: d.nodeId, itemId: d.itemId, dailyUnits: d.dailyQuantity }));
  return { nodes, items, demand };
}

// ---------------------------------------------------------------------------------------------
// Settings and the assortment
// ---------------------------------------------------------------------------------------------

export interface PlanningSettings extends AssortmentOptions {
  multipliers: Multipliers;
}

const DEFAULT_SETTINGS: PlanningSettings = { size: 500, multipliers: DEFAULT_MULTIPLIERS, pinned: [], dropped: [], keyPinned: [], keyDropped: [] };

export async function getSettings(db: Db): Promise<PlanningSettings> {
  const r = (await sql<Pick<Selectable<PlanningSettingsTable>, 'options'>>`SELECT options FROM planning_settings WHERE id = 1`.execute(db)).rows[0];
  return { ...DEFAULT_SETTINGS, ...(r?.options ?? {}) };
}

export async function saveSettings(db: Db, patch: Partial<PlanningSettings>, now: Date): Promise<PlanningSettings> {
  const next = { ...(await getSettings(db)), ...patch };
  await sql`
    INSERT INTO planning_settings (id, options, updated_at) VALUES (1, ${JSON.stringify(next)}::jsonb, ${now})
    ON CONFLICT (id) DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at`.execute(db);
  return next;
}

/** Pins, drops, key marks: one item at a time, each undoing the opposite mark. */
export function withMark(s: PlanningSettings, itemId: string, mark: 'pin' | 'drop' | 'unpin' | 'key' | 'not_key' | 'key_rule'): Partial<PlanningSettings> {
  const without = (l: readonly string[] | undefined) => (l ?? []).filter((x) => x !== itemId);
  switch (mark) {
    case 'pin':
      return { pinned: [...without(s.pinned), itemId], dropped: without(s.dropped) };
    case 'drop':
      return { dropped: [...without(s.dropped), itemId], pinned: without(s.pinned) };
    case 'unpin':
      return { pinned: without(s.pinned), dropped: without(s.dropped) };
    case 'key':
      return { keyPinned: [...without(s.keyPinned), itemId], keyDropped: without(s.keyDropped) };
    case 'not_key':
      return { keyDropped: [...without(s.keyDropped), itemId], keyPinned: without(s.keyPinned) };
    case 'key_rule':
      return { keyDropped: without(s.keyDropped), keyPinned: without(s.keyPinned) };
  }
}

/** Runs the assortment selection with the saved settings and replaces the current assortment. */
export async function runAssortment(db: Db, solver: MipSolver, now: Date): Promise<AssortmentResult> {
  const r = await previewAssortment(db, solver);
  await saveAssortment(db, r.lines, now);
  return r;
}

/**
 * Selects the assortment from the stored settings (and `overrides`, e.g. another size for an
 * incident's plan) without keeping it: the caller uses the lines as `tiers` for targets and a
 * sourcing plan, or saves them with saveAssortment.
 */
export async function previewAssortment(db: Db, solver: MipSolver, overrides: { size?: number } = {}): Promise<AssortmentResult> {
  const settings = await getSettings(db);
  const { nodes, items, demand } = await loadNetwork(db);
  return unwrap(
    await selectAssortment({ items: items.map((i) => toPlanningItem(i)), demand, nodes: nodes.map(toPlanningNode), options: { ...settings, ...overrides } }, solver),
  );
}

/** Replaces the stored assortment with these lines (the assortment in force). */
export async function saveAssortment(db: Db, lines: ReadonlyArray<Omit<AssortmentRow, 'keyReason'> & { keyReason: string | null }>, now: Date): Promise<void> {
  const r = { lines };
  await sql`DELETE FROM planning_assortment`.execute(db);
  for (let k = 0; k < r.lines.length; k += 500) {
    const chunk = r.lines.slice(k, k + 500);
    await db
      .insertInto('planning_assortment')
      .values(chunk.map((l) => ({ item_id: l.itemId, tier: l.tier, category: l.category, reason: l.reason, key_reason: l.keyReason, daily_demand_units: l.dailyDemandUnits, category_rank: l.categoryRank, selected_at: now })))
      .execute();
  }
}

export interface AssortmentRow {
  itemId: string;
  tier: 'essential' | 'key';
  category: string;
  reason: string;
  keyReason: string | null;
  dailyDemandUnits: number;
  categoryRank: number;
}

export async function currentAssortment(db: Db): Promise<AssortmentRow[]> {
  const rows = (await sql<Selectable<PlanningAssortmentTable>>`SELECT * FROM planning_assortment ORDER BY category, category_rank, item_id`.execute(db)).rows;
  return rows.map((r) => ({ itemId: r.item_id, tier: r.tier as AssortmentRow['tier'], category: r.category, reason: r.reason, keyReason: r.key_reason, dailyDemandUnits: r.daily_demand_units, categoryRank: r.category_rank }));
}

// ---------------------------------------------------------------------------------------------
// Targets, balances, net requirements
// ---------------------------------------------------------------------------------------------

/** Items with their assortment tier; with no assortment yet, the catalogue's tiers stand in. */
/** Tiers of an assortment not (yet) stored: an incident plan's choice. */
export type AssortmentTiers = Record<string, 'essential' | 'key'>;

async function assortmentItems(db: Db, items: Item[], tiers?: AssortmentTiers): Promise<Array<PlanningItem & { packSize: number }>> {
  if (tiers) return items.map((i) => toPlanningItem(i, tiers[i.id] ?? 'none'));
  const rows = await currentAssortment(db);
  if (rows.length === 0) return items.map((i) => toPlanningItem(i));
  const tier = new Map(rows.map((r) => [r.itemId, r.tier]));
  return items.map((i) => toPlanningItem(i, tier.get(i.id) ?? 'none'));
}

export async function currentTargets(db: Db, filter: { nodeId?: string; multipliers?: Multipliers; tiers?: AssortmentTiers } = {}): Promise<StockTarget[]> {
  const { nodes, items, demand } = await loadNetwork(db);
  const settings = await getSettings(db);
  const targets = unwrap(
    computeTargets({ nodes: nodes.map(toPlanningNode), items: await assortmentItems(db, items, filter.tiers), demand, multipliers: filter.multipliers ?? settings.multipliers }),
  );
  return filter.nodeId ? targets.filter((t) => t.nodeId === filter.nodeId) : targets;
}

/**
 * Balances as planning sees them: on hand and reserved from the ledger; inbound = transfers in
 * transit + open purchase orders + open DC shipments; the node's online safety buffer as
 * safety stock (a giver keeps it on top of its target).
 */
export async function planningBalances(db: Db): Promise<Balance[]> {
  const byKey = new Map<string, Balance>();
  const get = (nodeId: string, itemId: string) => {
    const k = `${nodeId}|${itemId}`;
    let b = byKey.get(k);
    if (!b) byKey.set(k, (b = { nodeId, itemId, onHand: 0, reserved: 0, inbound: 0 }));
    return b;
  };
  const buffers = await safetyBuffers(db);
  for (const r of (await inventoryBalances(db)).rows) {
    const b = get(r.nodeId, r.itemId);
    b.onHand = r.onHand;
    b.reserved = r.reserved;
    b.inbound += r.inTransitIn;
    b.safetyStock = buffers.get(r.nodeId) ?? 0;
  }
  const pos = await sql<{ to_node_id: string; item_id: string; q: number }>`
    SELECT o.to_node_id, l.item_id, SUM(l.quantity)::int AS q FROM planning_purchase_orders o
    JOIN planning_purchase_order_lines l ON l.purchase_order_id = o.id WHERE o.status = 'open' GROUP BY 1, 2`.execute(db);
  for (const r of pos.rows) get(r.to_node_id, r.item_id).inbound += Number(r.q);
  for (const s of await listShipments(db, { open: true })) get(s.toNodeId, s.itemId).inbound += s.quantity;
  return [...byKey.values()];
}

export async function currentNetRequirements(db: Db, filter: { nodeId?: string; onlyShort?: boolean } = {}): Promise<NetRequirement[]> {
  const targets = await currentTargets(db, { nodeId: filter.nodeId });
  const rows = unwrap(netRequirements({ targets, balances: await planningBalances(db) }));
  return filter.onlyShort ? rows.filter((r) => r.needUnits > 0) : rows;
}

// ---------------------------------------------------------------------------------------------
// Suppliers and DC shipments
// ---------------------------------------------------------------------------------------------

export async function upsertSuppliers(db: Db, suppliers: Supplier[], supplierItems: SupplierItem[]): Promise<{ suppliers: number; supplierItems: number }> {
  for (const s of suppliers) {
    await sql`INSERT INTO planning_suppliers (id, name, daily_capacity_units) VALUES (${s.id}, ${s.name}, ${s.dailyCapacityUnits})
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, daily_capacity_units = excluded.daily_capacity_units`.execute(db);
  }
  for (let k = 0; k < supplierItems.length; k += 500) {
    const chunk = supplierItems.slice(k, k + 500);
    await db
      .insertInto('planning_supplier_items')
      .values(chunk.map((o) => ({ supplier_id: o.supplierId, item_id: o.itemId, pack_size: o.packSize, moq_units: o.moqUnits, lead_time_h: o.leadTimeH, expedited_lead_time_h: o.expeditedLeadTimeH, expedite_premium_fen_per_unit: o.expeditePremiumFenPerUnit, delivery_fen_per_unit: o.deliveryFenPerUnit })))
      .onConflict((oc) =>
        oc.columns(['supplier_id', 'item_id']).doUpdateSet((eb) => ({
          pack_size: eb.ref('excluded.pack_size'),
          moq_units: eb.ref('excluded.moq_units'),
          lead_time_h: eb.ref('excluded.lead_time_h'),
          expedited_lead_time_h: eb.ref('excluded.expedited_lead_time_h'),
          expedite_premium_fen_per_unit: eb.ref('excluded.expedite_premium_fen_per_unit'),
          delivery_fen_per_unit: eb.ref('excluded.delivery_fen_per_unit'),
        })),
      )
      .execute();
  }
  return { suppliers: suppliers.length, supplierItems: supplierItems.length };
}

export async function listSuppliers(db: Db): Promise<{ suppliers: Supplier[]; supplierItems: SupplierItem[] }> {
  const s = (await sql<Selectable<PlanningSuppliersTable>>`SELECT * FROM planning_suppliers ORDER BY id`.execute(db)).rows;
  const o = (await sql<Selectable<PlanningSupplierItemsTable>>`SELECT * FROM planning_supplier_items ORDER BY supplier_id, item_id`.execute(db)).rows;
  return {
    suppliers: s.map((r) => ({ id: r.id, name: r.name, dailyCapacityUnits: r.daily_capacity_units })),
    supplierItems: o.map((r) => ({
      supplierId: r.supplier_id,
      itemId: r.item_id,
      packSize: r.pack_size,
      moqUnits: r.moq_units,
      leadTimeH: Number(r.lead_time_h),
      expeditedLeadTimeH: r.expedited_lead_time_h === null ? null : Number(r.expedited_lead_time_h),
      expeditePremiumFenPerUnit: r.expedite_premium_fen_per_unit,
      deliveryFenPerUnit: r.delivery_fen_per_unit,
    })),
  };
}

export async function upsertShipments(db: Db, shipments: DcShipment[], now: Date): Promise<number> {
  for (let k = 0; k < shipments.length; k += 500) {
    const chunk = shipments.slice(k, k + 500);
    await db
      .insertInto('planning_dc_shipments')
      .values(chunk.map((s) => ({ id: s.id, from_node_id: s.fromNodeId, to_node_id: s.toNodeId, item_id: s.itemId, quantity: s.quantity, status: s.status, created_at: now })))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity'), status: eb.ref('excluded.status'), to_node_id: eb.ref('excluded.to_node_id') })))
      .execute();
  }
  return shipments.length;
}

export interface ShipmentRow extends DcShipment {
  divertedFrom: string | null;
}

export async function listShipments(db: Db, filter: { open?: boolean; nodeId?: string } = {}): Promise<ShipmentRow[]> {
  const rows = (
    await sql<Selectable<PlanningDcShipmentsTable>>`SELECT * FROM planning_dc_shipments WHERE true
      ${filter.open ? sql`AND status IN ('planned','in_transit') AND quantity > 0` : sql``}
      ${filter.nodeId ? sql`AND (to_node_id = ${filter.nodeId} OR from_node_id = ${filter.nodeId})` : sql``}
      ORDER BY id`.execute(db)
  ).rows;
  return rows.map((r) => ({ id: r.id, fromNodeId: r.from_node_id, toNodeId: r.to_node_id, itemId: r.item_id, quantity: r.quantity, status: r.status as ShipmentRow['status'], divertedFrom: r.diverted_from }));
}

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

export interface PlanRequest {
  /** Nodes to supply; default every node with a target. One node = a reopening plan. */
  receivers?: string[];
  multipliers?: Multipliers;
  params?: SourcingParamsInput;
  /** An assortment other than the stored one (an incident plan's chosen size), as item tiers. */
  tiers?: AssortmentTiers;
  /**
   * Node statuses to plan with instead of the stored ones: an incident plan drafted before its
   * apply passes the statuses the lockdown gives the nodes at the apply. A node suspended then
   * gives nothing (sourcing's rule: a suspended store is sealed, nobody may pick there), though
   * it trades today.
   */
  statuses?: Record<string, PlanningNodeStatus>;
}

export type StoredPlanLine = PlanLine & { lineNo: number; documentId: string | null };

export interface PlanView extends Omit<SourcingPlan, 'lines'> {
  lines: StoredPlanLine[];
  id: string;
  status: 'draft' | 'applying' | 'applied' | 'discarded';
  createdAt: string;
  appliedAt: string | null;
  request: PlanRequest;
  documents: PlanDocument[];
}

export interface PlanDocument {
  kind: 'transfer_order' | 'purchase_order' | 'diversion';
  id: string;
  fromId: string;
  toNodeId: string;
  lines: Array<{ itemId: string; quantity: number }>;
}

/** Builds the sourcing input from the database: the whole network, its targets and balances. */
export async function sourcingInput(db: Db, request: PlanRequest) {
  const { nodes, items, demand } = await loadNetwork(db);
  const settings = await getSettings(db);
  const planningItems = await assortmentItems(db, items, request.tiers);
  const planningNodes = nodes.map(toPlanningNode).map((n) => (request.statuses?.[n.id] ? { ...n, status: request.statuses[n.id] } : n));
  const targets = unwrap(computeTargets({ nodes: planningNodes, items: planningItems, demand, multipliers: request.multipliers ?? settings.multipliers }));
  const { suppliers, supplierItems } = await listSuppliers(db);
  const inAssortment = new Set(planningItems.filter((i) => i.tier !== 'none').map((i) => i.id));
  return {
    nodes: planningNodes,
    items: planningItems.filter((i) => inAssortment.has(i.id)),
    targets,
    balances: (await planningBalances(db)).filter((b) => inAssortment.has(b.itemId)),
    shipments: (await listShipments(db, { open: true })).filter((s) => inAssortment.has(s.itemId)),
    suppliers,
    supplierItems: supplierItems.filter((o) => inAssortment.has(o.itemId)),
    receivers: request.receivers,
    params: request.params,
  };
}

export async function createPlan(db: Db, solver: MipSolver, request: PlanRequest, now: Date): Promise<PlanView> {
  return (await getPlan(db, await createPlanId(db, solver, request, now)))!;
}

/**
 * Plans and stores a draft plan like `createPlan`, answering only its id (a caller that applies it
 * next reads what it needs). `input`: the request's `sourcingInput`, when the caller built it
 * already (e.g. to look at its targets first); the planner frees it once prepared.
 */
export async function createPlanId(db: Db, solver: MipSolver, request: PlanRequest, now: Date, input?: Awaited<ReturnType<typeof sourcingInput>>): Promise<string> {
  // The input is not held here: the planner frees it once prepared.
  const plan = unwrap(await planSourcing(input ?? (await sourcingInput(db, request)), solver, () => performance.now()));
  const id = randomUUID();
  await sql`INSERT INTO planning_plans (id, status, created_at, request, summary, warnings)
    VALUES (${id}, 'draft', ${now}, ${JSON.stringify(request)}::jsonb, ${JSON.stringify(plan.summary)}::jsonb, ${JSON.stringify(plan.warnings)}::jsonb)`.execute(db);
  // Every line in one statement (one JSON parameter), in chunks only for very large plans. The
  // fields are read one by one: a line's reason is worded when read.
  for (let k = 0; k < plan.lines.length; k += PLAN_LINES_CHUNK) {
    const rows = plan.lines.slice(k, k + PLAN_LINES_CHUNK).map((l, j) => ({
      n: k + j + 1, kd: l.kind, i: l.itemId, t: l.toNodeId, q: l.quantity, f: l.fromNodeId, sh: l.shipmentId, o: l.originalNodeId, su: l.supplierId,
      x: l.expedited ?? false, pk: l.packs, d: l.distanceM, a: l.arrivalH, u: l.unitCostFen, c: l.costFen, r: l.reason, rc: l.reasonCodes ?? null,
    }));
    await sql`INSERT INTO planning_plan_lines (plan_id, line_no, kind, item_id, to_node_id, quantity, from_node_id, shipment_id, original_node_id, supplier_id,
        expedited, packs, distance_m, arrival_h, unit_cost_fen, cost_fen, reason, reason_codes)
      SELECT ${id}::text, n, kd, i, t, q, f, sh, o, su, x, pk, d, a, u, c, r, rc
      FROM ${jsonRecordset(rows, 'l', 'n int, kd text, i text, t text, q int, f text, sh text, o text, su text, x boolean, pk int, d int, a real, u real, c int, r text, rc jsonb')}`.execute(db);
  }
  for (let k = 0; k < plan.shortages.length; k += 300) {
    await db
      .insertInto('planning_plan_shortages')
      .values(plan.shortages.slice(k, k + 300).map((s) => ({ plan_id: id, node_id: s.nodeId, item_id: s.itemId, tier: s.tier, need_units: s.needUnits, short_units: s.shortUnits, reason: s.reason })))
      .execute();
  }
  return id;
}

/** Plan lines per insert statement (one JSON parameter each). */
const PLAN_LINES_CHUNK = 5000;

export async function getPlan(db: Db, id: string): Promise<PlanView | null> {
  const p = (await sql<Selectable<PlanningPlansTable>>`SELECT * FROM planning_plans WHERE id = ${id}`.execute(db)).rows[0];
  if (!p) return null;
  const lines = await planLines(db, id);
  const shortages = (await sql<Selectable<PlanningPlanShortagesTable>>`SELECT * FROM planning_plan_shortages WHERE plan_id = ${id} ORDER BY short_units DESC, node_id, item_id`.execute(db)).rows;
  return {
    id: p.id,
    status: p.status as PlanView['status'],
    createdAt: new Date(p.created_at).toISOString(),
    appliedAt: p.applied_at ? new Date(p.applied_at).toISOString() : null,
    request: p.request,
    summary: p.summary,
    warnings: p.warnings,
    documents: p.documents,
    lines,
    shortages: shortages.map((s) => ({ nodeId: s.node_id, itemId: s.item_id, tier: s.tier as PlanView['shortages'][number]['tier'], needUnits: s.need_units, shortUnits: s.short_units, reason: s.reason })),
  };
}

/** A plan's lines in order (no plan row, no shortages): what an apply step reads of a plan. */
export async function planLines(db: Db, id: string): Promise<StoredPlanLine[]> {
  const rows = (await sql<Selectable<PlanningPlanLinesTable>>`SELECT * FROM planning_plan_lines WHERE plan_id = ${id} ORDER BY line_no`.execute(db)).rows;
  return rows.map((l) => ({
    lineNo: l.line_no,
    kind: l.kind as StoredPlanLine['kind'],
    itemId: l.item_id,
    toNodeId: l.to_node_id,
    quantity: l.quantity,
    fromNodeId: l.from_node_id,
    shipmentId: l.shipment_id,
    originalNodeId: l.original_node_id,
    supplierId: l.supplier_id,
    expedited: l.expedited,
    packs: l.packs,
    distanceM: l.distance_m,
    arrivalH: Number(l.arrival_h),
    unitCostFen: Number(l.unit_cost_fen),
    costFen: l.cost_fen,
    reason: l.reason,
    ...(l.reason_codes ? { reasonCodes: typeof l.reason_codes === 'string' ? JSON.parse(l.reason_codes) : l.reason_codes } : {}),
    documentId: l.document_id,
  }));
}

/** The distinct items of a plan's lines of one kind. */
export async function planLineItems(db: Db, id: string, kind: StoredPlanLine['kind']): Promise<string[]> {
  const rows = (await sql<{ item_id: string }>`SELECT DISTINCT item_id FROM planning_plan_lines WHERE plan_id = ${id} AND kind = ${kind} ORDER BY item_id`.execute(db)).rows;
  return rows.map((r) => r.item_id);
}

/** A plan's documents (the plan row's list, no lines): what the apply's later steps and its undo read. */
export async function planDocuments(db: Db, id: string): Promise<PlanDocument[]> {
  const r = await db.selectFrom('planning_plans').select('documents').where('id', '=', id).executeTakeFirst();
  if (!r) fail({ code: 'not_found', message: `sourcing plan ${id} not found`, field: 'id', actual: id });
  return parseDocuments(r.documents);
}

export async function requirePlan(db: Db, id: string): Promise<PlanView> {
  const p = await getPlan(db, id);
  if (!p) fail({ code: 'not_found', message: `sourcing plan ${id} not found`, field: 'id', actual: id });
  return p;
}

export async function listPlans(db: Db): Promise<Array<Omit<PlanView, 'lines' | 'shortages'>>> {
  const rows = (await sql<Selectable<PlanningPlansTable>>`SELECT * FROM planning_plans ORDER BY created_at DESC, id LIMIT 200`.execute(db)).rows;
  return rows.map((p) => ({
    id: p.id,
    status: p.status as PlanView['status'],
    createdAt: new Date(p.created_at).toISOString(),
    appliedAt: p.applied_at ? new Date(p.applied_at).toISOString() : null,
    request: p.request,
    summary: p.summary,
    warnings: p.warnings,
    documents: p.documents,
  }));
}

export async function discardPlan(db: Db, id: string): Promise<PlanView> {
  const plan = await requirePlan(db, id);
  if (plan.status !== 'draft') fail({ code: 'conflict', message: `plan ${id} is ${plan.status}; only a draft can be discarded`, field: 'id', expected: 'draft', actual: plan.status });
  await sql`UPDATE planning_plans SET status = 'discarded' WHERE id = ${id}`.execute(db);
  return (await getPlan(db, id))!;
}

/**
 * Applying a draft plan is a workflow (src/flows/plan-apply.ts) over two contexts; this module
 * holds the planning context's steps, each in the caller's transaction:
 *  - `startPlanApply`: the plan's documents are decided (ids, lines): transfers grouped by
 *    (giver, receiver) and split as `options.splitTransfer` says; supplier orders, grouped by
 *    (supplier, receiver, mode), become purchase orders (inbound at the receiver); diversions
 *    split the DC shipment (its quantity shrinks and a new shipment to the new receiver records
 *    `diverted_from`; a shipment that changed since planning is a conflict). The plan is
 *    `applying`. The transfer orders themselves (and their holds at the giver) are the inventory
 *    context's, made by the flow from the documents this returns.
 *  - `finishPlanApply`: the plan is `applied`.
 * and their compensations (`revertPlanApply`, `unfinishPlanApply`).
 */
export interface ApplyPlanOptions {
  /**
   * Splits one giver-to-receiver transfer into the pieces that become transfer orders of their
   * own (the incident apply passes vehicle-sized loads per temperature class, from the trips
   * context's fleet); every unit must be in exactly one piece. Default: one transfer order.
   */
  splitTransfer?: (fromNodeId: string, toNodeId: string, lines: Array<{ itemId: string; quantity: number }>) => Array<Array<{ itemId: string; quantity: number }>>;
  /** The plan's lines, when the caller read them already in this transaction (`planLines`): not read again. */
  lines?: StoredPlanLine[];
}


export async function startPlanApply(trx: Db, id: string, now: Date, options: ApplyPlanOptions = {}): Promise<{ planId: string; documents: PlanDocument[] }> {
  const locked = await trx.selectFrom('planning_plans').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) fail({ code: 'not_found', message: `sourcing plan ${id} not found`, field: 'id', actual: id });
  if (locked.status !== 'draft') fail({ code: 'conflict', message: `plan ${id} is ${locked.status}; only a draft can be applied`, field: 'id', expected: 'draft', actual: locked.status });
  const plan = { lines: options.lines ?? (await planLines(trx, id)) };
  // A plan applied again after an undo (an incident apply that failed later) keeps its old,
  // cancelled documents; the new ones get a round suffix (`TR-<plan>r2-001`) so their ids are new.
  let short = id.slice(0, 8);
  const taken = async (tag: string) =>
    (await getTransfer(trx, `TR-${tag}-001`)) !== null ||
    (await trx.selectFrom('planning_purchase_orders').select('id').where('id', '=', `PO-${tag}-001`).executeTakeFirst()) !== undefined ||
    (await trx.selectFrom('planning_diversions').select('id').where('id', '=', `DV-${tag}-001`).executeTakeFirst()) !== undefined;
  for (let round = 2; await taken(short); round++) short = `${id.slice(0, 8)}r${round}`;
  const documents: PlanDocument[] = [];
  const lineDoc = new Map<number, string>();

  // Transfer orders (made by the inventory context from these documents).
  const transfers = new Map<string, StoredPlanLine[]>();
  for (const l of plan.lines) {
    if (l.kind !== 'transfer') continue;
    const key = `${l.fromNodeId}>${l.toNodeId}`;
    transfers.set(key, [...(transfers.get(key) ?? []), l]);
  }
  let n = 0;
  for (const [, lines] of [...transfers].sort(([a], [b]) => a.localeCompare(b))) {
    const from = lines[0].fromNodeId!;
    const to = lines[0].toNodeId;
    const all = mergeLines(lines);
    const pieces = options.splitTransfer ? options.splitTransfer(from, to, all).map(mergeLines).filter((p) => p.length > 0) : [all];
    const inPieces = mergeLines(pieces.flat());
    invariant(JSON.stringify(inPieces) === JSON.stringify(all), `the split of transfer ${from} > ${to} must keep every unit in exactly one piece`);
    for (const merged of pieces) {
      const trId = `TR-${short}-${String(++n).padStart(3, '0')}`;
      documents.push({ kind: 'transfer_order', id: trId, fromId: from, toNodeId: to, lines: merged });
      // A plan line split over several loads names the first of them.
      for (const l of lines) if (!lineDoc.has(l.lineNo) && merged.some((x) => x.itemId === l.itemId)) lineDoc.set(l.lineNo, trId);
    }
  }

  // Purchase orders.
  const orders = new Map<string, StoredPlanLine[]>();
  for (const l of plan.lines) {
    if (l.kind !== 'supplier_order') continue;
    const key = `${l.supplierId}>${l.toNodeId}>${l.expedited ? 'x' : 'n'}`;
    orders.set(key, [...(orders.get(key) ?? []), l]);
  }
  n = 0;
  // Written together below: every order, then every order's lines (one statement each).
  const poRows: Array<{ id: string; s: string; t: string; x: boolean; e: string }> = [];
  const poLineRows: Array<{ o: string; i: string; q: number; pk: number; ps: number }> = [];
  for (const [, lines] of [...orders].sort(([a], [b]) => a.localeCompare(b))) {
    const poId = `PO-${short}-${String(++n).padStart(3, '0')}`;
    const first = lines[0];
    const expectedAt = new Date(now.getTime() + Math.max(...lines.map((l) => l.arrivalH)) * 3_600_000);
    poRows.push({ id: poId, s: first.supplierId!, t: first.toNodeId, x: first.expedited ?? false, e: expectedAt.toISOString() });
    const merged = new Map<string, { quantity: number; packs: number; packSize: number }>();
    for (const l of lines) {
      const m = merged.get(l.itemId) ?? { quantity: 0, packs: 0, packSize: l.quantity / (l.packs ?? 1) };
      m.quantity += l.quantity;
      m.packs += l.packs ?? 1;
      merged.set(l.itemId, m);
      lineDoc.set(l.lineNo, poId);
    }
    for (const [itemId, m] of merged) poLineRows.push({ o: poId, i: itemId, q: m.quantity, pk: m.packs, ps: m.packSize });
    documents.push({ kind: 'purchase_order', id: poId, fromId: first.supplierId!, toNodeId: first.toNodeId, lines: [...merged].map(([itemId, m]) => ({ itemId, quantity: m.quantity })) });
  }
  if (poRows.length > 0) {
    await sql`INSERT INTO planning_purchase_orders (id, plan_id, supplier_id, to_node_id, expedited, status, created_at, expected_at)
      SELECT o.id, ${id}::text, o.s, o.t, o.x, 'open', ${now}::timestamptz, o.e FROM ${jsonRecordset(poRows, 'o', 'id text, s text, t text, x boolean, e timestamptz')}`.execute(trx);
    await sql`INSERT INTO planning_purchase_order_lines (purchase_order_id, item_id, quantity, packs, pack_size)
      SELECT o, i, q, pk, ps FROM ${jsonRecordset(poLineRows, 'l', 'o text, i text, q int, pk int, ps int')}`.execute(trx);
  }

  // Diversions: the shipments locked together (in id order), each line checked against what is
  // left of its shipment after the lines before it, then written in three statements.
  n = 0;
  const diverted = plan.lines.filter((l) => l.kind === 'diversion');
  if (diverted.length > 0) {
    const shipmentIds = [...new Set(diverted.map((l) => l.shipmentId!))].sort();
    const locked = await trx.selectFrom('planning_dc_shipments').selectAll().where('id', 'in', shipmentIds).orderBy('id').forUpdate().execute();
    const left = new Map(locked.map((s) => [s.id, { ...s }]));
    const newShipments: Array<{ id: string; f: string; t: string; i: string; q: number; st: string; df: string }> = [];
    const diversions: Array<{ id: string; sh: string; ns: string; f: string; t: string; i: string; q: number }> = [];
    for (const l of diverted) {
      const s = left.get(l.shipmentId!);
      if (!s || !['planned', 'in_transit'].includes(s.status) || s.quantity < l.quantity) {
        fail({ code: 'conflict', message: `shipment ${l.shipmentId} can no longer give ${l.quantity} (now ${s ? `${s.status}, ${s.quantity}` : 'missing'}); plan again`, field: `lines.${l.lineNo}.shipmentId`, expected: `an open shipment with >= ${l.quantity}`, actual: s ? s.quantity : null });
      }
      const dvId = `DV-${short}-${String(++n).padStart(3, '0')}`;
      const newShipment = `${l.shipmentId}>${dvId}`;
      s.quantity -= l.quantity;
      newShipments.push({ id: newShipment, f: s.from_node_id, t: l.toNodeId, i: l.itemId, q: l.quantity, st: s.status, df: l.shipmentId! });
      diversions.push({ id: dvId, sh: l.shipmentId!, ns: newShipment, f: s.to_node_id, t: l.toNodeId, i: l.itemId, q: l.quantity });
      documents.push({ kind: 'diversion', id: dvId, fromId: l.shipmentId!, toNodeId: l.toNodeId, lines: [{ itemId: l.itemId, quantity: l.quantity }] });
      lineDoc.set(l.lineNo, dvId);
    }
    const taken = locked.map((s) => ({ id: s.id, q: s.quantity - left.get(s.id)!.quantity })).filter((x) => x.q !== 0);
    await sql`UPDATE planning_dc_shipments s SET quantity = s.quantity - u.q FROM ${jsonRecordset(taken, 'u', 'id text, q int')} WHERE s.id = u.id`.execute(trx);
    await sql`INSERT INTO planning_dc_shipments (id, from_node_id, to_node_id, item_id, quantity, status, diverted_from, created_at)
      SELECT id, f, t, i, q, st, df, ${now}::timestamptz FROM ${jsonRecordset(newShipments, 'x', 'id text, f text, t text, i text, q int, st text, df text')}`.execute(trx);
    await sql`INSERT INTO planning_diversions (id, plan_id, shipment_id, new_shipment_id, from_node_id, to_node_id, item_id, quantity, created_at)
      SELECT id, ${id}::text, sh, ns, f, t, i, q, ${now}::timestamptz FROM ${jsonRecordset(diversions, 'x', 'id text, sh text, ns text, f text, t text, i text, q int')}`.execute(trx);
  }

  // Each line's document, one statement for the whole plan.
  if (lineDoc.size > 0) {
    await sql`UPDATE planning_plan_lines p SET document_id = u.d
      FROM ${jsonRecordset([...lineDoc].map(([l, d]) => ({ l, d })), 'u', 'l int, d text')}
      WHERE p.plan_id = ${id} AND p.line_no = u.l`.execute(trx);
  }
  await trx.updateTable('planning_plans').set({ status: 'applying', documents: JSON.stringify(documents) }).where('id', '=', id).execute();
  return { planId: id, documents };
}

/** The last step of an apply: an `applying` plan is `applied` (its documents all made). */
export async function finishPlanApply(trx: Db, id: string, now: Date): Promise<void> {
  const r = await trx.updateTable('planning_plans').set({ status: 'applied', applied_at: now }).where('id', '=', id).where('status', '=', 'applying').returning('id').execute();
  if (r.length === 0) {
    const p = await requirePlan(trx, id);
    fail({ code: 'conflict', message: `plan ${id} is ${p.status}; only a plan being applied can be finished`, field: 'id', expected: 'applying', actual: p.status });
  }
}

/** Undoes `finishPlanApply`: an applied plan is `applying` again (its documents are undone next). */
export async function unfinishPlanApply(trx: Db, id: string): Promise<{ planId: string; documents: PlanDocument[] }> {
  const locked = await trx.selectFrom('planning_plans').select(['status', 'documents']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) fail({ code: 'not_found', message: `sourcing plan ${id} not found`, field: 'id', actual: id });
  if (locked.status !== 'applied') fail({ code: 'conflict', message: `plan ${id} is ${locked.status}; only an applied plan can be undone`, field: 'id', expected: 'applied', actual: locked.status });
  await trx.updateTable('planning_plans').set({ status: 'applying', applied_at: null }).where('id', '=', id).execute();
  return { planId: id, documents: parseDocuments(locked.documents) };
}

const parseDocuments = (v: unknown): PlanDocument[] => (typeof v === 'string' ? JSON.parse(v) : v) as PlanDocument[];

/**
 * Undoes `startPlanApply` in the caller's transaction: the open purchase orders are cancelled,
 * the diversions put back on their shipments, and the plan is a draft again (it can be applied
 * later). Refused, naming the document, once one has moved on (a purchase order or a diverted
 * shipment received): then it is no longer an undo. The transfer orders are the inventory
 * context's, undone by the flow before this.
 */
export async function revertPlanApply(trx: Db, id: string): Promise<{ planId: string; purchaseOrdersCancelled: number; diversionsReverted: number }> {
  const locked = await trx.selectFrom('planning_plans').select(['status', 'documents']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) fail({ code: 'not_found', message: `sourcing plan ${id} not found`, field: 'id', actual: id });
  if (locked.status !== 'applying') fail({ code: 'conflict', message: `plan ${id} is ${locked.status}; only an applied plan can be undone`, field: 'id', expected: 'applied', actual: locked.status });
  let pos = 0;
  let diversions = 0;
  for (const d of parseDocuments(locked.documents)) {
    if (d.kind === 'purchase_order') {
      const po = await trx.selectFrom('planning_purchase_orders').select('status').where('id', '=', d.id).forUpdate().executeTakeFirst();
      if (!po || po.status === 'cancelled') continue;
      if (po.status !== 'open') fail({ code: 'conflict', message: `purchase order ${d.id} is ${po.status}; the sourcing plan can no longer be undone`, field: 'documents', expected: 'open purchase orders', actual: `${d.id}: ${po.status}` });
      await trx.updateTable('planning_purchase_orders').set({ status: 'cancelled' }).where('id', '=', d.id).execute();
      pos++;
    } else if (d.kind === 'diversion') {
      const dv = await trx.selectFrom('planning_diversions').selectAll().where('id', '=', d.id).executeTakeFirst();
      if (!dv) continue;
      const ns = await trx.selectFrom('planning_dc_shipments').select('status').where('id', '=', dv.new_shipment_id).forUpdate().executeTakeFirst();
      if (ns && ns.status === 'cancelled') continue;
      if (ns && ns.status === 'received') fail({ code: 'conflict', message: `diverted shipment ${dv.new_shipment_id} was received; the sourcing plan can no longer be undone`, field: 'documents', expected: 'diverted shipments not received', actual: `${dv.new_shipment_id}: received` });
      await trx.updateTable('planning_dc_shipments').set({ status: 'cancelled', quantity: 0 }).where('id', '=', dv.new_shipment_id).execute();
      await trx.updateTable('planning_dc_shipments').set((eb) => ({ quantity: eb('quantity', '+', dv.quantity) })).where('id', '=', dv.shipment_id).execute();
      diversions++;
    }
  }
  await trx.updateTable('planning_plan_lines').set({ document_id: null }).where('plan_id', '=', id).execute();
  await trx.updateTable('planning_plans').set({ status: 'draft', applied_at: null, documents: '[]' }).where('id', '=', id).execute();
  return { planId: id, purchaseOrdersCancelled: pos, diversionsReverted: diversions };
}

function mergeLines(lines: Array<{ itemId: string; quantity: number }>): Array<{ itemId: string; quantity: number }> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.itemId, (m.get(l.itemId) ?? 0) + l.quantity);
  return [...m].map(([itemId, quantity]) => ({ itemId, quantity })).sort((a, b) => a.itemId.localeCompare(b.itemId));
}

/** Cancels a purchase order if it is still open (an incident's lift); whether it was. */
export async function cancelOpenPurchaseOrder(trx: Db, id: string): Promise<boolean> {
  const r = await trx.updateTable('planning_purchase_orders').set({ status: 'cancelled' }).where('id', '=', id).where('status', '=', 'open').returning('id').execute();
  return r.length > 0;
}
/**
 * Units asked for per receiving node by the sourcing documents issued in [fromMs, toMs): the
 * lines of the sourcing plans applied then (transfer orders, purchase orders, diversions), set-based.
 */
export async function askedUnitsByNode(db: Db, fromMs: number, toMs: number): Promise<Map<string, { units: number; documents: number }>> {
  const rows = (
    await sql<{ to_node_id: string; units: number | string; documents: number | string }>`SELECT l.to_node_id, coalesce(sum(l.quantity), 0) AS units, count(DISTINCT l.document_id) AS documents
      FROM planning_plan_lines l JOIN planning_plans p ON p.id = l.plan_id
      WHERE p.status = 'applied' AND p.applied_at >= ${new Date(fromMs)} AND p.applied_at < ${new Date(toMs)}
      GROUP BY l.to_node_id`.execute(db)
  ).rows;
  return new Map(rows.map((r) => [r.to_node_id, { units: Number(r.units), documents: Number(r.documents) }]));
}

export async function listPurchaseOrders(db: Db, filter: { planId?: string; nodeId?: string } = {}) {
  const rows = (
    await sql<Selectable<PlanningPurchaseOrdersTable> & Pick<Selectable<PlanningPurchaseOrderLinesTable>, 'item_id' | 'quantity' | 'packs' | 'pack_size'>>`SELECT o.*, l.item_id, l.quantity, l.packs, l.pack_size FROM planning_purchase_orders o
      JOIN planning_purchase_order_lines l ON l.purchase_order_id = o.id WHERE true
      ${filter.planId ? sql`AND o.plan_id = ${filter.planId}` : sql``}
      ${filter.nodeId ? sql`AND o.to_node_id = ${filter.nodeId}` : sql``}
      ORDER BY o.id, l.item_id`.execute(db)
  ).rows;
  return rows.map((r) => ({
    id: r.id,
    planId: r.plan_id,
    supplierId: r.supplier_id,
    toNodeId: r.to_node_id,
    expedited: r.expedited,
    status: r.status,
    expectedAt: new Date(r.expected_at).toISOString(),
    itemId: r.item_id,
    quantity: r.quantity,
    packs: r.packs,
    packSize: r.pack_size,
  }));
}

/**
 * The planning side of receiving a purchase order in full (src/flows/plan-apply.ts posts the
 * receipts in the ledger between the two): `takeOpenPurchaseOrder` locks the order and refuses
 * one not open (a second receive is a conflict); `closePurchaseOrder` marks it received. Short
 * deliveries are a TODO: today the ledger's count at the receiver catches them.
 */
export async function takeOpenPurchaseOrder(trx: Db, id: string): Promise<{ id: string; toNodeId: string; expedited: boolean; lines: Array<{ itemId: string; quantity: number }> }> {
  const po = await trx.selectFrom('planning_purchase_orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!po) fail({ code: 'not_found', message: `purchase order ${id} not found`, field: 'id', actual: id });
  if (po.status !== 'open') fail({ code: 'conflict', message: `purchase order ${id} is ${po.status}`, field: 'id', expected: 'open', actual: po.status });
  const lines = await trx.selectFrom('planning_purchase_order_lines').select(['item_id', 'quantity']).where('purchase_order_id', '=', id).orderBy('item_id').execute();
  return { id, toNodeId: po.to_node_id, expedited: po.expedited, lines: lines.map((l) => ({ itemId: l.item_id, quantity: Number(l.quantity) })) };
}

export async function closePurchaseOrder(trx: Db, id: string): Promise<void> {
  await trx.updateTable('planning_purchase_orders').set({ status: 'received' }).where('id', '=', id).execute();
}

/** Locks an open DC shipment for its receipt (planned or in transit), or refuses. */
export async function takeOpenShipment(trx: Db, id: string): Promise<ShipmentRow> {
  const s = await trx.selectFrom('planning_dc_shipments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!s) fail({ code: 'not_found', message: `shipment ${id} not found`, field: 'id', actual: id });
  if (!['planned', 'in_transit'].includes(s.status)) fail({ code: 'conflict', message: `shipment ${id} is ${s.status}`, field: 'id', expected: 'planned or in_transit', actual: s.status });
  return { id: s.id, fromNodeId: s.from_node_id, toNodeId: s.to_node_id, itemId: s.item_id, quantity: s.quantity, status: s.status as ShipmentRow['status'], divertedFrom: s.diverted_from };
}

/** Marks a DC shipment received; its row as it is now. */
export async function closeShipment(trx: Db, id: string): Promise<ShipmentRow> {
  await trx.updateTable('planning_dc_shipments').set({ status: 'received' }).where('id', '=', id).execute();
  return (await listShipments(trx)).find((x) => x.id === id)!;
}

// ---------------------------------------------------------------------------------------------
// Demo
// ---------------------------------------------------------------------------------------------

/** Demo suppliers and DC shipments for the Yizhuang scenario. */
export async function loadPlanningDemo(db: Db, now: Date): Promise<{ suppliers: number; supplierItems: number; shipments: number }> {
  const { nodes, items, demand } = await loadNetwork(db);
  const pItems = items.map((i) => toPlanningItem(i));
  const { suppliers, supplierItems } = yizhuangSuppliers(pItems);
  const r = await upsertSuppliers(db, suppliers, supplierItems);
  const dc = nodes.find((n) => n.kind === 'distribution_centre');
  const destinations = nodes.filter((n) => n.kind === 'store' || n.kind === 'satellite_warehouse').map((n) => n.id).filter((id) => ['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite'].includes(id));
  const shipments = dc ? yizhuangDcShipments({ dcNodeId: dc.id, destinations, items: pItems, demand }) : [];
  await upsertShipments(db, shipments, now);
  return { ...r, shipments: shipments.length };
}

export const planningDemoStep: DemoStep = {
  name: 'planning suppliers and DC shipments',
  run: async (db, ctx) => {
    const r = await loadPlanningDemo(db, ctx.now);
    ctx.log(`demo planning: ${r.suppliers} suppliers, ${r.supplierItems} supplier items, ${r.shipments} DC shipments`);
  },
};
