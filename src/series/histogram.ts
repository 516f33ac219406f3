/** PromQL `histogram_quantile` on classic cumulative buckets: the one implementation in capsim. */

/** One cumulative bucket: observations at or below `le` (the last bucket's `le` is +Inf). */
export interface CumulativeBucket {
  readonly le: number;
  readonly count: number;
}

/**
 * `histogram_quantile(q, buckets)` step for step as Prometheus' `bucketQuantile`: sort by `le`,
 * require a `+Inf` bucket, merge equal bounds, smooth float noise, force monotonic counts, then
 * interpolate linearly inside the bucket holding rank q·count. The lowest bucket interpolates from 0
 * (or returns its bound when that is <= 0); a rank in the `+Inf` bucket returns the highest finite
 * bound. NaN for q = NaN, no +Inf bucket, < 2 buckets or 0 count.
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const uppers = Float64Array.from(sorted, (b) => b.le);
  const counts = Float64Array.from(sorted, (b) => b.count);
  return bucketQuantile(q, uppers, counts, sorted.length);
}

/**
 * Prometheus' bucketQuantile on the first n buckets of `uppers` (sorted ascending) and their
 * cumulative `counts`; both arrays are modified (so callers can reuse scratch buffers).
 */
export function bucketQuantile(q: number, uppers: Float64Array, counts: Float64Array, n0: number): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (n0 === 0 || uppers[n0 - 1] !== Number.POSITIVE_INFINITY) return Number.NaN;
  const n = coalesce(uppers, counts, n0);
  ignoreSmallDeltas(counts, n, 1e-12);
  ensureMonotonic(counts, n);
  if (n < 2) return Number.NaN;
  const observations = counts[n - 1]!;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  // sort.Search over all but the +Inf bucket: first index whose count reaches the rank.
  let b = 0;
  while (b < n - 1 && !(counts[b]! >= rank)) b++;
  if (b === n - 1) return uppers[n - 2]!;
  if (b === 0 && uppers[0]! <= 0) return uppers[0]!;
  let start = 0;
  const end = uppers[b]!;
  let count = counts[b]!;
  if (b > 0) {
    start = uppers[b - 1]!;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return start + (end - start) * (rank / count);
}

/** Merges buckets with the same upper bound in place; returns how many are left. */
function coalesce(uppers: Float64Array, counts: Float64Array, n0: number): number {
  let n = 0;
  for (let i = 0; i < n0; i++) {
    if (n > 0 && uppers[i] === uppers[n - 1]) counts[n - 1]! += counts[i]!;
    else {
      uppers[n] = uppers[i]!;
      counts[n++] = counts[i]!;
    }
  }
  return n;
}

/** Prometheus treats a relative change below `tolerance` between adjacent buckets as float noise. */
function ignoreSmallDeltas(counts: Float64Array, n: number, tolerance: number): void {
  let prev = counts[0]!;
  for (let i = 1; i < n; i++) {
    const curr = counts[i]!;
    const delta = Math.abs(curr - prev);
    if (delta === 0) continue;
    if (delta / curr <= tolerance) counts[i] = prev;
    else prev = curr;
  }
}

/** Scrapes of different buckets may be inconsistent: counts never decrease with `le`. */
function ensureMonotonic(counts: Float64Array, n: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (counts[i]! > max) max = counts[i]!;
    else if (counts[i]! < max) counts[i] = max;
  }
}
