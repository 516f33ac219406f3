import type { FigureDefinition, Recipe, Reduction } from "./types.js";

/** Stages that carry user traffic; their span is the window of stage-less figures ("all"). */
export const TRAFFIC_STAGE_NAMES: readonly string[] = [
  "ssh",
  "web_terminal",
  "workspace_apps",
  "dashboard",
  "workday",
];

const RATE = "$__rate_interval";
const AGENT_PATHS = 'path=~"/api/v2/workspaceagents/me/.*"';
const CLOUDSQL = "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_";

/**
 * cAdvisor's containers of coderd and of provisioner daemons. Coder's Helm charts name both containers
 * `coder` (libcoder's container spec); the provisioner chart's pods are `coder-provisioner-*`, so the
 * pod name tells them apart (capsim's export names the daemon's container `provisionerd`).
 */
const CODERD_CONTAINER = 'container="coder",pod!~"coder-provisioner-.*"';
const PROVISIONER_CONTAINER = 'container=~"coder|provisionerd",pod=~"coder-provisioner-.*"';

const points = (stat: "median" | "mean" | "max" | "min"): Reduction => ({ kind: "points", stat });
const AT_END: Reduction = { kind: "at_end" };

/**
 * CPU of one kind of pod, per pod, from cAdvisor and from the process's own counter; `avg` first takes
 * the mean over pods at each instant.
 */
function cpuRecipes(container: string, job: string, reduction: Reduction, avg = false): Recipe[] {
  const perPod = {
    cadvisor: `sum by (pod) (rate(container_cpu_usage_seconds_total{${container}}[${RATE}]))`,
    process: `sum by (pod) (rate(process_cpu_seconds_total{job="${job}"}[${RATE}]))`,
  };
  return (["cadvisor", "process"] as const).map((source) =>
    avg
      ? { source, promql: `avg(${perPod[source]})`, reduction, perSeries: perPod[source] }
      : { source, promql: perPod[source], reduction },
  );
}

/** histogram_quantile over the whole window, as Grafana shows a latency panel over a time range. */
function windowQuantile(q: number, bucket: string, matchers: string, scale: string): string {
  const selector = matchers ? `${bucket}{${matchers}}` : bucket;
  return `histogram_quantile(${q}, sum by (le) (increase(${selector}[$__range])))${scale}`;
}

function agentLatency(q: number): Recipe[] {
  return [
    {
      source: "coderd",
      promql: windowQuantile(q, "coderd_api_request_latencies_seconds_bucket", AGENT_PATHS, " * 1000"),
      reduction: AT_END,
    },
  ];
}

/**
 * THE figure table: every figure capsim reports, simulated or measured, defined once. docs/metrics.md
 * is generated from it (`figureTableMarkdown`), and `evaluateFigures` is the only code that reads it.
 */
export const FIGURES: readonly FigureDefinition[] = [
  {
    name: "coderd_cpu_vcpu_median",
    unit: "vcpu",
    scope: "per_replica",
    stages: null,
    description: "Median of every coderd pod's CPU points (vCPU), pooled over pods",
    recipes: cpuRecipes(CODERD_CONTAINER, "coder", points("median")),
    per: "pod",
    panel: "coderd_cpu_vcpu",
  },
  {
    name: "coderd_cpu_vcpu_peak",
    unit: "vcpu",
    scope: "per_replica",
    stages: null,
    description: "Highest CPU point of any coderd pod (vCPU)",
    recipes: cpuRecipes(CODERD_CONTAINER, "coder", points("max")),
    per: "pod",
    panel: "coderd_cpu_vcpu",
  },
  ...["dashboard", "web_terminal", "workspace_apps"].map(
    (stage): FigureDefinition => ({
      name: "api_rps_median",
      unit: "1/s",
      scope: "total",
      stages: [stage],
      description: "Median HTTP API requests per second over all replicas during the stage",
      recipes: [
        {
          source: "coderd",
          promql: `sum(rate(coderd_api_requests_processed_total[${RATE}]))`,
          reduction: points("median"),
        },
      ],
      panel: "api_rps",
    }),
  ),
  {
    name: "agent_connections",
    unit: "1",
    scope: "total",
    stages: null,
    description:
      "Mean connected agents; every replica exports the deployment-wide count, so replicas are not added",
    recipes: [
      {
        source: "coderd",
        // Per target (pod, else instance where a static scrape has no pod label), then the largest.
        promql: 'max(sum by (pod, instance) (coderd_agents_connections{status="connected"}))',
        reduction: points("mean"),
      },
    ],
    panel: "agent_connections",
  },
  ...(
    [
      [0.9, "p90"],
      [0.95, "p95"],
    ] as const
  ).map(
    ([q, p]): FigureDefinition => ({
      name: `agents_connection_latency_${p}_ms`,
      unit: "ms",
      scope: "total",
      stages: null,
      description: `Mean over the window of quantile(${q}) across agents of the DERP latency gauge (each agent's GET /derp/latency-check time when its tailnet started), as the scale-test dashboard's Agent Connection Latency panel`,
      recipes: [
        {
          source: "coderd",
          promql: `quantile(${q}, coderd_agents_connection_latencies_seconds) * 1000`,
          reduction: points("mean"),
        },
      ],
    }),
  ),
  {
    name: "agent_api_latency_p90_ms",
    unit: "ms",
    scope: "per_agent",
    stages: null,
    description:
      "p90 of agent API requests over the window, interpolated on coderd's buckets (as Grafana's histogram_quantile shows it)",
    recipes: agentLatency(0.9),
    note: "the reading results/measured/readings/agent-latency-http-histogram.yaml judges; the favoured reading is agents_connection_latency_p90_ms (the DERP latency gauge)",
  },
  {
    name: "agent_api_latency_p95_ms",
    unit: "ms",
    scope: "per_agent",
    stages: null,
    description: "p95 of agent API requests over the window, interpolated on coderd's buckets",
    recipes: agentLatency(0.95),
  },
  {
    name: "agent_api_latency_p95_exact_ms",
    unit: "ms",
    scope: "per_agent",
    stages: null,
    description: "p95 of agent API requests from the raw latencies (1 % relative accuracy)",
    recipes: [],
    note: "simulator only: needs every request's latency, which no exporter keeps",
  },
  {
    name: "api_latency_p95_ms",
    unit: "ms",
    scope: "total",
    stages: null,
    description:
      "p95 of all HTTP API requests (the agents' included, as coderd's histogram holds them), interpolated on coderd's buckets",
    recipes: [
      {
        source: "coderd",
        promql: windowQuantile(0.95, "coderd_api_request_latencies_seconds_bucket", "", " * 1000"),
        reduction: AT_END,
      },
    ],
  },
  {
    name: "websockets_mean",
    unit: "1",
    scope: "total",
    stages: ["dashboard"],
    description: "Mean open websockets over all replicas during dashboard",
    recipes: [
      { source: "coderd", promql: "sum(coderd_api_concurrent_websockets)", reduction: points("mean") },
    ],
    panel: "websockets",
  },
  {
    name: "provisioner_cpu_vcpu_median",
    unit: "vcpu",
    scope: "per_daemon",
    stages: ["prepare"],
    description:
      "Median over prepare of the mean CPU per provisioner pod (vCPU): how busy the fleet is, per daemon",
    // avg across pods at each instant: pooled points of daemons that alternate between building and
    // idle would have the building CPU itself as their median, whatever the load.
    recipes: cpuRecipes(PROVISIONER_CONTAINER, "coder-provisioner", points("median"), true),
    per: "pod",
    panel: "provisioner_cpu_vcpu",
  },
  {
    name: "provisioner_queue_wait_p95_s",
    unit: "s",
    scope: "total",
    stages: ["prepare"],
    description: "p95 of the provisioner queue waits of every build prepare requested, however long it ran",
    recipes: [],
    note:
      "simulator only (exact, whole builds); the measurable counterpart is provisioner_queue_wait_p95_bucketed_s, " +
      "which a window cuts and coderd's top finite bucket (1800 s) caps",
  },
  {
    name: "provisioner_queue_wait_p95_bucketed_s",
    unit: "s",
    scope: "total",
    stages: ["prepare"],
    description:
      "p95 of provisioner job queue waits during prepare, interpolated on coderd's buckets (capped at 1800 s)",
    recipes: [
      {
        source: "coderd",
        promql: windowQuantile(0.95, "coderd_provisioner_job_queue_wait_seconds_bucket", "", ""),
        reduction: AT_END,
      },
    ],
  },
  {
    name: "workspace_ready_p95_s",
    unit: "s",
    scope: "total",
    stages: ["prepare"],
    description: "p95 from a workspace create request to its agent connecting",
    recipes: [],
    note: "simulator only: coderd exports no create-to-connected latency; `coder exp scaletest` JSON has per-run durations",
  },
  ...(["prepare", "cleanup"] as const).map(
    (stage): FigureDefinition => ({
      name: "workspace_build_makespan_s",
      unit: "s",
      scope: "total",
      stages: [stage],
      description: `From the stage's first build request to its last build done (${stage === "prepare" ? "agent connected" : "delete finished"})`,
      recipes: [],
      simulatorFigure: `workspace_build_makespan_${stage}_s`,
      note: "simulator only: coderd exports build durations as a histogram without the stage's first and last build",
    }),
  ),
  {
    name: "db_cpu_utilization_median",
    unit: "1",
    scope: "total",
    stages: null,
    description: "Median database CPU utilisation (0-1 of the instance's vCPUs)",
    recipes: [
      { source: "cloudsql", promql: `${CLOUDSQL}cpu_utilization`, reduction: points("median") },
      {
        source: "selfhosted",
        promql: `sum(rate(node_cpu_seconds_total{job="node",mode!="idle"}[${RATE}])) / sum(rate(node_cpu_seconds_total{job="node"}[${RATE}]))`,
        reduction: points("median"),
      },
      { source: "rds", promql: "aws_rds_cpuutilization_average / 100", reduction: points("median") },
    ],
    panel: "db_cpu_utilization",
  },
  {
    name: "db_memory_utilization_mean",
    unit: "1",
    scope: "total",
    stages: null,
    description: "Mean database memory utilisation (0-1)",
    recipes: [
      { source: "cloudsql", promql: `${CLOUDSQL}memory_utilization`, reduction: points("mean") },
      {
        source: "selfhosted",
        promql: '1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}',
        reduction: points("mean"),
      },
    ],
    lacks: [
      {
        source: "rds",
        why: "CloudWatch exports FreeableMemory but not the instance's total memory, so no utilisation",
      },
    ],
    panel: "db_memory_utilization",
  },
  ...(["min", "max"] as const).map(
    (stat): FigureDefinition => ({
      name: `db_write_ops_per_s_${stat}`,
      unit: "1/s",
      scope: "total",
      stages: null,
      description: `${stat === "min" ? "Lowest" : "Highest"} disk write operations per second (after group commit and WAL batching, not SQL statements)`,
      recipes: [
        // Cloud SQL reports the writes of each 60 s sampling period.
        { source: "cloudsql", promql: `${CLOUDSQL}disk_write_ops_count / 60`, reduction: points(stat) },
        {
          source: "selfhosted",
          promql: `sum(rate(node_disk_writes_completed_total{job="node"}[${RATE}]))`,
          reduction: points(stat),
        },
        { source: "rds", promql: "aws_rds_write_iops_average", reduction: points(stat) },
      ],
      panel: "db_write_ops_per_s",
    }),
  ),
  {
    name: "coderd_memory_gb_peak",
    unit: "gb",
    scope: "per_replica",
    stages: null,
    description: "Highest memory point of any coderd pod (gb = 10^9 bytes)",
    recipes: [
      {
        source: "cadvisor",
        promql: `max by (pod) (container_memory_working_set_bytes{${CODERD_CONTAINER}}) / 1e9`,
        reduction: points("max"),
      },
      {
        source: "process",
        promql: 'max by (pod) (process_resident_memory_bytes{job="coder"}) / 1e9',
        reduction: points("max"),
      },
    ],
    per: "pod",
    panel: "coderd_memory_gb",
  },
];

/** Names of every figure, in table order, once each. */
export const FIGURE_NAMES: readonly string[] = [...new Set(FIGURES.map((f) => f.name))];

/** The definition of a figure (the first row of that name; rows of one name differ only by stage). */
export function figureDefinition(name: string): FigureDefinition | undefined {
  return FIGURES.find((f) => f.name === name);
}
