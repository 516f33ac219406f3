import { normalQuantile as sharedNormalQuantile } from "../random/normal.js";

/**
 * Student t and standard normal distribution functions for confidence intervals: quantiles within 1e-9
 * relative (typically 1e-13), far inside the 1e-6 needed. No dependencies: simple-statistics has no t quantile.
 */

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Inverse standard normal CDF (Wichura's AS241, ~1e-16 relative;
 * shared with the random module); ±Infinity at 0 and 1, RangeError outside [0, 1].
 */
export function normalQuantile(p: number): number {
  requireProbability(p);
  return sharedNormalQuantile(p);
}

/**
 * Standard normal CDF Φ(z) = ½·Q(½, z²/2) in the tail (regularised upper incomplete gamma), so tiny
 * tails keep full relative precision.
 * Reference: Press et al., Numerical Recipes 3rd ed. (2007), §6.2 (erf via incomplete gamma).
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * upperIncompleteGammaHalf((z * z) / 2);
  return z >= 0 ? 1 - tail : tail;
}

/**
 * Student t CDF with df > 0 degrees of freedom (real df allowed; df = Infinity is the normal):
 * P(T ≤ −|t|) = ½·I_x(df/2, ½) with x = df/(df + t²), via the continued fraction of the incomplete beta.
 * Reference: Press et al., Numerical Recipes 3rd ed. (2007), §6.4 and §6.14 (Student's t).
 */
export function studentTCdf(t: number, df: number): number {
  requireDegreesOfFreedom(df);
  if (Number.isNaN(t)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  const tail = studentTUpperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Student t quantile: closed forms for df = 1 (tan) and df = 2, the normal quantile for df = Infinity,
 * otherwise safeguarded Newton on log(tail) from a Cornish–Fisher start, bracketed by bisection.
 * Reference: Hill, "Algorithm 396: Student's t-quantiles", CACM 13 (1970) 619–620 (df 1, 2 and the expansion).
 */
export function studentTQuantile(p: number, df: number): number {
  requireProbability(p);
  requireDegreesOfFreedom(df);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  // Solve for the upper-tail probability q < ½ so tiny tails keep their relative precision.
  const upperTail = p < 0.5 ? p : 1 - p;
  const magnitude = upperTailQuantile(upperTail, df);
  return p < 0.5 ? -magnitude : magnitude;
}

function upperTailQuantile(upperTail: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * upperTail);
  if (df === 2) return (1 - 2 * upperTail) / Math.sqrt(2 * upperTail * (1 - upperTail));

  let lo = 0;
  let hi = cornishFisherGuess(upperTail, df);
  for (let i = 0; i < 2100 && studentTUpperTail(hi, df) > upperTail; i++) {
    lo = hi;
    hi *= 2;
  }
  let t = hi;
  for (let iteration = 0; iteration < 400; iteration++) {
    const tail = studentTUpperTail(t, df);
    if (tail > upperTail) lo = t;
    else hi = t;
    // Newton on ln(tail(t)) − ln(q): near-linear both for normal-like and power-law tails.
    let next = t + ((Math.log(tail) - Math.log(upperTail)) * tail) / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = lo > 0 && hi / lo > 2 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * next || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/** Cornish–Fisher expansion of the t quantile around the normal (Hill 1970); a start point only. */
function cornishFisherGuess(upperTail: number, df: number): number {
  const z = -normalQuantile(upperTail);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  const guess = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  return Number.isFinite(guess) && guess > 0 ? guess : 1;
}

/** Above this df the direct continued fraction loses digits (x ≈ 1), so moderate t uses the 1/ν expansion. */
const LARGE_DF = 1e6;

/** P(T > t) for t ≥ 0, computed in logs so neither t² nor the prefactor overflows. */
function studentTUpperTail(t: number, df: number): number {
  if (t === 0) return 0.5;
  if (t === Number.POSITIVE_INFINITY) return 0;
  const t2 = t * t;
  if (df > LARGE_DF && (t2 * t2) / df < 1e-4) return largeDfUpperTail(t, df);
  const a = df / 2;
  const b = 0.5;
  const logRatio = 2 * Math.log(t) - Math.log(df); // ln(t²/df)
  const logX = -softplus(logRatio); // ln(df/(df+t²)) without cancelling two large logs
  const logY = -softplus(-logRatio); // ln(t²/(df+t²))
  const x = Math.exp(logX);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (0.5 * front * betaContinuedFraction(a, b, x)) / a;
  return 0.5 * (1 - (front * betaContinuedFraction(b, a, Math.exp(logY))) / b);
}

/**
 * Two-term expansion 1 − F_ν(t) = Q(t) + φ(t)·[(t³+t)/(4ν) + (3t⁷−7t⁵−5t³−3t)/(96ν²)] + O(ν⁻³);
 * relative error ~ (t⁴/ν)³, negligible where it is used.
 * Reference: Fisher, "Expansion of Student's integral in powers of n⁻¹", Metron 5 (1925) 109–120.
 */
function largeDfUpperTail(t: number, df: number): number {
  const t2 = t * t;
  const first = (t * (t2 + 1)) / (4 * df);
  const second = (t * (((3 * t2 - 7) * t2 - 5) * t2 - 3)) / (96 * df * df);
  const density = Math.exp(-t2 / 2 - LOG_SQRT_2PI);
  return 0.5 * upperIncompleteGammaHalf(t2 / 2) + density * (first + second);
}

function studentTPdf(t: number, df: number): number {
  const logDf = Math.log(df);
  const logOnePlus = softplus(2 * Math.log(Math.abs(t)) - logDf); // ln(1 + t²/df)
  return Math.exp(-logBeta(df / 2, 0.5) - 0.5 * logDf - ((df + 1) / 2) * logOnePlus);
}

/**
 * Continued fraction for I_x(a, b) by the modified Lentz method; converges fast when x < (a+1)/(a+b+2).
 * Reference: Press et al., Numerical Recipes 3rd ed. (2007), §6.4 (betacf).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/** ln B(a, b) = ln Γ(b) − [ln Γ(a+b) − ln Γ(a)], the bracket by a Stirling difference for large a. */
function logBeta(a: number, b: number): number {
  return logGamma(b) - logGammaRatio(a, b);
}

/** ln Γ(a+b) − ln Γ(a) without the cancellation of two huge lnΓ values when a is large (big df). */
function logGammaRatio(a: number, b: number): number {
  if (a < 10) return logGamma(a + b) - logGamma(a);
  return (a - 0.5) * Math.log1p(b / a) + b * Math.log(a + b) - b + stirlingTail(a + b) - stirlingTail(a);
}

/** ln Γ(z) − [(z − ½)ln z − z + ½ln 2π], asymptotic series, error < 1e-14 for z ≥ 10. */
function stirlingTail(z: number): number {
  const inv = 1 / z;
  const inv2 = inv * inv;
  return inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
}

const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, n = 9), relative error ~1e-15.
 * Reference: Lanczos, "A precision approximation of the gamma function", SIAM J. Numer. Anal. B 1 (1964) 86–96.
 */
function logGamma(x: number): number {
  if (x === 0.5) return LOG_SQRT_PI;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (shifted + i);
  const t = shifted + 7.5;
  return LOG_SQRT_2PI + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Q(½, x), the regularised upper incomplete gamma at a = ½: series below x = 1.5, Lentz continued fraction above.
 * Reference: Press et al., Numerical Recipes 3rd ed. (2007), §6.2 (gser, gcf).
 */
function upperIncompleteGammaHalf(x: number): number {
  const a = 0.5;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const logPrefix = -x + a * Math.log(x) - LOG_SQRT_PI;
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** ln(1 + e^v) without overflow. */
function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

function requireProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
}

function requireDegreesOfFreedom(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}
