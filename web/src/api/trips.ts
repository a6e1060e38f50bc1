import { api } from './client.ts';

/** Trips, as the trips screen uses them (see src/api/routes/trips.ts). Times are seconds after midnight of the trip's day (Beijing). */
export interface Coolant {
  dryIceG?: number;
  dryIceBags?: number;
  icePacks?: number;
}
export interface TripStop {
  seq: number;
  loadKind: string;
  loadId: string;
  place: { id: string; lat: number; lng: number; name: string };
  arrivalS: number;
  startS: number;
  departureS: number;
  windows: Array<[number, number]>;
  weightG: number;
  coolant: Coolant;
  status: string;
  arrivedAt: string | null;
  manifest: Array<{ itemId: string; name: string; unit: string; quantity: number; temperatureClass: string }>;
}
export interface Trip {
  id: string;
  planId: string;
  status: string;
  ref: string;
  day: string;
  vehicleTypeId: string;
  vehicleId: string | null;
  driverName: string | null;
  originNodeId: string;
  endNodeId: string;
  departS: number;
  returnS: number;
  distanceM: number;
  costFen: number;
  coolant: Coolant;
  coolantNote?: string;
  stops: TripStop[];
}

export const tripsApi = {
  trips: (query: { day?: string; status?: string }, signal?: AbortSignal) => api.get<{ trips: Trip[] }>('/api/trips', { query, signal }),
};

/** "HH:MM" from seconds after midnight. */
export function clock(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
