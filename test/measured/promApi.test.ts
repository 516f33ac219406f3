import { describe, expect, it } from "vitest";
import { parseJsonOrNdjson } from "../../src/measured/jsonRecords.js";
import { readPromApiRecords } from "../../src/measured/promApi.js";
import { parseMeasured } from "../../src/measured/read.js";
import { fixtureText, inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;

function readPromApi(text: string, file: string) {
  return readPromApiRecords(parseJsonOrNdjson(text, file).records, file);
}

describe("a bare query_range response of raw series", () => {
  const { series, answers } = readPromApi(fixtureText("prom-query-range.json"), "range.json");

  it("keeps raw series (they name themselves) as a TSDB holds them, counters cumulative", () => {
    expect(answers).toEqual([]);
    const cpu = series.filter((s) => s.labels.__name__ === "process_cpu_seconds_total");
    expect(cpu.map((s) => [s.labels.pod, Array.from(s.values)])).toEqual([
      ["coderd-0", [1000, 1045, 1090]],
      ["coderd-1", [2000, 2054, 100]],
    ]);
  });

  it("keeps gauges, string values and NaN", () => {
    const ws = series.find((s) => s.labels.__name__ === "coderd_api_concurrent_websockets")!;
    expect(ws.values[0]).toBe(1200);
    expect(ws.values[1]).toBeNaN();
    expect(ws.values[2]).toBe(1300);
  });

  it("drops the repeats of a step finer than the scrape interval", () => {
    const text = JSON.stringify({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "x_total" },
            values: [
              [T0, "1"],
              [T0 + 5, "1"],
              [T0 + 10, "1"],
              [T0 + 15, "4"],
            ],
          },
        ],
      },
    });
    const [x] = readPromApi(text, "fine.json").series;
    expect(Array.from(x!.times)).toEqual([T0, T0 + 15]);
  });
});

describe("query results saved with their query", () => {
  it("reads NDJSON {query, response} pairs: function results become answers to their query", () => {
    const data = parseMeasured(fixtureText("prom-query-pairs.ndjson"), "pairs.ndjson");
    expect(data.format).toBe("prom-api");
    const rps = data.answers!.find((a) => a.query === "sum(rate(coderd_api_requests_processed_total[1m]))")!;
    expect(Array.from(rps.series[0]!.values)).toEqual([350, 340, 360]);
    expect(data.series!.series.map((s) => s.labels.__name__)).toContain("coderd_agents_connections");
    expect(data.answers!.find((a) => a.query === "scalar(time())")!.series[0]!.values[0]).toBe(T0 + 30);
  });

  it("reads {query, data} documents", () => {
    const text = JSON.stringify({
      query: "sum(coderd_api_concurrent_websockets)",
      data: { resultType: "vector", result: [{ metric: {}, value: [T0, "2400"] }] },
    });
    const data = parseMeasured(text, "doc.json");
    expect(data.answers).toEqual([
      {
        query: "sum(coderd_api_concurrent_websockets)",
        series: [{ labels: {}, times: [T0], values: [2400] }],
      },
    ]);
  });

  it("refuses a function's result without its query, naming the fix", () => {
    const text = JSON.stringify({
      status: "success",
      data: { resultType: "matrix", result: [{ metric: { pod: "coder-0" }, values: [[T0, "3"]] }] },
    });
    expect(inputErrorOf(() => parseMeasured(text, "curl.json"))).toMatch(
      /^curl\.json:1:1: a query result without its query text: .*\{"query": "<the PromQL>", "data": /,
    );
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
