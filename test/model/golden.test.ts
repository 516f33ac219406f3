import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import { timeseriesCsv } from "../../src/run/timeseries.js";
import { loadScenario } from "../../src/scenario/index.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");

interface Snapshot {
  scenario_sha256: string;
  metrics: unknown[];
  resources: unknown[];
  bottleneck: unknown;
  stages: unknown[];
  timeseries_csv_sha256: string;
}

const GOLDEN = resolve(FIXTURES, "scaletest-2000-golden.json");

/**
 * Golden-file regression (as JMT does): the 2000-user scenario on frozen copies of the scenario and
 * model (so calibrating the shipped model does not move it) must give exactly the recorded summary,
 * resources and time series. It caught nothing by accident so far; when a model change is intended,
 * regenerate it with `UPDATE_GOLDEN=1 npx vitest run test/model/golden.test.ts` and say why in the commit.
 * Issue 7's keys all default to "not modelled", which this test also guards.
 */
describe("scaletest-2000 golden run", () => {
  it("gives the recorded summary, resources and time series", () => {
    const loaded = loadScenario(resolve(FIXTURES, "frozen-scaletest-2000.yaml"));
    const model = loadModel(loaded.scenario.model, loaded.file);
    const { summary, first } = runScenario(loaded, model, { replications: 1 });
    const csv = timeseriesCsv(first, loaded.scenario.deployment.database.vcpu);
    const actual: Snapshot = {
      scenario_sha256: loaded.sha256,
      metrics: summary.metrics,
      resources: summary.resources,
      bottleneck: summary.bottleneck,
      stages: summary.stages,
      timeseries_csv_sha256: createHash("sha256").update(csv).digest("hex"),
    };
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    const snapshot = JSON.parse(readFileSync(GOLDEN, "utf8")) as Snapshot;
    expect(actual.scenario_sha256).toBe(snapshot.scenario_sha256);
    expect(actual.metrics).toEqual(snapshot.metrics);
    expect(actual.resources).toEqual(snapshot.resources);
    expect(actual.bottleneck).toEqual(snapshot.bottleneck);
    expect(actual.stages).toEqual(snapshot.stages);
    expect(actual.timeseries_csv_sha256).toBe(snapshot.timeseries_csv_sha256);
  }, 300_000);
});
