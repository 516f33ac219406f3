/**
 * A real Prometheus scraping coderd-like `/metrics` endpoints this test serves on 127.0.0.1 (Coder's own
 * names), with a coder-observability-style mix beside them: Prometheus, grafana-agent and
 * postgres-exporter pods in namespace coder-observability, scraped by the same job, exporting their own
 * process_cpu_seconds_total. With `--selector '{namespace="coder"}'` the coderd CPU figures are coderd's
 * (and right); without it they are listed as ambiguous, not guessed.
 */
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FigureValue } from "../../src/figures/index.js";
import { measureFromPrometheus } from "../../src/prometheus/index.js";
import { describeWithPrometheus, type PrometheusServer, startPrometheus } from "../helpers/prometheus.js";
import { capsim, ROOT, serve } from "./cli.js";

interface Pod {
  namespace: string;
  pod: string;
  /** CPU seconds per second. */
  cpu: number;
  memoryBytes: number;
  coderd: boolean;
}

const PODS: Pod[] = [
  { namespace: "coder", pod: "coder-7d9f8-abcde", cpu: 2, memoryBytes: 1.2e9, coderd: true },
  { namespace: "coder", pod: "coder-7d9f8-fghij", cpu: 2, memoryBytes: 1.1e9, coderd: true },
  { namespace: "coder-observability", pod: "prometheus-0", cpu: 0.4, memoryBytes: 3e9, coderd: false },
  { namespace: "coder-observability", pod: "grafana-agent-x7k2p", cpu: 0.2, memoryBytes: 2e8, coderd: false },
  {
    namespace: "coder-observability",
    pod: "postgres-exporter-0",
    cpu: 0.05,
    memoryBytes: 3e7,
    coderd: false,
  },
];
const AGENTS = ["alice", "bob", "carol"];
const BOUNDS = ["0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.5", "1", "5", "10", "30", "+Inf"];
/** Agent metadata calls per second per replica, and the share of them at or below each bound. */
const AGENT_RPS = 50;
const AGENT_SHARE = [0, 0, 0.2, 0.5, 0.8, 0.9, 0.99, 1, 1, 1, 1, 1];

const t0 = Date.now() / 1000;

/** One pod's exposition (Prometheus text format 0.0.4), its counters growing with wall time. */
function exposition(p: Pod): string {
  const s = Date.now() / 1000 - t0;
  const lines = [
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(100 + p.cpu * s).toFixed(3)}`,
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${p.memoryBytes}`,
  ];
  if (!p.coderd) return `${lines.join("\n")}\n`;
  const route = 'method="POST",path="/api/v2/workspaceagents/me/metadata"';
  const calls = AGENT_RPS * s;
  lines.push(
    "# TYPE coderd_api_requests_processed_total counter",
    `coderd_api_requests_processed_total{code="200",${route}} ${calls.toFixed(3)}`,
    "# TYPE coderd_api_request_latencies_seconds histogram",
    ...BOUNDS.map(
      (le, i) =>
        `coderd_api_request_latencies_seconds_bucket{${route},le="${le}"} ${(calls * AGENT_SHARE[i]!).toFixed(3)}`,
    ),
    `coderd_api_request_latencies_seconds_sum{${route}} ${(calls * 0.04).toFixed(3)}`,
    `coderd_api_request_latencies_seconds_count{${route}} ${calls.toFixed(3)}`,
    "# TYPE coderd_api_concurrent_websockets gauge",
    "coderd_api_concurrent_websockets 12",
    "# TYPE coderd_agents_connections gauge",
    ...AGENTS.map(
      (u) =>
        `coderd_agents_connections{agent_name="main",lifecycle_state="ready",status="connected",tailnet_node="${u}-node",username="${u}",workspace_name="${u}-ws"} 1`,
    ),
    "# TYPE go_sql_max_open_connections gauge",
    "go_sql_max_open_connections 10",
    "# TYPE go_sql_open_connections gauge",
    "go_sql_open_connections 4",
    "# TYPE go_sql_in_use_connections gauge",
    "go_sql_in_use_connections 2",
    "# TYPE go_sql_idle_connections gauge",
    "go_sql_idle_connections 2",
    "# TYPE go_sql_wait_count_total counter",
    "go_sql_wait_count_total 0",
    "# TYPE go_sql_wait_duration_seconds_total counter",
    "go_sql_wait_duration_seconds_total 0",
  );
  return `${lines.join("\n")}\n`;
}

function metrics(url: string | undefined, res: ServerResponse): void {
  const pod = PODS.find((p) => url === `/metrics/${p.pod}`);
  if (!pod) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(exposition(pod));
}

const find = (values: readonly FigureValue[], name: string): FigureValue =>
  values.find((v) => v.name === name)!;

describeWithPrometheus("a Prometheus scraping coderd beside a coder-observability mix", (tools) => {
  let endpoints: Awaited<ReturnType<typeof serve>>;
  let server: PrometheusServer;
  let window: { start: number; end: number };

  beforeAll(async () => {
    endpoints = await serve((req, res) => metrics(req.url, res));
    const host = endpoints.url.replace("http://", "");
    // One scrape job over every annotated pod, as a cluster-wide pod scrape labels them: same job, the
    // pod's namespace and name.
    server = await startPrometheus(tools, {
      scrape: PODS.map((p) => ({
        job: `pod-${p.pod}`,
        targets: [host],
        metricsPath: `/metrics/${p.pod}`,
        intervalSeconds: 1,
        labels: { job: "coder", namespace: p.namespace, pod: p.pod },
      })),
    });
    const started = Math.ceil(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 13_000));
    // From once rate's 4 s interval is filled to a second before now (the last scrape is in).
    window = { start: started + 5, end: Math.floor(Date.now() / 1000) - 1 };
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await endpoints?.close();
  });

  it("with --selector '{namespace=\"coder\"}' the CPU figures are coderd's, and right", async () => {
    const m = await measureFromPrometheus({ url: server.url, selector: '{namespace="coder"}', ...window });
    expect(m.scrapeSeconds).toBe(1);
    expect(m.windows).toEqual([{ name: "all", ...window }]);
    const median = find(m.evaluated, "coderd_cpu_vcpu_median");
    expect(median).toMatchObject({ source: "process", seriesCount: 2 });
    expect(median.value).toBeGreaterThan(1.95);
    expect(median.value).toBeLessThan(2.05);
    expect(find(m.evaluated, "coderd_cpu_vcpu_peak").value).toBeLessThan(2.2);
    expect(find(m.evaluated, "coderd_memory_gb_peak").value).toBeCloseTo(1.2, 9);
    expect(find(m.evaluated, "agent_connections").value).toBe(3);
    // p90 of agent calls: in (0.05, 0.1], 0.9 of the way by the bucket counts: 100 ms.
    expect(find(m.evaluated, "agent_api_latency_p90_ms").value).toBeCloseTo(100, 6);
    expect(m.queries).toContainEqual(
      expect.objectContaining({
        figure: "coderd_cpu_vcpu_median",
        promql: 'sum by (pod) (rate(process_cpu_seconds_total{job="coder", namespace="coder"}[4s]))',
        step: 1,
        series: 2,
      }),
    );
  }, 60_000);

  it("without a selector the CPU figures are listed as ambiguous, not guessed", async () => {
    const m = await measureFromPrometheus({ url: server.url, ...window });
    for (const name of ["coderd_cpu_vcpu_median", "coderd_cpu_vcpu_peak", "coderd_memory_gb_peak"]) {
      const v = find(m.evaluated, name);
      expect(v, name).toMatchObject({ value: null, source: "process", seriesCount: 5 });
      expect(v.note).toMatch(
        /^ambiguous: the series come from namespaces coder \(2 pods\), coder-observability \(3 pods\), so pods of other workloads would be counted; not guessed/,
      );
    }
    // Figures only coderd exports are unaffected.
    expect(find(m.evaluated, "agent_connections").value).toBe(3);
  }, 60_000);

  it("capsim compare lists the ambiguous figure with the query it sent", async () => {
    const tiny = join(ROOT, "test/fixtures/compare/tiny.yaml");
    const r = await capsim([
      "compare",
      tiny,
      "--prometheus",
      server.url,
      "--start",
      String(window.start),
      "--end",
      String(window.end),
      "--replications",
      "1",
      "--no-progress",
    ]);
    // The tiny scenario is not this deployment: figures may fail (3); what matters is that none is guessed.
    expect([0, 3], r.stderr).toContain(r.code);
    expect(r.stdout).toContain(
      'coderd_cpu_vcpu_median (all): no value from process, 5 series: sum by (pod) (rate(process_cpu_seconds_total{job="coder"}[$__rate_interval])) [ambiguous: the series come from namespaces coder (2 pods), coder-observability (3 pods)',
    );
    expect(r.stdout).toContain(
      'coderd_cpu_vcpu_median (all): query_range sum by (pod) (rate(process_cpu_seconds_total{job="coder"}[4s])) -> 5 series',
    );
    expect(r.stdout).not.toMatch(/^coderd_cpu_vcpu_median /m);
  }, 120_000);
});
