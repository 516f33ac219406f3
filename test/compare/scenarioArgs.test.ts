import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isShippedScenario } from "../../src/cli/scenarioInput.js";
import { looksLikeScenario, splitScenarioArgs } from "../../src/compare/scenarioArgs.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");
const PASS = join(ROOT, "test/fixtures/compare/pass.yaml");
const PROM = join(ROOT, "test/fixtures/compare/scrapes.prom");
const MEASURED_2000 = join(ROOT, "results/measured/scaletest-2000.yaml");

describe("[scenario] <measured>... positionals", () => {
  it("takes a first file with deployment/workload keys as the scenario", () => {
    expect(splitScenarioArgs([TINY, PASS, PROM], "compare", isShippedScenario)).toEqual({
      scenarioArg: TINY,
      measuredFiles: [PASS, PROM],
    });
  });

  it("runs the default scenario when the first file is measured data", () => {
    expect(splitScenarioArgs([MEASURED_2000], "compare", isShippedScenario)).toEqual({
      scenarioArg: undefined,
      measuredFiles: [MEASURED_2000],
    });
    expect(splitScenarioArgs([PROM, PASS], "compare", isShippedScenario).scenarioArg).toBeUndefined();
  });

  it("recognises shipped scenarios by name, and never a measured file's stages: key as a scenario", () => {
    expect(looksLikeScenario("scaletest-2000", isShippedScenario)).toBe(true);
    expect(looksLikeScenario(join(ROOT, "test/fixtures/compare/stages.yaml"), isShippedScenario)).toBe(false);
    expect(looksLikeScenario("no-such-thing.yaml", isShippedScenario)).toBe(false);
  });

  it("reads JSON scenarios by their top-level keys, not by a label called deployment", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-args-"));
    const scenario = join(dir, "s.json");
    writeFileSync(scenario, JSON.stringify({ deployment: {}, workload: {}, stages: [] }));
    const prom = join(dir, "q.json");
    writeFileSync(
      prom,
      JSON.stringify({ status: "success", data: { result: [{ metric: { deployment: "coder" } }] } }),
    );
    expect(looksLikeScenario(scenario, isShippedScenario)).toBe(true);
    expect(looksLikeScenario(prom, isShippedScenario)).toBe(false);
  });

  it("refuses a scenario without measured files, naming the usage", () => {
    expect(() => splitScenarioArgs([TINY], "compare", isShippedScenario)).toThrow(
      /no measured file given after the scenario/,
    );
    expect(() => splitScenarioArgs([], "calibrate", isShippedScenario)).toThrow(/usage capsim calibrate/);
  });
});
