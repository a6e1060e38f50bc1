/** Surge stock targets per node and item (multipliers cut to fit storage), and net requirements. */
import { ok, type Result } from '../shared/index.ts';
import {
  DEFAULT_MULTIPLIERS,
  TEMP_CLASSES,
  type Balance,
  type BaselineDemand,
  type Multipliers,
  type NetRequirement,
  type PlanningItem,
  type PlanningNode,
  type StockTarget,
} from './types.ts';
import { checkKnown, checkNonNegInt, checkPositiveNumber } from './validate.ts';

/** A node that sells (open or online-only) and holds stock for customers gets surge targets. */
export function tradingNode(n: PlanningNode): boolean {
  return (n.status === 'open' || n.status === 'online_only') && (n.kind === 'store' || n.kind === 'satellite_warehouse' || n.kind === 'emergency_warehouse');
}

export function multiplierFor(m: Multipliers, nodeId: string, tier: 'essential' | 'key'): number {
  return m.byNode?.[nodeId]?.[tier] ?? m[tier];
}

export interface TargetsInput {
  nodes: readonly PlanningNode[];
  /** Items with their assortment tier; items with tier 'none' (or none given) get no target. */
  items: readonly PlanningItem[];
  demand: readonly BaselineDemand[];
  multipliers?: Multipliers;
}

/**
 * Surge stock targets: baseline daily demand × the tier's multiplier (per node if
 * overridden), rounded up, for every trading node and assortment item.
 *
 * When a node's storage of one temperature class cannot hold the uncapped targets, every
 * item of that class is cut to a common number of days of cover D (a water level): item i
 * keeps min(multiplier_i, D) days, with D the largest value that fits. Key items (10x) are
 * therefore cut only once essentials (5x) would have to fall below their own level, and the
 * cut is the same for everything that is cut, which is easy to explain to a store manager.
 */
export function computeTargets(input: TargetsInput): Result<StockTarget[]> {
  const m = input.multipliers ?? DEFAULT_MULTIPLIERS;
  const nodeById = new Map(input.nodes.map((n) => [n.id, n]));
  const itemById = new Map(input.items.map((i) => [i.id, i]));
  const bad =
    checkPositiveNumber('multipliers.essential', m.essential) ??
    checkPositiveNumber('multipliers.key', m.key) ??
    Object.entries(m.byNode ?? {})
      .flatMap(([nodeId, o]) => [
        checkKnown(`multipliers.byNode.${nodeId}`, nodeId, nodeById, 'node'),
        o.essential === undefined ? null : checkPositiveNumber(`multipliers.byNode.${nodeId}.essential`, o.essential),
        o.key === undefined ? null : checkPositiveNumber(`multipliers.byNode.${nodeId}.key`, o.key),
      ])
      .find(Boolean) ??
    input.demand.map((d, k) => checkNonNegInt(`demand.${k}.dailyUnits`, d.dailyUnits)).find(Boolean) ??
    null;
  if (bad) return bad;

  const rows = new Map<string, Map<string, number>>();
  for (const d of input.demand) {
    const node = nodeById.get(d.nodeId);
    const item = itemById.get(d.itemId);
    if (!node || !item || !tradingNode(node) || !item.tier || item.tier === 'none' || d.dailyUnits === 0) continue;
    let r = rows.get(d.nodeId);
    if (!r) rows.set(d.nodeId, (r = new Map()));
    r.set(d.itemId, (r.get(d.itemId) ?? 0) + d.dailyUnits);
  }

  const out: StockTarget[] = [];
  for (const [nodeId, perItem] of rows) {
    const node = nodeById.get(nodeId)!;
    for (const t of TEMP_CLASSES) {
      const group: Array<{ item: PlanningItem; base: number; mult: number }> = [];
      for (const [itemId, base] of perItem) {
        const item = itemById.get(itemId)!;
        if (item.tempClass !== t) continue;
        const mult = multiplierFor(m, nodeId, item.tier === 'key' ? 'key' : 'essential');
        const keeps = m.capAtShelfLife && item.shelfLifeDays ? Math.max(1, item.shelfLifeDays - 1) : Infinity;
        group.push({ item, base, mult: Math.min(mult, keeps) });
      }
      if (group.length === 0) continue;
      const level = waterLevel(group.map((g) => ({ slope: g.item.volumeCm3 * g.base, cap: g.mult, unitVolume: g.item.volumeCm3 })), node.storageCm3[t]);
      for (const g of group) {
        const uncapped = Math.ceil(g.base * g.mult);
        const capped = level !== null && level < g.mult;
        // Under a water level everything rounds down, so the class is sure to fit.
        const target = level !== null ? Math.floor(g.base * Math.min(level, g.mult)) : uncapped;
        out.push({
          nodeId,
          itemId: g.item.id,
          tier: g.item.tier === 'key' ? 'key' : 'essential',
          baselineDailyUnits: g.base,
          multiplier: g.mult,
          uncappedUnits: uncapped,
          targetUnits: target,
          daysOfCover: Math.round((target / g.base) * 10) / 10,
          cappedBy: capped ? t : null,
        });
      }
    }
  }
  out.sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.itemId.localeCompare(b.itemId));
  return ok(out);
}

/**
 * The largest D with Σ slope_k · min(cap_k, D) ≤ capacity, or null when every cap fits
 * (including rounding up). Slopes of 0 (no volume) never bind.
 */
export function waterLevel(parts: Array<{ slope: number; cap: number; unitVolume: number }>, capacity: number): number | null {
  // Rounding targets up adds less than one unit per item.
  const full = parts.reduce((s, p) => s + p.slope * p.cap, 0);
  const slack = parts.reduce((s, p) => s + p.unitVolume, 0);
  if (full + slack <= capacity) return null;
  const sorted = parts.filter((p) => p.slope > 0).sort((a, b) => a.cap - b.cap);
  let used = 0; // volume of the parts already at their cap
  let slopeLeft = sorted.reduce((s, p) => s + p.slope, 0);
  let prev = 0;
  for (const p of sorted) {
    // Between prev and p.cap the volume grows by slopeLeft per day.
    const atCap = used + slopeLeft * p.cap;
    if (atCap > capacity) return Math.max(prev, (capacity - used) / slopeLeft);
    used += p.slope * p.cap;
    slopeLeft -= p.slope;
    prev = p.cap;
  }
  return prev;
}

export interface NetRequirementsInput {
  targets: readonly StockTarget[];
  balances: readonly Balance[];
}

/** Net requirement per node and item: target − (on hand + inbound − reserved), and the surplus above target + safety stock. */
export function netRequirements(input: NetRequirementsInput): Result<NetRequirement[]> {
  const bal = new Map<string, Balance>();
  for (let k = 0; k < input.balances.length; k++) {
    const b = input.balances[k];
    const bad = checkNonNegInt(`balances.${k}.onHand`, b.onHand) ?? checkNonNegInt(`balances.${k}.reserved`, b.reserved) ?? checkNonNegInt(`balances.${k}.inbound`, b.inbound);
    if (bad) return bad;
    bal.set(`${b.nodeId}|${b.itemId}`, b);
  }
  return ok(
    input.targets.map((t) => {
      const b = bal.get(`${t.nodeId}|${t.itemId}`);
      const onHand = b?.onHand ?? 0;
      const inbound = b?.inbound ?? 0;
      const reserved = b?.reserved ?? 0;
      const position = onHand + inbound - reserved;
      return {
        nodeId: t.nodeId,
        itemId: t.itemId,
        targetUnits: t.targetUnits,
        onHand,
        inbound,
        reserved,
        positionUnits: position,
        needUnits: Math.max(0, t.targetUnits - position),
        surplusUnits: Math.max(0, position - t.targetUnits - (b?.safetyStock ?? 0)),
      };
    }),
  );
}
