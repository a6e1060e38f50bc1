import { api } from './client.ts';
import type { paths } from './schema.ts';

/**
 * The network board (GET /api/board): the whole network at once, with alerts to acknowledge.
 * Its shapes come from the server's OpenAPI document (generated ./schema.ts), not restated here.
 */
export type Board = paths['/api/board']['get']['responses'][200]['content']['application/json'];
export type BoardNode = Board['nodes'][number];
export type BoardAlert = Board['alerts'][number];

export const boardApi = {
  get: (day: string, signal?: AbortSignal) => api.get<Board>('/api/board', { query: { day }, signal }),
  ack: (id: string, note = '') => api.post<{ alertId: string }>('/api/board/alerts/{id}/ack', { note }, { params: { id } }),
};
