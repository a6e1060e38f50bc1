import { api } from './client.ts';
import type { Item, ResponseOf } from './contract.ts';

/**
 * The network board (GET /api/board): the whole network at once, with alerts to acknowledge.
 * Its shapes come from the server's OpenAPI document (generated ./schema.ts), not restated here.
 */
export type Board = ResponseOf<'/api/board', 'get'>;
export type BoardNode = Item<Board['nodes']>;
export type BoardAlert = Item<Board['alerts']>;

export const boardApi = {
  get: (day: string, signal?: AbortSignal) => api.get<Board>('/api/board', { query: { day }, signal }),
  ack: (id: string, note = '') => api.post<ResponseOf<'/api/board/alerts/{id}/ack', 'post'>>('/api/board/alerts/{id}/ack', { note }, { params: { id } }),
};
