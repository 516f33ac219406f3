import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
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

/**
 * Issue 7's keys all default to "not modelled": a scenario without them must give exactly what it gave
 * before they existed. The snapshot was taken with the earlier code on frozen copies of the 2000-user
 * scenario and model (so calibration of the shipped model does not move it); the model copy only gained
 * the new sections since, without changing any existing value.
 */
describe("scaletest-2000 without issue 7's keys", () => {
  it("gives the same summary, resources and time series as before they existed", () => {
    const snapshot = JSON.parse(
      readFileSync(resolve(FIXTURES, "scaletest-2000-before.json"), "utf8"),
    ) as Snapshot;
    const loaded = loadScenario(resolve(FIXTURES, "frozen-scaletest-2000.yaml"));
    const model = loadModel(loaded.scenario.model, loaded.file);
    const { summary, first } = runScenario(loaded, model, { replications: 1 });
    expect(loaded.sha256).toBe(snapshot.scenario_sha256);
    expect(summary.metrics).toEqual(snapshot.metrics);
    expect(summary.resources).toEqual(snapshot.resources);
    expect(summary.bottleneck).toEqual(snapshot.bottleneck);
    expect(summary.stages).toEqual(snapshot.stages);
    const csv = timeseriesCsv(first, loaded.scenario.deployment.database.vcpu);
    expect(createHash("sha256").update(csv).digest("hex")).toBe(snapshot.timeseries_csv_sha256);
  }, 60_000);
});
