import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  applyParameters,
  type FitParameter,
  resolveFitParameters,
} from "../../src/calibrate/fitParameters.js";
import {
  modelDocumentText,
  parseModelDocument,
  rebaseModelPaths,
} from "../../src/calibrate/modelDocument.js";
import { runCalibrate } from "../../src/calibrate/runCalibrate.js";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { loadModelFile } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import { DELTA_CHI2_90, FIGURE_RELATIVE_SD, fitRanges } from "../../src/uncertainty/fitRange.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");
const MODEL = join(ROOT, "models/coder-v2.8.yaml");
const dir = mkdtempSync(join(tmpdir(), "capsim-fitrange-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fitRanges", () => {
  it("finds where a quadratic objective rises by the 90 % chi-square threshold", () => {
    const w = 0.1;
    const param = { path: "x", lo: 0, hi: 1 } as FitParameter;
    // objective = 0.01 · ((u − 0.4) / w)²: it reaches 2.706 · σ² = 0.02706 at u = 0.4 ± w·√2.706.
    const objective = (u: readonly number[]) => FIGURE_RELATIVE_SD ** 2 * ((u[0]! - 0.4) / w) ** 2;
    const [r] = fitRanges([param], (_p, u) => u, [0.4], 0, objective);
    const half = w * Math.sqrt(DELTA_CHI2_90);
    expect(r!.lo).toBeCloseTo(0.4 - half, 2);
    expect(r!.hi).toBeCloseTo(0.4 + half, 2);
    expect(r!.loAtBound || r!.hiAtBound).toBe(false);
  });

  it("stops at the bounds when the data do not bound the parameter", () => {
    const [r] = fitRanges(
      [{ path: "x" } as FitParameter],
      (_p, u) => u,
      [0.5],
      0,
      () => 0,
    );
    expect([r!.lo, r!.hi, r!.loAtBound, r!.hiAtBound]).toEqual([0, 1, true, true]);
  });
});

describe("capsim calibrate --uncertainty", () => {
  it("writes a fitted range that contains the value that produced the data", () => {
    // Data from the model with connection_cpu_vcpu x1.5; the fit starts from the shipped value.
    const doc = parseModelDocument(readFileSync(MODEL, "utf8"), MODEL);
    const fits = [{ path: "coderd.connection_cpu_vcpu" }];
    const [param] = resolveFitParameters(doc.toJS(), fits, MODEL);
    const truth = param!.original * 1.5;
    const truthModel = join(dir, "truth.yaml");
    const truthDoc = rebaseModelPaths(applyParameters(doc, [param!], [truth]), MODEL, truthModel);
    writeFileSync(truthModel, modelDocumentText(truthDoc));
    const { loaded, model } = loadScenarioAndModel(TINY, [`model=${truthModel}`]);
    const { summary } = runScenario(loaded, model, { replications: 1, seed: 7 });
    const figures = summary.metrics
      .filter((m) => m.mean !== null)
      .map(
        (m) => `  - {metric: ${m.name}, stage: ${m.stage ?? "null"}, value: ${m.mean}, unit: "${m.unit}"}`,
      );
    const measured = join(dir, "measured.yaml");
    writeFileSync(measured, `source: "capsim, tiny, seed 7"\nfigures:\n${figures.join("\n")}\n`);
    const out = join(dir, "fit.yaml");
    const result = runCalibrate({
      scenario: loadScenarioAndModel(TINY),
      measuredFiles: [measured],
      fits,
      out,
      replications: 1,
      seed: 7,
      maxEvaluations: 15,
      uncertainty: true,
    });
    const range = result.ranges![0]!;
    expect(range.lo).toBeLessThan(truth);
    expect(range.hi).toBeGreaterThan(truth);
    expect(range.lo).toBeLessThan(result.parameters[0]!.fitted);
    expect(range.hi).toBeGreaterThan(result.parameters[0]!.fitted);
    const written = loadModelFile(out).model.uncertainty!.find(
      (e) => e.path === "coderd.connection_cpu_vcpu",
    )!;
    expect(written.kind).toBe("fitted");
    expect(written.as).toBe("factor");
    expect(written.low).toBeLessThan(1);
    expect(written.high).toBeGreaterThan(1);
    expect(written.source).toMatch(/^capsim calibrate --uncertainty: /);
    // The shipped entry's measurement advice is kept.
    expect(written.measure).toMatch(/coderd CPU/);
  });
});
