import { stringify } from "csv-stringify/sync";
import type { ReplicationResult } from "../model/coderModel.js";
import { BYTES_PER_GB } from "../model/metrics/coderMetrics.js";
import { AGENT_API_CLASS_NAMES, ROUTES } from "../model/requestClasses.js";
import {
  apiRpsSeries,
  coderdCpuSeries,
  dbCpuUtilizationSeries,
  dbWriteOpsSeries,
  oneSeries,
  rate,
  scrapeTimes,
  seriesValues,
  sumSeries,
  websocketSeries,
} from "../model/summaryMetrics.js";
import { histogramQuantile } from "../series/histogram.js";
import { type Matchers, select, seriesKey } from "../series/select.js";
import type { Series } from "../series/types.js";

type Column = [string, readonly number[]];

/**
 * Columns of timeseries.csv, one row per scrape (documented in docs/output.md): what the scale-test
 * dashboard's panels show, computed from the metric families. A column of one pod or region is named
 * `name{label="value"}`.
 */
export function timeseriesTable(
  rep: ReplicationResult,
  dbVcpu: number,
): { header: string[]; rows: (string | number)[][] } {
  const pods = coderdCpuSeries(rep);
  const memory = select(rep.metrics, "container_memory_working_set_bytes", { container: "coder" });
  const agentPaths = new Set<string>([ROUTES.METADATA.path, ROUTES.STATS.path]);
  const agentBuckets = [
    ...select(rep.metrics, "coderd_api_request_latencies_seconds_bucket").filter((s) =>
      agentPaths.has(s.labels.path!),
    ),
    ...select(rep.metrics, "capsim_internal_request_latencies_seconds_bucket").filter((s) =>
      AGENT_API_CLASS_NAMES.includes(s.labels.class!),
    ),
  ];
  const apiBuckets = select(rep.metrics, "coderd_api_request_latencies_seconds_bucket");
  const ms = (values: number[]): number[] => values.map((v) => v * 1000);
  const columns: Column[] = [
    ...pods.map((c): Column => [seriesKey({ __name__: "coderd_cpu_vcpu", pod: c.pod }), c.vcpu]),
    ...memory.map(
      (s): Column => [
        seriesKey({ __name__: "coderd_memory_gb", pod: s.labels.pod! }),
        Array.from(s.values, (v) => v / BYTES_PER_GB),
      ],
    ),
    ["api_rps", apiRpsSeries(rep)],
    ["websockets", websocketSeries(rep)],
    ["agents_connected", oneSeries(rep, "capsim_agents_connected")],
    ["workspace_connections", oneSeries(rep, "capsim_workspace_connections")],
    ["dashboard_users", oneSeries(rep, "capsim_dashboard_users")],
    ["agent_api_latency_p50_ms", ms(intervalQuantile(rep, agentBuckets, 0.5))],
    ["agent_api_latency_p95_ms", ms(intervalQuantile(rep, agentBuckets, 0.95))],
    ["api_latency_p95_ms", ms(intervalQuantile(rep, apiBuckets, 0.95))],
    ["db_cpu_utilization", dbCpuUtilizationSeries(rep, dbVcpu)],
    [
      "db_memory_utilization",
      oneSeries(rep, "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_memory_utilization"),
    ],
    ["db_write_ops_per_s", dbWriteOpsSeries(rep)],
    ["db_pool_in_use", total(rep, "go_sql_in_use_connections")],
    ["db_pool_waiting", total(rep, "capsim_sql_waiting_requests")],
    ["db_notify_lock_queue", oneSeries(rep, "capsim_db_notify_lock_queue_length")],
    ["provisioners_busy", total(rep, "coderd_provisionerd_jobs_current")],
    ["provisioner_queue", oneSeries(rep, "capsim_provisioner_queue_jobs")],
    ...featureColumns(rep),
  ];
  const header = ["time_s", "stage", ...columns.map(([name]) => name)];
  const rows = Array.from(scrapeTimes(rep), (t, i) => [
    round(t),
    rep.timeline.labelsAt(t).join("+"),
    ...columns.map(([, values]) => round(values[i] ?? Number.NaN)),
  ]);
  return { header, rows };
}

function total(rep: ReplicationResult, name: string, matchers: Matchers = {}): number[] {
  return sumSeries(rep, seriesValues(rep, name, matchers));
}

/**
 * The q-quantile of the requests finished in each scrape interval, from the increase of the summed
 * cumulative buckets (PromQL: histogram_quantile(q, sum by (le) (increase(x_bucket[interval])))).
 */
function intervalQuantile(rep: ReplicationResult, buckets: readonly Series[], q: number): number[] {
  const byLe = new Map<number, number[]>();
  for (const s of buckets) {
    const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    const sum = byLe.get(le) ?? new Array<number>(s.values.length).fill(0);
    for (let i = 0; i < sum.length; i++) sum[i]! += Number.isNaN(s.values[i]!) ? 0 : s.values[i]!;
    byLe.set(le, sum);
  }
  const les = [...byLe.keys()];
  return Array.from(scrapeTimes(rep), (_, i) =>
    i === 0 || les.length === 0
      ? Number.NaN
      : histogramQuantile(
          q,
          les.map((le) => ({ le, count: byLe.get(le)![i]! - byLe.get(le)![i - 1]! })),
        ),
  );
}

/** Columns of issue 7's features (nodes, workday, proxies, rate limit, events), present only when in use. */
function featureColumns(rep: ReplicationResult): Column[] {
  const out: Column[] = [];
  const gauge = (column: string, name: string, matchers: Matchers = {}) => {
    const values = oneSeries(rep, name, matchers);
    if (values.length > 0) out.push([column, values]);
  };
  const perSecond = (column: string, name: string) => {
    const values = oneSeries(rep, name);
    if (values.length > 0) out.push([column, rate(rep, values)]);
  };
  gauge("nodes_live", "capsim_workspace_nodes", { state: "live" });
  gauge("nodes_ready", "capsim_workspace_nodes", { state: "ready" });
  gauge("pods_pending", "capsim_workspace_pods", { phase: "pending" });
  gauge("pods_running", "capsim_workspace_pods", { phase: "running" });
  gauge("node_cpu_requested_utilization", "capsim_workspace_node_cpu_ratio", { kind: "requested" });
  gauge("node_cpu_used_utilization", "capsim_workspace_node_cpu_ratio", { kind: "used" });
  gauge("workday_working", "capsim_workday_working_users");
  for (const s of select(rep.metrics, "capsim_wsproxy_cpu_seconds_total"))
    out.push([seriesKey({ ...s.labels, __name__: "wsproxy_cpu_vcpu" }), rate(rep, Array.from(s.values))]);
  for (const s of select(rep.metrics, "capsim_wsproxy_memory_bytes"))
    out.push([
      seriesKey({ ...s.labels, __name__: "wsproxy_memory_gb" }),
      Array.from(s.values, (v) => v / BYTES_PER_GB),
    ]);
  perSecond("api_rejected_per_s", "capsim_api_rejected_total");
  if (select(rep.metrics, "capsim_reconnects_pending").length > 0) {
    for (const s of select(rep.metrics, "up", { job: "coder" }))
      out.push([seriesKey({ __name__: "coderd_up", pod: s.labels.pod! }), Array.from(s.values)]);
  }
  const p95 = oneSeries(rep, "capsim_request_latency_p95_seconds");
  if (p95.length > 0) out.push(["request_latency_p95_ms", p95.map((v) => v * 1000)]);
  perSecond("failed_requests_per_s", "capsim_failed_requests_total");
  perSecond("slow_requests_per_s", "capsim_slow_requests_total");
  gauge("reconnects_pending", "capsim_reconnects_pending");
  gauge("db_paused", "capsim_db_paused");
  return out;
}

/** Empty cell for no data, fixed precision so files diff cleanly. */
function round(v: number): number | string {
  if (!Number.isFinite(v)) return "";
  return Number(v.toPrecision(6));
}

export function timeseriesCsv(rep: ReplicationResult, dbVcpu: number): string {
  const { header, rows } = timeseriesTable(rep, dbVcpu);
  return stringify([header, ...rows]);
}
