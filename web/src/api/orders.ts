import { api, ApiError } from './client.ts';
import type { BodyOf, Item, QueryOf, ResponseOf } from './contract.ts';

/**
 * Slots, orders and placement, as the orders screen uses them (see src/api/routes/orders.ts).
 * The shapes come from the generated schema (./contract.ts).
 */
export type SlotsView = ResponseOf<'/api/slots', 'get'>;
export type SlotRow = Item<SlotsView['slots']>;
export type WindowRow = Item<SlotsView['windows']>;
export type OrderList = ResponseOf<'/api/orders', 'get'>;
export type OrderRow = Item<OrderList['orders']>;
/** The placement answer: 201 when something was accepted, 422 (same shape) when every line was refused. */
export type PlacementAnswer = ResponseOf<'/api/orders', 'post', 201> | ResponseOf<'/api/orders', 'post', 422>;
export type OrderInput = BodyOf<'/api/orders', 'post'>;

export const ordersApi = {
  slots: (query: QueryOf<'/api/slots', 'get'>, signal?: AbortSignal) => api.get<SlotsView>('/api/slots', { query, signal }),
  orders: (query: QueryOf<'/api/orders', 'get'>, signal?: AbortSignal) => api.get<OrderList>('/api/orders', { query, signal }),
  /** Places an order. A refusal (HTTP 422 with the placement answer) is returned as an answer, not thrown. */
  async place(input: OrderInput): Promise<PlacementAnswer> {
    try {
      return await api.post<PlacementAnswer>('/api/orders', input);
    } catch (e) {
      const body = e instanceof ApiError ? (e.body as unknown as Partial<PlacementAnswer>) : undefined;
      if (body && body.status === 'rejected' && Array.isArray(body.rejectedLines)) return body as PlacementAnswer;
      throw e;
    }
  },
};

/** Today's date in Beijing (the service day of the demo), as YYYY-MM-DD. */
export function beijingDay(offsetDays = 0, now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
