import type { ReplicationResult } from "../../model/coderModel.js";
import { CODERD_LATENCY_BUCKETS_S } from "../../model/latencyProbe.js";
import type { Labels } from "./format.js";

/** One time series of a family: its labels and a value per scrape (NaN = no sample at that scrape). */
export interface SeriesPoints {
  labels: Labels;
  values: readonly number[];
}

export interface ScalarFamily {
  kind: "counter" | "gauge";
  name: string;
  unit?: string;
  help: string;
  series: SeriesPoints[];
}

export interface HistogramFamily {
  kind: "histogram";
  name: string;
  unit?: string;
  help: string;
  labels: Labels;
  bounds: readonly number[];
  /** Cumulative counts per bound, then +Inf; one array per bucket, a value per scrape. */
  buckets: readonly (readonly number[])[];
  sum: readonly number[];
}

export type Family = ScalarFamily | HistogramFamily;

const GIB = 1024 ** 3;

function replicaCount(rep: ReplicationResult): number {
  return Object.keys(rep.series).filter((k) => /^coderd_cpu_seconds_\d+$/.test(k)).length;
}

/** coderd replicas appear as pods named like a Helm install's, one series each. */
const pod = (r: number): Labels => [["pod", `coderd-${r}`]];

/**
 * The simulated series as metric families: Coder's own names where coderd exports one (docs:
 * admin/integrations/prometheus), `capsim_` names for what only the simulator sees.
 */
export function metricFamilies(rep: ReplicationResult): Family[] {
  const s = rep.series;
  const col = (name: string): number[] => s[name] ?? [];
  const replicas = Array.from({ length: replicaCount(rep) }, (_, r) => r);
  const perPod = (prefix: string, scale = 1): SeriesPoints[] =>
    replicas.map((r) => ({ labels: pod(r), values: col(`${prefix}${r}`).map((v) => v * scale) }));
  const single = (name: string): SeriesPoints[] => (s[name] ? [{ labels: [], values: s[name] }] : []);
  const histogram = (prefix: string, name: string, help: string): HistogramFamily => ({
    kind: "histogram",
    name,
    unit: "seconds",
    help,
    labels: [],
    bounds: CODERD_LATENCY_BUCKETS_S,
    buckets: [
      ...CODERD_LATENCY_BUCKETS_S.map((le) => col(`${prefix}_latency_bucket_le_${le}`)),
      col(`${prefix}_latency_bucket_le_inf`),
    ],
    sum: col(`${prefix}_latency_sum_s`),
  });
  const families: Family[] = [
    {
      kind: "counter",
      name: "process_cpu_seconds",
      unit: "seconds",
      help: "Total user and system CPU time spent in seconds.",
      series: perPod("coderd_cpu_seconds_"),
    },
    {
      kind: "gauge",
      name: "process_resident_memory_bytes",
      unit: "bytes",
      help: "Resident memory size in bytes.",
      series: perPod("coderd_memory_gb_", GIB),
    },
    {
      kind: "counter",
      name: "coderd_api_requests_processed",
      help: "The total number of processed API requests",
      series: perPod("coderd_http_requests_"),
    },
    {
      kind: "gauge",
      name: "coderd_api_concurrent_websockets",
      help: "The total number of concurrent API websockets.",
      series: perPod("coderd_websockets_"),
    },
    histogram("api", "coderd_api_request_latencies_seconds", "Latency distribution of requests in seconds."),
    histogram(
      "agent_api",
      "capsim_agent_api_request_latencies_seconds",
      "Latency of workspace agent API calls (metadata, stats) in seconds, on coderd's bucket bounds.",
    ),
    {
      kind: "gauge",
      name: "coderd_provisionerd_jobs_current",
      help: "The number of currently running provisioner jobs.",
      series: single("provisioners_busy"),
    },
    {
      kind: "gauge",
      name: "capsim_provisioner_queue_jobs",
      help: "Provisioner jobs waiting for a daemon.",
      series: single("provisioner_queue"),
    },
    {
      kind: "gauge",
      name: "capsim_agents_connected",
      help: "Workspace agents connected to coderd.",
      series: single("agents_connected"),
    },
    {
      kind: "gauge",
      name: "capsim_workspace_connections",
      help: "Open SSH, web terminal and workspace app connections of the scale-test runner.",
      series: single("workspace_connections"),
    },
    {
      kind: "gauge",
      name: "capsim_dashboard_users",
      help: "Simulated dashboard users.",
      series: single("dashboard_users"),
    },
    {
      kind: "counter",
      name: "capsim_db_cpu_seconds",
      unit: "seconds",
      help: "PostgreSQL CPU time spent, in vCPU seconds.",
      series: single("db_cpu_seconds"),
    },
    {
      kind: "counter",
      name: "capsim_db_write_ops",
      help: "PostgreSQL write operations.",
      series: single("db_write_ops_total"),
    },
    {
      kind: "gauge",
      name: "capsim_db_memory_utilization_ratio",
      unit: "ratio",
      help: "PostgreSQL memory in use as a fraction of the instance's.",
      series: single("db_memory_utilization"),
    },
    {
      kind: "gauge",
      name: "capsim_db_pool_in_use_connections",
      unit: "connections",
      help: "Database connections in use, all coderd replicas.",
      series: single("db_pool_in_use"),
    },
    {
      kind: "gauge",
      name: "capsim_db_pool_waiting_requests",
      unit: "requests",
      help: "Requests waiting for a database connection, all coderd replicas.",
      series: single("db_pool_waiting"),
    },
    {
      kind: "gauge",
      name: "capsim_db_notify_lock_queue_length",
      help: "Transactions queued on PostgreSQL's NOTIFY commit lock.",
      series: single("db_notify_lock_queue"),
    },
    {
      kind: "gauge",
      name: "capsim_stage_active",
      help: "1 while the scale-test stage runs (for Grafana annotations), else 0.",
      series: rep.timeline.stages.map((st) => ({
        labels: [["stage", st.name]] as Labels,
        values: rep.times.map((t) => (rep.timeline.activeAt(t).includes(st.name) ? 1 : 0)),
      })),
    },
  ];
  return families.filter((f) =>
    f.kind === "histogram" ? f.buckets.every((b) => b.length > 0) : f.series.length > 0,
  );
}
