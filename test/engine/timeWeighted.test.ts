import { describe, expect, it } from "vitest";
import { TimeWeighted } from "../../src/engine/stats/timeWeighted.js";

/** A hand-driven clock. */
function clock(): { now: number } {
  return { now: 0 };
}

describe("TimeWeighted", () => {
  it("averages a level over simulated time", () => {
    const c = clock();
    const level = new TimeWeighted(c);
    c.now = 2;
    level.set(3); // 0 for [0,2)
    c.now = 4;
    level.add(-1); // 3 for [2,4)
    c.now = 10; // 2 for [4,10)
    expect(level.integral()).toBe(0 * 2 + 3 * 2 + 2 * 6);
    expect(level.mean()).toBeCloseTo(18 / 10, 12);
    expect(level.max).toBe(3);
    expect(level.value).toBe(2);
  });

  it("reset starts a new window and keeps the current level (warm-up removal)", () => {
    const c = clock();
    const level = new TimeWeighted(c, 5);
    c.now = 100;
    level.set(1);
    level.reset();
    expect(level.max).toBe(1);
    c.now = 110;
    level.set(3);
    c.now = 120;
    expect(level.elapsedSeconds).toBe(20);
    expect(level.mean()).toBe((1 * 10 + 3 * 10) / 20);
  });

  it("an empty window reports the current level", () => {
    const c = clock();
    const level = new TimeWeighted(c, 4);
    expect(level.mean()).toBe(4);
  });
});
