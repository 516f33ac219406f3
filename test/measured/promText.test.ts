import { describe, expect, it } from "vitest";
import { parseExposition, parseSampleLine, readExpositionSeries } from "../../src/measured/promText.js";
import { parseMeasured } from "../../src/measured/read.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;

describe("Prometheus text sample lines", () => {
  it("unescapes label values and keeps commas and braces inside them", () => {
    const point = parseSampleLine('m{msg="a \\"q\\" \\\\ b\\nc, {x}",z=""} 1.5e3 1709287200000', false);
    expect(point).toEqual({ name: "m", labels: { msg: 'a "q" \\ b\nc, {x}', z: "" }, t: T0, value: 1500 });
  });

  it("reads NaN and ±Inf values, and untimed lines", () => {
    expect(parseSampleLine("a NaN", false).value).toBeNaN();
    expect(parseSampleLine("a +Inf", false).value).toBe(Infinity);
    expect(parseSampleLine("a{} -Inf", false)).toEqual({ name: "a", labels: {}, t: null, value: -Infinity });
  });

  it("reads OpenMetrics seconds timestamps and skips exemplars", () => {
    const point = parseSampleLine('a_bucket{le="0.1"} 2 1709287200.5 # {trace_id="x"} 0.05 1709287199', true);
    expect(point).toEqual({ name: "a_bucket", labels: { le: "0.1" }, t: T0 + 0.5, value: 2 });
  });

  it("accepts UTF-8 metric names quoted inside the braces", () => {
    expect(parseSampleLine('{"db.cpu", pod="x"} 0.8', false)).toEqual({
      name: "db.cpu",
      labels: { pod: "x" },
      t: null,
      value: 0.8,
    });
  });
});

describe("readExpositionSeries", () => {
  const series = readExpositionSeries(fixtureText("prom-scrapes.txt"), "scrapes.txt");
  const named = (name: string) => series.filter((s) => s.labels.__name__ === name);

  it("keeps counters cumulative, one series per label set, as a TSDB stores them", () => {
    const cpu = named("process_cpu_seconds_total");
    expect(cpu.map((s) => [s.labels.pod, Array.from(s.times), Array.from(s.values)])).toEqual([
      ["coderd-0", [T0, T0 + 15], [1000, 1045]],
      ["coderd-1", [T0, T0 + 15], [2000, 2054]],
      ["coder-provisioner-0", [T0, T0 + 15], [50, 55.25]],
    ]);
  });

  it("keeps gauges, escapes, NaN and infinities", () => {
    const ws = named("coderd_api_concurrent_websockets");
    expect(ws.map((s) => Array.from(s.values))).toEqual([
      [1200, 1250],
      [1100, 1150],
    ]);
    const escapes = named("capsim_fixture_escapes")[0]!;
    expect(escapes.labels.msg).toBe('a "quoted" \\ back\nslash, {braces}');
    expect(escapes.values[0]).toBeNaN();
    expect(named("capsim_fixture_infinite")[0]!.values[0]).toBe(Infinity);
  });

  it("keeps histogram buckets, sums and counts as their own series", () => {
    const buckets = named("coderd_api_request_latencies_seconds_bucket");
    expect(buckets).toHaveLength(12);
    expect(buckets.find((b) => b.labels.le === "+Inf")!.values[0]).toBe(1000);
    expect(named("coderd_api_request_latencies_seconds_sum")[0]!.values[0]).toBe(150.5);
  });

  it("places an unstamped scrape at its header's time, with its target labels", () => {
    const text =
      "# capsim-scrape-time: 2024-03-01T10:00:00Z\n# capsim-target: job=coder,pod=coder-0\nx_total 42\n";
    expect(readExpositionSeries(text, "one.txt")).toEqual([
      { labels: { job: "coder", pod: "coder-0", __name__: "x_total" }, times: [T0], values: [42] },
    ]);
  });

  it("reads OpenMetrics: _total names kept, _created dropped, seconds timestamps", () => {
    const data = parseMeasured(fixtureText("openmetrics.txt"), "om.txt");
    expect(data.format).toBe("openmetrics");
    const names = data.series!.series.map((s) => s.labels.__name__);
    expect(names).toContain("process_cpu_seconds_total");
    expect(names.some((n) => n?.endsWith("_created"))).toBe(false);
    const cpu = data.series!.series.find((s) => s.labels.__name__ === "process_cpu_seconds_total")!;
    expect(Array.from(cpu.times)).toEqual([T0, T0 + 10]);
  });

  it("records TYPE lines", () => {
    const { types } = parseExposition('# TYPE a histogram\n# TYPE b summary\nb{quantile="0.5"} 1\n', "t.txt");
    expect([...types.entries()]).toEqual([
      ["a", "histogram"],
      ["b", "summary"],
    ]);
  });
});

describe("Prometheus text errors", () => {
  it("positions malformed lines", () => {
    expect(inputErrorOf(() => readExpositionSeries("ok 1\nbad{a=1} 2\n", "f.txt"))).toBe(
      "f.txt:2:7: label a: value must be in double quotes",
    );
    expect(inputErrorOf(() => readExpositionSeries('ok 1\n\nm{a="x"} twelve\n', "f.txt"))).toBe(
      'f.txt:3:10: value "twelve" is not a number',
    );
    expect(inputErrorOf(() => readExpositionSeries('m{a="x} 1\n', "f.txt"))).toBe(
      "f.txt:1:5: unterminated label value (missing closing quote)",
    );
    expect(inputErrorOf(() => readExpositionSeries("m 1 12.5\n", "f.txt"))).toBe(
      'f.txt:1:5: timestamp "12.5" is not integer milliseconds',
    );
    expect(inputErrorOf(() => readExpositionSeries("# TYPE m countr\nm 1\n", "f.txt"))).toBe(
      'f.txt:1:10: unknown metric type "countr"',
    );
  });

  it("rejects several scrapes without timestamps", () => {
    expect(inputErrorOf(() => readExpositionSeries("a 1\nb 2\na 3\n", "f.txt"))).toMatch(
      /^f\.txt:3:1: a appears again without a timestamp/,
    );
  });

  it("rejects text after # EOF", () => {
    expect(inputErrorOf(() => readExpositionSeries("a 1 1\n# EOF\nb 2\n", "f.txt"))).toBe(
      "f.txt:3:1: text after `# EOF`",
    );
  });
});
