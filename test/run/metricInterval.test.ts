import { describe, expect, it } from "vitest";
import { confidenceInterval } from "../../src/engine/stats/confidence.js";
import { meanAndCi } from "../../src/run/runScenario.js";

describe("a figure's interval over replications", () => {
  it("is the Student-t interval where it stays above 0", () => {
    const values = [3.1, 3.0, 3.2];
    const t = confidenceInterval(values);
    expect(meanAndCi(values)).toEqual({ mean: t.mean, ci95: [t.lo, t.hi] });
  });

  it("is cut at 0 where the t-interval reaches below it (a latency p90 in one of three replications)", () => {
    const values = [0, 0, 0.1];
    expect(confidenceInterval(values).lo).toBeLessThan(0);
    const { mean, ci95 } = meanAndCi(values);
    expect(mean).toBeCloseTo(0.1 / 3, 12);
    expect(ci95![0]).toBe(0);
    expect(ci95![1]).toBe(confidenceInterval(values).hi);
  });

  it("has no interval from one replication and no mean from no data", () => {
    expect(meanAndCi([2]).ci95).toBeNull();
    expect(meanAndCi([Number.NaN])).toEqual({ mean: null, ci95: null });
  });
});
