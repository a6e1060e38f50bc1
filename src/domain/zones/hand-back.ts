/**
 * The zone hand-back of a store that reopens during an incident: which zones it takes back, fitted
 * to its capacity.
 */
import type { DeliveryZone } from './zone.ts';
import type { ZoneChange } from './reassignment.ts';

/**
 * The zone hand-back of a store that reopens during an incident (online-only, closed-loop staff):
 * at its reopening it takes back the zones it served before the incident that the plan's zone
 * reassignment moved away (to another node, or left unserved). Each zone goes back as it was
 * before the incident (its serving node and split); the node that took it over becomes its first
 * backup, then the zone's own backups. Zones the reassignment did not touch are not listed: they
 * never left the store.
 *
 * The hand-back is one `ZoneChange` list per reopening, in the zones context's own shape, so
 * apply records it as a reviewed reassignment and schedules it at the reopening (the tick runs
 * it, lift reverts it), and the simulation plays exactly these lists at exactly that time.
 */
export interface ZoneHandBack {
  nodeId: string;
  /** ISO time of the reopening: the hand-back runs then (after the status change). */
  at: string;
  changes: ZoneChange[];
}

export function planHandBack(
  zonesBefore: ReadonlyArray<Pick<DeliveryZone, 'id' | 'servingNodeId' | 'split' | 'backupNodeIds' | 'demandOrdersPerDay'>>,
  reassignment: ReadonlyArray<Pick<ZoneChange, 'zoneId' | 'newNodeId' | 'newSplit'>>,
  reopenings: ReadonlyArray<{ nodeId: string; at: string }>,
): ZoneHandBack[] {
  const moved = new Map(reassignment.map((c) => [c.zoneId, c]));
  const out: ZoneHandBack[] = [];
  for (const r of reopenings) {
    const changes: ZoneChange[] = [];
    for (const z of zonesBefore) {
      if (z.servingNodeId !== r.nodeId) continue;
      const c = moved.get(z.id);
      if (!c || c.newNodeId === r.nodeId) continue;
      const backups = [c.newNodeId, c.newSplit?.nodeId, ...z.backupNodeIds].filter((id, i, a): id is string => !!id && id !== r.nodeId && id !== z.split?.nodeId && a.indexOf(id) === i);
      changes.push({
        zoneId: z.id,
        demandOrdersPerDay: z.demandOrdersPerDay,
        oldNodeId: c.newNodeId,
        oldSplit: c.newSplit,
        newNodeId: r.nodeId,
        newSplit: z.split,
        distanceM: null,
        newBackupNodeIds: backups,
        unservedOrdersPerDay: 0,
      });
    }
    if (changes.length > 0) out.push({ nodeId: r.nodeId, at: r.at, changes });
  }
  return out;
}

/** The serving list of a handed-back zone (primary, split node, backups), as the simulation plays it. */
export function handBackNodeIds(c: Pick<ZoneChange, 'newNodeId' | 'newSplit' | 'newBackupNodeIds'>): string[] {
  return [c.newNodeId, c.newSplit?.nodeId, ...c.newBackupNodeIds].filter((x, i, a): x is string => !!x && a.indexOf(x) === i);
}

/**
 * The capacity-limited hand-back (`zoneHandBack: "fit"`): each reopening store takes back only as
 * many of its listed zones as it can serve, `capacityOrdersPerDay` (the orders a day its roster can
 * pick and pack on the hand-back day, no more than its order capacity). Zones go back nearest
 * first (`distanceM`, zone to its store; a zone without a distance comes after those with one),
 * then largest demand first; a zone that does not fit is skipped and smaller ones after it may
 * still fit. The other zones stay where the plan put them. A store with no capacity takes none
 * back; a reopening with no zone left is dropped.
 */
export function fitHandBack(
  handBack: ReadonlyArray<ZoneHandBack>,
  capacityOrdersPerDay: ReadonlyMap<string, number>,
  distanceM: ReadonlyMap<string, number> = new Map(),
): ZoneHandBack[] {
  const out: ZoneHandBack[] = [];
  for (const h of handBack) {
    let left = Math.max(0, Math.floor(capacityOrdersPerDay.get(h.nodeId) ?? 0));
    const order = [...h.changes].sort((a, b) =>
      (distanceM.get(a.zoneId) ?? Infinity) - (distanceM.get(b.zoneId) ?? Infinity)
      || b.demandOrdersPerDay - a.demandOrdersPerDay
      || (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0));
    const taken = new Set<string>();
    for (const c of order) {
      if (c.demandOrdersPerDay > left) continue;
      taken.add(c.zoneId);
      left -= c.demandOrdersPerDay;
    }
    // In the list's own order (as planHandBack gives it).
    const changes = h.changes.filter((c) => taken.has(c.zoneId));
    if (changes.length > 0) out.push({ nodeId: h.nodeId, at: h.at, changes });
  }
  return out;
}
