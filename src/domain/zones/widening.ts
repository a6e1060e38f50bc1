/**
 * Widening before dropping (the seed's key move: 亦城景园 and the satellite warehouse widened
 * their range). When the nodes as they are leave orders unserved, the planner may raise each
 * open node's delivery radius and daily order capacity up to the limit the user set for its
 * kind; it then keeps only the smallest change per node that its new zones need. Every zone
 * still unserved says why (radius, capacity, no node) and the smallest change that would serve
 * it. Pure (the travel provider and solver are passed in).
 */
import { haversineExactM } from '../geo/index.ts';
import { err, ok, type Result } from '../shared/index.ts';
import { planReassignment, type NodeOverride, type PlanOptions, type PlannerNode, type ReassignmentInput, type ReassignmentProposal } from './reassignment.ts';

/** Per node kind: how far a node may deliver and how many orders a day it may take, at most. */
export interface NodeKindLimit {
  maxDeliveryRadiusM: number;
  maxDailyOrderCapacity: number;
}
export type NodeKindLimits = Record<string, NodeKindLimit>;

/**
 * Defaults (estimates, settable): a store delivers up to 8 km and 5,000 orders a day with
 * borrowed riders, a front warehouse up to 10 km and 5,000, an emergency warehouse up to
 * 10 km and 4,000. The seed's chain served ~10,000 a day from one store and two warehouses.
 */
export const DEFAULT_NODE_KIND_LIMITS: NodeKindLimits = {
  store: { maxDeliveryRadiusM: 8_000, maxDailyOrderCapacity: 5_000 },
  satellite_warehouse: { maxDeliveryRadiusM: 10_000, maxDailyOrderCapacity: 5_000 },
  emergency_warehouse: { maxDeliveryRadiusM: 10_000, maxDailyOrderCapacity: 4_000 },
};

/** Checks a limits patch; the error names the field. */
export function checkLimits(limits: unknown): Result<NodeKindLimits> {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) return err({ code: 'validation_failed', message: 'limits must be an object keyed by node kind', field: 'limits', expected: '{ kind: { maxDeliveryRadiusM, maxDailyOrderCapacity } }', actual: limits });
  const out: NodeKindLimits = {};
  for (const [kind, v] of Object.entries(limits as Record<string, unknown>)) {
    if (!/^[a-z_]{1,40}$/.test(kind)) return err({ code: 'validation_failed', message: `unknown node kind ${kind}`, field: `limits.${kind}`, expected: 'a node kind such as store', actual: kind });
    const o = v as Record<string, unknown>;
    if (typeof o !== 'object' || o === null) return err({ code: 'validation_failed', message: `limits.${kind} must be an object`, field: `limits.${kind}`, expected: '{ maxDeliveryRadiusM, maxDailyOrderCapacity }', actual: v });
    for (const k of ['maxDeliveryRadiusM', 'maxDailyOrderCapacity'] as const) {
      const x = o[k];
      if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 100_000) return err({ code: 'validation_failed', message: `limits.${kind}.${k} must be an integer from 0 to 100000`, field: `limits.${kind}.${k}`, expected: 'integer in [0, 100000]', actual: x });
    }
    out[kind] = { maxDeliveryRadiusM: o.maxDeliveryRadiusM as number, maxDailyOrderCapacity: o.maxDailyOrderCapacity as number };
  }
  return ok(out);
}

export interface KindedNode extends PlannerNode {
  kind: string;
}

/** One node's change in a plan (the simulation reads exactly this shape). */
export interface NodeChange {
  nodeId: string;
  maxDeliveryRadiusM: { from: number; to: number };
  dailyOrderCapacity: { from: number; to: number };
  reason: string;
}

export type UnservedWhy = 'radius' | 'capacity' | 'no_node';

export interface ExplainedUnserved {
  zoneId: string;
  ordersPerDay: number;
  why: UnservedWhy;
  /** The planner's own reason (no_node_in_reach / all_in_reach_full), as before widening existed. */
  reason: string;
  message: string;
  /** The one node change that would serve this zone (beyond the kind's limit), or null when no node trades. */
  smallestChange: { nodeId: string; maxDeliveryRadiusM?: { from: number; to: number }; dailyOrderCapacity?: { from: number; to: number } } | null;
}

export interface WidenedPlan {
  proposal: ReassignmentProposal;
  nodeChanges: NodeChange[];
  unserved: ExplainedUnserved[];
  /** Orders a day the nodes as they were would have left unserved (before widening). */
  unservedWithoutWideningOrdersPerDay: number;
}

const up = (v: number, step: number) => Math.ceil(v / step) * step;

/**
 * Plans the reassignment; when orders stay unserved, plans again with every trading node at its
 * kind's limits, then keeps for each node only the radius its farthest zone and the capacity its
 * load need (rounded up to 100 m and 50 orders). Zones served before are protected.
 */
export async function planWithWidening(input: ReassignmentInput & { nodes: readonly KindedNode[] }, limits: NodeKindLimits, options: PlanOptions): Promise<Result<WidenedPlan>> {
  const zones = input.zones.map((z) => ({ ...z, protected: z.protected ?? z.current.length > 0 }));
  const base = { ...input, zones };
  const first = await planReassignment(base, options);
  if (!first.ok) return first;
  const user = new Map((input.overrides ?? []).map((o) => [o.nodeId, o]));
  const eff = (n: KindedNode) => ({ r: user.get(n.id)?.maxDeliveryRadiusM ?? n.maxDeliveryRadiusM, c: user.get(n.id)?.dailyOrderCapacity ?? n.dailyOrderCapacity });
  const firstUnserved = first.value.totals.unservedOrdersPerDay;
  if (firstUnserved === 0) return ok({ proposal: first.value, nodeChanges: [], unserved: [], unservedWithoutWideningOrdersPerDay: 0 });

  const wide = new Map<string, { r: number; c: number }>();
  for (const n of input.nodes) {
    const e = eff(n);
    const l = limits[n.kind];
    wide.set(n.id, n.trading && l ? { r: Math.max(e.r, l.maxDeliveryRadiusM), c: Math.max(e.c, l.maxDailyOrderCapacity) } : e);
  }
  const wideOverrides: NodeOverride[] = input.nodes.map((n) => ({ ...user.get(n.id), nodeId: n.id, maxDeliveryRadiusM: wide.get(n.id)!.r, dailyOrderCapacity: wide.get(n.id)!.c }));
  const second = await planReassignment({ ...base, overrides: wideOverrides }, options);
  if (!second.ok) return second;
  const p = second.value;

  // Who serves each zone after the plan, and the farthest zone and load of each node.
  const changed = new Map(p.changes.map((c) => [c.zoneId, c]));
  const farthest = new Map<string, number>();
  const load = new Map(p.nodeLoads.map((l) => [l.nodeId, l.loadAfter]));
  const nodeById = new Map(input.nodes.map((n) => [n.id, n]));
  for (const z of zones) {
    const c = changed.get(z.id);
    const servers = c ? [c.newNodeId, c.newSplit?.nodeId].filter((x): x is string => !!x) : z.current.map((a) => a.nodeId);
    for (const id of servers) {
      const n = nodeById.get(id);
      if (!n) continue;
      farthest.set(id, Math.max(farthest.get(id) ?? 0, haversineExactM(n, z.centroid)));
    }
  }
  const nodeChanges: NodeChange[] = [];
  const overrides: NodeOverride[] = [...(input.overrides ?? [])];
  for (const n of input.nodes) {
    const e = eff(n);
    const w = wide.get(n.id)!;
    const needR = farthest.get(n.id) ?? 0;
    const needC = load.get(n.id) ?? 0;
    const toR = needR > e.r ? Math.min(w.r, up(needR, 100)) : e.r;
    const toC = needC > e.c ? Math.min(w.c, up(needC, 50)) : e.c;
    if (toR === e.r && toC === e.c) continue;
    const parts: string[] = [];
    if (toR !== e.r) parts.push(`its farthest zone is ${Math.round(needR)} m away (radius ${e.r} m)`);
    if (toC !== e.c) parts.push(`it takes ${needC} orders a day (capacity ${e.c})`);
    nodeChanges.push({ nodeId: n.id, maxDeliveryRadiusM: { from: n.maxDeliveryRadiusM, to: toR }, dailyOrderCapacity: { from: n.dailyOrderCapacity, to: toC }, reason: `widened within the ${n.kind} limits (${w.r} m, ${w.c} orders a day) to serve zones otherwise unserved: ${parts.join('; ')}` });
    const i = overrides.findIndex((o) => o.nodeId === n.id);
    const o: NodeOverride = { ...(i >= 0 ? overrides[i] : {}), nodeId: n.id, maxDeliveryRadiusM: toR, dailyOrderCapacity: toC };
    if (i >= 0) overrides[i] = o;
    else overrides.push(o);
  }
  const nodeLoads = p.nodeLoads.map((l) => {
    const o = overrides.find((x) => x.nodeId === l.nodeId);
    const n = nodeById.get(l.nodeId)!;
    return { ...l, dailyOrderCapacity: o?.dailyOrderCapacity ?? n.dailyOrderCapacity, maxDeliveryRadiusM: o?.maxDeliveryRadiusM ?? n.maxDeliveryRadiusM };
  });

  // Why each zone is still unserved, and the one change that would serve it.
  const trading = (input.nodes as readonly KindedNode[]).filter((n) => n.trading);
  const unserved: ExplainedUnserved[] = p.unserved.map((u) => {
    const z = zones.find((x) => x.id === u.zoneId)!;
    if (trading.length === 0) return { zoneId: u.zoneId, ordersPerDay: u.ordersPerDay, why: 'no_node', reason: 'no_node_in_reach', message: `no node trades that could serve zone ${u.zoneId}`, smallestChange: null };
    const ranked = trading.map((n) => ({ n, d: haversineExactM(n, z.centroid) })).sort((a, b) => a.d - b.d);
    const inReach = ranked.filter((x) => x.d <= wide.get(x.n.id)!.r && wide.get(x.n.id)!.c > 0);
    if (inReach.length === 0) {
      const { n, d } = ranked[0];
      const from = overrides.find((o) => o.nodeId === n.id)?.maxDeliveryRadiusM ?? n.maxDeliveryRadiusM;
      return { zoneId: u.zoneId, ordersPerDay: u.ordersPerDay, why: 'radius', reason: 'no_node_in_reach', message: `no trading node reaches zone ${u.zoneId} within its kind's radius limit; the nearest, ${n.id}, is ${Math.round(d)} m away (${n.kind} limit ${limits[n.kind]?.maxDeliveryRadiusM ?? from} m)`, smallestChange: { nodeId: n.id, maxDeliveryRadiusM: { from, to: up(d, 100) } } };
    }
    const { n } = inReach[0];
    const from = overrides.find((o) => o.nodeId === n.id)?.dailyOrderCapacity ?? n.dailyOrderCapacity;
    const after = load.get(n.id) ?? 0;
    return { zoneId: u.zoneId, ordersPerDay: u.ordersPerDay, why: 'capacity', reason: 'all_in_reach_full', message: `every node in reach of zone ${u.zoneId} (${inReach.map((x) => x.n.id).join(', ')}) is full at its kind's capacity limit`, smallestChange: { nodeId: n.id, dailyOrderCapacity: { from, to: Math.max(from, after) + u.ordersPerDay } } };
  });
  return ok({ proposal: { ...p, overrides, nodeLoads }, nodeChanges, unserved, unservedWithoutWideningOrdersPerDay: firstUnserved });
}
