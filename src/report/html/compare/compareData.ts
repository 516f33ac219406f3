import { z } from "zod";

const pair = z.tuple([z.number(), z.number()]);

/**
 * The compare JSON the report reads (`capsim compare --json`, src/compare/runCompare.ts), documented in
 * docs/report.md. The tolerance band is around the simulated mean, as src/compare/verdict.ts judges:
 * mean ± max(relative·|mean|, absolute); a value passes inside it, a range when it overlaps it.
 */
export const compareRowSchema = z.object({
  metric: z.string(),
  stage: z.string().nullable(),
  unit: z.string().optional(),
  simulated: z.object({ mean: z.number().nullable(), ci95: pair.nullable() }),
  measured: z.union([z.strictObject({ value: z.number() }), z.strictObject({ range: pair })]),
  tolerance: z
    .object({ relative: z.number().nonnegative().optional(), absolute: z.number().nonnegative().optional() })
    .refine((t) => t.relative !== undefined || t.absolute !== undefined, "give relative, absolute or both"),
  /** (measured − simulated mean) / |simulated mean|; for a range to its nearer end, 0 inside. */
  error: z.number().nullable(),
  verdict: z.enum(["pass", "fail"]),
  note: z.string().optional(),
});

/** Most rows a comparison report draws. */
export const MAX_COMPARE_ROWS = 1000;

export const compareSchema = z.looseObject({
  scenario: z.string().optional(),
  measured_source: z.string().optional(),
  capsim_version: z.string().optional(),
  /** One chart each: a comparison has one per measured figure (14 for the 2000-user test). */
  rows: z.array(compareRowSchema).max(MAX_COMPARE_ROWS),
  /** Measured figures the simulation does not produce: listed, never failures. */
  not_simulated: z
    .array(z.object({ metric: z.string(), stage: z.string().nullable(), reason: z.string() }))
    .optional(),
});

export type CompareRow = z.infer<typeof compareRowSchema>;
export type CompareData = z.infer<typeof compareSchema>;

/** The tolerance band in the figure's unit, around the simulated mean (none without a mean). */
export function toleranceBand(row: CompareRow): [number, number] | null {
  const mean = row.simulated.mean;
  if (mean === null) return null;
  const tol = Math.max((row.tolerance.relative ?? 0) * Math.abs(mean), row.tolerance.absolute ?? 0);
  return [mean - tol, mean + tol];
}
