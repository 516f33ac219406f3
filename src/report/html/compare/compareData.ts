import { z } from "zod";

const pair = z.tuple([z.number(), z.number()]);

/**
 * The compare JSON the report reads (`capsim compare --json`), documented in docs/report.md. The
 * tolerance band around the measured value is measured ± max(relative·|measured|, absolute); for a
 * measured range [lo, hi] it is [lo − tol(lo), hi + tol(hi)].
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
  /** Relative error of the simulated mean against the measured value (0 inside a measured range). */
  error: z.number().nullable(),
  verdict: z.enum(["pass", "fail"]),
  note: z.string().optional(),
});

export const compareSchema = z.looseObject({
  scenario: z.string().optional(),
  measured_source: z.string().optional(),
  capsim_version: z.string().optional(),
  rows: z.array(compareRowSchema),
});

export type CompareRow = z.infer<typeof compareRowSchema>;
export type CompareData = z.infer<typeof compareSchema>;

/** The tolerance band in the figure's unit. */
export function toleranceBand(row: CompareRow): [number, number] {
  const tol = (v: number) => Math.max((row.tolerance.relative ?? 0) * Math.abs(v), row.tolerance.absolute ?? 0);
  if ("value" in row.measured) return [row.measured.value - tol(row.measured.value), row.measured.value + tol(row.measured.value)];
  const [lo, hi] = row.measured.range;
  return [lo - tol(lo), hi + tol(hi)];
}
