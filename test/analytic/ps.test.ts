import { describe, expect, it } from "vitest";
import { mmc } from "../../src/analytic/mmc.js";
import { mg1Ps, mgcPs, psWithBackgroundLoad } from "../../src/analytic/ps.js";

/** Mean of the birth–death chain with birth a and death min(n, s), by direct summation of π(n). */
function bruteForceMeanNumber(offeredLoadErlangs: number, capacityServers: number): number {
  let weight = 1;
  let total = 1;
  let weightedSum = 0;
  for (let n = 1; n < 200_000; n++) {
    weight *= offeredLoadErlangs / Math.min(n, capacityServers);
    total += weight;
    weightedSum += n * weight;
    if (weight < 1e-300 || (n > capacityServers && weight * n < 1e-18 * weightedSum)) break;
  }
  return weightedSum / total;
}

describe("M/G/1-PS", () => {
  it("has W = E[S]/(1−ρ), as M/M/1-PS in Ciw's tests: 1/(μ−λ)", () => {
    for (const [lambda, mu] of [
      [3, 5],
      [4, 5],
      [3, 6],
    ] as const) {
      const m = mg1Ps(lambda, 1 / mu);
      expect(m.meanResponseSeconds).toBeCloseTo(1 / (mu - lambda), 12);
      expect(m.meanNumberInSystem).toBeCloseTo(lambda / (mu - lambda), 12);
      expect(m.meanSlowdown).toBeCloseTo(1 / (1 - lambda / mu), 12);
    }
  });

  it("saturates at ρ ≥ 1", () => {
    expect(mg1Ps(1, 1).stable).toBe(false);
    expect(mg1Ps(1, 1).meanResponseSeconds).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("c-server PS with per-job cap min(1, c/n)", () => {
  it("has the M/M/c mean response and number in system", () => {
    for (const c of [1, 2, 4, 16, 64]) {
      for (const rho of [0.3, 0.8, 0.95]) {
        const ps = mgcPs(rho * c, 1, c);
        const fcfs = mmc(rho * c, 1, c);
        expect(ps.meanResponseSeconds).toBeCloseTo(fcfs.meanResponseSeconds, 12);
        expect(ps.meanNumberInSystem).toBeCloseTo(fcfs.meanNumberInSystem, 10);
        expect(ps.utilisation).toBeCloseTo(rho, 12);
      }
    }
  });

  it("matches the general capacity-sharing closed form with no background load", () => {
    for (const c of [1, 2, 3, 8, 32, 500]) {
      for (const rho of [0.1, 0.5, 0.9, 0.99]) {
        const general = psWithBackgroundLoad((rho * c) / 2, 2, c, 0);
        const viaMmc = mgcPs((rho * c) / 2, 2, c);
        expect(viaMmc.stable).toBe(true);
        expect(general.meanResponseSeconds / viaMmc.meanResponseSeconds).toBeCloseTo(1, 10);
      }
    }
  });
});

describe("PS with a background fluid load", () => {
  it("gives x/(1 − b − ρ) on one server", () => {
    const m = psWithBackgroundLoad(0.4, 1, 1, 0.3);
    expect(m.meanResponseSeconds).toBeCloseTo(1 / (1 - 0.3 - 0.4), 12);
    expect(m.meanSlowdown * 2.5).toBeCloseTo(2.5 / 0.3, 12);
    expect(m.utilisation).toBeCloseTo(0.7, 12);
  });

  it("agrees with direct summation of the min(n, c − b) chain, integer and fractional capacity", () => {
    const cases: [number, number, number][] = [
      [4, 1.5, 1.2],
      [4, 1.5, 2.4],
      [2, 0.5, 1.4],
      [8, 0, 7],
      [8, 3, 0.5],
      [16, 0.25, 15],
      [1, 0.9, 0.05],
    ];
    for (const [servers, background, load] of cases) {
      const m = psWithBackgroundLoad(load, 1, servers, background);
      const expected = bruteForceMeanNumber(load, servers - background);
      expect(m.meanNumberInSystem / expected).toBeCloseTo(1, 9);
      expect(m.meanResponseSeconds).toBeCloseTo(m.meanNumberInSystem / load, 12);
    }
  });

  it("slows a lone job only when less than one server is left", () => {
    expect(psWithBackgroundLoad(0, 2, 4, 1).meanResponseSeconds).toBe(2);
    expect(psWithBackgroundLoad(0, 2, 1, 0.5).meanResponseSeconds).toBe(4);
  });

  it("is unstable when foreground plus background reach capacity", () => {
    expect(psWithBackgroundLoad(2, 1, 4, 2).stable).toBe(false);
    expect(psWithBackgroundLoad(0, 1, 2, 2).stable).toBe(false);
    expect(psWithBackgroundLoad(1.9, 1, 4, 2).stable).toBe(true);
  });
});
