import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runEnsemble } from "../../src/calibrate/runEnsemble.js";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { RandomStreams } from "../../src/engine/random/index.js";
import { InputError } from "../../src/errors.js";
import { loadModelFile, loadModelText } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import {
  effectivePoints,
  ensembleOf,
  ensembleWeights,
  KEPT_CHI2,
  keptPoints,
  resample,
} from "../../src/uncertainty/ensemble.js";
import { uncertainModel, valueAt } from "../../src/uncertainty/parameters.js";
import { conditioningOf, drawPoints, predictRun } from "../../src/uncertainty/prediction.js";
import { CAPSIM_MAIN } from "../helpers/cli.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");
const dir = mkdtempSync(join(tmpdir(), "capsim-ensemble-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("likelihood weights and resampling", () => {
  it("weighs each point by exp(−Δχ²/2), normalised", () => {
    const w = ensembleWeights([{ chi2: 10 }, { chi2: 12 }, { chi2: 10 }]);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(w[1]! / w[0]!).toBeCloseTo(Math.exp(-1), 12);
    expect(w[0]).toBe(w[2]);
  });

  it("counts equal weights as that many points, one dominant weight as one", () => {
    expect(effectivePoints([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(4, 12);
    expect(effectivePoints(ensembleWeights([{ chi2: 0 }, { chi2: 200 }]))).toBeCloseTo(1, 9);
  });

  it("draws each point ⌊nw⌋ or ⌈nw⌉ times", () => {
    const weights = [0.5, 0.3, 0.15, 0.05];
    for (let seed = 1; seed <= 20; seed++) {
      const picks = resample(weights, 20, new RandomStreams(seed).stream("t"));
      weights.forEach((w, i) => {
        const count = picks.filter((p) => p === i).length;
        expect(count).toBeGreaterThanOrEqual(Math.floor(20 * w));
        expect(count).toBeLessThanOrEqual(Math.ceil(20 * w));
      });
    }
  });
});

/** A model with one uncertain parameter, the per-agent CPU, ×0.25..×4 around the shipped value. */
function oneParameterModel(): string {
  const file = join(dir, "one.yaml");
  writeFileSync(
    file,
    [
      "name: one-parameter",
      "description: the shipped model with one uncertain parameter",
      `extends: ${join(ROOT, "models/coder-v2.8.yaml")}`,
      "uncertainty:",
      "  - {path: coderd.connection_cpu_vcpu, low: 0.25, high: 4, kind: assumed, source: test}",
      "",
    ].join("\n"),
  );
  return file;
}

/** Measured figures: the tiny scenario simulated with the per-agent CPU at `factor` times the model's. */
function measuredAt(model: string, factor: number): string {
  const { loaded, model: base } = loadScenarioAndModel(TINY, [`model=${model}`]);
  const m = uncertainModel(base);
  const p = m.parameters[0]!;
  const truth = { ...base, model: structuredClone(base.model) };
  truth.model.coderd.connection_cpu_vcpu.value = p.fit.original * factor;
  const { summary } = runScenario(loaded, truth, { replications: 1, seed: 7 });
  const figures = summary.metrics
    .filter((x) => x.mean !== null && x.name.startsWith("coderd_cpu"))
    .map((x) => `  - {metric: ${x.name}, stage: ${x.stage ?? "null"}, value: ${x.mean}, unit: "${x.unit}"}`);
  const file = join(dir, `measured-${factor}.yaml`);
  writeFileSync(file, `source: "capsim, tiny, seed 7"\nfigures:\n${figures.join("\n")}\n`);
  return file;
}

describe("capsim calibrate --ensemble", () => {
  const model = oneParameterModel();
  const measured = measuredAt(model, 2.5);
  const out = join(dir, "conditioned.yaml");
  const result = runEnsemble({
    scenario: loadScenarioAndModel(TINY, [`model=${model}`]),
    measuredFiles: [measured],
    out,
    draws: 24,
    seed: 3,
    command: "test",
  });
  const written = loadModelFile(out);

  it("keeps the draws near the value that produced the data", () => {
    const found = ensembleOf(written);
    if (!found.ensemble) throw new Error(`not applied: ${found.why}`);
    const p = uncertainModel(written).parameters[0]!;
    const truth = p.fit.original * 2.5;
    const mean = found.ensemble.points.reduce(
      (a, point, i) => a + found.weights[i]! * Math.log(valueAt(p, point.unit[0]!)),
      0,
    );
    // Prior: log-uniform over ×0.25..×4, mean at ×1; the data put it at ×2.5 (log distance 0.92).
    expect(Math.abs(mean - Math.log(truth))).toBeLessThan(0.25);
    expect(result.points).toBeLessThan(24);
    expect(found.ensemble.points.every((x) => x.chi2 - result.bestChi2 <= KEPT_CHI2 + 1e-3)).toBe(true);
  });

  it("makes prediction draws resample the kept points, and says so", () => {
    const m = uncertainModel(written);
    const kept = new Set(written.model.uncertainty_ensemble!.points.map((x) => x.unit[0]));
    expect(drawPoints(m, 6, 1).every((u) => kept.has(u[0]))).toBe(true);
    const { loaded } = loadScenarioAndModel(TINY, [`model=${out}`]);
    const { summary } = runScenario(loaded, written, { replications: 1, seed: 7 });
    const predicted = predictRun(loaded, written, summary, { draws: 2, seed: 1 });
    expect(predicted.prediction?.conditioning).toMatchObject({
      applied: true,
      figures: result.figures,
      prior_draws: 24,
      points: result.points,
    });
    expect(predicted.prediction?.method).toContain("uncertainty_ensemble");
  });

  it("is ignored, with the reason, by a model that changed since", () => {
    const text = readFileSync(out, "utf8").replace(/^name: .*$/m, "name: edited");
    const edited = loadModelText(text, out);
    expect(ensembleOf(edited)).toEqual({
      ensemble: null,
      why: "the model differs from the one the ensemble was drawn for",
    });
    const m = uncertainModel(edited, text);
    const lhs = drawPoints(m, 6, 1).map((u) => u[0]);
    expect(new Set(lhs).size).toBe(6); // a Latin hypercube: one point per stratum
  });

  it("is inherited by a model built on it, which ignores it and says why", () => {
    const derived = join(dir, "derived.yaml");
    writeFileSync(
      derived,
      `name: derived\ndescription: the default with one cost changed\nextends: ${join(ROOT, "models/coder-v2.8.yaml")}\n` +
        "coderd:\n  connection_cpu_vcpu: {value: 0.002, source: test}\n",
    );
    const model = loadModelFile(derived);
    expect(ensembleOf(model)).toEqual({
      ensemble: null,
      why: "the model differs from the one the ensemble was drawn for",
    });
    expect(conditioningOf(uncertainModel(model))).toMatchObject({ applied: false, effective_points: 0 });
    expect(ensembleOf(loadModelFile(join(ROOT, "models/coder-v2.8.yaml"))).ensemble).not.toBeNull();
  });

  it("refuses a point with the wrong number of positions, at its line", () => {
    const text = readFileSync(out, "utf8").replace(/unit: \[([0-9.]+)\]/, "unit: [$1, 0.5]");
    let error: unknown;
    try {
      loadModelText(text, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /conditioned\.yaml:\d+:\d+: uncertainty_ensemble\.points\.0\.unit: expected 1 positions/,
    );
  });
});

describe("the points an ensemble keeps", () => {
  const units = [[0.1], [0.2], [0.3], [0.4]];
  const chi2 = [5, 3, 30, 6];
  const saturated = [false, true, false, false];

  it("keeps those within 18.42 of the best χ²", () => {
    const { kept, best } = keptPoints(units, chi2, saturated, false);
    expect(best).toBe(3);
    expect(kept.map((p) => p.unit[0])).toEqual([0.1, 0.2, 0.4]);
  });

  it("with --unsaturated, drops a saturating draw even when its figures fit best", () => {
    const { kept, best } = keptPoints(units, chi2, saturated, true);
    expect(best).toBe(5);
    expect(kept.map((p) => p.unit[0])).toEqual([0.1, 0.4]);
  });
});

describe("capsim calibrate --ensemble on the command line", () => {
  const capsim = (...args: string[]) =>
    spawnSync(process.execPath, [CAPSIM_MAIN, "calibrate", TINY, ...args, "--no-progress"], {
      cwd: ROOT,
      encoding: "utf8",
    });
  const measured = join(ROOT, "results/measured/scaletest-2000.yaml");

  it("writes the model with its ensemble and reports what it kept", () => {
    const out = join(dir, "cli.yaml");
    const r = capsim(measured, "--ensemble", "4", "--unsaturated", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/A resource saturated on the test in \d+ draw\(s\): not kept \(--unsaturated\)/);
    expect(loadModelFile(out).model.uncertainty_ensemble?.unsaturated_only).toBe(true);
    expect(r.stdout).toMatch(
      /^Simulated 4 draws .* on \d+ figure\(s\): best χ² [\d.]+; kept [1-4] within 18\.42/,
    );
    expect(ensembleOf(loadModelFile(out)).ensemble?.prior_draws).toBe(4);
  });

  it("refuses --ensemble with --fit (exit 2), writing nothing", () => {
    const out = join(dir, "never.yaml");
    const r = capsim(measured, "--ensemble", "4", "--fit", "coderd.connection_cpu_vcpu", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ensemble: conditions the model as it is: drop --fit/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses --unsaturated without --ensemble (exit 2), writing nothing", () => {
    const out = join(dir, "never-either.yaml");
    const r = capsim(measured, "--unsaturated", "--fit", "coderd.connection_cpu_vcpu", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--unsaturated: applies to --ensemble only/);
    expect(existsSync(out)).toBe(false);
  });
});
