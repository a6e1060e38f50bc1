/**
 * The trips context's model: a fleet of vehicle types with temperature compartments, the loads
 * that need moving (open transfer orders, purchase-order deliveries, a slot's customer orders),
 * and the trip plan the routing solver's answer is turned into.
 *
 * Time inside a plan is seconds from local midnight (Beijing time) of the plan's day, so that a
 * shift "06:00-20:00" is [21600, 72000] and a stop's ETA prints as HH:MM without a time zone
 * library. Weights are grams, volumes cubic centimetres, distances metres, money fen.
 */
import type { TemperatureClass } from '../network/index.ts';

export type { TemperatureClass };
export const TEMPERATURE_CLASSES: readonly TemperatureClass[] = ['ambient', 'chilled', 'frozen'];

/** The kinds of vehicle the chain runs in a crisis. */
export const VEHICLE_KINDS = ['refrigerated_truck', 'frozen_truck', 'multi_temperature_truck', 'ambient_van', 'rider_ebike'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];

/**
 * One compartment of a vehicle, held at one temperature class. Goods of a class travel only in a
 * compartment of that class (ambient goods included: a chilled box is not used as spare ambient
 * room, so a compartment's capacity is never shared between classes). `refrigerated` says the
 * compartment has its own cooling unit; an insulated box without one needs more coolant.
 */
export interface Compartment {
  temperatureClass: TemperatureClass;
  maxWeightKg: number;
  /** Litres (1 m³ = 1,000 L). */
  maxVolumeL: number;
  /** Optional pallet places; a pallet counts as `PALLET_VOLUME_L` of volume. */
  pallets?: number;
  refrigerated: boolean;
}

/** The volume one pallet place stands for when a compartment is sized in pallets (1.2 × 1.0 × 1.0 m usable, rounded down). */
export const PALLET_VOLUME_L = 1000;

/** A vehicle type of the fleet: identical vehicles, `count` of them at `homeNodeId`. */
export interface FleetVehicleType {
  id: string;
  name: string;
  kind: VehicleKind;
  compartments: Compartment[];
  /** Average road speed in the city, km/h. */
  speedKmh: number;
  costPerKmFen: number;
  costPerHourFen: number;
  /** "HH:MM" local time; the vehicle leaves no earlier and is back no later. */
  shiftStart: string;
  shiftEnd: string;
  homeNodeId: string;
  /** Vehicles of this type available (a day's availability may override it). */
  count: number;
}

/** Where a load goes: a node of the network, or a customer's address. */
export interface Place {
  id: string;
  name: string;
  lat: number;
  lng: number;
}

export interface LoadLine {
  itemId: string;
  quantity: number;
}

export type LoadKind = 'transfer' | 'purchase_order' | 'order';

/**
 * Something one vehicle carries from `originNodeId` to `destination` in one piece: a transfer
 * order, a purchase-order delivery collected from a supplier, or one customer order. A load is
 * never split across vehicles, because the ledger dispatches and receives a document as a whole.
 */
export interface Load {
  id: string;
  kind: LoadKind;
  originNodeId: string;
  destination: Place;
  lines: LoadLine[];
  /** Receiving windows in seconds from midnight, sorted; omitted means the destination's opening hours. */
  windows?: [number, number][];
}

/** What a load weighs and fills, per temperature class. */
export interface LoadSize {
  weightG: Record<TemperatureClass, number>;
  volumeCm3: Record<TemperatureClass, number>;
}

/** Why a load is on no trip; ordered from the most to the least specific. */
export type UnassignedReasonCode =
  | 'invalid_load' // unknown item, empty, no coordinates: the document must be fixed first
  | 'incompatible' // no vehicle in the fleet has a compartment for one of its temperature classes
  | 'demand_exceeds_capacity' // bigger than any compatible vehicle
  | 'time_window_unreachable' // no vehicle can reach the destination within its window and shift
  | 'fleet_exhausted'; // each could go alone, but the fleet has no vehicle time left

export interface UnassignedLoad {
  loadId: string;
  kind: LoadKind;
  reason: UnassignedReasonCode;
  /** A sentence with the figures behind the reason. */
  message: string;
}

export interface Coolant {
  dryIceG: number;
  dryIceBags: number;
  icePacks: number;
}

export interface ManifestLine {
  itemId: string;
  name: string;
  unit: string;
  temperatureClass: TemperatureClass;
  quantity: number;
}

export interface TripStop {
  seq: number;
  loadId: string;
  loadKind: LoadKind;
  place: Place;
  /** Seconds from midnight. */
  arrivalS: number;
  startS: number;
  departureS: number;
  windows: [number, number][];
  weightG: number;
  volumeCm3: number;
  manifest: ManifestLine[];
  coolant: Coolant;
}

export interface Trip {
  /** Stable within a plan: `T01`, `T02`, … in order of departure. */
  ref: string;
  vehicleTypeId: string;
  /** `<vehicle type>#<k>`: the k-th vehicle of the type, the same key across a day's plans. */
  vehicleKey: string;
  originNodeId: string;
  endNodeId: string;
  /** Leaves the origin (loaded) and is back at the end node. */
  departS: number;
  returnS: number;
  /** When the vehicle leaves its home for this trip (before departS when it drives empty to the origin). */
  leaveHomeS: number;
  distanceM: number;
  /** Driving to the origin when the vehicle is based elsewhere. */
  deadheadM: number;
  travelS: number;
  costFen: number;
  /** Loads per temperature class, in grams and cm³. */
  load: LoadSize;
  stops: TripStop[];
  coolant: Coolant;
}

export interface PlanTotals {
  trips: number;
  vehicles: number;
  loads: number;
  assigned: number;
  unassigned: number;
  distanceM: number;
  costFen: number;
  dryIceBags: number;
  icePacks: number;
}

export interface TripPlanResult {
  trips: Trip[];
  unassigned: UnassignedLoad[];
  totals: PlanTotals;
  /** Facts the reviewer should see (items without weight, loads with no window left). */
  warnings: string[];
  stats: { solves: number; iterations: number; elapsedMs: number; seed: number };
}
