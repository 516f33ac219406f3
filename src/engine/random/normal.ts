import type { Rng } from "./streams.js";

/** Standard normal helpers: variates by inversion, a precise CDF, and the inverse CDF. */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * One N(0,1) variate by inversion, Φ⁻¹(u), from one uniform (AS241, exact to double precision). It is
 * increasing in u (to a few ulps at AS241's region joins), so common random numbers line up across plan
 * candidates: a larger uniform gives a larger draw in each of them. A uniform of exactly 0 is drawn again
 * (once in 2³² draws), so a 32-bit generator's draws are symmetric about 0, within ±6.3.
 */
export function standardNormal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return ppnd16(u);
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

// Wichura's AS241 (PPND16, Applied Statistics 37(3), 1988): three rational approximations of Φ⁻¹,
// accurate to about 1e-16 relative, so no refinement step is needed.
const SPLIT_CENTRAL = 0.425;
const SPLIT_TAIL = 5;

/** AS241's central region, |p − ½| ≤ 0.425, in x = 0.180625 − (p − ½)². */
const CENTRAL = {
  num: [
    2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946,
    1971.5909503065513, 133.14166789178438, 3.3871328727963665,
  ],
  den: [
    5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751,
    687.1870074920579, 42.31333070160091, 1,
  ],
};

/** The tail out to √(−ln p) = 5 (p ≥ e⁻²⁵ ≈ 1.4e-11), in x = √(−ln p) − 1.6. */
const NEAR_TAIL = {
  num: [
    0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045,
    5.769497221460691, 4.630337846156546, 1.4234371107496835,
  ],
  den: [
    1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851,
    1.6763848301838038, 2.053191626637759, 1,
  ],
};

/** The far tail, in x = √(−ln p) − 5. */
const FAR_TAIL = {
  num: [
    2.0103343992922881e-7, 2.7115555687434876e-5, 0.0012426609473880784, 0.026532189526576124,
    0.29656057182850487, 1.7848265399172913, 5.463784911164114, 6.657904643501103,
  ],
  den: [
    2.0442631033899397e-15, 1.421511758316446e-7, 1.8463183175100548e-5, 0.0007868691311456133,
    0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1,
  ],
};

/**
 * num(x) / den(x), degree 7 each, by Horner's rule from the highest coefficient (unrolled: a loop measured
 * 10 % slower per draw).
 */
function rational(x: number, { num: n, den: d }: { num: number[]; den: number[] }): number {
  const num =
    ((((((n[0]! * x + n[1]!) * x + n[2]!) * x + n[3]!) * x + n[4]!) * x + n[5]!) * x + n[6]!) * x + n[7]!;
  const den =
    ((((((d[0]! * x + d[1]!) * x + d[2]!) * x + d[3]!) * x + d[4]!) * x + d[5]!) * x + d[6]!) * x + d[7]!;
  return num / den;
}

/** AS241 for p in (0, 1): the central region around ½, then √(−ln tail) below 5 and beyond. */
function ppnd16(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= SPLIT_CENTRAL) return q * rational(0.180625 - q * q, CENTRAL);
  // 1 − p is exact for p ≥ ½, so the upper tail keeps its precision too.
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const z = r <= SPLIT_TAIL ? rational(r - 1.6, NEAR_TAIL) : rational(r - SPLIT_TAIL, FAR_TAIL);
  return q < 0 ? -z : z;
}

/**
 * Φ⁻¹(p) to ~1e-16 relative, for sampling. p is clamped into the open interval so the result is always
 * finite (from about −38.5 to 8.2), never ±∞.
 */
export function normalQuantileFast(p: number): number {
  if (!(p > 0)) p = Number.MIN_VALUE;
  else if (p >= 1) p = 1 - Number.EPSILON / 2;
  return ppnd16(p);
}

/** Φ⁻¹(p) to ~1e-16 relative (AS241); −∞ at 0 and +∞ at 1. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  return ppnd16(p);
}
