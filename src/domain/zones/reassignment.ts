/**
 * The zone-reassignment planner (切换路区). When nodes are suspended or their
 * capacity or reach changes, it proposes which node serves each affected zone:
 * within each node's delivery radius (and travel time, when set) and daily order
 * capacity, minimising demand-weighted travel distance, splitting a zone between
 * two nodes only when that serves more orders, and reporting what cannot be served
 * and why. The model is a MIP solved by the injected solver (HiGHS by default); a
 * greedy heuristic runs only when the solver fails, and the result says so.
 */
import type { LatLng } from '../geo/index.ts';
import { haversineExactM } from '../geo/index.ts';
import type { TravelTable, TravelTimeProvider } from '../geo/index.ts';
import { err, invariant, ok, type Result } from '../shared/index.ts';
import { INF, ModelBuilder, type LinearModel, type MipSolver, type SolveResult } from '../shared/index.ts';

export interface PlannerNode {
  id: string;
  lat: number;
  lng: number;
  /** Can take online orders (open or online-only). */
  trading: boolean;
  dailyOrderCapacity: number;
  maxDeliveryRadiusM: number;
  /** Optional limit on travel time to a zone's centre. */
  maxTravelS?: number | null;
}

export interface PlannerZone {
  id: string;
  centroid: LatLng;
  demandOrdersPerDay: number;
  /** How the zone is served today, primary first (empty when unserved). */
  current: Array<{ nodeId: string; ordersPerDay: number }>;
  /**
   * Served before and must stay served: leaving it unserved costs `PROTECTED_WEIGHT` times
   * more than leaving a zone unserved that had no service (a plan never takes service away
   * from a zone it can still serve).
   */
  protected?: boolean;
}

/** How much more an unserved order of a protected zone costs than one of another zone. */
export const PROTECTED_WEIGHT = 20;

/** A what-if change to a node for this plan (the seed widened a store's range). */
export interface NodeOverride {
  nodeId: string;
  dailyOrderCapacity?: number;
  maxDeliveryRadiusM?: number;
  maxTravelS?: number | null;
}

export interface ReassignmentInput {
  zones: readonly PlannerZone[];
  nodes: readonly PlannerNode[];
  overrides?: readonly NodeOverride[];
  /**
   * `affected` (default): only zones served by a node that no longer trades, no
   * longer reaches them, or is over capacity (and unserved zones) may move.
   * `all`: every zone may move; moving one costs `moveCostPerOrderM` per order.
   */
  scope?: 'affected' | 'all';
  allowSplit?: boolean;
  /** Extra cost, in order-metres per order, of moving a zone that need not move (scope `all`). */
  moveCostPerOrderM?: number;
}

export type UnservedReason = 'no_node_in_reach' | 'all_in_reach_full';

interface Candidate {
  node: number;
  distanceM: number;
  durationS: number;
}

/** The planner's input with overrides applied, reach computed and fixed load counted. */
export interface ReassignmentProblem {
  zones: readonly PlannerZone[];
  nodes: PlannerNode[];
  nodeIndex: Map<string, number>;
  /** Indices of zones that may move. */
  movable: number[];
  /** Per movable zone (same order as `movable`): nodes in reach, nearest first. */
  reach: Candidate[][];
  /** Orders a day each node keeps from zones that do not move. */
  fixedLoad: number[];
  /** Orders a day each node had before the plan. */
  loadBefore: number[];
  allowSplit: boolean;
  scope: 'affected' | 'all';
  moveCostPerOrderM: number;
  /** Cost per unserved order, in order-metres (far above any travel distance). */
  unservedCostPerOrder: number;
  /** Cost of using a node for a zone, per order of the zone (makes splits a last resort). */
  splitCostPerOrder: number;
}

/** Checks the input and the overrides; the error names the field. */
export function checkInput(input: ReassignmentInput): Result<true> {
  const ids = new Set(input.nodes.map((n) => n.id));
  for (const [i, o] of (input.overrides ?? []).entries()) {
    if (!ids.has(o.nodeId)) return err({ code: 'not_found', message: `override for unknown node ${o.nodeId}`, field: `overrides.${i}.nodeId`, expected: 'a node id', actual: o.nodeId });
    for (const k of ['dailyOrderCapacity', 'maxDeliveryRadiusM'] as const) {
      const v = o[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1e9)) {
        return err({ code: 'validation_failed', message: `overrides.${i}.${k} must be a non-negative integer`, field: `overrides.${i}.${k}`, expected: 'integer >= 0', actual: v });
      }
    }
    if (o.maxTravelS != null && (!Number.isInteger(o.maxTravelS) || o.maxTravelS <= 0)) {
      return err({ code: 'validation_failed', message: `overrides.${i}.maxTravelS must be a positive integer`, field: `overrides.${i}.maxTravelS`, expected: 'integer > 0', actual: o.maxTravelS });
    }
  }
  return ok(true);
}

/** Applies overrides, computes reach from `travel` (nodes × zones) and picks the zones that may move. */
export function buildProblem(input: ReassignmentInput, travel: TravelTable): ReassignmentProblem {
  invariant(travel.sources === input.nodes.length && travel.destinations === input.zones.length, 'travel table is nodes × zones');
  const overrides = new Map((input.overrides ?? []).map((o) => [o.nodeId, o]));
  const nodes = input.nodes.map((n) => {
    const o = overrides.get(n.id);
    return o
      ? {
          ...n,
          dailyOrderCapacity: o.dailyOrderCapacity ?? n.dailyOrderCapacity,
          maxDeliveryRadiusM: o.maxDeliveryRadiusM ?? n.maxDeliveryRadiusM,
          maxTravelS: o.maxTravelS !== undefined ? o.maxTravelS : n.maxTravelS,
        }
      : { ...n };
  });
  const nodeIndex = new Map(nodes.map((n, i) => [n.id, i]));
  const Z = input.zones.length;
  const reachOf = (z: number): Candidate[] => {
    const out: Candidate[] = [];
    const zone = input.zones[z];
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n];
      if (!node.trading || node.dailyOrderCapacity <= 0) continue;
      if (haversineExactM(node, zone.centroid) > node.maxDeliveryRadiusM) continue;
      const k = n * Z + z;
      const durationS = travel.durationS[k];
      if (node.maxTravelS != null && durationS > node.maxTravelS) continue;
      out.push({ node: n, distanceM: travel.distanceM[k], durationS });
    }
    return out.sort((a, b) => a.distanceM - b.distanceM || a.node - b.node);
  };

  const loadBefore = new Array<number>(nodes.length).fill(0);
  for (const z of input.zones) for (const a of z.current) {
    const n = nodeIndex.get(a.nodeId);
    if (n !== undefined) loadBefore[n] += a.ordersPerDay;
  }
  const scope = input.scope ?? 'affected';
  const movableSet = new Set<number>();
  const reachCache = new Map<number, Candidate[]>();
  const reach = (z: number) => {
    let r = reachCache.get(z);
    if (!r) reachCache.set(z, (r = reachOf(z)));
    return r;
  };
  if (scope === 'all') {
    for (let z = 0; z < Z; z++) movableSet.add(z);
  } else {
    const overloaded = new Set<number>();
    for (let n = 0; n < nodes.length; n++) if (loadBefore[n] > nodes[n].dailyOrderCapacity) overloaded.add(n);
    for (let z = 0; z < Z; z++) {
      const zone = input.zones[z];
      if (zone.demandOrdersPerDay === 0) continue;
      if (zone.current.length === 0) {
        movableSet.add(z);
        continue;
      }
      for (const a of zone.current) {
        const n = nodeIndex.get(a.nodeId);
        if (n === undefined || !nodes[n].trading || overloaded.has(n) || !reach(z).some((c) => c.node === n)) {
          movableSet.add(z);
          break;
        }
      }
    }
  }
  const movable = [...movableSet].sort((a, b) => a - b);
  const fixedLoad = new Array<number>(nodes.length).fill(0);
  for (let z = 0; z < Z; z++) {
    if (movableSet.has(z)) continue;
    for (const a of input.zones[z].current) {
      const n = nodeIndex.get(a.nodeId);
      if (n !== undefined) fixedLoad[n] += a.ordersPerDay;
    }
  }
  const reachLists = movable.map(reach);
  let maxDistanceM = 1;
  for (const r of reachLists) for (const c of r) if (c.distanceM > maxDistanceM) maxDistanceM = c.distanceM;
  const moveCostPerOrderM = scope === 'all' ? (input.moveCostPerOrderM ?? 500) : 0;
  const splitCostPerOrder = maxDistanceM + moveCostPerOrderM + 1;
  return {
    zones: input.zones,
    nodes,
    nodeIndex,
    movable,
    reach: reachLists,
    fixedLoad,
    loadBefore,
    allowSplit: input.allowSplit ?? true,
    scope,
    moveCostPerOrderM,
    unservedCostPerOrder: 100 * splitCostPerOrder,
    splitCostPerOrder,
  };
}

/** A decided allocation: per movable zone (same order as `problem.movable`), the nodes and orders a day. */
export interface Allocation {
  parts: Array<Array<{ node: number; ordersPerDay: number }>>;
}

/** Shares of each movable zone's demand per node, as the solver returns them (0..1). */
export type Shares = Array<Array<{ node: number; share: number }>>;

export interface ModelColumns {
  /** The movable-zone positions (indices into `problem.movable`) this model covers. */
  zones: number[];
  /** Per covered zone: [candidate index in reach, x column]. */
  x: Array<Array<[number, number]>>;
}

function moveCost(p: ReassignmentProblem, z: number, node: number): number {
  if (p.moveCostPerOrderM === 0) return 0;
  const zone = p.zones[p.movable[z]];
  return zone.current.some((a) => p.nodeIndex.get(a.nodeId) === node) || zone.current.length === 0 ? 0 : p.moveCostPerOrderM;
}

export interface ModelOptions {
  /** The LP relaxation: no binaries (the plain transportation problem). */
  relaxed?: boolean;
  /** Only these movable-zone positions (default all). */
  zones?: readonly number[];
  /** Orders a day already given to each node by zones outside this model. */
  extraLoad?: readonly number[];
}

/**
 * Builds the MIP. Per movable zone z with demand d and node n in reach:
 * x[z,n] in [0,1] is the share n serves, u[z] the share left unserved, and (when
 * splits are allowed and more than one node reaches z) y[z,n] binary says n serves
 * part of z, at most two per zone, with s[z] >= Σ y[z,n] - 1 marking a split.
 * Capacity: Σ d·x[z,n] ≤ capacity − fixed load.
 * Cost: d·distance·x + d·unservedCost·u + d·splitCost·s. Because splitCost exceeds
 * any distance saving, a second node is used only when it serves more orders.
 * The split cost sits on s rather than on every y so that the LP relaxation (y = x,
 * s = 0) is the plain transportation problem: tight, with few fractional zones,
 * and the objective holds no large constant that would make the relative gap
 * meaningless. Without splits, x and u are binary (a generalised assignment).
 */
export function buildReassignmentModel(p: ReassignmentProblem, options: ModelOptions = {}): { model: LinearModel; columns: ModelColumns } {
  const b = new ModelBuilder('minimize');
  const relaxed = options.relaxed ?? false;
  const covered = options.zones ? [...options.zones] : p.movable.map((_, zi) => zi);
  const nodeTerms: Array<Array<[number, number]>> = p.nodes.map(() => []);
  const x: ModelColumns['x'] = [];
  const integer = !relaxed && !p.allowSplit;
  for (const zi of covered) {
    const zone = p.zones[p.movable[zi]];
    const d = zone.demandOrdersPerDay;
    const cands = p.reach[zi];
    const xs: Array<[number, number]> = [];
    const splitting = !relaxed && p.allowSplit && cands.length > 1;
    const u = b.addVar({ cost: d * p.unservedCostPerOrder * (zone.protected ? PROTECTED_WEIGHT : 1), upper: 1, integer, name: `u_${zone.id}` });
    const assign: Array<[number, number]> = [[u, 1]];
    const ys: Array<[number, number]> = [];
    for (let k = 0; k < cands.length; k++) {
      const c = cands[k];
      const col = b.addVar({ cost: d * (c.distanceM + moveCost(p, zi, c.node)), upper: 1, integer, name: `x_${zone.id}_${p.nodes[c.node].id}` });
      xs.push([k, col]);
      assign.push([col, 1]);
      if (d > 0) nodeTerms[c.node].push([col, d]);
      if (splitting) {
        const y = b.addVar({ upper: 1, integer: true, name: `y_${zone.id}_${p.nodes[c.node].id}` });
        b.addRow([[col, 1], [y, -1]], -INF, 0, `link_${zone.id}_${p.nodes[c.node].id}`);
        ys.push([y, 1]);
      }
    }
    b.addRow(assign, 1, 1, `serve_${zone.id}`);
    if (splitting) {
      const split = b.addVar({ cost: d * p.splitCostPerOrder, upper: 1, name: `s_${zone.id}` });
      b.addRow([...ys, [split, -1]], -INF, 1, `split_${zone.id}`);
      if (cands.length > 2) b.addRow(ys, -INF, 2, `atmost2_${zone.id}`);
    }
    x.push(xs);
  }
  for (let n = 0; n < p.nodes.length; n++) {
    if (nodeTerms[n].length === 0) continue;
    const room = Math.max(0, p.nodes[n].dailyOrderCapacity - p.fixedLoad[n] - (options.extraLoad?.[n] ?? 0));
    b.addRow(nodeTerms[n], -INF, room, `cap_${p.nodes[n].id}`);
  }
  return { model: b.build(), columns: { zones: covered, x } };
}

/** Reads the x columns of a solved model into per-zone shares (into `into`, by zone position). */
export function readShares(p: ReassignmentProblem, columns: ModelColumns, values: Float64Array, into: Shares): void {
  columns.zones.forEach((zi, i) => {
    into[zi] = columns.x[i].map(([k, col]) => ({ node: p.reach[zi][k].node, share: Math.min(1, Math.max(0, values[col])) })).filter((s) => s.share > 1e-9);
  });
}

const EPS = 1e-6;

/** A zone whose LP shares are not all 0 or 1 (split, or partly unserved). */
export function isFractional(shares: ReadonlyArray<{ share: number }>): boolean {
  const total = shares.reduce((t, s) => t + s.share, 0);
  const whole = shares.filter((s) => s.share > 1 - EPS).length;
  return !((whole === 1 && total < 1 + EPS) || total < EPS);
}

/**
 * Turns shares into whole orders: each part is rounded down, then the leftover
 * orders go to the zone's parts with the largest fractions while their node has
 * room; what remains is unserved. Parts below half an order are dropped.
 */
export function decodeShares(p: ReassignmentProblem, shares: Shares): Allocation {
  const room = p.nodes.map((n, i) => n.dailyOrderCapacity - p.fixedLoad[i]);
  const fractional = shares.map((zs, zi) => {
    const d = p.zones[p.movable[zi]].demandOrdersPerDay;
    return zs
      .map((s) => ({ node: s.node, exact: s.share * d }))
      .filter((part) => part.exact >= 0.5)
      .sort((a, b) => b.exact - a.exact || a.node - b.node);
  });
  const parts = fractional.map((fr) => fr.map((f) => ({ node: f.node, ordersPerDay: Math.floor(f.exact + EPS) })));
  for (const zp of parts) for (const part of zp) room[part.node] -= part.ordersPerDay;
  for (let zi = 0; zi < parts.length; zi++) {
    const d = p.zones[p.movable[zi]].demandOrdersPerDay;
    const given = parts[zi].reduce((s, q) => s + q.ordersPerDay, 0);
    let left = Math.min(Math.round(fractional[zi].reduce((s, f) => s + f.exact, 0)), d) - given;
    const order = fractional[zi].map((f, k) => ({ k, frac: f.exact - Math.floor(f.exact + EPS) })).sort((a, b) => b.frac - a.frac);
    for (const { k } of order) {
      if (left <= 0) break;
      const part = parts[zi][k];
      if (room[part.node] > 0) {
        part.ordersPerDay++;
        room[part.node]--;
        left--;
      }
    }
    parts[zi] = parts[zi].filter((q) => q.ordersPerDay > 0).sort((a, b) => b.ordersPerDay - a.ordersPerDay || a.node - b.node);
  }
  return { parts };
}

/**
 * The fallback when the solver fails: zones with the most to lose (largest regret
 * between their nearest and second-nearest node, times demand) choose first; each
 * takes the nearest node with room for all its orders, or, when none has, fills the
 * nodes in reach with the most room (two at most when splits are allowed).
 */
export function greedyAllocation(p: ReassignmentProblem): Allocation {
  const room = p.nodes.map((n, i) => Math.max(0, n.dailyOrderCapacity - p.fixedLoad[i]));
  const parts: Allocation['parts'] = p.movable.map(() => []);
  const order = p.movable
    .map((z, zi) => {
      const r = p.reach[zi];
      const d = p.zones[z].demandOrdersPerDay;
      const regret = r.length === 0 ? 0 : r.length === 1 ? Number.MAX_SAFE_INTEGER : (r[1].distanceM - r[0].distanceM) * d;
      return { zi, regret, d, prot: p.zones[z].protected ? 1 : 0 };
    })
    .sort((a, b) => b.prot - a.prot || b.regret - a.regret || b.d - a.d || a.zi - b.zi);
  for (const { zi, d } of order) {
    if (d === 0) continue;
    const cands = p.reach[zi]
      .map((c) => ({ ...c, cost: c.distanceM + moveCost(p, zi, c.node) }))
      .sort((a, b) => a.cost - b.cost);
    const whole = cands.find((c) => room[c.node] >= d);
    if (whole) {
      parts[zi] = [{ node: whole.node, ordersPerDay: d }];
      room[whole.node] -= d;
      continue;
    }
    const byRoom = cands.filter((c) => room[c.node] > 0).sort((a, b) => room[b.node] - room[a.node] || a.cost - b.cost);
    let left = d;
    for (const c of byRoom.slice(0, p.allowSplit ? 2 : 0)) {
      const take = Math.min(left, room[c.node]);
      parts[zi].push({ node: c.node, ordersPerDay: take });
      room[c.node] -= take;
      left -= take;
      if (left === 0) break;
    }
    parts[zi].sort((a, b) => b.ordersPerDay - a.ordersPerDay);
  }
  return { parts };
}

export interface ZoneChange {
  zoneId: string;
  demandOrdersPerDay: number;
  oldNodeId: string | null;
  oldSplit: { nodeId: string; ordersPerDay: number } | null;
  newNodeId: string | null;
  newSplit: { nodeId: string; ordersPerDay: number } | null;
  /** Travel distance from the new serving node to the zone's centre (null when unserved). */
  distanceM: number | null;
  newBackupNodeIds: string[];
  unservedOrdersPerDay: number;
}

export interface NodeLoad {
  nodeId: string;
  trading: boolean;
  dailyOrderCapacity: number;
  maxDeliveryRadiusM: number;
  loadBefore: number;
  loadAfter: number;
}

export interface UnservedZone {
  zoneId: string;
  ordersPerDay: number;
  reason: UnservedReason;
  message: string;
}

export interface ReassignmentProposal {
  method: 'mip' | 'greedy';
  /** Why the greedy fallback ran, when it did. */
  fallbackReason: string | null;
  solverStatus: SolveResult['status'] | 'not_run';
  gapPct: number | null;
  solveTimeS: number;
  scope: 'affected' | 'all';
  overrides: NodeOverride[];
  changes: ZoneChange[];
  nodeLoads: NodeLoad[];
  unserved: UnservedZone[];
  totals: {
    movableZones: number;
    changedZones: number;
    splitZones: number;
    servedOrdersPerDay: number;
    unservedOrdersPerDay: number;
    /** Σ orders × travel distance over the movable zones, in order-metres. */
    travelCostOrderM: number;
    /** Mean travel distance per served order of the movable zones. */
    meanDistanceM: number;
  };
}

/** The diff: every movable zone whose allocation changes, node loads before and after, and what is unserved. */
export function buildProposal(
  p: ReassignmentProblem,
  allocation: Allocation,
  meta: { method: 'mip' | 'greedy'; fallbackReason: string | null; solverStatus: ReassignmentProposal['solverStatus']; gapPct: number | null; solveTimeS: number; overrides: readonly NodeOverride[] },
): ReassignmentProposal {
  const loadAfter = [...p.fixedLoad];
  const changes: ZoneChange[] = [];
  const unserved: UnservedZone[] = [];
  let served = 0;
  let unservedTotal = 0;
  let cost = 0;
  let splitZones = 0;
  for (let zi = 0; zi < p.movable.length; zi++) {
    const zone = p.zones[p.movable[zi]];
    const parts = allocation.parts[zi];
    invariant(parts.length <= 2, `zone ${zone.id} is split among at most two nodes`);
    const distOf = (node: number) => p.reach[zi].find((c) => c.node === node)?.distanceM ?? null;
    let got = 0;
    for (const part of parts) {
      loadAfter[part.node] += part.ordersPerDay;
      got += part.ordersPerDay;
      cost += part.ordersPerDay * (distOf(part.node) ?? 0);
    }
    if (parts.length === 2) splitZones++;
    served += got;
    const missing = zone.demandOrdersPerDay - got;
    unservedTotal += missing;
    if (missing > 0) {
      const reason: UnservedReason = p.reach[zi].length === 0 ? 'no_node_in_reach' : 'all_in_reach_full';
      unserved.push({
        zoneId: zone.id,
        ordersPerDay: missing,
        reason,
        message:
          reason === 'no_node_in_reach'
            ? `no trading node's delivery radius reaches zone ${zone.id}`
            : `every node in reach of zone ${zone.id} (${p.reach[zi].map((c) => p.nodes[c.node].id).join(', ')}) is full`,
      });
    }
    const newNodeId = parts[0] ? p.nodes[parts[0].node].id : null;
    const newSplit = parts[1] ? { nodeId: p.nodes[parts[1].node].id, ordersPerDay: parts[1].ordersPerDay } : null;
    const old = zone.current;
    const oldNodeId = old[0]?.nodeId ?? null;
    const oldSplit = old[1] ? { nodeId: old[1].nodeId, ordersPerDay: old[1].ordersPerDay } : null;
    const same = oldNodeId === newNodeId && JSON.stringify(oldSplit) === JSON.stringify(newSplit) && missing === 0;
    if (same) continue;
    const used = new Set(parts.map((q) => q.node));
    changes.push({
      zoneId: zone.id,
      demandOrdersPerDay: zone.demandOrdersPerDay,
      oldNodeId,
      oldSplit,
      newNodeId,
      newSplit,
      distanceM: parts[0] ? distOf(parts[0].node) : null,
      newBackupNodeIds: p.reach[zi].filter((c) => !used.has(c.node)).slice(0, 2).map((c) => p.nodes[c.node].id),
      unservedOrdersPerDay: missing,
    });
  }
  const nodeLoads: NodeLoad[] = p.nodes
    .map((n, i) => ({
      nodeId: n.id,
      trading: n.trading,
      dailyOrderCapacity: n.dailyOrderCapacity,
      maxDeliveryRadiusM: n.maxDeliveryRadiusM,
      loadBefore: p.loadBefore[i],
      loadAfter: loadAfter[i],
    }))
    .filter((l) => l.loadBefore > 0 || l.loadAfter > 0 || l.trading);
  return {
    method: meta.method,
    fallbackReason: meta.fallbackReason,
    solverStatus: meta.solverStatus,
    gapPct: meta.gapPct,
    solveTimeS: meta.solveTimeS,
    scope: p.scope,
    overrides: [...meta.overrides],
    changes,
    nodeLoads,
    unserved,
    totals: {
      movableZones: p.movable.length,
      changedZones: changes.length,
      splitZones,
      servedOrdersPerDay: served,
      unservedOrdersPerDay: unservedTotal,
      travelCostOrderM: cost,
      meanDistanceM: served > 0 ? Math.round(cost / served) : 0,
    },
  };
}

export interface PlanOptions {
  travel: TravelTimeProvider;
  solver: MipSolver;
  timeLimitS?: number;
  mipRelGap?: number;
  /** Skip the solver and use the greedy heuristic (for comparison; the result says so). */
  forceGreedy?: boolean;
  /** Monotonic milliseconds (the caller's `performance.now`) to time the greedy heuristic; the domain reads no clock. */
  monotonicMs?: () => number;
}

export interface MipRun {
  shares: Shares;
  status: SolveResult['status'];
  /** Objective of the decided allocation before rounding to whole orders. */
  objective: number;
  /** The LP relaxation's objective: a proven lower bound. */
  bound: number;
  gapPct: number;
  solveTimeS: number;
  fractionalZones: number;
  message?: string;
}

/**
 * Solves the MIP by relax-and-fix: first the LP relaxation (a transportation
 * problem, whose optimal vertex leaves at most one fractional zone per node with
 * binding capacity); zones the LP serves whole from one node (or leaves wholly
 * unserved) are fixed; then the full MIP runs over the few fractional zones with
 * the capacity that remains. The LP objective bounds the optimum from below, so
 * the reported gap is proven. Solving the whole MIP at once gives the same answer
 * on small inputs but takes HiGHS seconds even for a few hundred zones.
 */
export async function solveReassignmentMip(p: ReassignmentProblem, solver: MipSolver, options: { timeLimitS?: number; mipRelGap?: number } = {}): Promise<MipRun> {
  const timeLimitS = options.timeLimitS ?? 30;
  const shares: Shares = p.movable.map(() => []);
  const empty = (status: SolveResult['status'], solveTimeS: number, message?: string): MipRun => ({ shares, status, objective: NaN, bound: NaN, gapPct: NaN, solveTimeS, fractionalZones: 0, message });
  const relaxed = buildReassignmentModel(p, { relaxed: true });
  const lp = await solver.solve(relaxed.model, { timeLimitS });
  if (!lp.values || lp.status !== 'optimal') return empty(lp.status, lp.solveTimeS, lp.message ?? 'the LP relaxation was not solved');
  readShares(p, relaxed.columns, lp.values, shares);
  const fractional: number[] = [];
  const extraLoad = new Array<number>(p.nodes.length).fill(0);
  let fixedCost = 0;
  for (let zi = 0; zi < shares.length; zi++) {
    if (isFractional(shares[zi])) {
      fractional.push(zi);
      continue;
    }
    const d = p.zones[p.movable[zi]].demandOrdersPerDay;
    const served = shares[zi].filter((s) => s.share > 1 - EPS);
    shares[zi] = served.map((s) => ({ node: s.node, share: 1 }));
    for (const s of served) {
      extraLoad[s.node] += d;
      fixedCost += d * ((p.reach[zi].find((c) => c.node === s.node)?.distanceM ?? 0) + moveCost(p, zi, s.node));
    }
    if (served.length === 0) fixedCost += d * p.unservedCostPerOrder * (p.zones[p.movable[zi]].protected ? PROTECTED_WEIGHT : 1);
  }
  const bound = lp.objective ?? 0;
  let objective = fixedCost;
  let status: SolveResult['status'] = 'optimal';
  let solveTimeS = lp.solveTimeS;
  if (fractional.length > 0) {
    const sub = buildReassignmentModel(p, { zones: fractional, extraLoad });
    const mip = await solver.solve(sub.model, { timeLimitS: Math.max(1, timeLimitS - lp.solveTimeS), mipRelGap: options.mipRelGap ?? 1e-4 });
    solveTimeS += mip.solveTimeS;
    if (!mip.values || (mip.status !== 'optimal' && mip.status !== 'feasible')) {
      return { ...empty(mip.status, solveTimeS, mip.message ?? 'the MIP over the fractional zones was not solved'), bound };
    }
    readShares(p, sub.columns, mip.values, shares);
    objective += mip.objective ?? 0;
    status = mip.status;
  }
  const gapPct = objective > 0 ? Math.max(0, (100 * (objective - bound)) / objective) : 0;
  return { shares, status, objective, bound, gapPct, solveTimeS, fractionalZones: fractional.length };
}

/**
 * Plans a reassignment end to end: travel table, problem, MIP (or the greedy
 * fallback when the solver fails or returns no solution), proposal.
 */
export async function planReassignment(input: ReassignmentInput, options: PlanOptions): Promise<Result<ReassignmentProposal>> {
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const travel = await options.travel.table(
    input.nodes.map((n) => ({ lat: n.lat, lng: n.lng })),
    input.zones.map((z) => z.centroid),
  );
  const p = buildProblem(input, travel);
  const overrides = input.overrides ?? [];
  const monotonicMs = options.monotonicMs ?? (() => 0);
  if (options.forceGreedy) {
    const t0 = monotonicMs();
    const a = greedyAllocation(p);
    return ok(buildProposal(p, a, { method: 'greedy', fallbackReason: 'greedy requested', solverStatus: 'not_run', gapPct: null, solveTimeS: (monotonicMs() - t0) / 1000, overrides }));
  }
  let run: MipRun;
  try {
    run = await solveReassignmentMip(p, options.solver, options);
  } catch (e) {
    run = { shares: [], status: 'error', objective: NaN, bound: NaN, gapPct: NaN, solveTimeS: 0, fractionalZones: 0, message: (e as Error).message };
  }
  if (run.status === 'optimal' || run.status === 'feasible') {
    const a = decodeShares(p, run.shares);
    return ok(buildProposal(p, a, { method: 'mip', fallbackReason: null, solverStatus: run.status, gapPct: run.gapPct, solveTimeS: run.solveTimeS, overrides }));
  }
  const t0 = monotonicMs();
  const a = greedyAllocation(p);
  const reason = `the MIP solver returned ${run.status}${run.message ? ` (${run.message})` : ''}; this proposal comes from the greedy fallback and may be far from optimal`;
  return ok(buildProposal(p, a, { method: 'greedy', fallbackReason: reason, solverStatus: run.status, gapPct: null, solveTimeS: run.solveTimeS + (monotonicMs() - t0) / 1000, overrides }));
}

/** The planner's objective for an allocation (travel + moves + unserved + splits), to compare methods. */
export function allocationCost(p: ReassignmentProblem, a: Allocation): number {
  let cost = 0;
  a.parts.forEach((parts, zi) => {
    const d = p.zones[p.movable[zi]].demandOrdersPerDay;
    let got = 0;
    for (const part of parts) {
      got += part.ordersPerDay;
      cost += part.ordersPerDay * ((p.reach[zi].find((c) => c.node === part.node)?.distanceM ?? 0) + moveCost(p, zi, part.node));
    }
    cost += (d - got) * p.unservedCostPerOrder * (p.zones[p.movable[zi]].protected ? PROTECTED_WEIGHT : 1);
    if (parts.length > 1) cost += d * p.splitCostPerOrder;
  });
  return cost;
}
