import { describe, expect, it } from "vitest";
import { deriveFigures } from "../../src/measured/figures.js";
import { parseMeasured } from "../../src/measured/read.js";
import { toStageWindows } from "../../src/measured/stages.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;

function figureMap(figures: ReturnType<typeof deriveFigures>) {
  return Object.fromEntries(figures.map((f) => [`${f.metric}@${f.stage ?? "all"}`, f.value]));
}

describe("deriveFigures on two Prometheus scrapes", () => {
  const data = parseMeasured(fixtureText("prom-scrapes.txt"), "scrapes.txt");

  it("computes every mapped figure over the whole file when no stages are given", () => {
    expect(figureMap(deriveFigures(data.samples, []))).toEqual({
      "coderd_cpu_vcpu_median@all": 3.3, // median of 3.0 and 3.6 (per replica, pooled)
      "coderd_cpu_vcpu_peak@all": 3.6,
      "coderd_memory_gb_peak@all": 3.7,
      "api_rps_median@all": 350, // 200/s + 150/s, summed across replicas and paths
      "api_latency_p95_ms@all": 812.5, // 0.5 + 0.5 · 50/80 s of the increase
      "websockets_mean@all": 2350, // (2300 + 2400) / 2
      "agent_connections@all": 2.5, // 2 then 3 connected agents; replicas not added
      "provisioner_cpu_vcpu_median@all": 0.35,
    });
  });

  it("reports staged rows per declared window and unstaged rows over the span of all windows", () => {
    const stages = toStageWindows([
      { name: "prepare", start: T0 - 60, end: T0 + 5 },
      { name: "dashboard", start: T0 + 10, end: "2024-03-01T10:00:20Z" },
    ]);
    const figures = deriveFigures(data.samples, stages);
    const map = figureMap(figures);
    expect(map["api_rps_median@dashboard"]).toBe(350);
    expect(map["websockets_mean@dashboard"]).toBe(2400);
    expect(map["coderd_cpu_vcpu_peak@all"]).toBe(3.6);
    expect("provisioner_cpu_vcpu_median@prepare" in map).toBe(false); // its only point is at T0 + 15
    expect(map["api_latency_p95_ms@all"]).toBe(812.5);
    const rps = figures.find((f) => f.metric === "api_rps_median");
    expect(rps).toMatchObject({
      stage: "dashboard",
      unit: "1/s",
      scope: "total",
      t: null,
      source: "prom-text",
    });
    expect(rps?.note).toBe(
      "median of 1 point of api_rps (sum) in [2024-03-01T10:00:10.000Z, 2024-03-01T10:00:20.000Z]",
    );
  });

  it("uses cumulative histograms from a single scrape and says so", () => {
    const om = parseMeasured(fixtureText("openmetrics.txt"), "om.txt");
    const wait = deriveFigures(om.samples, []).find((f) => f.metric === "provisioner_queue_wait_p95_s");
    expect(wait).toMatchObject({ value: 10, unit: "s", scope: "total" });
    expect(wait?.note).toMatch(/cumulative since process start/);
  });

  it("derives figures from Grafana columns named after capsim series", () => {
    const panel = parseMeasured(fixtureText("grafana-panel.csv"), "panel.csv");
    expect(figureMap(deriveFigures(panel.samples, []))).toEqual({
      "coderd_cpu_vcpu_median@all": 3.1,
      "coderd_cpu_vcpu_peak@all": 3.7,
    });
  });

  it("takes stage windows from a capsim YAML file that declares only stages", () => {
    const stageFile = parseMeasured(
      "stages:\n  - { name: dashboard, start: 2024-03-01T10:00:10Z, end: 2024-03-01T10:00:20Z }\n",
      "stages.yaml",
    );
    expect(stageFile.samples).toEqual([]);
    const map = figureMap(deriveFigures(data.samples, stageFile.stages));
    expect(map["websockets_mean@dashboard"]).toBe(2400);
  });

  it("rejects malformed programmatic stage windows", () => {
    expect(inputErrorOf(() => toStageWindows([{ name: "ssh", start: 10, end: 5 }], "--stages"))).toBe(
      "--stages: 0.end: end must be after start",
    );
  });
});
