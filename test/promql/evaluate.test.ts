import { describe, expect, it } from "vitest";
import { evaluateInstant, evaluateRange, type Matrix } from "../../src/promql/index.js";
import type { Series, SeriesSet } from "../../src/series/types.js";

/** A series sampled every 15 s from t=0 with the given values. */
function series(labels: Record<string, string>, values: number[], every = 15): Series {
  return { labels, times: values.map((_, i) => i * every), values };
}

function at(m: Matrix, labels: Record<string, string>): Record<number, number> {
  const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort());
  const s = m.find((x) => key(x.labels) === key(labels));
  if (!s) throw new Error(`no series ${JSON.stringify(labels)} in ${JSON.stringify(m.map((x) => x.labels))}`);
  return Object.fromEntries(s.times.map((t, i) => [t, s.values[i]!]));
}

const counterWithReset: SeriesSet = {
  series: [
    // 0,10,20,...; resets to 0 at t=60 (index 4) and climbs by 10 again.
    series({ __name__: "req_total", pod: "a", code: "200" }, [0, 10, 20, 30, 0, 10, 20, 30, 40]),
    series({ __name__: "req_total", pod: "b", code: "200" }, [100, 130, 160, 190, 220, 250, 280, 310, 340]),
    series({ __name__: "req_total", pod: "b", code: "500" }, [5, 5, 5, 5, 6, 6, 6, 6, 6]),
  ],
};

describe("rate, increase, irate, delta", () => {
  it("adds the value before a counter reset (pod a, window [30,90] holds 20,30,0,10,20)", () => {
    const m = evaluateRange('rate(req_total{pod="a"}[1m])', counterWithReset, {
      start: 90,
      end: 90,
      step: 15,
    });
    // increase = (20 - 20) + 30 (reset) = 30 over 60 s sampled, no extrapolation needed.
    expect(at(m, { code: "200", pod: "a" })[90]).toBeCloseTo(30 / 60, 12);
  });

  it("extrapolates to the window edges by at most 1.1 average intervals, and to the zero point", () => {
    // At t=40 the window [-20,40] holds samples at 0,15,30 (values 100,130,160): sampled 30 s.
    // Start gap 20 s >= 1.1*15 -> half an interval (7.5 s); end gap 10 s < 16.5 -> 10 s.
    const m = evaluateRange('increase(req_total{pod="b",code="200"}[1m])', counterWithReset, {
      start: 40,
      end: 40,
      step: 1,
    });
    expect(at(m, { code: "200", pod: "b" })[40]).toBeCloseTo(60 * ((30 + 7.5 + 10) / 30), 9);
    // pod a at t=40: samples 0,10,20 at 0,15,30; zero point is at t=0 (duration to zero 0 s).
    const a = evaluateRange('increase(req_total{pod="a"}[1m])', counterWithReset, {
      start: 40,
      end: 40,
      step: 1,
    });
    expect(at(a, { code: "200", pod: "a" })[40]).toBeCloseTo(20 * ((30 + 0 + 10) / 30), 9);
  });

  it("irate uses the last two samples; delta does not treat drops as resets", () => {
    const m = evaluateRange('irate(req_total{pod="a"}[1m])', counterWithReset, {
      start: 60,
      end: 75,
      step: 15,
    });
    expect(at(m, { code: "200", pod: "a" })).toEqual({ 60: 0 / 15, 75: 10 / 15 });
    const d = evaluateRange('delta(req_total{pod="a"}[1m])', counterWithReset, {
      start: 60,
      end: 60,
      step: 15,
    });
    expect(at(d, { code: "200", pod: "a" })[60]).toBeCloseTo(0 - 0, 12);
  });

  it("needs two samples in the window", () => {
    const m = evaluateRange("rate(req_total[10s])", counterWithReset, { start: 0, end: 30, step: 15 });
    expect(m).toEqual([]);
  });
});

describe("aggregation", () => {
  it("sum by, sum without, avg, count, max, quantile", () => {
    const r = { start: 120, end: 120, step: 15 };
    expect(at(evaluateRange("sum by (pod) (req_total)", counterWithReset, r), { pod: "b" })[120]).toBe(346);
    expect(
      at(evaluateRange("sum without (pod) (req_total)", counterWithReset, r), { code: "200" })[120],
    ).toBe(380);
    expect(at(evaluateRange("sum(req_total) by (code)", counterWithReset, r), { code: "500" })[120]).toBe(6);
    expect(at(evaluateRange("avg(req_total)", counterWithReset, r), {})[120]).toBeCloseTo(386 / 3, 12);
    expect(at(evaluateRange("count(req_total)", counterWithReset, r), {})[120]).toBe(3);
    expect(at(evaluateRange("max by (pod) (req_total)", counterWithReset, r), { pod: "b" })[120]).toBe(340);
    // quantile(0.5) of {6, 40, 340} is 40; quantile(0.75): rank 1.5 -> 40 + 0.5*(340-40).
    expect(at(evaluateRange("quantile(0.5, req_total)", counterWithReset, r), {})[120]).toBe(40);
    expect(at(evaluateRange("quantile(0.75, req_total)", counterWithReset, r), {})[120]).toBe(190);
  });

  it("keeps the metric name only when asked for by(__name__)", () => {
    const m = evaluateRange("sum by (__name__) (req_total)", counterWithReset, { start: 0, end: 0, step: 1 });
    expect(m[0]!.labels).toEqual({ __name__: "req_total" });
  });
});

describe("histogram_quantile", () => {
  const buckets = (le: string, perSecond: number): Series =>
    series(
      { __name__: "lat_seconds_bucket", le, path: "/api" },
      Array.from({ length: 9 }, (_, i) => perSecond * i * 15),
    );
  // Per second: 10 obs <= 0.1, 30 <= 0.5 (20 between), 40 <= 1 (10 between), 40 total.
  const data: SeriesSet = {
    series: [buckets("0.1", 10), buckets("0.5", 30), buckets("1", 40), buckets("+Inf", 40)],
  };

  it("interpolates inside the bucket holding the rank and drops le", () => {
    const q = (x: number) =>
      at(
        evaluateRange(`histogram_quantile(${x}, rate(lat_seconds_bucket[1m]))`, data, {
          start: 120,
          end: 120,
          step: 1,
        }),
        { path: "/api" },
      )[120]!;
    // rank 0.5*40 = 20: bucket (0.1, 0.5], 10 below, 20 in it -> 0.1 + 0.4 * (10/20).
    expect(q(0.5)).toBeCloseTo(0.3, 12);
    // rank 0.9*40 = 36: bucket (0.5, 1], 30 below, 10 in it -> 0.5 + 0.5 * 0.6.
    expect(q(0.9)).toBeCloseTo(0.8, 12);
    // rank 0.1*40 = 4 in the first bucket, which starts at 0.
    expect(q(0.1)).toBeCloseTo(0.04, 12);
  });

  it("is NaN without observations or without a +Inf bucket; highest finite bound when the rank is in +Inf", () => {
    const flat: SeriesSet = {
      series: [
        series({ __name__: "h_bucket", le: "1" }, [0, 0, 0]),
        series({ __name__: "h_bucket", le: "+Inf" }, [0, 0, 0]),
      ],
    };
    expect(
      at(evaluateRange("histogram_quantile(0.5, h_bucket)", flat, { start: 30, end: 30, step: 1 }), {})[30],
    ).toBeNaN();
    const noInf: SeriesSet = { series: [series({ __name__: "h_bucket", le: "1" }, [5])] };
    expect(
      at(evaluateRange("histogram_quantile(0.5, h_bucket)", noInf, { start: 0, end: 0, step: 1 }), {})[0],
    ).toBeNaN();
    const top: SeriesSet = {
      series: [
        series({ __name__: "h_bucket", le: "1" }, [1]),
        series({ __name__: "h_bucket", le: "+Inf" }, [10]),
      ],
    };
    expect(
      at(evaluateRange("histogram_quantile(0.9, h_bucket)", top, { start: 0, end: 0, step: 1 }), {})[0],
    ).toBe(1);
  });

  it("fixes non-monotonic buckets", () => {
    const bad: SeriesSet = {
      series: [
        series({ __name__: "h_bucket", le: "1" }, [10]),
        series({ __name__: "h_bucket", le: "2" }, [8]),
        series({ __name__: "h_bucket", le: "+Inf" }, [20]),
      ],
    };
    // counts become 10, 10, 20: rank 0.5*20 = 10 falls in the first bucket -> 1.
    expect(
      at(evaluateRange("histogram_quantile(0.5, h_bucket)", bad, { start: 0, end: 0, step: 1 }), {})[0],
    ).toBe(1);
  });
});

describe("selectors, lookback and staleness", () => {
  const gappy: SeriesSet = {
    series: [
      { labels: { __name__: "g", pod: "a" }, times: [0, 15, 30, 400], values: [1, 2, Number.NaN, 4] },
      { labels: { __name__: "g", pod: "bb" }, times: [0], values: [7] },
    ],
  };

  it("takes the latest sample within the lookback delta; NaN is no sample", () => {
    const m = evaluateRange("g", gappy, { start: 0, end: 400, step: 100 });
    // pod a: t=30 is NaN, so the last sample at t=300 is 2 (at 15 s, within 300 s).
    expect(at(m, { __name__: "g", pod: "a" })).toEqual({ 0: 1, 100: 2, 200: 2, 300: 2, 400: 4 });
    expect(at(m, { __name__: "g", pod: "bb" })).toEqual({ 0: 7, 100: 7, 200: 7, 300: 7 });
    const short = evaluateRange("g", gappy, { start: 0, end: 400, step: 100 }, { lookbackSeconds: 60 });
    expect(at(short, { __name__: "g", pod: "a" })).toEqual({ 0: 1, 400: 4 });
  });

  it("Prometheus 2 includes a sample exactly lookback old; Prometheus 3 does not", () => {
    expect(
      at(evaluateRange("g", gappy, { start: 300, end: 300, step: 1 }), { __name__: "g", pod: "bb" }),
    ).toEqual({ 300: 7 });
    expect(
      evaluateRange('g{pod="bb"}', gappy, { start: 300, end: 300, step: 1 }, { prometheusMajor: 3 }),
    ).toEqual([]);
  });

  it("matches = != =~ !~ with anchored regexes and __name__", () => {
    const r = { start: 0, end: 0, step: 1 };
    const pods = (q: string) => evaluateRange(q, gappy, r).map((s) => s.labels.pod);
    expect(pods('g{pod=~"b"}')).toEqual([]);
    expect(pods('g{pod=~"b+"}')).toEqual(["bb"]);
    expect(pods('g{pod!~"a|c"}')).toEqual(["bb"]);
    expect(pods('g{pod!="a"}')).toEqual(["bb"]);
    expect(pods('{__name__="g", pod="a"}')).toEqual(["a"]);
    expect(pods('{__name__=~"g|h"}')).toEqual(["a", "bb"]);
    expect(pods('g{missing=""}')).toEqual(["a", "bb"]);
  });

  it("offset looks back in time", () => {
    const m = evaluateRange("g offset 400s", gappy, { start: 400, end: 400, step: 1 });
    expect(at(m, { __name__: "g", pod: "a" })).toEqual({ 400: 1 });
  });

  it("instant queries return raw samples for a range selector", () => {
    const m = evaluateInstant('g{pod="a"}[1m]', gappy, 30);
    expect(m).toEqual([{ labels: { __name__: "g", pod: "a" }, times: [0, 15], values: [1, 2] }]);
  });
});

describe("binary operators", () => {
  const data: SeriesSet = {
    series: [
      series({ __name__: "used", pod: "a", job: "x" }, [2]),
      series({ __name__: "used", pod: "b", job: "x" }, [6]),
      series({ __name__: "limit", pod: "a" }, [4]),
      series({ __name__: "limit", pod: "b" }, [4]),
      series({ __name__: "quota", pod: "a" }, [8]),
      series({ __name__: "info", pod: "a", node: "n1" }, [1]),
      series({ __name__: "info", pod: "b", node: "n2" }, [1]),
    ],
  };
  const r = { start: 0, end: 0, step: 1 };

  it("scalar arithmetic, precedence, unary minus and ^ right-associative", () => {
    expect(evaluateRange("1 + 2 * 3 ^ 2 ^ 0.5 - -1", data, r)[0]!.values[0]).toBeCloseTo(
      1 + 2 * 3 ** (2 ** 0.5) + 1,
      12,
    );
    expect(evaluateRange("-2 ^ 2", data, r)[0]!.values[0]).toBe(-4);
    expect(evaluateRange("7 % 3 / (1 > bool 0)", data, r)[0]!.values[0]).toBe(1);
  });

  it("vector-scalar drops the name for arithmetic, keeps it for a filter", () => {
    expect(at(evaluateRange("used * 10", data, r), { job: "x", pod: "b" })[0]).toBe(60);
    expect(evaluateRange("used > 3", data, r).map((s) => s.labels)).toEqual([
      { __name__: "used", job: "x", pod: "b" },
    ]);
    expect(at(evaluateRange("3 < used", data, r), { __name__: "used", job: "x", pod: "b" })[0]).toBe(6);
    expect(at(evaluateRange("used > bool 3", data, r), { job: "x", pod: "a" })[0]).toBe(0);
  });

  it("vector-vector one-to-one with on and ignoring", () => {
    expect(at(evaluateRange("used / on(pod) limit", data, r), { pod: "b" })[0]).toBe(1.5);
    expect(at(evaluateRange("used / ignoring(job) limit", data, r), { pod: "a" })[0]).toBe(0.5);
    expect(evaluateRange("used / limit", data, r)).toEqual([]); // job label differs: no match
    expect(evaluateRange("used > on(pod) limit", data, r).map((s) => s.labels)).toEqual([{ pod: "b" }]);
  });

  it("group_left copies labels from the one side; ambiguous matches are errors", () => {
    const m = evaluateRange("used * on(pod) group_left(node) info", data, r);
    expect(m.map((s) => s.labels)).toEqual([
      { job: "x", node: "n1", pod: "a" },
      { job: "x", node: "n2", pod: "b" },
    ]);
    expect(() => evaluateRange("sum(used) / on() limit", data, r)).toThrow(/many-to-many/);
    expect(() => evaluateRange('{__name__=~"limit|quota"} / on() group_left vector(1)', data, r)).toThrow(
      /grouping labels must ensure unique/,
    );
  });

  it("and, or, unless", () => {
    const pods = (q: string) => evaluateRange(q, data, r).map((s) => `${s.labels.__name__}/${s.labels.pod}`);
    expect(pods("used and on(pod) (limit > 3)")).toEqual(["used/a", "used/b"]);
    expect(pods("used unless on(pod) (used > 3)")).toEqual(["used/a"]);
    expect(pods("used or limit")).toEqual(["limit/a", "limit/b", "used/a", "used/b"]);
  });
});

describe("functions", () => {
  const data: SeriesSet = { series: [series({ __name__: "x", pod: "a" }, [3, -1, 4, -1, 5])] };
  const r = { start: 60, end: 60, step: 1 };

  it("_over_time functions over the window [t-range, t]", () => {
    const v = (q: string) => evaluateRange(q, data, r)[0]!.values[0];
    expect(v("avg_over_time(x[1m])")).toBe(2);
    expect(v("sum_over_time(x[30s])")).toBe(8);
    expect(v("min_over_time(x[1m])")).toBe(-1);
    expect(v("max_over_time(x[1m])")).toBe(5);
    expect(v("count_over_time(x[1m])")).toBe(5);
    expect(v("last_over_time(x[1m])")).toBe(5);
    expect(v("quantile_over_time(0.5, x[1m])")).toBe(3);
    expect(evaluateRange("last_over_time(x[1m])", data, r)[0]!.labels).toEqual({ __name__: "x", pod: "a" });
  });

  it("abs, clamp_min, clamp_max, scalar, vector, time", () => {
    const v = (q: string) => evaluateRange(q, data, { start: 15, end: 15, step: 1 })[0]!.values[0];
    expect(v("abs(x)")).toBe(1);
    expect(v("clamp_min(x, 0)")).toBe(0);
    expect(v("clamp_max(x, -2)")).toBe(-2);
    expect(v("scalar(x) * 2")).toBe(-2);
    expect(v("vector(time())")).toBe(15);
    expect(evaluateRange("scalar(x)", { series: [] }, { start: 0, end: 0, step: 1 })[0]!.values[0]).toBeNaN();
  });

  it("label_replace", () => {
    const m = evaluateRange('label_replace(x, "replica", "r-$1", "pod", "(.*)")', data, r);
    expect(m[0]!.labels).toEqual({ __name__: "x", pod: "a", replica: "r-a" });
  });

  it("Grafana variables from opts.vars", () => {
    const m = evaluateRange("count_over_time(x[$__range])", data, r, { vars: { __range: 30 } });
    expect(m[0]!.values[0]).toBe(3);
  });

  it("notices a SeriesSet whose series grew, and refuses two series with one label set", () => {
    const growing = { series: [{ labels: { __name__: "n" }, times: [0], values: [1] }] };
    expect(evaluateRange("n", growing, { start: 0, end: 0, step: 1 })[0]!.values).toEqual([1]);
    growing.series[0]!.times.push(10);
    growing.series[0]!.values.push(2);
    expect(evaluateRange("n", growing, { start: 10, end: 10, step: 1 })[0]!.values).toEqual([2]);
    const twice = { series: [growing.series[0]!, growing.series[0]!] };
    expect(() => evaluateRange("n", twice, { start: 0, end: 0, step: 1 })).toThrow(/same labels/);
  });

  it("refuses a result with two series of the same labels", () => {
    const twice: SeriesSet = {
      series: [series({ __name__: "a", pod: "p" }, [1]), series({ __name__: "b", pod: "p" }, [1])],
    };
    expect(() => evaluateRange('abs({__name__=~"a|b"})', twice, { start: 0, end: 0, step: 1 })).toThrow(
      /same labelset/,
    );
  });
});
