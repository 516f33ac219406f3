import { type Check, judgedUtilization } from "../plan/checks.js";
import type { PlanResult, PlanSimulation } from "../plan/plan.js";
import type { SearchContext } from "../plan/simulate.js";
import { compare } from "../plan/slo.js";
import type { RunSummary } from "../run/runScenario.js";
import { metricLabel } from "../sweep/columns.js";
import { evaluatePoints, type PointOutcome, type PointTask } from "../sweep/evaluate.js";
import { type UncertainModel, uncertainModel } from "./parameters.js";
import {
  type Conditioning,
  conditioningOf,
  isShare,
  PREDICTION_LEVEL,
  predictionTasks,
  sizingVerdict,
  utilizationPrediction,
} from "./prediction.js";
import {
  drawsPrediction,
  isSaturatedDraw,
  type MetricPrediction,
  metricFigure,
  type SaturatedDraws,
  saturatedDraws,
} from "./saturatedDraws.js";
import type { LeavesOut } from "./schema.js";

/** One check of a plan's deployment with the 90 % prediction of its value. */
export interface CheckPrediction {
  kind: Check["kind"];
  name: string;
  op: Check["op"];
  threshold: number;
  value: number | null;
  /** Over all draws, with what saturated draws make of it (the shape of a run's metric `prediction`). */
  prediction: MetricPrediction | null;
  /** The interval reaches past the threshold: with the model's uncertainty the check may fail. */
  crosses: boolean;
  /** Draws whose own value fails the check, of the draws with a value: no interval needed to read it. */
  failing_draws: number;
  of: number;
}

export interface DeploymentPrediction {
  /** The check with the least headroom at the nominal parameters: what decides the size. */
  deciding: CheckPrediction | null;
  /** Every check whose interval crosses its threshold. */
  crossing: CheckPrediction[];
  /** Draws in which a resource saturated: the deployment was overloaded at their parameters. */
  saturated_draws: SaturatedDraws;
}

/** The `uncertainty` block of `capsim plan --json` (docs/uncertainty.md). */
export interface PlanUncertainty {
  draws: number;
  level: number;
  parameters: number;
  recommended: DeploymentPrediction | null;
  reference: DeploymentPrediction | null;
  /** As a run's `prediction.conditioning`; null without draws or without an ensemble. */
  conditioning: Conditioning | null;
  leaves_out: LeavesOut;
}

export interface PlanPredictOptions {
  draws: number;
  evaluate?: (task: PointTask) => PointOutcome;
  onDraw?: (which: string, done: number, total: number) => void;
}

/**
 * Runs the model's uncertainty draws on the recommended deployment and on the reference architecture,
 * and says how wide the deciding check's prediction is and whether any check's interval crosses its
 * limit. No draws (or no `uncertainty:` in the model): the predictions are null, what it leaves out is kept.
 */
export function planUncertainty(
  ctx: SearchContext,
  r: PlanResult,
  opts: PlanPredictOptions,
): PlanUncertainty {
  const entries = ctx.model.model.uncertainty ?? [];
  const draws = entries.length > 0 ? opts.draws : 0;
  const m = draws >= 2 ? uncertainModel(ctx.model) : null;
  const sims = { recommended: r.recommended, reference: r.reference.simulation };
  const predicted = m ? predictions(ctx, m, sims, draws, opts) : {};
  return {
    draws: m ? draws : 0,
    level: PREDICTION_LEVEL,
    parameters: entries.length,
    recommended: predicted.recommended ?? null,
    reference: predicted.reference ?? null,
    conditioning: m ? conditioningOf(m) : null,
    leaves_out: ctx.model.model.leaves_out ?? [],
  };
}

type Which = "recommended" | "reference";

/** Each simulated deployment's draws, all in one batch: no core idles between one deployment's and the next's. */
function predictions(
  ctx: SearchContext,
  m: UncertainModel,
  sims: Record<Which, PlanSimulation | null>,
  draws: number,
  opts: PlanPredictOptions,
): Partial<Record<Which, DeploymentPrediction>> {
  const drawn = (Object.entries(sims) as [Which, PlanSimulation | null][]).flatMap(([which, sim]) =>
    sim?.loaded ? [{ which, sim, tasks: predictionTasks(sim.loaded, m, draws, ctx.seed) }] : [],
  );
  const summaries = evaluatePoints(
    drawn.flatMap((d) => d.tasks),
    {
      ...(opts.evaluate ? { evaluate: opts.evaluate } : {}),
      onDone: (done) => {
        const i = Math.floor((done - 1) / draws);
        opts.onDraw?.(drawn[i]!.which, done - i * draws, draws);
      },
    },
  ).map((o) => o.summary);
  return Object.fromEntries(
    drawn.map((d, i) => [d.which, deploymentPrediction(d.sim, summaries.slice(i * draws, (i + 1) * draws))]),
  );
}

/** The checks of one deployment over its draws' summaries (one per draw, in draw order). */
export function deploymentPrediction(
  sim: PlanSimulation,
  summaries: readonly RunSummary[],
): DeploymentPrediction {
  const checks = sim.assessment.checks.map((c) => checkPrediction(c, summaries));
  const tightest = sim.assessment.tightest;
  return {
    deciding: tightest ? (checks.find((c) => c.name === tightest.name) ?? null) : null,
    crossing: checks.filter((c) => c.crosses),
    saturated_draws: saturatedDraws(summaries, sizingVerdict),
  };
}

function checkPrediction(c: Check, draws: readonly RunSummary[]): CheckPrediction {
  const values = draws.map((s) => checkValue(c, s));
  const prediction =
    c.kind === "slo" ? sloPrediction(c.name, values, draws) : utilizationPrediction(values, draws, c.name);
  const crosses =
    prediction !== null &&
    !(compare(prediction.low, c.op, c.threshold) && compare(prediction.high, c.op, c.threshold));
  const measured = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    kind: c.kind,
    name: c.name,
    op: c.op,
    threshold: c.threshold,
    value: c.value,
    prediction,
    crosses,
    failing_draws: measured.filter((v) => !compare(v, c.op, c.threshold)).length,
    of: measured.length,
  };
}

/** One draw's value of a check: the SLO's metric, or the utilisation as the checks judge it (busiest window). */
function checkValue(c: Check, draw: RunSummary): number | null {
  if (c.kind === "util") return judgedUtilization(draw, c.name)?.value ?? null;
  return draw.metrics.find((m) => metricLabel(m) === c.name)?.mean ?? null;
}

/** An SLO's metric over the draws, as a run's metric prediction is. */
function sloPrediction(
  label: string,
  values: readonly (number | null)[],
  draws: readonly RunSummary[],
): MetricPrediction | null {
  const metric = draws.flatMap((s) => s.metrics).find((m) => metricLabel(m) === label);
  return drawsPrediction(
    values,
    draws.map(isSaturatedDraw),
    metric ? metricFigure(metric) : "other",
    PREDICTION_LEVEL,
    metric && isShare(metric) ? 1 : undefined,
  );
}
