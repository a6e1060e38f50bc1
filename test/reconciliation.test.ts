import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, testClock, type TestApp } from './support/app.ts';
import * as network from '../src/store/network.ts';
import * as incidents from '../src/store/incidents.ts';
import { declareIncident } from '../src/flows/incident-response.ts';
import { reconcileDay, runDueReconciliations } from '../src/flows/incident/reconcile.ts';
import { defaultSolver } from '../src/solver/highs.ts';

/**
 * The nightly reconciliation on a real database: every movement of the operating day (Beijing
 * midnight to midnight) summed set-based, whatever their number; asked from the sourcing
 * documents; opening balances apart from receipts; the run by itself at 04:00; the .xlsx export.
 */
const DAY = '2022-06-22';
const MOVEMENTS = 120_000;
let t: TestApp;
const clock = testClock('2022-06-23T05:00:00+08:00');
const deps = () => ({ db: t.db, solver: defaultSolver, now: () => clock.now() });

beforeAll(async () => {
  t = await createTestApp({ clock });
  const now = clock.now();
  for (const [id, kind] of [['store-a', 'store'], ['store-b', 'store'], ['dc', 'distribution_centre']] as const) {
    await network.createNode(t.db, { id, kind, nameZh: id, nameEn: id, lat: 39.79, lng: 116.5 } as any, now);
  }
  await network.createItem(t.db, { id: 'RICE', nameZh: '米', nameEn: 'Rice', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365 } as any, now);
  await declareIncident(t.db, { id: 'rec-inc', name: 'reconciliation', areas: [{ id: 'far', level: 'lockdown', circle: { lat: 30, lng: 100, radiusM: 100 }, startsAt: '2022-06-22T02:00:00Z' }] }, now);
  await incidents.setIncidentStatus(t.db, 'rec-inc', 'applied', now);

  // More than 100,000 movements in one Beijing day, inserted set-based: receipts of 3 at store-a
  // (even rows) and picks of 1 (odd rows), 0.7 s apart from 00:00:01 Beijing.
  await sql`
    INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, quantity, on_hand_delta, reserved_delta, in_transit_in_delta, in_transit_out_delta, posted_at)
    SELECT 'bulk:' || g, CASE WHEN g % 2 = 0 THEN 'receipt' ELSE 'pick' END, CASE WHEN g % 2 = 0 THEN 'supplier_delivery' ELSE 'online_order' END,
      'store-a', 'RICE', CASE WHEN g % 2 = 0 THEN 3 ELSE 1 END, CASE WHEN g % 2 = 0 THEN 3 ELSE -1 END, 0, 0, 0,
      timestamptz '2022-06-22 00:00:00+08' + make_interval(secs => 1 + g * 0.7)
    FROM generate_series(1, ${MOVEMENTS}) AS g`.execute(t.db);
  const one = (key: string, kind: string, reason: string, node: string, q: number, delta: number, at: string, counterparty: string | null = null) =>
    sql`INSERT INTO stock_movements (operation_key, kind, reason, node_id, item_id, quantity, on_hand_delta, reserved_delta, in_transit_in_delta, in_transit_out_delta, counterparty_node_id, posted_at)
      VALUES (${key}, ${kind}, ${reason}, ${node}, 'RICE', ${q}, ${delta}, 0, 0, 0, ${counterparty}, ${new Date(at)})`.execute(t.db);
  // Opening stock loaded that day: not a receipt.
  await one('open:b', 'receipt', 'opening_balance', 'store-b', 500, 500, '2022-06-22T08:00:00+08:00');
  // The DC ships 40 toward store-b at 23:59 Beijing (15:59 UTC): the 22nd.
  await one('ship', 'transfer_out', 'transfer', 'dc', 40, -40, '2022-06-22T23:59:00+08:00', 'store-b');
  // 00:30 Beijing on the 23rd is still the 22nd in UTC: it belongs to the 23rd.
  await one('late', 'receipt', 'supplier_delivery', 'store-b', 7, 7, '2022-06-23T00:30:00+08:00');
  // A sourcing plan applied on the 22nd asks 90 units for store-b.
  await sql`INSERT INTO planning_plans (id, status, created_at, applied_at, request, summary) VALUES ('sp1', 'applied', ${new Date('2022-06-22T12:00:00+08:00')}, ${new Date('2022-06-22T12:00:00+08:00')}, '{}'::jsonb, '{}'::jsonb)`.execute(t.db);
  await sql`INSERT INTO planning_plan_lines (plan_id, line_no, kind, item_id, to_node_id, quantity, from_node_id, arrival_h, unit_cost_fen, cost_fen, reason, document_id)
    VALUES ('sp1', 1, 'transfer', 'RICE', 'store-b', 60, 'dc', 3, 0, 0, 'test', 'TR-1'), ('sp1', 2, 'supplier_order', 'RICE', 'store-b', 30, null, 24, 0, 0, 'test', 'PO-1')`.execute(t.db);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const line = (lines: Array<{ nodeId: string }>, id: string) => lines.find((l) => l.nodeId === id) as any;

describe('the reconciliation of an operating day', () => {
  it(`counts every one of more than 100,000 movements of the day (${MOVEMENTS.toLocaleString('en')})`, async () => {
    const lines = await reconcileDay(deps(), 'rec-inc', DAY);
    const a = line(lines, 'store-a');
    expect(a.movements).toBe(MOVEMENTS);
    expect(a.received).toBe((MOVEMENTS / 2) * 3);
    expect(a.sold).toBe(MOVEMENTS / 2);
    expect(a.closingOnHand - a.openingOnHand).toBe(a.received - a.sold);
    expect(a.differences.filter((d: any) => d.kind === 'stock_flow')).toEqual([]);
  });

  it('uses the Beijing operating day: a movement at 00:30 Beijing belongs to that day, not the UTC day before', async () => {
    const d22 = line(await reconcileDay(deps(), 'rec-inc', '2022-06-22'), 'store-b');
    const d23 = line(await reconcileDay(deps(), 'rec-inc', '2022-06-23'), 'store-b');
    expect(d22.received).toBe(0);
    expect(d23.received).toBe(7);
    expect(line(await reconcileDay(deps(), 'rec-inc', '2022-06-22'), 'dc').shippedOut).toBe(40);
  });

  it('takes "asked" from the sourcing documents, keeps opening balances apart from receipts, and flags the gaps', async () => {
    const b = line(await reconcileDay(deps(), 'rec-inc', DAY), 'store-b');
    expect(b.asked).toBe(90);
    expect(b.sent).toBe(40);
    expect(b.openingBalance).toBe(500);
    expect(b.received).toBe(0);
    expect(b.differences.map((d: any) => d.kind).sort()).toEqual(['asked_not_sent', 'sent_not_received']);
    expect(b.differences.find((d: any) => d.kind === 'asked_not_sent').quantity).toBe(50);
  });

  it('refuses a day that is not a calendar day, naming the field', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/incidents/rec-inc/reconciliation?day=2022-02-30' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'day', actual: '2022-02-30' });
  });

  it('exports the day as an .xlsx workbook with the figures and the differences', async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/incidents/rec-inc/reconciliation/export?day=${DAY}` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('reconciliation')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const rowOf = (id: string) => {
      let found: unknown[] = [];
      sheet.eachRow((row) => {
        const v = (row.values as unknown[]).slice(1);
        if (v[header.indexOf('nodeId')] === id) found = v;
      });
      return found;
    };
    expect(rowOf('store-a')[header.indexOf('movements')]).toBe(MOVEMENTS);
    expect(rowOf('store-b')[header.indexOf('asked')]).toBe(90);
    expect(wb.getWorksheet('differences')!.rowCount).toBeGreaterThan(1);
  });
});

describe('the nightly run', () => {
  it('runs by itself once the clock passes 04:00 Beijing, for the day just ended, once', async () => {
    clock.set('2022-06-24T03:59:00+08:00');
    const early = await runDueReconciliations(deps());
    expect(early.day).toBe('2022-06-22');
    clock.set('2022-06-24T04:00:30+08:00');
    const due = await runDueReconciliations(deps());
    expect(due.day).toBe('2022-06-23');
    expect(due.ran).toEqual([{ incidentId: 'rec-inc', status: 'ok', lines: 3 }]);
    expect((await runDueReconciliations(deps())).ran).toEqual([]);
    const runs = await incidents.reconciliationRuns(t.db, { incidentId: 'rec-inc', day: '2022-06-23' });
    expect(runs.filter((r) => r.trigger === 'nightly').map((r) => r.status)).toEqual(['ok']);
  });

  it('records a failed run with its error instead of swallowing it', async () => {
    await sql`ALTER TABLE planning_plan_lines RENAME TO planning_plan_lines_away`.execute(t.db);
    try {
      clock.set('2022-06-25T04:10:00+08:00');
      const r = await runDueReconciliations(deps());
      expect(r.ran).toHaveLength(1);
      expect(r.ran[0].status).toBe('failed');
      const runs = await incidents.reconciliationRuns(t.db, { incidentId: 'rec-inc', day: '2022-06-24' });
      expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'nightly' });
      expect(runs[0].error).toMatch(/planning_plan_lines/);
    } finally {
      await sql`ALTER TABLE planning_plan_lines_away RENAME TO planning_plan_lines`.execute(t.db);
    }
  });
});
