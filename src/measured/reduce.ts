import { quantile } from "../series/quantile.js";
import { intervalRates } from "../series/rate.js";
import { mean } from "../series/statistics.js";
import { histogramIncrease, sumHistograms } from "./histogram.js";
import type { Histogram, MeasuredSample, StageWindow } from "./sample.js";

export { foldIntoBuckets, histogramIncrease, histogramQuantile, sumHistograms } from "./histogram.js";

/** A statistic of the points of a series inside a window, as a Grafana stat panel computes it. */
export type SeriesReduction = { kind: "median" | "mean" | "max" | "min" } | { kind: "quantile"; q: number };

/** One point of a (possibly combined) series. */
export interface SeriesPoint {
  t: number;
  value: number;
}

/** PromQL's default lookback: a series counts at an instant if it has a point this recent. */
export const DEFAULT_LOOKBACK_SECONDS = 300;

/** The q-quantile with linear interpolation between closest ranks (PromQL `quantile_over_time`). */
export { quantile } from "../series/quantile.js";

/** Applies a reduction, ignoring NaN points as Grafana ignores nulls. NaN when nothing is left. */
export function reduceValues(values: readonly number[], reduction: SeriesReduction): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return Number.NaN;
  switch (reduction.kind) {
    case "median":
      return quantile(finite, 0.5);
    case "quantile":
      return quantile(finite, reduction.q);
    case "mean":
      return mean(finite);
    case "max":
      return finite.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    case "min":
      return finite.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  }
}

/** Both ends inclusive, like a Grafana time range. */
export function inWindow(t: number, window: Pick<StageWindow, "start" | "end">): boolean {
  return t >= window.start && t <= window.end;
}

/** Identity of a series: file, raw name and labels. */
export function seriesKey(sample: Pick<MeasuredSample, "file" | "rawMetric" | "labels">): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sample.file, sample.rawMetric, labels]);
}

/** Reduces the points inside each window; windows with no points give NaN and `points: 0`. */
export function reduceInWindows(
  points: readonly SeriesPoint[],
  windows: readonly StageWindow[],
  reduction: SeriesReduction,
): { stage: string; value: number; points: number }[] {
  return windows.map((window) => {
    const values = points.filter((p) => inWindow(p.t, window)).map((p) => p.value);
    return { stage: window.name, value: reduceValues(values, reduction), points: values.length };
  });
}

/** Groups value samples into time-sorted series. Samples without a time or value are skipped. */
export function groupSeries(samples: readonly MeasuredSample[]): Map<string, SeriesPoint[]> {
  const groups = new Map<string, SeriesPoint[]>();
  for (const sample of samples) {
    if (sample.t === null || sample.value === undefined) continue;
    const key = seriesKey(sample);
    const points = groups.get(key) ?? [];
    if (points.length === 0) groups.set(key, points);
    points.push({ t: sample.t, value: sample.value });
  }
  for (const points of groups.values()) points.sort((a, b) => a.t - b.t);
  return groups;
}

/**
 * `sum()` across series at every instant any of them has a point, each series contributing its latest
 * point no older than the lookback (how PromQL and Grafana align series scraped at different times).
 */
export function sumAtInstants(
  series: readonly (readonly SeriesPoint[])[],
  lookbackSeconds = DEFAULT_LOOKBACK_SECONDS,
): SeriesPoint[] {
  const instants = [...new Set(series.flatMap((points) => points.map((p) => p.t)))].sort((a, b) => a - b);
  const out: SeriesPoint[] = [];
  for (const t of instants) {
    let total = 0;
    let contributors = 0;
    for (const points of series) {
      const latest = latestAtOrBefore(points, t);
      if (latest && t - latest.t <= lookbackSeconds && !Number.isNaN(latest.value)) {
        total += latest.value;
        contributors++;
      }
    }
    if (contributors > 0) out.push({ t, value: total });
  }
  return out;
}

function latestAtOrBefore(points: readonly SeriesPoint[], t: number): SeriesPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  let found: SeriesPoint | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) {
      found = points[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The replica a series was scraped from, for gauges every replica exports in full. */
export function replicaOf(labels: Readonly<Record<string, string>>): string {
  return labels.pod ?? labels.kubernetes_pod_name ?? labels.instance ?? "";
}

/** Per-replica sums at each instant, then the largest replica's sum. */
export function sumPerReplicaMax(
  samples: readonly MeasuredSample[],
  lookbackSeconds = DEFAULT_LOOKBACK_SECONDS,
): SeriesPoint[] {
  const byReplica = new Map<string, MeasuredSample[]>();
  for (const sample of samples) {
    const replica = `${sample.file}\u0000${replicaOf(sample.labels)}`;
    const list = byReplica.get(replica) ?? [];
    list.push(sample);
    byReplica.set(replica, list);
  }
  const best = new Map<number, number>();
  for (const list of byReplica.values()) {
    for (const point of sumAtInstants([...groupSeries(list).values()], lookbackSeconds)) {
      best.set(point.t, Math.max(best.get(point.t) ?? Number.NEGATIVE_INFINITY, point.value));
    }
  }
  return [...best.entries()].map(([t, value]) => ({ t, value })).sort((a, b) => a.t - b.t);
}

/**
 * The histogram of observations made inside a window: the sum of the per-interval increases ending in
 * it. Without increases (a single scrape) each series' latest cumulative histogram is used instead,
 * which counts everything since its process started. `window` null takes all samples.
 */
export function windowHistogram(
  samples: readonly MeasuredSample[],
  window: Pick<StageWindow, "start" | "end"> | null,
): { histogram: Histogram; cumulative: boolean } | undefined {
  const within = (s: MeasuredSample): boolean => window === null || (s.t !== null && inWindow(s.t, window));
  const increases = samples.filter((s) => s.histogram && s.derived === "increase" && within(s));
  if (increases.length > 0)
    return { histogram: sumHistograms(increases.map((s) => s.histogram!)), cumulative: false };
  const latest = new Map<string, MeasuredSample>();
  for (const sample of samples) {
    if (!sample.histogram || sample.derived === "increase" || !within(sample)) continue;
    const key = seriesKey(sample);
    const seen = latest.get(key);
    if (!seen || (sample.t ?? 0) >= (seen.t ?? 0)) latest.set(key, sample);
  }
  if (latest.size === 0) return undefined;
  return { histogram: sumHistograms([...latest.values()].map((s) => s.histogram!)), cumulative: true };
}

/** Increases between consecutive cumulative histograms of one series, in time order. */
export function histogramIncreases(
  points: readonly { t: number; histogram: Histogram }[],
): { t: number; intervalSeconds: number; histogram: Histogram }[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const out: { t: number; intervalSeconds: number; histogram: Histogram }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const after = sorted[i]!;
    out.push({
      t: after.t,
      intervalSeconds: after.t - before.t,
      histogram: histogramIncrease(before.histogram, after.histogram),
    });
  }
  return out;
}

/** Per-second rates between consecutive counter points; a drop is a reset, as in PromQL `rate`. */
export function counterRates(points: readonly SeriesPoint[]): (SeriesPoint & { intervalSeconds: number })[] {
  const times = points.map((p) => p.t);
  const rates = intervalRates(
    times,
    points.map((p) => p.value),
  );
  const out: (SeriesPoint & { intervalSeconds: number })[] = [];
  for (let i = 1; i < points.length; i++) {
    const seconds = times[i]! - times[i - 1]!;
    if (seconds > 0) out.push({ t: times[i]!, value: rates[i]!, intervalSeconds: seconds });
  }
  return out;
}
