/**
 * The sourcing MIP over a set of needs: columns per candidate source and shortage, rows per rule;
 * building it, warm starts and decoding a solution.
 */
import { INF, ModelBuilder, type LinearModel } from '../../shared/index.ts';
import type { Flow } from './evaluate.ts';
import { tierWeightFromState } from './evaluate.ts';
import { key, type Prepared } from './prepare.ts';
import { SUPPLIER_ORDER, TRANSFER } from './candidates.ts';

/**
 * The sourcing model over a set of needs (all of them, or one chunk of items).
 *
 * Columns: one per candidate source (units for transfers and diversions, packs for supplier
 * orders, plus a 0/1 "order placed" column when the MOQ exceeds one pack), and one shortage
 * column per receiver pair. Rows:
 *   balance    Σ inflow − Σ inbound diverted away + short ≥ target − position   (receiver pair)
 *   giver      Σ transfers out ≤ giveCap;  Σ transfers out + Σ diverted away ≤ position − floor
 *   shipment   Σ diverted from a shipment ≤ its quantity
 *   storage    Σ litres received ≤ free litres                          (receiver × temperature class)
 *   supplier   Σ units ordered ≤ its allotted capacity
 *   moq        pack·k ≥ moq·y,  k ≤ maxPacks·y
 * Objective: shortage price × tier weight × short + Σ (unit cost + late penalty) × units.
 * The coupling rows between items are storage and supplier capacity; their right-hand
 * sides come in through `caps`, so a chunk can be given a share of them.
 */
export interface Caps {
  storageCm3: Map<string, number>;
  supplierUnits: Map<string, number>;
}

export interface BuiltModel {
  model: LinearModel;
  /** Candidate → column (units or packs). */
  candCol: Map<number, number>;
  storageRows: Map<string, number>;
  supplierRows: Map<string, number>;
  /** Receiver pair key → its shortage column and its balance row. */
  shortCol: Map<string, number>;
  balanceRows: Map<string, number>;
  /** Order column → its 0/1 MOQ column, for orders whose MOQ exceeds one pack. */
  moqCol: Map<number, number>;
  /** Order column → the column of the units of it its pair can use, when the last pack is partly surplus. */
  usefulCol: Map<number, UsefulUnits>;
  /** Rows that join needs (giver, surplus, shipment, storage, supplier): what the Lagrangian bound prices out. */
  linkRows: number[];
}

export interface UsefulUnits {
  col: number;
  packSize: number;
  usable: number;
  lastPackUnits: number;
  fullPacks: number;
}

export function fullCaps(p: Prepared): Caps {
  return {
    storageCm3: new Map(p.storageFreeCm3),
    supplierUnits: new Map([...p.suppliers.values()].map((s) => [s.id, s.dailyCapacityUnits])),
  };
}

export function buildModel(p: Prepared, needIdx: readonly number[], caps: Caps, opts: { relax?: boolean; integerFlows?: boolean } = {}): BuiltModel {
  const b = new ModelBuilder('minimize');
  const candCol = new Map<number, number>();
  const inflow = new Map<string, Array<[number, number]>>();
  const gives = new Map<string, Array<[number, number]>>();
  const away = new Map<string, Array<[number, number]>>();
  const ship = new Map<string, Array<[number, number]>>();
  const storage = new Map<string, Array<[number, number]>>();
  const supplier = new Map<string, Array<[number, number]>>();
  const push = (m: Map<string, Array<[number, number]>>, k: string, t: [number, number]) => {
    const l = m.get(k);
    if (l) l.push(t);
    else m.set(k, [t]);
  };
  const shortCol = new Map<string, number>();
  const balanceRows = new Map<string, number>();
  const moqCol = new Map<number, number>();
  const orderInflow: Array<[string, number, number, number]> = [];
  const usefulCol = new Map<number, UsefulUnits>();
  const integer = !opts.relax;
  const integerFlows = integer && (opts.integerFlows ?? true);
  for (const ni of needIdx) {
    const need = p.needs[ni];
    const nk = key(need.nodeId, need.itemId);
    const sk = `${need.nodeId}|${need.tempClass}`;
    const cs = p.candidates;
    for (let ci = cs.needStart[ni]; ci < cs.needStart[ni + 1]; ci++) {
      if (cs.kind[ci] === SUPPLIER_ORDER) {
        const maxPacks = cs.cap[ci];
        const packSize = cs.packSizeOf(ci);
        const moqUnits = cs.moqUnitsOf(ci);
        if (maxPacks <= 0) continue;
        const col = b.addVar({ cost: cs.effectiveFenPerUnit[ci] * packSize, upper: maxPacks, integer });
        candCol.set(ci, col);
        orderInflow.push([nk, col, packSize, Math.max(1, Math.ceil(moqUnits / packSize))]);
        push(storage, sk, [col, (packSize * need.volumeCm3) / 1000]);
        push(supplier, cs.supplierIdOf(ci), [col, packSize]);
        if (moqUnits > packSize) {
          const y = b.addVar({ cost: 0, upper: 1, integer });
          moqCol.set(col, y);
          b.addRow([[col, packSize], [y, -moqUnits]], 0, INF);
          b.addRow([[col, 1], [y, -maxPacks]], -INF, 0);
        }
      } else {
        const maxUnits = cs.cap[ci];
        if (maxUnits <= 0) continue;
        const col = b.addVar({ cost: cs.effectiveFenPerUnit[ci], upper: maxUnits, integer: integerFlows });
        candCol.set(ci, col);
        push(inflow, nk, [col, 1]);
        push(storage, sk, [col, need.volumeCm3 / 1000]);
        if (cs.kind[ci] === TRANSFER) push(gives, key(cs.fromNodeIdOf(ci), need.itemId), [col, 1]);
        else {
          push(away, key(cs.originalNodeIdOf(ci), need.itemId), [col, 1]);
          push(ship, cs.shipmentIdOf(ci), [col, 1]);
        }
      }
    }
  }
  // An order's packs count in the balance only up to what the pair can use: an order is 0 or at
  // least `minPacks` packs, so each pack counts min(pack, most the pair can use / minPacks). At
  // every integer point that is at least what the order covers (exact when the MOQ is below the
  // need), and the LP can no longer take a sliver of an MOQ or a pack as if it came alone.
  // Likewise the last pack counts only for the units it adds: when the pair can use N units and
  // N is not a whole number of packs, the order's useful units u obey u ≤ pack·k and
  // u ≤ N − r·(⌊N/pack⌋ + 1 − k), r = N mod pack (the upper hull of min(pack·k, N) over whole k),
  // so that the LP pays for the whole last pack as the plan will.
  for (const [nk, col, packSize, minPacks] of orderInflow) {
    const s = p.state.get(nk)!;
    const usable = Math.max(0, s.target - s.position) + sumUpper(b, away.get(nk));
    const full = Math.floor(usable / packSize);
    const r = usable - full * packSize;
    // Branch and bound needs no help here (whole packs do it), and the extra rows slow it down.
    if (full < minPacks || r <= 1e-9 || integer) {
      push(inflow, nk, [col, full < minPacks ? usable / minPacks : packSize]);
      continue;
    }
    const u = b.addVar({ cost: 0, upper: usable });
    usefulCol.set(col, { col: u, packSize, usable, lastPackUnits: r, fullPacks: full });
    b.addRow([[u, 1], [col, -packSize]], -INF, 0);
    b.addRow([[u, 1], [col, -r]], -INF, usable - r * (full + 1));
    push(inflow, nk, [u, 1]);
  }
  // Balance rows for every receiver pair that is short or loses inbound.
  const balanceKeys = new Set<string>([...needIdx.map((ni) => key(p.needs[ni].nodeId, p.needs[ni].itemId)), ...away.keys()]);
  for (const k of balanceKeys) {
    const s = p.state.get(k)!;
    if (!s.receiver) continue;
    const signedNeed = s.target - s.position;
    const w = tierWeightFromState(p, s.nodeId, s.itemId);
    const short = b.addVar({ cost: p.params.shortageFenPerUnit * w, upper: Math.max(0, signedNeed) + sumUpper(b, away.get(k)) });
    shortCol.set(k, short);
    const terms: Array<[number, number]> = [[short, 1], ...(inflow.get(k) ?? [])];
    for (const [col] of away.get(k) ?? []) terms.push([col, -1]);
    balanceRows.set(k, b.addRow(terms, signedNeed, INF));
  }
  // Givers never go below their floor; non-receivers lose inbound only from their surplus.
  const giverKeys = new Set<string>([...gives.keys(), ...away.keys()]);
  const linkRows: number[] = [];
  for (const k of giverKeys) {
    const s = p.state.get(k)!;
    const g = gives.get(k) ?? [];
    const a = away.get(k) ?? [];
    if (g.length > 0) linkRows.push(b.addRow(g, -INF, s.giveCap));
    if ((g.length > 0 && a.length > 0) || (g.length === 0 && !s.receiver)) linkRows.push(b.addRow([...g, ...a], -INF, s.surplusCap));
  }
  for (const [id, terms] of ship) linkRows.push(b.addRow(terms, -INF, p.shipments.get(id)!.quantity));
  const storageRows = new Map<string, number>();
  for (const [k, terms] of storage) storageRows.set(k, b.addRow(terms, -INF, (caps.storageCm3.get(k) ?? 0) / 1000));
  const supplierRows = new Map<string, number>();
  for (const [id, terms] of supplier) supplierRows.set(id, b.addRow(terms, -INF, caps.supplierUnits.get(id) ?? 0));
  linkRows.push(...storageRows.values(), ...supplierRows.values());
  return { model: b.build(), candCol, storageRows, supplierRows, shortCol, balanceRows, moqCol, usefulCol, linkRows };
}

function sumUpper(b: ModelBuilder, terms: Array<[number, number]> | undefined): number {
  if (!terms) return 0;
  const m = b.build();
  return terms.reduce((s, [col]) => s + m.cols.upper[col], 0);
}

/**
 * A start point for branch and bound from a plan (for instance the greedy one): column values
 * for its flows, the MOQ switches they need, and the shortage each balance row then has.
 */
export function startFrom(p: Prepared, built: BuiltModel, flows: readonly Flow[]): Float64Array {
  const rows = built.model.rows;
  const x = new Float64Array(built.model.cols.cost.length);
  for (const f of flows) {
    const col = built.candCol.get(f.cand);
    if (col === undefined) continue;
    const c = p.candidates.at(f.cand);
    x[col] = c.kind === 'supplier_order' ? f.units / c.packSize : f.units;
  }
  for (const [col, y] of built.moqCol) if (x[col] > 0) x[y] = 1;
  for (const [col, u] of built.usefulCol) x[u.col] = Math.max(0, Math.min(u.packSize * x[col], u.usable - u.lastPackUnits * (u.fullPacks + 1 - x[col])));
  for (const [k, col] of built.shortCol) {
    const s = p.state.get(k)!;
    const row = built.balanceRows.get(k)!;
    let inflow = 0;
    rows.indices[row].forEach((c, t) => c !== col && (inflow += rows.values[row][t] * x[c]));
    x[col] = Math.max(0, s.target - s.position - inflow);
  }
  return x;
}

/** Reads flows (integer units) from a solution vector. */
export function decode(p: Prepared, built: BuiltModel, values: Float64Array): Flow[] {
  const flows: Flow[] = [];
  for (const [ci, col] of built.candCol) {
    const v = Math.round(values[col]);
    if (v <= 0) continue;
    const c = p.candidates.at(ci);
    flows.push({ cand: ci, units: c.kind === 'supplier_order' ? v * c.packSize : v });
  }
  flows.sort((a, b) => a.cand - b.cand);
  return flows;
}

/** Storage (cm³) and supplier capacity (units) a set of flows uses. */
export function usage(p: Prepared, flows: readonly Flow[]): Caps {
  const storageCm3 = new Map<string, number>();
  const supplierUnits = new Map<string, number>();
  for (const f of flows) {
    const c = p.candidates.at(f.cand);
    const need = p.needs[c.need];
    const sk = `${need.nodeId}|${need.tempClass}`;
    storageCm3.set(sk, (storageCm3.get(sk) ?? 0) + f.units * need.volumeCm3);
    if (c.kind === 'supplier_order') supplierUnits.set(c.supplierId, (supplierUnits.get(c.supplierId) ?? 0) + f.units);
  }
  return { storageCm3, supplierUnits };
}
