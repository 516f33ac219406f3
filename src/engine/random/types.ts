import type { Rng } from "./streams.js";

/** One histogram bucket, Prometheus style: `count` observations were ≤ `le` (cumulative). */
export interface HistogramBucket {
  /** Upper bound; `Infinity` only for the last bucket (Prometheus `+Inf`). */
  readonly le: number;
  readonly count: number;
}

/**
 * Canonical plain-data form of a distribution: bare keys, durations in seconds. Model files may use
 * `_s`/`_ms` keys; `distributionSpecSchema` turns those into this form.
 */
export type DistributionSpec =
  | { readonly dist: "deterministic"; readonly value: number }
  | { readonly dist: "exponential"; readonly mean: number }
  | { readonly dist: "uniform"; readonly min: number; readonly max: number }
  /** `mean`/`sd` describe the normal before truncation to [min, max]; max omitted means +∞. */
  | {
      readonly dist: "normal";
      readonly mean: number;
      readonly sd: number;
      readonly min: number;
      readonly max?: number;
    }
  /** `mu` is the mean of ln(x) with x in seconds. */
  | { readonly dist: "lognormal"; readonly mu: number; readonly sigma: number }
  | { readonly dist: "lognormal"; readonly median: number; readonly p95: number }
  | { readonly dist: "lognormal"; readonly mean: number; readonly cv: number }
  | { readonly dist: "gamma"; readonly shape: number; readonly scale: number }
  | { readonly dist: "erlang"; readonly k: number; readonly mean: number }
  | { readonly dist: "empirical"; readonly samples: readonly number[] }
  | { readonly dist: "empirical"; readonly buckets: readonly HistogramBucket[]; readonly min: number };

/** A sampled distribution. `sample` is the hot path: a plain call on a plain generator, no allocation. */
export interface Distribution {
  sample(rng: Rng): number;
  /** The true mean of what `sample` returns (after truncation, interpolation, clamping). */
  readonly mean: number;
  /** The true variance of what `sample` returns; analytic cross-checks need it (cv², E[S²]). */
  readonly variance: number;
  readonly spec: DistributionSpec;
  /** Inverse CDF, where it has a closed form or a cheap exact evaluation. */
  quantile?(p: number): number;
}
