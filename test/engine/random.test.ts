import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  type Distribution,
  type DistributionSpec,
  deriveSeed,
  describeDistribution,
  deterministic,
  distributionFromSpec,
  distributionOrNumberSchema,
  distributionSpecSchema,
  empiricalHistogram,
  empiricalSamples,
  erfc,
  erlang,
  exponential,
  formatSeconds,
  gamma,
  lognormal,
  lognormalFromMeanCv,
  lognormalFromMedianP95,
  normalCdf,
  normalQuantile,
  RandomStreams,
  type Rng,
  truncatedNormal,
  uniform,
} from "../../src/engine/random/index.js";

const N = 200_000;

function draw(distribution: Distribution, rng: Rng, n = N): Float64Array {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = distribution.sample(rng);
  return values;
}

function moments(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, variance: squares / (values.length - 1) };
}

/** Share of draws ≤ x (or < x when `strict`). */
function ecdf(values: Float64Array, x: number, strict = false): number {
  let below = 0;
  for (const v of values) if (v < x || (!strict && v === x)) below++;
  return below / values.length;
}

function extremes(values: Float64Array): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

function sortedQuantile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(p * (sorted.length - 1))]!;
}

/** A generator that counts its draws, to pin how many uniforms each distribution consumes. */
function counting(rng: Rng): Rng & { count: number } {
  const wrapped = (() => {
    wrapped.count++;
    return rng();
  }) as Rng & { count: number };
  wrapped.count = 0;
  return wrapped;
}

describe("RandomStreams", () => {
  it("gives the same sequence for the same seed and a different one for a different seed", () => {
    const take = (rng: Rng) => Array.from({ length: 1000 }, rng);
    const first = take(new RandomStreams(42).stream("arrivals"));
    expect(take(new RandomStreams(42).stream("arrivals"))).toEqual(first);
    expect(take(new RandomStreams(43).stream("arrivals"))).not.toEqual(first);
    expect(take(new RandomStreams("42").stream("arrivals"))).toEqual(first);
    expect(take(new RandomStreams(42).stream("departures"))).not.toEqual(first);
  });

  it("seeds stream `name` as seedrandom.alea(`<master>/<name>`), a stable contract", () => {
    const alea = seedrandom.alea("42/arrivals");
    const rng = new RandomStreams(42).stream("arrivals");
    for (let i = 0; i < 100; i++) expect(rng()).toBe(alea());
    // Golden draws: if these change, every stored result stops being reproducible.
    const fresh = new RandomStreams(42).stream("arrivals");
    expect([fresh(), fresh(), fresh()]).toEqual([
      0.09669156046584249, 0.10787259554490447, 0.9512710100971162,
    ]);
  });

  it("returns the same generator instance for the same name, continuing its sequence", () => {
    const streams = new RandomStreams(7);
    const a = streams.stream("a");
    const first = a();
    expect(streams.stream("a")).toBe(a);
    expect(streams.stream("a")()).not.toBe(first);
    streams.stream("b");
    expect(streams.names).toEqual(["a", "b"]);
  });

  it("keeps a stream's draws unchanged when another stream is created and used in between", () => {
    const alone = new RandomStreams(2024);
    const a1 = alone.stream("a");
    const expected = Array.from({ length: 500 }, () => a1());

    const shared = new RandomStreams(2024);
    const b0 = shared.stream("b");
    for (let i = 0; i < 37; i++) b0();
    const a2 = shared.stream("a");
    const b = shared.stream("b");
    const c = shared.stream("c");
    const got: number[] = [];
    for (let i = 0; i < 500; i++) {
      got.push(a2());
      b();
      if (i % 3 === 0) c();
      if (i % 7 === 0) exponential(1).sample(b);
    }
    expect(got).toEqual(expected);
  });

  it("rejects a non-finite master seed", () => {
    expect(() => new RandomStreams(Number.NaN)).toThrow(RangeError);
    expect(() => new RandomStreams(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("deriveSeed", () => {
  it("is cyrb53 of the parts joined by U+001F, pinned by golden values", () => {
    // cyrb53("a") as published with the algorithm.
    expect(deriveSeed("a")).toBe(7929297801672961);
    expect(deriveSeed(42, "point", 3, "rep", 7)).toBe(6109598257817009);
    expect(deriveSeed("a", "b")).toBe(8658315441431391);
    expect(deriveSeed("")).toBe(3338908027751811);
  });

  it("separates parts, treats numbers as their decimal text, and stays a safe integer", () => {
    expect(deriveSeed("a/b")).not.toBe(deriveSeed("a", "b"));
    expect(deriveSeed("ab")).not.toBe(deriveSeed("a", "b"));
    expect(deriveSeed(1, 2)).toBe(deriveSeed("1", "2"));
    const seen = new Set<number>();
    for (let rep = 0; rep < 1000; rep++) {
      const seed = deriveSeed("run", rep);
      expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
      seen.add(seed);
    }
    expect(seen.size).toBe(1000);
  });
});

describe("normal special functions", () => {
  it("match high-precision references (mpmath, 40 digits)", () => {
    const close = (got: number, want: number, rel: number) =>
      expect(Math.abs(got - want)).toBeLessThan(rel * Math.abs(want));
    close(erfc(0.5), 0.4795001221869535, 1e-14);
    close(erfc(2.5), 0.0004069520174449589, 1e-13);
    close(erfc(6), 2.1519736712498913e-17, 1e-13);
    close(erfc(15), 7.212994172451207e-100, 1e-12);
    close(erfc(-1), 1.8427007929497148, 1e-15);
    close(normalCdf(-20), 2.7536241186062337e-89, 1e-12);
    close(normalCdf(-3), 0.0013498980316300946, 1e-13);
    close(normalCdf(0.7), 0.758036347776927, 1e-15);
    close(normalQuantile(0.001), -3.0902323061678136, 1e-14);
    close(normalQuantile(0.3), -0.5244005127080408, 1e-14);
    close(normalQuantile(0.975), 1.9599639845400543, 1e-14);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("Φ⁻¹ matches high-precision references to 1e-15 relative, from 1e-300 to 1 − 1e-16 (mpmath, 60 digits)", () => {
    const reference: [number, number][] = [
      [1e-300, -37.0470962993612],
      [1e-100, -21.273453560965326],
      [2e-20, -9.188057249502078],
      [1e-11, -6.706023155495136],
      [1e-6, -4.753424308822899],
      [0.001, -3.0902323061678136],
      [0.075, -1.439531470938456],
      [0.3, -0.5244005127080408],
      [0.5000001, 2.506628273311648e-7],
      [0.74, 0.643345405392917],
      [0.925, 1.4395314709384561],
      [0.975, 1.9599639845400538],
      [0.999999999, 5.9978070196016375],
      [0.9999999999999999, 8.209536151601387],
    ];
    for (const [p, x] of reference)
      expect(Math.abs(normalQuantile(p) - x)).toBeLessThanOrEqual(1e-15 * Math.abs(x));
  });

  it("inverts: Φ(Φ⁻¹(p)) = p across 300 orders of magnitude, to the precision the slope allows", () => {
    // A tail quantile x carries its rounding into Φ multiplied by about x², so the bound scales with it.
    for (let e = -300; e <= -0.31; e += 0.07) {
      for (const p of [10 ** e, 1 - 10 ** Math.max(e, -16)]) {
        const x = normalQuantile(p);
        const tail = Math.min(p, 1 - p);
        const error = Math.abs((p < 0.5 ? normalCdf(x) : normalCdf(-x)) - tail);
        expect(error).toBeLessThanOrEqual(3e-14 * tail * Math.max(1, x * x));
      }
    }
  });

  it("Φ⁻¹ increases across AS241's region joins (|p − ½| = 0.425 and p = e⁻²⁵) up to its rounding", () => {
    for (const join of [0.075, 0.925, Math.exp(-25), 1 - Math.exp(-25)]) {
      let previous = Number.NEGATIVE_INFINITY;
      for (let k = -64; k <= 64; k++) {
        const x = normalQuantile(join + k * Number.EPSILON * join);
        expect(x).toBeGreaterThanOrEqual(previous - 1e-15 * Math.abs(previous));
        previous = x;
      }
    }
  });
});

/** Each case: the distribution, its mean/variance from textbook formulas, and whether sd is light-tailed. */
const cases: { name: string; d: Distribution; mean: number; variance: number; lightTail: boolean }[] = [
  { name: "exponential(2)", d: exponential(2), mean: 2, variance: 4, lightTail: true },
  { name: "uniform(1, 5)", d: uniform(1, 5), mean: 3, variance: 16 / 12, lightTail: true },
  // Truncated-normal references from scipy.stats.truncnorm.
  {
    name: "truncatedNormal(60, 20, 5)",
    d: truncatedNormal(60, 20, 5),
    mean: 60.18241480295519,
    variance: 389.933910677127,
    lightTail: true,
  },
  {
    name: "truncatedNormal(0, 1, 2, 3)",
    d: truncatedNormal(0, 1, 2, 3),
    mean: 2.3158213267437806,
    variance: 0.0615207795744932,
    lightTail: true,
  },
  {
    name: "truncatedNormal(10, 3, 0, 5)",
    d: truncatedNormal(10, 3, 0, 5),
    mean: 3.7965252349122602,
    variance: 1.0458128003141274,
    lightTail: true,
  },
  {
    name: "truncatedNormal(1, 2)",
    d: truncatedNormal(1, 2),
    mean: 2.018320867674067,
    variance: 1.9447017427854685,
    lightTail: true,
  },
  {
    name: "lognormal(-5, 1.2)",
    d: lognormal(-5, 1.2),
    mean: Math.exp(-5 + 0.72),
    variance: Math.expm1(1.44) * Math.exp(-10 + 1.44),
    lightTail: false,
  },
  {
    name: "lognormalFromMeanCv(3, 0.5)",
    d: lognormalFromMeanCv(3, 0.5),
    mean: 3,
    variance: 2.25,
    lightTail: false,
  },
  { name: "gamma(2.5, 4)", d: gamma(2.5, 4), mean: 10, variance: 40, lightTail: true },
  { name: "gamma(0.4, 10)", d: gamma(0.4, 10), mean: 4, variance: 40, lightTail: true },
  { name: "gamma(1, 3)", d: gamma(1, 3), mean: 3, variance: 9, lightTail: true },
  { name: "erlang(3, 90)", d: erlang(3, 90), mean: 90, variance: 2700, lightTail: true },
  { name: "erlang(40, 8)", d: erlang(40, 8), mean: 8, variance: 1.6, lightTail: true },
  {
    name: "empiricalSamples([0, 1, 10])",
    d: empiricalSamples([10, 0, 1]),
    mean: 3,
    variance: (1 / 3 + (1 + 10 + 100) / 3) / 2 - 9,
    lightTail: true,
  },
  {
    name: "empiricalHistogram(Prometheus-like)",
    d: empiricalHistogram([
      { le: 0.1, count: 5 },
      { le: 0.5, count: 9 },
      { le: Number.POSITIVE_INFINITY, count: 10 },
    ]),
    mean: 0.195,
    variance: (5 * (0.01 / 3) + 4 * ((0.01 + 0.05 + 0.25) / 3) + 0.25) / 10 - 0.195 ** 2,
    lightTail: true,
  },
];

describe("distributions", () => {
  it.each(cases)("$name: computed mean and variance match the closed forms", ({ d, mean, variance }) => {
    expect(d.mean).toBeCloseTo(mean, 10);
    expect(Math.abs(d.variance - variance)).toBeLessThan(1e-9 * variance);
  });

  it.each(cases)("$name: sample mean within 4·sd/√n of the true mean", ({ name, d, lightTail }) => {
    const values = draw(d, seedrandom.alea(`moments/${name}`));
    const sample = moments(values);
    expect(Math.abs(sample.mean - d.mean)).toBeLessThan((4 * Math.sqrt(d.variance)) / Math.sqrt(N));
    // Sample variance of light tails has sd ≈ σ²·√((κ − 1)/n) < 1% here.
    if (lightTail) expect(Math.abs(sample.variance / d.variance - 1)).toBeLessThan(0.03);
  });

  it.each(cases.filter((c) => c.d.quantile !== undefined))(
    "$name: draws follow quantile()",
    ({ name, d }) => {
      const values = draw(d, seedrandom.alea(`quantiles/${name}`));
      for (const p of [0.1, 0.5, 0.9]) {
        // P(X < q) ≤ p ≤ P(X ≤ q); the two differ only at an atom (the histogram's clamped +Inf mass).
        const q = d.quantile!(p);
        const tolerance = 4 * Math.sqrt((p * (1 - p)) / N);
        expect(ecdf(values, q, true) - tolerance).toBeLessThanOrEqual(p);
        expect(ecdf(values, q) + tolerance).toBeGreaterThanOrEqual(p);
      }
    },
  );

  it("deterministic returns its value and draws nothing", () => {
    const rng = counting(seedrandom.alea("d"));
    const d = deterministic(0.5);
    expect([d.sample(rng), d.sample(rng), d.mean, d.variance, d.quantile!(0.3)]).toEqual([
      0.5, 0.5, 0.5, 0, 0.5,
    ]);
    expect(rng.count).toBe(0);
  });

  it("consumes a fixed number of uniforms per draw where the method allows (for common random numbers)", () => {
    const perDraw = (d: Distribution) => {
      const rng = counting(seedrandom.alea("count"));
      for (let i = 0; i < 1000; i++) d.sample(rng);
      return rng.count / 1000;
    };
    expect(perDraw(exponential(1))).toBe(1);
    expect(perDraw(uniform(0, 1))).toBe(1);
    expect(perDraw(truncatedNormal(1, 1, 0, 3))).toBe(1);
    expect(perDraw(truncatedNormal(0, 1, 4))).toBe(1);
    expect(perDraw(lognormal(0, 1))).toBe(1);
    expect(perDraw(erlang(3, 1))).toBe(3);
    expect(perDraw(empiricalSamples([1, 2, 3]))).toBe(1);
  });

  it("lognormalFromMedianP95 has that median and p95, exactly and in 1M draws within 1%", () => {
    const d = lognormalFromMedianP95(0.004, 0.03);
    expect(d.quantile!(0.5)).toBeCloseTo(0.004, 15);
    expect(Math.abs(d.quantile!(0.95) / 0.03 - 1)).toBeLessThan(1e-12);
    // With n = 1e6 the sample p95 has a relative sd of ~0.26%, so 1% is ~4 sd.
    const values = draw(d, seedrandom.alea("median-p95"), 1_000_000);
    expect(Math.abs(sortedQuantile(values, 0.5) / 0.004 - 1)).toBeLessThan(0.01);
    expect(Math.abs(sortedQuantile(values, 0.95) / 0.03 - 1)).toBeLessThan(0.01);
  });

  it("lognormal parameterisations agree with each other", () => {
    const fromMedian = lognormalFromMedianP95(2, 5);
    const sigma = Math.log(5 / 2) / 1.6448536269514722;
    const fromMu = lognormal(Math.log(2), sigma);
    expect(fromMedian.mean).toBeCloseTo(fromMu.mean, 12);
    const cv = Math.sqrt(fromMu.variance) / fromMu.mean;
    expect(lognormalFromMeanCv(fromMu.mean, cv).quantile!(0.95)).toBeCloseTo(5, 9);
  });

  it("throws RangeError naming the parameter for invalid arguments", () => {
    expect(() => exponential(0)).toThrow(/exponential: mean must be a finite number > 0/);
    expect(() => uniform(2, 2)).toThrow(/uniform: max must be greater than min/);
    expect(() => lognormalFromMedianP95(0.03, 0.004)).toThrow(/p95 must be greater than median/);
    expect(() => truncatedNormal(0, 1, 2, 1)).toThrow(/max must be greater than min/);
    expect(() => truncatedNormal(0, -1)).toThrow(/sd must be a finite number > 0/);
    expect(() => truncatedNormal(0, 1, 40)).toThrow(/37 sd/);
    expect(() => gamma(0, 1)).toThrow(RangeError);
    expect(() => erlang(1.5, 1)).toThrow(/k must be a whole number/);
    expect(() => empiricalSamples([])).toThrow(RangeError);
    expect(() =>
      empiricalHistogram([
        { le: 1, count: 5 },
        { le: 2, count: 3 },
      ]),
    ).toThrow(/buckets\.1\.count/);
    expect(() => empiricalHistogram([{ le: Number.POSITIVE_INFINITY, count: 3 }])).toThrow(/finite bucket/);
  });
});

describe("truncatedNormal bounds", () => {
  it("never leaves [min, max], including windows far in either tail", () => {
    const windows: [number, number, number, number][] = [
      [60, 20, 5, Number.POSITIVE_INFINITY],
      [0, 1, 2, 3],
      [0, 1, 10, Number.POSITIVE_INFINITY],
      [0, 1, 30, 31],
      [0, 1, -31, -30],
      [100, 10, 0, 1],
      [5, 0.001, 5, 5 + 1e-9],
    ];
    for (const [mean, sd, min, max] of windows) {
      const d = truncatedNormal(mean, sd, min, max);
      const { min: lo, max: hi } = extremes(draw(d, seedrandom.alea(`bounds/${mean}/${sd}/${min}`), 50_000));
      expect(lo).toBeGreaterThanOrEqual(min);
      expect(hi).toBeLessThanOrEqual(max);
      expect(d.mean).toBeGreaterThanOrEqual(min);
      expect(d.mean).toBeLessThanOrEqual(max);
    }
  });

  it("keeps its computed mean accurate deep in the tail (mpmath references)", () => {
    expect(truncatedNormal(0, 1, 10).mean).toBeCloseTo(10.098093233962512, 11);
    expect(truncatedNormal(0, 1, 30, 31).mean).toBeCloseTo(30.033259667433622, 10);
    expect(truncatedNormal(0, 1, -31, -30).mean).toBeCloseTo(-30.033259667433622, 10);
  });

  it("stays inside [min, max] for any parameters and any uniform, even exactly 0 or just below 1", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 1e-3, max: 50, noNaN: true }),
        fc.double({ min: -120, max: 120, noNaN: true }),
        fc.double({ min: 1e-9, max: 100, noNaN: true }),
        fc.oneof(
          fc.constant(0),
          fc.constant(1 - 2 ** -53),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ),
        (mean, sd, min, width, u) => {
          let d: Distribution;
          try {
            d = truncatedNormal(mean, sd, min, min + width);
          } catch {
            return true; // a window beyond 37 sd is rejected up front
          }
          const value = d.sample(() => u);
          return Number.isFinite(value) && value >= min && value <= min + width;
        },
      ),
      { seed: 1234, numRuns: 2000 },
    );
  });
});

describe("empirical distributions", () => {
  it("interpolates between order statistics (inverse of the empirical CDF)", () => {
    const d = empiricalSamples([3, 1, 2]);
    expect([d.quantile!(0), d.quantile!(0.25), d.quantile!(0.5), d.quantile!(0.9), d.quantile!(1)]).toEqual([
      1, 1.5, 2, 2.8, 3,
    ]);
    expect(d.mean).toBe(2);
    const single = empiricalSamples([4]);
    expect([single.sample(() => 0.7), single.mean, single.variance]).toEqual([4, 4, 0]);
  });

  it("follows histogram_quantile: linear inside a bucket, +Inf clamped to the highest finite bound", () => {
    const d = empiricalHistogram([
      { le: 0.1, count: 5 },
      { le: 0.5, count: 9 },
      { le: Number.POSITIVE_INFINITY, count: 10 },
    ]);
    expect(d.quantile!(0.25)).toBeCloseTo(0.05, 15);
    expect(d.quantile!(0.7)).toBeCloseTo(0.3, 15);
    expect(d.quantile!(0.95)).toBe(0.5);
    expect(d.quantile!(1)).toBe(0.5);
    const values = draw(d, seedrandom.alea("histogram"));
    expect(Math.abs(ecdf(values, 0.1) - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(ecdf(values, 0.4999) - 0.9)).toBeLessThan(0.005);
    expect(extremes(values).max).toBe(0.5);
  });

  it("starts the first bucket at min and skips empty buckets", () => {
    const d = empiricalHistogram(
      [
        { le: 1, count: 0 },
        { le: 2, count: 4 },
        { le: 3, count: 4 },
      ],
      0.5,
    );
    expect(d.quantile!(0)).toBe(1);
    expect(d.quantile!(0.5)).toBe(1.5);
    expect(d.quantile!(1)).toBe(2);
    expect(d.mean).toBe(1.5);
    expect(empiricalHistogram([{ le: 2, count: 3 }], 1).quantile!(0.5)).toBe(1.5);
  });
});

describe("distribution specs", () => {
  const mustParse: [string, DistributionSpec][] = [
    ["{dist: lognormal, median_s: 0.004, p95_s: 0.03}", { dist: "lognormal", median: 0.004, p95: 0.03 }],
    ["{dist: exponential, mean_s: 2}", { dist: "exponential", mean: 2 }],
    ["{dist: deterministic, value: 0.5}", { dist: "deterministic", value: 0.5 }],
    ["{dist: normal, mean_s: 60, sd_s: 20, min_s: 5}", { dist: "normal", mean: 60, sd: 20, min: 5 }],
    ["{dist: normal, mean: 60, sd: 20}", { dist: "normal", mean: 60, sd: 20, min: 0 }],
    [
      "{dist: normal, mean_ms: 60, sd_ms: 20, max_ms: 100}",
      { dist: "normal", mean: 0.06, sd: 0.02, min: 0, max: 0.1 },
    ],
    ["{dist: gamma, shape: 2, scale_s: 30}", { dist: "gamma", shape: 2, scale: 30 }],
    ["{dist: erlang, k: 3, mean_s: 90}", { dist: "erlang", k: 3, mean: 90 }],
    ["{dist: lognormal, mu: -5, sigma: 1.2}", { dist: "lognormal", mu: -5, sigma: 1.2 }],
    ["{dist: lognormal, mean_ms: 4, cv: 2}", { dist: "lognormal", mean: 0.004, cv: 2 }],
    ["{dist: lognormal, median_ms: 4, p95_ms: 30}", { dist: "lognormal", median: 0.004, p95: 0.03 }],
    ["{dist: uniform, min_ms: 5, max_ms: 10}", { dist: "uniform", min: 0.005, max: 0.01 }],
    ["{dist: empirical, samples_s: [1,2,3]}", { dist: "empirical", samples: [1, 2, 3] }],
    ["{dist: empirical, samples_ms: [1000, 2000]}", { dist: "empirical", samples: [1, 2] }],
    [
      "{dist: empirical, buckets_s: [{le: 0.1, count: 5}, {le: 0.5, count: 9}, {le: .inf, count: 10}]}",
      {
        dist: "empirical",
        buckets: [
          { le: 0.1, count: 5 },
          { le: 0.5, count: 9 },
          { le: Number.POSITIVE_INFINITY, count: 10 },
        ],
        min: 0,
      },
    ],
    [
      '{dist: empirical, buckets_ms: [{le: 100, count: 5}, {le: "+Inf", count: 6}], min_ms: 50}',
      {
        dist: "empirical",
        buckets: [
          { le: 0.1, count: 5 },
          { le: Number.POSITIVE_INFINITY, count: 6 },
        ],
        min: 0.05,
      },
    ],
  ];

  it.each(mustParse)(
    "parses %s to its canonical form, which builds and re-parses unchanged",
    (yaml, canonical) => {
      const spec = distributionSpecSchema.parse(parseYaml(yaml));
      expect(spec).toEqual(canonical);
      const built = distributionFromSpec(spec);
      expect(built.spec).toEqual(canonical);
      expect(distributionSpecSchema.parse(built.spec)).toEqual(canonical);
      expect(Number.isFinite(built.mean)).toBe(true);
    },
  );

  it("converts mu_ms to the log of seconds", () => {
    const spec = distributionSpecSchema.parse({ dist: "lognormal", mu_ms: Math.log(4), sigma: 1 });
    expect(distributionFromSpec(spec).quantile!(0.5)).toBeCloseTo(0.004, 15);
  });

  const mustFail: [string, unknown, (string | number)[], RegExp][] = [
    [
      "p95 below median",
      { dist: "lognormal", median_s: 0.03, p95_s: 0.004 },
      ["p95_s"],
      /greater than median_s/,
    ],
    [
      "mixed _s and _ms",
      { dist: "lognormal", median_s: 0.03, p95_ms: 40 },
      ["p95_ms"],
      /mixes units with median_s/,
    ],
    ["mixed bare and _s", { dist: "normal", mean_s: 60, sd: 10 }, ["sd"], /mixes units/],
    ["same key twice", { dist: "exponential", mean_s: 1, mean_ms: 1000 }, ["mean_ms"], /mixes units/],
    ["missing p95", { dist: "lognormal", median_s: 0.03 }, ["p95_s"], /required/],
    [
      "two lognormal forms",
      { dist: "lognormal", mu: 1, sigma: 1, median: 3 },
      ["median"],
      /cannot be combined with mu/,
    ],
    ["no lognormal form", { dist: "lognormal" }, [], /mu and sigma, median and p95, or mean and cv/],
    ["sd zero", { dist: "normal", mean_s: 60, sd_s: 0 }, ["sd_s"], /> 0/],
    [
      "normal min ≥ max",
      { dist: "normal", mean_s: 60, sd_s: 10, min_s: 50, max_s: 40 },
      ["max_s"],
      /greater than min_s/,
    ],
    ["normal window beyond 37 sd", { dist: "normal", mean_s: 0, sd_s: 1, min_s: 40 }, ["min_s"], /37 sd/],
    ["normal negative min", { dist: "normal", mean: 0, sd: 1, min: -1 }, ["min"], /≥ 0/],
    ["uniform min = max", { dist: "uniform", min: 3, max: 3 }, ["max"], /greater than min/],
    ["negative value", { dist: "deterministic", value: -1 }, ["value"], /≥ 0/],
    ["exponential without mean", { dist: "exponential" }, ["mean"], /required/],
    ["exponential mean 0", { dist: "exponential", mean_ms: 0 }, ["mean_ms"], /> 0/],
    ["erlang k fractional", { dist: "erlang", k: 2.5, mean_s: 90 }, ["k"], /whole number/],
    ["gamma shape ≤ 0", { dist: "gamma", shape: 0, scale: 1 }, ["shape"], /> 0/],
    ["sigma ≤ 0", { dist: "lognormal", mu: 0, sigma: -1 }, ["sigma"], /> 0/],
    ["cv ≤ 0", { dist: "lognormal", mean: 1, cv: 0 }, ["cv"], /> 0/],
    ["empty samples", { dist: "empirical", samples_s: [] }, ["samples_s"], /at least one/],
    ["negative sample", { dist: "empirical", samples_s: [1, -2] }, ["samples_s", 1], /≥ 0/],
    ["non-number sample", { dist: "empirical", samples_s: [1, "x"] }, ["samples_s", 1], /expected number/],
    [
      "samples and buckets",
      { dist: "empirical", samples: [1], buckets: [{ le: 1, count: 1 }] },
      ["buckets"],
      /cannot be combined/,
    ],
    ["min with samples", { dist: "empirical", samples: [1], min: 0 }, ["min"], /only applies to buckets/],
    [
      "decreasing bucket counts",
      {
        dist: "empirical",
        buckets_s: [
          { le: 0.1, count: 5 },
          { le: 0.5, count: 3 },
        ],
      },
      ["buckets_s", 1, "count"],
      /cumulative/,
    ],
    [
      "unsorted bucket bounds",
      {
        dist: "empirical",
        buckets_s: [
          { le: 0.5, count: 5 },
          { le: 0.1, count: 7 },
        ],
      },
      ["buckets_s", 1, "le"],
      /increase strictly/,
    ],
    [
      "+Inf not last",
      {
        dist: "empirical",
        buckets: [
          { le: 1, count: 1 },
          { le: "+Inf", count: 2 },
          { le: 3, count: 3 },
        ],
      },
      ["buckets", 1, "le"],
      /last bucket/,
    ],
    [
      "all-zero histogram",
      { dist: "empirical", buckets: [{ le: 1, count: 0 }] },
      ["buckets"],
      /at least one observation/,
    ],
    [
      "min above first bound",
      { dist: "empirical", buckets_ms: [{ le: 5, count: 1 }], min_ms: 10 },
      ["min_ms"],
      /first bucket/,
    ],
    [
      "unknown bucket key",
      { dist: "empirical", buckets: [{ le: 1, count: 1, sum: 3 }] },
      ["buckets", 0],
      /sum/,
    ],
    ["unknown dist", { dist: "weibull", shape: 1 }, ["dist"], /dist must be one of .*lognormal/],
    [
      "unknown key",
      { dist: "gamma", shape: 2, scale_s: 30, foo: 1 },
      [],
      /unknown key foo; gamma takes scale\[_s\|_ms\], shape/,
    ],
    ["suffix on a unitless key", { dist: "gamma", shape_s: 2, scale_s: 30 }, [], /shape has no unit/],
    ["infinite mean", { dist: "exponential", mean: Number.POSITIVE_INFINITY }, ["mean"], /expected number/],
  ];

  it.each(mustFail)("rejects %s with an issue at the bad key", (_, input, path, message) => {
    const result = distributionSpecSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue, JSON.stringify(result.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it("reports unknown keys by name in the issue's `keys`", () => {
    const result = distributionSpecSchema.safeParse({ dist: "exponential", mean: 1, rate: 2 });
    const issue = result.error!.issues[0]!;
    expect(issue.code).toBe("unrecognized_keys");
    expect(issue.code === "unrecognized_keys" && issue.keys).toEqual(["rate"]);
  });

  it("accepts a plain number as deterministic and keeps object issues at their own path", () => {
    const model = z.object({ latency: distributionOrNumberSchema });
    expect(model.parse({ latency: 0.25 })).toEqual({ latency: 0.25 });
    expect(distributionFromSpec(model.parse({ latency: 0.25 }).latency).spec).toEqual({
      dist: "deterministic",
      value: 0.25,
    });
    expect(model.parse({ latency: { dist: "exponential", mean_ms: 2 } })).toEqual({
      latency: { dist: "exponential", mean: 0.002 },
    });

    const bad = model.safeParse({ latency: { dist: "lognormal", median_s: 0.03, p95_s: 0.004 } });
    expect(bad.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [["latency", "p95_s"], "must be greater than median_s"],
    ]);
    const wrongType = model.safeParse({ latency: "fast" });
    expect(wrongType.error!.issues[0]!.path).toEqual(["latency"]);
    expect(wrongType.error!.issues[0]!.message).toMatch(/a number or a distribution/);
    const unknownDist = model.safeParse({ latency: { dist: "pareto" } });
    expect(unknownDist.error!.issues[0]!.path).toEqual(["latency", "dist"]);
  });
});

describe("describeDistribution", () => {
  it("prints a short line in readable units, with the true mean when no parameter states it", () => {
    expect(describeDistribution(lognormalFromMedianP95(0.004, 0.03))).toBe(
      "lognormal(median 4 ms, p95 30 ms; mean 8.47 ms)",
    );
    expect(describeDistribution({ dist: "exponential", mean: 2 })).toBe("exponential(mean 2 s)");
    expect(describeDistribution(0.5)).toBe("deterministic(500 ms)");
    expect(describeDistribution(truncatedNormal(60, 20, 5))).toBe(
      "normal(mean 60 s, sd 20 s, min 5 s; mean 60.2 s)",
    );
    expect(describeDistribution(gamma(2, 30))).toBe("gamma(shape 2, scale 30 s; mean 60 s)");
    expect(describeDistribution(erlang(3, 90))).toBe("erlang(k 3, mean 90 s)");
    expect(describeDistribution(empiricalSamples([3, 1, 2]))).toBe(
      "empirical(3 samples, 1 s to 3 s; mean 2 s)",
    );
    expect(describeDistribution(uniform(2, 4), { unit: "none" })).toBe("uniform(2 to 4; mean 3)");
    expect([formatSeconds(0.00002), formatSeconds(300), formatSeconds(5400), formatSeconds(9000)]).toEqual([
      "20 µs",
      "5 min",
      "90 min",
      "2.5 h",
    ]);
  });
});
