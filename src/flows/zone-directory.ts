/**
 * Where an order from an address goes: its zone, serving node, backups, and whether it is under
 * lockdown (then, the drop point). The zones context answers when delivery zones are defined;
 * until any are, a fallback serves each address from the nearest delivery nodes whose delivery
 * radius reaches it (the way stores worked before zones were drawn), so a fresh system takes
 * orders as soon as it has nodes.
 */
import type { Kysely } from 'kysely';
import { haversineM } from '../domain/geo/index.ts';
import type { RoutingInfo } from '../domain/orders/index.ts';
import { getZoneIndex } from '../store/zones.ts';
import { listNodes } from '../store/network.ts';
import type { DB } from '../store/tables.ts';

export interface ZoneDirectory {
  lookup(lat: number, lng: number): RoutingInfo | null;
}

export type ZoneDirectorySource = (db: Kysely<DB>, now: Date) => Promise<ZoneDirectory>;

const DELIVERY_KINDS = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);

interface RadiusNode {
  id: string;
  lat: number;
  lng: number;
  radiusM: number;
}

/** Nearest delivery node in reach serves; the next two in reach back it up. */
export class RadiusDirectory implements ZoneDirectory {
  constructor(private readonly nodes: readonly RadiusNode[]) {}
  lookup(lat: number, lng: number): RoutingInfo | null {
    const inReach = this.nodes
      .map((n) => ({ n, d: haversineM({ lat, lng }, { lat: n.lat, lng: n.lng }) }))
      .filter((x) => x.d <= x.n.radiusM)
      .sort((a, b) => a.d - b.d || (a.n.id < b.n.id ? -1 : 1));
    if (inReach.length === 0) return null;
    return { zoneId: `radius:${inReach[0].n.id}`, servingNodeId: inReach[0].n.id, backupNodeIds: inReach.slice(1, 3).map((x) => x.n.id), underLockdown: false };
  }
}

const radiusCache = new WeakMap<object, { at: number; dir: RadiusDirectory }>();

/** The default source: the zones context's index when it has zones, else the radius fallback (cached for 5 s). */
export const defaultZoneDirectory: ZoneDirectorySource = async (db, now) => {
  let index: Awaited<ReturnType<typeof getZoneIndex>> | null = null;
  try {
    index = await getZoneIndex(db, now);
  } catch {
    // The zones tables are missing (an older database): use the fallback.
    index = null;
  }
  if (index && index.zoneCount > 0) {
    const idx = index;
    return {
      lookup(lat, lng) {
        const z = idx.lookup(lat, lng);
        if (!z) return null;
        return { zoneId: z.zoneId, servingNodeId: z.servingNodeId, backupNodeIds: z.backupNodeIds, underLockdown: z.underLockdown, ...(z.dropPoint ? { dropPoint: z.dropPoint } : {}) };
      },
    };
  }
  const cached = radiusCache.get(db);
  const t = performance.now();
  if (cached && t - cached.at < 5000) return cached.dir;
  const nodes = (await listNodes(db))
    .filter((n) => DELIVERY_KINDS.has(n.kind) && n.status !== 'closed' && n.maxDeliveryRadiusM > 0)
    .map((n) => ({ id: n.id, lat: n.lat, lng: n.lng, radiusM: n.maxDeliveryRadiusM }));
  const dir = new RadiusDirectory(nodes);
  radiusCache.set(db, { at: t, dir });
  return dir;
};

/** A fixed directory (tests, benchmarks): every address goes to the same routing. */
export const fixedDirectory = (routing: RoutingInfo | null): ZoneDirectory => ({ lookup: () => routing });
