import { api, fillPath } from './client.ts';
import type { PathFor } from './operations.ts';
import type { BodyOf, Item, Known, QueryOf, ResponseOf } from './contract.ts';

/**
 * Trips, as the trips screen uses them (see src/api/routes/trips.ts); the shapes come from the
 * generated schema (./contract.ts). Times are seconds after midnight of the trip's day (Beijing).
 */
export type TripList = ResponseOf<'/api/trips', 'get'>;
export type Trip = Known<Item<TripList['trips']>>;
export type TripStop = Known<Item<Trip['stops']>>;
export type Coolant = Trip['coolant'];
export type TripPlan = Known<ResponseOf<'/api/trips/plans', 'post', 201>>;
export type TripPlanHeader = Known<Item<ResponseOf<'/api/trips/plans', 'get'>['plans']>>;
export type Fleet = ResponseOf<'/api/fleet', 'get'>;
export type Vehicle = Item<Fleet['vehicles']>;
export type TripPatch = BodyOf<'/api/trips/{id}', 'patch'>;

export const tripsApi = {
  trips: (query: QueryOf<'/api/trips', 'get'>, signal?: AbortSignal) => api.get<TripList>('/api/trips', { query, signal }),
  plans: (day: string, signal?: AbortSignal) => api.get<ResponseOf<'/api/trips/plans', 'get'>>('/api/trips/plans', { query: { day }, signal }),
  plan: (body: BodyOf<'/api/trips/plans', 'post'>) => api.post<TripPlan>('/api/trips/plans', body),
  confirm: (id: string) => api.post<TripPlan>('/api/trips/plans/{id}/confirm', {}, { params: { id } }),
  discardPlan: (id: string) => api.post<TripPlan>('/api/trips/plans/{id}/discard', {}, { params: { id } }),
  fleet: (day: string, signal?: AbortSignal) => api.get<Fleet>('/api/fleet', { query: { day }, signal }),
  assign: (id: string, patch: TripPatch) => api.patch<Trip>('/api/trips/{id}', patch, { params: { id } }),
  dispatch: (id: string) => api.post<Trip>('/api/trips/{id}/dispatch', {}, { params: { id } }),
  arrive: (id: string, seq: number) => api.post<Trip>('/api/trips/{id}/arrive', { stops: [{ seq, asShipped: true }] }, { params: { id } }),
  cancel: (id: string) => api.post<Trip>('/api/trips/{id}/cancel', {}, { params: { id } }),
  /** The printable trip sheet (HTML from the server; the session cookie authenticates the new tab). */
  sheetUrl: (id: string) => {
    const path: PathFor<'GET'> = '/api/trips/{id}/sheet';
    const format: QueryOf<'/api/trips/{id}/sheet', 'get'>['format'] = 'html';
    return `${fillPath(path, { id })}?format=${format}`;
  },
};

/** "HH:MM" from seconds after midnight. */
export function clock(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
