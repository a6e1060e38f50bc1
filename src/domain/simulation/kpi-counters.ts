/**
 * A run's KPI counters while it goes: one flat Float64Array (day × node × metric, the node row
 * after the last node collecting "(none)"), and the report's per-day rows made from it.
 */
import { M, METRIC_COUNT, toDayKpi, type DayKpi, type Metric } from './kpi.ts';
import { isoDay } from './stock.ts';

export class KpiCounters {
  private readonly days: number;
  private readonly nodes: number;
  private readonly stride: number;
  private readonly counters: Float64Array;

  constructor(days: number, nodes: number) {
    this.days = days;
    this.nodes = nodes;
    this.stride = (nodes + 1) * METRIC_COUNT;
    this.counters = new Float64Array(days * this.stride);
  }

  /** Adds v to metric m (an index of `M`) of a node on a day; nothing past the last day. */
  add(day: number, node: number, m: number, v: number): void {
    if (day < this.days) this.counters[day * this.stride + node * METRIC_COUNT + m] += v;
  }

  /**
   * Per day: a row per node that did anything (placed orders, held or was sent stock), the
   * "(none)" row when it has orders, and the "(all)" row (also returned alone in `totals`).
   */
  dayRows(startDate: string, nodeIds: readonly string[], source: number): { perDay: DayKpi[]; totals: DayKpi[] } {
    const N = this.nodes;
    const counters = this.counters;
    const stride = this.stride;
    const perDay: DayKpi[] = [];
    const totals: DayKpi[] = [];
    for (let d = 0; d < this.days; d++) {
      const date = isoDay(startDate, d);
      for (let n = 0; n <= N; n++) {
        const off = d * stride + n * METRIC_COUNT;
        const row = toDayKpi((m: Metric) => counters[off + M[m]], d, date, n < N ? nodeIds[n] : '(none)');
        if (n === N && row.ordersPlaced === 0) continue;
        if (n < N && row.ordersPlaced === 0 && row.openingOnHand === 0 && row.closingOnHand === 0 && row.unitsSent === 0) continue;
        perDay.push(row);
      }
      const totalRow = toDayKpi((m: Metric) => {
        let s = 0;
        for (let n = 0; n <= N; n++) s += counters[d * stride + n * METRIC_COUNT + M[m]];
        // Days of cover is for the district's delivery nodes: the source's stock is not counted.
        if (m === 'closingEssentialOnHand') s -= counters[d * stride + source * METRIC_COUNT + M[m]];
        return s;
      }, d, date, '(all)');
      perDay.push(totalRow);
      totals.push(totalRow);
    }
    return { perDay, totals };
  }
}
