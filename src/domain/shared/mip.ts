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
   * MIP only: stop branch and bound after this many nodes (the answer's `bound` is still a valid
   * dual bound). Unlike a time limit it does the same work on a loaded machine as on an idle one.
   */
  maxNodes?: number;
  /**
   * MIP only: the caller wants the dual bound, not a good solution (a Lagrangian block): no primal
   * heuristics, no presolve and no symmetry detection, which for small models cost more than the search.
   */
  boundOnly?: boolean;
  /**
   * A known feasible point (one value per column) to start a MIP from, for instance a greedy
   * plan: branch and bound starts with it as its incumbent. Ignored for LPs.
   */
  start?: Float64Array;
  /** A simplex basis of the same model (an earlier solve's `basis`) to start an LP from. Ignored for MIPs. */
  basis?: Basis;
  /** Return the LP's final basis (`SolveResult.basis`), to start a later solve of the same model from it. */
  withBasis?: boolean;
  /**
   * LP only: false skips the solver's presolve. For a big, sparse LP that presolve barely shrinks
   * (sourcing's chunks) presolving and postsolving cost more than they save. Default true.
   */
  presolve?: boolean;
  /** LP only: 'devex' prices the dual simplex with Devex weights, cheaper per iteration than the default (steepest edge). */
  simplexPricing?: 'auto' | 'devex';
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
  /** A model built straight into compressed sparse rows (`PackedModel`, e.g. by `PackedModelBuilder`) is taken as it is. */
  solve(model: LinearModel | PackedModel, options?: SolveOptions): Promise<SolveResult>;
  /** Opens a session on the model (hot-started re-solves); see `openSession` for solvers without one. */
  open?(model: LinearModel | PackedModel): Promise<ModelSession>;
  /** How many solves it runs at the same time (a worker pool's size); 1 when absent. */
  readonly concurrency?: number;
}

/**
 * A session on any solver: the solver's own when it has one, else one that applies the bound
 * changes to a copy of the model and solves it from scratch each time.
 */
export async function openSession(solver: MipSolver, model: LinearModel | PackedModel): Promise<ModelSession> {
  if (solver.open) return solver.open(model);
  if (isPacked(model)) {
    const copy: PackedModel = { ...model, colLower: model.colLower.slice(), colUpper: model.colUpper.slice(), rowLower: model.rowLower.slice(), rowUpper: model.rowUpper.slice() };
    return {
      solve(options, changes) {
        applyChanges({ lower: copy.colLower, upper: copy.colUpper }, changes?.cols);
        applyChanges({ lower: copy.rowLower, upper: copy.rowUpper }, changes?.rows);
        return solver.solve(copy, options);
      },
      close() {},
    };
  }
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

function applyChanges(target: { lower: number[] | Float64Array; upper: number[] | Float64Array }, c: { index: Int32Array; lower: Float64Array; upper: Float64Array } | undefined): void {
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

export function isPacked(model: LinearModel | PackedModel): model is PackedModel {
  return 'starts' in model;
}

/** A packed model with its own copies of every array (to transfer to a worker without detaching the caller's). */
export function copyPacked(m: PackedModel): PackedModel {
  return {
    ...m,
    colCost: m.colCost.slice(),
    colLower: m.colLower.slice(),
    colUpper: m.colUpper.slice(),
    integer: m.integer.slice(),
    rowLower: m.rowLower.slice(),
    rowUpper: m.rowUpper.slice(),
    starts: m.starts.slice(),
    indices: m.indices.slice(),
    values: m.values.slice(),
  };
}

/**
 * Builds a model straight into compressed sparse rows (typed arrays that grow by doubling), for
 * models with hundreds of thousands of columns, where `ModelBuilder`'s array per row costs memory
 * and garbage collection. Rows merge terms on the same column and drop zero coefficients, keeping
 * the first-seen order, exactly as `ModelBuilder.addRow` does, so both give the same model.
 */
export class PackedModelBuilder {
  private nCols = 0;
  private nRows = 0;
  private nnz = 0;
  private colCost = new Float64Array(1024);
  private colLower = new Float64Array(1024);
  private colUpper = new Float64Array(1024);
  private integer = new Uint8Array(1024);
  private rowLower = new Float64Array(1024);
  private rowUpper = new Float64Array(1024);
  private starts = new Int32Array(1025);
  private indices = new Int32Array(4096);
  private values = new Float64Array(4096);

  constructor(private readonly sense: 'minimize' | 'maximize' = 'minimize') {}

  get numCols(): number {
    return this.nCols;
  }

  get numRows(): number {
    return this.nRows;
  }

  /** A column's upper bound as added. */
  upperOf(col: number): number {
    return this.colUpper[col];
  }

  addVar(opts: { cost?: number; lower?: number; upper?: number; integer?: boolean } = {}): number {
    const j = this.nCols;
    if (j === this.colCost.length) {
      const n = j * 2;
      this.colCost = grown(this.colCost, n);
      this.colLower = grown(this.colLower, n);
      this.colUpper = grown(this.colUpper, n);
      this.integer = grown(this.integer, n);
    }
    this.colCost[j] = opts.cost ?? 0;
    this.colLower[j] = opts.lower ?? 0;
    this.colUpper[j] = opts.upper ?? INF;
    this.integer[j] = opts.integer ? 1 : 0;
    this.nCols = j + 1;
    return j;
  }

  /**
   * Adds `lower <= sum(coef * x) <= upper` from terms given flat, `[col, coef, col, coef, …]`
   * (`length` numbers of `flat`, all of it by default). Terms on the same column are summed.
   */
  addRowFlat(flat: ArrayLike<number>, lower: number, upper: number, length = flat.length): number {
    const i = this.nRows;
    if (i === this.rowLower.length) {
      const n = i * 2;
      this.rowLower = grown(this.rowLower, n);
      this.rowUpper = grown(this.rowUpper, n);
      this.starts = grown(this.starts, n + 1);
    }
    const terms = length / 2;
    if (this.nnz + terms > this.indices.length) {
      const n = Math.max(this.indices.length * 2, this.nnz + terms);
      this.indices = grown(this.indices, n);
      this.values = grown(this.values, n);
    }
    const start = this.nnz;
    let end = start;
    if (terms <= 16) {
      for (let t = 0; t < length; t += 2) {
        const col = flat[t];
        let at = -1;
        for (let k = start; k < end; k++) {
          if (this.indices[k] === col) {
            at = k;
            break;
          }
        }
        if (at >= 0) this.values[at] += flat[t + 1];
        else {
          this.indices[end] = col;
          this.values[end] = flat[t + 1];
          end++;
        }
      }
    } else {
      const merged = new Map<number, number>();
      for (let t = 0; t < length; t += 2) merged.set(flat[t], (merged.get(flat[t]) ?? 0) + flat[t + 1]);
      for (const [col, coef] of merged) {
        this.indices[end] = col;
        this.values[end] = coef;
        end++;
      }
    }
    // Zero coefficients out, order kept.
    let w = start;
    for (let k = start; k < end; k++) {
      if (this.values[k] === 0) continue;
      this.indices[w] = this.indices[k];
      this.values[w] = this.values[k];
      w++;
    }
    this.nnz = w;
    this.rowLower[i] = lower;
    this.rowUpper[i] = upper;
    this.starts[i] = start;
    this.starts[i + 1] = w;
    this.nRows = i + 1;
    return i;
  }

  addRow(terms: ReadonlyArray<readonly [number, number]>, lower: number, upper: number): number {
    const flat = new Array<number>(terms.length * 2);
    terms.forEach(([col, coef], t) => {
      flat[2 * t] = col;
      flat[2 * t + 1] = coef;
    });
    return this.addRowFlat(flat, lower, upper);
  }

  /** The model, trimmed to size (the builder is not to be used after). */
  build(): PackedModel {
    return {
      sense: this.sense,
      numCols: this.nCols,
      numRows: this.nRows,
      colCost: this.colCost.slice(0, this.nCols),
      colLower: this.colLower.slice(0, this.nCols),
      colUpper: this.colUpper.slice(0, this.nCols),
      integer: this.integer.slice(0, this.nCols),
      rowLower: this.rowLower.slice(0, this.nRows),
      rowUpper: this.rowUpper.slice(0, this.nRows),
      starts: this.starts.slice(0, this.nRows + 1),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)) as never);
  return b;
}

export function pack(model: LinearModel | PackedModel): PackedModel {
  if (isPacked(model)) return model;
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
