import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyParameters, resolveFitParameters } from "../../src/calibrate/fitParameters.js";
import { modelDocumentText, parseModelDocument } from "../../src/calibrate/modelDocument.js";
import { type CalibrateResult, runCalibrate } from "../../src/calibrate/runCalibrate.js";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { fileSha256 } from "../../src/compare/measuredFigures.js";
import { runCompare } from "../../src/compare/runCompare.js";
import { loadModelFile } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import { CAPSIM_MAIN } from "../helpers/cli.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");
// A complete model file: the shipped coder-v2.8 takes its database costs from measured overlays, which
// would overwrite a fitted write_query_cpu_s on reload.
const MODEL = join(ROOT, "models/coder-v2.8-base.yaml");
const SEED = 7;
const FITS = [{ path: "coderd.connection_cpu_vcpu" }, { path: "database.write_query_cpu_s" }];
/** The truth: both parameters 1.5x the shipped model's, so the fit starts 33 % low on each. */
const TRUE_FACTOR = 1.5;

let dir: string;
let measuredFile: string;
let fittedFile: string;
let trueConnectionVcpu: number;
let result: CalibrateResult;

/** Simulates the tiny scenario with a model whose two parameters are known, and writes its figures as measured data. */
function writeMeasuredFromKnownModel(): void {
  const doc = parseModelDocument(readFileSync(MODEL, "utf8"), MODEL);
  const params = resolveFitParameters(doc.toJS(), FITS, MODEL);
  trueConnectionVcpu = params[0]!.original * TRUE_FACTOR;
  const truthModel = join(dir, "truth-model.yaml");
  writeFileSync(
    truthModel,
    modelDocumentText(applyParameters(doc, params, [trueConnectionVcpu, TRUE_FACTOR])),
  );
  const { loaded, model } = loadScenarioAndModel(TINY, [`model=${truthModel}`]);
  const { summary } = runScenario(loaded, model, { replications: 1, seed: SEED });
  const figures = summary.metrics
    .filter((m) => m.mean !== null)
    .map((m) => `  - {metric: ${m.name}, stage: ${m.stage ?? "null"}, value: ${m.mean}, unit: "${m.unit}"}`);
  measuredFile = join(dir, "simulated-truth.yaml");
  writeFileSync(
    measuredFile,
    `source: "capsim itself, tiny scenario, seed ${SEED}"\nfigures:\n${figures.join("\n")}\n`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-calibrate-"));
  writeMeasuredFromKnownModel();
  fittedFile = join(dir, "coder-v2.8-fit.yaml");
  result = runCalibrate({
    scenario: loadScenarioAndModel(TINY, [`model=${MODEL}`]),
    measuredFiles: [measuredFile],
    fits: FITS,
    out: fittedFile,
    replications: 1,
    seed: SEED,
    maxEvaluations: 40,
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("capsim calibrate recovers parameters from data the simulator produced", () => {
  it("fits both parameters within 3 % of the values that produced the data", () => {
    const [connection, writes] = result.parameters;
    expect(connection!.fitted / trueConnectionVcpu).toBeGreaterThan(0.97);
    expect(connection!.fitted / trueConnectionVcpu).toBeLessThan(1.03);
    expect(writes!.kind).toBe("scale");
    expect(writes!.fitted / TRUE_FACTOR).toBeGreaterThan(0.97);
    expect(writes!.fitted / TRUE_FACTOR).toBeLessThan(1.03);
    expect(result.objectiveAfter).toBeLessThan(result.objectiveBefore / 100);
    expect(result.evaluations).toBeLessThanOrEqual(40);
  });

  it("writes a model file that loads like any other, carrying the fit's provenance", () => {
    const loaded = loadModelFile(fittedFile);
    const model = loaded.model;
    expect(model.name).toBe("coder-v2.8-fit");
    expect(model.coderd.connection_cpu_vcpu.value).toBe(Number(result.parameters[0]!.fitted.toPrecision(4)));
    expect(model.coderd.connection_cpu_vcpu.source).toMatch(
      /^fitted by capsim calibrate on .*simulated-truth\.yaml \(sha256 [0-9a-f]{12}\): /,
    );
    expect(model.database.write_query_cpu_s.source).toMatch(
      /^fitted by capsim calibrate on .*: ×1\.\d+ on \{dist: lognormal, /,
    );
    expect(model.database.write_query_cpu_s.source).toContain("before the fit: ");
    const cal = model.calibration!;
    expect(cal.fitted_parameters).toEqual(["coderd.connection_cpu_vcpu", "database.write_query_cpu_s"]);
    expect(cal.figures).toBe(result.figures);
    expect(cal.measured_files).toEqual([{ file: measuredFile, sha256: fileSha256(measuredFile) }]);
    expect(cal.seed).toBe(SEED);
    expect(cal.errors.length).toBe(result.errors.length);
    const cpu = cal.errors.find((e) => e.metric === "coderd_cpu_vcpu_median")!;
    expect(Math.abs(cpu.before!)).toBeGreaterThan(0.05);
    expect(Math.abs(cpu.after!)).toBeLessThan(0.02);
    expect(cal.summary).toContain("common random numbers");
    // Comments of the original survive, and the fit says so at the top.
    const text = readFileSync(fittedFile, "utf8");
    expect(text).toContain("# Every number carries its source.");
    expect(text).toContain("# Fitted by capsim calibrate from ");
  });

  it("the fitted model reproduces the data: compare passes at 5 %", () => {
    const compared = runCompare({
      scenario: loadScenarioAndModel(TINY, [`model=${fittedFile}`]),
      measuredFiles: [measuredFile],
      tolerance: 0.05,
      replications: 1,
      seed: SEED,
    });
    expect(compared.model).toBe("coder-v2.8-fit");
    expect(compared.rows.filter((r) => r.verdict === "fail").map((r) => r.metric)).toEqual([]);
    expect(compared.passed).toBe(true);
  });
});

describe("capsim calibrate on the command line", () => {
  const capsim = (args: readonly string[]) => {
    const r = spawnSync(process.execPath, [CAPSIM_MAIN, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("reports progress on stderr, the fit on stdout, and writes the model", () => {
    const out = join(dir, "cli-fit.yaml");
    const r = capsim([
      "calibrate",
      TINY,
      measuredFile,
      "--fit",
      "coderd.connection_cpu_vcpu",
      "--out",
      out,
      "--max-evals",
      "4",
      "--seed",
      "7",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^calibrate start {2}objective /m);
    expect(r.stderr).toMatch(/^calibrate eval 4\/4 /m);
    expect(r.stdout).toContain("coderd.connection_cpu_vcpu  scalar");
    expect(r.stdout).toContain(`Wrote ${out} (model cli-fit)`);
    expect(loadModelFile(out).model.calibration?.fitted_parameters).toEqual(["coderd.connection_cpu_vcpu"]);
  });

  it("exits 2 on a --fit path the model does not have, or without --out, and writes nothing", () => {
    const out = join(dir, "never.yaml");
    const bad = capsim(["calibrate", TINY, measuredFile, "--fit", "coderd.connection_cpu", "--out", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--fit: coderd.connection_cpu: coderd has no connection_cpu in");
    const noOut = capsim(["calibrate", TINY, measuredFile, "--fit", "coderd.connection_cpu_vcpu"]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out: give the model file to write");
    expect(() => readFileSync(out)).toThrow();
  });
});
