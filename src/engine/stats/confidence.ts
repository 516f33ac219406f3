import { studentTQuantile } from "./studentT.js";

/**
 * A two-sided Student t confidence interval for a mean. With n = 1 there is no variance estimate:
 * sd, halfWidth, lo, hi and relHalfWidth are NaN (JSON reports print them as null).
 */
export interface ConfidenceInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 divisor). */
  sd: number;
  /** t_{(1+level)/2, n−1} · sd/√n. */
  halfWidth: number;
  lo: number;
  hi: number;
  /** halfWidth/|mean|, the relative precision used by stop rules; Infinity when mean is 0 and halfWidth > 0. */
  relHalfWidth: number;
  level: number;
}

/**
 * Student t CI for the mean of independent observations (e.g. one per replication):
 * mean ± t_{(1+level)/2, n−1}·s/√n, mean and variance by Welford's one-pass update.
 * Reference: Law, Simulation Modeling and Analysis, 5th ed. (2015), ch. 4 (t confidence interval).
 */
export function confidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  requireLevel(level);
  const n = values.length;
  if (n === 0) throw new RangeError("confidenceInterval needs at least one value");
  let mean = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) throw new RangeError(`values[${i}] is not finite: ${value}`);
    const delta = value - mean;
    mean += delta / (i + 1);
    sumSquares += delta * (value - mean);
  }
  if (n === 1) {
    const nan = Number.NaN;
    return { n, mean, sd: nan, halfWidth: nan, lo: nan, hi: nan, relHalfWidth: nan, level };
  }
  const sd = Math.sqrt(sumSquares / (n - 1));
  const halfWidth = (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return {
    n,
    mean,
    sd,
    halfWidth,
    lo: mean - halfWidth,
    hi: mean + halfWidth,
    relHalfWidth: relativeHalfWidth(halfWidth, mean),
    level,
  };
}

/** A share's possible values: a t interval on one clamped to it still holds the mean with its level. */
export const UNIT_RANGE: readonly [number, number] = [0, 1];

/**
 * The interval's [lo, hi], or null when it has no width to give (fewer than two values); clamped to
 * `range`, the values the quantity can take (a wide t interval on a share can reach below 0 or above 1).
 */
export function intervalBounds(
  values: readonly number[],
  level = 0.95,
  range?: readonly [number, number],
): [number, number] | null {
  if (values.length < 2) return null;
  const ci = confidenceInterval(values, level);
  if (!Number.isFinite(ci.halfWidth)) return null;
  return range ? [Math.max(range[0], ci.lo), Math.min(range[1], ci.hi)] : [ci.lo, ci.hi];
}

/** A CI on mean(a − b) plus whether it excludes zero, i.e. the difference is significant at `level`. */
export interface PairedDifferenceInterval extends ConfidenceInterval {
  excludesZero: boolean;
}

/**
 * Paired-t CI on E[a − b] for two configurations run with common random numbers (a[i], b[i] share
 * seed i); pairing removes the shared noise, so it is much narrower than comparing two separate CIs.
 * Reference: Law, Simulation Modeling and Analysis, 5th ed. (2015), ch. 10 (paired-t confidence interval).
 */
export function pairedDifferenceCI(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): PairedDifferenceInterval {
  if (a.length !== b.length) {
    throw new RangeError(`paired samples must have equal length, got ${a.length} and ${b.length}`);
  }
  const differences = a.map((value, i) => value - b[i]!);
  const interval = confidenceInterval(differences, level);
  // NaN bounds (n = 1) compare false, so excludesZero is false: no evidence of a difference.
  return { ...interval, excludesZero: interval.lo > 0 || interval.hi < 0 };
}

function relativeHalfWidth(halfWidth: number, mean: number): number {
  if (halfWidth === 0) return 0;
  return halfWidth / Math.abs(mean);
}

function requireLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}
