import type { Histogram, HistogramBucket } from "./sample.js";

/**
 * PromQL `histogram_quantile` on classic cumulative buckets, step for step as Prometheus'
 * `bucketQuantile`: sort by `le`, require a `+Inf` bucket, merge equal bounds, smooth float noise,
 * force monotonic counts, then interpolate linearly inside the bucket holding rank q·count. The
 * lowest bucket interpolates from 0 (or returns its bound when that is <= 0); a rank in the `+Inf`
 * bucket returns the highest finite bound. NaN for q = NaN, no +Inf bucket, < 2 buckets or 0 count.
 */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (buckets.length === 0) return Number.NaN;
  const sorted = buckets.map((b) => ({ le: b.le, count: b.count })).sort((a, b) => a.le - b.le);
  if (sorted[sorted.length - 1]!.le !== Number.POSITIVE_INFINITY) return Number.NaN;
  const merged = coalesce(sorted);
  correctPrecisionErrors(merged, 1e-12);
  ensureMonotonic(merged);
  if (merged.length < 2) return Number.NaN;
  const observations = merged[merged.length - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  // sort.Search over all but the +Inf bucket: first index whose count reaches the rank.
  let b = merged.length - 1;
  for (let i = 0; i < merged.length - 1; i++) {
    if (merged[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === merged.length - 1) return merged[merged.length - 2]!.le;
  if (b === 0 && merged[0]!.le <= 0) return merged[0]!.le;
  let bucketStart = 0;
  const bucketEnd = merged[b]!.le;
  let count = merged[b]!.count;
  if (b > 0) {
    bucketStart = merged[b - 1]!.le;
    count -= merged[b - 1]!.count;
    rank -= merged[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

function coalesce(sorted: HistogramBucket[]): HistogramBucket[] {
  const out: HistogramBucket[] = [];
  for (const bucket of sorted) {
    const last = out[out.length - 1];
    if (last && last.le === bucket.le) last.count += bucket.count;
    else out.push({ ...bucket });
  }
  return out;
}

function correctPrecisionErrors(buckets: HistogramBucket[], tolerance: number): void {
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    const delta = Math.abs(curr - prev);
    if (delta === 0) continue;
    if (delta / curr <= tolerance) buckets[i]!.count = prev;
    else prev = curr;
  }
}

function ensureMonotonic(buckets: HistogramBucket[]): void {
  let max = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i]!.count > max) max = buckets[i]!.count;
    else if (buckets[i]!.count < max) buckets[i]!.count = max;
  }
}

/**
 * Folds raw (e.g. simulated) observations into cumulative buckets with the given finite upper bounds,
 * plus `+Inf`, so they can be compared with a measured histogram on the same bounds.
 */
export function foldIntoBuckets(values: readonly number[], upperBounds: readonly number[]): Histogram {
  const bounds = [...new Set(upperBounds.filter((le) => le !== Number.POSITIVE_INFINITY))].sort(
    (a, b) => a - b,
  );
  const perBucket = new Array<number>(bounds.length + 1).fill(0);
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    count++;
    sum += value;
    perBucket[firstBoundAtLeast(bounds, value)]! += 1;
  }
  let cumulative = 0;
  const buckets = bounds.map((le, i) => {
    cumulative += perBucket[i]!;
    return { le, count: cumulative };
  });
  buckets.push({ le: Number.POSITIVE_INFINITY, count });
  return { buckets, count, sum };
}

function firstBoundAtLeast(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bucket-wise sum, as `sum by (le)` does: a bound missing from one histogram contributes nothing. */
export function sumHistograms(histograms: readonly Histogram[]): Histogram {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const h of histograms) {
    for (const b of h.buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
    count += h.count;
    sum += h.sum;
  }
  const buckets = [...byLe.entries()].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { buckets, count, sum };
}

/**
 * What a cumulative histogram gained from `earlier` to `later`. A drop in the total count is a process
 * restart (counter reset), where PromQL's `increase` takes the later values as the whole increase.
 */
export function histogramIncrease(earlier: Histogram, later: Histogram): Histogram {
  if (later.count < earlier.count) return structuredClone(later);
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: later.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) })),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
  };
}
