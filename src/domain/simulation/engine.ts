/**
 * The discrete-event simulation of the days ahead: `runSimulation` and its event loop. A virtual
 * clock (seconds from 00:00 of day 0) moves from event to event: day starts (expiry write-offs),
 * the world's and the policy's actions, replenishment waves leaving the source, trucks arriving,
 * hour ticks (which draw that hour's orders), and picks. Orders are drawn per zone and hour
 * (Poisson, by the hourly profile) and placed by the orders context's `placeOrder` (the live
 * system's rules: serving then backup nodes by status, day and slot capacity, purchase limits,
 * stock per line, partial acceptance) through `SimPlacementBook`, which reserves in the stock
 * book (the inventory ledger by default); they are picked `pickDelayMin` later.
 *
 * The run's state is a `SimRun` (run.ts); each phase has its module: setup.ts (queue, opening
 * stock), day.ts (a day's opening and close), actions.ts, shipments.ts (waves, transfers,
 * arrivals), hour.ts (the hour's picture and its orders drawn), order-placement.ts (placement,
 * KPIs of each order, picks), kpi-counters.ts (the counters and the report's rows).
 *
 * Determinism: one seeded random stream, consumed only by demand (how many orders, when, which
 * items), never by routing or policy; so two policies run on the same seed see exactly the same
 * orders (common random numbers), and the same seed always gives the same report.
 */
import { summarise } from './kpi.ts';
import { SECONDS_PER_DAY, type SimInput } from './model.ts';
import { applyAction } from './actions.ts';
import { dayEnd, dayStart } from './day.ts';
import { drawHourOrders, hourStart } from './hour.ts';
import { OrderPlacer, pick } from './order-placement.ts';
import { SimRun, type Ev, type RunOptions, type SimReport } from './run.ts';
import { queueFixedEvents, stockOpening } from './setup.ts';
import { arrival, wave } from './shipments.ts';

export type { HourPoint, RunOptions, SimReport } from './run.ts';

export function runSimulation(input: SimInput, options: RunOptions = {}): SimReport {
  // A timer for the report's stats only; nothing the run decides depends on it.
  const monotonicMs = options.monotonicMs ?? (() => 0);
  const wall0 = monotonicMs();
  const run = new SimRun(input, options);
  queueFixedEvents(run);
  stockOpening(run);
  new EventLoop(run).toEnd();
  const r = report(run);
  r.stats.wallMs = Math.round(monotonicMs() - wall0);
  return r;
}

/** Pops events in time order and hands each to its phase; an hour tick places its orders between the events due before each. */
class EventLoop {
  private readonly run: SimRun;
  private readonly orders: OrderPlacer;
  private readonly hours: number;

  constructor(run: SimRun) {
    this.run = run;
    this.orders = new OrderPlacer(run);
    this.hours = run.D * 24;
  }

  /** Runs every event before the end of the last day, then closes that day. */
  toEnd(): void {
    const { q, D } = this.run;
    const endS = D * SECONDS_PER_DAY;
    for (;;) {
      const e = q.pop();
      if (!e || e.atS >= endS) break;
      this.handle(e);
    }
    if (this.run.currentDay >= 0) dayEnd(this.run, this.run.currentDay);
    this.run.options.onProgress?.(1);
  }

  private handle(e: Ev): void {
    const run = this.run;
    run.events++;
    switch (e.kind) {
      case 'day': {
        const day = Math.floor(e.atS / SECONDS_PER_DAY);
        if (run.currentDay >= 0) dayEnd(run, run.currentDay);
        run.currentDay = day;
        dayStart(run, day);
        break;
      }
      case 'action':
        applyAction(run, e.action, e.atS);
        break;
      case 'wave':
        wave(run, e);
        break;
      case 'arrival':
        arrival(run, e);
        break;
      case 'pick':
        pick(run, e);
        break;
      case 'hour': {
        this.hourTick(Math.floor(e.atS / 3600));
        const onProgress = run.options.onProgress;
        if (onProgress && (e.atS / 3600) % 6 === 5) onProgress((e.atS / 3600 + 1) / this.hours);
        break;
      }
    }
  }

  /** The hour's picture, then its orders in time order, each after the events due by its second. */
  private hourTick(hourAbs: number): void {
    const run = this.run;
    const day = Math.floor(hourAbs / 24);
    const hour = hourAbs % 24;
    const point = hourStart(run, hourAbs);
    const sorted = drawHourOrders(run, hourAbs);
    if (sorted !== null) {
      const Z = run.Z;
      const base = hourAbs * 3600;
      for (let k = 0; k < sorted.length; k++) {
        const off = Math.floor(sorted[k] / Z);
        const z = sorted[k] - off * Z;
        this.drain(base + off);
        this.orders.place(base + off, day, hour, z, point);
      }
    }
    if (run.wantSeries) run.hourly.push(point);
  }

  /** Runs every queued event due at or before `t` (hour ticks and day starts excluded: they drive this). */
  private drain(t: number): void {
    const q = this.run.q;
    for (;;) {
      const top = q.peek();
      if (!top || top.atS > t || top.kind === 'hour' || top.kind === 'day') return;
      this.handle(q.pop()!);
    }
  }
}

/** The report: per-day rows and their summary, the hourly series, the actions' log (its wall time filled in by the caller). */
function report(run: SimRun): SimReport {
  const { input } = run;
  const { perDay, totals } = run.kpi.dayRows(input.startDate, input.nodes.map((n) => n.id), run.source);
  return {
    scenario: input.name,
    policy: input.policy.name,
    seed: input.seed,
    days: run.D,
    startDate: input.startDate,
    stock: run.stock.kind,
    summary: summarise(totals),
    perDay,
    hourly: run.hourly,
    log: run.log,
    stats: { orders: run.nextOrderId, events: run.events, wallMs: 0 },
  };
}
