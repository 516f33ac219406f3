import { z } from "zod";
import {
  checkDeterministic,
  checkEmpiricalHistogram,
  checkEmpiricalSamples,
  checkErlang,
  checkExponential,
  checkGamma,
  checkLognormal,
  checkLognormalMeanCv,
  checkLognormalMedianP95,
  checkTruncatedNormal,
  checkUniform,
} from "./checks.js";
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
import type { SpecReader } from "./specReader.js";
import type { Distribution, DistributionSpec, HistogramBucket } from "./types.js";

/**
 * One record per distribution: the keys a model file may write, how a raw spec is read and checked
 * into the canonical `DistributionSpec`, how it is built, and how it is described. The spec schema,
 * `distributionFromSpec` and `describeDistribution` are generic over this table, so a new distribution
 * is a constructor (distributions.ts), its parameter rules (checks.ts), its spec type (types.ts) and
 * one record here.
 */
export interface DistributionKind<S extends DistributionSpec = DistributionSpec> {
  /** Keys that are durations: written bare, `_s` or `_ms`. */
  readonly durations: Record<string, z.ZodType>;
  /** Keys without a unit. */
  readonly unitless: Record<string, z.ZodType>;
  /** The canonical spec, or undefined after reporting every problem at the user's key. */
  read(r: SpecReader): S | undefined;
  build(spec: S): Distribution;
  /** The parameters as "median 4 ms, p95 30 ms"; `t` formats a duration. */
  describe(spec: S, t: (value: number) => string): string;
  /** True when the text already states the exact mean (else describeDistribution appends it). */
  statesMean(spec: S, mean: number): boolean;
}

type SpecOf<D extends DistributionSpec["dist"]> = Extract<DistributionSpec, { dist: D }>;

const amount = z.number();
const sampleList = z.array(z.number());
const bucketList = z.array(
  z.strictObject({
    // YAML `.inf` arrives as Infinity, which z.number() refuses; Prometheus text says "+Inf".
    le: z
      .union([z.number(), z.literal(Number.POSITIVE_INFINITY), z.literal("+Inf")])
      .transform((le): number => (le === "+Inf" ? Number.POSITIVE_INFINITY : le)),
    count: z.number(),
  }),
);

/** Three significant digits, for unitless parameters. */
export function significant(value: number): string {
  return String(Number(value.toPrecision(3)));
}

const exact = (): boolean => true;
const statesMeanKey = (spec: DistributionSpec, mean: number): boolean =>
  "mean" in spec && Math.abs(spec.mean - mean) <= 1e-9 * Math.abs(mean);

const deterministicKind: DistributionKind<SpecOf<"deterministic">> = {
  durations: { value: amount },
  unitless: {},
  read(r) {
    const value = r.required("value", "deterministic takes value");
    if (!r.ok) return undefined;
    checkDeterministic(value, r);
    r.nonNegative("value", value);
    return { dist: "deterministic", value };
  },
  build: (spec) => deterministic(spec.value),
  describe: (spec, t) => t(spec.value),
  statesMean: exact,
};

const exponentialKind: DistributionKind<SpecOf<"exponential">> = {
  durations: { mean: amount },
  unitless: {},
  read(r) {
    const mean = r.required("mean", "exponential takes mean");
    if (!r.ok) return undefined;
    checkExponential(mean, r);
    return { dist: "exponential", mean };
  },
  build: (spec) => exponential(spec.mean),
  describe: (spec, t) => `mean ${t(spec.mean)}`,
  statesMean: exact,
};

const uniformKind: DistributionKind<SpecOf<"uniform">> = {
  durations: { min: amount, max: amount },
  unitless: {},
  read(r) {
    const min = r.required("min", "uniform takes min and max");
    const max = r.required("max", "uniform takes min and max");
    if (!r.ok) return undefined;
    checkUniform(min, max, r);
    r.nonNegative("min", min);
    return { dist: "uniform", min, max };
  },
  build: (spec) => uniform(spec.min, spec.max),
  describe: (spec, t) => `${t(spec.min)} to ${t(spec.max)}`,
  statesMean: statesMeanKey,
};

const normalKind: DistributionKind<SpecOf<"normal">> = {
  durations: { mean: amount, sd: amount, min: amount, max: amount },
  unitless: {},
  read(r) {
    const needs = "normal takes mean and sd, and optionally min (default 0) and max";
    const mean = r.required("mean", needs);
    const sd = r.required("sd", needs);
    const min = r.number("min") ?? 0;
    const max = r.number("max");
    if (!r.ok) return undefined;
    checkTruncatedNormal(mean, sd, min, max ?? Number.POSITIVE_INFINITY, r);
    r.nonNegative("min", min);
    return max === undefined ? { dist: "normal", mean, sd, min } : { dist: "normal", mean, sd, min, max };
  },
  build: (spec) => truncatedNormal(spec.mean, spec.sd, spec.min, spec.max ?? Number.POSITIVE_INFINITY),
  describe: (spec, t) =>
    `mean ${t(spec.mean)}, sd ${t(spec.sd)}, min ${t(spec.min)}${spec.max === undefined ? "" : `, max ${t(spec.max)}`}`,
  statesMean: statesMeanKey,
};

const LOGNORMAL_FORMS = [
  ["mu", "sigma"],
  ["median", "p95"],
  ["mean", "cv"],
] as const;
const LOGNORMAL_NEEDS = "lognormal takes mu and sigma, median and p95, or mean and cv";

const lognormalKind: DistributionKind<SpecOf<"lognormal">> = {
  durations: { mu: amount, median: amount, p95: amount, mean: amount },
  unitless: { sigma: amount, cv: amount },
  read(r) {
    const used = LOGNORMAL_FORMS.filter((form) => form.some((name) => r.has(name)));
    const form = used[0];
    if (form === undefined) {
      r.problem([], `needs parameters: ${LOGNORMAL_NEEDS}`);
      return undefined;
    }
    for (const other of used.slice(1)) {
      const clash = other.find((name) => r.has(name))!;
      r.problem([clash], `cannot be combined with ${r.key(form[0])}: ${LOGNORMAL_NEEDS}`);
    }
    const first = r.required(form[0], LOGNORMAL_NEEDS);
    const second = r.required(form[1], LOGNORMAL_NEEDS);
    if (!r.ok) return undefined;
    switch (form[0]) {
      case "mu":
        checkLognormal(first, second, r);
        return { dist: "lognormal", mu: first, sigma: second };
      case "median":
        checkLognormalMedianP95(first, second, r);
        return { dist: "lognormal", median: first, p95: second };
      case "mean":
        checkLognormalMeanCv(first, second, r);
        return { dist: "lognormal", mean: first, cv: second };
    }
  },
  build(spec) {
    if ("mu" in spec) return lognormal(spec.mu, spec.sigma);
    if ("median" in spec) return lognormalFromMedianP95(spec.median, spec.p95);
    return lognormalFromMeanCv(spec.mean, spec.cv);
  },
  describe(spec, t) {
    if ("mu" in spec) return `mu ${significant(spec.mu)}, sigma ${significant(spec.sigma)}`;
    if ("median" in spec) return `median ${t(spec.median)}, p95 ${t(spec.p95)}`;
    return `mean ${t(spec.mean)}, cv ${significant(spec.cv)}`;
  },
  statesMean: statesMeanKey,
};

const gammaKind: DistributionKind<SpecOf<"gamma">> = {
  durations: { scale: amount },
  unitless: { shape: amount },
  read(r) {
    const shape = r.required("shape", "gamma takes shape and scale");
    const scale = r.required("scale", "gamma takes shape and scale");
    if (!r.ok) return undefined;
    checkGamma(shape, scale, r);
    return { dist: "gamma", shape, scale };
  },
  build: (spec) => gamma(spec.shape, spec.scale),
  describe: (spec, t) => `shape ${significant(spec.shape)}, scale ${t(spec.scale)}`,
  statesMean: statesMeanKey,
};

const erlangKind: DistributionKind<SpecOf<"erlang">> = {
  durations: { mean: amount },
  unitless: { k: amount },
  read(r) {
    const k = r.required("k", "erlang takes k and mean");
    const mean = r.required("mean", "erlang takes k and mean");
    if (!r.ok) return undefined;
    checkErlang(k, mean, r);
    return { dist: "erlang", k, mean };
  },
  build: (spec) => erlang(spec.k, spec.mean),
  describe: (spec, t) => `k ${spec.k}, mean ${t(spec.mean)}`,
  statesMean: exact,
};

const EMPIRICAL_NEEDS = "empirical takes samples, or buckets (cumulative counts) with an optional min";

const empiricalKind: DistributionKind<SpecOf<"empirical">> = {
  durations: { samples: sampleList, buckets: bucketList, min: amount },
  unitless: {},
  read(r) {
    if (r.has("samples")) {
      if (!r.absent("buckets", `cannot be combined with ${r.key("samples")}: ${EMPIRICAL_NEEDS}`))
        return undefined;
      if (!r.absent("min", `only applies to buckets: ${EMPIRICAL_NEEDS}`)) return undefined;
      const samples = r.list<number>("samples");
      checkEmpiricalSamples(samples, r);
      samples.forEach((sample, i) => {
        r.nonNegative("samples", sample, ["samples", i]);
      });
      return { dist: "empirical", samples };
    }
    if (!r.has("buckets")) {
      r.problem([], `needs samples or buckets: ${EMPIRICAL_NEEDS}`);
      return undefined;
    }
    const buckets = r.list<HistogramBucket>("buckets");
    const min = r.number("min") ?? 0;
    checkEmpiricalHistogram(buckets, min, r);
    r.nonNegative("min", min);
    return { dist: "empirical", buckets, min };
  },
  build: (spec) =>
    "samples" in spec ? empiricalSamples(spec.samples) : empiricalHistogram(spec.buckets, spec.min),
  describe(spec, t) {
    if ("samples" in spec) {
      const sorted = [...spec.samples].sort((a, b) => a - b);
      return `${sorted.length} samples, ${t(sorted[0]!)} to ${t(sorted[sorted.length - 1]!)}`;
    }
    const observations = spec.buckets[spec.buckets.length - 1]!.count;
    return `${spec.buckets.length} buckets, ${significant(observations)} observations`;
  },
  statesMean: () => false,
};

/** Every distribution a model file can name, by its `dist`. */
export const DISTRIBUTION_KINDS = {
  deterministic: deterministicKind,
  exponential: exponentialKind,
  uniform: uniformKind,
  normal: normalKind,
  lognormal: lognormalKind,
  gamma: gammaKind,
  erlang: erlangKind,
  empirical: empiricalKind,
} as const satisfies { [D in DistributionSpec["dist"]]: DistributionKind<SpecOf<D>> };

export type DistName = keyof typeof DISTRIBUTION_KINDS;

/** The record of a spec's distribution, typed for generic use. */
export function kindOf(dist: DistName): DistributionKind {
  return DISTRIBUTION_KINDS[dist] as unknown as DistributionKind;
}
