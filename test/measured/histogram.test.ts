import { describe, expect, it } from "vitest";
import {
  foldIntoBuckets,
  histogramIncrease,
  histogramQuantile,
  sumHistograms,
} from "../../src/measured/histogram.js";

// coderd_api_request_latencies_seconds bounds (coderd/httpmw/prometheus.go).
const CODERD_BOUNDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30];
const counts = [0, 0, 10, 50, 200, 600, 900, 990, 1000, 1000, 1000];
const coderd = [...CODERD_BOUNDS.map((le, i) => ({ le, count: counts[i]! })), { le: Infinity, count: 1000 }];

describe("histogramQuantile", () => {
  it("interpolates across the coderd 0.1 → 0.5 s gap", () => {
    // rank 700 lies in (0.1, 0.5]: 600 below it, 300 inside → 0.1 + 0.4 · 100/300.
    expect(histogramQuantile(0.7, coderd)).toBeCloseTo(0.1 + (0.4 * 100) / 300, 12);
    // rank 900 is exactly the 0.5 bucket's count: the bucket's upper bound.
    expect(histogramQuantile(0.9, coderd)).toBeCloseTo(0.5, 12);
    // rank 950 in (0.5, 1]: 0.5 + 0.5 · 50/90.
    expect(histogramQuantile(0.95, coderd)).toBeCloseTo(0.5 + (0.5 * 50) / 90, 12);
  });

  it("interpolates the lowest bucket from 0 and ignores input order", () => {
    const buckets = [
      { le: Infinity, count: 10 },
      { le: 2, count: 10 },
      { le: 1, count: 4 },
    ];
    expect(histogramQuantile(0.2, buckets)).toBeCloseTo(0.5, 12); // rank 2 of 4 in [0, 1]
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(1.5, 12); // rank 7: 3 of 6 in (1, 2]
  });

  it("returns the highest finite bound for a rank in the +Inf bucket", () => {
    const buckets = [
      { le: 0.1, count: 2 },
      { le: 1, count: 6 },
      { le: 10, count: 9 },
      { le: Infinity, count: 10 },
    ];
    expect(histogramQuantile(0.95, buckets)).toBe(10);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1 + (0.9 * 3) / 4, 12);
  });

  it("returns the lowest bound when it is <= 0 and the rank falls there", () => {
    expect(
      histogramQuantile(0.1, [
        { le: -1, count: 5 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(-1);
  });

  it("follows PromQL's special cases", () => {
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 10 }])).toBeNaN(); // fewer than 2 buckets
    expect(
      histogramQuantile(0.5, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNaN(); // no observations
    expect(
      histogramQuantile(0.5, [
        { le: 1, count: 3 },
        { le: 2, count: 5 },
      ]),
    ).toBeNaN(); // no +Inf bucket
    expect(histogramQuantile(Number.NaN, coderd)).toBeNaN();
    expect(histogramQuantile(-0.1, coderd)).toBe(-Infinity);
    expect(histogramQuantile(1.1, coderd)).toBe(Infinity);
  });

  it("forces monotonic counts and merges equal bounds like Prometheus", () => {
    const dented = [
      { le: 1, count: 5 },
      { le: 2, count: 3 }, // impossible dip: treated as 5
      { le: 4, count: 10 },
      { le: Infinity, count: 10 },
    ];
    expect(histogramQuantile(0.5, dented)).toBeCloseTo(1, 12);
    const split = [
      { le: 1, count: 2 },
      { le: 1, count: 2 },
      { le: Infinity, count: 8 },
    ];
    expect(histogramQuantile(0.25, split)).toBeCloseTo(0.5, 12); // merged le=1 holds 4: rank 2 → 0.5
  });
});

describe("foldIntoBuckets", () => {
  it("counts values into cumulative buckets, le inclusive, with +Inf", () => {
    const h = foldIntoBuckets([0.05, 0.1, 0.3, 0.7, 40, Number.NaN], [1, 0.1, 0.5]);
    expect(h.buckets).toEqual([
      { le: 0.1, count: 2 },
      { le: 0.5, count: 3 },
      { le: 1, count: 4 },
      { le: Infinity, count: 5 },
    ]);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(41.15, 12);
  });

  it("gives the Prometheus-equivalent quantile of simulated values on measured bounds", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 0.2 + i * 0.0002); // 0.2 … 0.3998
    const exact = 0.2 + 950 * 0.0002;
    const bucketed = histogramQuantile(0.95, foldIntoBuckets(values, CODERD_BOUNDS).buckets);
    expect(bucketed).toBeCloseTo(0.1 + 0.4 * 0.95, 12); // all 1000 fall in (0.1, 0.5]
    expect(bucketed).not.toBeCloseTo(exact, 2);
  });
});

describe("histogram arithmetic", () => {
  it("sums bucket-wise and takes increases with counter-reset handling", () => {
    const a = {
      buckets: [
        { le: 1, count: 2 },
        { le: Infinity, count: 3 },
      ],
      count: 3,
      sum: 4,
    };
    const b = {
      buckets: [
        { le: 1, count: 5 },
        { le: Infinity, count: 9 },
      ],
      count: 9,
      sum: 10,
    };
    expect(sumHistograms([a, b])).toEqual({
      buckets: [
        { le: 1, count: 7 },
        { le: Infinity, count: 12 },
      ],
      count: 12,
      sum: 14,
    });
    expect(histogramIncrease(a, b)).toEqual({
      buckets: [
        { le: 1, count: 3 },
        { le: Infinity, count: 6 },
      ],
      count: 6,
      sum: 6,
    });
    expect(histogramIncrease(b, a)).toEqual(a); // restart: the later histogram is the increase
  });
});
