import type { Histogram } from "./sample.js";

export { histogramQuantile } from "../series/histogram.js";

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
