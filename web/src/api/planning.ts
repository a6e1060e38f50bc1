import { api } from './client.ts';
import type { Item, ResponseOf } from './contract.ts';

/**
 * Sourcing plans, as the sourcing screen uses them (see src/api/routes/planning.ts).
 * The shapes come from the generated schema (./contract.ts).
 */
export type SourcingPlan = ResponseOf<'/api/planning/plans/{id}', 'get'>;
export type SourcingLine = Item<SourcingPlan['lines']>;
export type SourcingShortage = Item<SourcingPlan['shortages']>;
export type SourcingPlanHeader = Item<ResponseOf<'/api/planning/plans', 'get'>['plans']>;
export type AssortmentSettings = ResponseOf<'/api/planning/settings', 'get'>;
export type Suppliers = ResponseOf<'/api/planning/suppliers', 'get'>;

export const planningApi = {
  /** The assortment settings (the size an incident plan starts from). */
  settings: (signal?: AbortSignal) => api.get<AssortmentSettings>('/api/planning/settings', { signal }),
  plans: (signal?: AbortSignal) => api.get<ResponseOf<'/api/planning/plans', 'get'>>('/api/planning/plans', { signal }),
  suppliers: (signal?: AbortSignal) => api.get<Suppliers>('/api/planning/suppliers', { signal }),
  plan: (id: string, signal?: AbortSignal) => api.get<SourcingPlan>('/api/planning/plans/{id}', { params: { id }, signal }),
  draft: () => api.post<ResponseOf<'/api/planning/plans', 'post', 201>>('/api/planning/plans', {}),
  apply: (id: string) => api.post<ResponseOf<'/api/planning/plans/{id}/apply', 'post'>>('/api/planning/plans/{id}/apply', {}, { params: { id } }),
};
