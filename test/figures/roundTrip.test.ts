import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { runCompare } from "../../src/compare/runCompare.js";
import {
  DEFAULT_OPENMETRICS_START,
  parseOpenMetricsStart,
  writeOpenMetrics,
} from "../../src/report/openmetrics.js";
import { runScenario } from "../../src/run/runScenario.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SMALL = join(ROOT, "test/fixtures/figures/small-scaletest.yaml");
const dir = mkdtempSync(join(tmpdir(), "capsim-roundtrip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The (metric, stage) pairs of the 2000-user test's published figures that capsim simulates (the file
 * marks the other two, the DERP latency gauge, `unmodelled`). */
const PUBLISHED = (
  parse(readFileSync(join(ROOT, "results/measured/scaletest-2000.yaml"), "utf8")) as {
    figures: { metric: string; stage: string | null; unmodelled?: string }[];
  }
).figures
  .filter((f) => f.unmodelled === undefined)
  .map((f) => `${f.metric}/${f.stage}`);

describe("capsim run --openmetrics sim.om, then capsim compare sim.om (issue 10)", () => {
  it("compares every figure with a recipe against the run that wrote it, each within 0.5 %", () => {
    const scenario = loadScenarioAndModel(SMALL);
    const { first } = runScenario(scenario.loaded, scenario.model, { replications: 1 });
    const om = join(dir, "sim.om");
    writeOpenMetrics(om, first, {
      scenario: scenario.loaded.scenario.name,
      startEpochSeconds: parseOpenMetricsStart(DEFAULT_OPENMETRICS_START),
    });
    const result = runCompare({ scenario, measuredFiles: [om], tolerance: 0.005, replications: 1 });
    expect(result.window_origin).toBe("capsim_stage_active");
    const compared = result.rows.map((r) => `${r.metric}/${r.stage}`);
    expect(PUBLISHED).toHaveLength(12);
    for (const figure of PUBLISHED) expect(compared, figure).toContain(figure);
    const withRecipe = result.evaluated.filter((v) => v.promql !== null);
    expect(result.rows).toHaveLength(withRecipe.length);
    expect(result.counts).toMatchObject({ fail: 0, not_simulated: 0 });
    for (const row of result.rows)
      expect(Math.abs(row.error ?? 1), `${row.metric}/${row.stage}`).toBeLessThanOrEqual(0.005);
  });
});
