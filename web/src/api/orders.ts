import { api, ApiError } from './client.ts';

/** Slots, orders and placement, as the orders screen uses them (see src/api/routes/orders.ts). */
export interface SlotRow {
  nodeId: string;
  serviceDay: string;
  startAt: string;
  endAt: string;
  capacity: number;
  booked: number;
  remaining: number;
  full: boolean;
  backlog: number;
  orders: Record<string, number>;
}
export interface WindowRow {
  nodeId: string;
  serviceDay: string;
  dayCapacity: number;
  booked: number;
  opensAt: string;
  closesAt: string | null;
  remaining: number;
  soldOut: boolean;
}
export interface SlotsView {
  windows: WindowRow[];
  slots: SlotRow[];
  backlog: number;
  soldOutItems?: Array<{ itemId: string } & Record<string, unknown>>;
}
export interface OrderRow {
  id: string;
  customerId: string;
  nodeId: string;
  zoneId: string | null;
  slotStart: string;
  status: string;
  deliveryMode: string;
  placedAt: string;
  lines: Array<{ lineNo: number; itemId: string; quantity: number }>;
}
export interface PlacementAnswer {
  placementId: string | null;
  status: 'accepted' | 'partially_accepted' | 'rejected';
  code?: string;
  message: string;
  zoneId?: string;
  orders: Array<{ id: string; nodeId: string; slotStart: string; deliveryMode: string; lines: Array<{ itemId: string; quantity: number }> }>;
  rejectedLines: Array<{ line: number; itemId: string; quantity: number; code: string; message: string; available?: number; limitRemaining?: number; substitutes?: Array<{ itemId: string; available: number }> }>;
  nodeRefusals: Array<{ nodeId: string; code: string; message: string }>;
}
export interface OrderInput {
  customerId: string;
  address: { lat: number; lng: number; householdId?: string };
  lines: Array<{ itemId: string; quantity: number }>;
  slotStart: string;
}

export const ordersApi = {
  slots: (query: { nodeId?: string; day?: string }, signal?: AbortSignal) => api.get<SlotsView>('/api/slots', { query, signal }),
  orders: (query: { nodeId?: string; day?: string; limit?: number }, signal?: AbortSignal) => api.get<{ orders: OrderRow[]; total: number }>('/api/orders', { query, signal }),
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
