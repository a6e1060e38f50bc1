/**
 * The sourcing MIP over a set of needs: columns per candidate source and shortage, rows per rule;
 * building it, warm starts and decoding a solution.
 */
import { INF, PackedModelBuilder, type Basis, type PackedModel } from '../../shared/index.ts';
import type { Flow } from './evaluate.ts';
import { tierWeightFromState } from './evaluate.ts';
import { key, type Prepared } from './prepare.ts';
import { DIVERSION, SUPPLIER_ORDER, TRANSFER } from './candidates.ts';

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
  /** In compressed sparse rows: row r's terms are `indices`/`values` from `starts[r]` to `starts[r + 1]`. */
  model: PackedModel;
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
  /** The row u ≤ pack·k. */
  packRow: number;
}

export function fullCaps(p: Prepared): Caps {
  return {
    storageCm3: new Map(p.storageFreeCm3),
    supplierUnits: new Map([...p.suppliers.values()].map((s) => [s.id, s.dailyCapacityUnits])),
  };
}

export function buildModel(p: Prepared, needIdx: readonly number[], caps: Caps, opts: { relax?: boolean; integerFlows?: boolean } = {}): BuiltModel {
  const b = new PackedModelBuilder('minimize');
  const candCol = new Map<number, number>();
  // Each row's terms, flat ([col, coef, col, coef, …]), by the key of the row.
  const inflow = new Map<string, number[]>();
  const gives = new Map<string, number[]>();
  const away = new Map<string, number[]>();
  const ship = new Map<string, number[]>();
  const storage = new Map<string, number[]>();
  const supplier = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, col: number, coef: number) => {
    const l = m.get(k);
    if (l) l.push(col, coef);
    else m.set(k, [col, coef]);
  };
  const shortCol = new Map<string, number>();
  const balanceRows = new Map<string, number>();
  const moqCol = new Map<number, number>();
  const orderInflow: Array<[string, number, number, number, number]> = [];
  const usefulCol = new Map<number, UsefulUnits>();
  const integer = !opts.relax;
  const integerFlows = integer && (opts.integerFlows ?? true);
  const pair = [0, 0, 0, 0];
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
        orderInflow.push([nk, col, packSize, Math.max(1, Math.ceil(moqUnits / packSize)), ni]);
        push(storage, sk, col, (packSize * need.volumeCm3) / 1000);
        push(supplier, cs.supplierIdOf(ci), col, packSize);
        // In the LP relaxation the 0/1 switch is continuous and free: y = k / maxPacks satisfies both
        // of its rows whenever maxPacks whole packs reach the MOQ, so the switch and its rows change
        // nothing there and are left out (the LP's feasible orders and its optimum are the same).
        if (moqUnits > packSize && (integer || maxPacks * packSize < moqUnits)) {
          const y = b.addVar({ cost: 0, upper: 1, integer });
          moqCol.set(col, y);
          pair[0] = col;
          pair[1] = packSize;
          pair[2] = y;
          pair[3] = -moqUnits;
          b.addRowFlat(pair, 0, INF);
          pair[1] = 1;
          pair[3] = -maxPacks;
          b.addRowFlat(pair, -INF, 0);
        }
      } else {
        const maxUnits = cs.cap[ci];
        if (maxUnits <= 0) continue;
        const col = b.addVar({ cost: cs.effectiveFenPerUnit[ci], upper: maxUnits, integer: integerFlows });
        candCol.set(ci, col);
        push(inflow, nk, col, 1);
        push(storage, sk, col, need.volumeCm3 / 1000);
        if (cs.kind[ci] === TRANSFER) push(gives, key(cs.fromNodeIdOf(ci), need.itemId), col, 1);
        else {
          push(away, key(cs.originalNodeIdOf(ci), need.itemId), col, 1);
          push(ship, cs.shipmentIdOf(ci), col, 1);
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
  for (const [nk, col, packSize, minPacks, ni] of orderInflow) {
    const s = p.state.of(p.needs[ni].nodeId, p.needs[ni].itemId)!;
    const usable = Math.max(0, s.target - s.position) + sumUpper(b, away.get(nk));
    const full = Math.floor(usable / packSize);
    const r = usable - full * packSize;
    // Branch and bound needs no help here (whole packs do it), and the extra rows slow it down.
    if (full < minPacks || r <= 1e-9 || integer) {
      push(inflow, nk, col, full < minPacks ? usable / minPacks : packSize);
      continue;
    }
    const u = b.addVar({ cost: 0, upper: usable });
    pair[0] = u;
    pair[1] = 1;
    pair[2] = col;
    pair[3] = -packSize;
    usefulCol.set(col, { col: u, packSize, usable, lastPackUnits: r, fullPacks: full, packRow: b.addRowFlat(pair, -INF, 0) });
    pair[3] = -r;
    b.addRowFlat(pair, -INF, usable - r * (full + 1));
    push(inflow, nk, u, 1);
  }
  // Balance rows for every receiver pair that is short or loses inbound.
  const balanceKeys = new Set<string>([...needIdx.map((ni) => key(p.needs[ni].nodeId, p.needs[ni].itemId)), ...away.keys()]);
  const terms: number[] = [];
  for (const k of balanceKeys) {
    const s = p.state.get(k)!;
    if (!s.receiver) continue;
    const signedNeed = s.target - s.position;
    const w = tierWeightFromState(p, s.nodeId, s.itemId);
    const a = away.get(k);
    const short = b.addVar({ cost: p.params.shortageFenPerUnit * w, upper: Math.max(0, signedNeed) + sumUpper(b, a) });
    shortCol.set(k, short);
    terms.length = 0;
    terms.push(short, 1);
    const inf = inflow.get(k);
    if (inf) for (let t = 0; t < inf.length; t++) terms.push(inf[t]);
    if (a) for (let t = 0; t < a.length; t += 2) terms.push(a[t], -1);
    balanceRows.set(k, b.addRowFlat(terms, signedNeed, INF));
  }
  // Givers never go below their floor; non-receivers lose inbound only from their surplus.
  const giverKeys = new Set<string>([...gives.keys(), ...away.keys()]);
  const linkRows: number[] = [];
  // In an LP, a row whose columns' upper bounds cannot reach its right-hand side never binds
  // (every term is a flow of coefficient 1 with lower bound 0): left out, the LP is the same.
  const binds = (flat: number[], rhs: number) => integer || sumUpper(b, flat) > rhs;
  for (const k of giverKeys) {
    const s = p.state.get(k)!;
    const g = gives.get(k) ?? [];
    const a = away.get(k) ?? [];
    if (g.length > 0 && binds(g, s.giveCap)) linkRows.push(b.addRowFlat(g, -INF, s.giveCap));
    if ((g.length > 0 && a.length > 0) || (g.length === 0 && !s.receiver)) {
      const both = g.concat(a);
      if (binds(both, s.surplusCap)) linkRows.push(b.addRowFlat(both, -INF, s.surplusCap));
    }
  }
  for (const [id, t] of ship) if (binds(t, p.shipments.get(id)!.quantity)) linkRows.push(b.addRowFlat(t, -INF, p.shipments.get(id)!.quantity));
  const storageRows = new Map<string, number>();
  for (const [k, t] of storage) storageRows.set(k, b.addRowFlat(t, -INF, (caps.storageCm3.get(k) ?? 0) / 1000));
  const supplierRows = new Map<string, number>();
  for (const [id, t] of supplier) supplierRows.set(id, b.addRowFlat(t, -INF, caps.supplierUnits.get(id) ?? 0));
  linkRows.push(...storageRows.values(), ...supplierRows.values());
  return { model: b.build(), candCol, storageRows, supplierRows, shortCol, balanceRows, moqCol, usefulCol, linkRows };
}

/**
 * A starting basis for the LP of a built model (a crash): every balance row with a need is
 * satisfied by its cheapest source per unit it counts for, that column basic in its row's place;
 * every other row's slack is basic and every other column at its lower bound. Diversions (in two
 * balance rows) and useful-unit columns (free, but tied to their order by two rows) are not
 * chosen, so each chosen column has its only balance-row entry on the diagonal and the basis is
 * triangular, hence non-singular. Every column is boxed, so the dual simplex starts dual feasible
 * (it puts a column whose reduced cost is negative at its upper bound) and only repairs what the
 * cheapest sources cannot give (a giver's floor, a shipment, storage): at 50 × 2,000 about a fifth
 * fewer iterations than from the all-slack basis. The LP's optimum is the same; only the path to it.
 */
export function crashBasis(p: Prepared, built: BuiltModel): Basis {
  const m = built.model;
  const colStatus = new Int32Array(m.numCols);
  const rowStatus = new Int32Array(m.numRows).fill(1);
  const skip = new Uint8Array(m.numCols);
  // A useful-units column u stands for its order k: its unit costs k's cost per unit, and choosing
  // it makes k basic too, in the place of the row u ≤ pack·k (at its bound).
  const orderOf = new Map<number, number>();
  for (const [k, u] of built.usefulCol) orderOf.set(u.col, k);
  for (const [ci, col] of built.candCol) if (p.candidates.kind[ci] === DIVERSION) skip[col] = 1;
  for (const row of built.balanceRows.values()) {
    if (!(m.rowLower[row] > 0)) continue;
    let best = -1;
    let bestPerUnit = Number.POSITIVE_INFINITY;
    for (let t = m.starts[row]; t < m.starts[row + 1]; t++) {
      const col = m.indices[t];
      const a = m.values[t];
      if (a <= 0 || skip[col] === 1 || colStatus[col] === 1 || !(m.colUpper[col] > 0)) continue;
      const k = orderOf.get(col);
      if (k !== undefined && (colStatus[k] === 1 || !(m.colUpper[k] > 0))) continue;
      const perUnit = k === undefined ? m.colCost[col] / a : m.colCost[k] / built.usefulCol.get(k)!.packSize;
      if (perUnit < bestPerUnit) {
        bestPerUnit = perUnit;
        best = col;
      }
    }
    if (best < 0) continue;
    colStatus[best] = 1;
    rowStatus[row] = 0;
    const k = orderOf.get(best);
    if (k !== undefined) {
      colStatus[k] = 1;
      rowStatus[built.usefulCol.get(k)!.packRow] = 2;
    }
  }
  return { colStatus, rowStatus };
}

function sumUpper(b: PackedModelBuilder, flat: number[] | undefined): number {
  if (!flat) return 0;
  let s = 0;
  for (let t = 0; t < flat.length; t += 2) s += b.upperOf(flat[t]);
  return s;
}

/** Σ coefficient × value over one row of a built model. */
export function rowActivity(model: PackedModel, row: number, values: Float64Array): number {
  let a = 0;
  for (let k = model.starts[row]; k < model.starts[row + 1]; k++) a += model.values[k] * values[model.indices[k]];
  return a;
}

/**
 * A start point for branch and bound from a plan (for instance the greedy one): column values
 * for its flows, the MOQ switches they need, and the shortage each balance row then has.
 */
export function startFrom(p: Prepared, built: BuiltModel, flows: readonly Flow[]): Float64Array {
  const m = built.model;
  const x = new Float64Array(m.numCols);
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
    for (let t = m.starts[row]; t < m.starts[row + 1]; t++) if (m.indices[t] !== col) inflow += m.values[t] * x[m.indices[t]];
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
