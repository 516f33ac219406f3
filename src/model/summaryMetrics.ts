import { sortedQuantile } from "../engine/stats/sampler.js";
import { ALL, evaluateFigures, FIGURES, type FigureValue, resolveWindows } from "../figures/index.js";
import type { StageName } from "../scenario/index.js";
import { type Matchers, select, selectOne } from "../series/select.js";
import type { ReplicationResult } from "./coderModel.js";
import type { TimeWindow } from "./timeline.js";

/**
 * The figures a scale test reports, each computed from one replication by the figure table
 * (src/figures/table.ts): the PromQL and window reduction `capsim compare` applies to measured data,
 * evaluated on the replication's own series. Names and units are part of capsim's stable JSON output.
 */
export interface MetricDefinition {
  name: string;
  /** Stage the figure is taken over; null = the traffic window (all traffic stages). */
  stage: StageName | null;
  unit: string;
  description: string;
  compute(rep: ReplicationResult, window: TimeWindow): number;
}

/** The scrape times every series of a replication shares. */
export function scrapeTimes(rep: ReplicationResult): ArrayLike<number> {
  return rep.metrics.series[0]?.times ?? [];
}

/** Values of the series `select` finds, one array per series (as plain arrays). */
export function seriesValues(rep: ReplicationResult, name: string, matchers: Matchers = {}): number[][] {
  return select(rep.metrics, name, matchers).map((s) => Array.from(s.values));
}

/** Scrape-to-scrape rate of a counter: value at i covers (t[i−1], t[i]]. */
export function rate(rep: ReplicationResult, counter: readonly number[]): number[] {
  const t = scrapeTimes(rep);
  return counter.map((v, i) => (i === 0 ? Number.NaN : (v - counter[i - 1]!) / (t[i]! - t[i - 1]!)));
}

/** Sum of several aligned series, per scrape (an empty list sums to zeros). */
export function sumSeries(rep: ReplicationResult, series: readonly (readonly number[])[]): number[] {
  return Array.from(scrapeTimes(rep), (_, i) => series.reduce((s, c) => s + (c[i] ?? Number.NaN), 0));
}

/** The one series of a name and labels (empty when absent). */
export function oneSeries(rep: ReplicationResult, name: string, matchers: Matchers = {}): number[] {
  const s = selectOne(rep.metrics, name, matchers);
  return s ? Array.from(s.values) : [];
}

export function inWindow(rep: ReplicationResult, values: readonly number[], window: TimeWindow): number[] {
  const t = scrapeTimes(rep);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    // A scrape at t describes the interval ending at t; keep the ones wholly inside the window.
    if (t[i]! - (t[1]! - t[0]!) >= window.startSeconds - 1e-9 && t[i]! <= window.endSeconds + 1e-9) {
      const v = values[i]!;
      if (Number.isFinite(v)) out.push(v);
    }
  }
  return out;
}

export const median = (values: number[]): number =>
  values.length === 0
    ? Number.NaN
    : sortedQuantile(
        [...values].sort((a, b) => a - b),
        0.5,
      );
export const mean = (values: number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
export const max = (values: number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));

const CODERD = { container: "coder" };

/** Per-replica CPU (vCPU) series, one array per coderd pod, with the pod. */
export function coderdCpuSeries(rep: ReplicationResult): { pod: string; vcpu: number[] }[] {
  return select(rep.metrics, "container_cpu_usage_seconds_total", CODERD).map((s) => ({
    pod: s.labels.pod!,
    vcpu: rate(rep, Array.from(s.values)),
  }));
}

/** HTTP requests per second over all replicas (answered or refused: not those a failure cut). */
export function apiRpsSeries(rep: ReplicationResult): number[] {
  const answered = select(rep.metrics, "coderd_api_requests_processed_total").filter(
    (s) => s.labels.code !== "500",
  );
  return rate(
    rep,
    sumSeries(
      rep,
      answered.map((s) => Array.from(s.values, (v) => (Number.isNaN(v) ? 0 : v))),
    ),
  );
}

export function websocketSeries(rep: ReplicationResult): number[] {
  return sumSeries(rep, seriesValues(rep, "coderd_api_concurrent_websockets"));
}

export function dbCpuUtilizationSeries(rep: ReplicationResult, dbVcpu: number): number[] {
  return rate(rep, oneSeries(rep, "node_cpu_seconds_total", { mode: "user" })).map((v) => v / dbVcpu);
}

export function dbWriteOpsSeries(rep: ReplicationResult): number[] {
  return rate(rep, oneSeries(rep, "node_disk_writes_completed_total"));
}

const evaluated = new WeakMap<ReplicationResult, FigureValue[]>();

/**
 * Every figure of one replication, evaluated once, over the stage windows its `capsim_stage_active`
 * series record: exactly the windows a reader of its OpenMetrics export finds.
 */
export function replicationFigures(rep: ReplicationResult): FigureValue[] {
  let values = evaluated.get(rep);
  if (!values) {
    values = evaluateFigures(rep.metrics, resolveWindows(rep.metrics).windows);
    evaluated.set(rep, values);
  }
  return values;
}

/**
 * The summary metrics, in the figure table's order. Figures without a recipe (exact quantiles of every
 * request) come from the simulator's probes.
 */
export function metricDefinitions(): MetricDefinition[] {
  return FIGURES.map((figure) => {
    const stage = (figure.stages?.[0] ?? null) as StageName | null;
    return {
      name: figure.name,
      stage,
      unit: figure.unit,
      description: figure.description,
      compute: (rep: ReplicationResult): number => {
        if (figure.recipes.length === 0)
          return rep.figures[figure.simulatorFigure ?? figure.name] ?? Number.NaN;
        const window = stage ?? ALL;
        const value = replicationFigures(rep).find((f) => f.name === figure.name && f.stage === window);
        return value?.value ?? Number.NaN;
      },
    };
  });
}
