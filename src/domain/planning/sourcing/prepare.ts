/**
 * Sourcing input as plain data, checked and indexed: receivers' needs, and candidate sources
 * (transfers, diversions, supplier orders) with their distances and arrival times.
 */
import { err, ok, type Result } from '../../shared/index.ts';
import type { Balance, DcShipment, PlanningItem, PlanningNode, StockTarget, Supplier, SupplierItem, TempClass } from '../types.ts';
import { checkKnown, checkNonNegInt, checkNonNegNumber, checkPositiveInt, checkShare, checkUnique } from '../validate.ts';
import { StraightLineTravel, type TravelTable } from '../../geo/index.ts';
import { CandidateTable, SUPPLIER_ORDER, type Candidate } from './candidates.ts';
import { withDefaults, type SourcingParams, type SourcingParamsInput } from './params.ts';
import { NodeItemStates, type NodeItemState } from './state.ts';

/** Everything the sourcing model reads, as plain data. */
export interface SourcingInput {
  nodes: readonly PlanningNode[];
  /** Items with their assortment tier. */
  items: readonly PlanningItem[];
  targets: readonly StockTarget[];
  balances: readonly Balance[];
  shipments?: readonly DcShipment[];
  suppliers?: readonly Supplier[];
  supplierItems?: readonly SupplierItem[];
  /** Nodes whose shortage the plan minimises. Default: every node with a target. */
  receivers?: readonly string[];
  params?: SourcingParamsInput;
  /**
   * Road distances and times between the nodes from a `TravelTimeProvider` (for instance a
   * road-network matrix service), `nodeIds` giving the order of the table's sources and
   * destinations. Without it, the default travel model (haversine × `transfer.roadFactor`
   * at `transfer.speedKmH`) is used.
   */
  roads?: { nodeIds: readonly string[]; table: TravelTable };
}

export type { NodeItemState } from './state.ts';

export interface Need {
  index: number;
  nodeId: string;
  itemId: string;
  tier: 'essential' | 'key';
  tierWeight: number;
  tempClass: TempClass;
  volumeCm3: number;
  /** target − position; may be ≤ 0 for receiver pairs that are in the model only because their inbound could be diverted away. */
  needUnits: number;
}

export type { Candidate } from './candidates.ts';

export interface Prepared {
  params: SourcingParams;
  nodes: Map<string, PlanningNode>;
  items: Map<string, PlanningItem>;
  /** Node × item states, by node and item (`state.of(nodeId, itemId)`, or `state.get(key(nodeId, itemId))`). */
  state: NodeItemStates;
  needs: Need[];
  /** Candidate sources, need by need (a need's candidates are `candidates.needStart[n]` up to `needStart[n + 1]`). */
  candidates: CandidateTable;
  shipments: Map<string, DcShipment>;
  suppliers: Map<string, Supplier>;
  /** Free storage per receiver and temperature class, cm³: `${nodeId}|${class}`. */
  storageFreeCm3: Map<string, number>;
  receivers: string[];
}

export const key = (nodeId: string, itemId: string) => `${nodeId}|${itemId}`;

/** Validates the input and lays out needs and candidate sources. Changes nothing on bad input. */
export function prepare(input: SourcingInput): Result<Prepared> {
  const params = withDefaults(input.params);
  const nodes = new Map(input.nodes.map((n) => [n.id, n]));
  const items = new Map(input.items.map((i) => [i.id, i]));
  const shipments = input.shipments ?? [];
  const suppliers = new Map((input.suppliers ?? []).map((s) => [s.id, s]));
  const supplierItems = input.supplierItems ?? [];

  const problem =
    checkUnique('nodes', input.nodes.map((n) => n.id)) ??
    checkUnique('items', input.items.map((i) => i.id)) ??
    checkUnique('shipments', shipments.map((s) => s.id)) ??
    checkUnique('suppliers', (input.suppliers ?? []).map((s) => s.id)) ??
    checkNonNegNumber('params.neededWithinH', params.neededWithinH) ??
    checkNonNegNumber('params.shortageFenPerUnit', params.shortageFenPerUnit) ??
    checkPositiveInt('params.maxGiversPerNeed', params.maxGiversPerNeed) ??
    checkNonNegNumber('params.boundTimeS', params.boundTimeS) ??
    checkNonNegInt('params.boundMaxItems', params.boundMaxItems) ??
    checkNonNegInt('params.boundBlockColumns', params.boundBlockColumns) ??
    checkShare('params.boundBlockShare', params.boundBlockShare) ??
    checkNonNegNumber('params.boundTargetGapPct', params.boundTargetGapPct) ??
    input.items.map((i, k) => checkNonNegInt(`items.${k}.volumeCm3`, i.volumeCm3)).find(Boolean) ??
    // The two long lists are checked value first, the field named only for the first bad one.
    firstBad(input.targets, (t) => nodes.has(t.nodeId) && items.has(t.itemId) && isNonNegInt(t.targetUnits), (t, k) =>
      checkKnown(`targets.${k}.nodeId`, t.nodeId, nodes, 'node') ?? checkKnown(`targets.${k}.itemId`, t.itemId, items, 'item') ?? checkNonNegInt(`targets.${k}.targetUnits`, t.targetUnits),
    ) ??
    firstBad(
      input.balances,
      (b) => nodes.has(b.nodeId) && isNonNegInt(b.onHand) && isNonNegInt(b.reserved) && isNonNegInt(b.inbound) && (b.safetyStock === undefined || isNonNegInt(b.safetyStock)),
      (b, k) =>
        checkKnown(`balances.${k}.nodeId`, b.nodeId, nodes, 'node') ??
        checkNonNegInt(`balances.${k}.onHand`, b.onHand) ??
        checkNonNegInt(`balances.${k}.reserved`, b.reserved) ??
        checkNonNegInt(`balances.${k}.inbound`, b.inbound) ??
        (b.safetyStock === undefined ? null : checkNonNegInt(`balances.${k}.safetyStock`, b.safetyStock)),
    ) ??
    shipments
      .flatMap((s, k) => [
        checkKnown(`shipments.${k}.fromNodeId`, s.fromNodeId, nodes, 'node'),
        checkKnown(`shipments.${k}.toNodeId`, s.toNodeId, nodes, 'node'),
        checkKnown(`shipments.${k}.itemId`, s.itemId, items, 'item'),
        checkNonNegInt(`shipments.${k}.quantity`, s.quantity),
      ])
      .find(Boolean) ??
    (input.suppliers ?? []).map((s, k) => checkNonNegInt(`suppliers.${k}.dailyCapacityUnits`, s.dailyCapacityUnits)).find(Boolean) ??
    supplierItems
      .flatMap((s, k) => [
        checkKnown(`supplierItems.${k}.supplierId`, s.supplierId, suppliers, 'supplier'),
        checkKnown(`supplierItems.${k}.itemId`, s.itemId, items, 'item'),
        checkPositiveInt(`supplierItems.${k}.packSize`, s.packSize),
        checkNonNegInt(`supplierItems.${k}.moqUnits`, s.moqUnits),
        checkNonNegNumber(`supplierItems.${k}.leadTimeH`, s.leadTimeH),
        s.expeditedLeadTimeH === null ? null : checkNonNegNumber(`supplierItems.${k}.expeditedLeadTimeH`, s.expeditedLeadTimeH),
        checkNonNegInt(`supplierItems.${k}.expeditePremiumFenPerUnit`, s.expeditePremiumFenPerUnit),
        checkNonNegInt(`supplierItems.${k}.deliveryFenPerUnit`, s.deliveryFenPerUnit),
      ])
      .find(Boolean) ??
    (input.receivers ?? []).map((id, k) => checkKnown(`receivers.${k}`, id, nodes, 'node')).find(Boolean) ??
    null;
  if (problem) return problem;

  const targetByKey = new Map<string, StockTarget>();
  for (const t of input.targets) targetByKey.set(key(t.nodeId, t.itemId), t);
  const receivers = input.receivers ? [...new Set(input.receivers)] : [...new Set(input.targets.map((t) => t.nodeId))].sort();
  for (const [k, id] of receivers.entries()) {
    const n = nodes.get(id)!;
    if (n.status === 'suspended' || n.status === 'closed') {
      return err({ code: 'node_not_trading', message: `receiver '${id}' is ${n.status} and cannot receive stock`, field: `receivers.${k}`, expected: 'an open or online-only node', actual: n.status });
    }
  }
  const receiverSet = new Set(receivers);

  // Node × item states: every pair with a target, a balance or a shipment.
  const state = new NodeItemStates([...nodes.keys()], [...items.keys()]);
  const balanceByKey = new Map(input.balances.map((b) => [key(b.nodeId, b.itemId), b]));
  const touch = (nodeId: string, itemId: string): void => {
    if (state.has(nodeId, itemId)) return;
    const k = key(nodeId, itemId);
    const b = balanceByKey.get(k);
    const t = targetByKey.get(k);
    const node = nodes.get(nodeId)!;
    const onHand = b?.onHand ?? 0;
    const reserved = Math.min(b?.reserved ?? 0, onHand + (b?.inbound ?? 0));
    const inbound = b?.inbound ?? 0;
    const position = onHand + inbound - reserved;
    const floor = (t?.targetUnits ?? 0) + (b?.safetyStock ?? 0);
    const canGive = node.kind !== 'supplier' && node.status !== 'suspended' && node.status !== 'closed';
    const s: NodeItemState = {
      nodeId,
      itemId,
      target: t?.targetUnits ?? 0,
      onHand,
      reserved,
      inbound,
      position,
      floor,
      giveCap: canGive ? Math.max(0, Math.min(onHand - reserved, position - floor)) : 0,
      surplusCap: Math.max(0, position - floor),
      receiver: receiverSet.has(nodeId) && t !== undefined,
      canGive,
    };
    state.add(s);
  };
  for (const t of input.targets) if (items.has(t.itemId)) touch(t.nodeId, t.itemId);
  for (const b of input.balances) if (items.has(b.itemId)) touch(b.nodeId, b.itemId);
  for (const s of shipments) touch(s.toNodeId, s.itemId);
  state.seal();

  // Free storage per receiver and class counts every balance at the node, assortment or not.
  const storageFreeCm3 = new Map<string, number>();
  for (const r of receivers) {
    const n = nodes.get(r)!;
    for (const t of ['ambient', 'chilled', 'frozen'] as const) storageFreeCm3.set(`${r}|${t}`, n.storageCm3[t]);
  }
  for (const b of input.balances) {
    if (!receiverSet.has(b.nodeId)) continue;
    const it = items.get(b.itemId);
    if (!it) continue;
    const k = `${b.nodeId}|${it.tempClass}`;
    storageFreeCm3.set(k, storageFreeCm3.get(k)! - it.volumeCm3 * (b.onHand + b.inbound));
  }
  for (const [k, v] of storageFreeCm3) storageFreeCm3.set(k, Math.max(0, v));

  // Needs: receiver pairs below target.
  const needs: Need[] = [];
  for (const s of state.values()) {
    if (!s.receiver || s.target - s.position <= 0) continue;
    const it = items.get(s.itemId)!;
    const tier = targetByKey.get(key(s.nodeId, s.itemId))!.tier;
    needs.push({ index: needs.length, nodeId: s.nodeId, itemId: s.itemId, tier, tierWeight: params.tierWeight[tier], tempClass: it.tempClass, volumeCm3: it.volumeCm3, needUnits: s.target - s.position });
  }
  needs.sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.itemId.localeCompare(b.itemId));
  needs.forEach((n, k) => (n.index = k));

  // Candidate sources per need.
  // Per item, its givers by node: a need scans its receiver's nearest nodes without building keys.
  const giversByItem = new Map<string, Map<string, number>>();
  const giverNodes = new Set<string>();
  for (let r = 0; r < state.size; r++) {
    const s = state.at(r);
    if (s.giveCap <= 0) continue;
    let m = giversByItem.get(s.itemId);
    if (!m) giversByItem.set(s.itemId, (m = new Map()));
    m.set(s.nodeId, r);
    giverNodes.add(s.nodeId);
  }
  const shipmentsByItem = new Map<string, DcShipment[]>();
  for (const s of shipments) {
    if (s.quantity <= 0) continue;
    const l = shipmentsByItem.get(s.itemId) ?? [];
    l.push(s);
    shipmentsByItem.set(s.itemId, l);
  }
  const offersByItem = new Map<string, SupplierItem[]>();
  for (const o of supplierItems) {
    const l = offersByItem.get(o.itemId) ?? [];
    l.push(o);
    offersByItem.set(o.itemId, l);
  }
  const tp = params.transfer;
  const model = new StraightLineTravel({ detourFactor: tp.roadFactor, speedMps: tp.speedKmH / 3.6 });
  const tableIndex = input.roads ? new Map(input.roads.nodeIds.map((id, k) => [id, k])) : null;
  // Road distance (m) and driving time (h) from one node to another: the caller's table, else the model.
  const travel = (from: PlanningNode, to: PlanningNode): { distanceM: number; hours: number } => {
    const i = tableIndex?.get(from.id);
    const j = tableIndex?.get(to.id);
    if (input.roads && i !== undefined && j !== undefined) {
      const t = input.roads.table;
      return { distanceM: t.distanceM[i * t.destinations + j], hours: t.durationS[i * t.destinations + j] / 3600 };
    }
    const distanceM = model.exactDistanceM(from, to);
    return { distanceM, hours: distanceM / 1000 / tp.speedKmH };
  };
  // Travel between two nodes is the same for every item: computed once per pair.
  const travelCache = new Map<string, { distanceM: number; hours: number }>();
  const travelCached = (from: PlanningNode, to: PlanningNode) => {
    const k = `${from.id}>${to.id}`;
    let t = travelCache.get(k);
    if (!t) {
      t = travel(from, to);
      travelCache.set(k, t);
    }
    return t;
  };
  // Per receiver, every giving node nearest first (ties by id): a need takes the first ones that hold its item.
  const giverNodeIds = [...giverNodes];
  const giverOrder = new Map<string, Array<{ nodeId: string; distanceM: number; hours: number }>>();
  const giversNear = (to: PlanningNode) => {
    let l = giverOrder.get(to.id);
    if (!l) {
      l = giverNodeIds
        .filter((id) => id !== to.id)
        .map((id) => ({ nodeId: id, ...travelCached(nodes.get(id)!, to) }))
        .sort((a, b) => a.distanceM - b.distanceM || a.nodeId.localeCompare(b.nodeId));
      giverOrder.set(to.id, l);
    }
    return l;
  };
  const late = (arrivalH: number, w: number) => Math.max(0, arrivalH - params.neededWithinH) * params.latePenaltyFenPerUnitH * w;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const candidates = new CandidateTable([...nodes.keys()], shipments.map((s) => s.id), needs.length, Math.max(1024, needs.length * 8));
  // The offer object itself goes in (the table shares one entry per offer).
  const push = (c: Candidate, offer?: SupplierItem) => candidates.push(c, offer);
  for (const need of needs) {
    const to = nodes.get(need.nodeId)!;
    const litres = need.volumeCm3 / 1000;
    const givers: Array<{ g: NodeItemState; distanceM: number; hours: number }> = [];
    const itemGivers = giversByItem.get(need.itemId);
    if (itemGivers) {
      for (const near of giversNear(to)) {
        const r = itemGivers.get(near.nodeId);
        if (r === undefined) continue;
        givers.push({ g: state.at(r), distanceM: near.distanceM, hours: near.hours });
        if (givers.length >= params.maxGiversPerNeed) break;
      }
    }
    for (const { g, distanceM, hours } of givers) {
      const arrivalH = round2(tp.loadingH + hours);
      const unitCostFen = round2(tp.handlingFenPerUnit + (distanceM / 1000) * tp.fenPerLitreKm * litres);
      push({ kind: 'transfer', need: need.index, fromNodeId: g.nodeId, distanceM: Math.round(distanceM), maxUnits: Math.min(g.giveCap, need.needUnits), arrivalH, unitCostFen, effectiveFenPerUnit: unitCostFen + late(arrivalH, need.tierWeight) });
    }
    const ships = (shipmentsByItem.get(need.itemId) ?? [])
      .filter((s) => {
        if (s.toNodeId === need.nodeId) return false;
        const dest = state.of(s.toNodeId, s.itemId)!;
        return dest.receiver || dest.surplusCap > 0;
      })
      .map((s) => ({ s, ...travelCached(nodes.get(s.fromNodeId)!, to) }))
      .sort((a, b) => a.distanceM - b.distanceM || b.s.quantity - a.s.quantity || a.s.id.localeCompare(b.s.id))
      .slice(0, params.maxShipmentsPerNeed);
    for (const { s, distanceM, hours } of ships) {
      const dp = params.diversion;
      const arrivalH = round2((s.status === 'planned' ? dp.plannedDispatchH : dp.inTransitRerouteH) + hours);
      const unitCostFen = round2(dp.handlingFenPerUnit + (distanceM / 1000) * tp.fenPerLitreKm * litres);
      const dest = state.of(s.toNodeId, s.itemId)!;
      const maxUnits = Math.min(s.quantity, need.needUnits, dest.receiver ? s.quantity : dest.surplusCap);
      push({ kind: 'diversion', need: need.index, shipmentId: s.id, fromNodeId: s.fromNodeId, originalNodeId: s.toNodeId, distanceM: Math.round(distanceM), maxUnits, arrivalH, unitCostFen, effectiveFenPerUnit: unitCostFen + late(arrivalH, need.tierWeight) });
    }
    for (const o of offersByItem.get(need.itemId) ?? []) {
      const sup = suppliers.get(o.supplierId)!;
      if (sup.dailyCapacityUnits <= 0) continue;
      const maxPacks = Math.ceil(Math.max(need.needUnits, o.moqUnits) / o.packSize);
      // Normal and expedited orders of one offer share every constraint (capacity, packs, MOQ)
      // and differ only in price and arrival, so only the mode that is cheaper once the late
      // penalty is counted can ever be chosen: the other is dropped here.
      const normalFen = o.deliveryFenPerUnit + late(o.leadTimeH, need.tierWeight);
      const expedited = o.expeditedLeadTimeH !== null && o.deliveryFenPerUnit + o.expeditePremiumFenPerUnit + late(o.expeditedLeadTimeH, need.tierWeight) < normalFen;
      const arrivalH = expedited ? o.expeditedLeadTimeH! : o.leadTimeH;
      const premiumFenPerUnit = expedited ? o.expeditePremiumFenPerUnit : 0;
      const unitCostFen = o.deliveryFenPerUnit + premiumFenPerUnit;
      push({ kind: 'supplier_order', need: need.index, supplierId: o.supplierId, expedited, premiumFenPerUnit, normalLeadTimeH: o.leadTimeH, packSize: o.packSize, moqUnits: o.moqUnits, maxPacks, arrivalH, unitCostFen, effectiveFenPerUnit: unitCostFen + late(arrivalH, need.tierWeight) }, o);
    }
  }
  candidates.seal();
  return ok({ params, nodes, items, state, needs, candidates, shipments: new Map(shipments.map((s) => [s.id, s])), suppliers, storageFreeCm3, receivers });
}

const isNonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function firstBad<T>(list: readonly T[], fine: (x: T) => boolean, problem: (x: T, k: number) => Result<never> | null): Result<never> | null {
  for (let k = 0; k < list.length; k++) if (!fine(list[k])) return problem(list[k], k);
  return null;
}

/** Columns a need's candidates take in the model (supplier orders with a MOQ add a 0/1 column). */
export function columnsOf(p: Prepared, needIndex: number): number {
  let n = 1; // the shortage column
  const cs = p.candidates;
  for (let c = cs.needStart[needIndex]; c < cs.needStart[needIndex + 1]; c++) n += cs.kind[c] === SUPPLIER_ORDER && cs.moqUnitsOf(c) > cs.packSizeOf(c) ? 2 : 1;
  return n;
}
