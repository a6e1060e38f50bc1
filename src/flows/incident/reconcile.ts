/**
 * The nightly reconciliation of demand, stock and documents, per operating day of the network's
 * calendar (Asia/Shanghai by default): set-based sums over every movement of the day (no row
 * cap), "asked" from the sourcing documents issued that day, opening balances kept apart from
 * receipts. Every run is recorded, a failure with its error; `runDueReconciliations` is what
 * `serve` calls each minute so the run happens by itself at the configured hour.
 */
import { addTableSheet, newWorkbook } from '../workbooks.ts';
import { reconcile, RECONCILIATION_COLUMNS, type DayFigures, type ReconciliationLine } from '../../domain/incidents/index.ts';
import { addDays, dayBounds, DEFAULT_CALENDAR, isDay, localTimeMs, operatingDay, type OperatingCalendar, fail } from '../../domain/shared/index.ts';
import * as network from '../../store/network.ts';
import * as planning from '../../store/planning.ts';
import * as inventory from '../../store/inventory.ts';
import * as store from '../../store/incidents.ts';
import { DELIVERY, type FlowDeps } from './common.ts';

export interface ReconcileOptions {
  calendar?: OperatingCalendar;
  trigger?: 'nightly' | 'on_demand';
}

/** The reconciliation for one operating day: per node, from the ledger's movements and the sourcing documents. */
export async function reconcileDay(deps: FlowDeps, incidentId: string, day: string, o: ReconcileOptions = {}): Promise<ReconciliationLine[]> {
  const { db } = deps;
  if (!isDay(day)) fail({ code: 'validation_failed', message: `day is not a calendar day: ${day}`, field: 'day', expected: 'YYYY-MM-DD', actual: day });
  await store.requireIncident(db, incidentId);
  const cal = o.calendar ?? DEFAULT_CALENDAR;
  const startedAt = deps.now().toISOString();
  try {
    const { startMs, endMs } = dayBounds(day, cal);
    const nodes = (await network.listNodes(db)).filter((n) => DELIVERY.has(n.kind) || n.kind === 'distribution_centre');
    const totals = new Map((await inventory.movementTotalsByNode(db, startMs, endMs)).map((t) => [t.nodeId, t]));
    const asked = await planning.askedUnitsByNode(db, startMs, endMs);
    const rows: DayFigures[] = nodes.map((n) => {
      const t = totals.get(n.id);
      return {
        nodeId: n.id, day, asked: asked.get(n.id)?.units ?? 0, sent: t?.sentToward ?? 0, received: t?.received ?? 0, sold: t?.sold ?? 0, writtenOff: t?.writtenOff ?? 0,
        countedDelta: t?.countedDelta ?? 0, transferVariance: t?.transferVariance ?? 0, shippedOut: t?.shippedOut ?? 0, openingBalance: t?.openingBalance ?? 0, adjusted: t?.adjusted ?? 0,
        movements: t?.movements ?? 0, openingOnHand: t?.openingOnHand ?? 0, closingOnHand: t?.closingOnHand ?? 0,
      };
    });
    const lines = reconcile(rows);
    await db.transaction().execute((trx) => store.saveReconciliation(trx, incidentId, day, lines as any, deps.now()));
    await store.recordReconciliationRun(db, {
      incidentId, day, trigger: o.trigger ?? 'on_demand', status: 'ok', error: null, movements: lines.reduce((a, l) => a + (l.movements ?? 0), 0), lines: lines.length,
      differences: lines.reduce((a, l) => a + l.differences.length, 0), startedAt, finishedAt: deps.now().toISOString(),
    });
    return lines;
  } catch (e) {
    // Reported, never swallowed: the run is recorded as failed and the error goes to the caller.
    await store.recordReconciliationRun(db, { incidentId, day, trigger: o.trigger ?? 'on_demand', status: 'failed', error: (e as Error).message, movements: 0, lines: 0, differences: 0, startedAt, finishedAt: deps.now().toISOString() }).catch(() => {});
    throw e;
  }
}

export interface NightlyOutcome {
  day: string;
  ran: Array<{ incidentId: string; status: 'ok' | 'failed'; error?: string; lines?: number }>;
}

/**
 * The nightly job: once the local clock has passed `calendar.reconcileAtHour` (04:00 by default),
 * reconciles the operating day just ended for every applied incident (and those lifted since that
 * day began) that has no successful run for it yet. Idempotent: call it as often as you like (serve
 * calls it every minute); a failed run is retried after `retryAfterMs` (default 15 minutes).
 */
export async function runDueReconciliations(deps: FlowDeps, o: { calendar?: OperatingCalendar; retryAfterMs?: number } = {}): Promise<NightlyOutcome> {
  const cal = o.calendar ?? DEFAULT_CALENDAR;
  const nowMs = deps.now().getTime();
  // The latest scheduled time at or before now, and the operating day it covers.
  let atMs = localTimeMs(operatingDay(nowMs, cal), cal.reconcileAtHour * 60, cal);
  if (atMs > nowMs) atMs -= 86_400_000;
  const day = addDays(operatingDay(atMs, cal), -1);
  const { startMs, endMs } = dayBounds(day, cal);
  const ids = await store.incidentsToReconcile(deps.db, startMs);
  const out: NightlyOutcome = { day, ran: [] };
  for (const incidentId of ids) {
    const runs = await store.reconciliationRuns(deps.db, { incidentId, day, limit: 20 });
    // A run made before the day was over (on demand, during the day) does not count.
    if (runs.some((r) => r.status === 'ok' && Date.parse(r.startedAt) >= endMs)) continue;
    const lastFailed = runs.find((r) => r.status === 'failed');
    if (lastFailed && nowMs - Date.parse(lastFailed.finishedAt) < (o.retryAfterMs ?? 15 * 60_000)) continue;
    try {
      const lines = await reconcileDay(deps, incidentId, day, { calendar: cal, trigger: 'nightly' });
      out.ran.push({ incidentId, status: 'ok', lines: lines.length });
    } catch (e) {
      out.ran.push({ incidentId, status: 'failed', error: (e as Error).message });
    }
  }
  return out;
}

/** The operating day an instant belongs to (for callers that default the day to "yesterday" or "today"). */
export function reconciliationDayOf(ms: number, cal: OperatingCalendar = DEFAULT_CALENDAR): string {
  return operatingDay(ms, cal);
}

/** The stored reconciliation of a day as an .xlsx workbook: one sheet of figures, one of differences, one of runs. */
export async function reconciliationWorkbook(deps: FlowDeps, incidentId: string, day: string): Promise<Buffer> {
  if (!isDay(day)) fail({ code: 'validation_failed', message: `day is not a calendar day: ${day}`, field: 'day', expected: 'YYYY-MM-DD', actual: day });
  await store.requireIncident(deps.db, incidentId);
  let lines = (await store.reconciliationOf(deps.db, incidentId, day)) as ReconciliationLine[];
  if (lines.length === 0) lines = await reconcileDay(deps, incidentId, day);
  const wb = await newWorkbook();
  addTableSheet(wb, 'reconciliation', [...RECONCILIATION_COLUMNS, 'differences'], lines.map((l) => [...RECONCILIATION_COLUMNS.map((c) => (l as any)[c] ?? null), l.differences.map((d) => d.kind).join(', ')]), { frozen: true });
  addTableSheet(wb, 'differences', ['nodeId', 'kind', 'quantity', 'message'], lines.flatMap((l) => l.differences.map((d) => [l.nodeId, d.kind, d.quantity, d.message])));
  const runs = await store.reconciliationRuns(deps.db, { incidentId, day });
  addTableSheet(wb, 'runs', ['finishedAt', 'trigger', 'status', 'movements', 'lines', 'differences', 'error'], runs.map((r) => [r.finishedAt, r.trigger, r.status, r.movements, r.lines, r.differences, r.error]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
