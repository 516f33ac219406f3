import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { readSweepCsv } from "../../src/sweep/csvFile.js";
import { evaluatePoint, type PointTask } from "../../src/sweep/evaluate.js";
import { gridPoints, parseAxes } from "../../src/sweep/grid.js";
import { loadLink } from "../../src/sweep/linkedLoad.js";
import { loadPoints, type SweepBase } from "../../src/sweep/pointScenario.js";
import { runSweep } from "../../src/sweep/runSweep.js";
import { InProcessRunner, type PointRunner } from "../../src/sweep/workerPool.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "capsim-runsweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sweepBase(scenario: string, vary: string[], sets: string[] = []): SweepBase {
  const { loaded, model } = loadScenarioAndModel(join(ROOT, scenario), sets);
  const axes = parseAxes(vary);
  return {
    loaded,
    model,
    sets,
    axes,
    link: loadLink(
      loaded,
      sets,
      axes.map((a) => a.path),
    ),
  };
}

/** Runs points in this thread, but point 1 throws (a multi-line message, as a stack would be). */
const failingRunner: PointRunner = {
  parallelism: 1,
  run: async (task: PointTask) => {
    if (task.index === 1) throw new Error("boom\n  at somewhere");
    return evaluatePoint(task);
  },
  close: async () => {},
};

describe("runSweep", () => {
  it("reports a point that throws in its row and carries on; --resume runs only that point again", async () => {
    const base = sweepBase("test/fixtures/sweep/small.yaml", ["workload.users=20,40,60"]);
    const points = loadPoints(base, gridPoints(base.axes));
    const outPath = join(dir, "errors.csv");
    const common = { base, points, shard: null, replications: 2, seed: 7, outPath, overwrite: false };
    const first = await runSweep({ ...common, resume: false, runner: failingRunner });
    expect(first).toMatchObject({ total: 3, ran: 3, errors: 1, written: 3, interrupted: false });
    const csv = readSweepCsv(outPath);
    const status = csv.header.indexOf("status");
    expect([0, 1, 2].map((i) => csv.rows.get(i)![status])).toEqual(["ok", "error", "ok"]);
    expect(csv.rows.get(1)![csv.header.indexOf("error")]).toBe("boom | at somewhere");
    // A failed row keeps its parameters and leaves every figure empty.
    expect(csv.rows.get(1)![1]).toBe("40");
    expect(
      csv.rows
        .get(1)!
        .slice(2, status)
        .every((c) => c === ""),
    ).toBe(true);

    const seen: number[] = [];
    const second = await runSweep({
      ...common,
      resume: true,
      runner: new InProcessRunner(),
      onPoint: (p) => seen.push(p.point.index),
    });
    expect(seen).toEqual([1]);
    expect(second).toMatchObject({ skipped: 2, ran: 1, errors: 0, written: 3 });
    const rows = readFileSync(outPath, "utf8").trimEnd().split("\n");
    expect(rows).toHaveLength(4);
  });

  it("an abort before the start writes a valid empty sweep", async () => {
    const base = sweepBase("test/fixtures/sweep/small.yaml", ["workload.users=20,40"]);
    const points = loadPoints(base, gridPoints(base.axes));
    const outPath = join(dir, "aborted.csv");
    const controller = new AbortController();
    controller.abort();
    const result = await runSweep({
      base,
      points,
      shard: null,
      replications: 1,
      seed: 1,
      outPath,
      resume: false,
      overwrite: false,
      runner: new InProcessRunner(),
      signal: controller.signal,
    });
    expect(result).toMatchObject({ interrupted: true, written: 0, ran: 0 });
    expect(readSweepCsv(outPath).rows.size).toBe(0);
  });

  it("keeps the scenario's workspaces per user when users vary (a scenario that pins workspaces)", () => {
    const base = sweepBase("scenarios/scaletest-2000.yaml", ["workload.users=500,1000"]);
    expect(base.link?.workspacesPerUser).toBe(1);
    const [, second] = loadPoints(base, gridPoints(base.axes));
    expect(second!.loaded.scenario.workload).toMatchObject({ users: 1000, workspaces: 1000 });
    // Pinned by --set: no link; left to default (fixture without workspaces): no link needed.
    expect(
      sweepBase("scenarios/scaletest-2000.yaml", ["workload.users=500"], ["workload.workspaces=10"]).link,
    ).toBeNull();
    expect(sweepBase("test/fixtures/sweep/small.yaml", ["workload.users=500"]).link).toBeNull();
  });
});
