import {
  deterministic,
  empiricalHistogram,
  empiricalSamples,
  erlang,
  exponential,
  gamma,
  lognormal,
  lognormalFromMeanCv,
  lognormalFromMedianP95,
  truncatedNormal,
  uniform,
} from "./distributions.js";
import type { Distribution, DistributionSpec } from "./types.js";

/** Builds the distribution a canonical spec describes; a plain number is a deterministic value. */
export function distributionFromSpec(spec: DistributionSpec | number): Distribution {
  if (typeof spec === "number") return deterministic(spec);
  switch (spec.dist) {
    case "deterministic":
      return deterministic(spec.value);
    case "exponential":
      return exponential(spec.mean);
    case "uniform":
      return uniform(spec.min, spec.max);
    case "normal":
      return truncatedNormal(spec.mean, spec.sd, spec.min, spec.max ?? Number.POSITIVE_INFINITY);
    case "lognormal":
      if ("mu" in spec) return lognormal(spec.mu, spec.sigma);
      if ("median" in spec) return lognormalFromMedianP95(spec.median, spec.p95);
      return lognormalFromMeanCv(spec.mean, spec.cv);
    case "gamma":
      return gamma(spec.shape, spec.scale);
    case "erlang":
      return erlang(spec.k, spec.mean);
    case "empirical":
      return "samples" in spec ? empiricalSamples(spec.samples) : empiricalHistogram(spec.buckets, spec.min);
  }
}
