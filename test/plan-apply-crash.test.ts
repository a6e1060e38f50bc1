import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput, NodeInput } from '../src/domain/network/index.ts';
import type { Database } from '../src/store/db.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { balances, getTransfer, postOperations } from '../src/store/inventory.ts';
import { upsertDemand, upsertItems, upsertNodes } from '../src/store/network.ts';
import * as planning from '../src/store/planning.ts';
import { workflowJournal } from '../src/store/workflow.ts';
import { applySourcingPlan, PLAN_APPLY, undoSourcingPlanApply } from '../src/flows/plan-apply.ts';
import { usingPostgres } from './support/app.ts';
import { crashDrill } from './support/crash-drill.ts';

/**
 * A sourcing plan's apply killed between its steps: a real process applies the plan through the
 * workflow runner and is killed (SIGKILL) right after a step committed. The plan is left
 * `applying` with exactly the committed steps in its journal; it is then undone cleanly, or
 * resumed to the end without doing a step twice. On PostgreSQL when DATABASE_URL is set, else on
 * PGlite's data folder.
 */
const NOW = '2022-06-23T06:00:00.000Z';
const node = (id: string, kind: NodeInput['kind'], lat: number, lng: number, status: NodeInput['status'] = 'open'): NodeInput => ({
  id, kind, nameZh: id, nameEn: id, lat, lng, status, storageUnit: 'm2', storageAmbient: 100, storageChilled: 50, storageFrozen: 10,
});
const item = (id: string, category: string, temperatureClass: ItemInput['temperatureClass']): ItemInput => ({
  id, nameZh: id, nameEn: id, category, unit: 'bag', temperatureClass, shelfLifeDays: 30, packSize: 10, volumeCm3: 6500, essentialTier: 'essential',
});

describe(`a sourcing plan's apply killed between steps, on ${usingPostgres() ? 'the PostgreSQL server' : "PGlite's data folder"}`, () => {
  const drill = crashDrill('baogong-plan-crash-');
  const withDb = drill.withDb;
  let planId: string;
  const now = () => new Date(NOW);

  beforeAll(async () => {
    planId = await drill.setUp(undefined, async (database) => {
      const db = database.db;
      // The reopening store needs rice (a transfer from the other store) and flour (a supplier order).
      await upsertNodes(db, [node('dazu', 'store', 39.79, 116.5069, 'online_only'), node('yicheng', 'store', 39.761, 116.503)], now());
      await upsertItems(db, [item('rice', 'rice', 'ambient'), item('flour', 'flour', 'ambient')], now());
      await upsertDemand(db, [{ nodeId: 'dazu', itemId: 'rice', dailyQuantity: 10 }, { nodeId: 'dazu', itemId: 'flour', dailyQuantity: 3 }, { nodeId: 'yicheng', itemId: 'rice', dailyQuantity: 2 }]);
      await postOperations(db, [{ kind: 'receipt', key: 'open-1', nodeId: 'yicheng', itemId: 'rice', quantity: 150, reason: 'opening_balance' }], { now: now() });
      await planning.upsertSuppliers(db, [{ id: 'grain', name: 'Grain', dailyCapacityUnits: 1000 }], [{ supplierId: 'grain', itemId: 'flour', packSize: 10, moqUnits: 20, leadTimeH: 12, expeditedLeadTimeH: null, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 40 }]);
      const plan = await planning.createPlan(db, defaultSolver, { receivers: ['dazu'] }, now());
      expect(plan.lines.map((l) => l.kind).sort()).toEqual(['supplier_order', 'transfer']);
      return plan.id;
    });
  }, 300_000);

  afterAll(() => drill.tearDown());

  /** Runs the apply in a child process that kills itself after `step`. */
  const crashAfter = (step: string) => drill.crashAfter('test/support/plan-apply-crash-child.ts', [planId, step, NOW]);

  const journal = (d: Database) => workflowJournal(PLAN_APPLY, planId, now).load(d.db);
  const reservedRice = async (d: Database) => (await balances(d.db, { nodeId: 'yicheng', itemId: 'rice' })).rows[0].reserved;

  it('leaves the plan applying with exactly the steps that committed, and undoes them cleanly', async () => {
    const r = await crashAfter('transfer_orders');
    expect(r.out).toContain('crashing after transfer_orders');
    expect(r.killed, r.out).toBe(true);
    await withDb(async (d) => {
      const stopped = await planning.requirePlan(d.db, planId);
      expect(stopped.status).toBe('applying');
      expect((await journal(d)).map((e) => [e.step, e.status])).toEqual([['plan_documents', 'applied'], ['transfer_orders', 'applied']]);
      const tr = stopped.documents.find((x) => x.kind === 'transfer_order')!;
      expect((await getTransfer(d.db, tr.id))?.status).toBe('draft');
      expect(await reservedRice(d)).toBeGreaterThan(0);

      const undone = await undoSourcingPlanApply(d.db, planId, now);
      expect(undone.ok).toBe(true);
      expect(undone.steps.map((s) => [s.name, s.status])).toEqual([['plan_documents', 'compensated'], ['transfer_orders', 'compensated']]);
      const plan = await planning.requirePlan(d.db, planId);
      expect([plan.status, plan.documents]).toEqual(['draft', []]);
      expect((await getTransfer(d.db, tr.id))?.status).toBe('cancelled');
      expect(await reservedRice(d)).toBe(0);
      expect((await planning.listPurchaseOrders(d.db, { planId })).map((p) => p.status)).toEqual(['cancelled']);
    });
  }, 300_000);

  it('resumes an apply killed after its first step: the documents are not made twice, the rest run', async () => {
    const r = await crashAfter('plan_documents');
    expect(r.killed, r.out).toBe(true);
    await withDb(async (d) => {
      const stopped = await planning.requirePlan(d.db, planId);
      expect(stopped.status).toBe('applying');
      expect((await journal(d)).map((e) => [e.step, e.status])).toEqual([['plan_documents', 'applied']]);
      // Nothing held yet: the transfer orders are the next step.
      expect(await reservedRice(d)).toBe(0);

      const plan = await applySourcingPlan(d.db, planId, now);
      expect(plan.status).toBe('applied');
      // The same documents as the run that was killed, each made once.
      expect(plan.documents).toEqual(stopped.documents);
      const open = (await planning.listPurchaseOrders(d.db, { planId })).filter((p) => p.status === 'open');
      expect(open.map((p) => p.id)).toEqual(plan.documents.filter((x) => x.kind === 'purchase_order').map((x) => x.id));
      const tr = plan.documents.find((x) => x.kind === 'transfer_order')!;
      expect((await getTransfer(d.db, tr.id))?.status).toBe('draft');
      expect(await reservedRice(d)).toBe(tr.lines.reduce((a, l) => a + l.quantity, 0));
      expect((await journal(d)).map((e) => [e.step, e.status])).toEqual([['plan_documents', 'applied'], ['transfer_orders', 'applied'], ['plan_applied', 'applied']]);
      // A finished apply is not resumed: applying again is refused as before.
      await expect(applySourcingPlan(d.db, planId, now)).rejects.toMatchObject({ error: { code: 'conflict' } });
    });
  }, 300_000);
});
