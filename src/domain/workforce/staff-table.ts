/**
 * The staff table of an import (CSV or Excel rows, header first): each row checked as a staff member,
 * every problem reported as (row, column, expected, actual) with row 1 the header. Pure: the caller
 * reads the file and passes the node ids that exist.
 */
import { rowShapeError } from '../network/index.ts';
import type { DomainError } from '../shared/index.ts';
import { parseStaffMember, type StaffMember } from './model.ts';

export const STAFF_COLUMNS = ['id', 'name', 'homeNodeId', 'roles', 'skills', 'permitStatus', 'canLiveOnSite', 'maxHoursPerDay', 'insideNodeId'];
const TRUE = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '']);

/** Staff rows from a spreadsheet: every problem as (row, column, expected, actual), header is row 1. */
export function parseStaffTable(header: string[], rows: string[][], nodeIds: Set<string>) {
  const errs: Array<{ row: number; column: string; expected: unknown; actual: unknown; message: string }> = [];
  const members: StaffMember[] = [];
  const unknown = header.filter((h) => h !== '' && !STAFF_COLUMNS.includes(h));
  const missing = ['id', 'homeNodeId', 'roles'].filter((c) => !header.includes(c));
  if (unknown.length || missing.length) {
    errs.push({ row: 1, column: [...missing, ...unknown].join(','), expected: `columns ${STAFF_COLUMNS.join(', ')} (id, homeNodeId, roles required)`, actual: header.join(','), message: missing.length ? `missing column(s): ${missing.join(', ')}` : `unknown column(s): ${unknown.join(', ')}` });
    return { members, errors: errs };
  }
  const seen = new Map<string, number>();
  rows.forEach((cells, i) => {
    const rowNo = i + 2;
    if (cells.every((c) => String(c ?? '').trim() === '')) return;
    const shape = rowShapeError(header, cells, rowNo);
    if (shape) {
      errs.push(shape);
      return;
    }
    const get = (c: string) => String(cells[header.indexOf(c)] ?? '').trim();
    const list = (c: string) => get(c).split(/[;|,]/).map((x) => x.trim()).filter(Boolean);
    const obj: Record<string, unknown> = { id: get('id'), homeNodeId: get('homeNodeId'), roles: list('roles') };
    if (header.includes('name') && get('name')) obj.name = get('name');
    if (header.includes('skills')) obj.skills = list('skills');
    if (header.includes('permitStatus') && get('permitStatus')) obj.permitStatus = get('permitStatus');
    if (header.includes('canLiveOnSite')) {
      const v = get('canLiveOnSite').toLowerCase();
      if (TRUE.has(v)) obj.canLiveOnSite = true;
      else if (FALSE.has(v)) obj.canLiveOnSite = false;
      else obj.canLiveOnSite = v;
    }
    if (header.includes('maxHoursPerDay') && get('maxHoursPerDay')) obj.maxHoursPerDay = Number(get('maxHoursPerDay'));
    if (header.includes('insideNodeId') && get('insideNodeId')) obj.insideNodeId = get('insideNodeId');
    const r = parseStaffMember(obj);
    if (!r.ok) {
      const e: DomainError = r.error;
      errs.push({ row: rowNo, column: (e.field ?? '').split('.')[0], expected: e.expected, actual: e.actual, message: e.message });
      return;
    }
    for (const f of ['homeNodeId', 'insideNodeId'] as const) {
      const v = r.value[f];
      if (v && !nodeIds.has(v)) {
        errs.push({ row: rowNo, column: f, expected: 'an existing node id', actual: v, message: `${f} ${v} does not exist` });
        return;
      }
    }
    const prior = seen.get(r.value.id);
    if (prior !== undefined) {
      errs.push({ row: rowNo, column: 'id', expected: 'a value not already in the file', actual: r.value.id, message: `duplicate of row ${prior}` });
      return;
    }
    seen.set(r.value.id, rowNo);
    members.push(r.value);
  });
  return { members, errors: errs };
}
