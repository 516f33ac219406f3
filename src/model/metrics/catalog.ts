/**
 * The metric families the simulator exports (issue 10's contract, FAMILIES.md): Coder's own names and
 * the exporters' (cAdvisor, node, postgres, Cloud SQL) where a real metric exists, `capsim_*` where only
 * the simulator sees the quantity. docs/metrics.md is generated from this list.
 */

export type FamilyType = "counter" | "gauge" | "histogram";

export interface FamilySpec {
  /** The metric name as stored in a TSDB (counters end in `_total`; a histogram's base name). */
  readonly name: string;
  readonly type: FamilyType;
  /** OpenMetrics unit ("" = none). */
  readonly unit: string;
  readonly help: string;
  /** Label names of its series (`le` of a histogram's buckets is implied). */
  readonly labels: readonly string[];
  /** True when no real exporter has it: only the simulator can produce it. */
  readonly capsimOnly: boolean;
  /** Bucket upper bounds of a histogram, +Inf implied. */
  readonly buckets?: readonly number[];
}

/** Bucket bounds of `coderd_api_request_latencies_seconds` (coderd/httpmw/prometheus.go). */
export const CODERD_LATENCY_BUCKETS_S: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30,
];

/** Bucket bounds of `coderd_provisioner_job_queue_wait_seconds` (coderd/provisionerdserver metrics). */
export const QUEUE_WAIT_BUCKETS_S: readonly number[] = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800];

const POD = ["namespace", "pod"] as const;

const family = (f: FamilySpec): FamilySpec => f;

export const FAMILIES = {
  containerCpu: family({
    name: "container_cpu_usage_seconds_total",
    type: "counter",
    unit: "seconds",
    help: "Cumulative cpu time consumed in seconds (cAdvisor), of a coderd or provisioner container.",
    labels: [...POD, "container"],
    capsimOnly: false,
  }),
  processCpu: family({
    name: "process_cpu_seconds_total",
    type: "counter",
    unit: "seconds",
    help: "Total user and system CPU time spent in seconds.",
    labels: [...POD, "job"],
    capsimOnly: false,
  }),
  containerMemory: family({
    name: "container_memory_working_set_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Current working set in bytes (cAdvisor), of a coderd container.",
    labels: [...POD, "container"],
    capsimOnly: false,
  }),
  processMemory: family({
    name: "process_resident_memory_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Resident memory size in bytes.",
    labels: [...POD, "job"],
    capsimOnly: false,
  }),
  up: family({
    name: "up",
    type: "gauge",
    unit: "",
    help: "1 when the scrape target (a coderd pod) is up and scraped, else 0.",
    labels: [...POD, "job"],
    capsimOnly: false,
  }),
  apiRequests: family({
    name: "coderd_api_requests_processed_total",
    type: "counter",
    unit: "",
    help: "The total number of processed API requests",
    labels: [...POD, "code", "method", "path"],
    capsimOnly: false,
  }),
  apiLatency: family({
    name: "coderd_api_request_latencies_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Latency distribution of requests in seconds.",
    labels: [...POD, "method", "path"],
    capsimOnly: false,
    buckets: CODERD_LATENCY_BUCKETS_S,
  }),
  internalLatency: family({
    name: "capsim_internal_request_latencies_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Latency of coderd work that is not an HTTP request (batch flushes, job events, dRPC agent calls, autobuild), on coderd's HTTP bucket bounds.",
    labels: [...POD, "class"],
    capsimOnly: true,
    buckets: CODERD_LATENCY_BUCKETS_S,
  }),
  websockets: family({
    name: "coderd_api_concurrent_websockets",
    type: "gauge",
    unit: "",
    help: "The total number of concurrent API websockets.",
    labels: [...POD],
    capsimOnly: false,
  }),
  agentsConnections: family({
    name: "coderd_agents_connections",
    type: "gauge",
    unit: "",
    help: "Agent connections by status, deployment-wide on every replica (refreshed every 60 s). Compacted: one series per (pod, status) carrying the count instead of one series per agent.",
    labels: [...POD, "status", "lifecycle_state"],
    capsimOnly: false,
  }),
  agentsConnectionLatencies: family({
    name: "coderd_agents_connection_latencies_seconds",
    type: "gauge",
    unit: "seconds",
    help: "Agent connection latencies in seconds: each connected agent's DERP latency as its tailnet node reports it, deployment-wide on every replica (refreshed every 60 s). Compacted: 101 series per (pod, derp_region) whose `percentile` label k carries the k-th percentile across agents (PromQL quantile's definition) instead of one series per agent; quantile(k/100, ...) over them equals the quantile over agents.",
    labels: [...POD, "derp_region", "preferred", "percentile"],
    capsimOnly: false,
  }),
  agentsConnected: family({
    name: "capsim_agents_connected",
    type: "gauge",
    unit: "",
    help: "Workspace agents connected to coderd now (not delayed by the 60 s collector refresh).",
    labels: [],
    capsimOnly: true,
  }),
  provisionerJobs: family({
    name: "coderd_provisionerd_jobs_current",
    type: "gauge",
    unit: "",
    help: "The number of currently running provisioner jobs.",
    labels: [...POD, "provisioner"],
    capsimOnly: false,
  }),
  provisionerDaemons: family({
    name: "coderd_provisionerd_num_daemons",
    type: "gauge",
    unit: "",
    help: "The number of provisioner daemons.",
    labels: [...POD],
    capsimOnly: false,
  }),
  provisionerQueueWait: family({
    name: "coderd_provisioner_job_queue_wait_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Time a provisioner job waited in the queue for a daemon. No pod label: the simulator does not track which replica a daemon is connected to.",
    labels: ["namespace", "job_type", "transition"],
    capsimOnly: false,
    buckets: QUEUE_WAIT_BUCKETS_S,
  }),
  provisionerQueue: family({
    name: "capsim_provisioner_queue_jobs",
    type: "gauge",
    unit: "",
    help: "Provisioner jobs waiting for a daemon.",
    labels: [],
    capsimOnly: true,
  }),
  sqlMaxOpen: family({
    name: "go_sql_max_open_connections",
    type: "gauge",
    unit: "",
    help: "Maximum number of open connections to the database.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlOpen: family({
    name: "go_sql_open_connections",
    type: "gauge",
    unit: "",
    help: "The number of established connections both in use and idle.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlInUse: family({
    name: "go_sql_in_use_connections",
    type: "gauge",
    unit: "",
    help: "The number of connections currently in use.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlIdle: family({
    name: "go_sql_idle_connections",
    type: "gauge",
    unit: "",
    help: "The number of idle connections.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlWaitCount: family({
    name: "go_sql_wait_count_total",
    type: "counter",
    unit: "",
    help: "The total number of connections waited for.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlWaitDuration: family({
    name: "go_sql_wait_duration_seconds_total",
    type: "counter",
    unit: "seconds",
    help: "The total time blocked waiting for a new connection.",
    labels: [...POD],
    capsimOnly: false,
  }),
  sqlWaiting: family({
    name: "capsim_sql_waiting_requests",
    type: "gauge",
    unit: "",
    help: "Requests waiting for a database connection now.",
    labels: [...POD],
    capsimOnly: true,
  }),
  cloudSqlCpu: family({
    name: "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_cpu_utilization",
    type: "gauge",
    unit: "",
    help: "Database CPU utilisation 0..1 over the last complete Cloud SQL sampling period (60 s).",
    labels: ["database_id"],
    capsimOnly: false,
  }),
  cloudSqlMemory: family({
    name: "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_memory_utilization",
    type: "gauge",
    unit: "",
    help: "Database memory utilisation 0..1.",
    labels: ["database_id"],
    capsimOnly: false,
  }),
  cloudSqlWriteOps: family({
    name: "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_disk_write_ops_count",
    type: "gauge",
    unit: "",
    help: "Disk write operations in the last complete Cloud SQL sampling period (60 s); changes once per period.",
    labels: ["database_id"],
    capsimOnly: false,
  }),
  nodeCpu: family({
    name: "node_cpu_seconds_total",
    type: "counter",
    unit: "seconds",
    help: 'Seconds the database host\'s CPUs spent in each mode. Compacted: cpu="all" carries the sum over CPUs.',
    labels: ["instance", "job", "cpu", "mode"],
    capsimOnly: false,
  }),
  nodeMemTotal: family({
    name: "node_memory_MemTotal_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Memory information field MemTotal_bytes (database host).",
    labels: ["instance", "job"],
    capsimOnly: false,
  }),
  nodeMemAvailable: family({
    name: "node_memory_MemAvailable_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Memory information field MemAvailable_bytes (database host).",
    labels: ["instance", "job"],
    capsimOnly: false,
  }),
  nodeDiskWrites: family({
    name: "node_disk_writes_completed_total",
    type: "counter",
    unit: "",
    help: "The total number of writes completed successfully (database host).",
    labels: ["instance", "job", "device"],
    capsimOnly: false,
  }),
  pgCommits: family({
    name: "pg_stat_database_xact_commit",
    type: "counter",
    unit: "",
    help: "Number of transactions in this database that have been committed (postgres_exporter).",
    labels: ["instance", "job", "datname"],
    capsimOnly: false,
  }),
  notifyLockQueue: family({
    name: "capsim_db_notify_lock_queue_length",
    type: "gauge",
    unit: "",
    help: "Transactions holding or queued on PostgreSQL's NOTIFY commit lock.",
    labels: [],
    capsimOnly: true,
  }),
  dbPaused: family({
    name: "capsim_db_paused",
    type: "gauge",
    unit: "",
    help: "1 while a database failover pauses every query, else 0.",
    labels: [],
    capsimOnly: true,
  }),
  stageActive: family({
    name: "capsim_stage_active",
    type: "gauge",
    unit: "",
    help: "1 while the scale-test stage runs, else 0.",
    labels: ["stage"],
    capsimOnly: true,
  }),
  dashboardUsers: family({
    name: "capsim_dashboard_users",
    type: "gauge",
    unit: "",
    help: "Simulated dashboard users.",
    labels: [],
    capsimOnly: true,
  }),
  workspaceConnections: family({
    name: "capsim_workspace_connections",
    type: "gauge",
    unit: "",
    help: "Open SSH, web terminal and workspace app connections.",
    labels: [],
    capsimOnly: true,
  }),
  nodes: family({
    name: "capsim_workspace_nodes",
    type: "gauge",
    unit: "",
    help: 'Workspace nodes by state: "live" (ready or starting) and "ready".',
    labels: ["state"],
    capsimOnly: true,
  }),
  pods: family({
    name: "capsim_workspace_pods",
    type: "gauge",
    unit: "",
    help: 'Workspace pods by phase: "pending" (waiting for node room) and "running".',
    labels: ["phase"],
    capsimOnly: true,
  }),
  nodeCpuShare: family({
    name: "capsim_workspace_node_cpu_ratio",
    type: "gauge",
    unit: "",
    help: 'CPU over ready node capacity, by kind: "requested" (pod requests) and "used" (idle agents plus bursts).',
    labels: ["kind"],
    capsimOnly: true,
  }),
  nodeHours: family({
    name: "capsim_workspace_node_hours_total",
    type: "counter",
    unit: "",
    help: "Node-hours of the workspace pool (ready or starting).",
    labels: [],
    capsimOnly: true,
  }),
  workdayWorking: family({
    name: "capsim_workday_working_users",
    type: "gauge",
    unit: "",
    help: "Users working now (workspace ready, not yet stopped).",
    labels: [],
    capsimOnly: true,
  }),
  proxyCpu: family({
    name: "capsim_wsproxy_cpu_seconds_total",
    type: "counter",
    unit: "seconds",
    help: "CPU seconds of a workspace proxy replica.",
    labels: ["region", "pod"],
    capsimOnly: true,
  }),
  proxyMemory: family({
    name: "capsim_wsproxy_memory_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Memory of a workspace proxy replica, by coderd's accounting.",
    labels: ["region", "pod"],
    capsimOnly: true,
  }),
  rateLimited: family({
    name: "capsim_api_rejected_total",
    type: "counter",
    unit: "",
    help: "Requests the API rate limiter refused (429).",
    labels: [],
    capsimOnly: true,
  }),
  requestLatencyP95: family({
    name: "capsim_request_latency_p95_seconds",
    type: "gauge",
    unit: "seconds",
    help: "p95 of all requests' latency over the last complete 15 s window (NaN when none finished); events only.",
    labels: [],
    capsimOnly: true,
  }),
  slowRequests: family({
    name: "capsim_slow_requests_total",
    type: "counter",
    unit: "",
    help: "Requests slower than 1 s; events only.",
    labels: [],
    capsimOnly: true,
  }),
  failedRequests: family({
    name: "capsim_failed_requests_total",
    type: "counter",
    unit: "",
    help: "Requests cut by a failure (lost replica, database failover); events only.",
    labels: [],
    capsimOnly: true,
  }),
  reconnectsPending: family({
    name: "capsim_reconnects_pending",
    type: "gauge",
    unit: "",
    help: "Long-lived connections still to reconnect after an event; events only.",
    labels: [],
    capsimOnly: true,
  }),
} as const;

export type FamilyKey = keyof typeof FAMILIES;

/** Every family, in documentation order. */
export const FAMILY_LIST: readonly FamilySpec[] = Object.values(FAMILIES);

/** The family a stored series belongs to (`_bucket`, `_sum`, `_count` map to their histogram). */
export function familyOfSeries(metricName: string): FamilySpec | undefined {
  return FAMILY_BY_SERIES_NAME.get(metricName);
}

const FAMILY_BY_SERIES_NAME = new Map<string, FamilySpec>(
  FAMILY_LIST.flatMap((f): [string, FamilySpec][] =>
    f.type === "histogram"
      ? [
          [`${f.name}_bucket`, f],
          [`${f.name}_sum`, f],
          [`${f.name}_count`, f],
        ]
      : [[f.name, f]],
  ),
);

/** Where each simulated target sits, as Prometheus' target labels would say. */
export const TARGETS = {
  namespace: "coder",
  coderdPod: (replica: number): string => `coder-${replica}`,
  provisionerPod: (daemon: number): string => `coder-provisioner-${daemon}`,
  databaseId: "capsim:coder-db",
  nodeInstance: "coder-db:9100",
  postgresInstance: "coder-db:9187",
} as const;
