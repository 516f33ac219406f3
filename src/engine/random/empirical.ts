import { assertParams, checkEmpiricalHistogram, checkEmpiricalSamples } from "./checks.js";
import type { Rng } from "./streams.js";
import type { Distribution, HistogramBucket } from "./types.js";

/**
 * Resamples measured values through the inverse of the empirical CDF with linear interpolation between
 * order statistics (type-7 quantiles): Q(p) = x₍ᵢ₎ + (h − i)(x₍ᵢ₊₁₎ − x₍ᵢ₎), h = p(n − 1), i = ⌊h⌋.
 * Draws therefore cover [min sample, max sample] continuously; one uniform per draw.
 */
export function empiricalSamples(samples: readonly number[]): Distribution {
  assertParams("empiricalSamples", (report) => checkEmpiricalSamples(samples, report));
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const last = n - 1;
  const quantile = (p: number): number => {
    const h = p * last;
    const i = Math.floor(h);
    if (i >= last) return sorted[last]!;
    if (i < 0) return sorted[0]!;
    const lower = sorted[i]!;
    return lower + (h - i) * (sorted[i + 1]! - lower);
  };
  // Each of the n − 1 gaps is a uniform piece carrying probability 1/(n − 1).
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < last; i++) {
    const lo = sorted[i]!;
    const hi = sorted[i + 1]!;
    sum += (lo + hi) / 2;
    sumSquares += (lo * lo + lo * hi + hi * hi) / 3;
  }
  const mean = n === 1 ? sorted[0]! : sum / last;
  const variance = n === 1 ? 0 : Math.max(0, sumSquares / last - mean * mean);
  return {
    spec: { dist: "empirical", samples: Object.freeze([...samples]) },
    mean,
    variance,
    quantile,
    sample: (rng: Rng) => quantile(rng()),
  };
}

/**
 * Resamples a Prometheus-style histogram. `buckets` hold CUMULATIVE counts (observations ≤ le), sorted
 * by `le`; an optional last `le: Infinity` bucket is the `+Inf` bucket. Inside a bucket the value is
 * interpolated linearly, as `histogram_quantile` does, from the previous bound (or `min` for the first
 * bucket) to `le`. Mass in the `+Inf` bucket is clamped to the highest finite bound.
 */
export function empiricalHistogram(buckets: readonly HistogramBucket[], min = 0): Distribution {
  assertParams("empiricalHistogram", (report) => checkEmpiricalHistogram(buckets, min, report));
  const finite = buckets.filter((bucket) => Number.isFinite(bucket.le));
  const upper = Float64Array.from(finite, (bucket) => bucket.le);
  const lower = Float64Array.from(finite, (_, i) => (i === 0 ? min : finite[i - 1]!.le));
  const cumulative = Float64Array.from(finite, (bucket) => bucket.count);
  const total = buckets[buckets.length - 1]!.count;
  const finiteTotal = cumulative[cumulative.length - 1]!;
  const highestBound = upper[upper.length - 1]!;
  // Where the mass ends when nothing is past the last finite bucket: the top of the last non-empty one.
  const supportTop = upper[cumulative.findIndex((count) => count >= finiteTotal)]!;
  const top = finiteTotal < total ? highestBound : supportTop;

  const quantile = (p: number): number => {
    const rank = Math.max(0, p * total);
    if (!(rank < finiteTotal)) return top;
    // First bucket whose cumulative count exceeds the rank; it always holds at least one observation.
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > rank) hi = mid;
      else lo = mid + 1;
    }
    const below = lo === 0 ? 0 : cumulative[lo - 1]!;
    const from = lower[lo]!;
    return from + ((upper[lo]! - from) * (rank - below)) / (cumulative[lo]! - below);
  };

  let sum = (total - finiteTotal) * highestBound;
  let sumSquares = (total - finiteTotal) * highestBound * highestBound;
  for (let i = 0; i < upper.length; i++) {
    const weight = cumulative[i]! - (i === 0 ? 0 : cumulative[i - 1]!);
    const lo = lower[i]!;
    const hi = upper[i]!;
    sum += (weight * (lo + hi)) / 2;
    sumSquares += (weight * (lo * lo + lo * hi + hi * hi)) / 3;
  }
  const mean = sum / total;
  return {
    spec: {
      dist: "empirical",
      buckets: Object.freeze(buckets.map((b) => ({ le: b.le, count: b.count }))),
      min,
    },
    mean,
    variance: Math.max(0, sumSquares / total - mean * mean),
    quantile,
    sample: (rng: Rng) => quantile(rng()),
  };
}
