import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/measured/detect.js";
import { parseMeasured, readMeasuredFile } from "../../src/measured/read.js";
import { fixturePath, fixtureText, inputErrorOf } from "./fixtures.js";

describe("format detection from content", () => {
  it.each([
    ["capsim-figures.yaml", "capsim-yaml", "capsim"],
    ["capsim-figures.csv", "capsim-csv", "capsim"],
    ["prom-scrapes.txt", "prom-text", "prom-text"],
    ["openmetrics.txt", "openmetrics", "prom-text"],
    ["prom-query-range.json", "prom-api", "prom-range"],
    ["prom-query-pairs.ndjson", "prom-api", "prom-range"],
    ["grafana-panel.csv", "grafana-csv", "grafana-csv"],
    ["grafana-formatted.csv", "grafana-csv", "grafana-csv"],
    ["coder-scaletest-results-example.json", "coder-scaletest", "coder-scaletest"],
    ["k6-handle-summary.json", "k6-summary", "k6-summary"],
    ["k6-summary-v1.json", "k6-summary-v1", "k6-summary"],
    ["k6-summary-export.json", "k6-summary-export", "k6-summary"],
  ])("%s is %s", (name, format, source) => {
    const data = readMeasuredFile(fixturePath(name));
    expect(data.format).toBe(format);
    // Time-series formats give series (and saved answers); summary formats give samples.
    const count =
      data.samples.length +
      (data.series?.series.length ?? 0) +
      (data.answers?.length ?? 0) +
      (data.unmapped?.size ?? 0);
    expect(count).toBeGreaterThan(0);
    expect(data.samples.every((s) => s.source === source && s.file === fixturePath(name))).toBe(true);
  });

  it("ignores the file name", () => {
    expect(parseMeasured(fixtureText("prom-scrapes.txt"), "dump.csv").format).toBe("prom-text");
    expect(parseMeasured(fixtureText("grafana-panel.csv"), "panel.yaml").format).toBe("grafana-csv");
    expect(parseMeasured(fixtureText("capsim-figures.yaml"), "figures.json").format).toBe("capsim-yaml");
  });

  it("reads Prometheus text without HELP/TYPE lines, and capsim JSON as YAML", () => {
    expect(detectFormat("up 1\nprocess_cpu_seconds_total 12.5\n", "x").format).toBe("prom-text");
    expect(detectFormat('{"figures": [{"metric": "api_rps_median", "value": 1}]}', "x").format).toBe(
      "capsim-yaml",
    );
    expect(detectFormat('[{"metric": "api_rps_median", "value": 1}]', "x").format).toBe("capsim-yaml");
  });

  it("explains what it expected when nothing matches", () => {
    expect(inputErrorOf(() => parseMeasured("\n\nhello there, world\n", "notes.txt"))).toMatch(
      /^notes\.txt:3: unrecognised format: expected capsim YAML\/CSV, Prometheus text/,
    );
    expect(inputErrorOf(() => parseMeasured('{"hello": 1}', "x.json"))).toMatch(
      /^x\.json:1: JSON not recognised/,
    );
    expect(inputErrorOf(() => parseMeasured("   \n", "empty.txt"))).toBe("empty.txt: empty file");
    expect(inputErrorOf(() => readMeasuredFile(fixturePath("does-not-exist.json")))).toMatch(
      /: cannot read: no such file$/,
    );
  });

  it("never lets a non-InputError escape", () => {
    // Deep enough to overflow a recursive scanner; the failure still comes back as an InputError.
    expect(inputErrorOf(() => parseMeasured("[".repeat(200_000), "deep.json"))).toBe(
      "deep.json:1:65: nested deeper than 64 levels",
    );
  });
});
