import { api } from './client.ts';

/** Incidents and their nightly reconciliation (see src/api/routes/incidents.ts). */
export interface IncidentRow {
  id: string;
  name: string;
  status: string;
  declaredAt: string;
  appliedAt: string | null;
  liftedAt: string | null;
}
export interface ReconciliationLine {
  nodeId: string;
  day: string;
  asked: number;
  sent: number;
  received: number;
  sold: number;
  writtenOff: number;
  countedDelta: number;
  transferVariance: number;
  differences: Array<{ kind: string; quantity: number; message: string }>;
}

export const reconciliationApi = {
  incidents: (signal?: AbortSignal) => api.get<{ incidents: IncidentRow[] }>('/api/incidents', { signal }),
  day: (id: string, day: string, signal?: AbortSignal) =>
    api.get<{ day: string; lines: ReconciliationLine[]; differences: number }>('/api/incidents/{id}/reconciliation', { params: { id }, query: { day }, signal }),
};
