/**
 * The network board: the whole network on one screen for the people running the
 * response. Pure: it takes what the contexts report (nodes, their order slots, the
 * zones' demand, key-essential stock, the day's trips) and the time, and answers the
 * figures per node and the alerts, each with a stable id (so an acknowledgement
 * sticks to it) and a code with parameters that the UI translates.
 *
 * Rules, in the order alerts are listed:
 * 1. `zones.unserved` (bad): zones whose orders no node serves.
 * 2. `node.over_capacity` (bad): a trading node whose zones ask more orders a day than its
 *    capacity; `node.fully_booked` (bad): one whose delivery slots of the day are all booked.
 * 3. `stock.key_out` (bad) / `stock.key_low` (warn): key essentials with demand that a
 *    trading node has none of to promise / under LOW_COVER_DAYS of cover.
 * 4. `trip.late_departure` (warn): a confirmed trip not dispatched DEPART_GRACE_S after
 *    its planned departure; `trip.late_arrival` (bad): a dispatched trip with a stop not
 *    reached ARRIVE_GRACE_S after its planned arrival.
 */

export const LOW_COVER_DAYS = 1;
export const DEPART_GRACE_S = 15 * 60;
export const ARRIVE_GRACE_S = 30 * 60;

export interface BoardInput {
  day: string;
  /** Milliseconds of the day's local midnight (trip times are seconds after it). */
  dayStartMs: number;
  nowMs: number;
  nodes: Array<{ id: string; nameZh: string; nameEn: string; kind: string; status: string; dailyOrderCapacity: number }>;
  slots: Array<{ nodeId: string; capacity: number; booked: number }>;
  zones: Array<{ id: string; servingNodeId: string | null; demandOrdersPerDay: number }>;
  keyStock: Array<{ nodeId: string; itemId: string; availableToPromise: number; daysOfCover: number | null; dailyDemand: number }>;
  trips: Array<{ id: string; ref: string; status: string; departS: number; originNodeId: string; stops: Array<{ seq: number; arrivalS: number; status: string; placeId: string }> }>;
  acks: ReadonlyMap<string, { by: string; at: string }>;
}

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
  lateTrips: Array<{ tripId: string; ref: string; kind: 'departure' | 'arrival'; minutesLate: number; originNodeId: string }>;
  alerts: BoardAlert[];
}

const DELIVERY = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);
const trading = (status: string) => status === 'open' || status === 'online_only';

export function buildBoard(input: BoardInput): Board {
  const alerts: Array<Omit<BoardAlert, 'acknowledgedBy' | 'acknowledgedAt'>> = [];
  const zoneDemand = new Map<string, number>();
  let unservedZones = 0;
  let unservedOrders = 0;
  for (const z of input.zones) {
    if (z.servingNodeId) zoneDemand.set(z.servingNodeId, (zoneDemand.get(z.servingNodeId) ?? 0) + z.demandOrdersPerDay);
    else if (z.demandOrdersPerDay > 0) {
      unservedZones += 1;
      unservedOrders += z.demandOrdersPerDay;
    }
  }
  if (unservedZones > 0) alerts.push({ id: `zones.unserved:${input.day}`, severity: 'bad', code: 'zones.unserved', params: { zones: unservedZones, ordersPerDay: Math.round(unservedOrders) } });

  const slotBy = new Map<string, { capacity: number; booked: number }>();
  for (const s of input.slots) {
    const a = slotBy.get(s.nodeId) ?? { capacity: 0, booked: 0 };
    a.capacity += s.capacity;
    a.booked += s.booked;
    slotBy.set(s.nodeId, a);
  }
  const stockBy = new Map<string, { out: string[]; low: string[] }>();
  for (const r of input.keyStock) {
    if (r.dailyDemand <= 0) continue;
    const a = stockBy.get(r.nodeId) ?? { out: [], low: [] };
    if (r.availableToPromise <= 0) a.out.push(r.itemId);
    else if (r.daysOfCover !== null && r.daysOfCover < LOW_COVER_DAYS) a.low.push(r.itemId);
    stockBy.set(r.nodeId, a);
  }

  const nodes: BoardNode[] = [];
  for (const n of input.nodes.filter((x) => DELIVERY.has(x.kind))) {
    const sl = slotBy.get(n.id) ?? { capacity: 0, booked: 0 };
    const st = stockBy.get(n.id) ?? { out: [], low: [] };
    const live = trading(n.status);
    const demand = Math.round(zoneDemand.get(n.id) ?? 0);
    nodes.push({ nodeId: n.id, nameZh: n.nameZh, nameEn: n.nameEn, kind: n.kind, status: n.status, trading: live, ordersBooked: sl.booked, slotCapacity: sl.capacity, dailyOrderCapacity: n.dailyOrderCapacity, zoneDemandOrdersPerDay: demand, keyOut: live ? st.out : [], keyLow: live ? st.low : [] });
    if (!live) continue;
    if (n.dailyOrderCapacity > 0 && demand > n.dailyOrderCapacity) {
      alerts.push({ id: `node.over_capacity:${n.id}:${input.day}`, severity: 'bad', code: 'node.over_capacity', params: { nodeId: n.id, demand, capacity: n.dailyOrderCapacity } });
    }
    if (sl.capacity > 0 && sl.booked >= sl.capacity) {
      alerts.push({ id: `node.fully_booked:${n.id}:${input.day}`, severity: 'bad', code: 'node.fully_booked', params: { nodeId: n.id, booked: sl.booked, slotCapacity: sl.capacity } });
    }
  }
  for (const n of nodes) {
    if (n.keyOut.length > 0) alerts.push({ id: `stock.key_out:${n.nodeId}:${input.day}`, severity: 'bad', code: 'stock.key_out', params: { nodeId: n.nodeId, items: n.keyOut.length } });
    if (n.keyLow.length > 0) alerts.push({ id: `stock.key_low:${n.nodeId}:${input.day}`, severity: 'warn', code: 'stock.key_low', params: { nodeId: n.nodeId, items: n.keyLow.length, days: LOW_COVER_DAYS } });
  }

  const nowS = (input.nowMs - input.dayStartMs) / 1000;
  const lateTrips: Board['lateTrips'] = [];
  for (const t of input.trips) {
    if (t.status === 'confirmed' && nowS > t.departS + DEPART_GRACE_S) {
      const m = Math.floor((nowS - t.departS) / 60);
      lateTrips.push({ tripId: t.id, ref: t.ref, kind: 'departure', minutesLate: m, originNodeId: t.originNodeId });
      alerts.push({ id: `trip.late_departure:${t.id}`, severity: 'warn', code: 'trip.late_departure', params: { ref: t.ref, minutes: m, nodeId: t.originNodeId } });
    } else if (t.status === 'dispatched') {
      const late = t.stops.find((s) => s.status !== 'arrived' && nowS > s.arrivalS + ARRIVE_GRACE_S);
      if (late) {
        const m = Math.floor((nowS - late.arrivalS) / 60);
        lateTrips.push({ tripId: t.id, ref: t.ref, kind: 'arrival', minutesLate: m, originNodeId: t.originNodeId });
        alerts.push({ id: `trip.late_arrival:${t.id}:${late.seq}`, severity: 'bad', code: 'trip.late_arrival', params: { ref: t.ref, minutes: m, seq: late.seq } });
      }
    }
  }
  return {
    day: input.day,
    at: new Date(input.nowMs).toISOString(),
    nodes,
    unserved: { zones: unservedZones, ordersPerDay: Math.round(unservedOrders) },
    lateTrips,
    alerts: alerts.map((a) => ({ ...a, acknowledgedBy: input.acks.get(a.id)?.by ?? null, acknowledgedAt: input.acks.get(a.id)?.at ?? null })),
  };
}
