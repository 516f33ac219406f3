import { stringify } from "csv-stringify/sync";
import type { ReplicationResult } from "../model/coderModel.js";
import {
  apiRpsSeries,
  coderdCpuSeries,
  dbCpuUtilizationSeries,
  dbWriteOpsSeries,
  websocketSeries,
} from "../model/summaryMetrics.js";

/** Columns of timeseries.csv, one row per scrape (documented in docs/output.md). */
export function timeseriesTable(rep: ReplicationResult, dbVcpu: number): { header: string[]; rows: (string | number)[][] } {
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
  ];
  const header = ["time_s", "stage", ...columns.map(([name]) => name)];
  const rows = rep.times.map((t, i) => [
    round(t),
    rep.timeline.activeAt(t).join("+"),
    ...columns.map(([, values]) => round(values[i] ?? Number.NaN)),
  ]);
  return { header, rows };
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
