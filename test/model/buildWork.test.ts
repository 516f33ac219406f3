import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/model/coderModel.js";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { distOf } from "../../src/model/features.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import type { Step } from "../../src/model/requestPipeline.js";
import { loadScenario } from "../../src/scenario/index.js";
import { select } from "../../src/series/select.js";
import { repoRoot } from "./helpers.js";

/** The database CPU-seconds a class's query steps draw, and their statements. */
function queryWork(steps: readonly Step[]): { seconds: number; statements: number } {
  let seconds = 0;
  let statements = 0;
  for (const s of steps) {
    if (s.kind !== "query") continue;
    seconds += s.work.mean * s.statements;
    statements += s.statements;
  }
  return { seconds, statements };
}

const catalogOf = (model: ModelFile) => buildRequestCatalog(model, mechanismsFor("2.8.0", model));

describe("builds' database work (model `builds`)", () => {
  const measured = loadModel("coder-v2.8").model;

  it("charges each build phase the measured statements, as many as Coder's source issues", () => {
    const b = measured.builds!;
    const c = catalogOf(measured);
    const create = queryWork(c.workspaceCreate.steps);
    // v2.8's handler and builder (17) and dbauthz's authorisation fetches behind them (9).
    expect(create.statements).toBe(17 + 9);
    expect(create.seconds).toBeCloseTo(b.create_db_cpu_s.value, 9);
    expect(queryWork(c.jobEvent.steps)).toEqual({
      seconds: expect.closeTo(b.acquire_db_cpu_s.value, 9),
      statements: 14 + 3,
    });
    expect(queryWork(c.jobCompleteStart!.steps)).toEqual({
      seconds: expect.closeTo(b.complete_start_db_cpu_s.value, 9),
      statements: 22 + 6,
    });
    expect(queryWork(c.jobCompleteStop!.steps).statements).toBe(12 + 6);
    // A start's completion writes resources, agents and apps a stop's does not.
    expect(b.complete_start_db_cpu_s.value).toBeGreaterThan(b.complete_stop_db_cpu_s.value);
  });

  it("leaves the base model's assumed counts where the model has no `builds`", () => {
    const base = loadModel("coder-v2.8-base").model;
    expect(base.builds).toBeUndefined();
    const c = catalogOf(base);
    expect(c.jobCompleteStart).toBeUndefined();
    expect(queryWork(c.workspaceCreate.steps).statements).toBe(base.provisioner.queries_per_create.value);
  });

  it("puts the measured build work on the database: zeroing it removes about what the phases and UpdateJob calls add up to", () => {
    const loaded = loadScenario(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), [
      "workload.users=40",
      "workload.workspaces=40",
    ]);
    const scenario = loaded.scenario;
    const zeroed: ModelFile = structuredClone(measured);
    const z = zeroed.builds!;
    for (const p of [
      z.create_db_cpu_s,
      z.acquire_db_cpu_s,
      z.heartbeat_db_cpu_s,
      z.log_flush_db_cpu_s,
      z.complete_start_db_cpu_s,
      z.complete_stop_db_cpu_s,
      z.agent_startup_db_cpu_s!,
      z.acquire_empty_db_cpu_s!,
    ])
      p.value = 0;
    const dbSeconds = (model: ModelFile) => {
      const rep = runReplication(scenario, model, 1);
      const cpu = select(rep.metrics, "node_cpu_seconds_total", { mode: "user" });
      expect(cpu).toHaveLength(1);
      const v = cpu[0]!.values;
      return v[v.length - 1]!;
    };
    const added = dbSeconds(measured) - dbSeconds(zeroed);
    // Every workspace is created (a start) and deleted in cleanup (a delete build), each with its request,
    // acquire and completion; a running build sends UpdateJob calls at the heartbeat and log-flush rates.
    const b = measured.builds!;
    const w = scenario.workload.workspaces;
    const phases = w * (2 * (b.create_db_cpu_s.value + b.acquire_db_cpu_s.value));
    const completions = w * (b.complete_start_db_cpu_s.value + b.complete_stop_db_cpu_s.value);
    // Each started agent's start-up calls; the Acquirer's empty acquires come on top (bounded below).
    const startups = w * b.agent_startup_db_cpu_s!.value;
    const busySeconds =
      w *
      (distOf(measured.provisioner.build_duration_s).mean +
        distOf(measured.provisioner.delete_duration_s).mean);
    const hb = 1 / measured.provisioner.update_interval_s.value;
    const fl = 1 / b.log_flush_interval_s.value;
    const stream = busySeconds * (hb * b.heartbeat_db_cpu_s.value + fl * b.log_flush_db_cpu_s.value);
    const expected = phases + completions + startups + stream;
    // Within 20 %: NOTIFY fan-out to the replicas' listeners and the draws of build durations come on top.
    expect(added).toBeGreaterThan(0.8 * expected);
    expect(added).toBeLessThan(1.2 * expected);
  }, 20_000);
});
