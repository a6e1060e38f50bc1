/** Small checks shared by the planning inputs, each returning a validation_failed error or null. */
import { err, ok, type Result } from '../shared/index.ts';

/**
 * Small checks shared by the planning inputs. Each returns a `validation_failed`
 * error naming the field, the expected and the actual value, or null when the value is fine.
 */
export type Problem = Result<never> | null;

export function checkNonNegInt(field: string, value: unknown): Problem {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return err({ code: 'validation_failed', message: `${field} must be a non-negative integer`, field, expected: 'integer >= 0', actual: value });
  }
  return null;
}

export function checkPositiveInt(field: string, value: unknown): Problem {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return err({ code: 'validation_failed', message: `${field} must be a positive integer`, field, expected: 'integer >= 1', actual: value });
  }
  return null;
}

export function checkPositiveNumber(field: string, value: unknown): Problem {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return err({ code: 'validation_failed', message: `${field} must be a positive number`, field, expected: 'number > 0', actual: value });
  }
  return null;
}

export function checkNonNegNumber(field: string, value: unknown): Problem {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return err({ code: 'validation_failed', message: `${field} must be a non-negative number`, field, expected: 'number >= 0', actual: value });
  }
  return null;
}

export function checkShare(field: string, value: unknown): Problem {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    return err({ code: 'validation_failed', message: `${field} must be a share between 0 and 1`, field, expected: 'number in [0, 1]', actual: value });
  }
  return null;
}

export function checkKnown(field: string, id: string, known: { has(id: string): boolean }, what: string): Problem {
  if (!known.has(id)) {
    return err({ code: 'not_found', message: `${field} refers to an unknown ${what} '${id}'`, field, expected: `a known ${what} id`, actual: id });
  }
  return null;
}

export function checkUnique(field: string, ids: readonly string[]): Problem {
  const seen = new Set<string>();
  for (let k = 0; k < ids.length; k++) {
    if (seen.has(ids[k])) {
      return err({ code: 'duplicate', message: `${field}.${k} repeats the id '${ids[k]}'`, field: `${field}.${k}`, expected: 'unique ids', actual: ids[k] });
    }
    seen.add(ids[k]);
  }
  return null;
}

/** Returns the first problem of a list of checks, or ok(true). */
export function firstProblem(...problems: Problem[]): Result<true> {
  for (const p of problems) if (p) return p;
  return ok(true);
}
