import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// Agent authentication at v2.8 (docs/model.md, "Agent authentication at v2.8"): every HTTP agent call of
// v2.2-v2.8 runs GetWorkspaceAgentAndOwnerByAuthToken (httpmw.ExtractWorkspaceAgent) and then its workspace
// read; PR #12443 replaced the query in v2.10.0, after the agent moved to dRPC in v2.9 (one authentication
// per connection). The measured cost comes from the overlay measured on the 2000-user test's data.
const loaded = loadScenario(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), []);
const model = loadModel(loaded.scenario.model, loaded.file).model;
const OVERLAY = "results/measure-db/agent-auth-v2-8-1build-2026-12-07.yaml";

function catalog(version: string) {
  return buildRequestCatalog(model, mechanismsFor(version, model), {
    pgCoordinator: false,
    coderVersion: version,
  });
}
const queries = (steps: readonly { kind: string }[]) =>
  steps.filter((s): s is { kind: "query"; statements: number; work: { mean: number } } => s.kind === "query");
const statements = (steps: readonly { kind: string }[]) =>
  queries(steps).reduce((n, s) => n + s.statements, 0);

describe("agent authentication at v2.8", () => {
  it("the scale test is v2.8 and its model charges the joined query its measured cost on the test's data", () => {
    expect(loaded.scenario.deployment.coder_version).toMatch(/^2\.8/);
    const overlay = YAML.parse(readFileSync(resolve(repoRoot, OVERLAY), "utf8"));
    const measured = overlay.statements.agent_and_owner_by_token.cpu_s_per_execution.value as number;
    expect(overlay.measured_with.data_volume.builds_per_workspace).toBe(1);
    expect(model.agent.auth_query_db_cpu_s!.value).toBeCloseTo(
      measured * model.database.measured_cost_scale.value,
      12,
    );
  });

  it("v2.8: the metadata call is the joined query, the workspace read, UPDATE, NOTIFY; the stats call the first two", () => {
    const c = catalog("2.8.4");
    const auth = model.agent.auth_query_db_cpu_s!.value;
    expect(statements(c.metadataRpc.steps)).toBe(4);
    expect(queries(c.metadataRpc.steps)[0]!.work.mean).toBeCloseTo(auth, 12);
    expect(statements(c.statsRpc.steps)).toBe(2);
    expect(queries(c.statsRpc.steps)[0]!.work.mean).toBeCloseTo(auth, 12);
    expect(queries(c.statsRpcWithSession.steps)[0]!.work.mean).toBeCloseTo(auth, 12);
  });

  it("each agent start-up call authenticates the same way", () => {
    const calls = Math.round(model.builds!.agent_startup_calls!.value);
    const auth = model.agent.auth_query_db_cpu_s!.value;
    const steps = queries(catalog("2.8.4").agentStartup!.steps);
    expect(steps[0]!.statements).toBe(calls);
    expect(steps[0]!.work.mean).toBeCloseTo(auth, 12);
    expect(steps[1]!.statements).toBe(calls);
  });

  it("from v2.9 (dRPC) no agent call authenticates on its own", () => {
    const c = catalog("2.9.0");
    expect(statements(c.metadataRpc.steps)).toBe(2);
    expect(statements(c.statsRpc.steps)).toBe(0);
    const startupAuth = queries(catalog("2.9.0").agentStartup!.steps).length;
    expect(startupAuth).toBe(1);
  });
});
