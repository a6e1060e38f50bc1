/**
 * An hour tick's own work: the staff-hours and essential stock picture at the start of the hour
 * (a point of the hourly series), and the hour's orders drawn per zone from the one random stream.
 */
import { poisson } from './demand.ts';
import { M } from './kpi.ts';
import type { HourPoint, SimRun } from './run.ts';

/** Counts the hour's staff-hours and essential stockouts at the delivery nodes; the hour's point, its order counts still 0. */
export function hourStart(run: SimRun, hourAbs: number): HourPoint {
  const { stock, kpi, essentialItems, wantSeries } = run;
  const day = Math.floor(hourAbs / 24);
  const hour = hourAbs % 24;
  let essOn = 0;
  let outCount = 0;
  let essCount = 0;
  for (let n = 0; n < run.N; n++) {
    if (!run.exists[n] || !run.isDeliveryNode(n)) continue;
    const s = run.staff[n];
    const r = run.rosterCap[n];
    const k = r ? day * 24 + hour - r.fromHour : -1;
    if (r && k >= 0 && k < r.perHour.length) {
      // A roster's hour: its own people at work then (pickers and packers).
      if (run.trading(n)) kpi.add(day, n, M.staffHours, r.staffPerHour?.[k] ?? 0);
    } else if (s && run.trading(n) && hour * 60 >= s.shiftStartMin && hour * 60 < s.shiftEndMin) kpi.add(day, n, M.staffHours, s.staff);
    const live = run.trading(n);
    let out = 0;
    for (const i of essentialItems) {
      const a = stock.available(n, i);
      if (wantSeries) essOn += stock.onHand(n, i);
      if (live && a <= 0) out++;
    }
    if (live) {
      kpi.add(day, n, M.essentialStockoutItemHours, out);
      kpi.add(day, n, M.essentialItemHours, essentialItems.length);
      outCount += out;
      essCount += essentialItems.length;
    }
  }
  return { hour: hourAbs, unitsRequested: 0, unitsFilled: 0, ordersPlaced: 0, ordersServed: 0, essentialOnHand: essOn, essentialStockoutShare: essCount > 0 ? Math.round((10000 * outCount) / essCount) / 10000 : 0 };
}

/**
 * This hour's orders: a Poisson count per zone, at uniform seconds, in time order. Each is one
 * number, second of the hour × Z + zone; null when the hourly profile (× the demand in force) gives the hour none.
 */
export function drawHourOrders(run: SimRun, hourAbs: number): Float64Array | null {
  const { input, rng, Z } = run;
  const share = (input.demand.hourlyProfile[hourAbs % 24] / run.profileSum) * run.ordersMult;
  if (!(share > 0)) return null;
  const keys: number[] = [];
  for (let z = 0; z < Z; z++) {
    const count = poisson(input.zones[z].ordersPerDay * share, rng);
    for (let k = 0; k < count; k++) keys.push(rng.int(3600) * Z + z);
  }
  return Float64Array.from(keys).sort();
}
