/**
 * Stock counts (盘点). A count is opened for a node over a scope of items; at that moment the
 * book quantity of every (item, lot) in scope is snapshotted. Counters enter what they find
 * without seeing the book (a blind count). Stock may keep moving while they count, so a line's
 * book quantity is the snapshot plus the movements posted between the snapshot and the moment
 * the line was counted; the difference is counted minus that. A difference above the count's
 * recount threshold must be counted again before the count can be posted; the recount is final.
 * Posting turns every non-zero difference into one count adjustment, all or nothing.
 */
import { err, ok, type Result } from '../shared/index.ts';
import type { CountAdjustmentLine } from './types.ts';

export type CountLineStatus = 'not_counted' | 'recount_required' | 'counted';

export interface CountLine {
  itemId: string;
  lotCode: string;
  /** Book on hand when the count was opened. */
  snapshotQuantity: number;
  /** On-hand change posted between the snapshot and the (latest) entry of this line. */
  movedSinceSnapshot: number;
  countedQuantity: number | null;
  recountQuantity: number | null;
  /** Only for a lot first seen in this count. */
  expiryDate?: string | null;
  unitCostFen: number;
}

export interface CountLineResult {
  status: CountLineStatus;
  bookQuantity: number;
  /** The final counted quantity (the recount when there is one). */
  countedQuantity: number | null;
  differenceQuantity: number | null;
  differenceValueFen: number | null;
}

/** Where one line stands: its book, final count, difference and whether it must be recounted. */
export function evaluateCountLine(line: CountLine, recountThreshold: number): CountLineResult {
  const bookQuantity = line.snapshotQuantity + line.movedSinceSnapshot;
  if (line.countedQuantity === null) {
    return { status: 'not_counted', bookQuantity, countedQuantity: null, differenceQuantity: null, differenceValueFen: null };
  }
  const counted = line.recountQuantity ?? line.countedQuantity;
  const differenceQuantity = counted - bookQuantity;
  const firstDifference = line.countedQuantity - bookQuantity;
  const status: CountLineStatus = line.recountQuantity === null && Math.abs(firstDifference) > recountThreshold ? 'recount_required' : 'counted';
  return { status, bookQuantity, countedQuantity: counted, differenceQuantity, differenceValueFen: differenceQuantity * line.unitCostFen };
}

/**
 * The count adjustments to post, or why the count cannot be posted yet (a line not counted, or a
 * line waiting for its recount). Lines without a difference post nothing.
 */
export function countAdjustments(lines: readonly CountLine[], recountThreshold: number): Result<CountAdjustmentLine[]> {
  const out: CountAdjustmentLine[] = [];
  const notCounted: string[] = [];
  const recount: string[] = [];
  for (const l of lines) {
    const r = evaluateCountLine(l, recountThreshold);
    const name = l.lotCode ? `${l.itemId}/${l.lotCode}` : l.itemId;
    if (r.status === 'not_counted') notCounted.push(name);
    else if (r.status === 'recount_required') recount.push(name);
    else if (r.differenceQuantity !== 0) {
      out.push({ itemId: l.itemId, lotCode: l.lotCode, quantityDelta: r.differenceQuantity!, ...(l.expiryDate ? { expiryDate: l.expiryDate } : {}) });
    }
  }
  if (notCounted.length > 0 || recount.length > 0) {
    const parts = [
      notCounted.length ? `${notCounted.length} line(s) not counted (${notCounted.slice(0, 5).join(', ')}${notCounted.length > 5 ? ', …' : ''})` : '',
      recount.length ? `${recount.length} line(s) need a recount (${recount.slice(0, 5).join(', ')}${recount.length > 5 ? ', …' : ''})` : '',
    ].filter(Boolean);
    return err({
      code: 'not_allowed',
      message: `the count cannot be posted: ${parts.join('; ')}`,
      field: 'lines',
      expected: 'every line counted, recounts done',
      actual: { notCounted: notCounted.length, recountRequired: recount.length },
      details: { notCounted, recountRequired: recount },
    });
  }
  return ok(out);
}

export interface CountReportLine extends CountLineResult {
  itemId: string;
  lotCode: string;
  snapshotQuantity: number;
  movedSinceSnapshot: number;
  firstCountQuantity: number | null;
  recountQuantity: number | null;
}

export interface CountReport {
  lines: CountReportLine[];
  totals: { lines: number; counted: number; withDifference: number; differenceQuantity: number; differenceValueFen: number; absoluteValueFen: number };
}

/** The report: book, counted, difference and value per line, with totals. */
export function countReport(lines: readonly CountLine[], recountThreshold: number): CountReport {
  const out: CountReportLine[] = [];
  const totals = { lines: 0, counted: 0, withDifference: 0, differenceQuantity: 0, differenceValueFen: 0, absoluteValueFen: 0 };
  for (const l of lines) {
    const r = evaluateCountLine(l, recountThreshold);
    out.push({
      itemId: l.itemId,
      lotCode: l.lotCode,
      snapshotQuantity: l.snapshotQuantity,
      movedSinceSnapshot: l.movedSinceSnapshot,
      firstCountQuantity: l.countedQuantity,
      recountQuantity: l.recountQuantity,
      ...r,
    });
    totals.lines++;
    if (r.countedQuantity !== null) totals.counted++;
    if (r.differenceQuantity) {
      totals.withDifference++;
      totals.differenceQuantity += r.differenceQuantity;
      totals.differenceValueFen += r.differenceValueFen!;
      totals.absoluteValueFen += Math.abs(r.differenceValueFen!);
    }
  }
  return { lines: out, totals };
}
