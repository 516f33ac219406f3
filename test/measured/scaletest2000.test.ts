import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FIGURE_NAMES as CAPSIM_METRICS } from "../../src/figures/table.js";
import { readMeasuredFile } from "../../src/measured/read.js";

const FILE = fileURLToPath(new URL("../../results/measured/scaletest-2000.yaml", import.meta.url));
const HTTP_READING = fileURLToPath(
  new URL("../../results/measured/readings/agent-latency-http-histogram.yaml", import.meta.url),
);

/**
 * The 14 figures; the two latency rows differ between the readings (docs/model.md, Readings): name and
 * scope. Both readings' metrics are simulated in ms (the DERP gauge since derp_latency:), so both read 60 ms.
 */
const figures = (latency: [string, string, string, number]) => [
  ["coderd_cpu_vcpu_median", null, 3, "vcpu", "per_replica"],
  ["coderd_cpu_vcpu_peak", null, 3.7, "vcpu", "per_replica"],
  ["api_rps_median", "dashboard", 350, "1/s", "total"],
  ["api_rps_median", "web_terminal", 250, "1/s", "total"],
  ["api_rps_median", "workspace_apps", 250, "1/s", "total"],
  ["websockets_mean", "dashboard", 2400, "1", "total"],
  ["agent_connections", null, 2000, "1", "total"],
  [latency[0], null, 60 * latency[3], latency[2], latency[1]],
  [latency[0].replace("p90", "p95"), null, 220 * latency[3], latency[2], latency[1]],
  ["provisioner_cpu_vcpu_median", "prepare", 0.35, "vcpu", "per_daemon"],
  ["db_cpu_utilization_median", null, 0.8, "1", "total"],
  ["db_memory_utilization_mean", null, 0.4, "1", "total"],
  ["db_write_ops_per_s_min", null, 6.7, "1/s", "total"],
  ["db_write_ops_per_s_max", null, 8.4, "1/s", "total"],
];

describe("results/measured/scaletest-2000.yaml", () => {
  const data = readMeasuredFile(FILE);

  it("parses as capsim YAML into the 2000-user test's 14 figures, the latency read as the DERP gauge", () => {
    expect(data.format).toBe("capsim-yaml");
    const table = data.samples.map((s) => [s.metric, s.stage, s.value, s.unit, s.scope]);
    expect(table).toEqual(figures(["agents_connection_latency_p90_ms", "total", "ms", 1]));
    const unmodelled = data.samples.filter((s) => s.unmodelled !== undefined).map((s) => s.metric);
    expect(unmodelled).toEqual(["agents_connection_latency_p90_ms", "agents_connection_latency_p95_ms"]);
  });

  it("keeps the rejected reading (agent HTTP call latency) beside it, the other figures unchanged", () => {
    const http = readMeasuredFile(HTTP_READING);
    const table = http.samples.map((s) => [s.metric, s.stage, s.value, s.unit, s.scope]);
    expect(table).toEqual(figures(["agent_api_latency_p90_ms", "per_agent", "ms", 1]));
    expect(http.samples.every((s) => s.unmodelled === undefined)).toBe(true);
  });

  it("uses capsim metrics or says why a figure is unmodelled, with a reading noted for every figure", () => {
    for (const s of data.samples) {
      if (s.unmodelled === undefined) expect(CAPSIM_METRICS).toContain(s.metric);
      else expect(s.unmodelled.length).toBeGreaterThan(20);
      expect(s.note?.length ?? 0).toBeGreaterThan(20);
      expect(s.range).toBeUndefined();
    }
    const cpu = data.samples.find((s) => s.metric === "coderd_cpu_vcpu_median");
    expect(cpu?.note).toMatch(/per replica/);
    expect(cpu?.note).toMatch(/37 %/);
    expect(data.samples.find((s) => s.metric === "db_write_ops_per_s_min")?.note).toMatch(/400 UPDATE\/s/);
  });
});
