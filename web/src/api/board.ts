import { api } from './client.ts';

/** The network board (GET /api/board): the whole network at once, with alerts to acknowledge. */
export interface BoardNode {
  nodeId: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  status: string;
  trading: boolean;
  ordersBooked: number;
  slotCapacity: number;
  dailyOrderCapacity: number;
  zoneDemandOrdersPerDay: number;
  keyOut: string[];
  keyLow: string[];
}
export interface BoardAlert {
  id: string;
  severity: 'bad' | 'warn';
  code: string;
  params: Record<string, string | number>;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}
export interface Board {
  day: string;
  at: string;
  nodes: BoardNode[];
  unserved: { zones: number; ordersPerDay: number };
  lateTrips: Array<{ tripId: string; ref: string; kind: string; minutesLate: number; originNodeId: string }>;
  alerts: BoardAlert[];
}

export const boardApi = {
  get: (day: string, signal?: AbortSignal) => api.get<Board>('/api/board', { query: { day }, signal }),
  ack: (id: string, note = '') => api.post<{ alertId: string }>('/api/board/alerts/{id}/ack', { note }, { params: { id } }),
};
