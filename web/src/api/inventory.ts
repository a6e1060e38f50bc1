import { api } from './client.ts';
import type { BodyOf, Item, QueryOf, ResponseOf } from './contract.ts';

/**
 * Stock balances, lots and counts, as the stock and count screens use them (see
 * src/api/routes/inventory.ts). The shapes come from the generated schema (./contract.ts).
 */
export type BalanceRow = Item<ResponseOf<'/api/inventory/balances', 'get'>['rows']>;
export type LotRow = Item<ResponseOf<'/api/inventory/lots', 'get'>['lots']>;
export type CountSummary = Item<ResponseOf<'/api/inventory/counts', 'get'>['counts']>;
export type CountSheet = ResponseOf<'/api/inventory/counts/{id}', 'get'>;
export type CountSheetLine = Item<CountSheet['lines']>;
export type CountReport = ResponseOf<'/api/inventory/counts/{id}/report', 'get'>;
export type CountReportLine = Item<CountReport['lines']>;
/** One node's stock in a few numbers (GET /api/inventory/summary), as the Stock screen shows it. */
export type StockSummary = ResponseOf<'/api/inventory/summary', 'get'>;

export const inventoryApi = {
  summary: (query: QueryOf<'/api/inventory/summary', 'get'>, signal?: AbortSignal) => api.get<StockSummary>('/api/inventory/summary', { query, signal }),
  balances: (query: QueryOf<'/api/inventory/balances', 'get'>, signal?: AbortSignal) =>
    api.get<ResponseOf<'/api/inventory/balances', 'get'>>('/api/inventory/balances', { query, signal }),
  lots: (query: QueryOf<'/api/inventory/lots', 'get'>, signal?: AbortSignal) => api.get<ResponseOf<'/api/inventory/lots', 'get'>>('/api/inventory/lots', { query, signal }),
  counts: (query: QueryOf<'/api/inventory/counts', 'get'>, signal?: AbortSignal) => api.get<ResponseOf<'/api/inventory/counts', 'get'>>('/api/inventory/counts', { query, signal }),
  openCount: (body: BodyOf<'/api/inventory/counts', 'post'>) => api.post<ResponseOf<'/api/inventory/counts', 'post', 201>>('/api/inventory/counts', body),
  sheet: (id: string, signal?: AbortSignal) => api.get<CountSheet>('/api/inventory/counts/{id}', { params: { id }, signal }),
  enter: (id: string, lines: BodyOf<'/api/inventory/counts/{id}/entries', 'post'>['lines']) =>
    api.post<ResponseOf<'/api/inventory/counts/{id}/entries', 'post'>>('/api/inventory/counts/{id}/entries', { lines }, { params: { id } }),
  report: (id: string, signal?: AbortSignal) => api.get<CountReport>('/api/inventory/counts/{id}/report', { params: { id }, signal }),
  post: (id: string) => api.post<ResponseOf<'/api/inventory/counts/{id}/post', 'post'>>('/api/inventory/counts/{id}/post', {}, { params: { id } }),
};
