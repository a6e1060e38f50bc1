/** Spreadsheet rows (string cells) to typed records by one schema, with every problem named by row and column. */
import type { TSchema } from '@sinclair/typebox';
import { schemaErrors } from './model.ts';

/**
 * Turns spreadsheet rows (every cell a string) into typed records by one schema:
 * numbers are converted where the schema wants a number, empty cells become
 * "absent", and every problem is reported as (row, column, expected, actual).
 * Row numbers are as a person sees them in the file: the header is row 1.
 * A row with fewer cells than the header (a cut-off CSV line) is an error naming
 * the columns it lacks, never a record filled with defaults: an empty cell is a
 * choice the file made, a missing one is not.
 */
export interface RowError {
  row: number;
  column: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

export interface RowsResult<T> {
  records: Array<{ row: number; value: T }>;
  errors: RowError[];
}

/**
 * The shape check every spreadsheet import runs on a data row before reading its
 * cells: the row must have one cell per header column (empty cells are fine, they
 * mean "no value"). Returns the error for a short or long row, or null.
 */
export function rowShapeError(header: string[], cells: readonly unknown[], rowNo: number): RowError | null {
  if (cells.length < header.length) {
    const lacking = header.slice(cells.length).filter((h) => h !== '');
    return {
      row: rowNo,
      column: lacking.join(','),
      expected: `${header.length} cells (${header.join(', ')})`,
      actual: `${cells.length} cells`,
      message: `row ${rowNo} has ${cells.length} of ${header.length} cells: missing ${lacking.join(', ')}`,
    };
  }
  const extra = cells.slice(header.length).filter((c) => c !== undefined && String(c).trim() !== '');
  if (extra.length > 0) {
    return {
      row: rowNo,
      column: '',
      expected: `${header.length} cells (${header.join(', ')})`,
      actual: `${cells.length} cells`,
      message: `row ${rowNo} has ${cells.length} cells but the header names ${header.length} columns`,
    };
  }
  return null;
}

export function parseRows<T>(schema: TSchema, header: string[], rows: string[][], firstDataRow = 2): RowsResult<T> {
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  const errors: RowError[] = [];
  const records: Array<{ row: number; value: T }> = [];
  const known = new Set(Object.keys(props));
  const missing = [...required].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    errors.push({
      row: 1,
      column: missing.join(','),
      expected: `header with columns ${[...required].join(', ')}`,
      actual: header.join(','),
      message: `missing required column(s): ${missing.join(', ')}`,
    });
    return { records, errors };
  }
  const unknown = header.filter((h) => h !== '' && !known.has(h));
  if (unknown.length > 0) {
    errors.push({ row: 1, column: unknown.join(','), expected: `only columns ${[...known].join(', ')}`, actual: unknown.join(','), message: `unknown column(s): ${unknown.join(', ')}` });
    return { records, errors };
  }
  rows.forEach((cells, i) => {
    const rowNo = firstDataRow + i;
    if (cells.every((c) => c === undefined || String(c).trim() === '')) return; // blank line
    const shape = rowShapeError(header, cells, rowNo);
    if (shape) {
      errors.push(shape);
      return;
    }
    const obj: Record<string, unknown> = {};
    header.forEach((col, j) => {
      const raw = cells[j] === undefined ? '' : String(cells[j]).trim();
      if (raw === '' || !known.has(col)) return;
      const t = props[col];
      if (t.type === 'integer' || t.type === 'number') {
        const n = Number(raw);
        obj[col] = raw !== '' && Number.isFinite(n) ? n : raw;
      } else {
        obj[col] = raw;
      }
    });
    const errs = schemaErrors(schema, obj);
    if (errs.length === 0) records.push({ row: rowNo, value: obj as T });
    else
      for (const e of errs.slice(0, 3))
        errors.push({ row: rowNo, column: e.field ?? '', expected: e.expected, actual: e.actual, message: e.message });
  });
  return { records, errors };
}
