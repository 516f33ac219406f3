import type { Answer } from "../figures/answers.js";
import type { SeriesSet } from "../series/types.js";

/** Where a measured sample came from: the reader that produced it. */
export type MeasuredSource =
  | "capsim"
  | "prom-text"
  | "prom-range"
  | "grafana-csv"
  | "coder-scaletest"
  | "k6-summary";

/** What one figure or series point stands for: one coderd replica, one provisioner daemon, one agent, or everything. */
export type MeasuredScope = "per_replica" | "per_daemon" | "per_agent" | "total";

export const MEASURED_SCOPES: readonly MeasuredScope[] = ["per_replica", "per_daemon", "per_agent", "total"];

/** The stages of Coder's scale test, in the order the runner executes them. */
export const SCALETEST_STAGES = [
  "prepare",
  "ssh",
  "web_terminal",
  "workspace_apps",
  "dashboard",
  "cleanup",
] as const;

/** One cumulative bucket: observations <= `le`. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** A classic Prometheus histogram; buckets are cumulative, sorted by `le` and end with `le = +Inf`. */
export interface Histogram {
  buckets: HistogramBucket[];
  count: number;
  sum: number;
}

/**
 * How a value was derived from a monotonic counter: `rate` per second between consecutive points,
 * `increase` over the interval (histograms), `cumulative` total since the process started.
 */
export type CounterDerivation = "rate" | "increase" | "cumulative";

/** One normalised measurement: every reader turns its format into a list of these. */
export interface MeasuredSample {
  source: MeasuredSource;
  /** Figure name (capsim formats), or the name as written (other summaries). */
  metric: string;
  /** Name as found in the file. */
  rawMetric: string;
  labels: Record<string, string>;
  /** Scale-test stage the figure belongs to, or null (whole test, or a time-series point). */
  stage: string | null;
  /** SI for raw samples ("s", "1", "bytes", "1/s", "vcpu", "bytes_per_s"); capsim figures use their name's unit. */
  unit: string;
  scope: MeasuredScope | null;
  /** Unix seconds; null for a summary figure. */
  t: number | null;
  value?: number;
  range?: [number, number];
  histogram?: Histogram;
  /** A distribution of raw observations (e.g. per-run durations). */
  samples?: number[];
  derived?: CounterDerivation;
  /** Seconds covered by a `rate` or `increase` (from the previous point to `t`). */
  intervalSeconds?: number;
  file: string;
  line?: number;
  note?: string;
  /** Why the model has no mechanism for what this figure measures (capsim-yaml `unmodelled`). */
  unmodelled?: string;
}

/** A named time interval of a test run, in unix seconds, both ends inclusive. */
export interface StageWindow {
  name: string;
  start: number;
  end: number;
}

/** Every format the reader recognises; `source` on the samples is coarser. */
export type MeasuredFormat =
  | "capsim-yaml"
  | "capsim-csv"
  | "prom-text"
  | "openmetrics"
  | "promtool-dump"
  | "scrape-directory"
  | "prom-api"
  | "grafana-csv"
  | "coder-scaletest"
  | "k6-summary"
  | "k6-summary-v1"
  | "k6-summary-export";

/**
 * What reading one file yields. Summary formats give `samples` (figures, distributions); time-series
 * formats give `series` under their metric names and `answers` (saved query results), which the figure
 * table evaluates. `stages` is only ever non-empty for capsim YAML, which may declare them.
 */
export interface MeasuredData {
  file: string;
  format: MeasuredFormat;
  samples: MeasuredSample[];
  stages: StageWindow[];
  series?: SeriesSet;
  answers?: Answer[];
  /** Time-series columns no figure reads, with their point counts. */
  unmapped?: Map<string, number>;
}
