import { describe, expect, it } from "vitest";
import {
  counterRates,
  groupSeries,
  quantile,
  reduceInWindows,
  reduceValues,
  sumAtInstants,
  sumPerReplicaMax,
  windowHistogram,
} from "../../src/measured/reduce.js";
import type { MeasuredSample } from "../../src/measured/sample.js";

function point(
  t: number,
  value: number,
  labels: Record<string, string> = {},
  rawMetric = "m",
): MeasuredSample {
  return {
    source: "prom-text",
    metric: rawMetric,
    rawMetric,
    labels,
    stage: null,
    unit: "1",
    scope: null,
    t,
    value,
    file: "f",
  };
}

describe("reductions", () => {
  it("computes median, mean, max, min and quantiles like PromQL quantile_over_time", () => {
    const values = [4, 1, 3, 2, Number.NaN];
    expect(reduceValues(values, { kind: "median" })).toBe(2.5);
    expect(reduceValues(values, { kind: "mean" })).toBe(2.5);
    expect(reduceValues(values, { kind: "max" })).toBe(4);
    expect(reduceValues(values, { kind: "min" })).toBe(1);
    expect(reduceValues(values, { kind: "quantile", q: 0.9 })).toBeCloseTo(3.7, 12); // rank 2.7 of 0..3
    expect(quantile([], 0.5)).toBeNaN();
    expect(reduceValues([Number.NaN], { kind: "mean" })).toBeNaN();
  });

  it("reduces per stage window, ends inclusive", () => {
    const points = [0, 10, 20, 30, 40].map((t) => ({ t, value: t / 10 }));
    const windows = [
      { name: "ssh", start: 0, end: 20 },
      { name: "dashboard", start: 20, end: 40 },
      { name: "cleanup", start: 100, end: 200 },
    ];
    expect(reduceInWindows(points, windows, { kind: "median" })).toEqual([
      { stage: "ssh", value: 1, points: 3 },
      { stage: "dashboard", value: 3, points: 3 },
      { stage: "cleanup", value: Number.NaN, points: 0 },
    ]);
  });
});

describe("combining series", () => {
  it("sums series scraped at different instants using their latest point within the lookback", () => {
    const a = [
      { t: 0, value: 1 },
      { t: 15, value: 2 },
    ];
    const b = [
      { t: 5, value: 10 },
      { t: 20, value: 20 },
    ];
    expect(sumAtInstants([a, b])).toEqual([
      { t: 0, value: 1 },
      { t: 5, value: 11 },
      { t: 15, value: 12 },
      { t: 20, value: 22 },
    ]);
    expect(sumAtInstants([a, b], 4)).toEqual([
      { t: 0, value: 1 },
      { t: 5, value: 10 },
      { t: 15, value: 2 },
      { t: 20, value: 20 },
    ]);
  });

  it("takes the largest replica's sum for gauges every replica exports in full", () => {
    const samples = [
      point(0, 1, { pod: "coderd-0", agent: "a" }),
      point(0, 1, { pod: "coderd-0", agent: "b" }),
      point(0, 1, { pod: "coderd-1", agent: "a" }),
      point(10, 1, { pod: "coderd-1", agent: "b" }),
    ];
    expect(sumPerReplicaMax(samples)).toEqual([
      { t: 0, value: 2 },
      { t: 10, value: 2 },
    ]);
  });

  it("groups samples into time-sorted series", () => {
    const groups = groupSeries([
      point(20, 2, { pod: "x" }),
      point(10, 1, { pod: "x" }),
      point(10, 5, { pod: "y" }),
    ]);
    expect([...groups.values()]).toEqual([
      [
        { t: 10, value: 1 },
        { t: 20, value: 2 },
      ],
      [{ t: 10, value: 5 }],
    ]);
  });

  it("rates counters with reset handling", () => {
    const rates = counterRates([
      { t: 0, value: 10 },
      { t: 10, value: 30 },
      { t: 20, value: 5 },
      { t: 20, value: 6 },
    ]);
    expect(rates).toEqual([
      { t: 10, value: 2, intervalSeconds: 10 },
      { t: 20, value: 0.5, intervalSeconds: 10 },
    ]);
  });
});

describe("window histograms", () => {
  const h = (count: number) => ({
    buckets: [
      { le: 1, count },
      { le: Infinity, count },
    ],
    count,
    sum: count,
  });
  const hist = (t: number, count: number, derived: "increase" | "cumulative", pod = "a"): MeasuredSample => ({
    ...point(t, 0, { pod }),
    value: undefined,
    histogram: h(count),
    derived,
  });

  it("sums the increases ending inside the window", () => {
    const samples = [
      hist(10, 5, "increase"),
      hist(20, 7, "increase"),
      hist(30, 100, "increase"),
      hist(20, 50, "cumulative"),
    ];
    expect(windowHistogram(samples, { start: 10, end: 20 })).toEqual({ histogram: h(12), cumulative: false });
  });

  it("falls back to each series' latest cumulative histogram", () => {
    const samples = [hist(10, 5, "cumulative"), hist(20, 9, "cumulative"), hist(20, 4, "cumulative", "b")];
    expect(windowHistogram(samples, null)).toEqual({ histogram: h(13), cumulative: true });
    expect(windowHistogram(samples, { start: 100, end: 200 })).toBeUndefined();
  });
});
