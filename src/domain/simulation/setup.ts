/**
 * A run's start: the events known from the outset (day starts, hour ticks, the world's and the
 * policy's actions) and the nodes' opening stock (days of cover of their zones' expected demand).
 */
import { SECONDS_PER_DAY } from './model.ts';
import { P_ACTION, P_DAY, P_HOUR, type SimRun } from './run.ts';

/** Queues every day start and hour tick of the run, and the actions due before its end. */
export function queueFixedEvents(run: SimRun): void {
  const { q, D, input } = run;
  for (let d = 0; d < D; d++) q.push({ kind: 'day', atS: d * SECONDS_PER_DAY, priority: P_DAY });
  for (let h = 0; h < D * 24; h++) q.push({ kind: 'hour', atS: h * 3600, priority: P_HOUR });
  for (const a of [...input.imposed, ...input.policy.actions]) {
    if (a.atS < D * SECONDS_PER_DAY) q.push({ kind: 'action', atS: Math.max(0, a.atS), priority: P_ACTION, action: a });
  }
}

/** Stocks each existing delivery node with primary zones: expected units × item share × opening days of cover by tier, lots at half their shelf life. */
export function stockOpening(run: SimRun): void {
  const { input, stock, itemTier } = run;
  const exp = run.expectedOrders();
  const cover = [input.openingCoverDays.none, input.openingCoverDays.essential, input.openingCoverDays.key];
  for (let n = 0; n < run.N; n++) {
    if (!run.exists[n] || !run.isDeliveryNode(n) || exp[n] === 0) continue;
    const units = exp[n] * run.unitsPerOrder;
    for (let i = 0; i < run.I; i++) {
      const qty = Math.ceil(units * input.itemMix[i] * cover[itemTier[i]]);
      if (qty > 0) stock.receive(n, i, qty, Math.max(0, Math.ceil(input.items[i].shelfLifeDays / 2) - 1), 'opening');
    }
  }
}
