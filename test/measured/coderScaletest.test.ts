import { describe, expect, it } from "vitest";
import { readCoderScaletest } from "../../src/measured/coderScaletest.js";
import { parseGoDurationSeconds } from "../../src/measured/goDuration.js";
import { parseMeasured } from "../../src/measured/read.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

describe("coder exp scaletest --output json", () => {
  it("reads the golden harness example", () => {
    const data = parseMeasured(fixtureText("coder-scaletest-results-example.json"), "results.json");
    expect(data.format).toBe("coder-scaletest");
    const byMetric = (metric: string, labels: Record<string, string> = {}) =>
      data.samples.find((s) => s.metric === metric && JSON.stringify(s.labels) === JSON.stringify(labels));
    expect(byMetric("scaletest_run_duration_seconds", { test_name: "test-0" })).toMatchObject({
      source: "coder-scaletest",
      unit: "s",
      samples: [1, 1, 1],
      t: null,
      line: 8,
    });
    // "<nil>" is a pass; any other error string (with or without a stack) is a failure.
    expect(byMetric("scaletest_runs_passed", { test_name: "test-0" })?.value).toBe(1);
    expect(byMetric("scaletest_runs_failed", { test_name: "test-0" })?.value).toBe(2);
    expect(byMetric("scaletest_runs_total")).toMatchObject({
      value: 10,
      note: "file says 10, but 3 such runs are listed",
    });
    expect(byMetric("scaletest_runs_passed")).toMatchObject({
      value: 8,
      note: "file says 8, but 1 such runs are listed",
    });
    expect(byMetric("scaletest_elapsed_seconds")?.value).toBe(1);
  });

  it("groups runs by test name, orders durations by start time and falls back to Go durations", () => {
    const text = JSON.stringify({
      total_runs: 3,
      total_pass: 3,
      total_fail: 0,
      elapsed: "1m2.5s",
      runs: {
        "workspacebuild/1": {
          test_name: "workspacebuild",
          started_at: "2024-03-01T10:00:05Z",
          duration_ms: 95000,
          error: "<nil>",
        },
        "workspacebuild/0": {
          test_name: "workspacebuild",
          started_at: "2024-03-01T10:00:00Z",
          duration: "1m30s",
          error: "<nil>",
        },
        "dashboard/dashboard-u1": { started_at: "2024-03-01T10:00:00Z", duration_ms: 1500, error: "<nil>" },
      },
    });
    const samples = readCoderScaletest(text, "r.json");
    const builds = samples.find(
      (s) => s.metric === "scaletest_run_duration_seconds" && s.labels.test_name === "workspacebuild",
    );
    expect(builds?.samples).toEqual([90, 95]);
    const dash = samples.find(
      (s) => s.metric === "scaletest_run_duration_seconds" && s.labels.test_name === "dashboard",
    );
    expect(dash?.samples).toEqual([1.5]);
    expect(samples.find((s) => s.metric === "scaletest_elapsed_seconds")?.value).toBe(62.5);
    expect(samples.find((s) => s.metric === "scaletest_runs_total")?.note).toBeUndefined();
  });

  it("reports malformed runs at their line", () => {
    const text = '{\n  "runs": {\n    "a/0": {\n      "duration_ms": "fast"\n    }\n  }\n}';
    expect(inputErrorOf(() => readCoderScaletest(text, "r.json"))).toBe(
      "r.json:4:22: runs.a/0.duration_ms: duration_ms must be a non-negative number of milliseconds",
    );
    expect(inputErrorOf(() => readCoderScaletest('{"runs": {"a/0": {"error": "<nil>"}}}', "r.json"))).toBe(
      "r.json:1:18: runs.a/0: run has neither duration_ms nor duration",
    );
  });
});

describe("Go durations", () => {
  it("parses time.Duration.String() output", () => {
    expect(parseGoDurationSeconds("1h2m3.5s")).toBe(3723.5);
    expect(parseGoDurationSeconds("350ms")).toBeCloseTo(0.35, 12);
    expect(parseGoDurationSeconds("1.5µs")).toBeCloseTo(1.5e-6, 15);
    expect(parseGoDurationSeconds("0s")).toBe(0);
    expect(parseGoDurationSeconds("0")).toBe(0);
    expect(parseGoDurationSeconds("-2s")).toBe(-2);
    expect(parseGoDurationSeconds("5 minutes")).toBeUndefined();
    expect(parseGoDurationSeconds("")).toBeUndefined();
  });
});
