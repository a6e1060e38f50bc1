/**
 * What a planner reads off a balance: available to promise and days of cover.
 *
 * Available to promise (ATP) is on hand minus reserved minus the node's online safety buffer
 * (units held back per item so that walk-in shelves and picking errors do not oversell online),
 * never below zero. Days of cover is on hand divided by a daily demand rate, baseline or surge;
 * null when there is no demand to cover.
 */
import type { ItemBalance } from './types.ts';

export type DemandBasis = 'baseline' | 'surge';

export interface Availability {
  availableToPromise: number;
  /** On hand ÷ daily demand, one decimal; null without demand. */
  daysOfCover: number | null;
}

export function availableToPromise(b: Pick<ItemBalance, 'onHand' | 'reserved'>, safetyBuffer: number): number {
  return Math.max(0, b.onHand - b.reserved - safetyBuffer);
}

export function daysOfCover(onHand: number, dailyDemand: number): number | null {
  if (!(dailyDemand > 0)) return null;
  return Math.round((onHand / dailyDemand) * 10) / 10;
}

/**
 * Daily demand on the chosen basis. Surge demand is baseline times a factor given in percent
 * (300 = three times normal, the Shanghai April 2022 figure), kept integer like every quantity.
 */
export function dailyDemand(baselinePerDay: number, basis: DemandBasis, surgePercent: number): number {
  return basis === 'baseline' ? baselinePerDay : (baselinePerDay * surgePercent) / 100;
}

export function availability(b: Pick<ItemBalance, 'onHand' | 'reserved'>, safetyBuffer: number, demandPerDay: number): Availability {
  return { availableToPromise: availableToPromise(b, safetyBuffer), daysOfCover: daysOfCover(b.onHand, demandPerDay) };
}
