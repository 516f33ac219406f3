/** histogram_quantile over classic buckets (`le` label), as Prometheus 2.42 computes it (promql/quantile.go). */
import { bucketQuantile } from "../series/histogram.js";
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
