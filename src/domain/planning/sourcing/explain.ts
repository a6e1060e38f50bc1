/** Turns chosen flows into plan lines and shortage lines, each with the reason in words and codes (a line words its reason when read). */
import type { Flow, PlanMetrics } from './evaluate.ts';
import { key, type Candidate, type Prepared } from './prepare.ts';

export interface PlanLine {
  kind: 'transfer' | 'diversion' | 'supplier_order';
  itemId: string;
  toNodeId: string;
  quantity: number;
  /** Giver (transfer) or the DC the shipment left from (diversion). */
  fromNodeId: string | null;
  shipmentId: string | null;
  /** The shipment's original destination (diversion). */
  originalNodeId: string | null;
  supplierId: string | null;
  expedited: boolean;
  packs: number | null;
  distanceM: number | null;
  arrivalH: number;
  unitCostFen: number;
  costFen: number;
  /** Why this source, in words (worded when read: see `ExplainedLine`). */
  readonly reason: string;
  /** The reason as codes with parameters for a UI to translate: what (kind), when (timing), why this source (rank). Node ids in params are resolved to names by the UI. */
  readonly reasonCodes?: ReasonCode[];
}

export interface ShortageLine {
  nodeId: string;
  itemId: string;
  tier: 'essential' | 'key';
  needUnits: number;
  shortUnits: number;
  reason: string;
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();
const km = (m: number) => `${fmt(m / 1000)} km`;
/** What a giver keeps against its target, stated truly (never "110 ≥ 140"). */
const keeps = (nodeId: string, after: number, floor: number) =>
  after >= floor ? `${nodeId} keeps ${after} ≥ its target ${floor}` : `${nodeId} keeps ${after}, ${floor - after} below its target ${floor} (it does not trade, or its target weighs less than this need)`;

/**
 * The string flattened in place (V8 flattens a concatenated "cons" string when it is indexed): a
 * reason built from template pieces otherwise keeps every piece alive, about twice the memory of
 * its text (872 against 448 bytes for a 192-character reason); at 200 × 5,000 there are ~850,000.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

function describe(c: Candidate): string {
  if (c.kind === 'transfer') return `transfer from ${c.fromNodeId}`;
  if (c.kind === 'diversion') return `shipment ${c.shipmentId} to ${c.originalNodeId}`;
  return `${c.expedited ? 'expedited' : 'normal'} order from ${c.supplierId}`;
}

/** Residual capacity of every source after the plan, to say why a cheaper one was not used more. */
function residuals(p: Prepared, flows: readonly Flow[]) {
  const gives = new Map<string, number>();
  const away = new Map<string, number>();
  const ship = new Map<string, number>();
  const sup = new Map<string, number>();
  const stor = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const f of flows) {
    const c = p.candidates.at(f.cand);
    const need = p.needs[c.need];
    add(stor, `${need.nodeId}|${need.tempClass}`, f.units * need.volumeCm3);
    if (c.kind === 'transfer') add(gives, key(c.fromNodeId, need.itemId), f.units);
    else if (c.kind === 'diversion') {
      add(away, key(c.originalNodeId, need.itemId), f.units);
      add(ship, c.shipmentId, f.units);
    } else add(sup, c.supplierId, f.units);
  }
  const why = (ci: number): string | null => {
    const c = p.candidates.at(ci);
    const need = p.needs[c.need];
    const freeCm3 = (p.storageFreeCm3.get(`${need.nodeId}|${need.tempClass}`) ?? 0) - (stor.get(`${need.nodeId}|${need.tempClass}`) ?? 0);
    if (c.kind === 'transfer') {
      const gk = key(c.fromNodeId, need.itemId);
      const s = p.state.get(gk)!;
      const left = Math.min(s.giveCap - (gives.get(gk) ?? 0), s.surplusCap - (gives.get(gk) ?? 0) - (away.get(gk) ?? 0));
      if (left <= 0) return `${c.fromNodeId} has nothing more to spare above its target ${s.floor}`;
    } else if (c.kind === 'diversion') {
      const left = p.shipments.get(c.shipmentId)!.quantity - (ship.get(c.shipmentId) ?? 0);
      if (left <= 0) return `shipment ${c.shipmentId} is fully diverted`;
      const d = p.state.get(key(c.originalNodeId, need.itemId))!;
      if (!d.receiver && d.surplusCap - (away.get(key(c.originalNodeId, need.itemId)) ?? 0) - (gives.get(key(c.originalNodeId, need.itemId)) ?? 0) <= 0) {
        return `${c.originalNodeId} needs the rest of it to keep its target`;
      }
    } else {
      const left = p.suppliers.get(c.supplierId)!.dailyCapacityUnits - (sup.get(c.supplierId) ?? 0);
      if (left < Math.max(c.packSize, c.moqUnits)) return `${c.supplierId} is at its daily capacity (${left} units left, MOQ ${c.moqUnits}, pack ${c.packSize})`;
    }
    if (need.volumeCm3 > 0 && freeCm3 < need.volumeCm3) return `${need.nodeId}'s ${need.tempClass} storage is full`;
    return null;
  };
  return { why, gives, away };
}

/** A reason code with its parameters, for a UI to translate. */
export interface ReasonCode {
  code: string;
  params: Record<string, string | number>;
}

/** What a line's words are built from: the plan's input and what the plan leaves of every source. */
interface Context {
  p: Prepared;
  res: ReturnType<typeof residuals>;
  shortByKey: PlanMetrics['shortByKey'];
}

/**
 * A plan line whose reason (`reason`, `reasonCodes`) is worded when read, not held: at 200 × 5,000
 * the plan has ~850,000 lines, and their words held as strings and code objects took ~1 GB (about
 * 1.2 KB a line) against ~0.1 KB for the line's fields. The words are the same on every read (the
 * plan and its input do not change once explained); a reader that needs them (the store, a test)
 * reads them by name, and `JSON.stringify` gets them through `toJSON`.
 */
class ExplainedLine implements PlanLine {
  readonly kind: PlanLine['kind'];
  readonly itemId: string;
  readonly toNodeId: string;
  readonly quantity: number;
  readonly fromNodeId: string | null;
  readonly shipmentId: string | null;
  readonly originalNodeId: string | null;
  readonly supplierId: string | null;
  readonly expedited: boolean;
  readonly packs: number | null;
  readonly distanceM: number | null;
  readonly arrivalH: number;
  readonly unitCostFen: number;
  readonly costFen: number;
  readonly #x: Context;
  readonly #cand: number;

  constructor(x: Context, cand: number, units: number) {
    const c = x.p.candidates.at(cand);
    const need = x.p.needs[c.need];
    this.kind = c.kind;
    this.itemId = need.itemId;
    this.toNodeId = need.nodeId;
    this.quantity = units;
    this.fromNodeId = c.kind === 'supplier_order' ? null : c.fromNodeId;
    this.shipmentId = c.kind === 'diversion' ? c.shipmentId : null;
    this.originalNodeId = c.kind === 'diversion' ? c.originalNodeId : null;
    this.supplierId = c.kind === 'supplier_order' ? c.supplierId : null;
    this.expedited = c.kind === 'supplier_order' && c.expedited;
    this.packs = c.kind === 'supplier_order' ? units / c.packSize : null;
    this.distanceM = c.kind === 'supplier_order' ? null : c.distanceM;
    this.arrivalH = c.arrivalH;
    this.unitCostFen = c.unitCostFen;
    this.costFen = Math.round(c.unitCostFen * units);
    this.#x = x;
    this.#cand = cand;
  }

  get reason(): string {
    return words(this.#x, this.#cand, this.quantity).reason;
  }

  get reasonCodes(): ReasonCode[] {
    return words(this.#x, this.#cand, this.quantity).codes;
  }

  /** The line as plain data, words included, in the order the fields are declared in `PlanLine`. */
  toJSON(): PlanLine {
    const w = words(this.#x, this.#cand, this.quantity);
    return {
      kind: this.kind, itemId: this.itemId, toNodeId: this.toNodeId, quantity: this.quantity, fromNodeId: this.fromNodeId, shipmentId: this.shipmentId,
      originalNodeId: this.originalNodeId, supplierId: this.supplierId, expedited: this.expedited, packs: this.packs, distanceM: this.distanceM,
      arrivalH: this.arrivalH, unitCostFen: this.unitCostFen, costFen: this.costFen, reason: w.reason, reasonCodes: w.codes,
    };
  }
}

/** The reason of the flow of `units` of candidate `cand`: in words, and as codes. */
function words(x: Context, cand: number, units: number): { reason: string; codes: ReasonCode[] } {
  const { p, res, shortByKey } = x;
  const deadline = p.params.neededWithinH;
  const c = p.candidates.at(cand);
  const need = p.needs[c.need];
  const others = p.candidates.ofNeed(c.need).filter((ci) => ci !== cand).map((ci) => ({ ci, c: p.candidates.at(ci) }));
  const cheaper = others.filter((o) => o.c.effectiveFenPerUnit < c.effectiveFenPerUnit - 1e-9);
  const timing = c.arrivalH <= deadline ? `arrives in ${fmt(c.arrivalH)} h, within the ${fmt(deadline)} h deadline` : `arrives in ${fmt(c.arrivalH)} h, ${fmt(c.arrivalH - deadline)} h after the deadline`;
  let rank: string;
  const codes: ReasonCode[] = [];
  const timingCode: ReasonCode = c.arrivalH <= deadline ? { code: 'sourcing.on_time', params: { arrivalH: fmt(c.arrivalH), deadlineH: fmt(deadline) } } : { code: 'sourcing.late', params: { arrivalH: fmt(c.arrivalH), lateH: fmt(c.arrivalH - deadline) } };
  if (cheaper.length === 0) {
    const next = others.sort((a, b) => a.c.effectiveFenPerUnit - b.c.effectiveFenPerUnit)[0];
    rank = next
      ? `cheapest of ${others.length + 1} sources (next: ${describe(next.c)} at ${fmt(next.c.effectiveFenPerUnit)} fen/unit incl. late penalty)`
      : 'the only source for this need';
  } else {
    const reasons = cheaper.map((o) => `${describe(o.c)}: ${res.why(o.ci) ?? 'used for more urgent needs'}`);
    rank = `cheaper sources were short (${reasons.join('; ')})`;
  }
  let detail = '';
  if (c.kind === 'transfer') {
    const s = p.state.get(key(c.fromNodeId, need.itemId))!;
    const after = s.position - (res.gives.get(key(c.fromNodeId, need.itemId)) ?? 0) - (res.away.get(key(c.fromNodeId, need.itemId)) ?? 0);
    detail = `Transfer from ${c.fromNodeId} (${km(c.distanceM)}); ${keeps(c.fromNodeId, after, s.floor)}.`;
    codes.push({ code: 'sourcing.transfer', params: { nodeId: c.fromNodeId, distance: km(c.distanceM), keeps: after, target: s.floor } });
  } else if (c.kind === 'diversion') {
    const d = p.state.get(key(c.originalNodeId, need.itemId))!;
    const short = shortByKey.get(key(c.originalNodeId, need.itemId)) ?? 0;
    const after = d.position - (res.away.get(key(c.originalNodeId, need.itemId)) ?? 0) - (res.gives.get(key(c.originalNodeId, need.itemId)) ?? 0);
    detail = `Divert DC shipment ${c.shipmentId} (${c.fromNodeId} → ${c.originalNodeId}, ${km(c.distanceM)} to ${need.nodeId}); ` +
      (short > 0 ? `${c.originalNodeId} is left ${short} short, which weighs less than ${need.nodeId}'s need.` : `${keeps(c.originalNodeId, after, d.floor)}.`);
    codes.push(short > 0
      ? { code: 'sourcing.diversion_short', params: { fromNodeId: c.fromNodeId, nodeId: c.originalNodeId, distance: km(c.distanceM), short } }
      : { code: 'sourcing.diversion', params: { fromNodeId: c.fromNodeId, nodeId: c.originalNodeId, distance: km(c.distanceM), keeps: after, target: d.floor } });
  } else {
    const packs = units / c.packSize;
    detail = `${c.expedited ? 'Expedited' : 'Normal'} order from ${c.supplierId}: ${packs} × ${c.packSize} = ${units} units${c.moqUnits > 0 ? ` (MOQ ${c.moqUnits})` : ''}.`;
    if (c.expedited) {
      detail += ` Normal lead time ${fmt(c.normalLeadTimeH)} h would be ${fmt(Math.max(0, c.normalLeadTimeH - deadline))} h late; the premium ${fmt(c.premiumFenPerUnit)} fen/unit is cheaper than the late penalty.`;
    }
    if (units > need.needUnits) detail += ` ${units - need.needUnits} above the need, from pack/MOQ rounding.`;
    codes.push({ code: c.expedited ? 'sourcing.supplier_expedited' : 'sourcing.supplier', params: { supplierId: c.supplierId, packs, packSize: c.packSize, units: units, moq: c.moqUnits, premium: fmt(c.premiumFenPerUnit) } });
    if (units > need.needUnits) codes.push({ code: 'sourcing.rounding', params: { units: units - need.needUnits } });
  }
  return {
    reason: `${detail} ${timing}; ${rank}.`,
    codes: [...codes, timingCode, cheaper.length === 0 ? (others.length === 0 ? { code: 'sourcing.only_source', params: {} } : { code: 'sourcing.cheapest', params: { sources: others.length + 1 } }) : { code: 'sourcing.cheaper_short', params: { n: cheaper.length } }],
  };
}

export function explain(p: Prepared, flows: readonly Flow[], metrics: PlanMetrics): { lines: PlanLine[]; shortages: ShortageLine[] } {
  const res = residuals(p, flows);
  const x: Context = { p, res, shortByKey: metrics.shortByKey };
  const lines: PlanLine[] = flows.map((f) => new ExplainedLine(x, f.cand, f.units));
  const needByKey = new Map(p.needs.map((n) => [key(n.nodeId, n.itemId), n]));
  const shortages: ShortageLine[] = [];
  for (const [k, short] of metrics.shortByKey) {
    const s = p.state.get(k)!;
    const need = needByKey.get(k);
    const tier = need ? need.tier : p.items.get(s.itemId)?.tier === 'key' ? 'key' : 'essential';
    let reason: string;
    if (!need) reason = `its inbound was diverted to a node whose need weighs more`;
    else if (p.candidates.ofNeed(need.index).length === 0) reason = `no source: no node within the ${p.params.maxGiversPerNeed} nearest has stock above its target, no DC shipment of this item, no supplier sells it`;
    else {
      const whys = p.candidates.ofNeed(need.index).map((ci) => `${describe(p.candidates.at(ci))}: ${res.why(ci) ?? 'remaining quantity below a pack or the MOQ'}`);
      reason = `every source is used up (${[...new Set(whys)].join('; ')})`;
    }
    shortages.push({ nodeId: s.nodeId, itemId: s.itemId, tier, needUnits: Math.max(0, s.target - s.position), shortUnits: short, reason: flat(reason) });
  }
  shortages.sort((a, b) => (b.tier === 'key' ? 1 : 0) - (a.tier === 'key' ? 1 : 0) || b.shortUnits - a.shortUnits || a.nodeId.localeCompare(b.nodeId) || a.itemId.localeCompare(b.itemId));
  lines.sort((a, b) => a.toNodeId.localeCompare(b.toNodeId) || a.itemId.localeCompare(b.itemId) || a.kind.localeCompare(b.kind));
  return { lines, shortages };
}
