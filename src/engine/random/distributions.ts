import {
  assertParams,
  checkDeterministic,
  checkErlang,
  checkExponential,
  checkGamma,
  checkLognormal,
  checkLognormalMeanCv,
  checkLognormalMedianP95,
  checkTruncatedNormal,
  checkUniform,
  Z_95,
} from "./checks.js";
import { normalCdf, normalPdf, normalQuantile, normalQuantileFast, standardNormal } from "./normal.js";
import type { Rng } from "./streams.js";
import type { Distribution, DistributionSpec } from "./types.js";

export { empiricalHistogram, empiricalSamples } from "./empirical.js";
export type { Distribution, DistributionSpec, HistogramBucket } from "./types.js";

/** Always `value`; draws nothing from the generator. */
export function deterministic(value: number): Distribution {
  assertParams("deterministic", (report) => checkDeterministic(value, report));
  return {
    spec: { dist: "deterministic", value },
    mean: value,
    variance: 0,
    quantile: () => value,
    sample: () => value,
  };
}

/** Inverse CDF, one uniform per draw. */
export function exponential(mean: number): Distribution {
  assertParams("exponential", (report) => checkExponential(mean, report));
  return {
    spec: { dist: "exponential", mean },
    mean,
    variance: mean * mean,
    // 1 − u lies in (0, 1], so the log stays finite.
    quantile: (p: number) => -mean * Math.log(1 - p),
    sample: (rng: Rng) => -mean * Math.log(1 - rng()),
  };
}

export function uniform(min: number, max: number): Distribution {
  assertParams("uniform", (report) => checkUniform(min, max, report));
  const width = max - min;
  return {
    spec: { dist: "uniform", min, max },
    mean: (min + max) / 2,
    variance: (width * width) / 12,
    quantile: (p: number) => min + width * p,
    sample: (rng: Rng) => min + width * rng(),
  };
}

/**
 * N(mean, sd²) restricted to [min, max], by inverse CDF (one uniform per draw, increasing in it).
 * `mean`/`sd` are the untruncated parameters; the returned `mean` is the truncated distribution's.
 * Draws never leave [min, max].
 */
export function truncatedNormal(
  mean: number,
  sd: number,
  min = 0,
  max = Number.POSITIVE_INFINITY,
): Distribution {
  assertParams("truncatedNormal", (report) => checkTruncatedNormal(mean, sd, min, max, report));
  const a = (min - mean) / sd;
  const b = (max - mean) / sd;
  // A window wholly in the upper tail is handled as its mirror image, where Φ keeps its precision.
  const mirrored = a > 0;
  const direction = mirrored ? -1 : 1;
  const lo = mirrored ? -b : a;
  const hi = mirrored ? -a : b;
  const cdfLo = normalCdf(lo);
  const mass = normalCdf(hi) - cdfLo;
  const pdfLo = normalPdf(lo);
  const pdfHi = normalPdf(hi);
  const meanZ = (pdfLo - pdfHi) / mass;
  const edge = (z: number, pdf: number) => (Number.isFinite(z) ? z * pdf : 0);
  const varianceZ = 1 + (edge(lo, pdfLo) - edge(hi, pdfHi)) / mass - meanZ * meanZ;

  const toValue = (z: number): number => {
    const value = mean + direction * sd * Math.min(hi, Math.max(lo, z));
    return Math.min(max, Math.max(min, value));
  };
  const spec: DistributionSpec =
    max === Number.POSITIVE_INFINITY
      ? { dist: "normal", mean, sd, min }
      : { dist: "normal", mean, sd, min, max };
  return {
    spec,
    mean: mean + direction * sd * meanZ,
    variance: sd * sd * Math.max(0, varianceZ),
    quantile: (p: number) => toValue(normalQuantile(cdfLo + (mirrored ? 1 - p : p) * mass)),
    sample: (rng: Rng) => {
      const u = rng();
      return toValue(normalQuantileFast(cdfLo + (mirrored ? 1 - u : u) * mass));
    },
  };
}

function lognormalFromParams(mu: number, sigma: number, spec: DistributionSpec): Distribution {
  const sigma2 = sigma * sigma;
  return {
    spec,
    mean: Math.exp(mu + sigma2 / 2),
    variance: Math.expm1(sigma2) * Math.exp(2 * mu + sigma2),
    quantile: (p: number) => Math.exp(mu + sigma * normalQuantile(p)),
    sample: (rng: Rng) => Math.exp(mu + sigma * standardNormal(rng)),
  };
}

/** exp(N(mu, sigma²)); one uniform per draw (inversion, increasing in it). */
export function lognormal(mu: number, sigma: number): Distribution {
  assertParams("lognormal", (report) => checkLognormal(mu, sigma, report));
  return lognormalFromParams(mu, sigma, { dist: "lognormal", mu, sigma });
}

/** The lognormal with this median and 95th percentile: mu = ln(median), sigma = ln(p95/median)/z₀.₉₅. */
export function lognormalFromMedianP95(median: number, p95: number): Distribution {
  assertParams("lognormalFromMedianP95", (report) => checkLognormalMedianP95(median, p95, report));
  return lognormalFromParams(Math.log(median), Math.log(p95 / median) / Z_95, {
    dist: "lognormal",
    median,
    p95,
  });
}

/** The lognormal with this mean and coefficient of variation (sd/mean). */
export function lognormalFromMeanCv(mean: number, cv: number): Distribution {
  assertParams("lognormalFromMeanCv", (report) => checkLognormalMeanCv(mean, cv, report));
  const sigma2 = Math.log1p(cv * cv);
  return lognormalFromParams(Math.log(mean) - sigma2 / 2, Math.sqrt(sigma2), { dist: "lognormal", mean, cv });
}

/** Marsaglia–Tsang (2000) for shape ≥ 1: a unit-scale gamma variate per call. */
function marsagliaTsang(shape: number): (rng: Rng) => number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return (rng) => {
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };
}

/** Unit-scale gamma sampler; shape < 1 uses the boost Γ(a) = Γ(a + 1) · U^(1/a). */
function unitGammaSampler(shape: number): (rng: Rng) => number {
  if (shape >= 1) return marsagliaTsang(shape);
  const boosted = marsagliaTsang(shape + 1);
  const inverseShape = 1 / shape;
  return (rng) => boosted(rng) * rng() ** inverseShape;
}

/** Gamma with this shape and scale (mean shape · scale), by Marsaglia–Tsang rejection. */
export function gamma(shape: number, scale: number): Distribution {
  assertParams("gamma", (report) => checkGamma(shape, scale, report));
  const unit = unitGammaSampler(shape);
  return {
    spec: { dist: "gamma", shape, scale },
    mean: shape * scale,
    variance: shape * scale * scale,
    sample: (rng: Rng) => scale * unit(rng),
  };
}

/** Up to this many phases, an Erlang draw is −scale·ln(∏(1 − uᵢ)): exact, k uniforms, one log. */
const ERLANG_PRODUCT_MAX_K = 20;

/** Sum of k exponential phases with total mean `mean` (gamma with integer shape k). */
export function erlang(k: number, mean: number): Distribution {
  assertParams("erlang", (report) => checkErlang(k, mean, report));
  const scale = mean / k;
  let sample: (rng: Rng) => number;
  if (k <= ERLANG_PRODUCT_MAX_K) {
    sample = (rng) => {
      let product = 1;
      for (let i = 0; i < k; i++) product *= 1 - rng();
      return -scale * Math.log(product);
    };
  } else {
    const unit = marsagliaTsang(k);
    sample = (rng) => scale * unit(rng);
  }
  return { spec: { dist: "erlang", k, mean }, mean, variance: k * scale * scale, sample };
}
