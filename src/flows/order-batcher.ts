/**
 * Group commit for order placement. Requests that arrive while a batch is being written wait and
 * go together in the next one: under a rush, each transaction carries many orders (each still
 * atomic on its own) and the per-transaction costs (round trips, row locks on the hot window,
 * slot and stock rows, the commit's flush) are paid once per batch; when it is quiet, a request
 * goes out at once, alone, with no added wait.
 *
 * `maxInFlight` batches may be written at the same time (PostgreSQL: several connections; they
 * queue on the rows they share). `maxBatch` caps a batch's size so its latency stays bounded.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../api/deps.ts';
import { placeOrders, type PlaceJob, type PlaceOptions, type PlaceResult } from './place-order.ts';
import type { DB } from '../store/tables.ts';

export interface BatcherOptions extends PlaceOptions {
  maxBatch?: number;
  maxInFlight?: number;
  /**
   * When a batch ends and only a few orders wait (fewer than half the last batch), wait this long
   * for the clients just answered to send their next orders, so the next batch is not a straggler
   * of one. Default 5 ms; 0 turns it off. A quiet system never waits (its last batch was small).
   */
  lingerMs?: number;
}

export interface BatcherStats {
  batches: number;
  orders: number;
  largestBatch: number;
}

export class OrderBatcher {
  private queue: Array<{ job: PlaceJob; resolve: (r: PlaceResult) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  readonly stats: BatcherStats = { batches: 0, orders: 0, largestBatch: 0 };
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private lastBatch = 0;
  private lingering = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.lingerMs = options.lingerMs ?? 5;
  }

  place(job: PlaceJob): Promise<PlaceResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts batches on the next turn of the event loop, not inside the caller's: an embedded
   * database (PGlite) runs a whole transaction in microtasks without yielding to I/O, so requests
   * that arrived meanwhile are only parsed once it ends; deferring with setImmediate lets every
   * one of them join the next batch instead of each going alone.
   */
  private scheduled = false;
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.lingering) return;
    // A second batch starts while one is being written only when enough orders wait to make it
    // worth its own commit; otherwise they wait and go together (bigger batches, fewer commits).
    while (this.inFlight < this.maxInFlight && this.queue.length > 0 && (this.inFlight === 0 || this.queue.length >= Math.max(1, this.maxBatch >> 2))) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.lastBatch = batch.length;
      this.stats.batches++;
      this.stats.orders += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      placeOrders(this.db, this.clock, batch.map((b) => b.job), this.options)
        .then((results) => results.forEach((r, i) => batch[i].resolve(r)))
        .catch((e) => batch.forEach((b) => b.reject(e)))
        .finally(() => {
          this.inFlight--;
          if (this.lingerMs > 0 && this.inFlight === 0 && this.queue.length > 0 && this.queue.length < this.lastBatch / 2) {
            this.lingering = true;
            setTimeout(() => {
              this.lingering = false;
              this.pump();
            }, this.lingerMs);
          } else this.schedule();
        });
    }
  }
}
