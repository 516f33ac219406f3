import type { StageName } from "../scenario/index.js";
import { intervalRates } from "../series/rate.js";
import { type Matchers, select, selectOne } from "../series/select.js";
import { mean, median } from "../series/statistics.js";
import type { ReplicationResult } from "./coderModel.js";
import { BYTES_PER_GB } from "./metrics/coderMetrics.js";
import type { TimeWindow } from "./timeline.js";

/**
 * The figures a scale test reports, each computed from one replication the way its Grafana panel would
 * (median or peak over scrapes in a stage). Names and units are part of capsim's stable JSON output.
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
  return Array.from(intervalRates(scrapeTimes(rep), counter));
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

export { mean, median } from "../series/statistics.js";
export const max = (values: number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));
const min = (values: number[]): number => (values.length === 0 ? Number.NaN : Math.min(...values));

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

/** Write ops per second over each sampling period of the disk metric (Cloud SQL: 60 s), as its panel shows. */
function sampledWriteOps(rep: ReplicationResult, samplingSeconds: number): number[] {
  const t = scrapeTimes(rep);
  const perPeriod = oneSeries(
    rep,
    "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_disk_write_ops_count",
  );
  // One value per period: at the scrapes that end one (aligned to multiples of the period).
  return perPeriod.map((v, i) =>
    Math.abs(t[i]! / samplingSeconds - Math.round(t[i]! / samplingSeconds)) < 1e-9
      ? v / samplingSeconds
      : Number.NaN,
  );
}

/** Mean over replicas of each replica's CPU, per scrape (over the replicas up, when events change them). */
function meanReplicaCpu(rep: ReplicationResult): number[] {
  const cols = coderdCpuSeries(rep);
  const up = cols.map((c) => oneSeries(rep, "up", { job: "coder", pod: c.pod }));
  const t = scrapeTimes(rep);
  return Array.from(t, (_, i) => {
    let sum = 0;
    let n = 0;
    cols.forEach((c, r) => {
      // A replica counts for an interval it was up at either end of.
      if (up[r]![i] === 1 || (i > 0 && up[r]![i - 1] === 1)) {
        sum += c.vcpu[i]!;
        n++;
      }
    });
    return n > 0 ? sum / n : Number.NaN;
  });
}

function maxReplicaCpu(rep: ReplicationResult): number[] {
  const cols = coderdCpuSeries(rep);
  return Array.from(scrapeTimes(rep), (_, i) => Math.max(...cols.map((c) => c.vcpu[i]!)));
}

/** The summary metrics, in output order. Deployment sizes the figures need are passed in. */
export function metricDefinitions(deployment: {
  dbVcpu: number;
  provisionerCount: number;
  provisionerBuildingVcpu: number;
  provisionerIdleVcpu: number;
  writeOpsSamplingSeconds: number;
}): MetricDefinition[] {
  const stageOf = (rep: ReplicationResult, name: StageName): TimeWindow | undefined => {
    const s = rep.timeline.stage(name);
    return (
      s && { startSeconds: Math.max(s.startSeconds, rep.timeline.warmupSeconds), endSeconds: s.endSeconds }
    );
  };
  const inStage =
    (name: StageName, f: (rep: ReplicationResult, w: TimeWindow) => number) =>
    (rep: ReplicationResult): number => {
      const w = stageOf(rep, name);
      return w ? f(rep, w) : Number.NaN;
    };
  const defs: MetricDefinition[] = [
    {
      name: "coderd_cpu_vcpu_median",
      stage: null,
      unit: "vcpu",
      description: "Median over scrapes of coderd CPU per replica (rate of process_cpu_seconds_total)",
      compute: (rep, w) => median(inWindow(rep, meanReplicaCpu(rep), w)),
    },
    {
      name: "coderd_cpu_vcpu_peak",
      stage: null,
      unit: "vcpu",
      description: "Highest scrape of any replica's CPU",
      compute: (rep, w) => max(inWindow(rep, maxReplicaCpu(rep), w)),
    },
  ];
  for (const stage of ["dashboard", "web_terminal", "workspace_apps"] as const) {
    defs.push({
      name: "api_rps_median",
      stage,
      unit: "1/s",
      description: `Median HTTP API requests per second over all replicas during ${stage}`,
      compute: inStage(stage, (rep, w) => median(inWindow(rep, apiRpsSeries(rep), w))),
    });
  }
  defs.push(
    {
      name: "agent_connections",
      stage: null,
      unit: "1",
      description: "Mean connected agents",
      compute: (rep, w) => mean(inWindow(rep, oneSeries(rep, "capsim_agents_connected"), w)),
    },
    {
      name: "agent_api_latency_p90_ms",
      stage: null,
      unit: "ms",
      description: "p90 of agent API calls, interpolated on coderd's histogram buckets (as Grafana shows it)",
      compute: (rep) => rep.figures.agent_api_latency_p90_ms!,
    },
    {
      name: "agent_api_latency_p95_ms",
      stage: null,
      unit: "ms",
      description: "p95 of agent API calls, interpolated on coderd's histogram buckets (as Grafana shows it)",
      compute: (rep) => rep.figures.agent_api_latency_p95_ms!,
    },
    {
      name: "agent_api_latency_p95_exact_ms",
      stage: null,
      unit: "ms",
      description: "p95 of agent API calls from the raw latencies (1% relative accuracy)",
      compute: (rep) => rep.figures.agent_api_latency_p95_exact_ms!,
    },
    {
      name: "api_latency_p95_ms",
      stage: null,
      unit: "ms",
      description: "p95 of HTTP API requests, interpolated on coderd's histogram buckets",
      compute: (rep) => rep.figures.api_latency_p95_ms!,
    },
    {
      name: "websockets_mean",
      stage: "dashboard",
      unit: "1",
      description: "Mean concurrent websockets (coderd_api_concurrent_websockets) during dashboard",
      compute: inStage("dashboard", (rep, w) => mean(inWindow(rep, websocketSeries(rep), w))),
    },
    {
      name: "provisioner_cpu_vcpu_median",
      stage: "prepare",
      unit: "vcpu",
      description: "Median over scrapes of CPU per provisioner daemon during prepare",
      compute: inStage("prepare", (rep, w) => {
        const busy = sumSeries(rep, seriesValues(rep, "coderd_provisionerd_jobs_current"));
        const n = Math.max(1, deployment.provisionerCount);
        const perDaemon = busy.map(
          (b) => (b * deployment.provisionerBuildingVcpu + (n - b) * deployment.provisionerIdleVcpu) / n,
        );
        return median(inWindow(rep, perDaemon, w));
      }),
    },
    {
      name: "provisioner_queue_wait_p95_s",
      stage: "prepare",
      unit: "s",
      description: "p95 of provisioner job queue waits of every build prepare requested, however long it ran",
      compute: inStage("prepare", (rep) => rep.figures.provisioner_queue_wait_p95_s!),
    },
    {
      name: "workspace_ready_p95_s",
      stage: "prepare",
      unit: "s",
      description: "p95 from a workspace create request to its agent connecting, over every prepare build",
      compute: inStage("prepare", (rep) => rep.figures.workspace_ready_p95_s!),
    },
    {
      name: "workspace_build_makespan_s",
      stage: "prepare",
      unit: "s",
      description: "From prepare's first create request to its last workspace's agent connecting",
      compute: inStage("prepare", (rep) => rep.figures.workspace_build_makespan_prepare_s ?? Number.NaN),
    },
    {
      name: "workspace_build_makespan_s",
      stage: "cleanup",
      unit: "s",
      description: "From cleanup's first delete request to its last delete build finishing (none if cut off)",
      compute: inStage("cleanup", (rep) => rep.figures.workspace_build_makespan_cleanup_s ?? Number.NaN),
    },
    {
      name: "db_cpu_utilization_median",
      stage: null,
      unit: "1",
      description: "Median over scrapes of database CPU utilisation",
      compute: (rep, w) => median(inWindow(rep, dbCpuUtilizationSeries(rep, deployment.dbVcpu), w)),
    },
    {
      name: "db_memory_utilization_mean",
      stage: null,
      unit: "1",
      description: "Mean database memory utilisation",
      compute: (rep, w) =>
        mean(
          inWindow(
            rep,
            oneSeries(
              rep,
              "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_memory_utilization",
            ),
            w,
          ),
        ),
    },
    {
      name: "db_write_ops_per_s_min",
      stage: null,
      unit: "1/s",
      description:
        "Lowest disk write operations per second over one metric sampling period (Cloud SQL write_ops_count)",
      compute: (rep, w) => min(inWindow(rep, sampledWriteOps(rep, deployment.writeOpsSamplingSeconds), w)),
    },
    {
      name: "db_write_ops_per_s_max",
      stage: null,
      unit: "1/s",
      description: "Highest disk write operations per second over one metric sampling period",
      compute: (rep, w) => max(inWindow(rep, sampledWriteOps(rep, deployment.writeOpsSamplingSeconds), w)),
    },
    {
      name: "coderd_memory_gb_peak",
      stage: null,
      unit: "gb",
      description: "Highest scrape of any replica's resident memory",
      compute: (rep, w) =>
        max(
          seriesValues(rep, "container_memory_working_set_bytes", CODERD).map((bytes) =>
            max(inWindow(rep, bytes, w)),
          ),
        ) / BYTES_PER_GB,
    },
  );
  return defs;
}
