/**
 * Excel workbooks for the people who act on a plan (the planning context's documents, the trips
 * context's trip sheets), out of the store modules: a store module keeps its context's tables, and
 * building a file for people is a flow's work. ExcelJS itself is loaded on first use (`newWorkbook()`):
 * importing it took ~0.3 s of every server and command start, for files few requests ask for.
 */
import type ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { tripSheetRows, type TripSheet } from '../domain/trips/index.ts';
import * as planning from '../store/planning.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

let loading: Promise<typeof ExcelJS> | null = null;
/** An empty workbook; ExcelJS is imported once, on the first workbook read or written. */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  loading ??= import('exceljs').then((m) => m.default);
  return new (await loading).Workbook();
}

type Cell = string | number | boolean | Date | null | undefined;

/**
 * Adds a sheet holding a table: the header row in bold, then the rows; `frozen` keeps the header
 * in view while scrolling, `columnWidth` gives every column that width (in characters).
 */
export function addTableSheet(wb: ExcelJS.Workbook, name: string, header: readonly string[], rows: Iterable<readonly Cell[]>, options: { frozen?: boolean; columnWidth?: number } = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  ws.addRow([...header]).font = { bold: true };
  if (options.frozen) ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow([...r]);
  if (options.columnWidth !== undefined) ws.columns.forEach((c) => (c.width = options.columnWidth));
  return ws;
}

/** The applied plan's documents as a workbook for the people who act on them. */
export async function planDocumentsWorkbook(db: Db, planId: string): Promise<Buffer> {
  const plan = await planning.requirePlan(db, planId);
  const wb = await newWorkbook();
  wb.creator = 'Baogong';
  const sheet = (name: string, header: string[], rows: Cell[][]) => addTableSheet(wb, name, header, rows, { frozen: true, columnWidth: 16 });
  const lines = plan.lines;
  sheet('Transfers 调拨单', ['document', 'from', 'to', 'item', 'quantity', 'arrives in h', 'reason'], lines.filter((l) => l.kind === 'transfer').map((l) => [l.documentId, l.fromNodeId, l.toNodeId, l.itemId, l.quantity, l.arrivalH, l.reason]));
  sheet('Purchase orders 采购', ['document', 'supplier', 'to', 'item', 'quantity', 'packs', 'expedited 加急', 'arrives in h', 'reason'], lines.filter((l) => l.kind === 'supplier_order').map((l) => [l.documentId, l.supplierId, l.toNodeId, l.itemId, l.quantity, l.packs, l.expedited, l.arrivalH, l.reason]));
  sheet('Diversions 截留分流', ['document', 'shipment', 'was for', 'now to', 'item', 'quantity', 'arrives in h', 'reason'], lines.filter((l) => l.kind === 'diversion').map((l) => [l.documentId, l.shipmentId, l.originalNodeId, l.toNodeId, l.itemId, l.quantity, l.arrivalH, l.reason]));
  sheet('Shortages 缺口', ['node', 'item', 'tier', 'need', 'short', 'reason'], plan.shortages.map((s) => [s.nodeId, s.itemId, s.tier, s.needUnits, s.shortUnits, s.reason]));
  const s = plan.summary;
  sheet('Summary', ['figure', 'value'], [
    ['plan', plan.id], ['status', plan.status], ['method', s.method], ['needs', s.needs], ['need units', s.needUnits], ['short units', s.shortageUnits],
    ['weighted shortage', s.weightedShortageUnits], ['cost (yuan)', s.costFen / 100], ['gap to bound %', s.gapPct], ['greedy weighted shortage', s.greedy.weightedShortageUnits], ['greedy cost (yuan)', s.greedy.costFen / 100],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Trip sheets (派车单) as a workbook, a sheet a trip: what the driver and the loading dock work from. */
export async function tripSheetsWorkbook(sheets: TripSheet[]): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = 'Baogong';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.tripId.slice(-28));
    ws.addRow([`Trip sheet 派车单 ${s.tripId}`]).font = { bold: true, size: 14 };
    ws.addRow(['Day', s.day, 'Vehicle', `${s.vehicle.typeName} (${s.vehicle.key})`, 'Plate', s.vehicle.plate ?? '', 'Driver', s.driver.name ?? '', s.driver.phone ?? '']);
    ws.addRow(['From', s.origin.name, 'Depart', s.depart, 'Back', s.return, 'km', s.distanceKm]);
    ws.addRow(['Coolant', `${s.coolant.dryIceBags} dry-ice bags (${s.coolant.dryIceG / 1000} kg)`, 'Ice packs', s.coolant.icePacks, s.coolantNote]);
    ws.addRow([]);
    const { header, rows } = tripSheetRows(s);
    ws.addRow(header).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((c) => (c.width = 14));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
