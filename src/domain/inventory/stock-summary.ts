/**
 * What the Stock screen shows for one node, computed where the rows are (the server)
 * so a phone downloads a few numbers instead of every balance row of the node.
 *
 * Only items with demand (daily demand > 0) count towards stockouts, cover and the
 * histogram: an item nobody buys at a node cannot run out there.
 */
export interface CoverRow {
  itemId: string;
  availableToPromise: number;
  dailyDemand: number;
  daysOfCover: number | null;
}

/** Days-of-cover buckets: [0] = out (≤ 0 days), then (from, to] days; `toDays` null = open-ended. */
export const COVER_BUCKETS: ReadonlyArray<{ fromDays: number; toDays: number | null }> = [
  { fromDays: 0, toDays: 0 },
  { fromDays: 0, toDays: 1 },
  { fromDays: 1, toDays: 3 },
  { fromDays: 3, toDays: 7 },
  { fromDays: 7, toDays: 14 },
  { fromDays: 14, toDays: null },
];

export interface StockSummary<R extends CoverRow> {
  /** Items with a balance row at the node (with or without demand). */
  items: number;
  itemsWithDemand: number;
  stockouts: number;
  underThreeDays: number;
  coverHistogram: Array<{ fromDays: number; toDays: number | null; count: number }>;
  /** The items with the least cover, fewest days first (ties by item id). */
  lowest: R[];
}

export function summarizeStock<R extends CoverRow>(rows: readonly R[], lowestCount = 15): StockSummary<R> {
  const withDemand = rows.filter((r) => r.dailyDemand > 0);
  const cover = (r: R) => r.daysOfCover ?? 0;
  const coverHistogram = COVER_BUCKETS.map((b) => ({
    ...b,
    count: withDemand.filter((r) => {
      const d = cover(r);
      return b.toDays === 0 ? d <= 0 : d > b.fromDays && (b.toDays === null || d <= b.toDays);
    }).length,
  }));
  const lowest = [...withDemand].sort((a, b) => cover(a) - cover(b) || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)).slice(0, lowestCount);
  return {
    items: rows.length,
    itemsWithDemand: withDemand.length,
    stockouts: withDemand.filter((r) => r.availableToPromise <= 0).length,
    underThreeDays: withDemand.filter((r) => cover(r) < 3).length,
    coverHistogram,
    lowest,
  };
}
