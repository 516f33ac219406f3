import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import {
  confidenceInterval,
  intervalBounds,
  pairedDifferenceCI,
  UNIT_RANGE,
} from "../../src/engine/stats/confidence.js";
import { mser5 } from "../../src/engine/stats/mser.js";
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from "../../src/engine/stats/studentT.js";

/** Seeded standard normals by Box–Muller. */
function normalStream(seed: string): () => number {
  const rng = seedrandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

describe("studentTQuantile", () => {
  it("reproduces the printed 97.5% table", () => {
    const table: [number, number][] = [
      [1, 12.7062],
      [2, 4.3027],
      [9, 2.2622],
      [30, 2.0423],
      [1000, 1.9623],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 4);
  });

  it("matches high-precision reference values to 1e-9 (scipy.stats.t.ppf)", () => {
    const reference: [number, number, number][] = [
      [0.975, 1, 12.706204736174694],
      [0.995, 1, 63.656741162871526],
      [0.975, 3, 3.1824463052837078],
      [0.995, 5, 4.032142983555228],
      [0.975, 10, 2.228138851986274],
      [0.975, 100, 1.9839715185235518],
      [0.975, 1000, 1.9623390808264083],
      [0.975, 1e5, 1.9599877075346095],
      [0.6, 9, 0.260955336473911],
      [0.975, 2.5, 3.5746548420036817],
      [0.975, 0.5, 164.55767348048818],
    ];
    for (const [p, df, t] of reference) expect(Math.abs(studentTQuantile(p, df) - t) / t).toBeLessThan(1e-9);
  });

  it("keeps relative precision in far tails", () => {
    const reference: [number, number][] = [
      [1, -3183098861.8379064],
      [2, -70710.67810804816],
      [3, -2225.769284683093],
      [30, -9.377489780407144],
      [1000, -6.427876283134213],
    ];
    for (const [df, t] of reference) expect(studentTQuantile(1e-10, df) / t).toBeCloseTo(1, 9);
  });

  it("uses the normal quantile at df = Infinity and approaches it for huge df", () => {
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
    expect(studentTQuantile(0.975, 1e12)).toBeCloseTo(1.959963984540054, 10);
  });

  it("inverts the CDF across df and p", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-8, max: 1 - 1e-8, noNaN: true }),
        fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.3, max: 1e6, noNaN: true })),
        (p, df) => {
          const t = studentTQuantile(p, df);
          const back = studentTCdf(t, df);
          expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
        },
      ),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it("is antisymmetric, exact at the median and infinite at 0 and 1", () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.1, 7)).toBeCloseTo(-studentTQuantile(0.9, 7), 13);
    expect(studentTQuantile(0, 7)).toBe(Number.NEGATIVE_INFINITY);
    expect(studentTQuantile(1, 7)).toBe(Number.POSITIVE_INFINITY);
    expect(() => studentTQuantile(1.2, 7)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
  });
});

describe("studentTCdf and the normal", () => {
  it("matches scipy.stats.t.cdf", () => {
    const reference: [number, number, number][] = [
      [2.0, 3, 0.9303370157205785],
      [-5, 7, 0.0007826389765864124],
      [0.3, 1.5, 0.5997639015982075],
      [40, 2, 0.9996877926639076],
      [1.0, 1e6, 0.8413446250832108],
    ];
    for (const [t, df, p] of reference) expect(studentTCdf(t, df) / p).toBeCloseTo(1, 11);
    expect(studentTCdf(0, 4)).toBe(0.5);
  });

  it("has AS241 normal quantiles and an accurate normal CDF", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.02425)).toBeCloseTo(-1.972961051311885, 14);
    expect(normalQuantile(1e-300) / -37.0470962993612).toBeCloseTo(1, 13);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 11);
    for (const p of [1e-12, 0.001, 0.3, 0.5, 0.77, 0.999999])
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
  });
});

describe("confidenceInterval", () => {
  it("computes the t interval of a small sample", () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    const halfWidth = (2.7764451051977934 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(ci.halfWidth).toBeCloseTo(halfWidth, 12);
    expect(ci.lo).toBeCloseTo(3 - halfWidth, 12);
    expect(ci.hi).toBeCloseTo(3 + halfWidth, 12);
    expect(ci.relHalfWidth).toBeCloseTo(halfWidth / 3, 12);
    expect(confidenceInterval([1, 2, 3, 4, 5], 0.99).halfWidth).toBeGreaterThan(halfWidth);
  });

  it("returns NaN spread for a single observation and rejects bad input", () => {
    const ci = confidenceInterval([7]);
    expect(ci.mean).toBe(7);
    for (const v of [ci.sd, ci.halfWidth, ci.lo, ci.hi, ci.relHalfWidth]) expect(v).toBeNaN();
    expect(JSON.parse(JSON.stringify(ci)).lo).toBeNull();
    expect(() => confidenceInterval([])).toThrow(RangeError);
    expect(() => confidenceInterval([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => confidenceInterval([1, 2], 1)).toThrow(/level/);
  });

  it("is numerically stable for large offsets and handles a zero mean", () => {
    const ci = confidenceInterval([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(ci.sd).toBeCloseTo(1, 9);
    expect(confidenceInterval([-1, 1]).relHalfWidth).toBe(Number.POSITIVE_INFINITY);
    expect(confidenceInterval([2, 2, 2]).relHalfWidth).toBe(0);
  });

  it("covers the true mean at about the nominal 95% rate (2000 fixed seeds, n = 10)", () => {
    let covered = 0;
    const trials = 2000;
    for (let seed = 0; seed < trials; seed++) {
      const z = normalStream(`ci-${seed}`);
      const sample = Array.from({ length: 10 }, () => 5 + 2 * z());
      const ci = confidenceInterval(sample);
      if (ci.lo <= 5 && 5 <= ci.hi) covered++;
    }
    // ±0.02 is four binomial standard deviations around 0.95.
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe("intervalBounds", () => {
  it("is the interval's [lo, hi], or null without a variance estimate", () => {
    const ci = confidenceInterval([0.4, 0.42, 0.44]);
    expect(intervalBounds([0.4, 0.42, 0.44])).toEqual([ci.lo, ci.hi]);
    expect(intervalBounds([0.42])).toBeNull();
    expect(intervalBounds([])).toBeNull();
  });

  it("clamps to the values the quantity can take", () => {
    // mean 1/3, sd 0.4907, t(0.975, 2) 4.303: the t interval is -0.886 .. 1.553.
    const ci = confidenceInterval([0.05, 0.05, 0.9]);
    expect(ci.lo).toBeLessThan(0);
    expect(ci.hi).toBeGreaterThan(1);
    expect(intervalBounds([0.05, 0.05, 0.9], 0.95, UNIT_RANGE)).toEqual([0, 1]);
    expect(intervalBounds([0.4, 0.42, 0.44], 0.95, UNIT_RANGE)).toEqual(intervalBounds([0.4, 0.42, 0.44]));
  });
});

describe("pairedDifferenceCI", () => {
  it("detects a small difference under common random numbers that separate CIs cannot", () => {
    const z = normalStream("crn");
    const shared = Array.from({ length: 20 }, () => 10 + 3 * z());
    const a = shared.map((v) => v + 0.2 + 0.05 * z());
    const b = shared.map((v) => v + 0.05 * z());
    const paired = pairedDifferenceCI(a, b);
    expect(paired.excludesZero).toBe(true);
    expect(paired.mean).toBeGreaterThan(0.1);
    expect(paired.lo).toBeGreaterThan(0);
    const ca = confidenceInterval(a);
    const cb = confidenceInterval(b);
    expect(ca.lo < cb.hi && cb.lo < ca.hi).toBe(true);
  });

  it("does not claim a difference for identical configurations or one pair", () => {
    const z = normalStream("same");
    const a = Array.from({ length: 10 }, () => z());
    expect(pairedDifferenceCI(a, a).excludesZero).toBe(false);
    expect(pairedDifferenceCI([1], [0]).excludesZero).toBe(false);
    expect(() => pairedDifferenceCI([1, 2], [1])).toThrow(/equal length/);
  });
});

describe("mser5", () => {
  it("truncates roughly the 100-point transient of a decaying series", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const z = normalStream(`mser-${seed}`);
      const series = [
        ...Array.from({ length: 100 }, (_, i) => 10 * (1 - i / 100) + z()),
        ...Array.from({ length: 900 }, () => z()),
      ];
      const r = mser5(series);
      expect(r.batchCount).toBe(200);
      expect(r.tooShort).toBe(false);
      expect(r.truncateObservations).toBe(5 * r.batchesDropped);
      expect(r.truncateObservations).toBeGreaterThanOrEqual(60);
      expect(r.truncateObservations).toBeLessThanOrEqual(160);
    }
  });

  it("keeps almost all of a stationary series", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const z = normalStream(`stationary-${seed}`);
      const r = mser5(Float64Array.from({ length: 1000 }, () => z()));
      expect(r.tooShort).toBe(false);
      expect(r.truncateObservations).toBeLessThan(200);
    }
    expect(mser5(new Array(50).fill(3)).truncateObservations).toBe(0);
  });

  it("flags a run still trending at the half-way point, or with too few batches", () => {
    const ramp = Array.from({ length: 1000 }, (_, i) => i / 100);
    expect(mser5(ramp).tooShort).toBe(true);
    const short = mser5([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(short).toEqual({ truncateObservations: 0, batchesDropped: 0, batchCount: 3, tooShort: true });
    expect(() => mser5([...new Array(19).fill(1), Number.NaN])).toThrow(/series\[19\]/);
  });
});
