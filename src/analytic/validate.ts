/**
 * Argument checks shared by the closed-form solvers. These functions take programmatic values (already
 * validated scenario input), so a bad argument is a caller bug and surfaces as a RangeError, not an InputError.
 */

/** Throws unless `value` is finite and > 0. */
export function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}

/** Throws unless `value` is finite and >= 0. */
export function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

/** Throws unless `value` is an integer >= 1. */
export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
}
