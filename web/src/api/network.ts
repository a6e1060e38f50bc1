import { api } from './client.ts';
import type { components } from './schema.ts';
import type { Item, QueryOf, ResponseOf } from './contract.ts';

/** Typed calls of the network context (nodes, items, demand, summary); shapes from the generated schema (./contract.ts). */
export type NodeList = ResponseOf<'/api/nodes', 'get'>;
export type Node = Item<NodeList['nodes']>;
export type ItemList = ResponseOf<'/api/items', 'get'>;
export type Place = Item<ResponseOf<'/api/places', 'get'>['places']>;

export const networkApi = {
  nodes: (signal?: AbortSignal) => api.get<NodeList>('/api/nodes', { signal }),
  setStatus: (id: string, status: string, reason: string, override?: boolean) => api.post<ResponseOf<'/api/nodes/{id}/status', 'post'>>('/api/nodes/{id}/status', { status, reason, ...(override ? { override: true } : {}) }, { params: { id } }),
  places: (q: string, signal?: AbortSignal) => api.get<{ places: Place[] }>('/api/places', { query: { q, limit: 8 }, signal }),
  items: (query: QueryOf<'/api/items', 'get'>, signal?: AbortSignal) => api.get<ItemList>('/api/items', { query, signal }),
};

export type { components };
