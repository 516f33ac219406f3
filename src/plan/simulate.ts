import { InputError } from "../errors.js";
import type { LoadedModel } from "../model/loadModel.js";
import { type LoadedScenario, loadScenarioText, parseSetOverride } from "../scenario/index.js";
import { evaluatePoint, type PointOutcome, type PointTask } from "../sweep/evaluate.js";
import { type Assessment, type AssessOptions, assess } from "./checks.js";

/** Runs one point; the default runs it in this thread. Tests and callers may substitute their own. */
export type Evaluate = (task: PointTask) => PointOutcome;

/** What `limit` and `plan` share: the scenario as loaded with `--set`, its model, and the run settings. */
export interface SearchContext {
  base: LoadedScenario;
  model: LoadedModel;
  /** `--set` arguments `base` was loaded with; every simulated variant starts from them. */
  sets: readonly string[];
  replications: number;
  seed: number;
  checks: AssessOptions;
  evaluate?: Evaluate;
  /**
   * Hint: variants the search will probably simulate next, each on its first `replications`: a parallel
   * caller starts them early (and lets go of those it started for an earlier hint that this one leaves out).
   */
  prefetch?: (ahead: readonly Ahead[]) => void;
}

/** A variant the search expects to simulate, and how many of its replications it expects to need. */
export interface Ahead {
  loaded: LoadedScenario;
  replications: number;
}

export interface Simulated {
  loaded: LoadedScenario;
  outcome: PointOutcome;
  assessment: Assessment;
  /** Replications the assessment rests on (fewer than the context's: rejected early, src/plan/earlyReject.ts). */
  replications: number;
}

/** Loads the base scenario with extra overrides (validated like `--set`). */
export function variant(ctx: SearchContext, overrides: readonly string[]): LoadedScenario {
  return loadScenarioText(ctx.base.text, ctx.base.file, [...ctx.sets, ...overrides]);
}

/**
 * Simulates a variant with the context's seed (common random numbers) on its first `replications`
 * (default the context's) and assesses it.
 */
export function simulate(
  ctx: SearchContext,
  loaded: LoadedScenario,
  replications = ctx.replications,
): Simulated {
  const run = ctx.evaluate ?? evaluatePoint;
  const outcome = run({ index: 0, loaded, model: ctx.model, replications, seed: ctx.seed });
  return { loaded, outcome, assessment: assess(outcome, ctx.checks), replications };
}

/** The number at a dotted path of a resolved scenario, or undefined. */
export function numberAt(scenario: unknown, pathText: string): number | undefined {
  let node: unknown = scenario;
  for (const key of parseSetOverride(`${pathText}=0`).path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "number" ? node : undefined;
}

/** True when the schema accepts only whole numbers at the path (a count, like users or replicas). */
export function isIntegerPath(ctx: SearchContext, pathText: string, sample: number): boolean {
  try {
    variant(ctx, [`${pathText}=${Math.floor(sample) + 0.5}`]);
    return false;
  } catch (error) {
    if (error instanceof InputError) return error.issues.some((i) => /\bint(eger)?\b/i.test(i.message));
    throw error;
  }
}
