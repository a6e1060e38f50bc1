/** The network board's data: gathered from each context's store functions, figured by the pure board. */
import type { Kysely } from 'kysely';
import { buildBoard, type Board } from '../domain/incidents/index.ts';
import { localDay } from '../domain/orders/index.ts';
import * as network from '../store/network.ts';
import * as zones from '../store/zones.ts';
import * as orders from '../store/orders.ts';
import * as inventory from '../store/inventory.ts';
import * as trips from '../store/trips.ts';
import * as board from '../store/board.ts';
import type { DB } from '../store/tables.ts';

/** Beijing: the network's time zone (UTC+8, no daylight saving). */
const UTC_OFFSET_MIN = 8 * 60;

/**
 * Gathers what the board shows from each context's own functions (nodes, zones,
 * slots, key-essential balances, the day's trips, acknowledgements) and lets the
 * pure board (src/domain/incidents/board.ts) work out the figures and the alerts.
 */
export async function networkBoard(db: Kysely<DB>, now: Date, day = localDay(now.getTime(), UTC_OFFSET_MIN)): Promise<Board> {
  const dayStartMs = Date.parse(`${day}T00:00:00Z`) - UTC_OFFSET_MIN * 60_000;
  const [nodes, zoneList, slots, stock, tripList, acks] = await Promise.all([
    network.listNodes(db),
    zones.listZones(db),
    orders.slotViews(db, { day }),
    inventory.balances(db, { essentialTier: 'key', includeZero: true }),
    trips.listTrips(db, { day }),
    board.acknowledgements(db),
  ]);
  return buildBoard({
    day,
    dayStartMs,
    nowMs: now.getTime(),
    nodes: nodes.map((n) => ({ id: n.id, nameZh: n.nameZh, nameEn: n.nameEn, kind: n.kind, status: n.status, dailyOrderCapacity: n.dailyOrderCapacity })),
    slots: slots.slots.map((s) => ({ nodeId: s.nodeId, capacity: s.capacity, booked: s.booked })),
    zones: zoneList.map((z) => ({ id: z.id, servingNodeId: z.servingNodeId, demandOrdersPerDay: z.demandOrdersPerDay })),
    keyStock: stock.rows.map((r) => ({ nodeId: r.nodeId, itemId: r.itemId, availableToPromise: r.availableToPromise, daysOfCover: r.daysOfCover, dailyDemand: r.dailyDemand })),
    trips: tripList.filter((t) => t.status !== 'cancelled').map((t) => ({ id: t.id, ref: t.ref, status: t.status, departS: t.departS, originNodeId: t.originNodeId, stops: t.stops.map((s) => ({ seq: s.seq, arrivalS: s.arrivalS, status: s.status, placeId: s.place.id })) })),
    acks,
  });
}
