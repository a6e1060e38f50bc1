/**
 * What the network can serve on a day, counted honestly (issue 15): orders a day in zones whose
 * node trades, has delivery slots that day, has people (rostered there that day by the applied
 * staffing plan, or home staff when no applied plan covers it) and stocks the essentials (at
 * least `STOCKED_SHARE` of the assortment's essential and key items on hand or inbound on an
 * open document); each node counts the smallest of its zones' orders, its slot capacity that day
 * and its daily order capacity. Read only: call it with the network as it is on that day (after
 * the scheduler has run at that time).
 */
import { takesOnlineOrders } from '../../domain/network/index.ts';
import { geometryContains } from '../../domain/zones/index.ts';
import type { StoredZone } from '../../store/zones.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as orders from '../../store/orders.ts';
import * as planning from '../../store/planning.ts';
import * as workforce from '../../store/workforce.ts';
import { servedLoads } from './steps-slots.ts';
import { DELIVERY, type Db } from './common.ts';

export const STOCKED_SHARE = 0.8;

export interface ServableNode {
  nodeId: string;
  trading: boolean;
  zoneOrdersPerDay: number;
  slotCapacity: number;
  staffed: boolean;
  essentialsStockedShare: number;
  servableOrdersPerDay: number;
  /** Why a node serves less than its zones ask (null when it serves them all). */
  limitedBy: 'not_trading' | 'no_slots' | 'no_staff' | 'no_stock' | 'slot_capacity' | 'order_capacity' | null;
}

export async function servableOnDay(db: Db, day: string): Promise<{ day: string; servableOrdersPerDay: number; demandOrdersPerDay: number; nodes: ServableNode[] }> {
  const load = await servedLoads(db);
  const essentials = (await planning.currentAssortment(db)).map((r) => r.itemId);
  const essentialSet = new Set(essentials);
  const stocked = new Map<string, number>();
  for (const b of await planning.planningBalances(db)) {
    if (essentialSet.has(b.itemId) && b.onHand + b.inbound - b.reserved > 0) stocked.set(b.nodeId, (stocked.get(b.nodeId) ?? 0) + 1);
  }
  const dayStart = Date.parse(`${day}T00:00:00+08:00`);
  const plan = await workforce.currentPlan(db, new Date(dayStart + 12 * 3_600_000));
  const rostered = new Set<string>();
  if (plan) for (const a of await workforce.planAssignments(db, plan.id)) {
    const s = Date.parse(a.startsAt);
    if (s < dayStart + 86_400_000 && Date.parse(a.endsAt) > dayStart) rostered.add(a.siteId);
  }
  const planSites = new Set(plan?.sites.map((s) => s.id) ?? []);
  const out: ServableNode[] = [];
  for (const n of await network.listNodes(db)) {
    if (!DELIVERY.has(n.kind)) continue;
    const zoneOrders = load.get(n.id) ?? 0;
    if (zoneOrders === 0 && !takesOnlineOrders(n.status)) continue;
    const slotCapacity = (await orders.slotViews(db, { nodeId: n.id, day })).slots.reduce((a, s) => a + s.capacity, 0);
    const staffed = planSites.has(n.id) ? rostered.has(n.id) : (await workforce.listStaff(db, { homeNodeId: n.id })).length > 0;
    const share = essentials.length ? (stocked.get(n.id) ?? 0) / essentials.length : 1;
    const trading = takesOnlineOrders(n.status);
    let servable = 0;
    let limitedBy: ServableNode['limitedBy'] = null;
    if (!trading) limitedBy = 'not_trading';
    else if (slotCapacity === 0) limitedBy = 'no_slots';
    else if (!staffed) limitedBy = 'no_staff';
    else if (share < STOCKED_SHARE) limitedBy = 'no_stock';
    else {
      servable = Math.min(zoneOrders, slotCapacity, n.dailyOrderCapacity);
      if (servable < zoneOrders) limitedBy = slotCapacity <= n.dailyOrderCapacity ? 'slot_capacity' : 'order_capacity';
    }
    out.push({ nodeId: n.id, trading, zoneOrdersPerDay: zoneOrders, slotCapacity, staffed, essentialsStockedShare: Math.round(share * 1000) / 1000, servableOrdersPerDay: servable, limitedBy });
  }
  const demand = (await zones.listZones(db)).reduce((a, z) => a + z.demandOrdersPerDay, 0);
  return { day, servableOrdersPerDay: out.reduce((a, x) => a + x.servableOrdersPerDay, 0), demandOrdersPerDay: demand, nodes: out };
}

/** Zones with any service (a serving node that trades). */
export async function servedZoneIds(db: Db): Promise<Set<string>> {
  const trading = new Set((await network.listNodes(db)).filter((n) => takesOnlineOrders(n.status)).map((n) => n.id));
  return new Set((await zones.listZones(db)).filter((z) => (z.servingNodeId && trading.has(z.servingNodeId)) || (z.split && trading.has(z.split.nodeId))).map((z) => z.id));
}

/** Zones served in `before`, outside every lockdown area in force, and not served now. */
export async function zonesNewlyUnserved(db: Db, before: Set<string>): Promise<string[]> {
  const now = await servedZoneIds(db);
  const lockdowns = (await zones.listControlAreas(db)).filter((a) => a.level === 'lockdown' && !a.liftedAt);
  const inside = (z: StoredZone) => lockdowns.some((a) => geometryContains(a.geometry as never, z.centroid));
  return (await zones.listZones(db)).filter((z) => before.has(z.id) && !now.has(z.id) && !inside(z)).map((z) => z.id);
}
