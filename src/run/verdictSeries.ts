import type { ReplicationResult } from "../model/coderModel.js";
import { evaluateInstant, evaluateRange } from "../promql/index.js";
import type { Scenario } from "../scenario/index.js";

/**
 * One resource's utilisation at every scrape step, read from the replication's series with PromQL (the
 * same names a real Prometheus holds), and the length of its queue where one is exported.
 */
export interface ResourceSeries {
  /** The resource's name as `resources[]` has it, e.g. "coderd-0 cpu". */
  resource: string;
  kind: "cpu" | "pool" | "lock" | "queue";
  /** Utilisation 0..1 over the scrape interval ending at each step (NaN = no data). */
  utilization: Float64Array;
  /** Jobs waiting at each step, for the queue-growth test. */
  queue?: Float64Array;
  /** The PromQL that gave `utilization` (the evidence names it). */
  promql: string;
  /** Read from a gauge at scrape instants (not a counter's exact rate): its means carry sampling noise. */
  sampled?: boolean;
}

/** The scrape steps every series of a replication shares, and their interval. */
export interface Steps {
  times: Float64Array;
  interval: number;
}

export function stepsOf(rep: ReplicationResult): Steps {
  const times = Float64Array.from(rep.metrics.series[0]?.times ?? []);
  const interval = rep.metrics.intervalSeconds ?? (times.length > 1 ? times[1]! - times[0]! : 15);
  return { times, interval };
}

/**
 * A PromQL query at every step, one aligned array per result series keyed by `key(labels)`. Rates are
 * taken over one scrape interval: the steps then average to exactly a window's utilisation.
 */
function query(
  rep: ReplicationResult,
  steps: Steps,
  promql: string,
  key: (labels: Record<string, string>) => string = () => "",
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const n = steps.times.length;
  if (n === 0) return out;
  const matrix = evaluateRange(promql, rep.metrics, {
    start: steps.times[0]!,
    end: steps.times[n - 1]!,
    step: steps.interval,
  });
  for (const s of matrix) {
    const values = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < s.times.length; i++) {
      const k = Math.round((s.times[i]! - steps.times[0]!) / steps.interval);
      if (k >= 0 && k < n) values[k] = s.values[i]!;
    }
    out.set(key(s.labels as Record<string, string>), values);
  }
  return out;
}

const podIndex = (pod: string): string => pod.replace(/^coder-/, "");

/** Every resource of the run that has series: coderd CPUs and pools, database CPU and lock, daemons, proxies. */
export function resourceSeries(rep: ReplicationResult, scenario: Scenario): ResourceSeries[] {
  const steps = stepsOf(rep);
  const s = `${steps.interval}s`;
  const out: ResourceSeries[] = [];
  const byPod = (l: Record<string, string>): string => l.pod ?? "";
  /** Each series of `promql` is a resource; with `queue`, a sampled one whose queue is that query's series. */
  const add = (
    kind: ResourceSeries["kind"],
    promql: string,
    name: (key: string) => string,
    key?: (l: Record<string, string>) => string,
    queue?: string,
  ): void => {
    const queues = queue === undefined ? undefined : query(rep, steps, queue, key);
    for (const [k, u] of query(rep, steps, promql, key)) {
      if (!queues) out.push({ resource: name(k), kind, utilization: u, promql });
      else out.push({ resource: name(k), kind, sampled: true, utilization: u, queue: queues.get(k), promql });
    }
  };
  const vcpu = scenario.deployment.coderd.vcpu;
  const coderdCpu = `sum by (pod) (rate(container_cpu_usage_seconds_total{container="coder"}[${s}])) / ${vcpu}`;
  add("cpu", coderdCpu, (pod) => `coderd-${podIndex(pod)} cpu`, byPod);
  const dbCpu = `sum(rate(node_cpu_seconds_total{job="node",mode!="idle"}[${s}])) / sum(rate(node_cpu_seconds_total{job="node"}[${s}]))`;
  add("cpu", dbCpu, () => "database cpu");
  const pool = "go_sql_in_use_connections / go_sql_max_open_connections";
  add("pool", pool, (pod) => `coderd-${podIndex(pod)} db pool`, byPod, "capsim_sql_waiting_requests");
  const lock = "clamp_max(capsim_db_notify_lock_queue_length, 1)";
  add(
    "lock",
    lock,
    () => "database notify lock",
    undefined,
    "clamp_min(capsim_db_notify_lock_queue_length - 1, 0)",
  );
  const daemons = "sum(coderd_provisionerd_jobs_current) / sum(coderd_provisionerd_num_daemons)";
  add("queue", daemons, () => "provisioner daemons", undefined, "capsim_provisioner_queue_jobs");

  for (const region of scenario.geography?.regions ?? []) {
    if (!region.proxy) continue;
    const proxy = `sum by (pod) (rate(capsim_wsproxy_cpu_seconds_total{region="${region.name}"}[${s}])) / ${region.proxy.vcpu}`;
    add("cpu", proxy, (pod) => `${pod} cpu`, byPod);
  }
  return out;
}

/** The latency histograms a request at the 30 s bucket cap shows up in. */
export const LATENCY_HISTOGRAMS: readonly { name: string; bucket: string; matchers: string }[] = [
  { name: "HTTP API p95", bucket: "coderd_api_request_latencies_seconds_bucket", matchers: "" },
  {
    name: "agent API p95",
    bucket: "coderd_api_request_latencies_seconds_bucket",
    matchers: 'path=~"/api/v2/workspaceagents/me/.*"',
  },
  {
    name: "coderd internal work p95",
    bucket: "capsim_internal_request_latencies_seconds_bucket",
    matchers: "",
  },
];

/** p95 of a histogram over [start, end], as Grafana's panel over that range shows it (NaN = no requests). */
export function windowP95(
  rep: ReplicationResult,
  h: (typeof LATENCY_HISTOGRAMS)[number],
  start: number,
  end: number,
): { value: number; promql: string } {
  const range = Math.max(1, Math.round(end - start));
  const selector = h.matchers ? `${h.bucket}{${h.matchers}}` : h.bucket;
  const promql = `histogram_quantile(0.95, sum by (le) (increase(${selector}[${range}s])))`;
  const answer = evaluateInstant(promql, rep.metrics, end);
  return { value: answer[0]?.values[0] ?? Number.NaN, promql };
}
