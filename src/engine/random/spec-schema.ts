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
  type ParamPath,
  type ParamReport,
} from "./checks.js";
import type { DistributionSpec, HistogramBucket } from "./types.js";

/**
 * Distributions as model files write them, e.g. `{dist: lognormal, median_s: 0.004, p95_s: 0.03}`.
 *
 * Duration keys come bare (used as given; the kernel's unit is the second), with `_s`, or with `_ms`
 * (divided by 1000; `mu_ms` is shifted by −ln 1000). One spec uses one of the three throughout.
 * Unitless keys (`sigma`, `cv`, `shape`, `k`, bucket `count`) are always bare. Values are never
 * negative: they are durations, sizes or counts. Parsing yields the canonical `DistributionSpec`.
 */

const SUFFIXES = ["", "_s", "_ms"] as const;
type Suffix = (typeof SUFFIXES)[number];

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

type DurationShape<T extends Record<string, z.ZodType>> = {
  [K in keyof T & string as K | `${K}_s` | `${K}_ms`]: z.ZodOptional<T[K]>;
};
type UnitlessShape<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.ZodOptional<T[K]> };

/** One `dist` option: its strict input object plus which of its keys are durations. */
function distOption<
  const D extends string,
  Durations extends Record<string, z.ZodType>,
  Unitless extends Record<string, z.ZodType>,
>(dist: D, durations: Durations, unitless: Unitless) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, type] of Object.entries(durations)) {
    for (const suffix of SUFFIXES) shape[name + suffix] = type.optional();
  }
  for (const [name, type] of Object.entries(unitless)) shape[name] = type.optional();
  const durationNames = Object.keys(durations);
  const unitlessNames = Object.keys(unitless);
  const accepted = [...durationNames.map((name) => `${name}[_s|_ms]`), ...unitlessNames].join(", ");
  const schema = z.strictObject(
    { dist: z.literal(dist), ...(shape as DurationShape<Durations> & UnitlessShape<Unitless>) },
    {
      error: (issue) => {
        if (issue.code !== "unrecognized_keys") return undefined;
        const named = issue.keys.map((key) => {
          const bare = key.replace(/_m?s$/, "");
          return bare !== key && unitlessNames.includes(bare)
            ? `${key} (${bare} has no unit: write ${bare})`
            : key;
        });
        return `unknown key${named.length > 1 ? "s" : ""} ${named.join(", ")}; ${dist} takes ${accepted}`;
      },
    },
  );
  return { schema, durationNames, unitlessNames };
}

const OPTIONS = {
  deterministic: distOption("deterministic", { value: amount }, {}),
  exponential: distOption("exponential", { mean: amount }, {}),
  uniform: distOption("uniform", { min: amount, max: amount }, {}),
  normal: distOption("normal", { mean: amount, sd: amount, min: amount, max: amount }, {}),
  lognormal: distOption(
    "lognormal",
    { mu: amount, median: amount, p95: amount, mean: amount },
    { sigma: amount, cv: amount },
  ),
  gamma: distOption("gamma", { scale: amount }, { shape: amount }),
  erlang: distOption("erlang", { mean: amount }, { k: amount }),
  empirical: distOption("empirical", { samples: sampleList, buckets: bucketList, min: amount }, {}),
};
type DistName = keyof typeof OPTIONS;
const DIST_NAMES = Object.keys(OPTIONS) as DistName[];

const LN_1000 = Math.log(1000);

/** Converts a value written with `suffix` to seconds. */
function toSeconds(name: string, value: unknown, suffix: Suffix): unknown {
  if (suffix !== "_ms") return value;
  if (typeof value === "number") return name === "mu" ? value - LN_1000 : value / 1000;
  if (name === "samples") return (value as number[]).map((sample) => sample / 1000);
  return (value as HistogramBucket[]).map((bucket) => ({ le: bucket.le / 1000, count: bucket.count }));
}

type IssueSink = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

/** Reads one raw spec: checks units are not mixed, converts to seconds, maps names back to user keys. */
class SpecReader implements ParamReport {
  ok = true;
  private readonly values = new Map<string, unknown>();
  private readonly written = new Map<string, string>();
  private readonly suffix: Suffix = "";

  constructor(
    raw: Record<string, unknown>,
    private readonly option: { durationNames: readonly string[]; unitlessNames: readonly string[] },
    private readonly issues: IssueSink,
  ) {
    const found: { name: string; key: string; suffix: Suffix }[] = [];
    for (const name of option.durationNames) {
      for (const suffix of SUFFIXES) {
        if (raw[name + suffix] !== undefined) found.push({ name, key: name + suffix, suffix });
      }
    }
    const first = found[0];
    const clash = found.find((entry) => entry.suffix !== first?.suffix);
    if (first !== undefined && clash !== undefined) {
      this.issues.addIssue({
        code: "custom",
        path: [clash.key],
        message: `mixes units with ${first.key}: write every duration in a spec bare, all with _s, or all with _ms`,
      });
      this.ok = false;
      return;
    }
    this.suffix = first?.suffix ?? "";
    for (const entry of found) {
      this.values.set(entry.name, toSeconds(entry.name, raw[entry.key], entry.suffix));
      this.written.set(entry.name, entry.key);
    }
    for (const name of option.unitlessNames) {
      if (raw[name] !== undefined) {
        this.values.set(name, raw[name]);
        this.written.set(name, name);
      }
    }
  }

  key(param: string): string {
    const written = this.written.get(param);
    if (written !== undefined) return written;
    return this.option.unitlessNames.includes(param) ? param : param + this.suffix;
  }

  problem(path: ParamPath, message: string): void {
    const [head, ...rest] = path;
    this.issues.addIssue({
      code: "custom",
      path: head === undefined ? [] : [typeof head === "string" ? this.key(head) : head, ...rest],
      message,
    });
    this.ok = false;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  number(name: string): number | undefined {
    return this.values.get(name) as number | undefined;
  }

  list<T>(name: string): T[] {
    return this.values.get(name) as T[];
  }

  /** The value, or NaN after reporting it missing (NaN then fails no further check noisily). */
  required(name: string, why: string): number {
    const value = this.number(name);
    if (value !== undefined) return value;
    this.problem([name], `is required: ${why}`);
    return Number.NaN;
  }

  nonNegative(name: string, value: number, path: ParamPath = [name]): void {
    if (value < 0) this.problem(path, "must be ≥ 0 (durations, sizes and counts are never negative)");
  }

  /** Reports a key that belongs to another parameterisation and returns false, or true if absent. */
  absent(name: string, because: string): boolean {
    if (!this.has(name)) return true;
    this.problem([name], because);
    return false;
  }
}

const LOGNORMAL_FORMS = [
  ["mu", "sigma"],
  ["median", "p95"],
  ["mean", "cv"],
] as const;
const LOGNORMAL_NEEDS = "lognormal takes mu and sigma, median and p95, or mean and cv";

function readLognormal(r: SpecReader): DistributionSpec | undefined {
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
}

function readEmpirical(r: SpecReader): DistributionSpec | undefined {
  const needs = "empirical takes samples, or buckets (cumulative counts) with an optional min";
  if (r.has("samples")) {
    if (!r.absent("buckets", `cannot be combined with ${r.key("samples")}: ${needs}`)) return undefined;
    if (!r.absent("min", `only applies to buckets: ${needs}`)) return undefined;
    const samples = r.list<number>("samples");
    checkEmpiricalSamples(samples, r);
    samples.forEach((sample, i) => {
      r.nonNegative("samples", sample, ["samples", i]);
    });
    return { dist: "empirical", samples };
  }
  if (!r.has("buckets")) {
    r.problem([], `needs samples or buckets: ${needs}`);
    return undefined;
  }
  const buckets = r.list<HistogramBucket>("buckets");
  const min = r.number("min") ?? 0;
  checkEmpiricalHistogram(buckets, min, r);
  r.nonNegative("min", min);
  return { dist: "empirical", buckets, min };
}

function readSpec(
  raw: { dist: DistName } & Record<string, unknown>,
  issues: IssueSink,
): DistributionSpec | undefined {
  const r = new SpecReader(raw, OPTIONS[raw.dist], issues);
  if (!r.ok) return undefined;
  let spec: DistributionSpec | undefined;
  switch (raw.dist) {
    case "deterministic": {
      const value = r.required("value", "deterministic takes value");
      if (!r.ok) return undefined;
      checkDeterministic(value, r);
      r.nonNegative("value", value);
      spec = { dist: "deterministic", value };
      break;
    }
    case "exponential": {
      const mean = r.required("mean", "exponential takes mean");
      if (!r.ok) return undefined;
      checkExponential(mean, r);
      spec = { dist: "exponential", mean };
      break;
    }
    case "uniform": {
      const min = r.required("min", "uniform takes min and max");
      const max = r.required("max", "uniform takes min and max");
      if (!r.ok) return undefined;
      checkUniform(min, max, r);
      r.nonNegative("min", min);
      spec = { dist: "uniform", min, max };
      break;
    }
    case "normal": {
      const needs = "normal takes mean and sd, and optionally min (default 0) and max";
      const mean = r.required("mean", needs);
      const sd = r.required("sd", needs);
      const min = r.number("min") ?? 0;
      const max = r.number("max");
      if (!r.ok) return undefined;
      checkTruncatedNormal(mean, sd, min, max ?? Number.POSITIVE_INFINITY, r);
      r.nonNegative("min", min);
      spec = max === undefined ? { dist: "normal", mean, sd, min } : { dist: "normal", mean, sd, min, max };
      break;
    }
    case "lognormal":
      spec = readLognormal(r);
      break;
    case "gamma": {
      const shape = r.required("shape", "gamma takes shape and scale");
      const scale = r.required("scale", "gamma takes shape and scale");
      if (!r.ok) return undefined;
      checkGamma(shape, scale, r);
      spec = { dist: "gamma", shape, scale };
      break;
    }
    case "erlang": {
      const k = r.required("k", "erlang takes k and mean");
      const mean = r.required("mean", "erlang takes k and mean");
      if (!r.ok) return undefined;
      checkErlang(k, mean, r);
      spec = { dist: "erlang", k, mean };
      break;
    }
    case "empirical":
      spec = readEmpirical(r);
      break;
  }
  return r.ok ? spec : undefined;
}

/** A distribution as written in a model file; parses to the canonical `DistributionSpec` (seconds). */
export const distributionSpecSchema = z
  .discriminatedUnion(
    "dist",
    [
      OPTIONS.deterministic.schema,
      OPTIONS.exponential.schema,
      OPTIONS.uniform.schema,
      OPTIONS.normal.schema,
      OPTIONS.lognormal.schema,
      OPTIONS.gamma.schema,
      OPTIONS.erlang.schema,
      OPTIONS.empirical.schema,
    ],
    {
      error: (issue) =>
        issue.code === "invalid_union" ? `dist must be one of ${DIST_NAMES.join(", ")}` : undefined,
    },
  )
  .transform((raw, ctx): DistributionSpec => readSpec(raw, ctx) ?? z.NEVER);

export type DistributionSpecInput = z.input<typeof distributionSpecSchema>;

/**
 * A distribution, or a plain number meaning "always this value" (deterministic). Numbers stay numbers;
 * `distributionFromSpec` accepts both. Object problems are reported at their own keys, not buried in
 * a union error.
 */
export const distributionOrNumberSchema = z
  .union([z.number(), z.looseObject({ dist: z.string() })], {
    error: "expected a number or a distribution such as {dist: exponential, mean_s: 2}",
  })
  .pipe(
    z.transform((value, ctx): number | DistributionSpec => {
      if (typeof value === "number") return value;
      const result = distributionSpecSchema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) ctx.addIssue({ ...issue });
      return z.NEVER;
    }),
  );

export type DistributionOrNumberInput = z.input<typeof distributionOrNumberSchema>;
