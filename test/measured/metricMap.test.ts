import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CAPSIM_METRICS, componentOf, METRIC_MAP, mapToCapsimSeries } from "../../src/measured/metricMap.js";
import { metricMapMarkdown } from "../../src/measured/metricMapDoc.js";
import type { MeasuredSample } from "../../src/measured/sample.js";
import { convertUnit } from "../../src/measured/units.js";

const PRODUCT_METRICS = [
  "coderd_cpu_vcpu_median",
  "coderd_cpu_vcpu_peak",
  "api_rps_median",
  "agent_connections",
  "agent_api_latency_p90_ms",
  "agent_api_latency_p95_ms",
  "api_latency_p95_ms",
  "websockets_mean",
  "provisioner_cpu_vcpu_median",
  "provisioner_queue_wait_p95_s",
  "db_cpu_utilization_median",
  "db_memory_utilization_mean",
  "db_write_ops_per_s_min",
  "db_write_ops_per_s_max",
  "coderd_memory_gb_peak",
];

function raw(
  rawMetric: string,
  labels: Record<string, string>,
  extra: Partial<MeasuredSample> = {},
): MeasuredSample {
  return {
    source: "prom-text",
    metric: rawMetric,
    rawMetric,
    labels,
    stage: null,
    unit: "1",
    scope: null,
    t: 1,
    value: 1,
    file: "f",
    ...extra,
  };
}

describe("the metric map", () => {
  it("covers exactly the product's summary metrics, once each", () => {
    expect([...CAPSIM_METRICS].sort()).toEqual([...PRODUCT_METRICS].sort());
  });

  it("is consistent: rows sharing a series agree on its unit, input and combination", () => {
    for (const row of METRIC_MAP) {
      for (const other of METRIC_MAP.filter((r) => r.series === row.series)) {
        expect([other.seriesUnit, other.input, other.combine]).toEqual([
          row.seriesUnit,
          row.input,
          row.combine,
        ]);
      }
      expect(
        convertUnit(1, row.seriesUnit, row.unit),
        `${row.metric}: ${row.seriesUnit} → ${row.unit}`,
      ).toBeDefined();
      expect(row.metric.endsWith("_ms")).toBe(row.unit === "ms");
    }
  });

  it("tells coderd from provisioner pods by target labels", () => {
    expect(componentOf({})).toBe("coderd");
    expect(componentOf({ job: "coderd", pod: "coder-7d9f-abc" })).toBe("coderd");
    expect(componentOf({ pod: "coder-provisioner-5c6d" })).toBe("provisioner");
    expect(componentOf({ job: "postgres-exporter" })).toBe("other");
  });

  it("renames raw samples to capsim series by name, derivation and labels", () => {
    const rate = { derived: "rate" as const, unit: "vcpu" };
    expect(mapToCapsimSeries(raw("process_cpu_seconds_total", { pod: "coderd-0" }, rate))).toMatchObject({
      metric: "coderd_cpu_vcpu",
      scope: "per_replica",
    });
    expect(
      mapToCapsimSeries(raw("process_cpu_seconds_total", { pod: "coder-provisioner-1" }, rate)),
    ).toMatchObject({
      metric: "provisioner_cpu_vcpu",
      scope: "per_daemon",
    });
    // A cumulative total is not a vCPU figure: it stays raw.
    expect(
      mapToCapsimSeries(raw("process_cpu_seconds_total", {}, { derived: "cumulative", unit: "s" })).metric,
    ).toBe("process_cpu_seconds_total");
    expect(mapToCapsimSeries(raw("process_cpu_seconds_total", { job: "prometheus" }, rate)).metric).toBe(
      "process_cpu_seconds_total",
    );
    expect(mapToCapsimSeries(raw("coderd_agents_connections", { status: "disconnected" })).metric).toBe(
      "coderd_agents_connections",
    );
    expect(mapToCapsimSeries(raw("cloudsql.googleapis.com/database/cpu/utilization", {})).metric).toBe(
      "db_cpu_utilization",
    );
  });

  it("keeps agent routes out of the API latency series", () => {
    const histogram = { buckets: [{ le: Infinity, count: 1 }], count: 1, sum: 0.1 };
    const h = (path: string) =>
      mapToCapsimSeries(
        raw("coderd_api_request_latencies_seconds", { path }, { value: undefined, histogram, unit: "s" }),
      ).metric;
    expect(h("/api/v2/workspaces")).toBe("api_latency_seconds");
    expect(h("/api/v2/workspaceagents/me/manifest")).toBe("coderd_api_request_latencies_seconds");
  });

  it("converts units on the way into a series and leaves incompatible ones raw with a note", () => {
    expect(
      mapToCapsimSeries(raw("coderd_agents_connection_latencies_seconds", {}, { unit: "s", value: 0.06 })),
    ).toMatchObject({
      metric: "agent_connection_latency_seconds",
      value: 0.06,
    });
    expect(mapToCapsimSeries(raw("db_cpu_utilization", {}, { unit: "1", value: 0.8 }))).toMatchObject({
      metric: "db_cpu_utilization",
      unit: "1",
    });
    const wrong = mapToCapsimSeries(raw("api_rps", {}, { unit: "s", value: 3 }));
    expect(wrong.metric).toBe("api_rps");
    expect(wrong.note).toBe("unit s does not fit capsim series api_rps (1/s); left unmapped");
    expect(mapToCapsimSeries(raw("coderd_memory_bytes", {}, { unit: "gb", value: 3.7 }))).toMatchObject({
      unit: "bytes",
      value: 3.7e9,
    });
  });
});

describe("docs/metrics.md", () => {
  it("shows the metric map exactly as the code defines it", () => {
    const doc = readFileSync(fileURLToPath(new URL("../../docs/metrics.md", import.meta.url)), "utf8");
    const between = /<!-- metric-map:start -->\n([\s\S]*?)\n<!-- metric-map:end -->/.exec(doc);
    expect(between?.[1]).toBe(metricMapMarkdown());
  });
});
