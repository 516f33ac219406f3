/** histogram_quantile over classic buckets (`le` label), as Prometheus 2.42 computes it (promql/quantile.go). */
import type { Labels } from "../series/types.js";
import { dropName, labelsKey, parseGoFloat, removeLabels } from "./labels.js";
import { getOrInsert, newSeries, type StepSeries } from "./vector.js";

interface BucketGroup {
  readonly labels: Labels;
  /** Bucket series sorted by upper bound. */
  readonly buckets: { upper: number; series: StepSeries }[];
}

/** One result series per label set without `le`; NaN where the buckets have no +Inf or no observations. */
export function histogramQuantile(
  q: Float64Array,
  input: readonly StepSeries[],
  steps: number,
): StepSeries[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of input) {
    const le = s.labels.le;
    const upper = le === undefined ? Number.NaN : parseGoFloat(le);
    if (Number.isNaN(upper)) continue; // Prometheus skips series without a valid le
    const rest = removeLabels(s.labels, ["le"]);
    const key = labelsKey(rest);
    getOrInsert(groups, key, () => ({ labels: dropName(rest), buckets: [] })).buckets.push({
      upper,
      series: s,
    });
  }
  const out: StepSeries[] = [];
  const uppers = new Float64Array(input.length);
  const counts = new Float64Array(input.length);
  for (const g of groups.values()) {
    g.buckets.sort((a, b) => a.upper - b.upper);
    const r = newSeries(g.labels, steps);
    for (let k = 0; k < steps; k++) {
      let n = 0;
      for (const b of g.buckets) {
        if (!b.series.present[k]) continue;
        uppers[n] = b.upper;
        counts[n++] = b.series.values[k]!;
      }
      if (n === 0) continue;
      r.values[k] = bucketQuantile(q[k]!, uppers, counts, n);
      r.present[k] = 1;
    }
    out.push(r);
  }
  return out;
}

/** Prometheus' bucketQuantile on the first n (sorted) buckets; counts is modified. */
export function bucketQuantile(q: number, uppers: Float64Array, counts: Float64Array, n0: number): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (uppers[n0 - 1] !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Coalesce buckets with the same upper bound.
  let n = 0;
  for (let i = 0; i < n0; i++) {
    if (n > 0 && uppers[i] === uppers[n - 1]) counts[n - 1]! += counts[i]!;
    else {
      uppers[n] = uppers[i]!;
      counts[n++] = counts[i]!;
    }
  }
  // Make counts monotonic (scrapes of different buckets may be inconsistent).
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (counts[i]! > max) max = counts[i]!;
    else if (counts[i]! < max) counts[i] = max;
  }
  if (n < 2) return Number.NaN;
  const observations = counts[n - 1]!;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
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
