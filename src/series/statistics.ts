/**
 * Descriptive statistics of a sample, from simple-statistics (NaN for an empty sample instead of its
 * exception). Quantiles as Prometheus computes them are in `quantile.ts`.
 */
import { median as ssMedian, sumSimple } from "simple-statistics";

/**
 * Arithmetic mean by plain summation; NaN for no values. (simple-statistics' `mean` compensates the
 * sum, which moves pinned figures in their last bits.)
 */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : sumSimple(values as number[]) / values.length;
}

/** Median, interpolating between the middle two (type 7); NaN for no values. */
export function median(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ssMedian(values as number[]);
}
