import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/model/coderModel.js";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { pgCoordinatorOn } from "../../src/model/components/tailnetCoordinatorComponent.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// The PG coordinator (enterprise/tailnet/pgcoord.go): when it runs, and the commits it adds.
const FILE = "scenarios/heldout/issue-7295-pgcoord-10-workspaces.yaml";

function load(sets: string[]) {
  const loaded = loadScenario(resolve(repoRoot, FILE), sets);
  return { scenario: loaded.scenario, model: loadModel(loaded.scenario.model, loaded.file).model };
}

/** Commits (pg_stat_database_xact_commit) between two times, and the coordinator's statements. */
function run(sets: string[]) {
  const { scenario, model } = load(sets);
  // Without replicasync, which the coordinator's presence also turns on (enterprise coderd): the coordinator alone.
  const result = runReplication(scenario, { ...model, replica_sync: undefined }, 1);
  const commits = result.metrics.series.find((s) => s.labels.__name__ === "pg_stat_database_xact_commit");
  if (!commits) throw new Error("no pg_stat_database_xact_commit series");
  const at = (t: number): number => {
    const i = Array.from(commits.times).findIndex((x) => x - commits.times[0]! >= t);
    return commits.values[i]!;
  };
  return {
    commitsBetween: (a: number, b: number) => at(b) - at(a),
    statements: result.figures.pgcoord_statements ?? 0,
  };
}

describe("PG coordinator: when coderd runs it", () => {
  const on = (sets: string[]) => {
    const { scenario, model } = load(sets);
    return pgCoordinatorOn(scenario, model);
  };

  it("defaults to pg with more than one replica from versions.pg_coordinator, memory on one", () => {
    const memory = "deployment.coderd.tailnet_coordinator=memory";
    // The held-out file turns it on explicitly; without the key the default decides.
    expect(on([memory])).toBe(false);
    expect(on([memory, 'deployment.coder_version="2.8"'])).toBe(false);
    const { scenario, model } = load(['deployment.coder_version="2.8"', "deployment.coderd.replicas=2"]);
    const byDefault = { ...scenario.deployment.coderd, tailnet_coordinator: undefined };
    const s = (version: string, replicas: number) => ({
      ...scenario,
      deployment: { ...scenario.deployment, coder_version: version, coderd: { ...byDefault, replicas } },
    });
    expect(pgCoordinatorOn(s("2.8", 2), model)).toBe(true);
    expect(pgCoordinatorOn(s("2.8", 1), model)).toBe(false);
    // Before the model's first version (2.5.0) the HA coordinator was not pgcoord by default.
    expect(pgCoordinatorOn(s("2.4", 3), model)).toBe(false);
    // A model without the section never runs it, whatever the scenario says.
    expect(pgCoordinatorOn(scenario, { ...model, tailnet_coordinator: undefined })).toBe(false);
  });
});

describe("PG coordinator: commits follow heartbeats and connections", () => {
  const withPg = run([]);
  const without = run(["deployment.coderd.tailnet_coordinator=memory"]);

  it("idle: one heartbeat commit per replica every 2 s, nothing else", () => {
    const added = (withPg.commitsBetween(330, 600) - without.commitsBetween(330, 600)) / 270;
    expect(added).toBeGreaterThan(0.5 * 0.9);
    expect(added).toBeLessThan(0.5 * 1.1);
  });

  it("connecting adds commits beyond the heartbeats, and more connections add more", () => {
    const burst = (r: ReturnType<typeof run>) => r.commitsBetween(600, 660) - r.commitsBetween(540, 600);
    expect(burst(withPg)).toBeGreaterThan(burst(without) + 30);
    const half = run(["stages.2.target_pct=50"]);
    expect(burst(withPg) - burst(without)).toBeGreaterThan(burst(half) - burst(without));
    expect(withPg.statements).toBeGreaterThan(half.statements);
  });

  it("is absent on the in-memory coordinator", () => {
    expect(without.statements).toBe(0);
  });
});

describe("PG coordinator: a reconnecting agent's peer NOTIFY is counted once", () => {
  const notifies = (pgCoordinator: boolean): number => {
    const { scenario, model } = load([]);
    const catalog = buildRequestCatalog(model, mechanismsFor(scenario.deployment.coder_version, model), {
      pgCoordinator,
    });
    return catalog.agentReconnect.steps.filter((s) => s.kind === "query" && s.notify).length;
  };

  it("by the reconnect request without the coordinator, by the coordinator's trigger with it", () => {
    expect(notifies(false)).toBe(1);
    expect(notifies(true)).toBe(0);
  });
});
