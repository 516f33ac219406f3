import { describe, expect, it } from "vitest";
import { nelderMeadBox } from "../../src/calibrate/nelderMead.js";

describe("nelderMeadBox", () => {
  it("finds the minimum of a smooth function inside the box", () => {
    const f = (x: number[]) => (x[0]! - 0.3) ** 2 + 2 * (x[1]! - 0.7) ** 2 + (x[0]! - 0.3) * (x[1]! - 0.7);
    const r = nelderMeadBox(f, [0.9, 0.1], { maxEvaluations: 200, xTolerance: 1e-6 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(0.3, 4);
    expect(r.x[1]).toBeCloseTo(0.7, 4);
  });

  it("never evaluates outside [0, 1]^n and ends on the bound when the minimum lies beyond it", () => {
    const seen: number[][] = [];
    const r = nelderMeadBox(
      (x) => {
        seen.push(x);
        return (x[0]! - 1.5) ** 2 + (x[1]! + 0.2) ** 2;
      },
      [0.5, 0.5],
      { maxEvaluations: 150 },
    );
    expect(seen.flat().every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(0, 3);
  });

  it("stops at the evaluation budget and returns the best point seen", () => {
    let calls = 0;
    const r = nelderMeadBox(
      (x) => {
        calls++;
        return Math.abs(x[0]! - 0.123) + Math.abs(x[1]! - 0.456) + Math.abs(x[2]! - 0.789);
      },
      [0.5, 0.5, 0.5],
      { maxEvaluations: 12 },
    );
    expect(calls).toBe(12);
    expect(r.evaluations).toBe(12);
    expect(r.converged).toBe(false);
    expect(r.f).toBeLessThan(Math.abs(0.5 - 0.123) + Math.abs(0.5 - 0.456) + Math.abs(0.5 - 0.789));
  });

  it("treats a refused point (NaN or +inf) as worst and keeps searching", () => {
    const r = nelderMeadBox((x) => (x[0]! > 0.8 ? Number.NaN : (x[0]! - 0.6) ** 2), [0.75], {
      maxEvaluations: 60,
    });
    expect(r.x[0]).toBeCloseTo(0.6, 2);
  });
  it("announces the starting simplex and shrinks before evaluating them, and searches as without", () => {
    // A rough surface makes contractions fail, so the search shrinks: announced points come next, in order.
    const f = (x: number[]) => Math.sin(997 * x[0]!) * Math.cos(991 * x[1]!);
    const recorder = (into: number[][]) => (x: number[]) => {
      into.push(x);
      return f(x);
    };
    const plain: number[][] = [];
    const a = nelderMeadBox(recorder(plain), [0.2, 0.7], { maxEvaluations: 60 });
    const evaluated: number[][] = [];
    const announced: number[][][] = [];
    const b = nelderMeadBox(recorder(evaluated), [0.2, 0.7], {
      maxEvaluations: 60,
      upcoming: (points) => announced.push(points),
    });
    expect(b).toEqual(a);
    expect(evaluated).toEqual(plain);
    expect(announced[0]).toEqual(evaluated.slice(0, 3));
    expect(announced.length).toBeGreaterThan(1);
    for (const batch of announced.slice(1)) {
      const at = evaluated.findIndex(
        (x) => x === batch[0] || (x[0] === batch[0]![0] && x[1] === batch[0]![1]),
      );
      expect(evaluated.slice(at, at + batch.length)).toEqual(batch);
    }
  });
});
