/**
 * A sourcing plan's documents as its apply writes them (set-based: all purchase orders, diversions,
 * transfer orders, holds and line documents in a few statements), checked row by row on a plan
 * stored by hand: several lines per purchase order (one item merged), two diversions taking from
 * one DC shipment, a transfer split into two loads; a diversion the shipment can no longer give
 * refuses the whole apply; the undo puts every row back.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput, NodeInput } from '../src/domain/network/index.ts';
import { balances, checkProjection, getTransfers, postOperations } from '../src/store/inventory.ts';
import { upsertItems, upsertNodes } from '../src/store/network.ts';
import * as planning from '../src/store/planning.ts';
import { applySourcingPlan, undoSourcingPlanApply } from '../src/flows/plan-apply.ts';
import { createTestApp, type TestApp } from './support/app.ts';

const node = (id: string, kind: NodeInput['kind']): NodeInput => ({
  id, kind, nameZh: id, nameEn: id, lat: 39.78, lng: 116.5, status: 'open', storageUnit: 'm2', storageAmbient: 100, storageChilled: 50, storageFrozen: 10,
});
const item = (id: string, temperatureClass: ItemInput['temperatureClass']): ItemInput => ({
  id, nameZh: id, nameEn: id, category: id, unit: 'bag', temperatureClass, shelfLifeDays: 30, packSize: 10, volumeCm3: 6500, essentialTier: 'essential',
});

let t: TestApp;
const now = new Date('2022-06-23T06:00:00Z');

type Line = { kind: 'transfer' | 'diversion' | 'supplier_order'; item: string; to: string; q: number; from?: string; shipment?: string; supplier?: string; packs?: number; arrivalH?: number };

/** Stores a draft plan with these lines (line numbers from 1, in order). */
async function storedPlan(id: string, lines: Line[]): Promise<string> {
  await sql`INSERT INTO planning_plans (id, status, created_at, request, summary) VALUES (${id}, 'draft', ${now}, '{}'::jsonb, '{}'::jsonb)`.execute(t.db);
  for (const [k, l] of lines.entries()) {
    await sql`INSERT INTO planning_plan_lines (plan_id, line_no, kind, item_id, to_node_id, quantity, from_node_id, shipment_id, supplier_id, packs, arrival_h, unit_cost_fen, cost_fen, reason)
      VALUES (${id}, ${k + 1}, ${l.kind}, ${l.item}, ${l.to}, ${l.q}, ${l.from ?? null}, ${l.shipment ?? null}, ${l.supplier ?? null}, ${l.packs ?? null}, ${l.arrivalH ?? 4}, 0, 0, 'test')`.execute(t.db);
  }
  return id;
}

const rows = async <R,>(q: ReturnType<typeof sql<R>>) => (await q.execute(t.db)).rows;
const shipmentQty = async (id: string) => (await rows(sql<{ quantity: number }>`SELECT quantity FROM planning_dc_shipments WHERE id = ${id}`))[0]?.quantity;

beforeAll(async () => {
  t = await createTestApp();
  await upsertNodes(t.db, [node('dazu', 'store'), node('yicheng', 'store'), node('dc', 'distribution_centre')], now);
  await upsertItems(t.db, [item('rice', 'ambient'), item('flour', 'ambient'), item('milk', 'chilled')], now);
  await postOperations(t.db, [
    { kind: 'receipt', key: 'open-rice', nodeId: 'yicheng', itemId: 'rice', quantity: 100, reason: 'opening_balance' },
    { kind: 'receipt', key: 'open-flour', nodeId: 'yicheng', itemId: 'flour', quantity: 100, reason: 'opening_balance' },
  ], { now });
  await planning.upsertSuppliers(t.db, [{ id: 'grain', name: 'Grain', dailyCapacityUnits: 1000 }], [
    { supplierId: 'grain', itemId: 'flour', packSize: 10, moqUnits: 0, leadTimeH: 12, expeditedLeadTimeH: 6, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 40 },
    { supplierId: 'grain', itemId: 'rice', packSize: 10, moqUnits: 0, leadTimeH: 12, expeditedLeadTimeH: 6, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 40 },
  ]);
  await planning.upsertShipments(t.db, [
    { id: 'S1', fromNodeId: 'dc', toNodeId: 'yicheng', itemId: 'milk', quantity: 10, status: 'in_transit' },
    { id: 'S2', fromNodeId: 'dc', toNodeId: 'yicheng', itemId: 'milk', quantity: 6, status: 'planned' },
  ], now);
});
afterAll(async () => t?.close());

describe("a sourcing plan's apply, document by document", () => {
  const planId = 'a0000000-0000-4000-8000-000000000001';

  it('writes every document and names it on each line', async () => {
    await storedPlan(planId, [
      { kind: 'transfer', item: 'rice', to: 'dazu', q: 30, from: 'yicheng' },
      { kind: 'supplier_order', item: 'flour', to: 'dazu', q: 20, supplier: 'grain', packs: 2, arrivalH: 12 },
      { kind: 'diversion', item: 'milk', to: 'dazu', q: 4, shipment: 'S1' },
      { kind: 'transfer', item: 'flour', to: 'dazu', q: 5, from: 'yicheng' },
      { kind: 'supplier_order', item: 'flour', to: 'dazu', q: 10, supplier: 'grain', packs: 1, arrivalH: 14 },
      { kind: 'supplier_order', item: 'rice', to: 'dazu', q: 10, supplier: 'grain', packs: 1, arrivalH: 12 },
      { kind: 'diversion', item: 'milk', to: 'yicheng', q: 5, shipment: 'S1' },
    ]);
    // Each item a load of its own: two transfer orders for the one giver-to-receiver transfer.
    const p = await applySourcingPlan(t.db, planId, () => now, { splitTransfer: (_f, _t, lines) => lines.map((l) => [l]) });
    const short = planId.slice(0, 8);
    expect(p.status).toBe('applied');
    expect(p.documents.map((d) => [d.kind, d.id, d.fromId, d.toNodeId, d.lines])).toEqual([
      ['transfer_order', `TR-${short}-001`, 'yicheng', 'dazu', [{ itemId: 'flour', quantity: 5 }]],
      ['transfer_order', `TR-${short}-002`, 'yicheng', 'dazu', [{ itemId: 'rice', quantity: 30 }]],
      ['purchase_order', `PO-${short}-001`, 'grain', 'dazu', [{ itemId: 'flour', quantity: 30 }, { itemId: 'rice', quantity: 10 }]],
      ['diversion', `DV-${short}-001`, 'S1', 'dazu', [{ itemId: 'milk', quantity: 4 }]],
      ['diversion', `DV-${short}-002`, 'S1', 'yicheng', [{ itemId: 'milk', quantity: 5 }]],
    ]);
    expect(p.lines.map((l) => [l.lineNo, l.documentId])).toEqual([
      [1, `TR-${short}-002`], [2, `PO-${short}-001`], [3, `DV-${short}-001`], [4, `TR-${short}-001`], [5, `PO-${short}-001`], [6, `PO-${short}-001`], [7, `DV-${short}-002`],
    ]);
    // The purchase order: the latest arrival, the flour lines merged (quantity and packs).
    const po = await rows(sql<{ expected_at: Date; status: string; supplier_id: string; to_node_id: string; expedited: boolean }>`SELECT expected_at, status, supplier_id, to_node_id, expedited FROM planning_purchase_orders WHERE plan_id = ${planId}`);
    expect(po.map((r) => [new Date(r.expected_at).toISOString(), r.status, r.supplier_id, r.to_node_id, r.expedited])).toEqual([['2022-06-23T20:00:00.000Z', 'open', 'grain', 'dazu', false]]);
    const poLines = await rows(sql<{ item_id: string; quantity: number; packs: number; pack_size: number }>`SELECT item_id, quantity, packs, pack_size FROM planning_purchase_order_lines WHERE purchase_order_id = ${`PO-${short}-001`} ORDER BY item_id`);
    expect(poLines.map((r) => [r.item_id, r.quantity, r.packs, r.pack_size])).toEqual([['flour', 30, 3, 10], ['rice', 10, 1, 10]]);
    // Both diversions took from S1 (10 - 4 - 5), each a new shipment of its own.
    expect(await shipmentQty('S1')).toBe(1);
    const dv = await rows(sql<{ id: string; new_shipment_id: string; from_node_id: string; to_node_id: string; quantity: number }>`SELECT id, new_shipment_id, from_node_id, to_node_id, quantity FROM planning_diversions WHERE plan_id = ${planId} ORDER BY id`);
    expect(dv.map((r) => [r.id, r.new_shipment_id, r.from_node_id, r.to_node_id, r.quantity])).toEqual([
      [`DV-${short}-001`, `S1>DV-${short}-001`, 'yicheng', 'dazu', 4],
      [`DV-${short}-002`, `S1>DV-${short}-002`, 'yicheng', 'yicheng', 5],
    ]);
    const split = await rows(sql<{ id: string; to_node_id: string; quantity: number; status: string; diverted_from: string }>`SELECT id, to_node_id, quantity, status, diverted_from FROM planning_dc_shipments WHERE diverted_from = 'S1' ORDER BY id`);
    expect(split.map((r) => [r.id, r.to_node_id, r.quantity, r.status, r.diverted_from])).toEqual([[`S1>DV-${short}-001`, 'dazu', 4, 'in_transit', 'S1'], [`S1>DV-${short}-002`, 'yicheng', 5, 'in_transit', 'S1']]);
    // The transfer orders, drafts with their notes and lines, their stock held at the giver.
    const tr = await getTransfers(t.db, [`TR-${short}-001`, `TR-${short}-002`, 'TR-none']);
    expect([...tr.values()].map((x) => [x.id, x.status, x.note, x.lines.map((l) => [l.itemId, l.quantity])]).sort()).toEqual([
      [`TR-${short}-001`, 'draft', `sourcing plan ${planId} (load 1 of 2)`, [['flour', 5]]],
      [`TR-${short}-002`, 'draft', `sourcing plan ${planId} (load 2 of 2)`, [['rice', 30]]],
    ]);
    const held = await balances(t.db, { nodeId: 'yicheng' });
    expect(held.rows.map((r) => [r.itemId, r.onHand, r.reserved]).sort()).toEqual([['flour', 100, 5], ['rice', 100, 30]]);
    const res = await rows(sql<{ id: string; quantity: number }>`SELECT id, quantity FROM stock_reservations WHERE id LIKE ${`transfer:TR-${short}-%`} ORDER BY id`);
    expect(res.map((r) => [r.id, r.quantity])).toEqual([[`transfer:TR-${short}-001:flour`, 5], [`transfer:TR-${short}-002:rice`, 30]]);
    expect(await checkProjection(t.db)).toEqual([]);
  });

  it('undoes every document: orders cancelled, holds released, shipments whole again, lines without documents', async () => {
    const r = await undoSourcingPlanApply(t.db, planId, () => now);
    expect(r.ok).toBe(true);
    const p = await planning.requirePlan(t.db, planId);
    expect(p.status).toBe('draft');
    expect(p.lines.every((l) => l.documentId === null)).toBe(true);
    expect(await shipmentQty('S1')).toBe(10);
    expect((await rows(sql<{ status: string }>`SELECT status FROM planning_purchase_orders WHERE plan_id = ${planId}`)).map((x) => x.status)).toEqual(['cancelled']);
    const tr = await getTransfers(t.db, [`TR-${planId.slice(0, 8)}-001`, `TR-${planId.slice(0, 8)}-002`]);
    expect([...tr.values()].map((x) => x.status)).toEqual(['cancelled', 'cancelled']);
    expect((await balances(t.db, { nodeId: 'yicheng' })).rows.map((x) => x.reserved)).toEqual([0, 0]);
    expect(await checkProjection(t.db)).toEqual([]);
  });

  it('refuses the whole apply when a shipment cannot give what its diversions take together', async () => {
    const id = await storedPlan('b0000000-0000-4000-8000-000000000002', [
      { kind: 'supplier_order', item: 'flour', to: 'dazu', q: 10, supplier: 'grain', packs: 1 },
      { kind: 'diversion', item: 'milk', to: 'dazu', q: 4, shipment: 'S2' },
      { kind: 'diversion', item: 'milk', to: 'yicheng', q: 4, shipment: 'S2' },
    ]);
    await expect(applySourcingPlan(t.db, id, () => now)).rejects.toMatchObject({ error: { code: 'conflict', field: 'lines.3.shipmentId', actual: 2 } });
    // Nothing of the failed step stays: the shipment whole, no purchase order, no diversion.
    expect(await shipmentQty('S2')).toBe(6);
    expect(await rows(sql`SELECT 1 FROM planning_purchase_orders WHERE plan_id = ${id}`)).toEqual([]);
    expect(await rows(sql`SELECT 1 FROM planning_diversions WHERE plan_id = ${id}`)).toEqual([]);
    expect((await planning.requirePlan(t.db, id)).status).toBe('draft');
  });
});
