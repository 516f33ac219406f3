import { describe, expect, it } from "vitest";
import { loadScenario, loadScenarioText } from "../../src/scenario/load.js";
import { fixturePath, fixtureText, inputErrorLines } from "./helpers.js";

function linesFor(name: string): string[] {
  return inputErrorLines(() => loadScenarioText(fixtureText(name), name));
}

describe("good scenarios", () => {
  it("loads the 2000-user scale test with its values and defaults", () => {
    const loaded = loadScenario(fixturePath("good.yaml"));
    const s = loaded.scenario;
    expect(loaded.name).toBe("scaletest-2k");
    expect(s.deployment).toEqual({
      coder_version: "2.8",
      coderd: { replicas: 2, vcpu: 4, memory_gb: 16, pg_conn_max_open: 10, builtin_provisioners: 0 },
      provisioners: { count: 50, vcpu: 0.5, memory_gb: 0.5 },
      database: { vcpu: 2, memory_gb: 32 },
    });
    expect(s.workload.users).toBe(2000);
    expect(s.workload.workspaces).toBe(2000);
    expect(s.workload.agent.metadata).toEqual({ items: 2, interval_s: 10 });
    expect(s.workload.builds).toEqual({ create_concurrency: 50, cleanup_concurrency: 10, wait_for: "agent" });
    expect(s.stages.map((stage) => stage.name)).toEqual([
      "prepare",
      "ssh",
      "web_terminal",
      "workspace_apps",
      "dashboard",
      "cleanup",
    ]);
    expect(s.stages.every((stage) => stage.target_pct === 100)).toBe(true);
    expect(loaded.text).toBe(fixtureText("good.yaml"));
  });

  it("applies every default to a minimal file", () => {
    const loaded = loadScenario(fixturePath("minimal.yaml"));
    expect(loaded.scenario).toEqual({
      name: "minimal",
      model: "coder-v2.8",
      deployment: {
        coder_version: "2.29.1",
        coderd: { replicas: 1, vcpu: 2, memory_gb: 8, pg_conn_max_open: 10, builtin_provisioners: 0 },
        provisioners: { count: 5, vcpu: 1, memory_gb: 1 },
        database: { vcpu: 2, memory_gb: 8 },
      },
      workload: {
        users: 100,
        workspaces: 100,
        agent: { metadata: { items: 2, interval_s: 10 }, stats_interval_s: 30, heartbeat_interval_s: 15 },
        traffic: { bytes_per_tick: 1024, tick_interval_s: 0.1, direct_connections: false },
        dashboard: { interval_s: 10, jitter_s: 5 },
        builds: { create_concurrency: 10, cleanup_concurrency: 10, wait_for: "agent" },
      },
      stages: [{ name: "prepare", start_s: 0, duration_s: 600, target_pct: 100 }],
      warmup_s: 0,
      seed: 1,
      replications: 3,
      scrape_interval_s: 15,
    });
  });

  it("hashes the resolved scenario: stable, key-order independent, sensitive to values", () => {
    const a = loadScenarioText(fixtureText("minimal.yaml"), "minimal.yaml");
    const reordered = loadScenarioText(
      "stages: [{duration_s: 600, start_s: 0, name: prepare}]\nworkload: {users: 100}\n" +
        fixtureText("minimal.yaml").split("workload:")[0],
      "minimal.yaml",
    );
    const changed = loadScenarioText(fixtureText("minimal.yaml"), "minimal.yaml", ["seed=2"]);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(reordered.sha256).toBe(a.sha256);
    expect(changed.sha256).not.toBe(a.sha256);
    // Writing a default explicitly resolves to the same scenario.
    expect(loadScenarioText(fixtureText("minimal.yaml"), "minimal.yaml", ["seed=1"]).sha256).toBe(a.sha256);
  });
});

describe("bad scenarios give exactly the expected positioned lines", () => {
  it("unknown keys point at the key and suggest the intended one", () => {
    expect(linesFor("bad-unknown-key.yaml")).toEqual([
      "bad-unknown-key.yaml:4:5: deployment.coderd.replicas: required key is missing (expected number)",
      'bad-unknown-key.yaml:4:5: deployment.coderd.replcas: unknown key "replcas" (did you mean "replicas"?)',
      'bad-unknown-key.yaml:11:3: workload.extra: unknown key "extra" (expected one of: users, workspaces, agent, traffic, dashboard, builds, workday, api_clients, sessions, session_bursts, day_profile, week, insights)',
    ]);
  });

  it("wrong types and out-of-range values point at the value", () => {
    expect(linesFor("bad-wrong-type.yaml")).toEqual([
      'bad-wrong-type.yaml:2:18: deployment.coder_version: expected a quoted version string like "2.8", got the number 2.1 (unquoted, 2.10 reads as 2.1)',
      "bad-wrong-type.yaml:4:15: deployment.coderd.replicas: expected an integer, received 1.5",
      "bad-wrong-type.yaml:5:11: deployment.coderd.vcpu: Invalid input: expected number, received string",
      "bad-wrong-type.yaml:8:21: deployment.database.vcpu: Too small: expected number to be >0",
      "bad-wrong-type.yaml:11:34: workload.traffic.direct_connections: Invalid input: expected boolean, received string",
      "bad-wrong-type.yaml:13:27: stages.0.start_s: Too small: expected number to be >=0",
      "bad-wrong-type.yaml:13:60: stages.0.target_pct: Too big: expected number to be <=100",
      "bad-wrong-type.yaml:14:7: seed: Invalid input: expected number, received string",
    ]);
  });

  it("missing keys point at the parent mapping", () => {
    expect(linesFor("bad-missing-key.yaml")).toEqual([
      "bad-missing-key.yaml:2:3: deployment.database: required key is missing (expected object)",
      "bad-missing-key.yaml:4:5: deployment.coderd.vcpu: required key is missing (expected number)",
      "bad-missing-key.yaml:10:5: stages.0.start_s: required key is missing (expected number)",
    ]);
  });

  it("stage names must be known and appear once", () => {
    expect(linesFor("bad-stage-name.yaml")).toEqual([
      'bad-stage-name.yaml:10:13: stages.1.name: "webterminal" is not one of: prepare, ssh, web_terminal, workspace_apps, dashboard, cleanup (did you mean "web_terminal"?)',
      'bad-stage-name.yaml:11:13: stages.2.name: stage "ssh" appears more than once (first at stages.0)',
    ]);
  });

  it("duplicate keys are YAML errors at the second occurrence", () => {
    expect(linesFor("bad-duplicate-key.yaml")).toEqual([
      "bad-duplicate-key.yaml:6:5: Map keys must be unique",
    ]);
  });

  it("syntax errors carry line and column", () => {
    expect(linesFor("bad-syntax.yaml")).toEqual([
      "bad-syntax.yaml:4:3: Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });

  it("a missing file is an InputError naming the path", () => {
    const missing = fixturePath("does-not-exist.yaml");
    const lines = inputErrorLines(() => loadScenario(missing));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read: no such file$`),
    );
  });

  it("an empty file says so", () => {
    expect(inputErrorLines(() => loadScenarioText("# nothing here\n", "empty.yaml"))).toEqual([
      "empty.yaml:1:1: the document is empty (expected object)",
    ]);
  });
});
