import type { Rng } from "./streams.js";

/** Standard normal helpers: exact Box–Muller variates, a precise CDF, and the inverse CDF. */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TWO_PI = 2 * Math.PI;

/**
 * One N(0,1) variate by Box–Muller from exactly two uniforms. No spare is cached: a cache would tie
 * one stream's draws to whichever distribution object asked last.
 */
export function standardNormal(rng: Rng): number {
  // 1 − u lies in (0, 1], so the log is finite even when the generator returns exactly 0.
  const radius = Math.sqrt(-2 * Math.log(1 - rng()));
  return radius * Math.cos(TWO_PI * rng());
}

/** Complementary error function, accurate to ~1e-13 relative over the whole line (tails included). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < 2) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** erf(x) = 2/√π · e^(−x²) · Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)); every term is positive, so nothing cancels. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz; converges fast for x ≥ 2. */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Φ(x), keeping relative precision deep in the lower tail (Φ(−30) ≈ 4.9e-198 to ~1e-13). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT_2);
}

/** φ(x); 0 at ±∞. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

// Acklam's rational approximation of Φ⁻¹, relative error below 1.15e-9.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const P_HIGH = 1 - P_LOW;

function acklamTail(q: number): number {
  return (
    (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
    ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1)
  );
}

/**
 * Φ⁻¹(p) to ~1e-9 relative, for the sampling hot path. p is clamped into the open interval so the
 * result is always finite (at most about ±38.5), never ±∞.
 */
export function normalQuantileFast(p: number): number {
  if (!(p > 0)) p = Number.MIN_VALUE;
  else if (p >= 1) p = 1 - Number.EPSILON / 2;
  if (p < P_LOW) return acklamTail(Math.sqrt(-2 * Math.log(p)));
  if (p > P_HIGH) return -acklamTail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1)
  );
}

/** Φ⁻¹(p) to ~1e-14 relative (Acklam plus one Halley step); −∞ at 0 and +∞ at 1. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Refine in the lower half only, where Φ keeps full relative precision; 1 − p is exact for p ≥ ½.
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = normalQuantileFast(p);
  const u = (normalCdf(x) - p) * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
