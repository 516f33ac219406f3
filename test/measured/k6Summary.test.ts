import { describe, expect, it } from "vitest";
import { parseMeasured } from "../../src/measured/read.js";
import type { MeasuredSample } from "../../src/measured/sample.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

function stat(
  samples: readonly MeasuredSample[],
  metric: string,
  name: string,
  tags: Record<string, string> = {},
) {
  return samples.find(
    (s) =>
      s.metric === metric &&
      s.labels.stat === name &&
      Object.entries(tags).every(([k, v]) => s.labels[k] === v),
  );
}

describe("k6 handleSummary data (legacy)", () => {
  const data = parseMeasured(fixtureText("k6-handle-summary.json"), "summary.json");

  it("is detected and converts trend milliseconds to seconds", () => {
    expect(data.format).toBe("k6-summary");
    expect(stat(data.samples, "http_req_duration", "p(95)")).toMatchObject({
      value: 0.5125,
      unit: "s",
      source: "k6-summary",
    });
    expect(stat(data.samples, "http_req_duration", "med")?.value).toBe(0.23);
  });

  it("splits sub-metric tags into labels", () => {
    expect(stat(data.samples, "http_req_duration", "p(95)", { expected_response: "true" })?.value).toBe(0.5);
  });

  it("keeps counters, rates, gauges, data and checks in their units", () => {
    expect(stat(data.samples, "http_reqs", "count")).toMatchObject({ value: 3000, unit: "1" });
    expect(stat(data.samples, "http_reqs", "rate")).toMatchObject({ value: 99.96, unit: "1/s" });
    expect(stat(data.samples, "http_req_failed", "rate")).toMatchObject({ value: 0.02, unit: "1" });
    expect(stat(data.samples, "vus", "max")).toMatchObject({ value: 10, unit: "1" });
    expect(stat(data.samples, "data_received", "count")).toMatchObject({ value: 1048576, unit: "bytes" });
    expect(stat(data.samples, "data_received", "rate")).toMatchObject({ unit: "bytes_per_s" });
    expect(stat(data.samples, "k6_check", "fails", { check: "status is 200" })?.value).toBe(60);
  });
});

describe("k6 machine-readable summary v1.0.0", () => {
  const data = parseMeasured(fixtureText("k6-summary-v1.json"), "v1.json");

  it("is detected by its version key and read from the metrics array", () => {
    expect(data.format).toBe("k6-summary-v1");
    expect(stat(data.samples, "http_req_duration", "p(90)")).toMatchObject({ value: 0.38765, unit: "s" });
    expect(stat(data.samples, "http_req_duration", "count")).toMatchObject({ value: 1500, unit: "1" });
    expect(stat(data.samples, "http_req_failed", "matches")?.value).toBe(30);
    expect(stat(data.samples, "data_sent", "count")?.unit).toBe("bytes");
    expect(stat(data.samples, "checks_total", "count")?.value).toBe(3000);
    expect(stat(data.samples, "k6_check", "passes", { check: "response time < 500ms" })?.value).toBe(1380);
  });

  it("also reads the early category-keyed metrics object", () => {
    const text = JSON.stringify({
      version: "1.0.0",
      metadata: { generatedAt: "2025-01-15T10:30:45Z", k6Version: "1.1.0" },
      config: { execution: "local", duration: 60 },
      results: {
        passed: true,
        metrics: {
          http: {
            http_req_duration: {
              name: "http_req_duration",
              type: "trend",
              contains: "time",
              values: { avg: 100 },
            },
          },
        },
      },
    });
    expect(parseMeasured(text, "v1.json").samples[0]).toMatchObject({
      metric: "http_req_duration",
      value: 0.1,
      unit: "s",
    });
  });
});

describe("k6 --summary-export", () => {
  const data = parseMeasured(fixtureText("k6-summary-export.json"), "export.json");

  it("infers types from the statistics and units from built-in names", () => {
    expect(data.format).toBe("k6-summary-export");
    expect(stat(data.samples, "http_req_duration", "p(95)")).toMatchObject({ value: 0.5125, unit: "s" });
    expect(stat(data.samples, "checks", "value")).toMatchObject({ value: 0.98, unit: "1" });
    expect(stat(data.samples, "http_reqs", "rate")?.unit).toBe("1/s");
    expect(data.samples.some((s) => s.labels.stat === "thresholds")).toBe(false);
  });

  it("keeps custom trends as written, saying why", () => {
    expect(stat(data.samples, "coder_dashboard_action", "p(95)")).toMatchObject({
      value: 8.5,
      unit: "1",
      note: expect.stringContaining("does not record whether a custom trend holds times"),
    });
  });
});

describe("k6 errors", () => {
  it("positions a bad metric type", () => {
    const text =
      '{\n  "metrics": {\n    "vus": { "type": "dial", "contains": "default", "values": { "value": 1 } }\n  }\n}';
    expect(inputErrorOf(() => parseMeasured(text, "k6.json"))).toBe(
      "k6.json:3:22: metrics.vus.type: type must be counter, gauge, rate or trend",
    );
  });
});
