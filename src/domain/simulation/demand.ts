/**
 * Demand sampling: how many orders arrive in an hour (Poisson), when in the hour,
 * and which items they hold (an alias table over the item mix, reweighted by the
 * surge multiplier of each item's tier).
 */
import type { Random } from '../shared/index.ts';
import { invariant } from '../shared/index.ts';

/**
 * The default share of a day's online orders by hour of day (0-23). Ordering opens
 * at 06:00 and the first hour is a rush, as in Shanghai in April 2022 ("one grocery
 * station took ~1,400 orders in 10 minutes" at 06:00); a smaller peak follows at
 * 08:30 and in the evening. Nights are closed. Weights need not sum to 1.
 */
export const DEFAULT_HOURLY_PROFILE: readonly number[] = [
  0, 0, 0, 0, 0, 0, 14, 8, 9, 7, 6, 6, 5, 5, 5, 5, 5, 6, 7, 6, 4, 2, 0, 0,
];

/** A Poisson draw: inversion for small means, a rounded normal for large ones (mean > 60). */
export function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  if (mean > 60) {
    // Box-Muller; the continuity correction keeps the mean right.
    const u1 = Math.max(random.next(), 1e-12);
    const u2 = random.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

/**
 * Walker's alias table: draws index i with probability w[i] / Σw in O(1). Built
 * once per demand regime (the surge multipliers change a few times per run).
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    invariant(n > 0, 'an alias table needs at least one weight');
    let sum = 0;
    for (let i = 0; i < n; i++) {
      invariant(weights[i] >= 0 && Number.isFinite(weights[i]), `weight ${i} must be finite and >= 0`);
      sum += weights[i];
    }
    invariant(sum > 0, 'an alias table needs a positive total weight');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / sum;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  draw(random: Random): number {
    const u = random.next() * this.size;
    const i = Math.min(this.size - 1, Math.floor(u));
    return u - i < this.prob[i] ? i : this.alias[i];
  }
}

/** Parses "HH:MM" to minutes after midnight (24:00 allowed as the end of a day). */
export function parseClock(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  invariant(m, `clock time must be HH:MM, got ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}
