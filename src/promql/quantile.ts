/** Prometheus' quantile of a sample set (the quantile aggregation and quantile_over_time). */

/** The q-quantile of ascending `sorted` values, interpolating between ranks as Prometheus does. */
export function quantileSorted(q: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}
