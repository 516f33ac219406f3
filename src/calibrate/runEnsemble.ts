import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { YAMLMap, YAMLSeq } from "yaml";
import { SIMULATED_METRICS } from "../compare/compareFigures.js";
import { type MeasurementSource, measuredFiguresOf } from "../compare/measuredFigures.js";
import { deriveSeed, RandomStreams } from "../engine/random/index.js";
import { InputError } from "../errors.js";
import { type LoadedModel, loadModelText } from "../model/loadModel.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import type { LoadedScenario } from "../scenario/index.js";
import { evaluatePoints } from "../sweep/evaluate.js";
import {
  conditionedModelSha,
  type Ensemble,
  effectivePoints,
  ensembleOf,
  ensembleWeights,
  keptPoints,
} from "../uncertainty/ensemble.js";
import { FIGURE_RELATIVE_SD } from "../uncertainty/fitRange.js";
import { latinHypercube } from "../uncertainty/lhs.js";
import { modelAtPoint, uncertainModel } from "../uncertainty/parameters.js";
import { isSaturatedDraw } from "../uncertainty/saturatedDraws.js";
import { modelDocumentText, parseModelDocument, rebaseModelPaths } from "./modelDocument.js";
import { fitObjective } from "./objective.js";
import { fitTargets } from "./runCalibrate.js";

export interface EnsembleOptions extends Omit<MeasurementSource, "measuredFiles"> {
  scenario: { loaded: LoadedScenario; model: LoadedModel };
  measuredFiles: readonly string[];
  /** Where the model with its `uncertainty_ensemble:` is written. */
  out: string;
  /** Prior Latin-hypercube points to simulate on the measured test. */
  draws: number;
  /** Drop draws in which a resource saturates on the test: it ran without interruptions. */
  unsaturatedOnly?: boolean;
  seed?: number;
  /** The command line, for the ensemble's provenance. */
  command: string;
  onDone?: (done: number, total: number) => void;
}

export interface EnsembleResult {
  outFile: string;
  priorDraws: number;
  figures: number;
  points: number;
  /** Prior draws in which a resource saturated on the test (dropped with `unsaturatedOnly`). */
  saturatedDraws: number;
  unsaturatedOnly: boolean;
  effectivePoints: number;
  bestChi2: number;
  wallSeconds: number;
}

/**
 * Conditions the model's uncertainty on a measured test (docs/uncertainty.md, "Draws conditioned on a
 * measured test"): simulates `draws` Latin-hypercube points of its `uncertainty:` ranges on the test, one
 * replication each, judges each on the measured figures (χ² with the fit's 10 % relative error) and
 * writes the model with the points near the best as its `uncertainty_ensemble:`.
 */
export function runEnsemble(opts: EnsembleOptions): EnsembleResult {
  const start = performance.now();
  const { loaded, model } = opts.scenario;
  if ((model.model.uncertainty ?? []).length === 0) {
    throw new InputError({
      file: model.file,
      path: "uncertainty",
      message: "the model lists no uncertain parameters: nothing to condition",
    });
  }
  const measured = measuredFiguresOf(opts, SIMULATED_METRICS);
  const m = uncertainModel(model);
  const seed = opts.seed ?? loaded.scenario.seed;
  const rng = new RandomStreams(deriveSeed(seed, "ensemble")).stream("latin-hypercube");
  const units = latinHypercube(opts.draws, m.parameters.length, rng);
  const tasks = units.map((unit, index) => ({
    index,
    loaded,
    model: modelAtPoint(m, unit),
    replications: 1,
    seed: deriveSeed(seed, "ensemble-draw", index),
  }));
  const summaries = evaluatePoints(tasks, { ...(opts.onDone ? { onDone: opts.onDone } : {}) }).map(
    (o) => o.summary,
  );
  const { targets } = fitTargets(summaries[0]!, measured, loaded, "condition on");
  const saturated = summaries.map(isSaturatedDraw);
  const chi2 = summaries.map((s) => fitObjective(s.metrics, targets) / FIGURE_RELATIVE_SD ** 2);
  const { kept, best } = keptPoints(units, chi2, saturated, opts.unsaturatedOnly === true);
  if (kept.length === 0) {
    throw new InputError({
      file: "--unsaturated",
      path: "",
      message: `a resource saturated in every one of the ${opts.draws} draws: none is left to keep`,
    });
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const text = modelWithEnsemble(opts, model, {
    source: `${opts.command} (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${wallSeconds.toFixed(0)} s)`,
    scenario: { name: loaded.scenario.name, sha256: loaded.sha256 },
    measured: measured.files.map((f) => ({ file: f.file, sha256: f.sha256 })),
    figures: targets.length,
    error_sd: FIGURE_RELATIVE_SD,
    model_sha256: "",
    prior_draws: opts.draws,
    unsaturated_only: opts.unsaturatedOnly === true,
    saturated_draws: saturated.filter(Boolean).length,
    paths: m.parameters.map((p) => p.entry.path),
    points: kept,
  });
  writeFileAtomic(opts.out, text);
  return {
    outFile: opts.out,
    priorDraws: opts.draws,
    figures: targets.length,
    points: kept.length,
    saturatedDraws: saturated.filter(Boolean).length,
    unsaturatedOnly: opts.unsaturatedOnly === true,
    effectivePoints: effectivePoints(ensembleWeights(kept)),
    bestChi2: best,
    wallSeconds,
  };
}

/** The model's text at `out` with `ensemble` as its `uncertainty_ensemble:` (a previous one replaced). */
function modelWithEnsemble(opts: EnsembleOptions, model: LoadedModel, ensemble: Ensemble): string {
  const doc = rebaseModelPaths(
    parseModelDocument(readFileSync(model.file, "utf8"), model.file),
    model.file,
    opts.out,
  );
  doc.delete("uncertainty_ensemble");
  // The hash of the model as it will load from `out`: the ensemble applies to that model only.
  const sha = conditionedModelSha(loadModelText(modelDocumentText(doc), opts.out));
  const node = doc.createNode({ ...ensemble, model_sha256: sha });
  const points = node.get("points") as YAMLSeq<YAMLMap>;
  for (const point of points.items) point.flow = true; // one line per point
  doc.set("uncertainty_ensemble", node);
  const text = modelDocumentText(doc);
  const written = loadModelText(text, opts.out);
  if (!ensembleOf(written).ensemble) throw new Error("the written ensemble does not apply to its own model");
  return text;
}
