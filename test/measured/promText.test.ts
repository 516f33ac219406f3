import { describe, expect, it } from "vitest";
import { parseExposition, parseSampleLine, readPromText } from "../../src/measured/promText.js";
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

describe("readPromText", () => {
  const samples = readPromText(fixtureText("prom-scrapes.txt"), "scrapes.txt");

  it("turns counters into per-series rates between consecutive scrapes", () => {
    const cpu = samples.filter((s) => s.rawMetric === "process_cpu_seconds_total");
    expect(cpu.map((s) => [s.labels.pod, s.value, s.unit, s.derived, s.intervalSeconds, s.t])).toEqual([
      ["coderd-0", 3, "vcpu", "rate", 15, T0 + 15],
      ["coderd-1", 3.6, "vcpu", "rate", 15, T0 + 15],
      ["coder-provisioner-0", 0.35, "vcpu", "rate", 15, T0 + 15],
    ]);
    const rps = samples.filter((s) => s.rawMetric === "coderd_api_requests_processed_total");
    expect(rps.map((s) => [s.value, s.unit])).toEqual([
      [200, "1/s"],
      [150, "1/s"],
    ]);
  });

  it("keeps gauges as values with their line numbers", () => {
    const ws = samples.filter((s) => s.rawMetric === "coderd_api_concurrent_websockets");
    expect(ws.map((s) => [s.value, s.t, s.line])).toEqual([
      [1200, T0, 17],
      [1100, T0, 18],
      [1250, T0 + 15, 59],
      [1150, T0 + 15, 60],
    ]);
    const escapes = samples.find((s) => s.rawMetric === "capsim_fixture_escapes");
    expect(escapes?.labels.msg).toBe('a "quoted" \\ back\nslash, {braces}');
    expect(escapes?.value).toBeNaN();
    expect(samples.find((s) => s.rawMetric === "capsim_fixture_infinite")?.value).toBe(Infinity);
  });

  it("assembles histograms per scrape and the increase between scrapes", () => {
    const h = samples.filter((s) => s.rawMetric === "coderd_api_request_latencies_seconds");
    expect(h.map((s) => s.derived)).toEqual(["cumulative", "cumulative", "increase"]);
    const first = h[0]!.histogram!;
    expect(first.count).toBe(1000);
    expect(first.sum).toBe(150.5);
    expect(first.buckets).toHaveLength(12);
    expect(first.buckets[11]).toEqual({ le: Infinity, count: 1000 });
    expect(h[0]!.labels).toEqual({ method: "GET", path: "/api/v2/workspaces" });
    const inc = h[2]!;
    expect(inc.intervalSeconds).toBe(15);
    expect(inc.histogram!.count).toBe(1000);
    expect(inc.histogram!.sum).toBe(300);
    expect(inc.histogram!.buckets.map((b) => b.count)).toEqual([
      0, 0, 10, 40, 150, 400, 900, 980, 1000, 1000, 1000, 1000,
    ]);
  });

  it("keeps a counter seen once as a cumulative total", () => {
    const [s] = readPromText("# TYPE x_total counter\nx_total 42\n", "one.txt");
    expect(s).toMatchObject({ rawMetric: "x_total", value: 42, derived: "cumulative", t: null });
  });

  it("treats a drop in a counter as a reset", () => {
    const text = "c_total 100 1709287200000\nc_total 5 1709287210000\n";
    expect(readPromText(text, "reset.txt")[0]?.value).toBeCloseTo(0.5, 12);
  });

  it("reads OpenMetrics: _total counters, _created skipped, seconds timestamps, # EOF", () => {
    const data = parseMeasured(fixtureText("openmetrics.txt"), "om.txt");
    expect(data.format).toBe("openmetrics");
    expect(data.samples.map((s) => s.rawMetric)).toEqual([
      "process_cpu_seconds_total",
      "coderd_provisioner_job_queue_wait_seconds",
    ]);
    expect(data.samples[0]).toMatchObject({
      value: 3,
      derived: "rate",
      t: T0 + 10,
      metric: "coderd_cpu_vcpu",
    });
    expect(data.samples[1]!.histogram).toEqual({
      buckets: [
        { le: 0.1, count: 2 },
        { le: 1, count: 6 },
        { le: 10, count: 9 },
        { le: Infinity, count: 10 },
      ],
      count: 10,
      sum: 31.5,
    });
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
    expect(inputErrorOf(() => readPromText("ok 1\nbad{a=1} 2\n", "f.txt"))).toBe(
      "f.txt:2:7: label a: value must be in double quotes",
    );
    expect(inputErrorOf(() => readPromText('ok 1\n\nm{a="x"} twelve\n', "f.txt"))).toBe(
      'f.txt:3:10: value "twelve" is not a number',
    );
    expect(inputErrorOf(() => readPromText('m{a="x} 1\n', "f.txt"))).toBe(
      "f.txt:1:5: unterminated label value (missing closing quote)",
    );
    expect(inputErrorOf(() => readPromText("m 1 12.5\n", "f.txt"))).toBe(
      'f.txt:1:5: timestamp "12.5" is not integer milliseconds',
    );
    expect(inputErrorOf(() => readPromText("# TYPE m countr\nm 1\n", "f.txt"))).toBe(
      'f.txt:1:10: unknown metric type "countr"',
    );
  });

  it("rejects several scrapes without timestamps", () => {
    expect(inputErrorOf(() => readPromText("a 1\nb 2\na 3\n", "f.txt"))).toMatch(
      /^f\.txt:3:1: a appears again without a timestamp/,
    );
  });

  it("rejects histograms without +Inf or count, and text after # EOF", () => {
    expect(inputErrorOf(() => readPromText('h_bucket{le="1"} 3\nh_sum 2\n', "f.txt"))).toBe(
      'f.txt:1: histogram h has no le="+Inf" bucket and no _count',
    );
    expect(inputErrorOf(() => readPromText("a 1 1\n# EOF\nb 2\n", "f.txt"))).toBe(
      "f.txt:3:1: text after `# EOF`",
    );
  });
});
