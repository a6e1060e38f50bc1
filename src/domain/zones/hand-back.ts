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
