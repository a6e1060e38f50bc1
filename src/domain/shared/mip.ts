/**
 * A small, solver-neutral linear model: variables with bounds, costs and an
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
    this.cols.names.push(opts.name ?? `x${j}`);
    return j;
  }

  /** Adds `lower <= sum(terms) <= upper`. Terms on the same column are summed. */
  addRow(terms: Array<[number, number]>, lower: number, upper: number, name?: string): number {
    const merged = new Map<number, number>();
    for (const [col, coef] of terms) merged.set(col, (merged.get(col) ?? 0) + coef);
    const indices: number[] = [];
    const values: number[] = [];
    for (const [col, coef] of merged) {
      if (coef !== 0) {
        indices.push(col);
        values.push(coef);
      }
    }
    const i = this.rows.lower.length;
    this.rows.lower.push(lower);
    this.rows.upper.push(upper);
    this.rows.indices.push(indices);
    this.rows.values.push(values);
    this.rows.names.push(name ?? `r${i}`);
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
}
