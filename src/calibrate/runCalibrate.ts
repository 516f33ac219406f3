import { readFileSync } from "node:fs";
import { basename, extname, isAbsolute, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { type CompareRow, compareFigures, SIMULATED_METRICS } from "../compare/compareFigures.js";
import { type MeasuredFigures, measuredFiguresOf } from "../compare/measuredFigures.js";
import { DEFAULT_TOLERANCE } from "../compare/tolerance.js";
import { measuredText } from "../compare/verdict.js";
import { InputError } from "../errors.js";
import { type LoadedModel, loadModelText } from "../model/loadModel.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import type { PrometheusMeasurement } from "../prometheus/index.js";
import { formatNumber } from "../report/textSummary.js";
import { defaultJobs } from "../run/parallel.js";
import { type RunSummary, runScenario, startScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import type { Window } from "../series/types.js";
import { type FitRange, fitRanges, withFitRanges } from "../uncertainty/fitRange.js";
import {
  applyParameters,
  describeParameterValue,
  type FitParameter,
  resolveFitParameters,
} from "./fitParameters.js";
import type { FitSpec } from "./fitSpec.js";
import {
  type FigureErrorRecord,
  inheritParameters,
  modelDocumentText,
  parseModelDocument,
  rebaseModelPaths,
  recordFit,
} from "./modelDocument.js";
import { nelderMeadBox } from "./nelderMead.js";
import { type FitTarget, fitObjective } from "./objective.js";

export const DEFAULT_MAX_EVALUATIONS = 40;
/** One replication per evaluation by default: common random numbers keep the objective smooth. */
export const DEFAULT_CALIBRATE_REPLICATIONS = 1;

export interface CalibrateOptions {
  /** The scenario and model, already loaded (the caller reports their problems first). */
  scenario: { loaded: LoadedScenario; model: LoadedModel };
  measuredFiles: readonly string[];
  fits: readonly FitSpec[];
  /** Where the fitted model file is written. */
  out: string;
  replications?: number;
  maxEvaluations?: number;
  seed?: number;
  stagesFile?: string;
  stages?: readonly Window[];
  selector?: string;
  stepSeconds?: number;
  /** Figures already evaluated by a Prometheus server (`--prometheus`), instead of measured files. */
  prometheus?: PrometheusMeasurement;
  onEvaluation?: (report: EvaluationReport) => void;
  /** Also find each fitted parameter's 90 % likelihood range and write it into `uncertainty:` (src/uncertainty/fitRange.ts). */
  uncertainty?: boolean;
}

/** Progress of the search, one per evaluation (index 0 is the starting model). */
export interface EvaluationReport {
  index: number;
  maxEvaluations: number;
  objective: number;
  best: number;
  values: { path: string; value: string }[];
  wallSeconds: number;
  /** The same model was simulated before (a projected or repeated point). */
  cached: boolean;
  /** A step of `uncertainty`'s range search after the fit (index keeps counting). */
  range?: boolean;
  /** Why the candidate model was refused (e.g. a p95 below its median); its objective is +∞. */
  invalid?: string;
}

export interface FittedParameter {
  path: string;
  kind: FitParameter["kind"];
  original: number;
  fitted: number;
  lo: number;
  hi: number;
}

export interface CalibrateResult {
  outFile: string;
  name: string;
  parameters: FittedParameter[];
  figures: number;
  objectiveBefore: number;
  objectiveAfter: number;
  evaluations: number;
  converged: boolean;
  errors: FigureErrorRecord[];
  /** The measured figures not fitted to, and why (not simulated, unmodelled, another pod count). */
  notFitted: { metric: string; stage: string | null; reason: string }[];
  seed: number;
  replications: number;
  modelText: string;
  /** With `uncertainty`: each parameter's range. */
  ranges?: FitRange[];
}

/** Fits model parameters to measured figures and writes the fitted model file (atomically). */
export function runCalibrate(opts: CalibrateOptions): CalibrateResult {
  const { loaded, model } = opts.scenario;
  const measured = measuredFiguresOf(opts, SIMULATED_METRICS);
  // Every candidate loads as the file it will be written to: paths relative to the model are re-pointed.
  const doc = rebaseModelPaths(
    parseModelDocument(readFileSync(model.file, "utf8"), model.file),
    model.file,
    opts.out,
  );
  inheritParameters(
    doc,
    model.model,
    opts.fits.map((f) => f.path),
  );
  // An overlaid parameter is merged again on every load, over the value a fit would write: refused, not ignored.
  const overlaid = opts.fits.filter((f) => model.overlaid?.has(f.path.split(".").slice(0, 2).join(".")));
  if (overlaid.length > 0) {
    throw new InputError(
      overlaid.map((f) => ({
        file: "--fit",
        path: f.path,
        message:
          "an overlay of the model sets this measured cost (times its scale) on every load: fit its scale instead, database.measured_cost_scale or a measured_cost_groups entry naming it",
      })),
    );
  }
  const params = resolveFitParameters(doc.toJS(), opts.fits, model.file);
  const replications = opts.replications ?? DEFAULT_CALIBRATE_REPLICATIONS;
  const seed = opts.seed ?? loaded.scenario.seed;
  const maxEvaluations = opts.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS;

  // Every evaluation: same seed, same replications (common random numbers); a model simulated once is reused.
  const simulated = new Map<string, RunSummary>();
  // Models the search will evaluate next, already running on worker threads (see `upcoming` below).
  const ahead = new Map<string, ReturnType<typeof startScenario>>();
  const simulate = (m: LoadedModel): { summary: RunSummary; cached: boolean } => {
    const hit = simulated.get(m.sha256);
    if (hit) return { summary: hit, cached: true };
    const started = ahead.get(m.sha256);
    ahead.delete(m.sha256);
    const { summary } = runScenario(loaded, m, { replications, seed, ...(started ? { started } : {}) });
    simulated.set(m.sha256, summary);
    return { summary, cached: false };
  };

  let wall = performance.now();
  const before = simulate(model).summary;
  const { rows: rowsBefore, targets } = fitTargets(before, measured, loaded, "fit");
  const objectiveBefore = fitObjective(before.metrics, targets);
  let best = objectiveBefore;
  let index = 0;
  let searchingRanges = false;
  const report = (objective: number, values: readonly number[], cached: boolean, invalid?: string): void => {
    const now = performance.now();
    opts.onEvaluation?.({
      index,
      maxEvaluations,
      objective,
      best,
      values: params.map((p, i) => ({ path: p.path, value: describeParameterValue(p, values[i]!) })),
      wallSeconds: (now - wall) / 1000,
      cached,
      ...(searchingRanges ? { range: true } : {}),
      ...(invalid !== undefined ? { invalid } : {}),
    });
    wall = now;
  };
  report(
    objectiveBefore,
    params.map((p) => p.original),
    false,
  );

  const summaries = new Map<string, RunSummary>();
  const candidateAt = (values: readonly number[]): LoadedModel =>
    loadModelText(modelDocumentText(applyParameters(doc, params, values)), opts.out);
  /** Starts the models of points the search will evaluate one after the other, when workers are idle. */
  const upcoming = (points: number[][]): void => {
    if (defaultJobs() <= 1) return;
    for (const unit of points) {
      let m: LoadedModel;
      try {
        m = candidateAt(params.map((p, i) => fromUnit(p, unit[i]!)));
      } catch (error) {
        if (error instanceof InputError) continue; // refused again, and reported, when evaluated
        throw error;
      }
      if (!simulated.has(m.sha256) && !ahead.has(m.sha256))
        ahead.set(m.sha256, startScenario(loaded, m, { replications, seed }));
    }
  };
  const search = nelderMeadBox(
    (unit) => {
      index++;
      const values = params.map((p, i) => fromUnit(p, unit[i]!));
      let candidate: LoadedModel;
      try {
        candidate = candidateAt(values);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        report(Number.POSITIVE_INFINITY, values, false, error.issues[0]?.message ?? error.message);
        return Number.POSITIVE_INFINITY;
      }
      const { summary, cached } = simulate(candidate);
      summaries.set(unitKey(unit), summary);
      const objective = fitObjective(summary.metrics, targets);
      best = Math.min(best, objective);
      report(objective, values, cached);
      return objective;
    },
    params.map((p) => toUnit(p, p.start)),
    { maxEvaluations, upcoming },
  );

  const after = summaries.get(unitKey(search.x));
  if (!after || !Number.isFinite(search.f)) {
    throw new InputError({
      file: "--fit",
      path: "",
      message: "no valid model within the bounds: every candidate was refused",
    });
  }
  const fitted = params.map((p, i) => fromUnit(p, search.x[i]!));
  const rowsAfter = judgedRows(after, measured, loaded);
  const errors = rowsBefore.map((row, i) => errorRecord(row, rowsAfter[i]!));
  const name = basename(opts.out, extname(opts.out));
  // Each range step is one more simulation, reported like the search's evaluations.
  const rangeObjective = (unit: readonly number[]): number => {
    index++;
    const values = params.map((p, i) => fromUnit(p, unit[i]!));
    let candidate: LoadedModel;
    try {
      candidate = loadModelText(modelDocumentText(applyParameters(doc, params, values)), opts.out);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return Number.POSITIVE_INFINITY;
    }
    const { summary, cached } = simulate(candidate);
    const objective = fitObjective(summary.metrics, targets);
    report(objective, values, cached);
    return objective;
  };
  searchingRanges = true;
  const ranges = opts.uncertainty
    ? fitRanges(params, fromUnit, search.x, search.f, rangeObjective)
    : undefined;
  const fittedDoc = applyParameters(doc, params, fitted);
  const finalDoc = ranges
    ? withFitRanges(fittedDoc, params, fitted, ranges, `scenario ${loaded.scenario.name}, seed ${seed}`)
    : fittedDoc;
  const text = modelDocumentText(
    recordFit(finalDoc, params, fitted, {
      name,
      fromFile: displayPath(model.file),
      measuredFiles: measured.files.map((f) => ({ file: f.file, sha256: f.sha256 })),
      scenario: { name: loaded.scenario.name, sha256: loaded.sha256 },
      seed,
      replications,
      evaluations: search.evaluations,
      converged: search.converged,
      figures: targets.length,
      objectiveBefore,
      objectiveAfter: search.f,
      errors,
    }),
  );
  loadModelText(text, opts.out); // the written file must load like any other model: refuse to write one that does not
  writeFileAtomic(opts.out, text);
  return {
    outFile: opts.out,
    name,
    parameters: params.map((p, i) => ({
      path: p.path,
      kind: p.kind,
      original: p.original,
      fitted: fitted[i]!,
      lo: p.lo,
      hi: p.hi,
    })),
    figures: targets.length,
    objectiveBefore,
    objectiveAfter: search.f,
    evaluations: search.evaluations,
    converged: search.converged,
    errors,
    notFitted: rowsBefore.flatMap((r) =>
      r.verdict === "not_simulated" ? [{ metric: r.metric, stage: r.stage, reason: r.reason ?? "" }] : [],
    ),
    seed,
    replications,
    modelText: text,
    ...(ranges ? { ranges } : {}),
  };
}

/**
 * The measured figures a simulation of `loaded` is judged on (those it simulates), with every figure's
 * row; refused when none is simulated (`purpose` says what there would be nothing to do).
 */
export function fitTargets(
  simulated: RunSummary,
  measured: MeasuredFigures,
  loaded: LoadedScenario,
  purpose: string,
): { rows: CompareRow[]; targets: FitTarget[] } {
  const rows = judgedRows(simulated, measured, loaded);
  const targets = rows
    .filter((r) => r.verdict !== "not_simulated")
    .map((r) => ({ metric: r.metric, stage: r.stage, measured: r.measured }));
  if (targets.length === 0) {
    throw new InputError({
      file: measured.files.map((f) => f.file).join(", "),
      path: "",
      message: `none of the measured figures is simulated by scenario ${loaded.scenario.name}: nothing to ${purpose}`,
    });
  }
  return { rows, targets };
}

/** Every measured figure judged against a simulation of `loaded`, as compare judges it. */
function judgedRows(simulated: RunSummary, measured: MeasuredFigures, loaded: LoadedScenario): CompareRow[] {
  const stageNames = loaded.scenario.stages.map((s) => s.name as string);
  const pods = { evaluated: measured.evaluated, scenario: loaded.scenario };
  return compareFigures(simulated.metrics, measured.figures, DEFAULT_TOLERANCE, stageNames, pods);
}

/** A path relative to the working directory when it lies below it (portable provenance), else as is. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

const unitKey = (unit: readonly number[]): string => unit.map((u) => u.toFixed(12)).join(",");

/** Position of a value in [0, 1] between the bounds (logarithmic when the bounds are positive). */
export function toUnit(p: FitParameter, value: number): number {
  return p.logSpace
    ? (Math.log(value) - Math.log(p.lo)) / (Math.log(p.hi) - Math.log(p.lo))
    : (value - p.lo) / (p.hi - p.lo);
}

export function fromUnit(p: FitParameter, unit: number): number {
  return p.logSpace
    ? Math.exp(Math.log(p.lo) + unit * (Math.log(p.hi) - Math.log(p.lo)))
    : p.lo + unit * (p.hi - p.lo);
}

function errorRecord(before: CompareRow, after: CompareRow): FigureErrorRecord {
  return {
    metric: before.metric,
    stage: before.stage,
    measured: `${measuredText(before.measured, (v) => formatNumber(v, 4))}${before.unit === "1" ? "" : ` ${before.unit}`}`,
    before: before.verdict === "not_simulated" ? null : before.error,
    after: after.verdict === "not_simulated" ? null : after.error,
  };
}
