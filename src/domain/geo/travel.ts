import type { LatLng } from './coordinates.ts';
import { haversineExactM } from './distance.ts';
import { invariant } from '../shared/result.ts';

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
 * road-network engine (OSRM, Valhalla) can implement the same interface later.
 * Implementations are asynchronous because a road engine answers over the network;
 * they must return a table of exactly sources × destinations entries and never a
 * distance shorter than the straight line (the planner prunes by straight line).
 */
export interface TravelTimeProvider {
  readonly name: string;
  table(sources: readonly LatLng[], destinations: readonly LatLng[]): Promise<TravelTable>;
}

export interface StraightLineOptions {
  /** Road distance over straight-line distance; 1.3 is typical for a city grid. */
  detourFactor?: number;
  /** Rider speed in metres per second; 4.2 m/s is about 15 km/h on an e-bike. */
  speedMps?: number;
}

/** Straight-line distance × a detour factor, at a set speed. Synchronous underneath. */
export class StraightLineTravel implements TravelTimeProvider {
  readonly name = 'straight-line';
  readonly detourFactor: number;
  readonly speedMps: number;

  constructor(options: StraightLineOptions = {}) {
    this.detourFactor = options.detourFactor ?? 1.3;
    this.speedMps = options.speedMps ?? 4.2;
    invariant(this.detourFactor >= 1, `detourFactor must be >= 1, got ${this.detourFactor}`);
    invariant(this.speedMps > 0, `speedMps must be > 0, got ${this.speedMps}`);
  }

  estimate(from: LatLng, to: LatLng): { distanceM: number; durationS: number } {
    const d = haversineExactM(from, to) * this.detourFactor;
    return { distanceM: Math.round(d), durationS: Math.round(d / this.speedMps) };
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
