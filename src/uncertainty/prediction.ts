import { performance } from "node:perf_hooks";
import { deriveSeed, RandomStreams } from "../engine/random/index.js";
import { studentTQuantile } from "../engine/stats/studentT.js";
import type { LoadedModel } from "../model/loadModel.js";
import type { RunSummary, SummaryMetric } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { evaluatePoints, type PointOutcome, type PointTask } from "../sweep/evaluate.js";
import { effectivePoints, ensembleOf, resample } from "./ensemble.js";
import { latinHypercube } from "./lhs.js";
import { modelAtPoint, type UncertainModel, uncertainModel } from "./parameters.js";
import {
  drawsPrediction,
  isSaturatedDraw,
  type MetricPrediction,
  metricFigure,
  type SaturatedDraws,
  saturatedDraws,
} from "./saturatedDraws.js";
import { usersPrediction } from "./usersPrediction.js";

/**
 * Draws per run by default. Each draw is one replication: on scaletest-2000 (3 replications) 6 draws
 * make the run cost about 2.5x the CPU (docs/uncertainty.md has the measurement). Fewer draws widen the
 * interval through Student's t: t(0.95, n−1)·√(1 + 1/n) is 2.63 standard deviations at 4 draws, 2.18
 * at 6, 2.0 at 8, 1.8 at 16 and 1.645 at infinity; 6 is the knee, where two more draws would buy 8 %
 * for two more replications' time.
 */
export const DEFAULT_PREDICTION_DRAWS = 6;
export const PREDICTION_LEVEL = 0.9;

/** Where one test of the simulated deployment would land, with 90 % probability (docs/output.md). */
export interface Prediction {
  low: number;
  high: number;
  level: number;
}

/** What a run's prediction intervals rest on (the `prediction` block of summary.json). */
export interface PredictionInfo {
  draws: number;
  level: number;
  seed: number;
  method: string;
  parameters: { path: string; kind: string; low: number; high: number; as: "value" | "factor" }[];
  /** The nominal bottleneck (coderd replicas as one), and the share of draws whose bottleneck is the same. */
  bottleneck: { resource: string; agreement: number; alternatives: { resource: string; draws: number }[] };
  /** Draws in which a resource saturated: their time figures grow with the test's length. */
  saturated_draws: SaturatedDraws;
  /** Whether the draws were conditioned on a measured test (the model's `uncertainty_ensemble:`); null: it has none. */
  conditioning: Conditioning | null;
  wall_seconds: number;
}

/** The draws' conditioning on a measured test (docs/uncertainty.md, "Draws conditioned on a measured test"). */
export interface Conditioning {
  /** False when the model's ensemble does not apply to it (`why` says why): the draws are independent. */
  applied: boolean;
  why: string | null;
  scenario: string;
  measured: string[];
  figures: number;
  prior_draws: number;
  /** Whether draws in which a resource saturated on the test were dropped (`calibrate --unsaturated`). */
  unsaturated_only: boolean;
  /** Points kept (within 18.42 of the best χ²), and their effective number under the likelihood weights. */
  points: number;
  effective_points: number;
}

export interface PredictOptions {
  draws: number;
  seed: number;
  onProgress?: (fraction: number) => void;
  /** Runs one draw; by default all draws run together on the worker pool (`evaluatePoints`). */
  evaluate?: (task: PointTask) => PointOutcome;
  /** The model file's text, when it is not to be read from `model.file`. */
  modelText?: string;
}

const METHOD =
  "Each draw sets every uncertain parameter to a Latin-hypercube point of its range (log-uniform when " +
  "positive) and runs one replication with its own seed, so the draws carry parameter uncertainty and one " +
  "test's simulation noise together. The interval is the normal-theory prediction interval of the draws, " +
  "mean ± t(0.95, n−1)·sd·√(1 + 1/n), on logits for a utilisation, on logarithms when every draw is positive.";

const CONDITIONED =
  " Conditioned on a measured test: the points are not drawn afresh but resampled, in proportion to their " +
  "likelihood exp(−χ²/2), from the model's uncertainty_ensemble: Latin-hypercube points of the same ranges " +
  "each simulated on the measured test and judged on its figures (capsim calibrate --ensemble).";

/** Each draw's position in the parameters' ranges: resampled from the model's ensemble when it applies, else a Latin hypercube. */
export function drawPoints(m: UncertainModel, draws: number, seed: number): number[][] {
  const streams = new RandomStreams(deriveSeed(seed, "prediction"));
  const conditioned = ensembleOf(m.base);
  if (!conditioned.ensemble)
    return latinHypercube(draws, m.parameters.length, streams.stream("latin-hypercube"));
  const { points } = conditioned.ensemble;
  return resample(conditioned.weights, draws, streams.stream("ensemble")).map((i) => points[i]!.unit);
}

/** The `conditioning` of a prediction block: null when the model has no ensemble. */
export function conditioningOf(m: UncertainModel): Conditioning | null {
  const found = ensembleOf(m.base);
  const e = m.base.model.uncertainty_ensemble;
  if (!e) return null;
  return {
    applied: found.ensemble !== null,
    why: found.ensemble ? null : found.why,
    scenario: e.scenario.name,
    measured: e.measured.map((f) => f.file),
    figures: e.figures,
    prior_draws: e.prior_draws,
    unsaturated_only: e.unsaturated_only,
    points: e.points.length,
    effective_points: found.ensemble ? effectivePoints(found.weights) : 0,
  };
}

/** The draws' tasks: the model at each draw's point, one replication, a seed per draw. */
export function predictionTasks(
  loaded: LoadedScenario,
  m: UncertainModel,
  draws: number,
  seed: number,
): PointTask[] {
  return drawPoints(m, draws, seed).map((unit, index) => ({
    index,
    loaded,
    model: modelAtPoint(m, unit),
    replications: 1,
    seed: deriveSeed(seed, "prediction-draw", index),
  }));
}

/**
 * Runs the draws and returns the summary with a `prediction` on every metric and resource utilisation.
 * With no `uncertainty:` in the model, or no draws, the predictions are null.
 */
export function predictRun(
  loaded: LoadedScenario,
  model: LoadedModel,
  summary: RunSummary,
  opts: PredictOptions,
): RunSummary {
  const m = (model.model.uncertainty ?? []).length > 0 ? uncertainModel(model, opts.modelText) : null;
  if (!m || opts.draws < 2) return withoutPrediction(summary);
  const start = performance.now();
  const tasks = predictionTasks(loaded, m, opts.draws, opts.seed);
  const outcomes = evaluatePoints(tasks, {
    ...(opts.evaluate ? { evaluate: opts.evaluate } : {}),
    onDone: (done, total) => opts.onProgress?.(done / total),
  });
  const draws = outcomes.map((o) => o.summary);
  return combine(
    summary,
    draws,
    predictionInfo(m, summary, draws, opts.seed, (performance.now() - start) / 1000),
  );
}

/** The `prediction` block: what the draws rest on, and how often they agree with the nominal bottleneck. */
export function predictionInfo(
  m: UncertainModel,
  nominal: RunSummary,
  draws: readonly RunSummary[],
  seed: number,
  wallSeconds: number,
): PredictionInfo {
  const conditioning = conditioningOf(m);
  return {
    draws: draws.length,
    level: PREDICTION_LEVEL,
    seed,
    method: conditioning?.applied ? METHOD + CONDITIONED : METHOD,
    parameters: m.parameters.map((p) => ({
      path: p.entry.path,
      kind: p.entry.kind,
      low: p.entry.low,
      high: p.entry.high,
      as: p.entry.as ?? "factor",
    })),
    bottleneck: bottleneckAgreement(nominal, draws),
    saturated_draws: saturatedDraws(draws, sizingVerdict),
    conditioning,
    wall_seconds: wallSeconds,
  };
}

/** The summary with every prediction null (prediction off, or nothing uncertain). */
export function withoutPrediction(summary: RunSummary): RunSummary {
  return {
    ...summary,
    metrics: summary.metrics.map((m) => ({ ...m, prediction: null })),
    resources: summary.resources.map((r) => ({ ...r, utilization_prediction: null })),
    bottleneck: { ...summary.bottleneck, users_at_80pct_prediction: null, users_at_100pct_prediction: null },
    prediction: null,
  };
}

/** Attaches each metric's and resource's interval from the draws' values. */
export function combine(summary: RunSummary, draws: readonly RunSummary[], info: PredictionInfo): RunSummary {
  const key = (m: SummaryMetric) => `${m.name}@${m.stage ?? ""}`;
  const byKey = draws.map((d) => new Map(d.metrics.map((m) => [key(m), m.mean])));
  const byResource = draws.map((d) => new Map(d.resources.map((r) => [r.name, r.utilization])));
  const saturated = draws.map(isSaturatedDraw);
  const metricPrediction = (m: SummaryMetric) =>
    drawsPrediction(
      byKey.map((d) => d.get(key(m)) ?? null),
      saturated,
      metricFigure(m),
      PREDICTION_LEVEL,
      isShare(m) ? 1 : undefined,
    );
  return {
    ...summary,
    metrics: summary.metrics.map((m) => ({ ...m, prediction: metricPrediction(m) })),
    resources: summary.resources.map((r) => ({
      ...r,
      utilization_prediction: utilizationPrediction(
        byResource.map((d) => d.get(r.name) ?? null),
        draws,
        r.name,
      ),
    })),
    bottleneck: {
      ...summary.bottleneck,
      users_at_80pct_prediction: usersPrediction(draws, "users_at_80pct", PREDICTION_LEVEL),
      users_at_100pct_prediction: usersPrediction(draws, "users_at_100pct", PREDICTION_LEVEL),
    },
    prediction: info,
  };
}

/** A resource's utilisation over the draws (`values[i]` from draw i): at 1 in the draws it saturated. */
export function utilizationPrediction(
  values: readonly (number | null | undefined)[],
  draws: readonly RunSummary[],
  resource: string,
): MetricPrediction | null {
  const saturated = draws.map((d) => d.bottleneck.saturated.includes(resource));
  return drawsPrediction(values, saturated, "utilisation", PREDICTION_LEVEL, 1);
}

/**
 * The normal-theory prediction interval of one new observation from a sample:
 * mean ± t((1+level)/2, n−1)·sd·√(1 + 1/n), on a scale where the quantity is unbounded: logit for a
 * share with an `upper` bound (utilisation), log for positive values (skewed figures such as
 * latencies), else the values themselves, clamped at 0 when none is negative; equal values give that
 * value. Null with fewer than two finite values.
 */
export function predictionInterval(
  values: readonly (number | null | undefined)[],
  level = PREDICTION_LEVEL,
  upper?: number,
): Prediction | null {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = finite.length;
  if (n < 2) return null;
  // A figure no draw moves is that value: the round trip through a log or logit would miss it by an ulp.
  if (finite.every((v) => v === finite[0])) return { low: finite[0]!, high: finite[0]!, level };
  const scale = scaleFor(finite, upper);
  const xs = finite.map(scale.to);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile((1 + level) / 2, n - 1) * sd * Math.sqrt(1 + 1 / n);
  const floor = finite.every((v) => v >= 0) ? 0 : Number.NEGATIVE_INFINITY;
  const ceiling = upper ?? Number.POSITIVE_INFINITY;
  const clamp = (v: number) => Math.min(ceiling, Math.max(floor, v));
  return { low: clamp(scale.from(mean - half)), high: clamp(scale.from(mean + half)), level };
}

function scaleFor(values: readonly number[], upper: number | undefined) {
  if (upper !== undefined && values.every((v) => v > 0 && v < upper)) {
    return {
      to: (v: number) => Math.log(v / (upper - v)),
      from: (x: number) => upper / (1 + Math.exp(-x)),
    };
  }
  if (values.every((v) => v > 0)) return { to: Math.log, from: Math.exp };
  return { to: (v: number) => v, from: (x: number) => x };
}

/** A utilisation figure: a share of capacity, so its interval stays within [0, 1]. */
export function isShare(m: { name: string; unit: string }): boolean {
  return m.unit === "1" && m.name.includes("utilization");
}

/** The bottleneck as a sizing verdict: which coderd replica (or its pool) is busiest is not a different answer. */
export function sizingVerdict(resource: string): string {
  return resource.replace(/^coderd-\d+ /, "coderd ");
}

function bottleneckAgreement(
  nominal: RunSummary,
  draws: readonly RunSummary[],
): PredictionInfo["bottleneck"] {
  const resource = sizingVerdict(nominal.bottleneck.resource);
  const counts = new Map<string, number>();
  for (const d of draws) {
    const verdict = sizingVerdict(d.bottleneck.resource);
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  }
  return {
    resource,
    agreement: (counts.get(resource) ?? 0) / Math.max(1, draws.length),
    alternatives: [...counts]
      .filter(([r]) => r !== resource)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => ({ resource: r, draws: n })),
  };
}
