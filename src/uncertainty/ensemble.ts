import { z } from "zod";
import type { Rng } from "../engine/random/index.js";
import type { LoadedModel } from "../model/loadModel.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";

/**
 * A model's `uncertainty_ensemble:` (docs/uncertainty.md, "Draws conditioned on a measured test"): prior
 * draws of the `uncertainty:` parameters, each simulated on a measured test and kept with its χ² against
 * the test's figures. Prediction draws resample these points by likelihood instead of drawing the ranges
 * independently, so a draw the measured test rules out (a cost twice what reproduces its CPU) carries
 * no weight.
 */
export const ensembleSchema = z
  .strictObject({
    source: z
      .string()
      .min(1)
      .describe("The command that drew and simulated the points, when, and how long it took"),
    scenario: z
      .strictObject({ name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
      .describe("The measured test's scenario"),
    measured: z
      .array(z.strictObject({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
      .min(1)
      .describe("The measured figures' files"),
    figures: z.number().int().positive().describe("How many measured figures each point was judged on"),
    error_sd: z.number().positive().describe("The relative error the likelihood reads each figure's with"),
    model_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe("The model (without this section) the points were drawn for: any other model ignores them"),
    prior_draws: z.number().int().positive().describe("Latin-hypercube points simulated, kept or not"),
    unsaturated_only: z
      .boolean()
      .describe(
        "Whether draws in which a resource saturated on the test were dropped (a test that ran without interruptions)",
      ),
    saturated_draws: z
      .number()
      .int()
      .nonnegative()
      .describe("Prior draws in which a resource saturated on the test"),
    paths: z.array(z.string().min(1)).min(1).describe("The uncertain parameters, in `uncertainty:` order"),
    points: z
      .array(
        z.strictObject({
          unit: z.array(z.number().min(0).max(1)).describe("Each parameter's position in its range"),
          chi2: z.number().nonnegative().describe("Σ (relative error / error_sd)² over the figures"),
        }),
      )
      .min(1)
      .describe(
        "The points kept: every one within KEPT_CHI2 of the best (and unsaturated, with unsaturated_only)",
      ),
  })
  .superRefine((e, ctx) => {
    e.points.forEach((p, i) => {
      if (p.unit.length !== e.paths.length)
        ctx.addIssue({
          code: "custom",
          path: ["points", i, "unit"],
          message: `expected ${e.paths.length} positions (one per path), got ${p.unit.length}`,
        });
    });
  })
  .describe(
    "Prior draws of the uncertain parameters judged against a measured test (capsim calibrate --ensemble)",
  );

export type Ensemble = z.output<typeof ensembleSchema>;

/** Points farther than this above the best χ² weigh under 10⁻⁴ of it and are not kept. */
export const KEPT_CHI2 = 18.42;

/**
 * The points an ensemble keeps: those within KEPT_CHI2 of the best admissible one, where with
 * `unsaturatedOnly` a draw that saturated a resource on the test is not admissible (it contradicts a
 * test that ran without interruptions, whatever its figures).
 */
export function keptPoints(
  units: readonly number[][],
  chi2: readonly number[],
  saturated: readonly boolean[],
  unsaturatedOnly: boolean,
): { kept: Ensemble["points"]; best: number } {
  const admissible = (i: number) => !(unsaturatedOnly && saturated[i]);
  const best = Math.min(...chi2.filter((_, i) => admissible(i)));
  const kept = units.flatMap((unit, i) =>
    admissible(i) && chi2[i]! - best <= KEPT_CHI2
      ? [{ unit: unit.map((u) => round(u, 6)), chi2: round(chi2[i]!, 4) }]
      : [],
  );
  return { kept, best };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** A point's likelihood weight, exp(−(χ² − χ²min)/2), normalised to sum 1. */
export function ensembleWeights(points: readonly { chi2: number }[]): number[] {
  const min = Math.min(...points.map((p) => p.chi2));
  const raw = points.map((p) => Math.exp(-(p.chi2 - min) / 2));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

/** Kish's effective sample size of normalised weights: (Σw)² / Σw². */
export function effectivePoints(weights: readonly number[]): number {
  return 1 / weights.reduce((a, w) => a + w * w, 0);
}

/** The model's hash without its ensemble: what the ensemble's `model_sha256` must equal. */
export function conditionedModelSha(model: LoadedModel): string {
  const { uncertainty_ensemble: _points, ...rest } = model.model;
  return canonicalSha256(rest);
}

/** Whether a model's ensemble applies to it: the same model, the same uncertain parameters in order. */
export function ensembleOf(
  model: LoadedModel,
): { ensemble: Ensemble; weights: number[] } | { ensemble: null; why: string | null } {
  const ensemble = model.model.uncertainty_ensemble;
  if (!ensemble) return { ensemble: null, why: null };
  const paths = (model.model.uncertainty ?? []).map((u) => u.path);
  if (paths.join("\n") !== ensemble.paths.join("\n"))
    return { ensemble: null, why: "its uncertainty: parameters differ from the ensemble's" };
  if (conditionedModelSha(model) !== ensemble.model_sha256)
    return { ensemble: null, why: "the model differs from the one the ensemble was drawn for" };
  return { ensemble, weights: ensembleWeights(ensemble.points) };
}

/**
 * Systematic resampling: `n` indices drawn in proportion to `weights` with one uniform, so a point of
 * weight w is drawn ⌊nw⌋ or ⌈nw⌉ times (Kitagawa, J. Comput. Graph. Stat. 5 (1996) 1-25).
 */
export function resample(weights: readonly number[], n: number, rng: Rng): number[] {
  const out: number[] = [];
  const start = rng() / n;
  let cumulative = weights[0]!;
  let i = 0;
  for (let k = 0; k < n; k++) {
    const u = start + k / n;
    while (u > cumulative && i < weights.length - 1) cumulative += weights[++i]!;
    out.push(i);
  }
  return out;
}
