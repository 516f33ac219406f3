import type { MeasuredSample, MeasuredScope } from "./sample.js";
import { convertUnit } from "./units.js";

/** What a reader must have produced from the raw metric: a counter's per-second rate, a gauge, or a histogram. */
export type SeriesInput = "rate" | "gauge" | "histogram";

/**
 * How the series present at one instant are combined: `pool` keeps each (one per replica/daemon/agent)
 * and reduces all their points together; `sum` adds them like PromQL `sum()`; `sum_per_replica_max`
 * sums within each scraping replica and takes the largest, because every coderd replica exports the
 * same deployment-wide gauge.
 */
export type SeriesCombine = "pool" | "sum" | "sum_per_replica_max";

/** How a stage's points become one figure. */
export type FigureReduction =
  | { kind: "median" | "mean" | "max" | "min" }
  | { kind: "quantile"; q: number }
  | { kind: "histogram_quantile"; q: number };

/** A label condition, with the wording docs/metrics.md shows for it. */
export interface LabelRule {
  describe: string;
  test(labels: Readonly<Record<string, string>>): boolean;
}

/** One row: how one capsim summary figure is computed from Coder / Prometheus / Cloud SQL metrics. */
export interface MetricMapRow {
  /** capsim summary metric (fixed by the product). */
  metric: string;
  /** Names as they appear in scrapes, API results and exports. */
  rawMetrics: readonly string[];
  input: SeriesInput;
  where?: LabelRule;
  /** capsim series the raw samples are renamed to; a Grafana column with this name maps directly. */
  series: string;
  /** SI unit of the series. */
  seriesUnit: string;
  combine: SeriesCombine;
  reduction: FigureReduction;
  /** Unit of the figure (the one its name carries). */
  unit: string;
  scope: MeasuredScope;
  /** Stages the figure is reported for; null = over the whole test. */
  stages: readonly string[] | null;
  /** Why this reading, in one line. */
  why: string;
}

const IDENTITY_LABELS = ["job", "pod", "container", "app", "service", "instance", "app_kubernetes_io_name"];

/** Which deployment component exported a process metric, judged by the target labels scrapes add. */
export function componentOf(labels: Readonly<Record<string, string>>): "coderd" | "provisioner" | "other" {
  const values = IDENTITY_LABELS.map((name) => labels[name]).filter((v): v is string => v !== undefined);
  if (values.some((v) => /provisioner/i.test(v))) return "provisioner";
  // A raw `curl coderd:2112/metrics` dump carries no target labels: it is coderd's own exposition.
  if (values.length === 0 || values.some((v) => /coder/i.test(v))) return "coderd";
  return "other";
}

const CODERD: LabelRule = {
  describe: "target labels (job, pod, …) say `coder`, not `provisioner`, or are absent",
  test: (labels) => componentOf(labels) === "coderd",
};

const PROVISIONER: LabelRule = {
  describe: "target labels (job, pod, …) say `provisioner`",
  test: (labels) => componentOf(labels) === "provisioner",
};

const AGENT_PATH = /^\/api\/v2\/workspaceagents\/me(\/|$)/;

const NOT_AGENT_PATH: LabelRule = {
  describe: "`path` not under `/api/v2/workspaceagents/me`",
  test: (labels) => !AGENT_PATH.test(labels.path ?? ""),
};

const CONNECTED: LabelRule = {
  describe: '`status="connected"` if present',
  test: (labels) => labels.status === undefined || labels.status === "connected",
};

const PREFERRED_REGION: LabelRule = {
  describe: '`preferred="true"` if present (one latency per agent)',
  test: (labels) => labels.preferred === undefined || labels.preferred === "true",
};

const CLOUD_SQL_CPU = [
  "database/cpu/utilization",
  "cloudsql.googleapis.com/database/cpu/utilization",
  "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_cpu_utilization",
];
const CLOUD_SQL_MEMORY = [
  "database/memory/utilization",
  "cloudsql.googleapis.com/database/memory/utilization",
  "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_memory_utilization",
];
const CLOUD_SQL_WRITE_OPS = [
  "database/disk/write_ops_count",
  "cloudsql.googleapis.com/database/disk/write_ops_count",
  "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_disk_write_ops_count",
];

const TRAFFIC_STAGES = ["dashboard", "web_terminal", "workspace_apps"] as const;

/** The one table from measured metric names to capsim summary figures. docs/metrics.md renders it. */
export const METRIC_MAP: readonly MetricMapRow[] = [
  {
    metric: "coderd_cpu_vcpu_median",
    rawMetrics: ["process_cpu_seconds_total"],
    input: "rate",
    where: CODERD,
    series: "coderd_cpu_vcpu",
    seriesUnit: "vcpu",
    combine: "pool",
    reduction: { kind: "median" },
    unit: "vcpu",
    scope: "per_replica",
    stages: null,
    why: "rate of process CPU seconds is the vCPUs one coderd pod uses; median over every pod's points",
  },
  {
    metric: "coderd_cpu_vcpu_peak",
    rawMetrics: ["process_cpu_seconds_total"],
    input: "rate",
    where: CODERD,
    series: "coderd_cpu_vcpu",
    seriesUnit: "vcpu",
    combine: "pool",
    reduction: { kind: "max" },
    unit: "vcpu",
    scope: "per_replica",
    stages: null,
    why: "the busiest pod's highest rate point",
  },
  {
    metric: "coderd_memory_gb_peak",
    rawMetrics: ["process_resident_memory_bytes"],
    input: "gauge",
    where: CODERD,
    series: "coderd_memory_bytes",
    seriesUnit: "bytes",
    combine: "pool",
    reduction: { kind: "max" },
    unit: "gb",
    scope: "per_replica",
    stages: null,
    why: "resident set of the largest pod; gb = 1e9 bytes",
  },
  {
    metric: "api_rps_median",
    rawMetrics: ["coderd_api_requests_processed_total"],
    input: "rate",
    series: "api_rps",
    seriesUnit: "1/s",
    combine: "sum",
    reduction: { kind: "median" },
    unit: "1/s",
    scope: "total",
    stages: TRAFFIC_STAGES,
    why: "sum(rate(coderd_api_requests_processed_total)) over all replicas, codes and paths",
  },
  {
    metric: "api_latency_p95_ms",
    rawMetrics: ["coderd_api_request_latencies_seconds"],
    input: "histogram",
    where: NOT_AGENT_PATH,
    series: "api_latency_seconds",
    seriesUnit: "s",
    combine: "sum",
    reduction: { kind: "histogram_quantile", q: 0.95 },
    unit: "ms",
    scope: "total",
    stages: null,
    why: "histogram_quantile(0.95, sum by (le)(increase(..._bucket))) over the stage, as PromQL interpolates it",
  },
  {
    metric: "websockets_mean",
    rawMetrics: ["coderd_api_concurrent_websockets"],
    input: "gauge",
    series: "websockets",
    seriesUnit: "1",
    combine: "sum",
    reduction: { kind: "mean" },
    unit: "1",
    scope: "total",
    stages: ["dashboard"],
    why: "open websockets summed over replicas and paths, averaged over the stage",
  },
  {
    metric: "agent_connections",
    rawMetrics: ["coderd_agents_connections"],
    input: "gauge",
    where: CONNECTED,
    series: "agent_connections",
    seriesUnit: "1",
    combine: "sum_per_replica_max",
    reduction: { kind: "median" },
    unit: "1",
    scope: "total",
    stages: null,
    why: "one series per connected agent; each replica reports all agents, so replicas are not added",
  },
  {
    metric: "agent_api_latency_p90_ms",
    rawMetrics: ["coderd_agents_connection_latencies_seconds"],
    input: "gauge",
    where: PREFERRED_REGION,
    series: "agent_connection_latency_seconds",
    seriesUnit: "s",
    combine: "pool",
    reduction: { kind: "quantile", q: 0.9 },
    unit: "ms",
    scope: "per_agent",
    stages: null,
    why: "one latency gauge per agent; p90 across agents and time",
  },
  {
    metric: "agent_api_latency_p95_ms",
    rawMetrics: ["coderd_agents_connection_latencies_seconds"],
    input: "gauge",
    where: PREFERRED_REGION,
    series: "agent_connection_latency_seconds",
    seriesUnit: "s",
    combine: "pool",
    reduction: { kind: "quantile", q: 0.95 },
    unit: "ms",
    scope: "per_agent",
    stages: null,
    why: "as the p90, at 0.95",
  },
  {
    metric: "provisioner_cpu_vcpu_median",
    rawMetrics: ["process_cpu_seconds_total"],
    input: "rate",
    where: PROVISIONER,
    series: "provisioner_cpu_vcpu",
    seriesUnit: "vcpu",
    combine: "pool",
    reduction: { kind: "median" },
    unit: "vcpu",
    scope: "per_daemon",
    stages: ["prepare"],
    why: "rate of a provisioner pod's CPU seconds while workspaces are built",
  },
  {
    metric: "provisioner_queue_wait_p95_s",
    rawMetrics: ["coderd_provisioner_job_queue_wait_seconds"],
    input: "histogram",
    series: "provisioner_queue_wait_seconds",
    seriesUnit: "s",
    combine: "sum",
    reduction: { kind: "histogram_quantile", q: 0.95 },
    unit: "s",
    scope: "total",
    stages: ["prepare"],
    why: "histogram_quantile(0.95) of the job queue wait summed over all labels",
  },
  {
    metric: "db_cpu_utilization_median",
    rawMetrics: CLOUD_SQL_CPU,
    input: "gauge",
    series: "db_cpu_utilization",
    seriesUnit: "1",
    combine: "pool",
    reduction: { kind: "median" },
    unit: "1",
    scope: "total",
    stages: null,
    why: "Cloud SQL reports a 0-1 fraction of the instance's vCPUs",
  },
  {
    metric: "db_memory_utilization_mean",
    rawMetrics: CLOUD_SQL_MEMORY,
    input: "gauge",
    series: "db_memory_utilization",
    seriesUnit: "1",
    combine: "pool",
    reduction: { kind: "mean" },
    unit: "1",
    scope: "total",
    stages: null,
    why: "Cloud SQL memory utilization, a 0-1 fraction",
  },
  {
    metric: "db_write_ops_per_s_min",
    rawMetrics: CLOUD_SQL_WRITE_OPS,
    input: "rate",
    series: "db_write_ops_per_s",
    seriesUnit: "1/s",
    combine: "pool",
    reduction: { kind: "min" },
    unit: "1/s",
    scope: "total",
    stages: null,
    why: "disk write IOPS (after group commit and WAL batching), not SQL statements",
  },
  {
    metric: "db_write_ops_per_s_max",
    rawMetrics: CLOUD_SQL_WRITE_OPS,
    input: "rate",
    series: "db_write_ops_per_s",
    seriesUnit: "1/s",
    combine: "pool",
    reduction: { kind: "max" },
    unit: "1/s",
    scope: "total",
    stages: null,
    why: "as the min, the largest point",
  },
];

/** The capsim summary metric names, in table order. */
export const CAPSIM_METRICS: readonly string[] = METRIC_MAP.map((row) => row.metric);

/** The row for a capsim summary metric. */
export function metricMapRow(metric: string): MetricMapRow | undefined {
  return METRIC_MAP.find((row) => row.metric === metric);
}

/** The capsim series a reader's raw sample belongs to, if any. */
export function seriesRowFor(sample: MeasuredSample): MetricMapRow | undefined {
  const input = inputOf(sample);
  if (input === undefined) return undefined;
  return METRIC_MAP.find((row) => {
    if (row.input !== input) return false;
    const named = row.rawMetrics.includes(sample.rawMetric) || row.series === sample.rawMetric;
    return named && (row.where?.test(sample.labels) ?? true);
  });
}

function inputOf(sample: MeasuredSample): SeriesInput | undefined {
  if (sample.histogram) return "histogram";
  if (sample.value === undefined) return undefined;
  if (sample.derived === "rate") return "rate";
  if (sample.derived === undefined) return "gauge";
  return undefined;
}

/**
 * Renames a raw time-series sample to its capsim series and converts it to the series unit. A column
 * already named after a series (e.g. a Grafana legend `api_rps`) carries evaluated values and maps
 * whatever its derivation; samples whose unit cannot be converted stay raw, with a note.
 */
export function mapToCapsimSeries(sample: MeasuredSample): MeasuredSample {
  const row =
    seriesRowFor(sample) ??
    METRIC_MAP.find((r) => r.series === sample.rawMetric && (r.input === "histogram") === !!sample.histogram);
  if (!row) return sample;
  const scope = row.combine === "pool" ? row.scope : null;
  if (sample.value === undefined) return { ...sample, metric: row.series, scope };
  if (sample.unit === row.seriesUnit) return { ...sample, metric: row.series, scope };
  const converted = convertUnit(sample.value, sample.unit, row.seriesUnit);
  if (converted !== undefined)
    return { ...sample, metric: row.series, unit: row.seriesUnit, value: converted, scope };
  // A bare number (unit "1") in a column named after the series takes the series' unit from the name.
  if (sample.unit === "1") return { ...sample, metric: row.series, unit: row.seriesUnit, scope };
  const note = `unit ${sample.unit} does not fit capsim series ${row.series} (${row.seriesUnit}); left unmapped`;
  return { ...sample, note: sample.note ? `${sample.note}; ${note}` : note };
}
