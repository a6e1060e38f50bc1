/**
 * A sourcing plan's documents across two contexts, as flows: applying a draft plan (purchase
 * orders and diversions in the planning context, transfer orders with their stock held at the
 * giver in the inventory ledger) through the workflow runner, undoing it, undoing what an applied
 * plan still holds (an incident's lift), dispatching a plan's transfer order, and receiving a
 * purchase order or a DC shipment. Each context's tables are written only by its own store
 * module; this file composes them.
 *
 * The apply is three steps, each in its own transaction with its journal record
 * (`workflow_steps`, workflow `plan_apply`, run = the plan's id):
 *   1. plan_documents  (planning)  the documents decided, purchase orders and diversions written, the plan `applying`
 *   2. transfer_orders (inventory) a draft transfer order per transfer document, its lines held at the giver
 *   3. plan_applied    (planning)  the plan `applied`
 * A failure compensates the steps done in reverse; a run killed midway is resumed by applying
 * again, or rolled back by `undoSourcingPlanApply`. An incident's apply, itself a workflow step,
 * runs the same steps in its step's transaction (`applySourcingPlanIn`, `unapplySourcingPlanIn`).
 */
import { DomainException, fail } from '../domain/shared/index.ts';
import * as inventory from '../store/inventory.ts';
import * as planning from '../store/planning.ts';
import { workflowJournal } from '../store/workflow.ts';
import { runOrResume, throwIfFailed, undoWorkflow, type RunOptions, type Step, type StepOutcome } from './workflow.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

export const PLAN_APPLY = 'plan_apply';

interface TransferOrdersResult {
  transferIds: string[];
}

/** A ledger outcome list: a hold that no longer exists (released by hand) is fine; anything else is not. */
function throwUnlessOkOrGone(outcomes: inventory.PostOutcome[]): number {
  const bad = outcomes.find((o) => !o.ok && o.error.code !== 'not_found');
  if (bad && !bad.ok) throw new DomainException(bad.error);
  return outcomes.filter((o) => o.ok).length;
}

/** Releases draft transfers' holds at the giver (one ledger batch, in the documents' order) and cancels them; the holds released. */
async function cancelHeldTransfers(trx: Db, docs: planning.PlanDocument[], key: (doc: planning.PlanDocument, itemId: string) => string, now: Date, note?: string): Promise<number> {
  if (docs.length === 0) return 0;
  const released = throwUnlessOkOrGone(
    await inventory.postOperations(
      trx,
      docs.flatMap((doc) => doc.lines.map((l) => ({ kind: 'release' as const, key: key(doc, l.itemId), reservationId: `transfer:${doc.id}:${l.itemId}`, reason: 'manual' as const, ...(note ? { note } : {}) }))),
      { now, atomic: false },
    ),
  );
  await inventory.cancelDraftTransfers(trx, docs.map((d) => d.id));
  return released;
}

/**
 * Step 2: the plan's transfer documents become draft transfer orders, their stock held at the
 * giver until dispatch: every order in one write, then every hold in one ledger batch (all or
 * nothing, posted in the documents' order).
 */
async function makeTransferOrders(trx: Db, planId: string, now: Date): Promise<TransferOrdersResult> {
  const docs = (await planning.planDocuments(trx, planId)).filter((d) => d.kind === 'transfer_order');
  const pieces = new Map<string, number>();
  for (const d of docs) pieces.set(`${d.fromId}>${d.toNodeId}`, (pieces.get(`${d.fromId}>${d.toNodeId}`) ?? 0) + 1);
  const seen = new Map<string, number>();
  const drafts = docs.map((d) => {
    const pair = `${d.fromId}>${d.toNodeId}`;
    const of = pieces.get(pair)!;
    const nth = (seen.get(pair) ?? 0) + 1;
    seen.set(pair, nth);
    return { id: d.id, fromNodeId: d.fromId, toNodeId: d.toNodeId, lines: d.lines, note: `sourcing plan ${planId}${of > 1 ? ` (load ${nth} of ${of})` : ''}` };
  });
  await inventory.createDraftTransfers(trx, drafts, now);
  await inventory.postOperations(
    trx,
    docs.flatMap((d) => d.lines.map((l) => ({ kind: 'reserve' as const, key: `plan:${planId}:hold:${d.id}:${l.itemId}`, nodeId: d.fromId, itemId: l.itemId, quantity: l.quantity, reservationId: `transfer:${d.id}:${l.itemId}`, reason: 'manual_hold' as const, note: `held for transfer ${d.id}` }))),
    { now, atomic: true },
  );
  return { transferIds: docs.map((d) => d.id) };
}

/** Undoes step 2: each draft transfer order cancelled and its holds released; refused once one has been dispatched. */
async function cancelTransferOrders(trx: Db, planId: string, now: Date): Promise<number> {
  const docs = (await planning.planDocuments(trx, planId)).filter((d) => d.kind === 'transfer_order');
  const transfers = await inventory.getTransfers(trx, docs.map((d) => d.id));
  const drafts: planning.PlanDocument[] = [];
  for (const d of docs) {
    const t = transfers.get(d.id);
    if (!t || t.status === 'cancelled') continue;
    if (t.status !== 'draft') fail({ code: 'conflict', message: `transfer ${d.id} is ${t.status}; the sourcing plan can no longer be undone`, field: 'documents', expected: 'draft transfers', actual: `${d.id}: ${t.status}` });
    drafts.push(d);
  }
  await cancelHeldTransfers(trx, drafts, (d, itemId) => `plan:${planId}:unhold:${d.id}:${itemId}:${now.getTime()}`, now, `sourcing plan ${planId} undone`);
  return drafts.length;
}

/** The steps of a plan's apply (the same on a run, a resume and an undo). */
export function planApplySteps(planId: string, now: () => Date, options: planning.ApplyPlanOptions = {}): Step[] {
  return [
    {
      name: 'plan_documents',
      run: async (trx) => {
        const r = await planning.startPlanApply(trx, planId, now(), options);
        return { documents: r.documents.length };
      },
      compensate: async (trx) => {
        await planning.revertPlanApply(trx, planId);
      },
    },
    {
      name: 'transfer_orders',
      run: (trx) => makeTransferOrders(trx, planId, now()),
      compensate: async (trx) => {
        await cancelTransferOrders(trx, planId, now());
      },
    },
    {
      name: 'plan_applied',
      run: async (trx) => {
        await planning.finishPlanApply(trx, planId, now());
        return { applied: true };
      },
      compensate: async (trx) => {
        await planning.unfinishPlanApply(trx, planId);
      },
    },
  ];
}

/**
 * Applies a draft plan through the workflow runner (POST /api/planning/plans/:id/apply): all or
 * nothing, each step committed with its record; a run stopped midway is resumed. Answers the plan
 * applied, or throws the error its failing step threw (after compensating the steps done).
 */
export async function applySourcingPlan(db: Db, planId: string, now: () => Date, options: planning.ApplyPlanOptions & RunOptions = {}): Promise<planning.PlanView> {
  throwIfFailed(await runOrResume(db, planApplySteps(planId, now, options), workflowJournal(PLAN_APPLY, planId, now), { afterStep: options.afterStep }));
  return planning.requirePlan(db, planId);
}

/** Rolls back an apply stopped midway (or done): every step its journal records as applied is compensated, in reverse. */
export async function undoSourcingPlanApply(db: Db, planId: string, now: () => Date): Promise<StepOutcome> {
  return undoWorkflow(db, planApplySteps(planId, now), workflowJournal(PLAN_APPLY, planId, now));
}

/** The apply's steps one after the other in the caller's transaction (an incident apply's step): all or nothing with it. */
export async function applySourcingPlanIn(trx: Db, planId: string, now: Date, options: planning.ApplyPlanOptions = {}): Promise<{ id: string; documents: planning.PlanDocument[] }> {
  for (const step of planApplySteps(planId, () => now, options)) await step.run(trx);
  return { id: planId, documents: await planning.planDocuments(trx, planId) };
}

/**
 * Undoes an applied plan in the caller's transaction (an incident apply's compensation): the
 * steps' compensations in reverse. The plan is a draft again; refused, naming the document, once
 * one has moved on (a transfer dispatched, a purchase order or a diverted shipment received).
 */
export async function unapplySourcingPlanIn(trx: Db, planId: string, now: Date): Promise<{ planId: string; transfersCancelled: number; purchaseOrdersCancelled: number; diversionsReverted: number }> {
  await planning.unfinishPlanApply(trx, planId);
  const transfersCancelled = await cancelTransferOrders(trx, planId, now);
  const r = await planning.revertPlanApply(trx, planId);
  return { planId, transfersCancelled, purchaseOrdersCancelled: r.purchaseOrdersCancelled, diversionsReverted: r.diversionsReverted };
}

export interface UndoDocumentsReport {
  planId: string;
  transfersCancelled: string[];
  holdsReleased: number;
  purchaseOrdersCancelled: string[];
  /** Documents already under way: someone decides (receive, return, keep). */
  forDecision: Array<{ kind: 'transfer_order' | 'diversion'; id: string; status: string; note: string }>;
}

/**
 * Undoes what an applied plan's documents still hold (an incident's lift), in the caller's
 * transaction: draft transfer orders are cancelled and their holds at the giver released, open
 * purchase orders are cancelled; transfers in transit and the diversions are listed for a decision.
 */
export async function undoPlanDocuments(trx: Db, planId: string, now: Date): Promise<UndoDocumentsReport> {
  const documents = await planning.planDocuments(trx, planId);
  const out: UndoDocumentsReport = { planId, transfersCancelled: [], holdsReleased: 0, purchaseOrdersCancelled: [], forDecision: [] };
  const transfers = await inventory.getTransfers(trx, documents.filter((d) => d.kind === 'transfer_order').map((d) => d.id));
  const drafts: planning.PlanDocument[] = [];
  for (const d of documents) {
    if (d.kind === 'transfer_order') {
      const t = transfers.get(d.id);
      if (!t) continue;
      if (t.status === 'draft') {
        drafts.push(d);
        out.transfersCancelled.push(d.id);
      } else if (t.status === 'in_transit') out.forDecision.push({ kind: 'transfer_order', id: d.id, status: t.status, note: 'on the road: receive it, then move the stock back if it is not needed' });
    } else if (d.kind === 'purchase_order') {
      if (await planning.cancelOpenPurchaseOrder(trx, d.id)) out.purchaseOrdersCancelled.push(d.id);
    } else if (d.kind === 'diversion') {
      out.forDecision.push({ kind: 'diversion', id: d.id, status: 'applied', note: 'the DC shipment goes to the new node; send it back or keep it' });
    }
  }
  // The draft transfer orders together: their holds released in one ledger batch, then cancelled.
  out.holdsReleased = await cancelHeldTransfers(trx, drafts, (d, itemId) => `plan:${planId}:undo:${d.id}:${itemId}`, now);
  return out;
}

/**
 * Dispatches a transfer order a plan created, in the caller's transaction: releases its holds at
 * the giver (once: the release keys derive from `key`), then ships it.
 */
export async function dispatchPlanTransfer(trx: Db, transferId: string, key: string, now: Date): Promise<inventory.TransferView> {
  const t = await inventory.getTransfer(trx, transferId);
  if (!t || t.lines.length === 0) fail({ code: 'not_found', message: `transfer ${transferId} not found`, field: 'id', actual: transferId });
  // A dispatch retried with the same key finds its releases posted: the ledger replays them.
  if (t.status === 'draft') {
    throwUnlessOkOrGone(
      await inventory.postOperations(
        trx,
        t.lines.map((l) => ({ kind: 'release', key: `${key}:release:${l.itemId}`, reservationId: `transfer:${transferId}:${l.itemId}`, reason: 'manual' })),
        { now, atomic: false },
      ),
    );
  }
  return inventory.dispatchTransfer(trx, { id: transferId, key }, now);
}

/**
 * Receives a purchase order in full, in the caller's transaction: one receipt per line at the
 * receiver (reason `expedited_supplier_order` or `supplier_delivery`), and the order closed. A
 * second call is a conflict.
 */
export async function receivePurchaseOrder(trx: Db, id: string, now: Date): Promise<{ id: string; status: string; received: number }> {
  const po = await planning.takeOpenPurchaseOrder(trx, id);
  await inventory.postOperations(
    trx,
    po.lines.map((l) => ({ kind: 'receipt', key: `po:${id}:${l.itemId}`, nodeId: po.toNodeId, itemId: l.itemId, quantity: l.quantity, reason: po.expedited ? 'expedited_supplier_order' : 'supplier_delivery', note: `purchase order ${id}` })),
    { now, atomic: true },
  );
  await planning.closePurchaseOrder(trx, id);
  return { id, status: 'received', received: po.lines.reduce((a, l) => a + l.quantity, 0) };
}

/** Receives a DC shipment at its (possibly new) destination: a receipt (`dc_diversion` if it was diverted, else `dc_replenishment`). */
export async function receiveShipment(trx: Db, id: string, now: Date): Promise<planning.ShipmentRow> {
  const s = await planning.takeOpenShipment(trx, id);
  if (s.quantity > 0) {
    await inventory.postOperations(trx, [{ kind: 'receipt', key: `dc-shipment:${id}`, nodeId: s.toNodeId, itemId: s.itemId, quantity: s.quantity, reason: s.divertedFrom ? 'dc_diversion' : 'dc_replenishment', note: `DC shipment ${id}` }], { now, atomic: true });
  }
  return planning.closeShipment(trx, id);
}
