import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { type RunOutput, runScenario } from "../../src/run/runScenario.js";
import { timeseriesCsv } from "../../src/run/timeseries.js";
import type { LoadedScenario } from "../../src/scenario/index.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const SMALL_RUN = join(ROOT, "test/fixtures/report/small-run.yaml");
export const COMPARE_FIXTURE = join(ROOT, "test/fixtures/report/compare-scaletest-2000.json");
export const SWEEP_FIXTURE = join(ROOT, "test/fixtures/report/sweep-users.csv");

export interface RunFixture extends RunOutput {
  dir: string;
  loaded: LoadedScenario;
}

/** Runs the small scenario (with `--set` overrides) and writes summary.json and timeseries.csv as `capsim run` does. */
export function writeSmallRun(
  sets: readonly string[] = [],
  dir = mkdtempSync(join(tmpdir(), "capsim-report-")),
): RunFixture {
  const { loaded, model } = loadScenarioAndModel(SMALL_RUN, sets);
  const out = runScenario(loaded, model, {});
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(out.summary, null, 2)}\n`);
  writeFileSync(
    join(dir, "timeseries.csv"),
    timeseriesCsv(out.first, loaded.scenario.deployment.database.vcpu),
  );
  return { ...out, dir, loaded };
}
