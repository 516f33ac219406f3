import { QuantileSketch } from "../engine/stats/quantileSketch.js";
import { histogramQuantile } from "../measured/histogram.js";

/** Bucket bounds of `coderd_api_request_latencies_seconds` (coderd/httpmw/prometheus.go). */
export const CODERD_LATENCY_BUCKETS_S: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30,
];

/**
 * Latencies of one kind of call, kept three ways: an exact-ish sketch over the measurement window, a
 * sketch per scrape interval (for the time series), and counts on coderd's histogram buckets so the
 * quantile can be computed exactly as Grafana's `histogram_quantile` would show it.
 */
export class LatencyProbe {
  readonly total = new QuantileSketch();
  private readonly window = new QuantileSketch();
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  private readonly bucketCounts = new Float64Array(CODERD_LATENCY_BUCKETS_S.length + 1);
  /** Non-cumulative counts per bucket over the whole run (for the exported Prometheus histogram). */
  private readonly runBucketCounts = new Float64Array(CODERD_LATENCY_BUCKETS_S.length + 1);
  /** Sum of all latencies over the whole run, seconds (the histogram's `_sum`). */
  runSumSeconds = 0;

  record(latencySeconds: number, inMeasurementWindow: boolean): void {
    this.window.add(latencySeconds);
    let i = 0;
    while (i < CODERD_LATENCY_BUCKETS_S.length && latencySeconds > CODERD_LATENCY_BUCKETS_S[i]!) i++;
    this.runBucketCounts[i]!++;
    this.runSumSeconds += latencySeconds;
    if (!inMeasurementWindow) return;
    this.total.add(latencySeconds);
    this.bucketCounts[i]!++;
  }

  /** Cumulative count of run-long observations at or below bucket i (i = bounds.length is +Inf). */
  cumulativeRunCount(i: number): number {
    let n = 0;
    for (let k = 0; k <= i; k++) n += this.runBucketCounts[k]!;
    return n;
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

  /** Quantile of the current scrape interval (NaN when nothing was recorded). */
  windowQuantile(q: number): number {
    return this.window.count > 0 ? this.window.quantile(q) : Number.NaN;
  }

  /** Starts the next scrape interval. */
  nextWindow(): void {
    this.window.reset();
  }
}
