/**
 * Round trip through a real Prometheus: an export shaped as FAMILIES.md, promtool blocks, a server on
 * them, and the figure table read back through its HTTP API equals the table evaluated on the samples
 * themselves (windows from capsim_stage_active); then `capsim compare --prometheus` on the same server.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { evaluateFigures, resolveWindows } from "../../src/figures/index.js";
import { measureFromPrometheus, type PrometheusMeasurement } from "../../src/prometheus/index.js";
import {
  DEFAULT_OPENMETRICS_START,
  parseOpenMetricsStart,
  writeOpenMetrics,
} from "../../src/report/openmetrics.js";
import { runScenario } from "../../src/run/runScenario.js";
import type { SeriesSet } from "../../src/series/types.js";
import { toOpenMetrics } from "../figures/synthetic.js";
import { describeWithPrometheus, type PrometheusServer, startPrometheus } from "../helpers/prometheus.js";
import { capsim, ROOT } from "./cli.js";
import { familiesFixture } from "./fixture.js";

const SMALL = "test/fixtures/figures/small-scaletest.yaml";
/** docs/prometheus.md's recipe, as the test runs it (URL: the test's server). */
const RECIPE = {
  run: ["run", SMALL, "--replications", "1", "--openmetrics", "sim.om"],
  compare: (url: string) => ["compare", SMALL, "--prometheus", url, "--tolerance", "1%"],
};

/** The 14 published figures of the 2000-user test, the latency pair as agent-call latency (results/measured/readings/agent-latency-http-histogram.yaml; capsim simulates it). */
const PUBLISHED: [string, string][] = [
  ["coderd_cpu_vcpu_median", "all"],
  ["coderd_cpu_vcpu_peak", "all"],
  ["api_rps_median", "dashboard"],
  ["api_rps_median", "web_terminal"],
  ["api_rps_median", "workspace_apps"],
  ["websockets_mean", "dashboard"],
  ["agent_connections", "all"],
  ["agent_api_latency_p90_ms", "all"],
  ["agent_api_latency_p95_ms", "all"],
  ["provisioner_cpu_vcpu_median", "prepare"],
  ["db_cpu_utilization_median", "all"],
  ["db_memory_utilization_mean", "all"],
  ["db_write_ops_per_s_min", "all"],
  ["db_write_ops_per_s_max", "all"],
];

describeWithPrometheus("figures read back from a real Prometheus", (tools) => {
  let server: PrometheusServer;
  let data: SeriesSet;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "capsim-prometheus-roundtrip-"));
    data = familiesFixture();
    server = await startPrometheus(tools, { openMetrics: toOpenMetrics(data) });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("equal the figures of the samples themselves, each of the 14 published ones included", async () => {
    const m: PrometheusMeasurement = await measureFromPrometheus({ url: server.url });
    const { windows } = resolveWindows(data);
    expect(m.windowOrigin).toBe("capsim_stage_active");
    expect(m.windows).toEqual(windows);
    expect(m.scrapeSeconds).toBe(15);
    const local = evaluateFigures(data, windows);
    expect(m.evaluated.map((v) => [v.name, v.stage])).toEqual(local.map((v) => [v.name, v.stage]));
    for (const [i, v] of m.evaluated.entries()) {
      const want = local[i]!;
      expect({ figure: v.name, stage: v.stage, source: v.source, series: v.seriesCount }).toEqual({
        figure: want.name,
        stage: want.stage,
        source: want.source,
        series: want.seriesCount,
      });
      if (want.value === null) expect(v.value).toBeNull();
      else expect(Math.abs(v.value! - want.value) / Math.abs(want.value)).toBeLessThan(1e-9);
    }
    for (const [name, stage] of PUBLISHED) {
      const v = m.evaluated.find((e) => e.name === name && e.stage === stage);
      expect(v?.value, `${name} (${stage})`).not.toBeNull();
    }
    // What was sent: the table's PromQL with Grafana's variables set, a query_range per points figure.
    expect(m.queries).toContainEqual(
      expect.objectContaining({
        figure: "coderd_cpu_vcpu_median",
        endpoint: "query_range",
        promql:
          'sum by (pod) (rate(container_cpu_usage_seconds_total{container="coder",pod!~"coder-provisioner-.*"}[60s]))',
        step: 15,
        series: 2,
      }),
    );
  }, 60_000);
});

describeWithPrometheus("capsim run --openmetrics, promtool blocks, capsim compare --prometheus", (tools) => {
  let server: PrometheusServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "capsim-prometheus-export-"));
    // What `capsim run SMALL --replications 1 --openmetrics sim.om` writes (the CLI calls the same function).
    const scenario = loadScenarioAndModel(join(ROOT, SMALL));
    const { first } = runScenario(scenario.loaded, scenario.model, { replications: 1 });
    const om = join(dir, "sim.om");
    writeOpenMetrics(om, first, {
      scenario: scenario.loaded.scenario.name,
      startEpochSeconds: parseOpenMetricsStart(DEFAULT_OPENMETRICS_START),
    });
    server = await startPrometheus(tools, { openMetrics: readFileSync(om, "utf8") });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.concurrent("compares the 14 published figures, each within 1 %: exit 0", async () => {
    const out = join(dir, "compare.json");
    const r = await capsim([
      "compare",
      SMALL,
      "--prometheus",
      server.url,
      "--tolerance",
      "1%",
      "--out",
      out,
      "--no-progress",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.measured_files).toEqual([
      expect.objectContaining({ file: server.url, format: "prometheus-server" }),
    ]);
    expect(result.window_origin).toBe("capsim_stage_active");
    const compared = result.rows.map(
      (row: { metric: string; stage: string | null }) => `${row.metric} ${row.stage ?? "all"}`,
    );
    for (const [name, stage] of PUBLISHED) expect(compared).toContain(`${name} ${stage}`);
    expect(result.counts.fail).toBe(0);
    for (const row of result.rows)
      expect(Math.abs(row.error), `${row.metric} ${row.stage}`).toBeLessThanOrEqual(0.01);
    expect(r.stdout).toContain(`Queries sent to ${server.url} (step 15 s; scrape interval 15 s`);
    expect(r.stdout).toMatch(
      /coderd_cpu_vcpu_median \(all\): query_range sum by \(pod\) \(rate\(container_cpu_usage_seconds_total\{container="coder",pod!~"coder-provisioner-\.\*"\}\[60s\]\)\) -> 2 series/,
    );
  }, 180_000);

  it("is the recipe docs/prometheus.md gives", () => {
    const doc = readFileSync(join(ROOT, "docs/prometheus.md"), "utf8");
    expect(doc).toContain(`capsim ${RECIPE.run.join(" ")}`);
    expect(doc).toContain("promtool tsdb create-blocks-from openmetrics sim.om data");
    expect(doc).toContain("--storage.tsdb.retention.time=100y");
    expect(doc).toContain(`capsim ${RECIPE.compare("http://127.0.0.1:9090").join(" ")}`);
  });

  it.concurrent("capsim calibrate --prometheus fits against the server's figures", async () => {
    const model = join(dir, "fitted.yaml");
    const r = await capsim([
      "calibrate",
      SMALL,
      "--prometheus",
      server.url,
      "--fit",
      "coderd.connection_cpu_vcpu",
      "--max-evals",
      "1",
      "--out",
      model,
      "--no-progress",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Queries sent to ${server.url} (step 15 s`);
    expect(readFileSync(model, "utf8")).toContain(`fitted by capsim calibrate on ${server.url} (sha256 `);
  }, 180_000);

  it.concurrent("the same data with a wrong --selector exits 2 with the reason, never 0", async () => {
    const r = await capsim([
      "compare",
      SMALL,
      "--prometheus",
      server.url,
      "--selector",
      '{namespace="nope"}',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `--prometheus: ${server.url} holds no series at all matching {namespace="nope"} in the windows: no figure can be read (docs/metrics.md lists the names each figure needs)\n`,
    );
    expect(r.stdout).toBe("");
  }, 180_000);
});
