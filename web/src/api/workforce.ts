import { api } from './client.ts';
import type { BodyOf, Item, QueryOf, ResponseOf } from './contract.ts';

/**
 * Staff and staffing plans, as the staff screen uses them (see src/api/routes/workforce.ts).
 * The shapes come from the generated schema (./contract.ts).
 */
export type StaffRow = Item<ResponseOf<'/api/staff', 'get'>['staff']>;
export type StaffingPlan = Item<ResponseOf<'/api/staffing-plans', 'get'>['plans']>;
export type StaffingReview = StaffingPlan['review'];

export const workforceApi = {
  staff: (query: QueryOf<'/api/staff', 'get'>, signal?: AbortSignal) => api.get<ResponseOf<'/api/staff', 'get'>>('/api/staff', { query, signal }),
  plans: (signal?: AbortSignal) => api.get<ResponseOf<'/api/staffing-plans', 'get'>>('/api/staffing-plans', { signal }),
  plan: (body: BodyOf<'/api/staffing-plans', 'post'>) => api.post<ResponseOf<'/api/staffing-plans', 'post', 201>>('/api/staffing-plans', body),
  apply: (id: string) => api.post<ResponseOf<'/api/staffing-plans/{id}/apply', 'post'>>('/api/staffing-plans/{id}/apply', {}, { params: { id } }),
};
