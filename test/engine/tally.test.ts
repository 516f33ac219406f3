import { describe, expect, it } from "vitest";
import { Tally } from "../../src/engine/stats/tally.js";

function tallyOf(values: number[]): Tally {
  const t = new Tally();
  for (const v of values) t.add(v);
  return t;
}

describe("Tally", () => {
  it("matches the textbook mean and sample variance", () => {
    const t = tallyOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(t.count).toBe(8);
    expect(t.mean).toBe(5);
    expect(t.variance).toBeCloseTo(32 / 7, 12);
    expect(t.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(t.min).toBe(2);
    expect(t.max).toBe(9);
    expect(t.sum).toBe(40);
  });

  it("stays accurate with a large offset, where sum of squares would cancel", () => {
    const t = tallyOf([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(t.variance).toBeCloseTo(30, 9);
  });

  it("merging equals adding everything to one tally", () => {
    const a = tallyOf([1, 2, 3]);
    const b = tallyOf([10, 20]);
    const all = tallyOf([1, 2, 3, 10, 20]);
    a.merge(b);
    expect(a.count).toBe(all.count);
    expect(a.mean).toBeCloseTo(all.mean, 12);
    expect(a.variance).toBeCloseTo(all.variance, 10);
    expect(a.min).toBe(1);
    expect(a.max).toBe(20);
    expect(new Tally().merge(b).mean).toBe(15);
  });

  it("reports NaN when empty and resets", () => {
    const t = new Tally();
    expect(t.mean).toBeNaN();
    expect(t.variance).toBeNaN();
    t.add(3);
    expect(t.variance).toBeNaN();
    t.reset();
    expect(t.count).toBe(0);
    expect(t.min).toBeNaN();
  });
});
