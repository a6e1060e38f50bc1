import { api } from './client.ts';
import type { Item, Known, ResponseOf } from './contract.ts';

/** Incidents and their nightly reconciliation (see src/api/routes/incidents.ts); shapes from the generated schema (./contract.ts). */
export type IncidentRow = Item<ResponseOf<'/api/incidents', 'get'>['incidents']>;
export type ReconciliationDay = ResponseOf<'/api/incidents/{id}/reconciliation', 'get'>;
export type ReconciliationLine = Known<Item<ReconciliationDay['lines']>>;

export const reconciliationApi = {
  incidents: (signal?: AbortSignal) => api.get<ResponseOf<'/api/incidents', 'get'>>('/api/incidents', { signal }),
  day: (id: string, day: string, signal?: AbortSignal) => api.get<ReconciliationDay>('/api/incidents/{id}/reconciliation', { params: { id }, query: { day }, signal }),
};
