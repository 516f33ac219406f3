import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random/index.js";
import { latinHypercube } from "../../src/uncertainty/lhs.js";
import { flipShares, MORRIS_DELTA, morrisIndices, morrisTrajectories } from "../../src/uncertainty/morris.js";

const rng = (seed: number) => new RandomStreams(seed).stream("test");

// f(x) = 3 x0 + 0 x1 + x2²: EE0 = 3 everywhere, EE1 = 0, and EE2 = (b² − a²) / (b − a) = a + b for a
// step from a to b; on the grid {0, 1/3, 2/3, 1} with Δ = 2/3 that is 2/3 (0 <-> 2/3) or 4/3 (1/3 <-> 1).
const toy = (x: readonly number[]) => 3 * x[0]! + 0 * x[1]! + x[2]! ** 2;

describe("Morris elementary effects", () => {
  it("gives a linear factor its slope, a dead factor mu* = 0, and x² its analytic effects", () => {
    const design = morrisTrajectories(3, 20, rng(1));
    const outputs = design.map((t) => t.points.map(toy));
    const [a, dead, square] = morrisIndices(3, design, outputs);
    expect(MORRIS_DELTA).toBeCloseTo(2 / 3, 12);
    expect(a!.muStar).toBeCloseTo(3, 10);
    expect(a!.sigma).toBeCloseTo(0, 10);
    expect(dead!.muStar).toBe(0);
    expect(dead!.n).toBe(20);
    const analytic = design.map((t) => {
      const s = t.moved.indexOf(2);
      return t.points[s]![2]! + t.points[s + 1]![2]!;
    });
    for (const ee of analytic) expect([2 / 3, 4 / 3].some((v) => Math.abs(v - ee) < 1e-12)).toBe(true);
    expect(square!.muStar).toBeCloseTo(analytic.reduce((x, y) => x + y, 0) / analytic.length, 10);
  });

  it("moves every factor once per trajectory by exactly ±Δ, inside the unit cube", () => {
    for (const t of morrisTrajectories(5, 10, rng(2))) {
      expect([...t.moved].sort()).toEqual([0, 1, 2, 3, 4]);
      t.moved.forEach((i, s) => {
        const before = t.points[s]!;
        const after = t.points[s + 1]!;
        expect(Math.abs(after[i]! - before[i]!)).toBeCloseTo(MORRIS_DELTA, 12);
        before.forEach((v, j) => {
          if (j !== i) expect(after[j]).toBe(v);
        });
        for (const v of after) expect(v >= -1e-12 && v <= 1 + 1e-12).toBe(true);
      });
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(morrisTrajectories(4, 3, rng(7))).toEqual(morrisTrajectories(4, 3, rng(7)));
    expect(morrisTrajectories(4, 3, rng(7))).not.toEqual(morrisTrajectories(4, 3, rng(8)));
  });

  it("counts verdict flips per factor", () => {
    const design = morrisTrajectories(2, 10, rng(3));
    // The verdict is "high" when x1 > 0.5: only factor 1 can flip it.
    const labels = design.map((t) => t.points.map((x) => (x[1]! > 0.5 ? "high" : "low")));
    const [f0, f1] = flipShares(2, design, labels);
    expect(f0).toBe(0);
    expect(f1).toBeGreaterThan(0);
  });
});

describe("Latin hypercube", () => {
  it("puts exactly one point in each stratum of every dimension", () => {
    const n = 8;
    const points = latinHypercube(n, 3, rng(4));
    for (let j = 0; j < 3; j++) {
      const strata = points.map((p) => Math.floor(p[j]! * n)).sort((a, b) => a - b);
      expect(strata).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });
});
