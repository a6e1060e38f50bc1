/**
 * The HiGHS adapter of the MipSolver port: HiGHS WASM loaded once per thread, models loaded and
 * solved (with hot starts) on the calling thread.
 */
import * as highsModule from 'highs';
import type { Highs, Model } from 'highs';
import { pack, type BoundChanges, type LinearModel, type MipSolver, type ModelSession, type PackedModel, type SolveOptions, type SolveResult } from './model.ts';

type HighsInstance = Highs;
// The package ships ESM at runtime but CommonJS-style typings; take the loader from either shape.
const loadHighs: () => Promise<Highs> = ((highsModule as any).default ?? highsModule) as () => Promise<Highs>;

let shared: Promise<HighsInstance> | null = null;
/** The loaded instance behind `shared`, once it has resolved (to read its memory size). */
let current: HighsInstance | null = null;
/** Set when a HiGHS call threw (an abort, e.g. out of memory): the thread's instance is unusable. */
let aborted = false;

/**
 * Loads the HiGHS WASM module once per thread (each worker thread has its own). After an
 * abort (for example out of memory inside WASM) the instance is unusable, so `resetHighs`
 * drops it and the next solve loads a fresh one.
 */
function instance(): Promise<HighsInstance> {
  if (!shared) {
    shared = loadHighs();
    void shared.then((h) => (current = h)).catch(() => {});
  }
  return shared;
}

function resetHighs(): void {
  shared = null;
  current = null;
  aborted = true;
}

/** Whether a HiGHS call on this thread threw since the thread started: its old instance may be broken. */
export function highsAborted(): boolean {
  return aborted;
}

/**
 * Drops this thread's HiGHS instance when its WASM memory has grown beyond `maxBytes` (a WASM heap
 * never shrinks, and one big model leaves it big): the next solve loads a fresh, small one. Only
 * when no model is loaded in it any more (the caller knows: e.g. a pool worker with no session open).
 */
export function releaseHighsIfLarge(maxBytes: number): boolean {
  if (!current || current.memoryBytes <= maxBytes) return false;
  shared = null;
  current = null;
  return true;
}

/** One packed model loaded into HiGHS, solved any number of times with changed bounds (hot start). */
export class LoadedModel {
  private constructor(
    private readonly highs: HighsInstance,
    private readonly m: Model | null,
    private readonly numCols: number,
    private readonly isMip: boolean,
  ) {}

  static async load(p: PackedModel): Promise<LoadedModel> {
    const highs = await instance();
    if (p.numCols === 0) return new LoadedModel(highs, null, 0, false);
    const inf = highs.infinity;
    const clamp = (v: number) => (v === Number.POSITIVE_INFINITY ? inf : v === Number.NEGATIVE_INFINITY ? -inf : v);
    const isMip = p.integer.some((b) => b === 1);
    let m: Model;
    try {
      m = highs.createModel({
        numCols: p.numCols,
        numRows: p.numRows,
        sense: p.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
        colCost: p.colCost,
        colLower: p.colLower.map(clamp),
        colUpper: p.colUpper.map(clamp),
        rowLower: p.rowLower.map(clamp),
        rowUpper: p.rowUpper.map(clamp),
        matrix: { format: 'csr', numRows: p.numRows, numCols: p.numCols, starts: p.starts, indices: p.indices, values: p.values },
        ...(isMip ? { integrality: Int32Array.from(p.integer) as unknown as Int32Array } : {}),
      });
      m.options.set({ output_flag: false });
    } catch (e) {
      resetHighs();
      throw new Error(`HiGHS refused the model: ${(e as Error).message}`);
    }
    return new LoadedModel(highs, m, p.numCols, isMip);
  }

  solve(options: SolveOptions = {}, changes?: BoundChanges): SolveResult {
    const started = performance.now();
    const m = this.m;
    if (!m) return { status: 'optimal', values: new Float64Array(0), objective: 0, bound: 0, gapPct: 0, solveTimeS: 0 };
    const highs = this.highs;
    const inf = highs.infinity;
    const clamp = (v: number) => (v === Number.POSITIVE_INFINITY ? inf : v === Number.NEGATIVE_INFINITY ? -inf : v);
    try {
      if (changes?.cols && changes.cols.index.length > 0) m.changeColsBounds({ kind: 'set', indices: changes.cols.index }, changes.cols.lower.map(clamp), changes.cols.upper.map(clamp));
      if (changes?.rows && changes.rows.index.length > 0) m.changeRowsBounds({ kind: 'set', indices: changes.rows.index }, changes.rows.lower.map(clamp), changes.rows.upper.map(clamp));
      // HiGHS's own default time limit is its 'infinity' (1e300 does not reach it exactly), so set it large.
      m.options.set('time_limit', options.timeLimitS ?? 1e9);
      if (!this.isMip) {
        // Options stay set on the model between a session's solves: set them every time.
        m.options.set({ presolve: options.presolve === false ? 'off' : 'choose', simplex_dual_edge_weight_strategy: options.simplexPricing === 'devex' ? 1 : -1 });
        if (options.basis && options.basis.colStatus.length === this.numCols) m.setBasis(options.basis as Parameters<Model['setBasis']>[0]);
      }
      if (this.isMip) {
        if (options.mipRelGap !== undefined) m.options.set('mip_rel_gap', options.mipRelGap);
        // HiGHS's default node limit is the largest int.
        m.options.set('mip_max_nodes', options.maxNodes ?? 2_147_483_647);
        // A bound-only solve wants the dual bound, not incumbents: at effort 0 HiGHS (1.15) still
        // runs its root heuristics (RINS and RENS sub-MIPs, feasibility jump, reduced-cost fixing),
        // which took ~45 % of the sourcing bound's item blocks (docs/planning.md). Set every time:
        // options stay on a model between a session's solves.
        const heuristics = !options.boundOnly;
        m.options.set({
          mip_heuristic_effort: options.boundOnly ? 0 : 0.05,
          presolve: options.boundOnly ? 'off' : 'choose',
          mip_detect_symmetry: !options.boundOnly,
          mip_heuristic_run_rins: heuristics,
          mip_heuristic_run_rens: heuristics,
          mip_heuristic_run_feasibility_jump: heuristics,
          mip_heuristic_run_root_reduced_cost: heuristics,
        });
        if (options.start && options.start.length === this.numCols) m.setSolution({ colValue: options.start });
      }
      m.run();
      const code = m.getModelStatus();
      const S = highs.constants.modelStatus;
      const sol = m.getSolution();
      const hasSolution = sol.colValue.length === this.numCols && (code === S.optimal || hasPrimal(m));
      const solveTimeS = (performance.now() - started) / 1000;
      if (code === S.infeasible) return { status: 'infeasible', values: null, objective: null, bound: null, gapPct: null, solveTimeS };
      if (code === S.unbounded || code === S.unboundedOrInfeasible) return { status: 'unbounded', values: null, objective: null, bound: null, gapPct: null, solveTimeS };
      if (!hasSolution) {
        const status = code === S.timeLimit ? 'time_limit_no_solution' : 'error';
        return { status, values: null, objective: null, bound: null, gapPct: null, solveTimeS, message: `HiGHS status ${code}` };
      }
      const objective = m.getObjectiveValue();
      let bound = objective;
      let gapPct = 0;
      if (this.isMip) {
        bound = Number(m.info.get('mip_dual_bound'));
        const gap = Number(m.info.get('mip_gap'));
        gapPct = Number.isFinite(gap) ? Math.max(0, gap * 100) : 0;
      }
      const rowDuals = !this.isMip && code === S.optimal && sol.rowDual.length > 0 ? sol.rowDual : undefined;
      const basis = !this.isMip && code === S.optimal && options.withBasis ? m.getBasis() : undefined;
      return {
        status: code === S.optimal ? 'optimal' : 'feasible',
        values: sol.colValue,
        objective,
        bound,
        gapPct,
        solveTimeS,
        ...(rowDuals ? { rowDuals } : {}),
        ...(basis ? { basis: { colStatus: basis.colStatus, rowStatus: basis.rowStatus } } : {}),
      };
    } catch (e) {
      resetHighs();
      return failed(`HiGHS failed: ${(e as Error).message}`, started);
    }
  }

  dispose(): void {
    try {
      this.m?.dispose();
    } catch {
      /* the instance may already be unusable after an abort */
    }
  }
}

/** The default MipSolver: HiGHS through its sparse model API, on the calling thread. */
export class HighsSolver implements MipSolver {
  async solve(model: LinearModel | PackedModel, options: SolveOptions = {}): Promise<SolveResult> {
    const started = performance.now();
    let loaded: LoadedModel;
    try {
      loaded = await LoadedModel.load(pack(model));
    } catch (e) {
      return failed((e as Error).message, started);
    }
    try {
      return loaded.solve(options);
    } finally {
      loaded.dispose();
    }
  }

  async open(model: LinearModel | PackedModel): Promise<ModelSession> {
    const loaded = await LoadedModel.load(pack(model));
    return { solve: async (options, changes) => loaded.solve(options, changes), close: () => loaded.dispose() };
  }
}

function hasPrimal(m: { info: { get(name: string): unknown } }): boolean {
  try {
    // 2 = feasible primal solution available.
    return Number(m.info.get('primal_solution_status')) === 2;
  } catch {
    return false;
  }
}

export function failed(message: string, started: number): SolveResult {
  return { status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: (performance.now() - started) / 1000, message };
}

/** The process-wide default solver. */
export const defaultSolver: MipSolver = new HighsSolver();
