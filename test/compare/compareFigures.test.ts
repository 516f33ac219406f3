import { describe, expect, it } from "vitest";
import { compareFigures } from "../../src/compare/compareFigures.js";
import type { MeasuredSample } from "../../src/measured/index.js";
import type { SummaryMetric } from "../../src/run/runScenario.js";

const metrics: SummaryMetric[] = [
  { name: "coderd_cpu_vcpu_median", stage: null, unit: "vcpu", mean: 3, ci95: [2.9, 3.1] },
  { name: "api_rps_median", stage: "dashboard", unit: "1/s", mean: 350, ci95: [345, 355] },
  { name: "agent_api_latency_p95_ms", stage: null, unit: "ms", mean: 200, ci95: null },
  { name: "provisioner_queue_wait_p95_s", stage: "prepare", unit: "s", mean: null, ci95: null },
];

function figure(f: Partial<MeasuredSample> & Pick<MeasuredSample, "metric" | "unit">): MeasuredSample {
  return {
    source: "capsim",
    rawMetric: f.metric,
    labels: {},
    stage: null,
    scope: null,
    t: null,
    file: "m.yaml",
    ...f,
  };
}

describe("compareFigures", () => {
  const stages = ["prepare", "dashboard"];

  it("pairs figures with the simulated metric of the same name and stage, and judges them", () => {
    const [cpu, rps] = compareFigures(
      metrics,
      [
        figure({ metric: "coderd_cpu_vcpu_median", unit: "vcpu", value: 3.7, scope: "per_replica", line: 4 }),
        figure({ metric: "api_rps_median", unit: "1/s", stage: "dashboard", range: [300, 340] }),
      ],
      0.1,
      stages,
    );
    expect(cpu).toMatchObject({
      metric: "coderd_cpu_vcpu_median",
      stage: null,
      unit: "vcpu",
      simulated: { mean: 3, ci95: [2.9, 3.1] },
      measured: { value: 3.7 },
      tolerance: { relative: 0.1 },
      verdict: "fail",
      file: "m.yaml",
      line: 4,
    });
    expect(cpu!.error).toBeCloseTo(0.2333, 4);
    expect(rps).toMatchObject({ measured: { range: [300, 340] }, verdict: "pass" });
    expect(rps!.error).toBeCloseTo(-10 / 350, 12);
  });

  it("converts the measured unit to the simulated one", () => {
    const [row] = compareFigures(
      metrics,
      [figure({ metric: "agent_api_latency_p95_ms", unit: "s", value: 0.22 })],
      0.1,
      stages,
    );
    expect(row).toMatchObject({ unit: "ms", measured: { value: 220 }, verdict: "pass" });
  });

  it("lists what the simulation does not produce as not simulated, with the reason", () => {
    const rows = compareFigures(
      metrics,
      [
        figure({ metric: "runner_memory_bytes", unit: "bytes", value: 3.5e10 }),
        figure({ metric: "api_rps_median", unit: "1/s", stage: "web_terminal", value: 250 }),
        figure({ metric: "api_rps_median", unit: "1/s", value: 250 }),
        figure({ metric: "provisioner_queue_wait_p95_s", unit: "s", stage: "prepare", value: 1 }),
        figure({ metric: "coderd_cpu_vcpu_median", unit: "vcpu", value: 6, scope: "total" }),
      ],
      0.1,
      stages,
    );
    expect(rows.map((r) => [r.verdict, r.error, r.reason])).toEqual([
      ["not_simulated", null, "capsim does not simulate this metric"],
      ["not_simulated", null, "stage web_terminal is not in the scenario"],
      [
        "not_simulated",
        null,
        "simulated only for stage dashboard, web_terminal, workspace_apps; give time series stage windows with --stages",
      ],
      ["not_simulated", null, "the simulation produced no value (no events of this kind)"],
      ["not_simulated", null, "measured total, simulated per_replica"],
    ]);
  });

  it("refuses a unit that cannot be compared as bad input", () => {
    expect(() =>
      compareFigures(
        metrics,
        [figure({ metric: "agent_api_latency_p95_ms", unit: "bytes", value: 1, line: 9 })],
        0.1,
        stages,
      ),
    ).toThrow(
      /m.yaml:9: agent_api_latency_p95_ms: measured in bytes, which cannot be compared with the simulated unit ms/,
    );
  });
});
