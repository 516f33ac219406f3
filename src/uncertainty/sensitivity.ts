import { performance } from "node:perf_hooks";
import { deriveSeed, RandomStreams } from "../engine/random/index.js";
import { InputError } from "../errors.js";
import type { LoadedModel } from "../model/loadModel.js";
import type { RunSummary } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { type MetricKey, metricLabel, probeLayout } from "../sweep/columns.js";
import { evaluatePoint, type PointOutcome, type PointTask } from "../sweep/evaluate.js";
import {
  flipShares,
  MORRIS_DELTA,
  MORRIS_LEVELS,
  type MorrisIndex,
  morrisIndices,
  morrisTrajectories,
  type Trajectory,
} from "./morris.js";
import { modelAtPoint, type UncertainModel, uncertainModel } from "./parameters.js";
import { sizingVerdict } from "./prediction.js";

export const DEFAULT_TRAJECTORIES = 4;
export const DEFAULT_SENSITIVITY_METRIC = "coderd_cpu_vcpu_median@all";

export interface SensitivityOptions {
  trajectories: number;
  seed: number;
  /** Metric label (`name@stage`, or a name with one stage). */
  metric: string;
  /** After each simulation: done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Runs one point; the default runs it in this thread (a worker pool may substitute its own). */
  evaluate?: (task: PointTask) => PointOutcome;
  modelText?: string;
}

export interface ParameterSensitivity {
  path: string;
  kind: string;
  low: number;
  high: number;
  as: "value" | "factor";
  /** The chosen metric's Morris indices, in the metric's unit per whole range. */
  mu_star: number | null;
  mu: number | null;
  sigma: number | null;
  /** Share of this parameter's steps after which the bottleneck resource changed. */
  verdict_flip_share: number;
  measure: string | null;
}

/** The `--json` document of `capsim sensitivity` (docs/uncertainty.md). */
export interface SensitivityResult {
  metric: string;
  unit: string;
  trajectories: number;
  evaluations: number;
  levels: number;
  delta: number;
  seed: number;
  /** Ranked by mu* on the metric, largest first. */
  parameters: ParameterSensitivity[];
  /** Bottleneck resources seen over all points, with how many points had each. */
  bottlenecks: { resource: string; points: number }[];
  /** The parameter whose range moves the metric most, and how to measure it. */
  advice: { path: string; measure: string | null; mu_star: number } | null;
  /** mu* of every other metric, by label, per parameter path (same trajectories). */
  all_metrics: Record<string, Record<string, number | null>>;
  wall_seconds: number;
}

/**
 * The design's simulations, one list per trajectory: each point is the model at that point, one
 * replication, and the same seed everywhere (common random numbers: an elementary effect is the
 * parameter's, not the dice's). Trajectories are independent, so a pool can run them in parallel.
 */
export function sensitivityTasks(
  loaded: LoadedScenario,
  m: UncertainModel,
  design: readonly Trajectory[],
  seed: number,
): PointTask[][] {
  return design.map((t, j) =>
    t.points.map((point, s) => ({
      index: j * t.points.length + s,
      loaded,
      model: modelAtPoint(m, point),
      replications: 1,
      seed,
    })),
  );
}

/** What a sensitivity study runs: the design and its tasks, one list per trajectory. */
export interface SensitivityStudy {
  label: string;
  seed: number;
  model: UncertainModel;
  design: Trajectory[];
  tasks: PointTask[][];
}

/**
 * Checks the inputs and lays out the study; the tasks can then run anywhere (this thread, or a pool:
 * trajectories are independent) before `summarizeSensitivity` ranks the parameters.
 */
export function sensitivityStudy(
  loaded: LoadedScenario,
  model: LoadedModel,
  opts: Pick<SensitivityOptions, "trajectories" | "seed" | "metric" | "modelText">,
): SensitivityStudy {
  if ((model.model.uncertainty ?? []).length === 0) {
    throw new InputError({
      file: model.file,
      path: "uncertainty",
      message: "the model lists no uncertain parameters: nothing to rank (docs/uncertainty.md)",
    });
  }
  // A misspelt metric is refused before the simulations, from a near-empty probe run.
  const label = resolveMetric(opts.metric, probeLayout(loaded, model).metrics);
  const m = uncertainModel(model, opts.modelText);
  const rng = new RandomStreams(deriveSeed(opts.seed, "sensitivity")).stream("morris");
  const design = morrisTrajectories(m.parameters.length, opts.trajectories, rng);
  return { label, seed: opts.seed, model: m, design, tasks: sensitivityTasks(loaded, m, design, opts.seed) };
}

/** Morris screening of the model's `uncertainty:` parameters on one scenario, in this thread. */
export function runSensitivity(
  loaded: LoadedScenario,
  model: LoadedModel,
  opts: SensitivityOptions,
): SensitivityResult {
  const study = sensitivityStudy(loaded, model, opts);
  const start = performance.now();
  const run = opts.evaluate ?? evaluatePoint;
  const total = study.tasks.flat().length;
  let done = 0;
  const summaries = study.tasks.map((tasks) =>
    tasks.map((task) => {
      const summary = run(task).summary;
      opts.onProgress?.(++done, total);
      return summary;
    }),
  );
  return summarizeSensitivity(study, summaries, (performance.now() - start) / 1000);
}

/** Ranks the parameters from the study's summaries (`summaries[trajectory][point]`). */
export function summarizeSensitivity(
  study: SensitivityStudy,
  summaries: readonly (readonly RunSummary[])[],
  wallSeconds: number,
): SensitivityResult {
  const { label, design, model: m } = study;
  const k = m.parameters.length;
  const unit = summaries[0]![0]!.metrics.find((x) => metricLabel(x) === label)?.unit ?? "";
  const metricValue = (s: RunSummary, which: string) =>
    s.metrics.find((x) => metricLabel(x) === which)?.mean ?? Number.NaN;
  const indicesFor = (which: string) =>
    morrisIndices(
      k,
      design,
      summaries.map((points) => points.map((s) => metricValue(s, which))),
    );
  const chosen = indicesFor(label);
  const verdicts = summaries.map((points) => points.map(verdictOf));
  const flips = flipShares(k, design, verdicts);
  const parameters = m.parameters
    .map((p, i) => ({
      path: p.entry.path,
      kind: p.entry.kind,
      low: p.entry.low,
      high: p.entry.high,
      as: p.entry.as ?? "factor",
      ...indexJson(chosen[i]!),
      verdict_flip_share: flips[i]!,
      measure: p.entry.measure ?? null,
    }))
    .sort((a, b) => (b.mu_star ?? -1) - (a.mu_star ?? -1));
  const top = parameters[0];
  return {
    metric: label,
    unit,
    trajectories: design.length,
    evaluations: design.length * (k + 1),
    levels: MORRIS_LEVELS,
    delta: MORRIS_DELTA,
    seed: study.seed,
    parameters,
    bottlenecks: countBottlenecks(verdicts.flat()),
    advice:
      top && top.mu_star !== null ? { path: top.path, measure: top.measure, mu_star: top.mu_star } : null,
    all_metrics: allMetrics(summaries[0]![0]!, m, indicesFor),
    wall_seconds: wallSeconds,
  };
}

function verdictOf(s: RunSummary): string {
  return sizingVerdict(s.bottleneck.resource);
}

function indexJson(x: MorrisIndex): { mu_star: number | null; mu: number | null; sigma: number | null } {
  const f = (v: number) => (Number.isFinite(v) ? v : null);
  return { mu_star: f(x.muStar), mu: f(x.mu), sigma: f(x.sigma) };
}

function countBottlenecks(labels: readonly string[]): { resource: string; points: number }[] {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([resource, points]) => ({ resource, points }));
}

function allMetrics(
  sample: RunSummary,
  m: UncertainModel,
  indicesFor: (label: string) => MorrisIndex[],
): SensitivityResult["all_metrics"] {
  const out: SensitivityResult["all_metrics"] = {};
  for (const metric of sample.metrics) {
    const label = metricLabel(metric);
    const indices = indicesFor(label);
    out[label] = Object.fromEntries(
      m.parameters.map((p, i) => [p.entry.path, indexJson(indices[i]!).mu_star]),
    );
  }
  return out;
}

/** `name@stage`, or a bare name that only one stage has. */
export function resolveMetric(wanted: string, metrics: readonly MetricKey[]): string {
  const labels = metrics.map((m) => ({ label: metricLabel(m), name: m.name }));
  if (labels.some((l) => l.label === wanted)) return wanted;
  const byName = labels.filter((l) => l.name === wanted);
  if (byName.length === 1) return byName[0]!.label;
  throw new InputError({
    file: "--metric",
    path: "",
    message:
      byName.length > 1
        ? `${wanted} has several stages: name one of ${byName.map((l) => l.label).join(", ")}`
        : `no metric ${wanted} in this scenario; it has ${labels.map((l) => l.label).join(", ")}`,
  });
}
