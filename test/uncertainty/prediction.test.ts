import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { type LoadedModel, loadModelText } from "../../src/model/loadModel.js";
import { renderRunSummary } from "../../src/report/textSummary.js";
import { type RunSummary, runScenario } from "../../src/run/runScenario.js";
import { predictionInterval, predictRun } from "../../src/uncertainty/prediction.js";
import { runSensitivity } from "../../src/uncertainty/sensitivity.js";
import { CAPSIM_MAIN } from "../helpers/cli.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MODEL_FILE = join(ROOT, "models/coder-v2.8.yaml");
// Copied to a temporary folder: its overlay paths, relative to models/, made absolute.
const MODEL_TEXT = readFileSync(MODEL_FILE, "utf8").replaceAll("file: ../", `file: ${ROOT}/`);
// The small report scenario made smaller still: about half a second per replication.
const SCENARIO = join(ROOT, "test/fixtures/report/small-run.yaml");
const SETS = ["workload.users=60", "workload.workspaces=60"];
const METRIC = "coderd_cpu_vcpu_median";

const dir = mkdtempSync(join(tmpdir(), "capsim-uncertainty-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shipped model's text with its `uncertainty:` section replaced by `entries` (YAML list items). */
function textWith(entries: string): string {
  const text = MODEL_TEXT.replace(
    /\nuncertainty:\n[\s\S]*?(?=\n#[^\n]*\nleaves_out:|\nleaves_out:)/,
    `\nuncertainty:\n${entries}`,
  );
  expect(text).not.toBe(MODEL_TEXT);
  return text;
}

function modelWith(entries: string): { model: LoadedModel; text: string } {
  const text = textWith(entries);
  return { model: loadModelText(text, MODEL_FILE), text };
}

const entry = (path: string, low: number, high: number) =>
  `  - {path: ${path}, low: ${low}, high: ${high}, as: factor, kind: assumed, source: test}\n`;

function predicted(entries: string, draws = 4, seed = 11): RunSummary {
  const { loaded } = loadScenarioAndModel(SCENARIO, SETS);
  const { model, text } = modelWith(entries);
  const nominal = runScenario(loaded, model, { replications: 2, seed });
  return predictRun(loaded, model, nominal.summary, { draws, seed, modelText: text });
}

const metricOf = (s: RunSummary) => s.metrics.find((m) => m.name === METRIC)!;
const width = (s: RunSummary) => metricOf(s).prediction!.high - metricOf(s).prediction!.low;

describe("predictionInterval", () => {
  it("is mean ± t·sd·√(1 + 1/n) on the logs of positive values", () => {
    const p = predictionInterval([1, 2, 4, 8])!;
    // logs 0, ln2, 2ln2, 3ln2: mean 1.5 ln2, sd ln2·√(5/3); t(0.95, 3) = 2.3534
    const half = 2.353363 * Math.LN2 * Math.sqrt(5 / 3) * Math.sqrt(1.25);
    expect(Math.log(p.low)).toBeCloseTo(1.5 * Math.LN2 - half, 4);
    expect(Math.log(p.high)).toBeCloseTo(1.5 * Math.LN2 + half, 4);
    expect(p.level).toBe(0.9);
  });

  it("keeps a utilisation inside [0, 1] (logit scale) where the log scale would pass 1", () => {
    const shares = [0.5, 0.9, 0.97, 0.7];
    const bounded = predictionInterval(shares, 0.9, 1)!;
    expect(bounded.low).toBeGreaterThan(0);
    expect(bounded.high).toBeLessThan(1);
    expect(predictionInterval(shares)!.high).toBeGreaterThan(1);
  });

  it("falls back to the values when one is 0 or negative, and is null below two values", () => {
    const p = predictionInterval([-1, 1, 2])!;
    expect(p.low).toBeLessThan(-1);
    expect((p.low + p.high) / 2).toBeCloseTo(2 / 3, 12);
    // Never negative when no value is: the linear interval is clamped at 0.
    expect(predictionInterval([0, 1, 2])!.low).toBe(0);
    expect(predictionInterval([3, null, Number.NaN])).toBeNull();
    expect(predictionInterval([5, 5, 5])).toEqual({ low: 5, high: 5, level: 0.9 });
  });

  it("is the value itself when every draw gives it (a figure no parameter moves)", () => {
    // Through the logs, six 80s gave 79.99999999999997: the interval missed the only value there is.
    expect(predictionInterval([80, 80, 80, 80, 80, 80])).toEqual({ low: 80, high: 80, level: 0.9 });
    expect(predictionInterval(Array(6).fill(0.3), 0.9, 1)).toEqual({ low: 0.3, high: 0.3, level: 0.9 });
  });
});

describe("capsim run's prediction", () => {
  const narrow = entry("coderd.agent_rpc_cpu_s", 0.9, 1.1);
  const wide = entry("coderd.agent_rpc_cpu_s", 0.3, 3);

  it("contains the nominal mean and is deterministic for a seed", () => {
    const a = predicted(wide);
    const m = metricOf(a);
    expect(m.prediction!.low).toBeLessThanOrEqual(m.mean!);
    expect(m.prediction!.high).toBeGreaterThanOrEqual(m.mean!);
    expect(m.prediction!.high).toBeGreaterThan(m.prediction!.low);
    expect(a.prediction!.draws).toBe(4);
    expect(a.prediction!.parameters.map((p) => p.path)).toEqual(["coderd.agent_rpc_cpu_s"]);
    // The text report shows it beside the CI, and whether the bottleneck holds across the draws.
    const text = renderRunSummary(a);
    expect(text).toContain("90% prediction");
    expect(text).toMatch(/4 draws over 1 uncertain parameters .* the bottleneck is .* in \d+\.\d% of them/);
    const b = predicted(wide);
    expect(b.metrics.map((x) => x.prediction)).toEqual(a.metrics.map((x) => x.prediction));
  });

  it("widens when a parameter's range widens", () => {
    expect(width(predicted(wide))).toBeGreaterThan(2 * width(predicted(narrow)));
  });

  it("is null everywhere with no draws", () => {
    const s = predicted(narrow, 0);
    expect(s.prediction).toBeNull();
    expect(s.metrics.every((m) => m.prediction === null)).toBe(true);
    expect(s.resources.every((r) => r.utilization_prediction === null)).toBe(true);
  });
});

describe("capsim sensitivity on the model", () => {
  it("gives a parameter the scenario never uses mu* = 0 and ranks the agent-call cost first", () => {
    const { loaded } = loadScenarioAndModel(SCENARIO, SETS);
    // node_startup_s matters only with workspace_nodes, which this scenario has none of.
    const { model, text } = modelWith(
      entry("data_plane.node_startup_s", 0.5, 2) + entry("coderd.agent_rpc_cpu_s", 0.5, 2),
    );
    const r = runSensitivity(loaded, model, { trajectories: 1, seed: 3, metric: METRIC, modelText: text });
    expect(r.evaluations).toBe(3);
    expect(r.parameters.map((p) => p.path)).toEqual(["coderd.agent_rpc_cpu_s", "data_plane.node_startup_s"]);
    expect(r.parameters[1]!.mu_star).toBe(0);
    expect(r.parameters[0]!.mu_star).toBeGreaterThan(0);
    expect(r.advice?.path).toBe("coderd.agent_rpc_cpu_s");
  });
});

describe("a bad uncertainty: entry", () => {
  it("is refused with file:line:col and exit 2", () => {
    const bad = join(dir, "bad-model.yaml");
    writeFileSync(bad, textWith(entry("coderd.no_such_cost", 0.5, 2)));
    const scenario = join(dir, "s.yaml");
    writeFileSync(scenario, readFileSync(SCENARIO, "utf8").replace(/^model: .*$/m, `model: ${bad}`));
    const r = spawnSync(process.execPath, [CAPSIM_MAIN, "run", scenario, "--no-progress", "--out", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bad-model\.yaml:\d+:\d+: uncertainty\.0\.path: coderd has no parameter group or parameter no_such_cost/,
    );
  });
});
