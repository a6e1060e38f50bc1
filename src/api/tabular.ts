/** Spreadsheet I/O shared by every context: CSV and Excel .xlsx, as header + string cells. */
import { addTableSheet, newWorkbook } from '../flows/workbooks.ts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../domain/shared/index.ts';

export type TableFormat = 'csv' | 'xlsx';

export { XLSX_MIME } from './mime.ts';

export interface Table {
  header: string[];
  rows: string[][];
}

export function formatFrom(contentType: string | undefined, query?: string): TableFormat {
  if (query === 'csv' || query === 'xlsx') return query;
  if (contentType?.includes('spreadsheetml') || contentType?.includes('octet-stream')) return 'xlsx';
  return 'csv';
}

export async function readTable(body: unknown, format: TableFormat): Promise<Table> {
  if (format === 'csv') {
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : null;
    if (text === null) fail({ code: 'validation_failed', message: 'expected a CSV file as the request body', field: 'body', expected: 'text/csv', actual: typeof body });
    let records: string[][];
    try {
      records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true });
    } catch (e) {
      fail({ code: 'validation_failed', message: `malformed CSV: ${(e as Error).message}`, field: 'body', expected: 'RFC 4180 CSV', actual: 'unparseable text' });
    }
    if (records.length === 0) fail({ code: 'validation_failed', message: 'the CSV file is empty', field: 'body', expected: 'a header row', actual: 'nothing' });
    return { header: records[0].map((h) => h.trim()), rows: records.slice(1) };
  }
  const buf = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'binary') : null;
  if (!buf || buf.length < 4 || buf[0] !== 0x50 || buf[1] !== 0x4b) {
    fail({ code: 'validation_failed', message: 'the file is not an Excel .xlsx workbook', field: 'body', expected: 'an .xlsx workbook (a zip file starting with PK)', actual: buf ? `${buf.length} bytes starting ${JSON.stringify(buf.subarray(0, 8).toString('latin1'))}` : typeof body });
  }
  const wb = await newWorkbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    fail({ code: 'validation_failed', message: `the file is not a readable .xlsx workbook: ${(e as Error).message}`, field: 'body', expected: 'an .xlsx workbook', actual: 'unreadable zip' });
  }
  const ws = wb.worksheets[0];
  if (!ws) fail({ code: 'validation_failed', message: 'the workbook has no worksheet', field: 'body', expected: 'one worksheet', actual: 'none' });
  const all: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
    all.push(cells);
  });
  if (all.length === 0) fail({ code: 'validation_failed', message: 'the worksheet is empty', field: 'body', expected: 'a header row', actual: 'nothing' });
  // A worksheet stores no trailing blank cells: a row that stops early there has empty
  // cells, not missing ones (unlike a CSV line that was cut off), so it is padded.
  const width = all[0].length;
  const rows = all.slice(1).map((r) => (r.length < width ? [...r, ...Array<string>(width - r.length).fill('')] : r));
  return { header: all[0].map((h) => h.trim()), rows };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return String(o.text);
    if ('richText' in o) return (o.richText as Array<{ text: string }>).map((t) => t.text).join('');
    if (v instanceof Date) return v.toISOString();
  }
  return String(v);
}

/**
 * A CSV cell a spreadsheet would read as a formula (it starts with = + - @, a tab
 * or a carriage return) gets a leading apostrophe, so opening an export never runs
 * anything. Plain numbers (-5, +3.5, -1e3) are left as they are.
 */
export function neutraliseCell(cell: string): string {
  if (!/^[=+\-@\t\r]/.test(cell)) return cell;
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) return cell;
  return `'${cell}`;
}

export async function writeTable(table: Table, format: TableFormat, sheetName = 'data'): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(stringify([table.header, ...table.rows].map((r) => r.map(neutraliseCell))), 'utf8');
  const wb = await newWorkbook();
  addTableSheet(wb, sheetName, table.header, table.rows, { columnWidth: 16 });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Objects to a table with the given columns (in order). */
export function toTable<T extends object>(columns: string[], records: T[]): Table {
  return { header: columns, rows: records.map((r) => columns.map((c) => { const v = (r as any)[c]; return v === undefined || v === null ? '' : String(v); })) };
}
