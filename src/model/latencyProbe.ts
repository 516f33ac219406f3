import { QuantileSketch } from "../engine/stats/quantileSketch.js";
import { histogramQuantile } from "../series/histogram.js";
import { CODERD_LATENCY_BUCKETS_S } from "./metrics/catalog.js";
import { bucketOf } from "./metrics/registry.js";

/**
 * Latencies of one kind of call over the measurement window, kept two ways: an exact-ish sketch, and
 * counts on coderd's histogram buckets so the quantile can be computed exactly as Grafana's
 * `histogram_quantile` would show it. (The exported time series are the metric registry's histograms.)
 */
export class LatencyProbe {
  readonly total = new QuantileSketch();
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  private readonly bucketCounts = new Float64Array(CODERD_LATENCY_BUCKETS_S.length + 1);

  record(latencySeconds: number, inMeasurementWindow: boolean): void {
    if (inMeasurementWindow)
      this.recordAt(bucketOf(CODERD_LATENCY_BUCKETS_S, latencySeconds), latencySeconds);
  }

  /** Records a latency in the window whose bucket on coderd's bounds the caller already has. */
  recordAt(bucket: number, latencySeconds: number): void {
    this.total.add(latencySeconds);
    this.bucketCounts[bucket]!++;
  }

  /** Quantile over the measurement window, interpolated on coderd's buckets (what Grafana shows). */
  bucketedQuantile(q: number): number {
    let cumulative = 0;
    const buckets = CODERD_LATENCY_BUCKETS_S.map((le, i) => {
      cumulative += this.bucketCounts[i]!;
      return { le, count: cumulative };
    });
    buckets.push({
      le: Number.POSITIVE_INFINITY,
      count: cumulative + this.bucketCounts[CODERD_LATENCY_BUCKETS_S.length]!,
    });
    return histogramQuantile(q, buckets);
  }

  /** Quantile over the measurement window from the sketch (1% relative accuracy). */
  exactQuantile(q: number): number {
    return this.total.count > 0 ? this.total.quantile(q) : Number.NaN;
  }
}
