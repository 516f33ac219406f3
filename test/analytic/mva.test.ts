import { describe, expect, it } from "vitest";
import {
  bottleneck,
  closedSystemBounds,
  interactiveResponseSeconds,
  littlesLaw,
  openSystemBounds,
  saturationThroughputPerSecond,
  serviceDemandLaw,
  utilisationLaw,
} from "../../src/analytic/bounds.js";
import { type MvaStation, mvaExact } from "../../src/analytic/mva.js";

interface BruteStation {
  demandSeconds: number;
  /** Infinity for a delay station (think time). */
  servers: number;
}

/**
 * Product-form solution by enumerating every population vector: weight Π_k D_k^{n_k}/Π_{j≤n_k} min(j, c_k);
 * X(N) = G(N−1)/G(N), Q_k = E[n_k]. Independent of the MVA recursion.
 */
function bruteForce(stations: readonly BruteStation[], population: number) {
  const factor = (s: BruteStation, n: number) => {
    let w = 1;
    for (let j = 1; j <= n; j++) w *= s.demandSeconds / Math.min(j, s.servers);
    return w;
  };
  const solve = (total: number) => {
    let g = 0;
    const q = stations.map(() => 0);
    const walk = (k: number, left: number, weight: number, counts: number[]) => {
      if (k === stations.length - 1) {
        const w = weight * factor(stations[k]!, left);
        g += w;
        [...counts, left].forEach((n, i) => {
          q[i]! += n * w;
        });
        return;
      }
      for (let n = 0; n <= left; n++) walk(k + 1, left - n, weight * factor(stations[k]!, n), [...counts, n]);
    };
    walk(0, total, 1, []);
    return { g, q: q.map((v) => v / g) };
  };
  const current = solve(population);
  const previous = solve(population - 1);
  return { throughputPerSecond: previous.g / current.g, queueLengths: current.q };
}

/**
 * Finite-source M/M/c//N (machine repairman): π(j) ∝ N!/(N−j)! · (D/Z)^j / (j! for j ≤ c, c!·c^{j−c} above),
 * in log space so N = 2000 does not overflow; X = E[min(j, c)]/D.
 */
function machineRepairmanThroughput(
  population: number,
  servers: number,
  demandSeconds: number,
  thinkSeconds: number,
) {
  const logWeights: number[] = [0];
  for (let j = 1; j <= population; j++) {
    logWeights.push(
      logWeights[j - 1]! +
        Math.log(population - j + 1) +
        Math.log(demandSeconds / thinkSeconds) -
        Math.log(Math.min(j, servers)),
    );
  }
  const max = Math.max(...logWeights);
  let total = 0;
  let busy = 0;
  logWeights.forEach((lw, j) => {
    const w = Math.exp(lw - max);
    total += w;
    busy += Math.min(j, servers) * w;
  });
  return busy / total / demandSeconds;
}

/** ln G(n), n = 0..N, by convolving ln f_k(n) = n·ln D_k − Σ_{j≤n} ln min(j, c_k) with log-sum-exp. */
function logNormalisingConstants(stations: readonly BruteStation[], population: number): number[] {
  let logG = Array.from({ length: population + 1 }, (_, n) => (n === 0 ? 0 : Number.NEGATIVE_INFINITY));
  for (const s of stations) {
    const logF = [0];
    for (let j = 1; j <= population; j++) {
      logF.push(logF[j - 1]! + Math.log(s.demandSeconds) - Math.log(Math.min(j, s.servers)));
    }
    logG = logG.map((_, n) => {
      const terms = Array.from({ length: n + 1 }, (_, j) => logF[j]! + logG[n - j]!);
      const max = Math.max(...terms);
      return max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
    });
  }
  return logG;
}

describe("exact MVA, single-server stations", () => {
  it("matches the hand-solved two-station network D = (1, 2), Z = 0", () => {
    const r = mvaExact(
      [
        { kind: "queueing", name: "cpu", demandSeconds: 1 },
        { kind: "queueing", name: "disk", demandSeconds: 2 },
      ],
      3,
    );
    const expected = [
      { x: 1 / 3, r: 3, q: [1 / 3, 2 / 3] },
      { x: 3 / 7, r: 14 / 3, q: [4 / 7, 10 / 7] },
      { x: 7 / 15, r: 45 / 7, q: [11 / 15, 34 / 15] },
    ];
    expected.forEach((e, i) => {
      const row = r[i]!;
      expect(row.population).toBe(i + 1);
      expect(row.throughputPerSecond).toBeCloseTo(e.x, 12);
      expect(row.responseSeconds).toBeCloseTo(e.r, 12);
      expect(row.stations[0]!.queueLength).toBeCloseTo(e.q[0]!, 12);
      expect(row.stations[1]!.queueLength).toBeCloseTo(e.q[1]!, 12);
      expect(row.stations[1]!.utilisation).toBeCloseTo(2 * e.x, 12);
      expect(row.stations[0]!.name).toBe("cpu");
    });
    // N = 3 by hand from the product form: states ∝ 1, 2, 4, 8, G = 15, U_disk = 14/15.
    expect(r[2]!.stations[1]!.utilisation).toBeCloseTo(14 / 15, 12);
  });

  it("matches the hand-solved network with think time Z = 3", () => {
    const r = mvaExact(
      [
        { kind: "queueing", demandSeconds: 1 },
        { kind: "queueing", demandSeconds: 2 },
      ],
      2,
      3,
    );
    expect(r[0]!.throughputPerSecond).toBeCloseTo(1 / 6, 12);
    expect(r[1]!.responseSeconds).toBeCloseTo(7 / 6 + 8 / 3, 12);
    expect(r[1]!.throughputPerSecond).toBeCloseTo(12 / 41, 12);
  });

  it("agrees with brute-force product-form enumeration including a delay station", () => {
    const stations: MvaStation[] = [
      { kind: "queueing", demandSeconds: 0.4 },
      { kind: "queueing", demandSeconds: 0.25 },
      { kind: "delay", demandSeconds: 0.7 },
    ];
    const results = mvaExact(stations, 7, 2);
    for (const row of results) {
      const brute = bruteForce(
        [
          { demandSeconds: 0.4, servers: 1 },
          { demandSeconds: 0.25, servers: 1 },
          { demandSeconds: 0.7, servers: Number.POSITIVE_INFINITY },
          { demandSeconds: 2, servers: Number.POSITIVE_INFINITY },
        ],
        row.population,
      );
      expect(row.throughputPerSecond).toBeCloseTo(brute.throughputPerSecond, 12);
      row.stations.forEach((s, k) => {
        expect(s.queueLength).toBeCloseTo(brute.queueLengths[k]!, 11);
      });
    }
  });
});

describe("exact MVA, multi-server stations (load-dependent recursion)", () => {
  it("agrees with brute-force enumeration for 2- and 3-server stations", () => {
    const stations: MvaStation[] = [
      { kind: "queueing", demandSeconds: 1.2, servers: 3 },
      { kind: "queueing", demandSeconds: 0.5, servers: 2 },
      { kind: "queueing", demandSeconds: 0.3 },
    ];
    const results = mvaExact(stations, 9, 1.5);
    for (const row of results) {
      const brute = bruteForce(
        [
          { demandSeconds: 1.2, servers: 3 },
          { demandSeconds: 0.5, servers: 2 },
          { demandSeconds: 0.3, servers: 1 },
          { demandSeconds: 1.5, servers: Number.POSITIVE_INFINITY },
        ],
        row.population,
      );
      expect(row.throughputPerSecond).toBeCloseTo(brute.throughputPerSecond, 11);
      row.stations.forEach((s, k) => {
        expect(s.queueLength).toBeCloseTo(brute.queueLengths[k]!, 10);
      });
      expect(row.stations[0]!.utilisation).toBeCloseTo((row.throughputPerSecond * 1.2) / 3, 12);
    }
  });

  it("stays accurate through the knee and deep into saturation (8 servers, N = 2000)", () => {
    const results = mvaExact([{ kind: "queueing", demandSeconds: 1, servers: 8 }], 2000, 10);
    for (const population of [5, 60, 88, 120, 500, 2000]) {
      const row = results[population - 1]!;
      expect(row.throughputPerSecond / machineRepairmanThroughput(population, 8, 1, 10)).toBeCloseTo(1, 9);
    }
    for (const row of results) {
      expect(row.throughputPerSecond).toBeLessThanOrEqual(8 * (1 + 1e-12));
      expect(row.stations[0]!.utilisation).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it("agrees with log-space convolution for two multi-server stations up to N = 300", () => {
    const results = mvaExact(
      [
        { kind: "queueing", demandSeconds: 0.8, servers: 4 },
        { kind: "queueing", demandSeconds: 0.5, servers: 2 },
        { kind: "queueing", demandSeconds: 0.1 },
      ],
      300,
      5,
    );
    const logG = logNormalisingConstants(
      [
        { demandSeconds: 0.8, servers: 4 },
        { demandSeconds: 0.5, servers: 2 },
        { demandSeconds: 0.1, servers: 1 },
        { demandSeconds: 5, servers: Number.POSITIVE_INFINITY },
      ],
      300,
    );
    for (const population of [1, 3, 10, 25, 40, 60, 100, 300]) {
      const expected = Math.exp(logG[population - 1]! - logG[population]!);
      expect(results[population - 1]!.throughputPerSecond / expected).toBeCloseTo(1, 9);
    }
  });

  it("handles a lone multi-server station without think time, and a zero-demand one", () => {
    const lone = mvaExact([{ kind: "queueing", demandSeconds: 1, servers: 2 }], 3);
    expect(lone.map((r) => r.throughputPerSecond)).toEqual([1, 2, 2]);
    expect(lone[2]!.responseSeconds).toBeCloseTo(1.5, 12);
    const withIdle = mvaExact(
      [
        { kind: "queueing", demandSeconds: 2 },
        { kind: "queueing", demandSeconds: 0, servers: 3 },
      ],
      4,
      1,
    );
    const plain = mvaExact([{ kind: "queueing", demandSeconds: 2 }], 4, 1);
    withIdle.forEach((row, i) => {
      expect(row.throughputPerSecond).toBeCloseTo(plain[i]!.throughputPerSecond, 12);
      expect(row.stations[1]!.queueLength).toBe(0);
    });
  });

  it("rejects bad arguments", () => {
    expect(() => mvaExact([], 3)).toThrow(RangeError);
    expect(() => mvaExact([{ kind: "queueing", demandSeconds: 1 }], 0)).toThrow(/maxPopulation/);
    expect(() => mvaExact([{ kind: "queueing", demandSeconds: 1, servers: 0 }], 2)).toThrow(/servers/);
    expect(() => mvaExact([{ kind: "delay", demandSeconds: 0 }], 2)).toThrow(/think time/);
  });
});

describe("operational laws and asymptotic bounds", () => {
  it("applies the basic laws", () => {
    expect(utilisationLaw(40, 0.02)).toBeCloseTo(0.8, 12);
    expect(littlesLaw(40, 0.5)).toBeCloseTo(20, 12);
    expect(serviceDemandLaw(0.8, 40)).toBeCloseTo(0.02, 12);
    expect(interactiveResponseSeconds(100, 10, 8)).toBeCloseTo(2, 12);
  });

  it("finds the bottleneck per server and the saturation throughput", () => {
    const stations = [
      { name: "cpu", demandSeconds: 0.6, servers: 4 },
      { name: "db", demandSeconds: 0.2 },
      { name: "net", demandSeconds: 5, servers: Number.POSITIVE_INFINITY },
    ];
    expect(bottleneck(stations)).toEqual({ index: 1, name: "db", perServerDemandSeconds: 0.2 });
    expect(saturationThroughputPerSecond(stations)).toBeCloseTo(5, 12);
    const open = openSystemBounds(stations, 2);
    expect(open.responseLowerSeconds).toBeCloseTo(5.8, 12);
    expect(open.bottleneckUtilisation).toBeCloseTo(0.4, 12);
  });

  it("gives the textbook asymptotes for D = (1, 2), Z = 3", () => {
    const stations = [{ demandSeconds: 1 }, { demandSeconds: 2 }];
    const b1 = closedSystemBounds(stations, 1, 3);
    expect(b1.kneePopulation).toBeCloseTo(3, 12);
    expect(b1.throughputUpperPerSecond).toBeCloseTo(1 / 6, 12);
    expect(b1.responseLowerSeconds).toBeCloseTo(3, 12);
    const b10 = closedSystemBounds(stations, 10, 3);
    expect(b10.throughputUpperPerSecond).toBeCloseTo(0.5, 12);
    expect(b10.responseLowerSeconds).toBeCloseTo(17, 12);
    expect(b10.responseUpperSeconds).toBeCloseTo(30, 12);
    expect(b10.throughputLowerPerSecond).toBeCloseTo(10 / 33, 12);
  });

  it("brackets exact MVA at every population, single- and multi-server", () => {
    const cases: { mva: MvaStation[]; bound: { demandSeconds: number; servers?: number }[]; z: number }[] = [
      {
        mva: [
          { kind: "queueing", demandSeconds: 1 },
          { kind: "queueing", demandSeconds: 2 },
        ],
        bound: [{ demandSeconds: 1 }, { demandSeconds: 2 }],
        z: 3,
      },
      {
        mva: [
          { kind: "queueing", demandSeconds: 0.9, servers: 4 },
          { kind: "queueing", demandSeconds: 0.1 },
          { kind: "delay", demandSeconds: 0.5 },
        ],
        bound: [
          { demandSeconds: 0.9, servers: 4 },
          { demandSeconds: 0.1 },
          { demandSeconds: 0.5, servers: Number.POSITIVE_INFINITY },
        ],
        z: 4,
      },
    ];
    for (const { mva, bound, z } of cases) {
      for (const row of mvaExact(mva, 60, z)) {
        const b = closedSystemBounds(bound, row.population, z);
        expect(row.throughputPerSecond).toBeLessThanOrEqual(b.throughputUpperPerSecond * (1 + 1e-12));
        expect(row.throughputPerSecond).toBeGreaterThanOrEqual(b.throughputLowerPerSecond * (1 - 1e-12));
        expect(row.responseSeconds).toBeGreaterThanOrEqual(b.responseLowerSeconds * (1 - 1e-12));
        expect(row.responseSeconds).toBeLessThanOrEqual(b.responseUpperSeconds * (1 + 1e-12));
      }
    }
  });
});
