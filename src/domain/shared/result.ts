/**
 * Expected failures are values, bugs are assertions. A `Result` carries either a
 * value or a `DomainError` with a code from a fixed list; `invariant` guards what
 * must never happen and throws.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  /** A response plan applied without a simulation of its parts as they are now (and without an override). */
  | 'plan_not_simulated'
  | 'duplicate'
  | 'not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'insufficient_stock'
  | 'zone_not_served'
  | 'node_not_trading'
  | 'over_purchase_limit'
  | 'slot_full'
  | 'window_closed'
  | 'infeasible'
  | 'solver_failed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'internal';

export interface DomainError {
  code: ErrorCode;
  message: string;
  /** The input field at fault, as a dotted path (e.g. `lines.2.quantity`). */
  field?: string;
  expected?: unknown;
  actual?: unknown;
  /** Extra machine-readable facts (e.g. `{ available: 3 }`). */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });

/** Thrown form of a DomainError, for code paths (routes, CLI) that unwind on failure. */
export class DomainException extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
    this.name = 'DomainException';
  }
}

export function fail(error: DomainError): never {
  throw new DomainException(error);
}

/** Unwraps a Result or throws its error as a DomainException. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new DomainException(result.error);
  return result.value;
}

export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** A programmer error: the condition must hold, or the process state is wrong. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(`invariant failed: ${message}`);
}
