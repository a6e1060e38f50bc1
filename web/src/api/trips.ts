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
  /** `coolant_rule` with the rule's figures (the screen words them); '' for older trips. */
  coolantNoteCode?: 'coolant_rule' | '';
  coolantNoteParams?: Record<string, number>;
  stops: TripStop[];
}

export interface TripPlan {
  id: string;
  day: string;
  mode: string;
  status: string;
  result: {
    trips: Array<{ stops: unknown[] }>;
    unassigned: Array<{ loadId: string; kind: string; reason: string; message: string }>;
    totals: { trips: number; vehicles: number; loads: number; assigned: number; unassigned: number; distanceM: number; costFen: number; dryIceBags: number; icePacks: number };
    warnings: string[];
  };
  violations: Array<{ message?: string }>;
}
export interface Vehicle {
  id: string;
  vehicleTypeId: string;
  plate: string;
  driverName: string | null;
  driverPhone: string | null;
}

export const tripsApi = {
  trips: (query: { day?: string; status?: string }, signal?: AbortSignal) => api.get<{ trips: Trip[] }>('/api/trips', { query, signal }),
  plans: (day: string, signal?: AbortSignal) => api.get<{ plans: Array<Omit<TripPlan, 'result'> & { totals: TripPlan['result']['totals'] }> }>('/api/trips/plans', { query: { day }, signal }),
  plan: (body: { day: string; mode: 'cold' | 'wave'; wave?: string; timeLimitS?: number }) => api.post<TripPlan>('/api/trips/plans', body),
  confirm: (id: string) => api.post<TripPlan>('/api/trips/plans/{id}/confirm', {}, { params: { id } }),
  discardPlan: (id: string) => api.post<TripPlan>('/api/trips/plans/{id}/discard', {}, { params: { id } }),
  fleet: (day: string, signal?: AbortSignal) => api.get<{ vehicles: Vehicle[] }>('/api/fleet', { query: { day }, signal }),
  assign: (id: string, patch: { vehicleId?: string | null; driverName?: string | null; driverPhone?: string | null }) => api.patch<Trip>('/api/trips/{id}', patch, { params: { id } }),
  dispatch: (id: string) => api.post<Trip>('/api/trips/{id}/dispatch', {}, { params: { id } }),
  arrive: (id: string, seq: number) => api.post<Trip>('/api/trips/{id}/arrive', { stops: [{ seq, asShipped: true }] }, { params: { id } }),
  cancel: (id: string) => api.post<Trip>('/api/trips/{id}/cancel', {}, { params: { id } }),
  /** The printable trip sheet (HTML from the server; the session cookie authenticates the new tab). */
  sheetUrl: (id: string) => `/api/trips/${encodeURIComponent(id)}/sheet?format=html`,
};

/** "HH:MM" from seconds after midnight. */
export function clock(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
