/**
 * The emergency assortment: which N items (default 500) to stock up, chosen to cover the
 * most baseline demand of everyday needs.
 *
 * Model (a 0/1 multi-dimensional knapsack, solved as a MIP by the injected solver):
 *   maximise   Σ_i demand_i · x_i                       (demand over trading nodes, units a day)
 *   subject to Σ_i x_i ≤ N
 *              Σ_{i ∈ c} x_i ≥ min(minimum_c, eligible_c)      for every category with a minimum
 *              Σ_{i of class t} volume_i · multiplier_n,i · demand_n,i · x_i ≤ storage_n,t
 *                                                        for every trading node n and class t
 *              x_i = 1 for pinned items, x_i = 0 for dropped ones.
 * The storage rows say "the assortment's surge stock must fit". When even the category
 * minimums cannot fit, the storage rows are dropped and the result carries a warning: the
 * targets step caps each node's stock by storage anyway, so the plan stays usable.
 */
import { INF, ModelBuilder, type MipSolver } from '../shared/index.ts';
import { err, ok, type Result } from '../shared/index.ts';
import { DEFAULT_MULTIPLIERS, TEMP_CLASSES, type BaselineDemand, type Multipliers, type PlanningItem, type PlanningNode, type TempClass } from './types.ts';
import { checkKnown, checkNonNegInt, checkPositiveInt, checkUnique } from './validate.ts';
import { multiplierFor, tradingNode } from './targets.ts';

export const DEFAULT_ESSENTIAL_CATEGORIES = [
  'rice', 'flour', 'oil', 'noodles', 'vegetables', 'fruit', 'eggs', 'meat', 'dairy', 'tofu', 'frozen', 'condiments', 'household', 'baby',
] as const;

/** Default minimum number of items per essential category (a floor, not a quota). */
export const DEFAULT_CATEGORY_MINIMUMS: Record<string, number> = {
  rice: 10, flour: 6, oil: 8, noodles: 10, vegetables: 40, fruit: 20, eggs: 8, meat: 20, dairy: 15, tofu: 4, frozen: 15, condiments: 10,
  household: 8, baby: 4,
};

/** Staple categories whose best sellers become key items by the default rule. */
export const DEFAULT_KEY_RULE = { categories: ['rice', 'flour', 'oil', 'eggs', 'dairy', 'vegetables', 'meat', 'noodles'], topPerCategory: 2 };

export interface AssortmentOptions {
  /** How many items to select (default 500). */
  size?: number;
  /** Categories that count as everyday needs; items outside them are never selected unless pinned. */
  essentialCategories?: readonly string[];
  categoryMinimums?: Record<string, number>;
  /** Items forced in / out. Items whose catalogue tier is 'key' are pinned unless dropped. */
  pinned?: readonly string[];
  dropped?: readonly string[];
  /** Items marked key / not key by hand, on top of the rule. */
  keyPinned?: readonly string[];
  keyDropped?: readonly string[];
  /** The top `topPerCategory` selected items by demand in each listed category become key; null = no rule. */
  keyRule?: { categories: readonly string[]; topPerCategory: number } | null;
  multipliers?: Multipliers;
  timeLimitS?: number;
}

export interface AssortmentInput {
  items: readonly PlanningItem[];
  demand: readonly BaselineDemand[];
  nodes: readonly PlanningNode[];
  options?: AssortmentOptions;
}

export type SelectionReason = 'pinned' | 'demand';
export type KeyReason = 'catalogue' | 'by_hand' | 'rule' | null;

export interface AssortmentLine {
  itemId: string;
  category: string;
  tempClass: TempClass;
  tier: 'essential' | 'key';
  dailyDemandUnits: number;
  /** Rank by demand within its category among eligible items (1 = best seller). */
  categoryRank: number;
  reason: SelectionReason;
  keyReason: KeyReason;
}

export interface AssortmentResult {
  lines: AssortmentLine[];
  /** Selected demand / demand of all eligible items, 0..1. */
  coverageShare: number;
  selectedDemandUnits: number;
  eligibleDemandUnits: number;
  /** LP/MIP bound on selected demand (≥ selectedDemandUnits). */
  boundDemandUnits: number;
  status: 'optimal' | 'feasible';
  warnings: string[];
  byCategory: Array<{ category: string; selected: number; minimum: number; eligible: number }>;
}

export async function selectAssortment(input: AssortmentInput, solver: MipSolver): Promise<Result<AssortmentResult>> {
  const o = input.options ?? {};
  const size = o.size ?? 500;
  const multipliers = o.multipliers ?? DEFAULT_MULTIPLIERS;
  const essential = new Set(o.essentialCategories ?? DEFAULT_ESSENTIAL_CATEGORIES);
  const minimums = o.categoryMinimums ?? DEFAULT_CATEGORY_MINIMUMS;
  const pinnedList = o.pinned ?? [];
  const droppedList = o.dropped ?? [];
  const itemById = new Map(input.items.map((i) => [i.id, i]));

  const bad =
    checkPositiveInt('size', size) ??
    checkUnique('items', input.items.map((i) => i.id)) ??
    pinnedList.map((id, k) => checkKnown(`pinned.${k}`, id, itemById, 'item')).find(Boolean) ??
    droppedList.map((id, k) => checkKnown(`dropped.${k}`, id, itemById, 'item')).find(Boolean) ??
    (o.keyPinned ?? []).map((id, k) => checkKnown(`keyPinned.${k}`, id, itemById, 'item')).find(Boolean) ??
    Object.entries(minimums).map(([c, m]) => checkNonNegInt(`categoryMinimums.${c}`, m)).find(Boolean) ??
    input.demand.map((d, k) => checkNonNegInt(`demand.${k}.dailyUnits`, d.dailyUnits)).find(Boolean) ??
    null;
  if (bad) return bad;
  const dropped = new Set(droppedList);
  const both = pinnedList.find((id) => dropped.has(id));
  if (both) return err({ code: 'validation_failed', message: `item '${both}' is both pinned and dropped`, field: 'pinned', expected: 'an item either pinned or dropped', actual: both });
  const pinned = new Set(pinnedList);
  for (const it of input.items) if (it.tier === 'key' && !dropped.has(it.id)) pinned.add(it.id);
  if (pinned.size > size) {
    return err({ code: 'validation_failed', message: `${pinned.size} items are pinned (including catalogue key items) but the assortment holds ${size}`, field: 'size', expected: `>= ${pinned.size}`, actual: size });
  }

  const trading = input.nodes.filter(tradingNode);
  const tradingIds = new Set(trading.map((n) => n.id));
  const demandByItem = new Map<string, number>();
  const demandByNodeItem = new Map<string, Map<string, number>>();
  for (const d of input.demand) {
    if (!tradingIds.has(d.nodeId)) continue;
    demandByItem.set(d.itemId, (demandByItem.get(d.itemId) ?? 0) + d.dailyUnits);
    let m = demandByNodeItem.get(d.nodeId);
    if (!m) demandByNodeItem.set(d.nodeId, (m = new Map()));
    m.set(d.itemId, (m.get(d.itemId) ?? 0) + d.dailyUnits);
  }

  const eligible = input.items.filter((i) => pinned.has(i.id) || (essential.has(i.category) && !dropped.has(i.id)));
  const eligibleDemand = eligible.reduce((s, i) => s + (demandByItem.get(i.id) ?? 0), 0);
  const eligibleByCategory = new Map<string, PlanningItem[]>();
  for (const it of eligible) {
    const l = eligibleByCategory.get(it.category) ?? [];
    l.push(it);
    eligibleByCategory.set(it.category, l);
  }
  const rank = new Map<string, number>();
  for (const list of eligibleByCategory.values()) {
    list.sort((a, b) => (demandByItem.get(b.id) ?? 0) - (demandByItem.get(a.id) ?? 0) || a.id.localeCompare(b.id));
    list.forEach((it, r) => rank.set(it.id, r + 1));
  }
  const effectiveMin = (c: string) => Math.min(minimums[c] ?? 0, eligibleByCategory.get(c)?.length ?? 0);
  const minSum = [...eligibleByCategory.keys()].reduce((s, c) => s + effectiveMin(c), 0);
  if (minSum > size) {
    return err({ code: 'infeasible', message: `category minimums add up to ${minSum} items but the assortment holds ${size}`, field: 'categoryMinimums', expected: `a total <= ${size}`, actual: minSum });
  }

  const warnings: string[] = [];
  const build = (withStorage: boolean) => {
    const b = new ModelBuilder('maximize');
    const cols = eligible.map((it) =>
      b.addVar({ cost: demandByItem.get(it.id) ?? 0, lower: pinned.has(it.id) ? 1 : 0, upper: 1, integer: true, name: it.id }),
    );
    b.addRow(cols.map((c) => [c, 1] as [number, number]), -INF, size, 'size');
    const colOf = new Map(eligible.map((it, k) => [it.id, cols[k]]));
    for (const [c, list] of eligibleByCategory) {
      const m = effectiveMin(c);
      if (m > 0) b.addRow(list.map((it) => [colOf.get(it.id)!, 1] as [number, number]), m, INF, `min_${c}`);
    }
    if (withStorage) {
      for (const n of trading) {
        const dem = demandByNodeItem.get(n.id);
        if (!dem) continue;
        for (const t of TEMP_CLASSES) {
          const terms: Array<[number, number]> = [];
          for (const [itemId, units] of dem) {
            const it = itemById.get(itemId);
            const col = colOf.get(itemId);
            if (!it || col === undefined || it.tempClass !== t || it.volumeCm3 === 0 || units === 0) continue;
            const mult = multiplierFor(multipliers, n.id, it.tier === 'key' ? 'key' : 'essential');
            // Litres keep the coefficients within a few orders of magnitude of 1.
            terms.push([col, (it.volumeCm3 * units * mult) / 1000]);
          }
          if (terms.length > 0) b.addRow(terms, -INF, n.storageCm3[t] / 1000, `storage_${n.id}_${t}`);
        }
      }
    }
    return { model: b.build(), cols };
  };

  let built = build(true);
  let res = await solver.solve(built.model, { timeLimitS: o.timeLimitS ?? 10, mipRelGap: 1e-4 });
  if (res.status === 'infeasible') {
    warnings.push('the surge stock of the category minimums does not fit some node\'s storage; selected without storage rows, targets will be capped by storage');
    built = build(false);
    res = await solver.solve(built.model, { timeLimitS: o.timeLimitS ?? 10, mipRelGap: 1e-4 });
  }
  if (res.status === 'infeasible') {
    return err({ code: 'infeasible', message: 'no assortment satisfies the pins, drops and category minimums', field: 'categoryMinimums', expected: 'satisfiable minimums', actual: minimums });
  }
  if (!res.values) return err({ code: 'solver_failed', message: `assortment solver returned ${res.status}${res.message ? `: ${res.message}` : ''}`, details: { status: res.status } });

  const selected = eligible.filter((_, k) => res.values![built.cols[k]] > 0.5);
  // Tiers: catalogue key items, hand-marked items, then the rule's best sellers per category.
  const keyDropped = new Set(o.keyDropped ?? []);
  const keyPinned = new Set(o.keyPinned ?? []);
  const rule = o.keyRule === undefined ? DEFAULT_KEY_RULE : o.keyRule;
  const keyReason = new Map<string, KeyReason>();
  for (const it of selected) {
    if (keyDropped.has(it.id)) continue;
    if (keyPinned.has(it.id)) keyReason.set(it.id, 'by_hand');
    else if (it.tier === 'key') keyReason.set(it.id, 'catalogue');
  }
  if (rule) {
    const ruleCats = new Set(rule.categories);
    const perCat = new Map<string, number>();
    const byDemand = selected.slice().sort((a, b) => (demandByItem.get(b.id) ?? 0) - (demandByItem.get(a.id) ?? 0) || a.id.localeCompare(b.id));
    for (const it of byDemand) {
      if (!ruleCats.has(it.category) || keyDropped.has(it.id)) continue;
      const n = perCat.get(it.category) ?? 0;
      if (n >= rule.topPerCategory) continue;
      perCat.set(it.category, n + 1);
      if (!keyReason.has(it.id)) keyReason.set(it.id, 'rule');
    }
  }

  const lines: AssortmentLine[] = selected
    .map((it) => ({
      itemId: it.id,
      category: it.category,
      tempClass: it.tempClass,
      tier: (keyReason.has(it.id) ? 'key' : 'essential') as 'key' | 'essential',
      dailyDemandUnits: demandByItem.get(it.id) ?? 0,
      categoryRank: rank.get(it.id) ?? 0,
      reason: (pinned.has(it.id) ? 'pinned' : 'demand') as SelectionReason,
      keyReason: keyReason.get(it.id) ?? null,
    }))
    .sort((a, b) => a.category.localeCompare(b.category) || a.categoryRank - b.categoryRank);
  const selectedDemand = lines.reduce((s, l) => s + l.dailyDemandUnits, 0);
  const byCategory = [...eligibleByCategory.entries()]
    .map(([category, list]) => ({ category, selected: lines.filter((l) => l.category === category).length, minimum: effectiveMin(category), eligible: list.length }))
    .sort((a, b) => a.category.localeCompare(b.category));
  if (selected.length < size) warnings.push(`only ${selected.length} items selected of ${size}: not enough eligible items or storage`);
  return ok({
    lines,
    coverageShare: eligibleDemand === 0 ? 0 : selectedDemand / eligibleDemand,
    selectedDemandUnits: selectedDemand,
    eligibleDemandUnits: eligibleDemand,
    boundDemandUnits: Math.max(selectedDemand, Math.floor((res.bound ?? selectedDemand) + 1e-6)),
    status: res.status === 'optimal' ? 'optimal' : 'feasible',
    warnings,
    byCategory,
  });
}
