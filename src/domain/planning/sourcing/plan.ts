/**
 * planSourcing: chooses how to solve (MIP, LP rounding, decomposition by items, greedy), solves with
 * the injected MipSolver and returns the audited, explained plan.
 */
import { openSession, type BoundChanges, type MipSolver, type ModelSession, type SolveOptions, type SolveResult } from '../../shared/index.ts';
import { err, ok, type Result } from '../../shared/index.ts';
import { evaluate, type Flow, type PlanMetrics } from './evaluate.ts';
import { explain, type PlanLine, type ShortageLine } from './explain.ts';
import { greedyPlan } from './greedy.ts';
import { blockModel, itemBlocks, lagrangianLift, type ItemBlock } from './bound.ts';
import { buildModel, fullCaps, rowActivity, startFrom, usage, type BuiltModel, type Caps } from './model.ts';
import { columnsOf, key, prepare, type Prepared, type SourcingInput } from './prepare.ts';

export type PlanMethod = 'empty' | 'mip' | 'lp_rounding' | 'decomposed' | 'greedy';

export interface PlanSummary {
  method: PlanMethod;
  /** 'optimal' when proven (gap ≤ mipRelGap), else 'feasible'. */
  status: 'optimal' | 'feasible';
  receivers: string[];
  needs: number;
  needUnits: number;
  shortageUnits: number;
  weightedShortageUnits: number;
  costFen: number;
  transportFen: number;
  deliveryFen: number;
  premiumFen: number;
  lateUnitH: number;
  objective: number;
  /** A lower bound on the objective (MIP dual bound, or the LP bound of the decomposition, lifted by the Lagrangian blocks). */
  bound: number | null;
  /** Where `bound` comes from: branch and bound ('mip'), the LP relaxation ('lp') or the Lagrangian bound at the LP's duals ('lagrangian', see bound.ts). */
  boundKind: 'mip' | 'lp' | 'lagrangian' | null;
  /** (objective − bound) / objective in percent. */
  gapPct: number | null;
  columns: number;
  chunks: number;
  solveTimeS: number;
  /** The greedy baseline on the same input, for comparison. */
  greedy: { weightedShortageUnits: number; costFen: number; objective: number };
}

export interface SourcingPlan {
  lines: PlanLine[];
  shortages: ShortageLine[];
  summary: PlanSummary;
  warnings: string[];
}

/**
 * Plans sourcing for the receivers' net requirements: transfers from nodes above their
 * own target, diversions of DC shipments, and normal or expedited supplier orders, all
 * chosen together by one MIP (or, for large inputs, LP rounding per temperature class, the
 * classes solved concurrently with the shared supplier capacity shared out and a repair
 * pass; see docs/planning.md). The result is never
 * worse than the greedy baseline: both are audited by `evaluate` and the better is kept.
 */
export function planSourcing(
  input: SourcingInput,
  solver: MipSolver,
  /** Monotonic milliseconds (the caller's `performance.now`) for `summary.solveTimeS`; the domain reads no clock. Without it solveTimeS is 0. */
  monotonicMs: () => number = () => 0,
  /** Called with a short line at each stage (prepared, greedy, each chunk's LP and rounding, bound): a long run's progress. */
  progress: (stage: string) => void = () => {},
): Promise<Result<SourcingPlan>> {
  // The input is read by `prepare` alone and not held while the plan is solved (an async function
  // would keep its parameter alive to the end): a caller that does not hold it either lets it be
  // freed (at 200 × 5,000 about 0.4 GB of objects, one per node × item balance and target).
  let prep: Result<Prepared>;
  try {
    prep = prepare(input);
  } catch (e) {
    return Promise.reject(e);
  }
  if (!prep.ok) return Promise.resolve(prep);
  progress(`prepared: ${prep.value.needs.length} needs, ${prep.value.candidates.count} candidates`);
  return planPrepared(prep.value, solver, monotonicMs, progress);
}

async function planPrepared(p: Prepared, solver: MipSolver, monotonicMs: () => number, progress: (stage: string) => void): Promise<Result<SourcingPlan>> {
  const started = monotonicMs();
  const warnings: string[] = [];
  const greedyFlows = greedyPlan(p);
  const greedy = evaluate(p, greedyFlows);
  progress(`greedy: objective ${Math.round(greedy.objective)}`);

  let flows: Flow[] = [];
  let method: PlanMethod = 'empty';
  let bound: number | null = 0;
  let boundKind: PlanSummary['boundKind'] = 'mip';
  let lps: ChunkLp[] | null = null;
  let proven = true;
  let columns = 0;
  let chunks = 0;
  let audited: PlanMetrics | null = null;
  if (p.needs.length > 0) {
    const allNeeds = p.needs.map((n) => n.index);
    columns = allNeeds.reduce((s, ni) => s + columnsOf(p, ni), 0);
    // Branch and bound pays off on small models; big ones go by LP rounding, by temperature class.
    const useMip = columns <= p.params.maxTotalColumnsMip;
    let lpChunks = useMip || p.params.decomposition === 'none' ? [allNeeds] : p.params.decomposition === 'by_item' || columns > p.params.splitColumns ? chunksByClass(p, p.params.chunkColumns) : [allNeeds];
    // Too many chunks to hold at once: solved in waves, in chunks of their own (smaller) size.
    if (!useMip && lpChunks.length > p.params.maxOpenChunks && p.params.waveChunkColumns < p.params.chunkColumns) lpChunks = chunksByClass(p, p.params.waveChunkColumns);
    const decompose = useMip ? p.params.decomposition === 'by_item' || (p.params.decomposition === 'auto' && columns > p.params.maxColumnsMip) : lpChunks.length > 1;
    if (!decompose) {
      const r = await solveRegion(p, solver, allNeeds, fullCaps(p), useMip, p.params.timeLimitS, greedyFlows);
      if (!r.ok) return r;
      flows = r.value.flows;
      bound = r.value.bound;
      lps = r.value.lps ?? null;
      proven = r.value.proven;
      method = useMip ? 'mip' : 'lp_rounding';
      chunks = 1;
    } else {
      const d = useMip ? await solveDecomposedMip(p, solver, p.params.maxColumnsMip, greedyFlows) : lpChunks.length > p.params.maxOpenChunks ? await solveChunkedLpInWaves(p, solver, lpChunks, p.params.timeLimitS, progress) : await solveChunkedLp(p, solver, lpChunks, p.params.timeLimitS, progress);
      if (!d.ok) return d;
      flows = d.value.flows;
      bound = d.value.bound;
      lps = d.value.lps ?? null;
      proven = false;
      method = 'decomposed';
      chunks = d.value.chunks;
    }
    // Flooring and chunking can leave a few units short that a residual source could still cover.
    if (!proven) flows = greedyPlan(p, flows);
    progress(`solved: ${method}, ${chunks} chunk(s), ${columns} columns`);
    if (lps) {
      // The plan audited before its bound: the bound stops once it proves the plan within `boundTargetGapPct`.
      audited = evaluate(p, flows);
      const lifted = await liftedBound(p, solver, lps, columns, audited.objective, monotonicMs);
      bound = lifted.bound;
      boundKind = lifted.kind;
      progress(`bound: ${lifted.kind} ${Math.round(lifted.bound)}, ${lifted.items} item blocks`);
    }
  }
  let metrics = audited ?? evaluate(p, flows);
  audited = null;
  if (metrics.violations.length > 0) {
    // The solver's answer breaks a rule the audit checks (for instance a tolerance): fall back to greedy.
    warnings.push(`solver plan failed the audit (${metrics.violations[0]}); using the greedy plan`);
    flows = greedyFlows;
    metrics = greedy;
    method = 'greedy';
  } else if (greedy.objective < metrics.objective - 1e-6) {
    warnings.push('the greedy plan scored better than the solver within its time limit; using the greedy plan');
    flows = greedyFlows;
    metrics = greedy;
    method = 'greedy';
  }
  lps = null;
  progress(`audited: objective ${Math.round(metrics.objective)}, ${flows.length} flows`);
  const { lines, shortages } = explain(p, flows, metrics);
  progress(`explained: ${lines.length} lines, ${shortages.length} shortages`);
  const gapPct = bound === null ? null : metrics.objective <= 0 ? 0 : Math.max(0, ((metrics.objective - bound) / metrics.objective) * 100);
  const summary: PlanSummary = {
    method,
    status: proven && method !== 'greedy' ? 'optimal' : 'feasible',
    receivers: p.receivers,
    needs: p.needs.length,
    needUnits: p.needs.reduce((s, n) => s + n.needUnits, 0),
    shortageUnits: metrics.shortageUnits,
    weightedShortageUnits: metrics.weightedShortageUnits,
    costFen: metrics.costFen,
    transportFen: metrics.transportFen,
    deliveryFen: metrics.deliveryFen,
    premiumFen: metrics.premiumFen,
    lateUnitH: metrics.lateUnitH,
    objective: Math.round(metrics.objective),
    bound: bound === null ? null : Math.round(bound),
    boundKind: bound === null ? null : boundKind,
    gapPct: gapPct === null ? null : Math.round(gapPct * 1000) / 1000,
    columns,
    chunks,
    solveTimeS: Math.round(monotonicMs() - started) / 1000,
    greedy: { weightedShortageUnits: greedy.weightedShortageUnits, costFen: greedy.costFen, objective: Math.round(greedy.objective) },
  };
  return ok({ lines, shortages, summary, warnings });
}

/**
 * How the sourcing LPs are solved: without presolve (it barely shrinks these sparse, network-like
 * models, and presolving plus postsolving a 177,000-column chunk cost more than the simplex itself:
 * 7.4 s of CPU against 3.0 s without) and with Devex pricing (another ~20% less).
 */
const LP: SolveOptions = { presolve: false, simplexPricing: 'devex' };

function failure(r: SolveResult): Result<never> | null {
  if (r.values) return null;
  if (r.status === 'infeasible') {
    // Every row has a feasible point (all flows 0, shortage = need), so this is a bug or a tolerance problem.
    return err({ code: 'infeasible', message: 'the sourcing model is infeasible', details: { status: r.status } });
  }
  return err({ code: 'solver_failed', message: `sourcing solver returned ${r.status}${r.message ? `: ${r.message}` : ''}`, details: { status: r.status } });
}

interface RegionResult {
  flows: Flow[];
  /** A lower bound on this region's objective (MIP dual bound or LP relaxation). */
  bound: number;
  proven: boolean;
  /** The LP answers the bound came from, for the Lagrangian lift (LP rounding only). */
  lps?: ChunkLp[];
}

/** One LP of the model over some needs, at full capacity, with what the Lagrangian bound needs of it. */
interface ChunkLp {
  lp: number;
  /** Per item: the lift from solving the item's needs' blocks exactly (bound.ts). */
  needLift: Map<string, number>;
  blocks: ItemBlock[];
  storageDual: Map<string, number>;
  supplierDual: Map<string, number>;
}

function chunkLp(p: Prepared, built: BuiltModel, needIdx: readonly number[], r: SolveResult): ChunkLp {
  const lp = r.objective ?? 0;
  if (!r.values || !r.rowDuals || r.status !== 'optimal') return { lp, needLift: new Map(), blocks: [], storageDual: new Map(), supplierDual: new Map() };
  const { byItem } = lagrangianLift(p, built, needIdx, r.values, r.rowDuals);
  return { lp, needLift: byItem, ...itemBlocks(p, built, needIdx, r.values, r.rowDuals) };
}

/**
 * The bound of an LP-rounded plan: Σ of the chunks' LPs (each at full capacity, so the sum is a
 * relaxation of the whole model), lifted by the Lagrangian blocks (bound.ts): every need's block
 * solved exactly (cheap), then the most promising items' blocks as small MIPs, two at a time, up
 * to `boundMaxItems` items and `boundBlockColumns` columns in all, none above `BLOCK_MAX_COLUMNS`
 * (so a bigger network, whose item blocks are bigger, solves fewer of them). An item solved counts the larger of its two lifts (both are valid).
 * No block starts once the blocks solved so far, in their ranked order, prove `objective` (the
 * plan's) within `boundTargetGapPct`; the bound then counts exactly that prefix of blocks.
 *
 * The work is a count, not a time: every block MIP is stopped by a node limit (its dual bound is
 * still valid), so a loaded machine proves the same bound as an idle one, only later. Flows are
 * continuous in the blocks (a relaxation of the block, so still a valid bound, and far cheaper).
 * `boundTimeS` is only a safety net (an extreme machine): past it no new block starts.
 */
async function liftedBound(p: Prepared, solver: MipSolver, lps: ChunkLp[], modelColumns: number, objective: number, monotonicMs: () => number): Promise<{ bound: number; kind: 'lp' | 'lagrangian'; items: number }> {
  const started = monotonicMs();
  const ranked = lps.flatMap((ch, c) => ch.blocks.map((b) => ({ c, b }))).sort((x, y) => y.b.promise - x.b.promise || y.b.fractional - x.b.fractional || x.c - y.c || x.b.itemId.localeCompare(y.b.itemId));
  // The blocks to solve, chosen before any is solved: the most promising, up to a number of items and of columns.
  const queue: typeof ranked = [];
  const budgetColumns = Math.min(p.params.boundBlockColumns, Math.ceil(modelColumns * p.params.boundBlockShare));
  let columns = 0;
  for (const q of ranked) {
    if (queue.length >= p.params.boundMaxItems) break;
    const cols = q.b.needs.reduce((s, ni) => s + columnsOf(p, ni), 0);
    // A block's MIP grows faster than its size: a big network's item blocks cost far more than they lift.
    if (cols > BLOCK_MAX_COLUMNS) continue;
    if (queue.length > 0 && columns + cols > budgetColumns) break;
    queue.push(q);
    columns += cols;
  }
  // The bound without item blocks: the chunks' LPs and every need's block.
  let base = 0;
  for (const ch of lps) {
    base += ch.lp;
    for (const v of ch.needLift.values()) base += Math.max(0, v);
  }
  // What each queued block adds over its item's per-need lift, once solved (null: not solved).
  const gains: Array<number | null> = queue.map(() => null);
  // The blocks counted: the longest solved prefix of the queue, cut where it first proves the plan
  // within the target. Only a prefix counts, so the bound does not depend on which lane finished first.
  let counted = 0;
  let proven = base;
  let reached = false;
  const within = (bound: number) => objective > 0 && ((objective - bound) / objective) * 100 <= p.params.boundTargetGapPct;
  const full = fullCaps(p);
  let next = 0;
  const more = () => next < queue.length && !reached && monotonicMs() - started < p.params.boundTimeS * 1000;
  const lane = async () => {
    while (more()) {
      const i = next++;
      const { c, b } = queue[i];
      const m = blockModel(buildModel(p, b.needs, full, { integerFlows: false }), lps[c].storageDual, lps[c].supplierDual);
      // Started from "nothing sourced" (always feasible), so the MIP has an incumbent and a bound at once.
      const r = await solver.solve(m.model, { timeLimitS: BLOCK_SAFETY_S, mipRelGap: 1e-3, maxNodes: BLOCK_MAX_NODES, boundOnly: true, start: startFrom(p, m, []) });
      const needLift = Math.max(0, lps[c].needLift.get(b.itemId) ?? 0);
      gains[i] = r.bound !== null && Number.isFinite(r.bound) && r.status !== 'error' ? Math.max(0, r.bound - b.lpValue - needLift) : 0;
      while (!reached && counted < queue.length && gains[counted] !== null) {
        proven += gains[counted++]!;
        reached = within(proven);
      }
    }
  };
  if (!within(base) && p.params.boundTimeS > 0) await Promise.all(Array.from({ length: Math.max(1, Math.min(2, solver.concurrency ?? 1)) }, lane));
  // Without a target reached, every block solved counts (a safety-net stop can leave gaps in the prefix).
  if (!reached) proven = base + gains.reduce<number>((s, g) => s + (g ?? 0), 0);
  const items = reached ? counted : gains.filter((g) => g !== null).length;
  const lp = lps.reduce((s, ch) => s + ch.lp, 0);
  return proven - lp > 1e-6 ? { bound: proven, kind: 'lagrangian', items } : { bound: lp, kind: 'lp', items };
}

/**
 * Item blocks bigger than this are not solved: at 50 × 2,000 a block has 140-220 columns (~0.05-0.09 s
 * of CPU); at 200 × 5,000 hundreds to thousands (8 of ~2,700 took 67 s wall at load 14, 33 of ≤ 1,000
 * took 49 s at load 8-11, and both lifted the bound by less than 0.05%).
 */
const BLOCK_MAX_COLUMNS = 400;
/** Branch-and-bound nodes per item block: caps the rare hard block (most close at the root). */
const BLOCK_MAX_NODES = 30;
/** A block MIP's own time limit: never reached on a sane machine (a block takes ~0.05 s of CPU). */
const BLOCK_SAFETY_S = 20;

/**
 * Solves the model over some needs: as a MIP when the whole model is small (started from the
 * greedy plan, so branch and bound has an incumbent at once), else by iterative LP rounding
 * (see `roundLp`). Flows of transfers and diversions are floored; the caller completes the
 * plan greedily, which covers the few units flooring may leave short.
 */
async function solveRegion(p: Prepared, solver: MipSolver, needIdx: number[], caps: Caps, useMip: boolean, timeLimitS: number, greedy: readonly Flow[]): Promise<Result<RegionResult>> {
  if (!useMip) {
    const built = buildModel(p, needIdx, caps, { relax: true });
    const session = await openSession(solver, built.model);
    try {
      const first = await session.solve({ ...LP, timeLimitS });
      if (!first.values && first.status === 'time_limit_no_solution') return ok({ flows: [], bound: 0, proven: false });
      const f = failure(first);
      if (f) return f;
      const lps = [chunkLp(p, built, needIdx, first)];
      const r = await roundLp(p, built, session, first, caps, null, timeLimitS);
      return r.ok ? ok({ flows: r.value, bound: first.objective ?? 0, proven: false, lps }) : r;
    } finally {
      session.close();
    }
  }
  const built = buildModel(p, needIdx, caps);
  const r = await solver.solve(built.model, { timeLimitS, mipRelGap: p.params.mipRelGap, start: startFrom(p, built, greedy) });
  if (!r.values) {
    // No incumbent within the time limit: LP rounding always has an answer.
    if (r.status === 'time_limit_no_solution') return solveRegion(p, solver, needIdx, caps, false, timeLimitS, greedy);
    const f = failure(r);
    if (f) return f;
  }
  return ok({ flows: flowsOf(p, built, r.values!), bound: r.bound ?? 0, proven: r.status === 'optimal' });
}

function flowsOf(p: Prepared, built: BuiltModel, values: Float64Array): Flow[] {
  const flows: Flow[] = [];
  for (const [ci, col] of built.candCol) {
    const order = p.candidates.isOrder(ci);
    const x = values[col];
    const v = order ? Math.round(x) : Math.floor(x + 1e-6);
    if (v > 0) flows.push({ cand: ci, units: order ? v * p.candidates.packSizeOf(ci) : v });
  }
  return flows.sort((a, b) => a.cand - b.cand);
}

/** New row bounds for the coupling rows of a built model: its caps where they differ from `from`. */
function capChanges(built: BuiltModel, caps: Caps, from: Caps): BoundChanges['rows'] | null {
  const changed: Array<[number, number]> = [];
  for (const [k, row] of built.storageRows) {
    const v = caps.storageCm3.get(k) ?? 0;
    if (v !== (from.storageCm3.get(k) ?? 0)) changed.push([row, v / 1000]);
  }
  for (const [k, row] of built.supplierRows) {
    const v = caps.supplierUnits.get(k) ?? 0;
    if (v !== (from.supplierUnits.get(k) ?? 0)) changed.push([row, v]);
  }
  if (changed.length === 0) return null;
  changed.sort((a, b) => a[0] - b[0]);
  return {
    index: Int32Array.from(changed, (c) => c[0]),
    lower: Float64Array.from(changed, () => Number.NEGATIVE_INFINITY),
    upper: Float64Array.from(changed, (c) => c[1]),
  };
}

/**
 * Iterative LP rounding, for models too big for branch and bound. Transfers and diversions
 * form a network whose LP optimum is integral or nearly so; only supplier orders (whole
 * packs, MOQ) are not. Each round re-solves the LP (hot, in the same solver session) with the
 * orders fixed so far and fixes the fractional ones: an order at or above its MOQ goes up to
 * whole packs (down if supplier capacity or storage would overflow); an order the LP placed
 * below its MOQ is first tried at 0 (other sources may cover it), and put back at the MOQ in
 * the next round if that need then went short. `first` is the session's last LP answer;
 * `rows`, when given, are new coupling-row bounds to apply before the first round.
 */
async function roundLp(p: Prepared, built: BuiltModel, session: ModelSession, first: SolveResult, caps: Caps, rows: BoundChanges['rows'] | null, timeLimitS: number): Promise<Result<Flow[]>> {
  const supplierLeft = new Map(caps.supplierUnits);
  const storageLeft = new Map(caps.storageCm3);
  const orders = [...built.candCol].filter(([ci]) => p.candidates.isOrder(ci));
  const fixed = new Set<number>();
  let pending: Array<[number, number]> = [];
  const fix = (ci: number, col: number, packs: number) => {
    const c = p.candidates.at(ci);
    if (c.kind !== 'supplier_order') return;
    const need = p.needs[c.need];
    const sk = `${need.nodeId}|${need.tempClass}`;
    supplierLeft.set(c.supplierId, (supplierLeft.get(c.supplierId) ?? 0) - packs * c.packSize);
    storageLeft.set(sk, (storageLeft.get(sk) ?? 0) - packs * c.packSize * need.volumeCm3);
    pending.push([col, packs]);
    fixed.add(col);
  };
  // Out of time in a re-solve (a loaded machine): null, and this region is left to the greedy completion.
  const resolve = async (): Promise<Result<Float64Array | null>> => {
    pending.sort((a, b) => a[0] - b[0]);
    const cols = { index: Int32Array.from(pending, (x) => x[0]), lower: Float64Array.from(pending, (x) => x[1]), upper: Float64Array.from(pending, (x) => x[1]) };
    pending = [];
    const r = await session.solve({ ...LP, timeLimitS }, { cols, ...(rows ? { rows } : {}) });
    rows = null;
    if (!r.values && r.status === 'time_limit_no_solution') return ok(null);
    const f = failure(r);
    duals = r.rowDuals ?? null;
    return f ?? ok(r.values!);
  };
  const fits = (ci: number, packs: number) => {
    const c = p.candidates.at(ci);
    if (c.kind !== 'supplier_order') return false;
    const need = p.needs[c.need];
    return packs * c.packSize <= (supplierLeft.get(c.supplierId) ?? 0) && packs * c.packSize * need.volumeCm3 <= (storageLeft.get(`${need.nodeId}|${need.tempClass}`) ?? 0) + 1e-6;
  };
  let values = first.values!;
  // Shadow prices of the rows at the last LP answer (the solver's sign: ≤ 0 on a binding ≤ row of a minimisation).
  let duals: Float64Array | null = first.rowDuals ?? null;
  if (rows) {
    const r = await resolve();
    if (!r.ok) return r;
    if (!r.value) return ok([]);
    values = r.value;
  }
  // Rounding as a knapsack per coupling row: every order still to decide first goes down (to
  // whole packs, or to 0 below its MOQ), which frees room in its storage and supplier rows; then
  // orders go up, the most shortage saved per litre first (tier weight × units of its need that
  // the rest of the plan leaves uncovered), while the freed room and the rows' slack last.
  // Rounding up into room that other flows hold would only move the shortage elsewhere.
  const m = built.model;
  const round = (values: Float64Array, all: boolean): number => {
    const room = new Map<number, number>();
    for (const row of [...built.storageRows.values(), ...built.supplierRows.values()]) room.set(row, rowUpper(built, caps, row) - rowActivity(m, row, values));
    const todo: Array<{ ci: number; col: number; up: number; down: number; storageRow: number; supplierRow: number; litresPerPack: number; packSize: number; saved: number; costPerPack: number; density: number }> = [];
    const dualOf = (row: number) => (duals ? Math.max(0, -duals[row]) : 0);
    for (const [ci, col] of orders) {
      if (fixed.has(col)) continue;
      const c = p.candidates.at(ci);
      if (c.kind !== 'supplier_order') continue;
      const k = values[col];
      if (k < 1e-6) {
        if (all) fix(ci, col, 0);
        continue;
      }
      const minPacks = Math.max(1, Math.ceil(c.moqUnits / c.packSize));
      if (!all && Math.abs(k - Math.round(k)) < 1e-6 && Math.round(k) >= minPacks) continue;
      const up = Math.min(c.maxPacks, Math.max(minPacks, Math.ceil(k - 1e-6)));
      const down = Math.floor(k + 1e-6) >= minPacks ? Math.floor(k + 1e-6) : 0;
      const need = p.needs[c.need];
      const nk = key(need.nodeId, need.itemId);
      const storageRow = built.storageRows.get(`${need.nodeId}|${need.tempClass}`)!;
      const supplierRow = built.supplierRows.get(c.supplierId)!;
      const litresPerPack = (c.packSize * need.volumeCm3) / 1000;
      room.set(storageRow, room.get(storageRow)! + (k - down) * litresPerPack);
      room.set(supplierRow, room.get(supplierRow)! + (k - down) * c.packSize);
      // Units of the need the other sources leave uncovered at this LP answer.
      const brow = built.balanceRows.get(nk);
      let residual = 0;
      if (brow !== undefined) {
        const shortCol = built.shortCol.get(nk);
        const useful = built.usefulCol.get(col)?.col;
        let others = 0;
        for (let t = m.starts[brow]; t < m.starts[brow + 1]; t++) {
          const c = m.indices[t];
          if (c !== shortCol && c !== col && c !== useful) others += m.values[t] * values[c];
        }
        residual = Math.max(0, m.rowLower[brow] - others);
      }
      const gain = (packs: number) => (packs >= minPacks ? Math.min(packs * c.packSize, residual) : 0);
      const litres = (up - down) * litresPerPack;
      const saved = need.tierWeight * (gain(up) - gain(down));
      todo.push({ ci, col, up, down, storageRow, supplierRow, litresPerPack, packSize: c.packSize, saved, costPerPack: c.effectiveFenPerUnit * c.packSize, density: litres > 1e-9 ? saved / litres : saved * 1e9 });
    }
    todo.sort((x, y) => y.density - x.density || x.ci - y.ci);
    for (const o of todo) {
      const extra = o.up - o.down;
      const overL = Math.max(0, extra * o.litresPerPack - Math.max(0, room.get(o.storageRow)!));
      const overU = Math.max(0, extra * o.packSize - Math.max(0, room.get(o.supplierRow)!));
      // Beyond the room, going up pushes other flows out of the row, at its shadow price.
      const displaced = overL * dualOf(o.storageRow) + overU * dualOf(o.supplierRow);
      const goUp = extra > 0 && o.density > 0 && fits(o.ci, o.up) && (displaced <= 1e-9 || o.saved * p.params.shortageFenPerUnit - extra * o.costPerPack > displaced);
      const packs = goUp ? o.up : fits(o.ci, o.down) ? o.down : 0;
      room.set(o.storageRow, room.get(o.storageRow)! - (packs - o.down) * o.litresPerPack);
      room.set(o.supplierRow, room.get(o.supplierRow)! - (packs - o.down) * o.packSize);
      fix(o.ci, o.col, packs);
    }
    return todo.length;
  };
  // Two rounds with a re-solve after each (the flows and the orders still free move into the
  // room rounding left), then every order is fixed and the flows solved once more.
  for (let pass = 0; pass < 2; pass++) {
    if (round(values, false) === 0) break;
    const r = await resolve();
    if (!r.ok) return r;
    if (!r.value) return ok([]);
    values = r.value;
  }
  round(values, true);
  const r = await resolve();
  if (!r.ok) return r;
  return ok(r.value ? flowsOf(p, built, r.value) : []);
}

/** The upper bound of a storage or supplier row under `caps` (litres for storage, units for a supplier). */
function rowUpper(built: BuiltModel, caps: Caps, row: number): number {
  for (const [k, r] of built.storageRows) if (r === row) return (caps.storageCm3.get(k) ?? 0) / 1000;
  for (const [k, r] of built.supplierRows) if (r === row) return caps.supplierUnits.get(k) ?? 0;
  return Number.POSITIVE_INFINITY;
}

/**
 * Chunks of needs for LP rounding: one per temperature class (storage rows are per receiver
 * and class, and givers, shipments and offers are per item, so classes meet only in supplier
 * capacity), a class split by item into near-equal chunks when it has more than
 * `chunkColumns` columns.
 */
function chunksByClass(p: Prepared, chunkColumns: number): number[][] {
  const out: number[][] = [];
  for (const tempClass of ['ambient', 'chilled', 'frozen'] as const) {
    const byItem = new Map<string, number[]>();
    let cols = 0;
    for (const n of p.needs) {
      if (n.tempClass !== tempClass) continue;
      const l = byItem.get(n.itemId) ?? [];
      l.push(n.index);
      byItem.set(n.itemId, l);
      cols += columnsOf(p, n.index);
    }
    if (byItem.size === 0) continue;
    const parts = Math.max(1, Math.ceil(cols / chunkColumns));
    const per = cols / parts;
    let cur: number[] = [];
    let curCols = 0;
    for (const itemId of [...byItem.keys()].sort()) {
      const ns = byItem.get(itemId)!;
      const c = ns.reduce((s, ni) => s + columnsOf(p, ni), 0);
      if (cur.length > 0 && curCols + c > per) {
        out.push(cur);
        cur = [];
        curCols = 0;
      }
      cur.push(...ns);
      curCols += c;
    }
    if (cur.length > 0) out.push(cur);
  }
  return out;
}

/**
 * LP rounding over chunks (`chunksByClass`), each chunk in its own solver session, the chunks
 * solved concurrently (with a worker-pool solver, in parallel, each with its own HiGHS):
 *  1. every chunk's LP with the coupling rows at full capacity. That is a relaxation of the
 *     whole model (a Lagrangian bound with zero multipliers on the rows chunks share), so the
 *     sum of the chunks' LP optima is a valid bound; chunks of whole temperature classes share
 *     only supplier capacity, which makes the bound tight;
 *  2. every coupling row that chunks share is shared out in proportion to what each chunk's LP
 *     used of it (so a row with room to spare leaves each chunk its LP use and more), and each
 *     chunk is rounded within its share, hot-started from step 1;
 *  3. repair: chunks still short, worst first, are rounded again with what they used plus
 *     everything the others left unused (never worse: the old answer stays feasible).
 */
async function solveChunkedLp(p: Prepared, solver: MipSolver, chunkNeeds: number[][], timeLimitS: number, progress: (stage: string) => void): Promise<Result<{ flows: Flow[]; bound: number; chunks: number; lps?: ChunkLp[] }>> {
  const full = fullCaps(p);
  const built = chunkNeeds.map((ns) => buildModel(p, ns, full, { relax: true }));
  const sessions = await Promise.all(built.map((b) => openSession(solver, b.model)));
  try {
    const firsts = await Promise.all(sessions.map((s) => s.solve({ ...LP, timeLimitS })));
    progress(`${chunkNeeds.length} chunk LPs: ${firsts.map((f) => f.status).join(', ')}`);
    const lps = built.map((b, c) => chunkLp(p, b, chunkNeeds[c], firsts[c]));
    let bound = 0;
    // What each chunk's LP uses of each coupling row ('s|' storage in cm³, 'p|' supplier units).
    const use = new Map<string, Map<number, number>>();
    firsts.forEach((r, c) => {
      if (!r.values) return;
      bound += r.objective ?? 0;
      const activity = (row: number) => rowActivity(built[c].model, row, r.values!);
      const note = (k: string, v: number) => {
        const m = use.get(k) ?? new Map<number, number>();
        m.set(c, v);
        use.set(k, m);
      };
      for (const [k, row] of built[c].storageRows) note(`s|${k}`, activity(row) * 1000);
      for (const [k, row] of built[c].supplierRows) note(`p|${k}`, activity(row));
    });
    for (const r of firsts) if (!r.values && r.status !== 'time_limit_no_solution') return failure(r)!;
    const shares: Caps[] = built.map(() => ({ storageCm3: new Map(full.storageCm3), supplierUnits: new Map(full.supplierUnits) }));
    built.forEach((b, c) => {
      const shareOf = (k: string, cap: number): number => {
        const m = use.get(k);
        if (!m) return cap;
        if (m.size <= 1) return cap;
        let total = 0;
        for (const v of m.values()) total += v;
        return total > 1e-9 ? Math.floor((cap * (m.get(c) ?? 0)) / total) : Math.floor(cap / m.size);
      };
      for (const k of b.storageRows.keys()) shares[c].storageCm3.set(k, shareOf(`s|${k}`, full.storageCm3.get(k) ?? 0));
      for (const k of b.supplierRows.keys()) shares[c].supplierUnits.set(k, shareOf(`p|${k}`, full.supplierUnits.get(k) ?? 0));
    });
    const rounded = await Promise.all(
      built.map(async (b, c) => (firsts[c].values ? roundLp(p, b, sessions[c], firsts[c], shares[c], capChanges(b, shares[c], full), timeLimitS) : ok<Flow[]>([]))),
    );
    const chunkFlows: Flow[][] = [];
    for (const r of rounded) {
      if (!r.ok) return r;
      chunkFlows.push(r.value);
    }
    progress(`${chunkNeeds.length} chunks rounded`);
    // Chunks whose first LP ran out of time have no session state to repair from.
    if (chunkNeeds.length > 1) await repair(p, sessions, chunkNeeds, built, chunkFlows, shares, full, timeLimitS, firsts.map((f) => f.values !== null));
    return ok({ flows: chunkFlows.flat().sort((a, b) => a.cand - b.cand), bound, chunks: chunkNeeds.length, lps });
  } finally {
    for (const s of sessions) s.close();
  }
}

/**
 * `solveChunkedLp` for many chunks, holding at most `maxOpenChunks` models at a time, and no more
 * than the solver runs at once (`solver.concurrency`, a pool's workers): every open model lives in
 * a worker's HiGHS heap and in this thread, and one more open model than there are workers only
 * waits. A chunk is built when a lane frees up (biggest chunks first, so the lanes end together).
 * Step 1 closes each chunk after its LP and keeps its basis (a few MB); step 2 builds and loads
 * it again, starts from that basis with its share of the coupling rows and rounds it. No repair pass.
 */
async function solveChunkedLpInWaves(p: Prepared, solver: MipSolver, chunkNeeds: number[][], timeLimitS: number, progress: (stage: string) => void): Promise<Result<{ flows: Flow[]; bound: number; chunks: number; lps?: ChunkLp[] }>> {
  const full = fullCaps(p);
  const lanes = Math.max(1, Math.min(p.params.maxOpenChunks, solver.concurrency ?? 1, chunkNeeds.length));
  const columns = chunkNeeds.map((ns) => ns.reduce((s, ni) => s + columnsOf(p, ni), 0));
  const biggestFirst = chunkNeeds.map((_, c) => c).sort((a, b) => columns[b] - columns[a] || a - b);
  const inLanes = async <T>(f: (c: number) => Promise<T>): Promise<T[]> => {
    const out = new Array<T>(chunkNeeds.length);
    let next = 0;
    const lane = async () => {
      while (next < biggestFirst.length) {
        const c = biggestFirst[next++];
        out[c] = await f(c);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return out;
  };
  const use = new Map<string, Map<number, number>>();
  const note = (k: string, c: number, v: number) => {
    const m = use.get(k) ?? new Map<number, number>();
    m.set(c, v);
    use.set(k, m);
  };
  let done = 0;
  const firsts = await inLanes(async (c) => {
    const b = buildModel(p, chunkNeeds[c], full, { relax: true });
    const session = await openSession(solver, b.model);
    try {
      const r = await session.solve({ ...LP, timeLimitS, withBasis: true });
      if (r.values) {
        for (const [k, row] of b.storageRows) note(`s|${k}`, c, rowActivity(b.model, row, r.values) * 1000);
        for (const [k, row] of b.supplierRows) note(`p|${k}`, c, rowActivity(b.model, row, r.values));
      }
      progress(`chunk LP ${++done}/${chunkNeeds.length} (chunk ${c + 1}): ${r.status}, ${b.model.numCols} columns, ${r.solveTimeS.toFixed(1)} s in the solver`);
      return { status: r.status, objective: r.objective, solved: r.values !== null, basis: r.basis, failure: r.values ? null : failure(r), lp: chunkLp(p, b, chunkNeeds[c], r) };
    } finally {
      session.close();
    }
  });
  let bound = 0;
  for (const r of firsts) {
    if (r.solved) bound += r.objective ?? 0;
    else if (r.status !== 'time_limit_no_solution' && r.failure) return r.failure;
  }
  const shareOf = (k: string, c: number, cap: number): number => {
    const m = use.get(k);
    if (!m || m.size <= 1) return cap;
    let total = 0;
    for (const v of m.values()) total += v;
    return total > 1e-9 ? Math.floor((cap * (m.get(c) ?? 0)) / total) : Math.floor(cap / m.size);
  };
  done = 0;
  const rounded = await inLanes(async (c): Promise<Result<Flow[]>> => {
    if (!firsts[c].solved) return ok([]);
    const b = buildModel(p, chunkNeeds[c], full, { relax: true });
    const caps: Caps = { storageCm3: new Map(full.storageCm3), supplierUnits: new Map(full.supplierUnits) };
    for (const k of b.storageRows.keys()) caps.storageCm3.set(k, shareOf(`s|${k}`, c, full.storageCm3.get(k) ?? 0));
    for (const k of b.supplierRows.keys()) caps.supplierUnits.set(k, shareOf(`p|${k}`, c, full.supplierUnits.get(k) ?? 0));
    const session = await openSession(solver, b.model);
    try {
      const rows = capChanges(b, caps, full);
      // From step 1's optimal basis: only the shared rows changed, so a few dual simplex steps.
      const basis = firsts[c].basis;
      firsts[c].basis = undefined;
      const first = await session.solve({ ...LP, timeLimitS, ...(basis ? { basis } : {}) }, rows ? { rows } : undefined);
      if (!first.values) return first.status === 'time_limit_no_solution' ? ok([]) : failure(first)!;
      const r = await roundLp(p, b, session, first, caps, null, timeLimitS);
      progress(`chunk rounded ${++done}/${chunkNeeds.length} (chunk ${c + 1})`);
      return r;
    } finally {
      session.close();
    }
  });
  const flows: Flow[] = [];
  for (const r of rounded) {
    if (!r.ok) return r;
    flows.push(...r.value);
  }
  return ok({ flows: flows.sort((a, b) => a.cand - b.cand), bound, chunks: chunkNeeds.length, lps: firsts.map((f) => f.lp) });
}

/** Step 3 of `solveChunkedLp`: re-rounds short chunks with what the other chunks left unused. */
async function repair(p: Prepared, sessions: ModelSession[], chunkNeeds: number[][], built: BuiltModel[], chunkFlows: Flow[][], shares: Caps[], full: Caps, timeLimitS: number, solved: boolean[]): Promise<void> {
  const first = evaluate(p, chunkFlows.flat());
  const order = chunkNeeds
    .map((ns, c) => ({ c, short: ns.reduce((s, ni) => s + (first.shortByKey.get(key(p.needs[ni].nodeId, p.needs[ni].itemId)) ?? 0) * p.needs[ni].tierWeight, 0) }))
    .filter((x) => x.short > 0 && solved[x.c])
    .sort((a, b) => b.short - a.short);
  for (const { c } of order) {
    const before = evaluate(p, chunkFlows[c]).objective;
    const used = usage(p, chunkFlows.flat());
    const mine = usage(p, chunkFlows[c]);
    const caps: Caps = { storageCm3: new Map(full.storageCm3), supplierUnits: new Map(full.supplierUnits) };
    // Worth a re-solve only if a row this chunk filled to its share has something left over.
    let leftover = false;
    for (const k of built[c].storageRows.keys()) {
      const left = (full.storageCm3.get(k) ?? 0) - (used.storageCm3.get(k) ?? 0);
      if (left > 0 && (mine.storageCm3.get(k) ?? 0) >= 0.98 * (shares[c].storageCm3.get(k) ?? 0)) leftover = true;
      caps.storageCm3.set(k, (mine.storageCm3.get(k) ?? 0) + Math.max(0, left));
    }
    for (const k of built[c].supplierRows.keys()) {
      const left = (full.supplierUnits.get(k) ?? 0) - (used.supplierUnits.get(k) ?? 0);
      if (left > 0 && (mine.supplierUnits.get(k) ?? 0) >= 0.98 * (shares[c].supplierUnits.get(k) ?? 0)) leftover = true;
      caps.supplierUnits.set(k, (mine.supplierUnits.get(k) ?? 0) + Math.max(0, left));
    }
    if (!leftover) continue;
    // Hot, in the chunk's own session: free the orders rounding fixed again and widen the rows.
    const b = built[c];
    const orderCols = [...b.candCol].filter(([ci]) => p.candidates.isOrder(ci)).map(([, col]) => col).sort((x, y) => x - y);
    const cols = { index: Int32Array.from(orderCols), lower: Float64Array.from(orderCols, (col) => b.model.colLower[col]), upper: Float64Array.from(orderCols, (col) => b.model.colUpper[col]) };
    const rows = capChanges(b, caps, shares[c]);
    const first = await sessions[c].solve({ ...LP, timeLimitS }, { cols, ...(rows ? { rows } : {}) });
    if (!first.values) continue;
    const r = await roundLp(p, b, sessions[c], first, caps, null, timeLimitS);
    // Other chunks' flows are fixed, so comparing this chunk's flows alone compares the whole plan.
    if (r.ok && evaluate(p, r.value).objective < before - 1e-6) chunkFlows[c] = r.value;
  }
}

/**
 * Decomposition by item, for models small enough for branch and bound. Items only meet in the storage rows (receiver × temperature
 * class) and the supplier capacity rows, so needs are grouped into chunks of items (sorted
 * by temperature class, so that a storage row is shared by few chunks) and:
 *  1. every chunk is solved with the coupling rows at full capacity. That is a relaxation
 *     of the whole model (a Lagrangian bound with zero multipliers), so the sum of the
 *     chunks' LP bounds is a valid bound; if the union of the answers happens to respect
 *     the coupling rows, it is the answer;
 *  2. otherwise each coupling row's capacity is shared among the chunks in proportion to
 *     what they ask of it (need volume; need units for a supplier) and every chunk is
 *     solved again within its share;
 *  3. repair: chunks still short, worst first, are re-solved with what they used plus
 *     everything the others left unused (a chunk's previous answer stays feasible, so this
 *     never makes it worse).
 */
async function solveDecomposedMip(p: Prepared, solver: MipSolver, chunkColumns: number, greedy: readonly Flow[]): Promise<Result<{ flows: Flow[]; bound: number; chunks: number; lps?: ChunkLp[] }>> {
  const byItem = new Map<string, number[]>();
  for (const n of p.needs) {
    const l = byItem.get(n.itemId) ?? [];
    l.push(n.index);
    byItem.set(n.itemId, l);
  }
  const itemsOrdered = [...byItem.keys()].sort((a, b) => {
    const ta = p.items.get(a)!.tempClass;
    const tb = p.items.get(b)!.tempClass;
    return ta.localeCompare(tb) || a.localeCompare(b);
  });
  const chunkNeeds: number[][] = [];
  let cur: number[] = [];
  let curCols = 0;
  for (const itemId of itemsOrdered) {
    const ns = byItem.get(itemId)!;
    const cols = ns.reduce((s, ni) => s + columnsOf(p, ni), 0);
    if (cur.length > 0 && curCols + cols > chunkColumns) {
      chunkNeeds.push(cur);
      cur = [];
      curCols = 0;
    }
    cur.push(...ns);
    curCols += cols;
  }
  if (cur.length > 0) chunkNeeds.push(cur);
  const perChunkLimit = Math.max(10, p.params.timeLimitS / Math.max(1, chunkNeeds.length));
  const solveChunk = (c: number, caps: Caps) => solveRegion(p, solver, chunkNeeds[c], caps, true, perChunkLimit, greedy);

  // 1. Every chunk at full capacity: a relaxation of the whole model, so the sum of the chunks'
  // bounds is a bound; and when the coupling rows do not bind, the chunks' answers are the answer.
  const full = fullCaps(p);
  const chunkFlows: Flow[][] = [];
  let bound = 0;
  const overflow = (flows: Flow[]) => {
    const u = usage(p, flows);
    for (const [k, v] of u.storageCm3) if (v > (full.storageCm3.get(k) ?? 0) + 1e-6) return true;
    for (const [k, v] of u.supplierUnits) if (v > (full.supplierUnits.get(k) ?? 0)) return true;
    return false;
  };
  for (let c = 0; c < chunkNeeds.length; c++) {
    const r = await solveChunk(c, full);
    if (!r.ok) return r;
    chunkFlows.push(r.value.flows);
    bound += r.value.bound;
  }
  if (!overflow(chunkFlows.flat())) return ok({ flows: chunkFlows.flat().sort((a, b) => a.cand - b.cand), bound, chunks: chunkNeeds.length });
  // The coupling rows bind. The model is small (that is why it is solved by MIP), so the LP
  // relaxation of the whole model is cheap, and it is a bound that knows the coupling rows.
  const whole = await solver.solve(buildModel(p, p.needs.map((n) => n.index), full, { relax: true }).model, { timeLimitS: perChunkLimit });
  if (whole.objective !== null) bound = Math.max(bound, whole.objective);
  chunkFlows.length = 0;
  for (let c = 0; c < chunkNeeds.length; c++) chunkFlows.push([]);

  // 2. Shares of the coupling rows, by what each chunk asks.
  const askStorage = chunkNeeds.map(() => new Map<string, number>());
  const askSupplier = chunkNeeds.map(() => new Map<string, number>());
  const totalStorage = new Map<string, number>();
  const totalSupplier = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  chunkNeeds.forEach((ns, c) => {
    for (const ni of ns) {
      const n = p.needs[ni];
      const v = n.volumeCm3 * n.needUnits;
      add(askStorage[c], `${n.nodeId}|${n.tempClass}`, v);
      add(totalStorage, `${n.nodeId}|${n.tempClass}`, v);
      const seen = new Set<string>();
      for (let ci = p.candidates.needStart[ni]; ci < p.candidates.needStart[ni + 1]; ci++) {
        if (!p.candidates.isOrder(ci)) continue;
        const supplierId = p.candidates.supplierIdOf(ci);
        if (seen.has(supplierId)) continue;
        seen.add(supplierId);
        add(askSupplier[c], supplierId, n.needUnits);
        add(totalSupplier, supplierId, n.needUnits);
      }
    }
  });
  const share = (ask: Map<string, number>, total: Map<string, number>, cap: Map<string, number>) => {
    const out = new Map<string, number>();
    for (const [k, a] of ask) {
      const t = total.get(k)!;
      out.set(k, t <= 0 ? 0 : Math.floor(((cap.get(k) ?? 0) * a) / t));
    }
    return out;
  };
  const shares: Caps[] = [];
  for (let c = 0; c < chunkNeeds.length; c++) {
    shares[c] = { storageCm3: share(askStorage[c], totalStorage, full.storageCm3), supplierUnits: share(askSupplier[c], totalSupplier, full.supplierUnits) };
    const r = await solveChunk(c, shares[c]);
    if (!r.ok) return r;
    chunkFlows[c] = r.value.flows;
  }

  // 3. Repair: give still-short chunks what the others left unused.
  const first = evaluate(p, chunkFlows.flat());
  const order = chunkNeeds
    .map((ns, c) => ({ c, short: ns.reduce((s, ni) => s + (first.shortByKey.get(key(p.needs[ni].nodeId, p.needs[ni].itemId)) ?? 0) * p.needs[ni].tierWeight, 0) }))
    .filter((x) => x.short > 0)
    .sort((a, b) => b.short - a.short);
  for (const { c } of order) {
    // Other chunks' flows are fixed, so comparing this chunk's flows alone compares the whole plan.
    const before = evaluate(p, chunkFlows[c]).objective;
    const used = usage(p, chunkFlows.flat());
    const mine = usage(p, chunkFlows[c]);
    const caps: Caps = { storageCm3: new Map(), supplierUnits: new Map() };
    // Worth a re-solve only if a row this chunk filled to its share has something left over.
    let leftover = false;
    for (const k of askStorage[c].keys()) {
      const left = (full.storageCm3.get(k) ?? 0) - (used.storageCm3.get(k) ?? 0);
      if (left > 0 && (mine.storageCm3.get(k) ?? 0) >= 0.98 * (shares[c].storageCm3.get(k) ?? 0)) leftover = true;
      caps.storageCm3.set(k, (mine.storageCm3.get(k) ?? 0) + left);
    }
    for (const k of askSupplier[c].keys()) {
      const left = (full.supplierUnits.get(k) ?? 0) - (used.supplierUnits.get(k) ?? 0);
      if (left > 0 && (mine.supplierUnits.get(k) ?? 0) >= 0.98 * (shares[c].supplierUnits.get(k) ?? 0)) leftover = true;
      caps.supplierUnits.set(k, (mine.supplierUnits.get(k) ?? 0) + left);
    }
    if (!leftover) continue;
    const r = await solveChunk(c, caps);
    if (!r.ok) continue;
    if (evaluate(p, r.value.flows).objective < before - 1e-6) chunkFlows[c] = r.value.flows;
  }
  return ok({ flows: chunkFlows.flat().sort((a, b) => a.cand - b.cand), bound, chunks: chunkNeeds.length });
}

export type { PlanLine, ShortageLine, PlanMetrics };
