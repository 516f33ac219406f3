import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPhaseStep } from "../../src/model/buildWork.js";
import { runReplication } from "../../src/model/coderModel.js";
import { jobAcquireFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// What an idle deployment commits that no request asks for: each mechanism's commit rate from its
// period in the model file (a closed form), on a small idle fleet (docs/model.md, "What an idle
// deployment commits"). The held-out number of coder/coder #7295 is not asserted here.
const FILE = "scenarios/heldout/issue-7295-pgcoord-10-workspaces.yaml";
/** The idle window of that scenario: builds done, no connection yet. */
const IDLE: [number, number] = [330, 600];

function load(sets: string[]) {
  const loaded = loadScenario(resolve(repoRoot, FILE), sets);
  return { scenario: loaded.scenario, model: loadModel(loaded.scenario.model, loaded.file).model };
}

/** Commits per second over the idle window, and the figures, of one replication. */
function idleRate(sets: string[], edit: (m: ModelFile) => ModelFile = (m) => m) {
  const { scenario, model } = load(sets);
  const result = runReplication(scenario, edit(model), 1);
  const commits = result.metrics.series.find((s) => s.labels.__name__ === "pg_stat_database_xact_commit");
  if (!commits) throw new Error("no pg_stat_database_xact_commit series");
  const at = (t: number): number => {
    const i = Array.from(commits.times).findIndex((x) => x - commits.times[0]! >= t);
    return commits.values[i]!;
  };
  return { rate: (at(IDLE[1]) - at(IDLE[0])) / (IDLE[1] - IDLE[0]), figures: result.figures };
}

const noPolling = (m: ModelFile): ModelFile => ({ ...m, provisioner_polling: undefined });

describe("provisioner daemons polling AcquireJob before the Acquirer", () => {
  const { model } = load([]);
  const p = model.provisioner_polling!;
  /** Polls per second of one idle poller: one per interval plus the mean of a uniform jitter. */
  const perPoller = (base: number) => 1 / (base + p.poll_jitter_s.value / 2);

  it("polls before versions.provisioner_acquirer, not from it", () => {
    expect(jobAcquireFor("0.24", model)).toBe("poll");
    expect(jobAcquireFor("2.1.5", model)).toBe("poll");
    expect(jobAcquireFor("2.2.0", model)).toBe("acquirer");
    expect(jobAcquireFor("2.8", model)).toBe("acquirer");
    expect(idleRate(['deployment.coder_version="2.8"']).figures.provisioner_polls).toBeUndefined();
  });

  it("each idle external daemon adds one commit per interval + jitter/2", () => {
    const daemons = 10;
    const added = idleRate([]).rate - idleRate([], noPolling).rate;
    const expected = daemons * perPoller(p.poll_interval_s.value);
    expect(added).toBeGreaterThan(expected * 0.97);
    expect(added).toBeLessThan(expected * 1.03);
  });

  it("built-in daemons of a replica poll together, once per debounce + jitter/2, however many", () => {
    const builtin = (n: number) => [
      "deployment.provisioners.count=0",
      `deployment.coderd.builtin_provisioners=${n}`,
    ];
    const expected = perPoller(p.builtin_debounce_s.value);
    // Enough daemons that the 10 builds are done before the idle window.
    for (const n of [10, 30]) {
      const added = idleRate(builtin(n)).rate - idleRate(builtin(n), noPolling).rate;
      expect(added).toBeGreaterThan(expected * 0.95);
      expect(added).toBeLessThan(expected * 1.05);
    }
  });

  it("built-in daemons add nothing on a replica that serves an external daemon", () => {
    const external = idleRate(["deployment.provisioners.count=4"]).rate;
    const both = idleRate([
      "deployment.provisioners.count=4",
      "deployment.coderd.builtin_provisioners=3",
    ]).rate;
    expect(Math.abs(both - external)).toBeLessThan(0.05 * external);
  });
});

describe("enterprise replicasync: three autocommit statements per replica every interval", () => {
  const { model } = load([]);
  const noSync = (m: ModelFile): ModelFile => ({ ...m, replica_sync: undefined });
  const perReplica = 3 / model.replica_sync!.interval_s.value;

  it.each([1, 3])("adds 3 / interval commits per second on each of %i replicas", (replicas) => {
    const sets = [`deployment.coderd.replicas=${replicas}`];
    const added = idleRate(sets).rate - idleRate(sets, noSync).rate;
    expect(added).toBeGreaterThan(replicas * perReplica * 0.95);
    expect(added).toBeLessThan(replicas * perReplica * 1.05);
  });

  it("is left out where enterprise coderd is not sure to run: one replica, in-memory coordinator", () => {
    const figures = idleRate(["deployment.coderd.tailnet_coordinator=memory"]).figures;
    expect(figures.replica_syncs).toBeUndefined();
    expect(idleRate([]).figures.replica_syncs).toBeGreaterThan(0);
  });
});

describe("pg_stat_database_xact_commit counts each autocommit statement", () => {
  const { model } = load([]);

  it("a per-item metadata call commits its auth reads, its UPDATE and its NOTIFY apart", () => {
    // v0.24, 10 agents, 2 items every 10 s: 2 calls/s, each 8 statements (perItemCallV22.test.ts): the token
    // lookup, getAgentSubject's 3 reads, the handler's and dbauthz's workspace reads, UPDATE, NOTIFY.
    const calls = (10 * 2) / 10;
    const perCall =
      model.agent.auth_reads_per_rpc.value +
      model.agent.subject_lookup_reads!.value +
      model.agent.per_item_metadata_handler_reads!.value +
      2;
    expect(perCall).toBe(8);
    const added = idleRate([]).rate - idleRate(["workload.agent.metadata.items=0"]).rate;
    expect(added).toBeGreaterThan(calls * perCall * 0.97);
    expect(added).toBeLessThan(calls * perCall * 1.03);
  });

  it("a build phase's statements share one transaction", () => {
    const step = buildPhaseStep(14, 0.01);
    expect(step.kind === "query" && step.statements).toBe(14);
    expect(step.kind === "query" && step.commits).toBe(1);
  });
});
