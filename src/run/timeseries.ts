import { stringify } from "csv-stringify/sync";
import type { ReplicationResult } from "../model/coderModel.js";
import {
  apiRpsSeries,
  coderdCpuSeries,
  dbCpuUtilizationSeries,
  dbWriteOpsSeries,
  rateSeries,
  websocketSeries,
} from "../model/summaryMetrics.js";

/** Columns of timeseries.csv, one row per scrape (documented in docs/output.md). */
export function timeseriesTable(
  rep: ReplicationResult,
  dbVcpu: number,
): { header: string[]; rows: (string | number)[][] } {
  const cpu = coderdCpuSeries(rep);
  const replicas = cpu.length;
  const columns: [string, readonly number[]][] = [
    ...cpu.map((c, r): [string, number[]] => [`coderd_cpu_vcpu_${r}`, c]),
    ...Array.from({ length: replicas }, (_, r): [string, number[]] => [
      `coderd_memory_gb_${r}`,
      rep.series[`coderd_memory_gb_${r}`] ?? [],
    ]),
    ["api_rps", apiRpsSeries(rep)],
    ["websockets", websocketSeries(rep)],
    ["agents_connected", rep.series.agents_connected ?? []],
    ["workspace_connections", rep.series.workspace_connections ?? []],
    ["dashboard_users", rep.series.dashboard_users ?? []],
    ["agent_api_latency_p50_ms", rep.series.agent_api_latency_p50_ms ?? []],
    ["agent_api_latency_p95_ms", rep.series.agent_api_latency_p95_ms ?? []],
    ["api_latency_p95_ms", rep.series.api_latency_p95_ms ?? []],
    ["db_cpu_utilization", dbCpuUtilizationSeries(rep, dbVcpu)],
    ["db_memory_utilization", rep.series.db_memory_utilization ?? []],
    ["db_write_ops_per_s", dbWriteOpsSeries(rep)],
    ["db_pool_in_use", rep.series.db_pool_in_use ?? []],
    ["db_pool_waiting", rep.series.db_pool_waiting ?? []],
    ["db_notify_lock_queue", rep.series.db_notify_lock_queue ?? []],
    ["provisioners_busy", rep.series.provisioners_busy ?? []],
    ["provisioner_queue", rep.series.provisioner_queue ?? []],
    ...featureColumns(rep),
  ];
  const header = ["time_s", "stage", ...columns.map(([name]) => name)];
  const rows = rep.times.map((t, i) => [
    round(t),
    rep.timeline.labelsAt(t).join("+"),
    ...columns.map(([, values]) => round(values[i] ?? Number.NaN)),
  ]);
  return { header, rows };
}

/** Columns of issue 7's features (nodes, workday, proxies, rate limit, events), present only when in use. */
function featureColumns(rep: ReplicationResult): [string, readonly number[]][] {
  const out: [string, readonly number[]][] = [];
  const gauge = (name: string) => {
    const values = rep.series[name];
    if (values) out.push([name, values]);
  };
  const rate = (counter: string, name: string) => {
    if (rep.series[counter]) out.push([name, rateSeries(rep, counter)]);
  };
  for (const name of ["nodes_live", "nodes_ready", "pods_pending", "pods_running"]) gauge(name);
  for (const name of ["node_cpu_requested_utilization", "node_cpu_used_utilization", "workday_working"])
    gauge(name);
  for (const name of Object.keys(rep.series)) {
    if (name.startsWith("wsproxy_cpu_seconds_"))
      out.push([`${name.replace("_cpu_seconds_", "_cpu_vcpu_")}`, rateSeries(rep, name)]);
    else if (name.startsWith("wsproxy_memory_gb_")) gauge(name);
  }
  rate("api_rejected_total", "api_rejected_per_s");
  for (const name of Object.keys(rep.series)) if (name.startsWith("coderd_up_")) gauge(name);
  gauge("request_latency_p95_ms");
  rate("failed_requests_total", "failed_requests_per_s");
  rate("slow_requests_total", "slow_requests_per_s");
  gauge("reconnects_pending");
  gauge("db_paused");
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
