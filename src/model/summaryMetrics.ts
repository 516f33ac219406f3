import { sortedQuantile } from "../engine/stats/sampler.js";
import type { StageName } from "../scenario/index.js";
import type { ReplicationResult } from "./coderModel.js";
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

/** Scrape-to-scrape rate of a counter column: value at i covers (t[i−1], t[i]]. */
export function rateSeries(rep: ReplicationResult, column: string): number[] {
  const c = rep.series[column];
  if (!c) return [];
  return c.map((v, i) => (i === 0 ? Number.NaN : (v - c[i - 1]!) / (rep.times[i]! - rep.times[i - 1]!)));
}

export function inWindow(rep: ReplicationResult, values: readonly number[], window: TimeWindow): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const t = rep.times[i]!;
    // A scrape at t describes the interval ending at t; keep the ones wholly inside the window.
    if (t - (rep.times[1]! - rep.times[0]!) >= window.startSeconds - 1e-9 && t <= window.endSeconds + 1e-9) {
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
const min = (values: number[]): number => (values.length === 0 ? Number.NaN : Math.min(...values));

function replicaCount(rep: ReplicationResult): number {
  return Object.keys(rep.series).filter((k) => k.startsWith("coderd_cpu_seconds_")).length;
}

/** Per-replica CPU (vCPU) series, one array per replica. */
export function coderdCpuSeries(rep: ReplicationResult): number[][] {
  return Array.from({ length: replicaCount(rep) }, (_, r) => rateSeries(rep, `coderd_cpu_seconds_${r}`));
}

function sumColumns(rep: ReplicationResult, prefix: string, rate: boolean): number[] {
  const n = replicaCount(rep);
  const cols = Array.from({ length: n }, (_, r) =>
    rate ? rateSeries(rep, `${prefix}${r}`) : (rep.series[`${prefix}${r}`] ?? []),
  );
  return rep.times.map((_, i) => cols.reduce((s, c) => s + (c[i] ?? Number.NaN), 0));
}

export function apiRpsSeries(rep: ReplicationResult): number[] {
  return sumColumns(rep, "coderd_http_requests_", true);
}

export function websocketSeries(rep: ReplicationResult): number[] {
  return sumColumns(rep, "coderd_websockets_", false);
}

export function dbCpuUtilizationSeries(rep: ReplicationResult, dbVcpu: number): number[] {
  return rateSeries(rep, "db_cpu_seconds").map((v) => v / dbVcpu);
}

export function dbWriteOpsSeries(rep: ReplicationResult): number[] {
  return rateSeries(rep, "db_write_ops_total");
}

/** Write ops per second over each sampling period of the disk metric (Cloud SQL: 60 s), as its panel shows. */
function sampledWriteOps(rep: ReplicationResult, samplingSeconds: number): number[] {
  const c = rep.series.db_write_ops_total ?? [];
  const step = rep.times.length > 1 ? rep.times[1]! - rep.times[0]! : samplingSeconds;
  const k = Math.max(1, Math.round(samplingSeconds / step));
  // Only scrapes that end a whole sampling period carry a value (aligned to multiples of the period).
  return c.map((v, i) =>
    i >= k && Math.abs(rep.times[i]! / samplingSeconds - Math.round(rep.times[i]! / samplingSeconds)) < 1e-9
      ? (v - c[i - k]!) / (rep.times[i]! - rep.times[i - k]!)
      : Number.NaN,
  );
}

/** Mean over replicas of each replica's CPU, per scrape (over the replicas up, when events change them). */
function meanReplicaCpu(rep: ReplicationResult): number[] {
  const cols = coderdCpuSeries(rep);
  const up = cols.map((_, r) => rep.series[`coderd_up_${r}`]);
  if (up.every((u) => u === undefined))
    return rep.times.map((_, i) => cols.reduce((s, c) => s + c[i]!, 0) / cols.length);
  return rep.times.map((_, i) => {
    let sum = 0;
    let n = 0;
    cols.forEach((c, r) => {
      // A replica counts for an interval it was up at either end of.
      if (up[r]![i] === 1 || (i > 0 && up[r]![i - 1] === 1)) {
        sum += c[i]!;
        n++;
      }
    });
    return n > 0 ? sum / n : Number.NaN;
  });
}

function maxReplicaCpu(rep: ReplicationResult): number[] {
  const cols = coderdCpuSeries(rep);
  return rep.times.map((_, i) => Math.max(...cols.map((c) => c[i]!)));
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
      compute: (rep, w) => mean(inWindow(rep, rep.series.agents_connected ?? [], w)),
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
        const busy = rep.series.provisioners_busy ?? [];
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
      compute: (rep, w) => mean(inWindow(rep, rep.series.db_memory_utilization ?? [], w)),
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
      compute: (rep, w) => {
        const n = replicaCount(rep);
        const peaks = Array.from({ length: n }, (_, r) =>
          max(inWindow(rep, rep.series[`coderd_memory_gb_${r}`] ?? [], w)),
        );
        return max(peaks);
      },
    },
  );
  return defs;
}
