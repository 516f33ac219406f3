import { z } from "zod";
import { DISTRIBUTION_KINDS, type DistName, kindOf } from "./registry.js";
import { type IssueSink, SpecReader, SUFFIXES } from "./specReader.js";
import type { DistributionSpec } from "./types.js";

/**
 * Distributions as model files write them, e.g. `{dist: lognormal, median_s: 0.004, p95_s: 0.03}`.
 *
 * Duration keys come bare (used as given; the kernel's unit is the second), with `_s`, or with `_ms`
 * (divided by 1000; `mu_ms` is shifted by −ln 1000). One spec uses one of the three throughout.
 * Unitless keys (`sigma`, `cv`, `shape`, `k`, bucket `count`) are always bare. Values are never
 * negative: they are durations, sizes or counts. Parsing yields the canonical `DistributionSpec`.
 */

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

const DIST_NAMES = Object.keys(DISTRIBUTION_KINDS) as DistName[];

const OPTIONS = Object.fromEntries(
  DIST_NAMES.map((dist) => [
    dist,
    distOption(dist, DISTRIBUTION_KINDS[dist].durations, DISTRIBUTION_KINDS[dist].unitless),
  ]),
) as {
  [D in DistName]: ReturnType<typeof distOption<D, Record<string, z.ZodType>, Record<string, z.ZodType>>>;
};

function readSpec(
  raw: { dist: DistName } & Record<string, unknown>,
  issues: IssueSink,
): DistributionSpec | undefined {
  const r = new SpecReader(raw, OPTIONS[raw.dist], issues);
  if (!r.ok) return undefined;
  const spec = kindOf(raw.dist).read(r);
  return r.ok ? spec : undefined;
}

/** A distribution as written in a model file; parses to the canonical `DistributionSpec` (seconds). */
export const distributionSpecSchema = z
  .discriminatedUnion(
    "dist",
    DIST_NAMES.map((dist) => OPTIONS[dist].schema) as unknown as [
      (typeof OPTIONS)[DistName]["schema"],
      ...(typeof OPTIONS)[DistName]["schema"][],
    ],
    {
      error: (issue) =>
        issue.code === "invalid_union" ? `dist must be one of ${DIST_NAMES.join(", ")}` : undefined,
    },
  )
  .transform(
    (raw, ctx): DistributionSpec =>
      readSpec(raw as { dist: DistName } & Record<string, unknown>, ctx) ?? z.NEVER,
  );

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
