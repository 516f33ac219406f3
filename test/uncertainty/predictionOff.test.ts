import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { drawsFor } from "../../src/cli/predictionDraws.js";
import { loadScenarioText } from "../../src/scenario/index.js";
import { DEFAULT_PREDICTION_DRAWS } from "../../src/uncertainty/prediction.js";
import { predictionOff, predictionOffLine } from "../../src/uncertainty/predictionOff.js";
import { inputErrorLines } from "../scenario/helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("a scenario's default prediction draws (prediction.draws)", () => {
  it("takes --prediction-draws first, then the scenario's, then capsim's default", () => {
    expect(drawsFor(8, { prediction: { draws: 0 } })).toEqual({ draws: 8, source: "flag" });
    expect(drawsFor(undefined, { prediction: { draws: 0 } })).toEqual({ draws: 0, source: "scenario" });
    expect(drawsFor(undefined, {})).toEqual({ draws: DEFAULT_PREDICTION_DRAWS, source: "default" });
  });

  it("refuses one draw (no spread to measure) with its position", () => {
    const week = readFileSync(join(ROOT, "scenarios/week-3000.yaml"), "utf8");
    const bad = week.replace("prediction: {draws: 0}", "prediction: {draws: 1}");
    expect(bad).not.toBe(week);
    const lines = inputErrorLines(() => loadScenarioText(bad, join(ROOT, "scenarios/week-3000.yaml")));
    expect(lines).toEqual([
      expect.stringMatching(/week-3000\.yaml:\d+:\d+: prediction\.draws: 0 \(no prediction\) or 2 to 1000/),
    ]);
  });

  it("prices the missing draws at this run's time per replication, in parallel to one at a time", () => {
    // 1 replication in 50 s on 2 workers: 6 draws are 3 more rounds of 50 s, or 6 draws of 50 s one by one.
    const off = predictionOff("scenario", "capsim run w.yaml --prediction-draws 6", {
      wallSeconds: 50,
      replications: 1,
      jobs: 2,
      draws: 6,
    });
    expect(off.estimated_wall_seconds).toEqual({ low: 200, high: 350 });
    // 3 replications in 30 s on 2 workers (2 rounds of 15 s): 3 rounds of 15 s, or 6 draws of a round each.
    expect(
      predictionOff("flag", "c", { wallSeconds: 30, replications: 3, jobs: 2, draws: 6 })
        .estimated_wall_seconds,
    ).toEqual({ low: 75, high: 120 });
    expect(predictionOffLine(off)).toBe(
      "  No 90% prediction interval (parameter uncertainty): the scenario sets prediction.draws: 0. " +
        "For one: capsim run w.yaml --prediction-draws 6 (about 3 to 6 min wall here at this run's time per " +
        "replication, the draws in parallel to one at a time; docs/uncertainty.md).",
    );
  });
});

describe("capsim run of a scenario with prediction.draws: 0 (needs npm run build)", () => {
  it("says in the JSON and the text that there is no interval, and the command for one", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-draws-"));
    const scenario = join(dir, "s.yaml");
    cpSync(join(ROOT, "test/fixtures/model/small.yaml"), scenario);
    writeFileSync(scenario, `${readFileSync(scenario, "utf8")}prediction: {draws: 0}\n`);
    // One run: the text on stdout, the JSON in --out's summary.json.
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, "dist/cli/main.js"),
        "run",
        scenario,
        ...["--set", "workload.users=20", "--set", "workload.workspaces=20", "--replications", "1"],
        ...["--no-progress", "--out", dir, "--report"],
      ],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(s.prediction).toBeNull();
    expect(s.prediction_off).toMatchObject({
      source: "scenario",
      command: `capsim run ${scenario} --set workload.users=20 --set workload.workspaces=20 --replications 1 --prediction-draws 6`,
      draws: 6,
    });
    expect(s.prediction_off.estimated_wall_seconds.low).toBeGreaterThan(s.wall_seconds);
    expect(s.prediction_off.estimated_wall_seconds.high).toBeGreaterThanOrEqual(
      s.prediction_off.estimated_wall_seconds.low,
    );
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(
      "No 90% prediction interval (parameter uncertainty): the scenario sets prediction.draws: 0.",
    );
    expect(run.stdout).toContain(
      "No 90% prediction interval (parameter uncertainty): the scenario sets prediction.draws: 0.",
    );
  }, 20_000);
});
