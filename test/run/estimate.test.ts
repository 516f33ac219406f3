import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplication, samplerSize } from "../../src/model/coderModel.js";
import { loadScenarioAndModel } from "../../src/model/loadScenarioAndModel.js";
import { FAMILIES } from "../../src/model/metrics/catalog.js";
import { estimateEvents, estimateRun } from "../../src/run/estimate.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("the run estimate's memory", () => {
  it("counts the columns the model's registry scrapes", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"));
    const scraped = runReplication(loaded.scenario, model.model, 1).metrics.series.filter(
      (s) => s.labels.__name__ !== FAMILIES.stageActive.name,
    );
    expect(estimateRun(loaded.scenario, model.model, 1).columns).toBe(scraped.length);
  });

  it("bounds week-3000's Sampler and its series' copy (304 MB), which a hand-kept series count did not", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "scenarios/week-3000.yaml"));
    const s = loaded.scenario;
    const { columns, scrapes } = samplerSize(s, model.model);
    const sampler = columns * scrapes * 8;
    expect(sampler).toBeGreaterThan(150e6);
    const estimate = estimateRun(s, model.model, 1);
    // Measured: 698 MB RSS for `capsim run --replications 1 --jobs 1` (docs/security.md).
    expect(estimate.memoryBytes).toBeGreaterThan(2 * sampler + 120e6);
    expect(estimate.memoryBytes).toBeGreaterThan(698e6);
  });

  it("adds each replication running beside the first, and each one's kept series", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "scenarios/scaletest-2000.yaml"));
    const one = estimateRun(loaded.scenario, model.model, 1);
    const three = estimateRun(loaded.scenario, model.model, 3);
    const parallel = estimateRun(loaded.scenario, model.model, 3, 2);
    expect(three.memoryBytes - one.memoryBytes).toBe(three.retainedBytes);
    expect(parallel.memoryBytes - three.memoryBytes).toBe(parallel.jobBytes);
    expect(estimateRun(loaded.scenario, model.model, 1, 4).memoryBytes).toBe(one.memoryBytes);
  });

  it("prices a prediction draw's time as a replication's but keeps only its summary, beside replication 1's series", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "scenarios/scaletest-2000.yaml"));
    const one = estimateRun(loaded.scenario, model.model, 1);
    const two = estimateRun(loaded.scenario, model.model, 2);
    const draws = estimateRun(loaded.scenario, model.model, 1, 1, 6);
    expect(draws.events).toBe(7 * one.events);
    expect(draws.replications).toBe(7);
    expect(draws.retainedBytes).toBe(two.retainedBytes + 6 * 16 * 2 ** 20);
    expect(draws.memoryBytes).toBeLessThan(estimateRun(loaded.scenario, model.model, 7).memoryBytes);
    // Three replications' series before the draws: the draws add only their summaries.
    const three = estimateRun(loaded.scenario, model.model, 3);
    expect(estimateRun(loaded.scenario, model.model, 3, 1, 6).retainedBytes).toBe(
      three.retainedBytes + 6 * 16 * 2 ** 20,
    );
  });

  it("is unbounded for a model too big to compose, without composing it", () => {
    const { loaded, model } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"), [
      "deployment.coderd.replicas=10000000",
    ]);
    const estimate = estimateRun(loaded.scenario, model.model, 1);
    expect(estimate.memoryBytes).toBe(Number.POSITIVE_INFINITY);
    expect(estimate.columns).toBe(0);
  });
});

describe("the run estimate's events", () => {
  it("are the same without composing the model (what a sweep's time check uses first)", () => {
    for (const file of [
      "scenarios/scaletest-2000.yaml",
      "scenarios/week-3000.yaml",
      "scenarios/reference/10k.yaml",
    ]) {
      const { loaded, model } = loadScenarioAndModel(join(ROOT, file));
      expect(estimateEvents(loaded.scenario, 5)).toBe(estimateRun(loaded.scenario, model.model, 5).events);
    }
  });

  it("are unbounded beyond the simulator's range", () => {
    const { loaded } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"));
    const endless = { ...loaded.scenario, stages: [{ ...loaded.scenario.stages[0]!, duration_s: 1e308 }] };
    expect(estimateEvents(endless, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});
