import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ggcAllenCunneen, md1, mg1, mg1FromSecondMoment, mgcAllenCunneen } from "../../src/analytic/mg1.js";
import { mm1 } from "../../src/analytic/mm1.js";
import { erlangB, erlangC, mmc } from "../../src/analytic/mmc.js";
import { jacksonTandem } from "../../src/analytic/tandem.js";

describe("mm1", () => {
  it("matches the textbook λ=0.8, μ=1 values", () => {
    const m = mm1(0.8, 1);
    expect(m.utilisation).toBeCloseTo(0.8, 12);
    expect(m.meanResponseSeconds).toBeCloseTo(5, 12);
    expect(m.meanWaitSeconds).toBeCloseTo(4, 12);
    expect(m.meanNumberInSystem).toBeCloseTo(4, 12);
    expect(m.meanNumberInQueue).toBeCloseTo(3.2, 12);
    expect(m.stable).toBe(true);
  });

  it("reports saturation as Infinity instead of negative means", () => {
    const m = mm1(1, 1);
    expect(m.stable).toBe(false);
    expect(m.meanResponseSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(mm1(2, 1).utilisation).toBe(2);
  });

  it("rejects impossible rates", () => {
    expect(() => mm1(-1, 1)).toThrow(RangeError);
    expect(() => mm1(0.5, 0)).toThrow(/serviceRatePerSecond/);
    expect(() => mm1(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe("Erlang B / C and M/M/c", () => {
  it("matches Erlang C for c=4, λ=3.2, μ=1", () => {
    const m = mmc(3.2, 1, 4);
    expect(m.probabilityOfWait).toBeCloseTo(0.5964324717874046, 12);
    expect(m.meanWaitSeconds).toBeCloseTo(0.7455405897342559, 12);
    expect(m.meanResponseSeconds).toBeCloseTo(1.7455405897342557, 12);
    expect(m.meanNumberInQueue).toBeCloseTo(3.2 * 0.7455405897342559, 12);
    expect(m.utilisation).toBeCloseTo(0.8, 12);
  });

  it("is stable for a thousand servers and tiny blocking probabilities", () => {
    expect(erlangB(1000, 950)).toBeCloseTo(0.00364929368894241, 14);
    expect(erlangC(1000, 950)).toBeCloseTo(0.06825341537714141, 13);
    expect(erlangB(500, 100) / 3.0489006616114876e-178).toBeCloseTo(1, 10);
    const big = mmc(950, 1, 1000);
    expect(Number.isFinite(big.meanWaitSeconds)).toBe(true);
    expect(big.meanWaitSeconds).toBeCloseTo(0.06825341537714141 / 50, 14);
  });

  it("reduces to M/M/1 for one server", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (rho, mu) => {
          const a = mmc(rho * mu, mu, 1);
          const b = mm1(rho * mu, mu);
          expect(a.probabilityOfWait).toBeCloseTo(rho, 10);
          expect(a.meanResponseSeconds / b.meanResponseSeconds).toBeCloseTo(1, 10);
          expect(a.meanNumberInQueue).toBeCloseTo(b.meanNumberInQueue, 6);
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });

  it("obeys Little's law and C ≥ B, and waits shrink with more servers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.05, max: 0.98, noNaN: true }),
        (c, rho) => {
          const a = rho * c;
          expect(erlangC(c, a)).toBeGreaterThanOrEqual(erlangB(c, a));
          const m = mmc(a, 1, c);
          expect(m.meanNumberInSystem).toBeCloseTo(a * m.meanResponseSeconds, 9);
          expect(mmc(a, 1, c + 1).meanWaitSeconds).toBeLessThanOrEqual(m.meanWaitSeconds);
        },
      ),
      { seed: 2, numRuns: 200 },
    );
  });

  it("saturates at a ≥ c and rejects fractional server counts", () => {
    expect(mmc(4, 1, 4).stable).toBe(false);
    expect(mmc(4, 1, 4).probabilityOfWait).toBe(1);
    expect(erlangC(4, 5)).toBe(1);
    expect(() => mmc(1, 1, 2.5)).toThrow(/servers/);
  });
});

describe("M/G/1 and M/D/1", () => {
  it("gives Wq = ρ/(2μ(1−ρ)) = 0.5 for M/D/1 at ρ = 0.5", () => {
    const m = md1(0.5, 1);
    expect(m.meanWaitSeconds).toBeCloseTo(0.5, 12);
    expect(m.meanResponseSeconds).toBeCloseTo(1.5, 12);
    expect(m.meanNumberInQueue).toBeCloseTo(0.25, 12);
  });

  it("reduces to M/M/1 for exponential service (c_s² = 1)", () => {
    const pk = mg1(0.8, 1, 1);
    const exact = mm1(0.8, 1);
    expect(pk.meanWaitSeconds).toBeCloseTo(exact.meanWaitSeconds, 12);
    expect(pk.meanNumberInSystem).toBeCloseTo(exact.meanNumberInSystem, 12);
  });

  it("agrees between the SCV and second-moment forms", () => {
    // Uniform(0, 2) service: E[S] = 1, E[S²] = 4/3, c_s² = 1/3.
    const fromMoment = mg1FromSecondMoment(0.6, 1, 4 / 3);
    const fromScv = mg1(0.6, 1, 1 / 3);
    expect(fromMoment.meanWaitSeconds).toBeCloseTo(fromScv.meanWaitSeconds, 12);
    expect(fromMoment.meanWaitSeconds).toBeCloseTo((0.6 * (4 / 3)) / (2 * 0.4), 12);
  });

  it("rejects a second moment below the squared mean", () => {
    expect(() => mg1FromSecondMoment(0.5, 1, 0.5)).toThrow(/serviceSecondMomentSeconds2/);
    expect(mg1(1.2, 1, 0).stable).toBe(false);
  });
});

describe("Allen–Cunneen M/G/c (approximate)", () => {
  it("is flagged approximate and exact at c_s² = 1 (M/M/c)", () => {
    const approx = mgcAllenCunneen(3.2, 1, 4, 1);
    expect(approx.approximate).toBe(true);
    expect(approx.meanWaitSeconds).toBeCloseTo(mmc(3.2, 1, 4).meanWaitSeconds, 12);
  });

  it("equals Pollaczek–Khinchine for one server", () => {
    for (const scv of [0, 0.5, 2, 10]) {
      expect(mgcAllenCunneen(0.7, 1, 1, scv).meanWaitSeconds).toBeCloseTo(
        mg1(0.7, 1, scv).meanWaitSeconds,
        12,
      );
    }
  });

  it("scales the M/M/c wait by (c_a² + c_s²)/2", () => {
    const base = mmc(3.2, 1, 4).meanWaitSeconds;
    expect(ggcAllenCunneen(3.2, 1, 4, 0, 1).meanWaitSeconds).toBeCloseTo(base / 2, 12);
    expect(ggcAllenCunneen(3.2, 1, 4, 3, 2).meanWaitSeconds).toBeCloseTo(base * 2.5, 12);
  });
});

describe("Jackson tandem", () => {
  it("sums per-station responses", () => {
    const t = jacksonTandem(1, [{ serviceRatePerSecond: 2 }, { serviceRatePerSecond: 3 }]);
    expect(t.meanResponseSeconds).toBeCloseTo(1 / (2 - 1) + 1 / (3 - 1), 12);
    expect(t.meanNumberInSystem).toBeCloseTo(1.5, 12);
    expect(t.bottleneckIndex).toBe(0);
    expect(t.stable).toBe(true);
  });

  it("handles multi-server stations and reports the bottleneck", () => {
    const t = jacksonTandem(3.2, [{ serviceRatePerSecond: 10 }, { serviceRatePerSecond: 1, servers: 4 }]);
    expect(t.meanWaitSeconds).toBeCloseTo(mm1(3.2, 10).meanWaitSeconds + 0.7455405897342559, 12);
    expect(t.bottleneckIndex).toBe(1);
  });

  it("is unstable if any station saturates", () => {
    const t = jacksonTandem(2, [{ serviceRatePerSecond: 5 }, { serviceRatePerSecond: 2 }]);
    expect(t.stable).toBe(false);
    expect(t.meanResponseSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(() => jacksonTandem(1, [])).toThrow(RangeError);
  });
});
