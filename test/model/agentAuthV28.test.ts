import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog, httpAgentAuth } from "../../src/model/requestClasses.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// Agent authentication at v2.8 (docs/model.md, "Agent authentication at v2.8"): every HTTP agent call of
// v2.2-v2.9 runs GetWorkspaceAgentAndOwnerByAuthToken (httpmw.ExtractWorkspaceAgent) and then its workspace
// read; PR #12443 replaced the query in v2.10.0, after the agent moved to dRPC in v2.9 (one authentication
// per connection). models/readings/auth-v2-8.yaml charges it so, and since 2026-12-07 16:30 the shipped default
// too (measured on PostgreSQL 14.11); the former default (models/readings/kmeta-pg18.yaml) held the joined cost
// to v2.2 (its boundary 2.3.0). The measured cost comes from the overlay measured on the 2000-user test's data.
const loaded = loadScenario(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), [
  'model="../models/readings/auth-v2-8.yaml"',
]);
const model = loadModel(loaded.scenario.model, loaded.file).model;
const shipped = (() => {
  const s = loadScenario(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), []);
  return loadModel(s.scenario.model, s.file).model;
})();
const former = (() => {
  const s = loadScenario(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), [
    'model="../models/readings/kmeta-pg18.yaml"',
  ]);
  return loadModel(s.scenario.model, s.file).model;
})();
const OVERLAY = "results/measure-db/agent-auth-v2-8-1build-2026-12-07.yaml";

function catalog(version: string, m = model) {
  return buildRequestCatalog(m, mechanismsFor(version, m), {
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
      measured * (model.database.measured_cost_scale?.value ?? 1),
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

  it("the boundary is PR #12443's release, 2.10.0, in the shipped default; the former default kept the generic read from 2.3.0", () => {
    for (const m of [model, shipped]) {
      expect(httpAgentAuth(m, "2.9.5").joined).toBe(true);
      expect(httpAgentAuth(m, "2.10.0").joined).toBe(false);
    }
    expect(httpAgentAuth(shipped, "2.8.4").joined).toBe(true);
    expect(httpAgentAuth(former, "2.8.4").joined).toBe(false);
    expect(httpAgentAuth(former, "2.2.1").joined).toBe(true);
    expect(queries(catalog("2.8.4", former).metadataRpc.steps)[0]!.work.mean).toBeLessThan(
      model.agent.auth_query_db_cpu_s!.value / 5,
    );
  });

  it("from v2.9 (dRPC) no agent call authenticates on its own", () => {
    const c = catalog("2.9.0");
    expect(statements(c.metadataRpc.steps)).toBe(2);
    expect(statements(c.statsRpc.steps)).toBe(0);
    const startupAuth = queries(catalog("2.9.0").agentStartup!.steps).length;
    expect(startupAuth).toBe(1);
  });
});
