import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import { loadScenario } from "../../src/scenario/index.js";

// A burst of creates that does not wait for the builds (the workspace-updates runner, PR #20575's test):
// every build response ranks the jobs of the other requests in flight, less the idle daemons' take.
const ROOT = resolve(import.meta.dirname, "../..");
const FILE = "scenarios/heldout/pr-20575-builds-dominate-db.yaml";
const N = 60;
const DAEMONS = 6;
// Long enough for sixty builds one at a time (prepare gives up after ten times its planned length).
const SMALL = [
  `workload.users=${N}`,
  `deployment.provisioners.count=${DAEMONS}`,
  "deployment.coderd.replicas=1",
  "deployment.database.vcpu=8",
  "stages=[{name: prepare, start_s: 0, duration_s: 600}, {name: ssh, start_s: 600, duration_s: 60, target_pct: 0}]",
];

function replicate(sets: string[]): { rep: ReplicationResult; perPair: number } {
  const loaded = loadScenario(resolve(ROOT, FILE), [...SMALL, ...sets]);
  const { model } = loadModel(loaded.scenario.model, loaded.file);
  return {
    rep: runReplication(loaded.scenario, model, 1),
    perPair: model.builds!.queue_position_db_cpu_s_per_pair!.value,
  };
}

const requestCpu = (rep: ReplicationResult): number =>
  rep.databaseCpuBySource
    .find((w) => w.window === "prepare")!
    .sources.find((s) => s.source === "workspace_build_request")!.cpu_seconds;

describe("a burst of creates ranks the queue against itself (v2.20+ queue position)", () => {
  it("adds the closed form's pairs over one create at a time", () => {
    const burst = replicate([`workload.builds.create_concurrency=${N}`, "workload.builds.wait_for=response"]);
    const serial = replicate(["workload.builds.create_concurrency=1", "workload.builds.wait_for=agent"]);
    // All N leave at t = 0: the i-th sees i others in flight and DAEMONS idle daemons; one at a time sees none.
    let extraPairs = 0;
    for (let i = 0; i < N; i++) extraPairs += Math.max(0, i - DAEMONS) * DAEMONS;
    const expected = extraPairs * burst.perPair;
    const measured = requestCpu(burst.rep) - requestCpu(serial.rep);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(0.02);
  });

  it("frees a create slot when the request returns, and prepare still ends with every agent up", () => {
    const { rep } = replicate(["workload.builds.create_concurrency=3", "workload.builds.wait_for=response"]);
    const makespan = rep.figures.workspace_build_makespan_prepare_s!;
    // Every create answered (NaN while any workspace is pending), and prepare's window holds all the builds.
    expect(Number.isFinite(makespan)).toBe(true);
    const prepare = rep.databaseCpuBySource.find((w) => w.window === "prepare")!;
    expect(prepare.end_s).toBeGreaterThanOrEqual(makespan);
    // Three at a time, each slot freed at its response, keeps the six daemons busier than three that wait.
    const serial = replicate(["workload.builds.create_concurrency=3", "workload.builds.wait_for=agent"]);
    expect(makespan).toBeLessThan(serial.rep.figures.workspace_build_makespan_prepare_s!);
  });
});
