/** The sourcing auditor: recomputes balances from a set of flows, checks every rule and prices the result. */
import { key, type Prepared } from './prepare.ts';

/** One chosen quantity of one candidate source: units for transfers and diversions, packs × pack size for orders. */
export interface Flow {
  cand: number;
  units: number;
}

export interface PlanMetrics {
  shortageUnits: number;
  /** Σ short × tier weight. */
  weightedShortageUnits: number;
  /** Money: transport, handling, delivery and premiums. */
  costFen: number;
  transportFen: number;
  deliveryFen: number;
  premiumFen: number;
  /** Σ units × hours late past `neededWithinH`. */
  lateUnitH: number;
  /** What the model minimises: shortage price × weighted shortage + money + late penalty. */
  objective: number;
  /** Short units per node-item key (receivers only, > 0 only). */
  shortByKey: Map<string, number>;
  violations: string[];
}

/**
 * An independent audit of a set of flows: recomputes every balance from the flows alone,
 * checks every rule (giver floors, shipment quantities, storage, supplier capacity, packs
 * and MOQ) and prices the result. The optimiser and the greedy baseline are both judged
 * by this one function, and the tests use its violation list.
 */
export function evaluate(p: Prepared, flows: readonly Flow[]): PlanMetrics {
  const violations: string[] = [];
  const inflow = new Map<string, number>();
  const gives = new Map<string, number>();
  const divertedAway = new Map<string, number>();
  const shipmentUsed = new Map<string, number>();
  const storageUsed = new Map<string, number>();
  const supplierUsed = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let transportFen = 0;
  let deliveryFen = 0;
  let premiumFen = 0;
  let lateUnitH = 0;
  let money = 0;
  let latePenalty = 0;
  for (const f of flows) {
    if (f.units === 0) continue;
    const c = p.candidates.at(f.cand);
    const need = p.needs[c.need];
    if (!Number.isInteger(f.units) || f.units < 0) violations.push(`flow ${f.cand} has a non-integer or negative quantity ${f.units}`);
    const k = key(need.nodeId, need.itemId);
    add(inflow, k, f.units);
    add(storageUsed, `${need.nodeId}|${need.tempClass}`, f.units * need.volumeCm3);
    const cost = f.units * c.unitCostFen;
    money += cost;
    const late = Math.max(0, c.arrivalH - p.params.neededWithinH);
    lateUnitH += late * f.units;
    latePenalty += f.units * (c.effectiveFenPerUnit - c.unitCostFen);
    if (c.kind === 'transfer') {
      add(gives, key(c.fromNodeId, need.itemId), f.units);
      transportFen += cost;
    } else if (c.kind === 'diversion') {
      add(divertedAway, key(c.originalNodeId, need.itemId), f.units);
      add(shipmentUsed, c.shipmentId, f.units);
      transportFen += cost;
    } else {
      add(supplierUsed, c.supplierId, f.units);
      if (f.units % c.packSize !== 0) violations.push(`order from ${c.supplierId} for ${need.itemId} at ${need.nodeId}: ${f.units} is not a multiple of the pack size ${c.packSize}`);
      if (f.units < c.moqUnits) violations.push(`order from ${c.supplierId} for ${need.itemId} at ${need.nodeId}: ${f.units} is below the MOQ ${c.moqUnits}`);
      const offerPremium = c.premiumFenPerUnit;
      premiumFen += f.units * offerPremium;
      deliveryFen += cost - f.units * offerPremium;
    }
  }
  // Givers: transfers only from physical surplus, transfers + diverted inbound never below the floor.
  for (const [k, g] of gives) {
    const s = p.state.get(k)!;
    if (!s.canGive) violations.push(`${s.nodeId} cannot give (status or kind)`);
    if (g > s.giveCap) violations.push(`${s.nodeId} gives ${g} of ${s.itemId} but can give only ${s.giveCap}`);
    const after = s.position - g - (divertedAway.get(k) ?? 0);
    if (after < s.floor) violations.push(`${s.nodeId} would fall to ${after} of ${s.itemId}, below its floor ${s.floor}`);
  }
  for (const [k, a] of divertedAway) {
    const s = p.state.get(k)!;
    if (!s.receiver && !gives.has(k) && a > s.surplusCap) violations.push(`diverting ${a} of ${s.itemId} away from ${s.nodeId} takes it below its floor ${s.floor}`);
  }
  for (const [id, used] of shipmentUsed) {
    const s = p.shipments.get(id)!;
    if (used > s.quantity) violations.push(`shipment ${id} diverted ${used} of ${s.quantity}`);
  }
  for (const [k, used] of storageUsed) {
    const free = p.storageFreeCm3.get(k) ?? 0;
    if (used > free + 1e-6) violations.push(`storage ${k}: ${used} cm³ received, ${free} cm³ free`);
  }
  for (const [id, used] of supplierUsed) {
    const cap = p.suppliers.get(id)!.dailyCapacityUnits;
    if (used > cap) violations.push(`supplier ${id}: ${used} units ordered, capacity ${cap}`);
  }
  // Shortage: every receiver pair below target after the flows (inbound diverted away counts against it).
  let shortageUnits = 0;
  let weighted = 0;
  const shortByKey = new Map<string, number>();
  const tierWeightOf = new Map(p.needs.map((n) => [key(n.nodeId, n.itemId), n.tierWeight]));
  const keys = new Set<string>([...p.needs.map((n) => key(n.nodeId, n.itemId)), ...divertedAway.keys()]);
  for (const k of keys) {
    const s = p.state.get(k)!;
    if (!s.receiver) continue;
    const short = Math.max(0, s.target - s.position - (inflow.get(k) ?? 0) + (divertedAway.get(k) ?? 0));
    if (short <= 0) continue;
    const w = tierWeightOf.get(k) ?? tierWeightFromState(p, s.nodeId, s.itemId);
    shortageUnits += short;
    weighted += short * w;
    shortByKey.set(k, short);
  }
  return {
    shortageUnits,
    weightedShortageUnits: weighted,
    costFen: Math.round(money),
    transportFen: Math.round(transportFen),
    deliveryFen: Math.round(deliveryFen),
    premiumFen: Math.round(premiumFen),
    lateUnitH: Math.round(lateUnitH * 100) / 100,
    objective: weighted * p.params.shortageFenPerUnit + money + latePenalty,
    shortByKey,
    violations,
  };
}

export function tierWeightFromState(p: Prepared, nodeId: string, itemId: string): number {
  const tier = p.items.get(itemId)?.tier;
  return tier === 'key' ? p.params.tierWeight.key : p.params.tierWeight.essential;
}
