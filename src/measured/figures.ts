import { histogramQuantile } from "./histogram.js";
import { METRIC_MAP, type MetricMapRow } from "./metricMap.js";
import {
  DEFAULT_LOOKBACK_SECONDS,
  groupSeries,
  inWindow,
  reduceValues,
  type SeriesPoint,
  sumAtInstants,
  sumPerReplicaMax,
  windowHistogram,
} from "./reduce.js";
import type { MeasuredSample, StageWindow } from "./sample.js";
import { convertUnit } from "./units.js";

export interface DeriveOptions {
  lookbackSeconds?: number;
}

/** A window to reduce over: a named stage, or the whole test (stage null). */
interface Span {
  stage: string | null;
  window: Pick<StageWindow, "start" | "end"> | null;
}

/**
 * Computes capsim summary figures from time-series samples already mapped to capsim series, the way the
 * scale test's Grafana panels would: each metric-map row is reduced over each of its stages' windows, or
 * over the whole test (the span of all windows, or all data when none are given) when it has no stages.
 * Rows with stages are reported for each declared window of those names, or once with stage null when
 * no windows are given. Rows without data, or whose reduction is NaN, give no figure.
 */
export function deriveFigures(
  samples: readonly MeasuredSample[],
  stages: readonly StageWindow[],
  options: DeriveOptions = {},
): MeasuredSample[] {
  const lookback = options.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS;
  const figures: MeasuredSample[] = [];
  for (const row of METRIC_MAP) {
    const series = samples.filter(
      (s) => s.metric === row.series && (row.input === "histogram") === !!s.histogram,
    );
    if (series.length === 0) continue;
    for (const span of spansFor(row, stages)) {
      const figure =
        row.input === "histogram"
          ? histogramFigure(row, series, span)
          : valueFigure(row, series, span, lookback);
      if (figure) figures.push(figure);
    }
  }
  return figures;
}

function spansFor(row: MetricMapRow, stages: readonly StageWindow[]): Span[] {
  if (stages.length === 0) return [{ stage: null, window: null }];
  if (row.stages === null) {
    const start = Math.min(...stages.map((s) => s.start));
    const end = Math.max(...stages.map((s) => s.end));
    return [{ stage: null, window: { start, end } }];
  }
  return stages.filter((s) => row.stages!.includes(s.name)).map((s) => ({ stage: s.name, window: s }));
}

function valueFigure(
  row: MetricMapRow,
  series: readonly MeasuredSample[],
  span: Span,
  lookback: number,
): MeasuredSample | undefined {
  // Without windows a single unstamped scrape still counts: its points are placed at t = 0.
  const placed = span.window === null ? series.map((s) => (s.t === null ? { ...s, t: 0 } : s)) : series;
  const points = combine(row, placed, lookback).filter(
    (p) => span.window === null || inWindow(p.t, span.window),
  );
  const reduction = row.reduction.kind === "histogram_quantile" ? { kind: "median" as const } : row.reduction;
  const value = reduceValues(
    points.map((p) => p.value),
    reduction,
  );
  if (Number.isNaN(value)) return undefined;
  const what = row.reduction.kind === "quantile" ? `p${row.reduction.q * 100}` : row.reduction.kind;
  const count = `${points.length} point${points.length === 1 ? "" : "s"}`;
  return figure(row, series, span, value, `${what} of ${count} of ${row.series} (${row.combine})`);
}

function combine(row: MetricMapRow, samples: readonly MeasuredSample[], lookback: number): SeriesPoint[] {
  switch (row.combine) {
    case "pool":
      return [...groupSeries(samples).values()].flat();
    case "sum":
      return sumAtInstants([...groupSeries(samples).values()], lookback);
    case "sum_per_replica_max":
      return sumPerReplicaMax(samples, lookback);
  }
}

function histogramFigure(
  row: MetricMapRow,
  series: readonly MeasuredSample[],
  span: Span,
): MeasuredSample | undefined {
  const found = windowHistogram(series, span.window);
  if (!found || row.reduction.kind !== "histogram_quantile") return undefined;
  const value = histogramQuantile(row.reduction.q, found.histogram.buckets);
  if (Number.isNaN(value)) return undefined;
  const basis = found.cumulative
    ? "cumulative since process start (no increases in range)"
    : "increase over the window";
  return figure(
    row,
    series,
    span,
    value,
    `histogram_quantile(${row.reduction.q}) of ${found.histogram.count} observations, ${basis}`,
  );
}

function figure(
  row: MetricMapRow,
  series: readonly MeasuredSample[],
  span: Span,
  siValue: number,
  note: string,
): MeasuredSample {
  const first = series[0]!;
  const files = [...new Set(series.map((s) => s.file))];
  const value = convertUnit(siValue, row.seriesUnit, row.unit) ?? siValue;
  const range = span.window ? ` in [${iso(span.window.start)}, ${iso(span.window.end)}]` : "";
  return {
    source: first.source,
    metric: row.metric,
    rawMetric: first.rawMetric,
    labels: {},
    stage: span.stage,
    unit: row.unit,
    scope: row.scope,
    t: null,
    value,
    file: files.join(", "),
    note: `${note}${range}`,
  };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
