import { api } from './client.ts';

/** Stock balances, lots and counts, as the stock and count screens use them (see src/api/routes/inventory.ts). */
export interface BalanceRow {
  nodeId: string;
  itemId: string;
  category: string;
  temperatureClass: string;
  essentialTier: string;
  onHand: number;
  reserved: number;
  inTransitIn: number;
  inTransitOut: number;
  safetyBuffer: number;
  availableToPromise: number;
  dailyDemand: number;
  daysOfCover: number | null;
}
export interface LotRow {
  nodeId: string;
  itemId: string;
  lotCode: string;
  expiryDate: string | null;
  onHand: number;
}
export interface CountSummary {
  id: string;
  nodeId: string;
  scope: { category?: string; itemIds?: string[] };
  status: string;
  recountThreshold: number;
  openedAt: string;
  postedAt: string | null;
}
export interface CountSheetLine {
  itemId: string;
  lotCode: string;
  countedQuantity: number | null;
  recountQuantity: number | null;
  status: 'not_counted' | 'recount_required' | 'counted';
}
export interface CountSheet extends CountSummary {
  lines: CountSheetLine[];
}
export interface CountReportLine extends CountSheetLine {
  bookQuantity: number;
  differenceQuantity: number | null;
  differenceValueFen: number | null;
}
export interface CountReport extends CountSummary {
  lines: CountReportLine[];
  totals: Record<string, number>;
}

/** One node's stock in a few numbers (GET /api/inventory/summary), as the Stock screen shows it. */
export interface StockSummary {
  nodeId: string;
  demand: string;
  items: number;
  itemsWithDemand: number;
  stockouts: number;
  underThreeDays: number;
  expiringLots: number;
  expiringBefore: string;
  coverHistogram: Array<{ fromDays: number; toDays: number | null; count: number }>;
  lowest: Array<BalanceRow & { nameZh: string; nameEn: string; unit: string }>;
}

export const inventoryApi = {
  summary: (query: { nodeId: string; demand?: 'baseline' | 'surge' }, signal?: AbortSignal) => api.get<StockSummary>('/api/inventory/summary', { query, signal }),
  balances: (query: { nodeId?: string; includeZero?: boolean; essentialTier?: string; limit?: number; demand?: 'baseline' | 'surge' }, signal?: AbortSignal) =>
    api.get<{ rows: BalanceRow[]; total: number }>('/api/inventory/balances', { query, signal }),
  lots: (query: { nodeId?: string; expiringBefore?: string }, signal?: AbortSignal) => api.get<{ lots: LotRow[] }>('/api/inventory/lots', { query, signal }),
  counts: (query: { nodeId?: string; status?: string }, signal?: AbortSignal) => api.get<{ counts: CountSummary[] }>('/api/inventory/counts', { query, signal }),
  openCount: (body: { nodeId: string; category?: string; itemIds?: string[] }) => api.post<CountSummary>('/api/inventory/counts', body),
  sheet: (id: string, signal?: AbortSignal) => api.get<CountSheet>('/api/inventory/counts/{id}', { params: { id }, signal }),
  enter: (id: string, lines: Array<{ itemId: string; lotCode: string; quantity: number }>) =>
    api.post<{ lines: CountSheetLine[] }>('/api/inventory/counts/{id}/entries', { lines }, { params: { id } }),
  report: (id: string, signal?: AbortSignal) => api.get<CountReport>('/api/inventory/counts/{id}/report', { params: { id }, signal }),
  post: (id: string) => api.post<unknown>('/api/inventory/counts/{id}/post', {}, { params: { id } }),
};
