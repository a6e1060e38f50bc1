import { api } from './client.ts';

/** Sourcing plans, as the sourcing screen uses them (see src/api/routes/planning.ts). */
export interface SourcingLine {
  lineNo: number;
  kind: string;
  itemId: string;
  toNodeId: string;
  quantity: number;
  fromNodeId: string | null;
  shipmentId: string | null;
  originalNodeId: string | null;
  supplierId: string | null;
  expedited: boolean;
  distanceM: number | null;
  arrivalH: number;
  costFen: number;
  reason: string;
  /** The reason as codes with parameters (translated by the screen); the English `reason` is the fallback. */
  reasonCodes?: Array<{ code: string; params: Record<string, string | number> }>;
  documentId: string | null;
}
export interface SourcingShortage {
  nodeId: string;
  itemId: string;
  tier: string;
  needUnits: number;
  shortUnits: number;
  reason: string;
}
export interface SourcingPlanHeader {
  id: string;
  status: string;
  createdAt: string;
  appliedAt: string | null;
  summary: Record<string, unknown> & { method?: string; costFen?: number; premiumFen?: number; transportFen?: number; needUnits?: number; shortageUnits?: number };
  warnings: string[];
  documents: unknown;
}
export interface SourcingPlan extends SourcingPlanHeader {
  lines: SourcingLine[];
  shortages: SourcingShortage[];
}

export const planningApi = {
  /** The assortment settings (the size an incident plan starts from). */
  settings: (signal?: AbortSignal) => api.get<{ size?: number }>('/api/planning/settings', { signal }),
  plans: (signal?: AbortSignal) => api.get<{ plans: SourcingPlanHeader[] }>('/api/planning/plans', { signal }),
  suppliers: (signal?: AbortSignal) => api.get<{ suppliers: Array<{ id: string; name: string }> }>('/api/planning/suppliers', { signal }),
  plan: (id: string, signal?: AbortSignal) => api.get<SourcingPlan>('/api/planning/plans/{id}', { params: { id }, signal }),
  draft: () => api.post<SourcingPlan>('/api/planning/plans', {}),
  apply: (id: string) => api.post<unknown>('/api/planning/plans/{id}/apply', {}, { params: { id } }),
};
