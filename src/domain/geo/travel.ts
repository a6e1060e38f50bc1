/**
 * The one travel model of the house: road distance and travel time between places.
 *
 * Default (`StraightLineTravel`): the great-circle (haversine) distance × a circuity factor
 * (road over straight line, 1.3 for a city grid), at a speed that follows a speed profile
 * (a base speed per mode times a factor per hour of the day). Every planner and benchmark
 * (sourcing transfers, trip planning and its audit, zone reassignment, the simulation's
 * supply trips, the routing benchmark) reads distances and times from it, so one change of
 * circuity or speed changes them all alike.
 *
 * A road-network engine (an OSRM- or Valhalla-style matrix service) implements
 * `TravelTimeProvider`: one asynchronous table of sources × destinations. Planners that are
 * pure and synchronous take such a table (or the synchronous default) through their inputs.
 */
import type { LatLng } from './coordinates.ts';
import { haversineExactM } from './distance.ts';
import { invariant } from '../shared/index.ts';

/**
 * Travel distances and times between sources (nodes) and destinations (zone
 * centroids, addresses), row-major: entry `i * destinations + j` is source i to
 * destination j. Integers: metres and seconds.
 */
export interface TravelTable {
  readonly sources: number;
  readonly destinations: number;
  readonly distanceM: Int32Array;
  readonly durationS: Int32Array;
}

/**
 * The travel-time policy. The default estimates from straight-line distance; a
 * road-network engine (OSRM, Valhalla) can implement the same interface.
 * Implementations are asynchronous because a road engine answers over the network;
 * they must return a table of exactly sources × destinations entries and never a
 * distance shorter than the straight line (the planner prunes by straight line).
 */
export interface TravelTimeProvider {
  readonly name: string;
  table(sources: readonly LatLng[], destinations: readonly LatLng[]): Promise<TravelTable>;
}

/** Default road over straight-line distance for a city grid. */
export const DEFAULT_CIRCUITY = 1.3;

/**
 * Speed by hour of the day: `hourFactor[h]` multiplies the base speed for a trip that
 * departs in hour h (0-23, local time). A flat profile (every factor 1) is the default;
 * `URBAN_PEAKS` slows the morning and evening peaks.
 */
export type SpeedProfile = readonly number[];
export const FLAT_PROFILE: SpeedProfile = Object.freeze(Array.from({ length: 24 }, () => 1));
export const URBAN_PEAKS: SpeedProfile = Object.freeze(Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 9) || (h >= 17 && h < 19) ? 0.7 : h >= 22 || h < 6 ? 1.2 : 1));

export interface StraightLineOptions {
  /** Road distance over straight-line distance (circuity); 1.3 is typical for a city grid. */
  detourFactor?: number;
  /** Base speed in metres per second; 4.2 m/s is about 15 km/h on an e-bike. */
  speedMps?: number;
  /** Speed factor per hour of the day; flat by default. */
  profile?: SpeedProfile;
}

/** Road distance in whole metres under the default model: haversine × circuity. */
export function roadDistanceM(a: LatLng, b: LatLng, circuity: number = DEFAULT_CIRCUITY): number {
  return Math.round(haversineExactM(a, b) * circuity);
}

/**
 * Seconds to drive `distanceM` at `speedKmH`, scaled by the profile's factor for the hour of
 * `departS` (seconds from local midnight) when both are given. Whole seconds.
 */
export function travelS(distanceM: number, speedKmH: number, departS?: number, profile: SpeedProfile = FLAT_PROFILE): number {
  const hour = departS === undefined ? 0 : Math.floor((((departS % 86_400) + 86_400) % 86_400) / 3600);
  const factor = departS === undefined ? 1 : profile[hour] ?? 1;
  return Math.round((distanceM * 3.6) / (speedKmH * factor));
}

/** Haversine × circuity, at a base speed following a speed profile. Synchronous underneath. */
export class StraightLineTravel implements TravelTimeProvider {
  readonly name = 'straight-line';
  readonly detourFactor: number;
  readonly speedMps: number;
  readonly profile: SpeedProfile;

  constructor(options: StraightLineOptions = {}) {
    this.detourFactor = options.detourFactor ?? DEFAULT_CIRCUITY;
    this.speedMps = options.speedMps ?? 4.2;
    this.profile = options.profile ?? FLAT_PROFILE;
    invariant(this.detourFactor >= 1, `detourFactor must be >= 1, got ${this.detourFactor}`);
    invariant(this.speedMps > 0, `speedMps must be > 0, got ${this.speedMps}`);
    invariant(this.profile.length === 24 && this.profile.every((f) => f > 0), 'a speed profile has 24 positive hourly factors');
  }

  /** Road distance in metres, not rounded (for callers that sum or compare before rounding). */
  exactDistanceM(from: LatLng, to: LatLng): number {
    return haversineExactM(from, to) * this.detourFactor;
  }

  /** Whole metres and seconds; `departS` (seconds from local midnight) picks the profile's hour. */
  estimate(from: LatLng, to: LatLng, departS?: number): { distanceM: number; durationS: number } {
    const d = this.exactDistanceM(from, to);
    return { distanceM: Math.round(d), durationS: travelS(d, this.speedMps * 3.6, departS, this.profile) };
  }

  tableSync(sources: readonly LatLng[], destinations: readonly LatLng[]): TravelTable {
    const n = sources.length * destinations.length;
    const distanceM = new Int32Array(n);
    const durationS = new Int32Array(n);
    for (let i = 0; i < sources.length; i++) {
      for (let j = 0; j < destinations.length; j++) {
        const e = this.estimate(sources[i], destinations[j]);
        distanceM[i * destinations.length + j] = e.distanceM;
        durationS[i * destinations.length + j] = e.durationS;
      }
    }
    return { sources: sources.length, destinations: destinations.length, distanceM, durationS };
  }

  async table(sources: readonly LatLng[], destinations: readonly LatLng[]): Promise<TravelTable> {
    return this.tableSync(sources, destinations);
  }
}

export const defaultTravel = new StraightLineTravel();
