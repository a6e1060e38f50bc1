/**
 * The MIP port of the domain (no adapter here: HiGHS in-process, its worker pools, and any
 * other solver implement `MipSolver` in src/solver/). A small, solver-neutral linear model: variables with bounds, costs and an
 * integer flag, and sparse rows `lower <= sum(coef * x) <= upper`. Planner models
 * (zones, sourcing, staff) build one of these in the pure domain and hand it to a
 * `MipSolver`; nothing in the domain knows which solver runs it.
 */
export interface LinearModel {
  readonly sense: 'minimize' | 'maximize';
  readonly cols: {
    cost: number[];
    lower: number[];
    upper: number[];
    integer: boolean[];
    names: string[];
  };
  readonly rows: {
    lower: number[];
    upper: number[];
    /** Row i's coefficients: indices into cols and their values, one entry per column at most. */
    indices: number[][];
    values: number[][];
    names: string[];
  };
}

export const INF = Number.POSITIVE_INFINITY;

/** Builds a LinearModel incrementally; `addVar` returns the column index. */
export class ModelBuilder {
  private readonly cols: LinearModel['cols'] = { cost: [], lower: [], upper: [], integer: [], names: [] };
  private readonly rows: LinearModel['rows'] = { lower: [], upper: [], indices: [], values: [], names: [] };

  constructor(private readonly sense: 'minimize' | 'maximize' = 'minimize') {}

  get numCols(): number {
    return this.cols.cost.length;
  }

  get numRows(): number {
    return this.rows.lower.length;
  }

  addVar(opts: { cost?: number; lower?: number; upper?: number; integer?: boolean; name?: string } = {}): number {
    const j = this.cols.cost.length;
    this.cols.cost.push(opts.cost ?? 0);
    this.cols.lower.push(opts.lower ?? 0);
    this.cols.upper.push(opts.upper ?? INF);
    this.cols.integer.push(opts.integer ?? false);
    this.cols.names.push(opts.name ?? '');
    return j;
  }

  /** Adds `lower <= sum(terms) <= upper`. Terms on the same column are summed. */
  addRow(terms: Array<[number, number]>, lower: number, upper: number, name?: string): number {
    let indices: number[] = [];
    let values: number[] = [];
    if (terms.length <= 16) {
      // Short rows (most of them): merge by a linear scan, in first-seen order like the map below.
      for (const [col, coef] of terms) {
        const at = indices.indexOf(col);
        if (at >= 0) values[at] += coef;
        else {
          indices.push(col);
          values.push(coef);
        }
      }
      if (values.includes(0)) {
        const keep = values.map((v) => v !== 0);
        indices = indices.filter((_, t) => keep[t]);
        values = values.filter((_, t) => keep[t]);
      }
    } else {
      const merged = new Map<number, number>();
      for (const [col, coef] of terms) merged.set(col, (merged.get(col) ?? 0) + coef);
      for (const [col, coef] of merged) {
        if (coef !== 0) {
          indices.push(col);
          values.push(coef);
        }
      }
    }
    const i = this.rows.lower.length;
    this.rows.lower.push(lower);
    this.rows.upper.push(upper);
    this.rows.indices.push(indices);
    this.rows.values.push(values);
    this.rows.names.push(name ?? '');
    return i;
  }

  build(): LinearModel {
    return { sense: this.sense, cols: this.cols, rows: this.rows };
  }
}

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'time_limit_no_solution' | 'error';

export interface SolveOptions {
  /** Wall-clock limit for the solver, in seconds. */
  timeLimitS?: number;
  /** Relative MIP gap at which to stop (0.0001 = 0.01%). */
  mipRelGap?: number;
  /**
   * A known feasible point (one value per column) to start a MIP from, for instance a greedy
   * plan: branch and bound starts with it as its incumbent. Ignored for LPs.
   */
  start?: Float64Array;
  /** A simplex basis of the same model (an earlier solve's `basis`) to start an LP from. Ignored for MIPs. */
  basis?: Basis;
  /** Return the LP's final basis (`SolveResult.basis`), to start a later solve of the same model from it. */
  withBasis?: boolean;
}

/**
 * A simplex basis: one status per column and per row (0 at lower bound, 1 basic, 2 at upper bound,
 * 3 zero, 4 nonbasic). Small next to the model (4 bytes a column and a row), so a model can be
 * closed and loaded again later without solving from scratch.
 */
export interface Basis {
  colStatus: Int32Array;
  rowStatus: Int32Array;
}

/** New bounds for some columns and rows of a model already opened in a session. */
export interface BoundChanges {
  cols?: { index: Int32Array; lower: Float64Array; upper: Float64Array };
  rows?: { index: Int32Array; lower: Float64Array; upper: Float64Array };
}

/**
 * One model kept loaded in the solver for a sequence of solves that differ only in bounds
 * (fixing columns while rounding, sharing out a capacity row). The solver keeps its basis
 * between solves, so each re-solve starts hot instead of from scratch.
 */
export interface ModelSession {
  solve(options?: SolveOptions, changes?: BoundChanges): Promise<SolveResult>;
  close(): void;
}

export interface SolveResult {
  status: SolveStatus;
  /** Column values, present when status is optimal or feasible. */
  values: Float64Array | null;
  objective: number | null;
  /** Best proven bound (MIP); equals objective for an LP at optimum. */
  bound: number | null;
  /** Relative gap in percent between objective and bound (0 when proven optimal). */
  gapPct: number | null;
  /** Row duals (shadow prices) of an LP solved to optimality, in the model's sense; absent for a MIP. */
  rowDuals?: Float64Array;
  /** The LP's final basis, when asked for (`SolveOptions.withBasis`) and the LP was solved to optimality. */
  basis?: Basis;
  solveTimeS: number;
  message?: string;
}

/**
 * The LP/MIP solver policy. The default implementation is HiGHS (WASM); a test or
 * a deployment could plug in another. Implementations must never throw for a
 * model that is merely infeasible: that is a status.
 */
export interface MipSolver {
  solve(model: LinearModel, options?: SolveOptions): Promise<SolveResult>;
  /** Opens a session on the model (hot-started re-solves); see `openSession` for solvers without one. */
  open?(model: LinearModel): Promise<ModelSession>;
  /** How many solves it runs at the same time (a worker pool's size); 1 when absent. */
  readonly concurrency?: number;
}

/**
 * A session on any solver: the solver's own when it has one, else one that applies the bound
 * changes to a copy of the model and solves it from scratch each time.
 */
export async function openSession(solver: MipSolver, model: LinearModel): Promise<ModelSession> {
  if (solver.open) return solver.open(model);
  const cols = { ...model.cols, lower: model.cols.lower.slice(), upper: model.cols.upper.slice() };
  const rows = { ...model.rows, lower: model.rows.lower.slice(), upper: model.rows.upper.slice() };
  const copy: LinearModel = { sense: model.sense, cols, rows };
  return {
    solve(options, changes) {
      applyChanges(cols, changes?.cols);
      applyChanges(rows, changes?.rows);
      return solver.solve(copy, options);
    },
    close() {},
  };
}

function applyChanges(target: { lower: number[]; upper: number[] }, c: { index: Int32Array; lower: Float64Array; upper: Float64Array } | undefined): void {
  if (!c) return;
  for (let k = 0; k < c.index.length; k++) {
    target.lower[c.index[k]] = c.lower[k];
    target.upper[c.index[k]] = c.upper[k];
  }
}

/** A model in compressed sparse rows with typed arrays: what crosses a worker boundary cheaply. */
export interface PackedModel {
  sense: 'minimize' | 'maximize';
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  integer: Uint8Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export function pack(model: LinearModel): PackedModel {
  const numRows = model.rows.lower.length;
  const starts = new Int32Array(numRows + 1);
  let nnz = 0;
  for (let i = 0; i < numRows; i++) nnz += model.rows.indices[i].length;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < numRows; i++) {
    starts[i] = k;
    const idx = model.rows.indices[i];
    const val = model.rows.values[i];
    for (let t = 0; t < idx.length; t++) {
      indices[k] = idx[t];
      values[k] = val[t];
      k++;
    }
  }
  starts[numRows] = k;
  return {
    sense: model.sense,
    numCols: model.cols.cost.length,
    numRows,
    colCost: Float64Array.from(model.cols.cost),
    colLower: Float64Array.from(model.cols.lower),
    colUpper: Float64Array.from(model.cols.upper),
    integer: Uint8Array.from(model.cols.integer, (b) => (b ? 1 : 0)),
    rowLower: Float64Array.from(model.rows.lower),
    rowUpper: Float64Array.from(model.rows.upper),
    starts,
    indices,
    values,
  };
}

/** The typed arrays of a packed model, to transfer (not copy) to a worker. */
export function transferList(m: PackedModel): ArrayBuffer[] {
  return [m.colCost, m.colLower, m.colUpper, m.integer, m.rowLower, m.rowUpper, m.starts, m.indices, m.values].map((a) => a.buffer as ArrayBuffer);
}
