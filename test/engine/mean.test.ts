import { describe, expect, it } from "vitest";
import { lognormal } from "../../src/engine/random/distributions.js";
import { RandomStreams } from "../../src/engine/random/streams.js";
import { Mean } from "../../src/engine/stats/mean.js";
import { Tally } from "../../src/engine/stats/tally.js";

/** Units of 2⁻²⁰⁰ s: every double the test draws is an exact integer of them, so BigInt sums are exact. */
const SCALE = 200n;

/** A positive double as an exact BigInt count of 2⁻²⁰⁰ units. */
function exactUnits(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & 0xfffffffffffffn) | (1n << 52n);
  const shift = BigInt(biased - 1075) + SCALE;
  if (biased === 0 || shift < 0n) throw new RangeError(`${x} is below the test's exact scale`);
  return mantissa << shift;
}

/** |estimate − exact mean| / exact mean, with the exact mean as sum / n in BigInt. */
function relativeError(estimate: number, exactSum: bigint, n: number): number {
  const diff = exactUnits(estimate) * BigInt(n) - exactSum;
  return Number(diff < 0n ? -diff : diff) / Number(exactSum);
}

describe("Mean", () => {
  it("keeps count, sum and mean; NaN when empty, also after a reset", () => {
    const m = new Mean();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) m.add(x);
    expect([m.count, m.sum, m.mean]).toEqual([8, 40, 5]);
    m.reset();
    expect([m.count, m.sum, m.mean]).toEqual([0, 0, NaN]);
  });

  it("over 10^6 request-like durations errs within (n − 1)·2⁻⁵³ of the exact mean, and in fact below 1e-13", () => {
    // Median 5 ms, sigma 2: 1 % below 50 µs, 1 % above 0.5 s, as request and query times spread.
    const draw = lognormal(Math.log(0.005), 2);
    const rng = new RandomStreams(15).stream("durations");
    const n = 1_000_000;
    const mean = new Mean();
    const tally = new Tally();
    let exactSum = 0n;
    for (let i = 0; i < n; i++) {
      const x = draw.sample(rng);
      mean.add(x);
      tally.add(x);
      exactSum += exactUnits(x);
    }
    const u = 2 ** -53;
    // Recursive summation of positives: |ŝ − s| ≤ (n − 1)u/(1 − (n − 1)u)·s; the one division adds u.
    const bound = ((n - 1) * u) / (1 - (n - 1) * u) + u;
    const sumError = relativeError(mean.mean, exactSum, n);
    expect(sumError).toBeLessThan(bound);
    // The bound is the worst case; rounding errors of a random sum cancel like a random walk (~√n·u).
    expect(sumError).toBeLessThan(1e-13);
    // Welford's mean (Tally), which it replaces, for scale: the same order.
    expect(relativeError(tally.mean, exactSum, n)).toBeLessThan(1e-13);
  });

  it("over 10^6 equal observations errs within the same bound, its worst case (Welford is exact there)", () => {
    // A constant query cost: every addition rounds the same way, so the error grows as n·u, not √n·u.
    const x = 0.0046202440714690415;
    const n = 1_000_000;
    const mean = new Mean();
    for (let i = 0; i < n; i++) mean.add(x);
    const u = 2 ** -53;
    const error = relativeError(mean.mean, exactUnits(x) * BigInt(n), n);
    expect(error).toBeLessThan(((n - 1) * u) / (1 - (n - 1) * u) + u);
    expect(error).toBeGreaterThan(1e-12);
  });
});
