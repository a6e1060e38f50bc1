import * as highsModule from 'highs';
import type { Highs } from 'highs';
import type { LinearModel, MipSolver, SolveOptions, SolveResult } from './model.ts';

type HighsInstance = Highs;
// The package ships ESM at runtime but CommonJS-style typings; take the loader from either shape.
const loadHighs: () => Promise<Highs> = ((highsModule as any).default ?? highsModule) as () => Promise<Highs>;

let shared: Promise<HighsInstance> | null = null;

/**
 * Loads the HiGHS WASM module once per process. After an abort (for example out of
 * memory inside WASM) the instance is unusable, so `resetHighs` drops it and the
 * next solve loads a fresh one.
 */
function instance(): Promise<HighsInstance> {
  if (!shared) shared = loadHighs();
  return shared;
}

function resetHighs(): void {
  shared = null;
}

function toCsr(model: LinearModel) {
  const starts = new Int32Array(model.rows.lower.length + 1);
  let nnz = 0;
  for (let i = 0; i < model.rows.indices.length; i++) nnz += model.rows.indices[i].length;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < model.rows.indices.length; i++) {
    starts[i] = k;
    const idx = model.rows.indices[i];
    const val = model.rows.values[i];
    for (let t = 0; t < idx.length; t++) {
      indices[k] = idx[t];
      values[k] = val[t];
      k++;
    }
  }
  starts[model.rows.indices.length] = k;
  return { starts, indices, values };
}

/** The default MipSolver: HiGHS through its sparse model API. */
export class HighsSolver implements MipSolver {
  async solve(model: LinearModel, options: SolveOptions = {}): Promise<SolveResult> {
    const highs = await instance();
    const numCols = model.cols.cost.length;
    const numRows = model.rows.lower.length;
    if (numCols === 0) {
      return { status: 'optimal', values: new Float64Array(0), objective: 0, bound: 0, gapPct: 0, solveTimeS: 0 };
    }
    const inf = highs.infinity;
    const clamp = (v: number) => (v === Number.POSITIVE_INFINITY ? inf : v === Number.NEGATIVE_INFINITY ? -inf : v);
    const csr = toCsr(model);
    const isMip = model.cols.integer.some(Boolean);
    const started = performance.now();
    let m;
    try {
      m = highs.createModel({
        numCols,
        numRows,
        sense: model.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
        colCost: Float64Array.from(model.cols.cost),
        colLower: Float64Array.from(model.cols.lower, clamp),
        colUpper: Float64Array.from(model.cols.upper, clamp),
        rowLower: Float64Array.from(model.rows.lower, clamp),
        rowUpper: Float64Array.from(model.rows.upper, clamp),
        matrix: { format: 'csr', numRows, numCols, ...csr },
        ...(isMip
          ? { integrality: Int32Array.from(model.cols.integer, (b) => (b ? 1 : 0)) as unknown as Int32Array }
          : {}),
      });
    } catch (e) {
      resetHighs();
      return failed(`HiGHS refused the model: ${(e as Error).message}`, started);
    }
    try {
      m.options.set({ output_flag: false });
      if (options.timeLimitS !== undefined) m.options.set('time_limit', options.timeLimitS);
      if (options.mipRelGap !== undefined && isMip) m.options.set('mip_rel_gap', options.mipRelGap);
      m.run();
      const code = m.getModelStatus();
      const S = highs.constants.modelStatus;
      const sol = m.getSolution();
      const hasSolution = sol.colValue.length === numCols && (code === S.optimal || hasPrimal(m));
      const solveTimeS = (performance.now() - started) / 1000;
      if (code === S.infeasible) return { status: 'infeasible', values: null, objective: null, bound: null, gapPct: null, solveTimeS };
      if (code === S.unbounded || code === S.unboundedOrInfeasible)
        return { status: 'unbounded', values: null, objective: null, bound: null, gapPct: null, solveTimeS };
      if (!hasSolution) {
        const status = code === S.timeLimit ? 'time_limit_no_solution' : 'error';
        return { status, values: null, objective: null, bound: null, gapPct: null, solveTimeS, message: `HiGHS status ${code}` };
      }
      const objective = m.getObjectiveValue();
      let bound = objective;
      let gapPct = 0;
      if (isMip) {
        bound = Number(m.info.get('mip_dual_bound'));
        const gap = Number(m.info.get('mip_gap'));
        gapPct = Number.isFinite(gap) ? Math.max(0, gap * 100) : 0;
      }
      return {
        status: code === S.optimal ? 'optimal' : 'feasible',
        values: Float64Array.from(sol.colValue),
        objective,
        bound,
        gapPct,
        solveTimeS,
      };
    } catch (e) {
      resetHighs();
      return failed(`HiGHS failed: ${(e as Error).message}`, started);
    } finally {
      try {
        m.dispose();
      } catch {
        /* the instance may already be unusable after an abort */
      }
    }
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

function failed(message: string, started: number): SolveResult {
  return { status: 'error', values: null, objective: null, bound: null, gapPct: null, solveTimeS: (performance.now() - started) / 1000, message };
}

/** The process-wide default solver. */
export const defaultSolver: MipSolver = new HighsSolver();
