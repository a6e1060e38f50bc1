/**
 * A simulated day's opening and close: opening stock counted, expired lots written off, the
 * day's slot use reset and its waves queued; at the close, the closing stock, essential stock and
 * essential demand counted, then the caller's `onDayEnd`.
 */
import { M } from './kpi.ts';
import { SECONDS_PER_DAY } from './model.ts';
import type { SimRun } from './run.ts';
import { scheduleWaves } from './shipments.ts';

export function dayStart(run: SimRun, day: number): void {
  // Opening stock is counted before the expiry write-offs, which belong to the day.
  for (let n = 0; n < run.N; n++) run.kpi.add(day, n, M.openingOnHand, totalOnHand(run, n));
  run.stock.expire(day, (n, _i, qty) => run.kpi.add(day, n, M.unitsWrittenOff, qty));
  run.hourUse.fill(0);
  run.dayUse.fill(0);
  run.shippedToday = 0;
  scheduleWaves(run, day * SECONDS_PER_DAY, day);
}

export function dayEnd(run: SimRun, day: number): void {
  const { input, stock, kpi, itemTier } = run;
  const exp = run.expectedOrders();
  const dm = [run.tierMult.none, run.tierMult.essential, run.tierMult.key];
  for (let n = 0; n < run.N; n++) {
    kpi.add(day, n, M.closingOnHand, totalOnHand(run, n));
    let ess = 0;
    let essDemand = 0;
    for (const i of run.essentialItems) {
      ess += stock.onHand(n, i);
      essDemand += exp[n] * run.ordersMult * run.unitsPerOrder * input.itemMix[i] * dm[itemTier[i]];
    }
    kpi.add(day, n, M.closingEssentialOnHand, ess);
    kpi.add(day, n, M.essentialDailyDemand, essDemand);
  }
  run.options.onDayEnd?.(day, stock);
}

function totalOnHand(run: SimRun, n: number): number {
  let s = 0;
  for (let i = 0; i < run.I; i++) s += run.stock.onHand(n, i);
  return s;
}
