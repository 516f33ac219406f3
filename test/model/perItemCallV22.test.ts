import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { distributionFromSpec } from "../../src/engine/random/index.js";
import { runReplication } from "../../src/model/coderModel.js";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog, httpAgentAuth } from "../../src/model/requestClasses.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// The HTTP-era agent call by version (docs/model.md, "The per-item metadata call of v2.2"), and the PG
// coordinator before its peers/tunnels tables: statement counts read from Coder's source, their version
// gates, and what they add. The held-out answers themselves are in heldout.test.ts.
const H9782 = "scenarios/heldout/issue-9782-per-item-400.yaml";
const H7295 = "scenarios/heldout/issue-7295-pgcoord-10-workspaces.yaml";

function load(file: string, sets: string[] = []) {
  const loaded = loadScenario(resolve(repoRoot, file), sets);
  return { scenario: loaded.scenario, model: loadModel(loaded.scenario.model, loaded.file).model };
}

const { model } = load(H9782);

/** The metadata call's query steps at a version: statements, and the first read's cost. */
function metadataCall(version: string) {
  const catalog = buildRequestCatalog(model, mechanismsFor(version, model), {
    pgCoordinator: false,
    coderVersion: version,
  });
  const queries = catalog.metadataRpc.steps.filter((s) => s.kind === "query");
  return {
    statements: queries.reduce((n, s) => n + (s.kind === "query" ? s.statements : 0), 0),
    firstReadCpu: queries[0]?.kind === "query" ? queries[0].work.mean : Number.NaN,
  };
}

describe("HTTP agent authentication by version", () => {
  it("before PR #9123 (2.2.0): the token lookup, getAgentSubject's three reads and the call's workspace read", () => {
    const auth = httpAgentAuth(model, "0.24");
    expect(auth.reads).toBe(5);
    expect(auth.joined).toBe(false);
  });

  it("from 2.2.0: the joined query (charged its measured cost) and the workspace read", () => {
    const auth = httpAgentAuth(model, "2.2");
    expect(auth.reads).toBe(2);
    expect(auth.joined).toBe(true);
  });

  it("the joined query until 2.10.0 (PR #12443), the generic read from it", () => {
    for (const v of ["2.3", "2.8"]) {
      expect(httpAgentAuth(model, v).reads).toBe(2);
      expect(httpAgentAuth(model, v).joined).toBe(true);
    }
    expect(httpAgentAuth(model, "2.10").joined).toBe(false);
  });

  it("a model without the boundaries keeps its two generic reads", () => {
    const bare = {
      ...model,
      versions: {
        ...model.versions,
        agent_auth_joined_query: undefined,
        agent_auth_joined_query_read_until: undefined,
      },
    };
    expect(httpAgentAuth(bare, "0.24").reads).toBe(2);
    expect(httpAgentAuth(bare, "2.2").joined).toBe(false);
  });
});

describe("the per-item metadata call's statements", () => {
  it("v0.24: token, workspace, user, roles, the handler's and dbauthz's workspace reads, UPDATE, NOTIFY", () => {
    expect(metadataCall("0.24").statements).toBe(8);
  });

  it("v2.2: the joined auth query, the two workspace reads, UPDATE, NOTIFY (#9782's duplicated lookup)", () => {
    const call = metadataCall("2.2");
    expect(call.statements).toBe(5);
    // The auth read costs the measured GetWorkspaceAgentAndOwnerByAuthToken, not the generic read.
    expect(call.firstReadCpu).toBeCloseTo(model.agent.auth_query_db_cpu_s!.value, 9);
    expect(call.firstReadCpu).toBeGreaterThan(
      10 * distributionFromSpec(model.database.read_query_cpu_s.value as never).mean,
    );
  });

  it("v2.3 (agent-side batching): no handler read of its own, the same joined auth query", () => {
    const call = metadataCall("2.3");
    expect(call.statements).toBe(4);
    expect(call.firstReadCpu).toBeCloseTo(model.agent.auth_query_db_cpu_s!.value, 9);
  });
});

describe("#9782's fleet: what the v2.2 call asks of the database (closed form)", () => {
  it("80 calls/s x (auth query + 2 reads + the metadata write and NOTIFY) is the agent_metadata source", () => {
    const { scenario } = load(H9782);
    const result = runReplication(scenario, model, 1);
    const window = result.databaseCpuBySource.find((w) => w.window === "traffic")!;
    const cpu = window.sources.find((s) => s.source === "agent_metadata")!.cpu_seconds;
    const metadata = cpu / (window.end_s - window.start_s);
    const catalog = buildRequestCatalog(model, mechanismsFor("2.2", model), {
      pgCoordinator: false,
      coderVersion: "2.2",
    });
    const perCall = catalog.metadataRpc.steps.reduce(
      (cpu, s) => cpu + (s.kind === "query" ? s.work.mean * s.statements : 0),
      0,
    );
    const calls = (400 * 2) / 10;
    expect(metadata).toBeGreaterThan(calls * perCall * 0.95);
    expect(metadata).toBeLessThan(calls * perCall * 1.05);
  });
});

describe("PG coordinator before the peers/tunnels tables (PR #10442, 2.4.0)", () => {
  const statements = (version: string, pct: number) => {
    const { scenario, model: m } = load(H7295, [
      `deployment.coder_version="${version}"`,
      `stages.2.target_pct=${pct}`,
    ]);
    return runReplication(scenario, m, 1).figures.pgcoord_statements ?? 0;
  };
  const t = model.tailnet_coordinator!;

  it("v0.24: a coderd-proxied connection is a client: its mapper query, each node update and the other end's query, its delete", () => {
    const perConnection =
      1 + 2 * t.client_node_updates_v1!.value + 2 * t.agent_node_updates_per_client.value + 2;
    expect(perConnection).toBe(11);
    expect((statements("0.24", 100) - statements("0.24", 0)) / 10).toBe(perConnection);
  });

  it("from 2.4: the tunnel on coderd's peer (tunnel row, both mappings, the agent's answering update), its delete", () => {
    const perConnection = 3 + t.agent_node_updates_per_client.value * 3 + 2;
    expect((statements("2.4", 100) - statements("2.4", 0)) / 10).toBe(perConnection);
  });
});
