import { describe, expect, it } from "vitest";
import { readPromApi, recogniseQuery } from "../../src/measured/promApi.js";
import { parseMeasured } from "../../src/measured/read.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;

describe("Prometheus query_range results", () => {
  const samples = readPromApi(fixtureText("prom-query-range.json"), "range.json");

  it("rates raw counter series between points, handling a reset", () => {
    const cpu = samples.filter((s) => s.rawMetric === "process_cpu_seconds_total");
    expect(cpu.map((s) => [s.labels.pod, s.t, s.value])).toEqual([
      ["coderd-0", T0 + 15, 3],
      ["coderd-0", T0 + 30, 3],
      ["coderd-1", T0 + 15, 3.6],
      ["coderd-1", T0 + 30, 100 / 15],
    ]);
    expect(cpu.every((s) => s.derived === "rate" && s.unit === "vcpu" && s.source === "prom-range")).toBe(
      true,
    );
  });

  it("keeps gauges, string values and NaN", () => {
    const ws = samples.filter((s) => s.rawMetric === "coderd_api_concurrent_websockets").map((s) => s.value);
    expect(ws[0]).toBe(1200);
    expect(ws[1]).toBeNaN();
    expect(ws[2]).toBe(1300);
  });
});

describe("{query, response} pairs", () => {
  it("reads NDJSON pairs of matrix, vector and scalar results", () => {
    const data = parseMeasured(fixtureText("prom-query-pairs.ndjson"), "pairs.ndjson");
    expect(data.format).toBe("prom-api");
    const rps = data.samples.filter((s) => s.metric === "api_rps");
    expect(rps.map((s) => [s.t, s.value, s.derived, s.line])).toEqual([
      [T0, 350, "rate", 1],
      [T0 + 15, 340, "rate", 1],
      [T0 + 30, 360, "rate", 1],
    ]);
    const agents = data.samples.find((s) => s.rawMetric === "coderd_agents_connections");
    expect(agents).toMatchObject({ metric: "agent_connections", t: T0 + 30, value: 1, line: 2 });
    const quantile = data.samples.find((s) => s.line === 3);
    expect(quantile).toMatchObject({
      rawMetric: expect.stringMatching(/^histogram_quantile/),
      unit: "1",
      value: 0.8125,
    });
    expect(data.samples.find((s) => s.line === 4)).toMatchObject({
      rawMetric: "scalar(time())",
      value: T0 + 30,
    });
  });

  it("reads a JSON array of pairs", () => {
    const text = JSON.stringify([
      {
        query: "coderd_api_concurrent_websockets",
        response: { status: "success", data: { resultType: "vector", result: [] } },
      },
      {
        query: "sum(coderd_api_concurrent_websockets)",
        response: {
          status: "success",
          data: { resultType: "vector", result: [{ metric: {}, value: [T0, "2400"] }] },
        },
      },
    ]);
    const [s] = readPromApi(text, "pairs.json");
    expect(s).toMatchObject({ rawMetric: "coderd_api_concurrent_websockets", value: 2400, t: T0 });
    expect(s?.derived).toBeUndefined();
  });

  it("recognises simple queries so evaluated series can be mapped", () => {
    expect(recogniseQuery("rate(process_cpu_seconds_total[1m])")).toEqual({
      rawMetric: "process_cpu_seconds_total",
      rate: true,
    });
    expect(recogniseQuery('sum by (pod) (irate(process_cpu_seconds_total{job="coderd"}[5m]))')).toEqual({
      rawMetric: "process_cpu_seconds_total",
      rate: true,
    });
    expect(recogniseQuery('coderd_agents_connections{status="connected"}')).toEqual({
      rawMetric: "coderd_agents_connections",
      rate: false,
    });
    expect(recogniseQuery("sum(coderd_api_concurrent_websockets) by (pod)")).toEqual({
      rawMetric: "coderd_api_concurrent_websockets",
      rate: false,
    });
    expect(recogniseQuery("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))")).toBeUndefined();
    expect(recogniseQuery("a / b")).toBeUndefined();
  });
});

describe("Prometheus API errors", () => {
  it("turns status error into an InputError at the status line", () => {
    expect(inputErrorOf(() => parseMeasured(fixtureText("prom-query-error.json"), "err.json"))).toBe(
      'err.json:2:13: status: Prometheus returned an error: bad_data: invalid parameter "query": 1:6: parse error: unexpected end of input',
    );
  });

  it("names the failing NDJSON line and query", () => {
    const text = [
      JSON.stringify({
        query: "up",
        response: { status: "success", data: { resultType: "vector", result: [] } },
      }),
      JSON.stringify({
        query: "rate(x[1m])",
        response: { status: "error", errorType: "timeout", error: "query timed out" },
      }),
    ].join("\n");
    expect(inputErrorOf(() => readPromApi(text, "p.ndjson"))).toMatch(
      /^p\.ndjson:2:\d+: response\.status: Prometheus returned an error \(query rate\(x\[1m\]\)\): timeout: query timed out$/,
    );
  });

  it("positions malformed values and structure", () => {
    const text =
      '{"status":"success","data":{"resultType":"matrix","result":[\n{"metric":{},"values":[[1,"1"],[2,"x"]]}]}}';
    expect(inputErrorOf(() => readPromApi(text, "bad.json"))).toBe(
      'bad.json:2:35: data.result.0.values.1.1: value "x" is not a number',
    );
    const syntax = '{"status": "success",\n "data": {"resultType": "matrix", "result": [}\n}';
    expect(inputErrorOf(() => readPromApi(syntax, "syntax.json"))).toBe(
      'syntax.json:2:46: not valid JSON: unexpected character "}"',
    );
  });
});
