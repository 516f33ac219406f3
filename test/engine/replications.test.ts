import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random/streams.js";
import {
  fixedWarmup,
  fixedWarmupByTime,
  mserWarmup,
  replicationSeed,
  runReplications,
  summarizeReplications,
} from "../../src/engine/stats/replications.js";

describe("runReplications", () => {
  it("runs R seeded replications and puts a t interval on every output", () => {
    const seen: number[] = [];
    const summary = runReplications(
      (seed) => {
        const rng = new RandomStreams(seed).stream("x");
        let sum = 0;
        for (let i = 0; i < 1000; i++) sum += rng();
        return { mean: sum / 1000, constant: 3 };
      },
      { replications: 8, baseSeed: 7, onReplication: (i) => seen.push(i) },
    );
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(summary.seeds).toEqual(Array.from({ length: 8 }, (_, i) => replicationSeed(7, i)));
    expect(new Set(summary.seeds).size).toBe(8);
    expect(summary.values.mean).toHaveLength(8);
    const ci = summary.intervals.mean;
    expect(ci.lo).toBeLessThan(0.5);
    expect(ci.hi).toBeGreaterThan(0.5);
    expect(summary.intervals.constant.halfWidth).toBe(0);
  });

  it("the interval of known values matches a hand computation", () => {
    // mean 2, sd 1, n 3: half-width = t(0.975, 2)·1/√3 = 4.302653·0.57735.
    const { intervals } = summarizeReplications([{ w: 1 }, { w: 2 }, { w: 3 }]);
    expect(intervals.w.halfWidth).toBeCloseTo(4.302652729911275 / Math.sqrt(3), 6);
  });

  it("an output that is not finite gets an undefined interval instead of throwing", () => {
    const { intervals } = summarizeReplications([{ w: 1 }, { w: Number.NaN }]);
    expect(intervals.w.mean).toBeNaN();
  });

  it("rejects replications with different metrics", () => {
    expect(() => summarizeReplications([{ a: 1 }, { b: 2 } as unknown as { a: number }])).toThrow(
      /no metric "a"/,
    );
  });
});

describe("warm-up removal", () => {
  it("fixed by count and by time", () => {
    expect(Array.from(fixedWarmup([9, 9, 1, 2], 2).kept)).toEqual([1, 2]);
    expect(fixedWarmup([9, 9, 1, 2], 2).mean).toBe(1.5);
    const byTime = fixedWarmupByTime([0, 15, 30, 45], [9, 9, 1, 2], 30);
    expect(byTime.truncateObservations).toBe(2);
    expect(byTime.mean).toBe(1.5);
  });

  it("MSER-5 cuts an initial transient of a sampled series", () => {
    // 50 samples decaying from 20 toward 1, then 450 samples around 1.
    const rng = new RandomStreams("mser").stream("noise");
    const series = Array.from(
      { length: 500 },
      (_, i) => 1 + (i < 50 ? 19 * (1 - i / 50) : 0) + 0.2 * (rng() - 0.5),
    );
    const cut = mserWarmup(series);
    expect(cut.truncateObservations).toBeGreaterThanOrEqual(40);
    expect(cut.truncateObservations).toBeLessThanOrEqual(60);
    expect(cut.mean).toBeCloseTo(1, 1);
    expect(cut.tooShort).toBe(false);
  });
});
