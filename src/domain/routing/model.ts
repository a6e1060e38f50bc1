/**
 * The vehicle-routing model (VRPTW with a heterogeneous, multi-compartment fleet).
 *
 * These are the types callers build and read. They are plain data (no classes, no functions
 * except an optional travel function) so a problem can cross a worker boundary or be written
 * to a golden file. Units follow the house rule where the caller has real data (metres,
 * seconds); benchmark instances keep their own units (Solomon's are abstract and real-valued),
 * so the solver works in floats internally and never rounds.
 */

/** A depot where routes start and end. `location` indexes the travel matrix. */
export interface Depot {
  id: string;
  location: number;
  /** Opening window of the depot, [open, close]; routes leave after open and return by close. */
  window?: [number, number];
}

/**
 * A group of identical vehicles. `capacity[d]` is the capacity of compartment (dimension) d,
 * for instance `[ambient, chilled, frozen]` in crates, or `[kg, m3]`. A capacity of 0 in a
 * dimension means the vehicle cannot carry that dimension at all.
 */
export interface VehicleType {
  id: string;
  count: number;
  capacity: number[];
  depotId: string;
  /** Where routes end; the start depot when omitted. */
  endDepotId?: string;
  /** Working window [start, end]: leave the depot at or after start, be back by end. */
  shift?: [number, number];
  /** Paid once per vehicle used. Default 0. */
  fixedCost?: number;
  /** Default 1: with the defaults, cost is distance. */
  costPerDistance?: number;
  /** Cost per unit of travel duration (waiting and service are not charged). Default 0. */
  costPerDuration?: number;
  /** Capabilities such as temperature classes ('chilled', 'frozen'). */
  skills?: string[];
}

/** A delivery (or pick-up from the depot's point of view: loads are all carried from the depot). */
export interface Stop {
  id: string;
  location: number;
  /** Demand per dimension; same length as the vehicles' capacity vectors. */
  demand: number[];
  /**
   * Time windows [open, close] in which service must start; arriving early means waiting.
   * Sorted, non-overlapping. Omitted means always open.
   */
  windows?: [number, number][];
  serviceDuration?: number;
  /** Every listed skill must be held by the vehicle (e.g. 'frozen'). */
  requiredSkills?: string[];
}

/**
 * Distances and durations between locations: either square arrays or functions of two
 * location indices. The solver materialises functions into a matrix once.
 */
export type TravelMatrix =
  | { kind: 'arrays'; distance: number[][]; duration: number[][] }
  | {
      kind: 'function';
      size: number;
      distance: (from: number, to: number) => number;
      duration: (from: number, to: number) => number;
    };

export interface RoutingProblem {
  /** Names of the capacity dimensions, for reports (e.g. ['ambient', 'chilled', 'frozen']). */
  dimensions?: string[];
  depots: Depot[];
  vehicleTypes: VehicleType[];
  stops: Stop[];
  travel: TravelMatrix;
}

/**
 * `distance`: minimise total cost (distance with the default costs) with a free fleet of at
 * most the given vehicles. `vehicles`: fewest vehicles first, then cost (the classic
 * hierarchical VRPTW objective).
 */
export type RoutingObjective = 'distance' | 'vehicles';

/** Why a stop could not be put on any route; ordered from the most to the least specific. */
export type UnassignedReason =
  | 'incompatible' // no vehicle holds the required skills or carries the needed dimensions
  | 'demand_exceeds_capacity' // bigger than every compatible vehicle
  | 'time_window_unreachable' // no compatible vehicle can serve it alone within its shift
  | 'fleet_exhausted'; // each could be served alone, but not all fit in the fleet

export interface ScheduledStop {
  stopId: string;
  arrival: number;
  /** Service start (arrival plus waiting). */
  start: number;
  departure: number;
}

export interface RouteResult {
  vehicleId: string;
  vehicleTypeId: string;
  startDepotId: string;
  endDepotId: string;
  /** Departure from the start depot and arrival back at the end depot. */
  startTime: number;
  endTime: number;
  stops: ScheduledStop[];
  distance: number;
  /** Travel duration only; `endTime - startTime` includes service and waiting. */
  travelDuration: number;
  waiting: number;
  load: number[];
  cost: number;
}

export interface UnassignedStop {
  stopId: string;
  reason: UnassignedReason;
}

export interface RoutingTotals {
  vehicles: number;
  distance: number;
  travelDuration: number;
  cost: number;
  unassigned: number;
}

export interface RoutingStats {
  seed: number;
  iterations: number;
  elapsedMs: number;
  /** When the best solution was found, from the start of the solve. */
  timeToBestMs: number;
}

export interface RoutingSolution {
  routes: RouteResult[];
  unassigned: UnassignedStop[];
  totals: RoutingTotals;
  stats: RoutingStats;
}

/** Progress for a progress bar: fraction in [0, 1] and the best cost so far. */
export interface RoutingProgress {
  fraction: number;
  bestCost: number;
  bestVehicles: number;
}

export interface SolveOptions {
  objective?: RoutingObjective;
  seed?: number;
  /** Wall-time budget, enforced through `clock`. */
  timeLimitMs?: number;
  /** Iteration budget; with no time limit a run is exactly reproducible from its seed. */
  maxIterations?: number;
  /** Milliseconds from any origin; required with `timeLimitMs`. */
  clock?: () => number;
  onProgress?: (progress: RoutingProgress) => void;
  /** Granular neighbourhood size for local search. Default 20. */
  neighbours?: number;
}
