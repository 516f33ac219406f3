/** Prometheus' quantile of a sample set (the quantile aggregation and quantile_over_time). */

/**
 * The q-quantile of `sorted` (ascending, as Float64Array.sort leaves it: NaNs last), interpolating
 * between ranks as Prometheus does. Prometheus orders NaN before every number, so NaNs count first.
 */
export function quantileSorted(q: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  let nans = 0;
  while (nans < n && Number.isNaN(sorted[n - 1 - nans]!)) nans++;
  const at = (i: number) => (i < nans ? Number.NaN : sorted[i - nans]!);
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return at(lower) * (1 - weight) + at(upper) * weight;
}
