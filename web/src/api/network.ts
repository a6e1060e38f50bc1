import { api } from './client.ts';
import type { components, paths } from './schema.ts';

/** Typed calls of the network context (nodes, items, demand, summary). */
type Json<P extends keyof paths, M extends 'get' | 'post', S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer R } } };
}
  ? R
  : never;

export type NodeList = Json<'/api/nodes', 'get'>;
export type Node = NodeList['nodes'][number];
export type ItemList = Json<'/api/items', 'get'>;
export type Place = Json<'/api/places', 'get'>['places'][number];

export const networkApi = {
  nodes: (signal?: AbortSignal) => api.get<NodeList>('/api/nodes', { signal }),
  setStatus: (id: string, status: string, reason: string, override?: boolean) => api.post<Node>('/api/nodes/{id}/status', { status, reason, ...(override ? { override: true } : {}) }, { params: { id } }),
  places: (q: string, signal?: AbortSignal) => api.get<{ places: Place[] }>('/api/places', { query: { q, limit: 8 }, signal }),
  items: (query: { q?: string; ids?: string; limit?: number; offset?: number; category?: string }, signal?: AbortSignal) => api.get<ItemList>('/api/items', { query, signal }),
};

export type { components };
