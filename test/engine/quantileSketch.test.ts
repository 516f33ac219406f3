import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { QuantileSketch } from "../../src/engine/stats/quantileSketch.js";

/** Exact quantile of the value with rank ⌊q(n−1)⌋ — the one DDSketch promises to approximate. */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function lognormalSample(n: number, seed: string): number[] {
  const rng = seedrandom.alea(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    values.push(Math.exp(-5 + 1.5 * z));
  }
  return values;
}

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe("QuantileSketch", () => {
  it("returns every quantile within 1% relative error", () => {
    const values = lognormalSample(100_000, "sketch");
    const sketch = new QuantileSketch();
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of QUANTILES) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-12);
    }
    expect(sketch.count).toBe(100_000);
  });

  it("handles zeros and negative values in order", () => {
    const sketch = new QuantileSketch();
    for (const v of [-100, -1, 0, 0, 1, 100]) sketch.add(v);
    expect(sketch.quantile(0)).toBe(-100);
    expect(sketch.quantile(0.2)).toBeCloseTo(-1, 1);
    expect(sketch.quantile(0.4)).toBe(0);
    expect(sketch.quantile(0.6)).toBe(0);
    expect(sketch.quantile(0.8)).toBeCloseTo(1, 1);
    expect(sketch.quantile(1)).toBe(100);
  });

  it("merging two sketches equals sketching the union", () => {
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    const both = new QuantileSketch();
    lognormalSample(5000, "a").forEach((v) => {
      a.add(v);
      both.add(v);
    });
    lognormalSample(5000, "b").forEach((v) => {
      b.add(2 * v);
      both.add(2 * v);
    });
    a.merge(b);
    for (const q of QUANTILES) expect(a.quantile(q)).toBe(both.quantile(q));
    expect(() => a.merge(new QuantileSketch({ relativeAccuracy: 0.02 }))).toThrow(RangeError);
  });

  it("keeps memory bounded by folding the smallest buckets", () => {
    const sketch = new QuantileSketch({ maxBuckets: 64, zeroThreshold: 1e-40 });
    const values = Array.from({ length: 6001 }, (_, i) => 10 ** (-30 + i / 100));
    for (const v of values) sketch.add(v);
    expect(sketch.toJSON().positive.counts.length).toBeLessThanOrEqual(64);
    // 64 buckets of ratio 1.0202 span a factor of ~3.6: the top of the distribution keeps its accuracy.
    for (const q of [0.999, 0.9995, 1]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-12);
    }
    // Everything below the kept span is reported at the lowest kept bucket.
    expect(sketch.quantile(0.5)).toBe(sketch.quantile(0.01));
    expect(sketch.quantile(0.5)).toBeGreaterThan(10 ** 29);
  });

  it("round-trips through JSON", () => {
    const sketch = new QuantileSketch();
    for (const v of lognormalSample(2000, "json")) sketch.add(v);
    sketch.add(0);
    sketch.add(-3);
    const copy = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch)));
    for (const q of QUANTILES) expect(copy.quantile(q)).toBe(sketch.quantile(q));
    expect(copy.count).toBe(sketch.count);
    expect(() => QuantileSketch.fromJSON({ ...sketch.toJSON(), count: 5 })).toThrow(RangeError);
  });

  it("is empty after reset and ignores non-finite values", () => {
    const sketch = new QuantileSketch();
    sketch.add(1);
    sketch.add(Number.NaN);
    sketch.add(Number.POSITIVE_INFINITY);
    expect(sketch.count).toBe(1);
    sketch.reset();
    expect(sketch.count).toBe(0);
    expect(sketch.quantile(0.5)).toBeNaN();
  });
});
