export { type DescribeOptions, describeDistribution, formatSeconds } from "./describe.js";
export {
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
export { distributionFromSpec } from "./from-spec.js";
export { erfc, normalCdf, normalPdf, normalQuantile, standardNormal } from "./normal.js";
export {
  type DistributionOrNumberInput,
  type DistributionSpecInput,
  distributionOrNumberSchema,
  distributionSpecSchema,
} from "./spec-schema.js";
export { deriveSeed, RandomStreams, type Rng } from "./streams.js";
export type { Distribution, DistributionSpec, HistogramBucket } from "./types.js";
