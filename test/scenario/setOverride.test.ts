import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenario/load.js";
import { parseSetOverride } from "../../src/scenario/setOverride.js";
import { fixtureText, inputErrorLines } from "./helpers.js";

const good = () => fixtureText("good.yaml");

describe("parseSetOverride", () => {
  it.each([
    ["deployment.coderd.replicas=3", ["deployment", "coderd", "replicas"], 3],
    ["workload.traffic.direct_connections=true", ["workload", "traffic", "direct_connections"], true],
    ['description="3"', ["description"], "3"],
    ["description=hello world", ["description"], "hello world"],
    ["tags=[a,b]", ["tags"], ["a", "b"]],
    ["stages.1.duration_s=600", ["stages", "1", "duration_s"], 600],
    ["x={a: 1, b: [2]}", ["x"], { a: 1, b: [2] }],
    ["a=b=c", ["a"], "b=c"],
    ["a=", ["a"], null],
    ["dotted\\.key.b=0.5", ["dotted.key", "b"], 0.5],
  ])("%s", (text, path, value) => {
    expect(parseSetOverride(text)).toEqual({ path, value, text });
  });

  it.each([
    ["replicas", "--set replicas: expected dotted.path=value"],
    ["a..b=1", "--set a..b=1: empty key in path (expected a.b.c=value)"],
    ["=1", "--set =1: empty key in path (expected a.b.c=value)"],
    ["a\\b=1", "--set a\\b=1: bad escape at character 2 (use \\. or \\\\)"],
    ["x=[1", '--set x=[1: cannot parse value "[1": Flow sequence must end with a ]'],
    ["x=!foo 1", '--set x=!foo 1: cannot parse value "!foo 1": Unresolved tag: !foo'],
    ["x=*a", '--set x=*a: cannot use value "*a": Alias resolution is disabled'],
  ])("rejects %s", (text, line) => {
    expect(inputErrorLines(() => parseSetOverride(text))).toEqual([line]);
  });
});

describe("--set on a scenario", () => {
  it("applies typed values before validation, including list indices", () => {
    const { scenario } = loadScenarioText(good(), "good.yaml", [
      "deployment.coderd.replicas=3",
      "stages.1.duration_s=600",
      'description="3"',
      "workload.traffic.direct_connections=true",
      "workload.agent.metadata={items: 16, interval_s: 1}",
    ]);
    expect(scenario.deployment.coderd.replicas).toBe(3);
    expect(scenario.stages[1]).toEqual({ name: "ssh", start_s: 2100, duration_s: 600, target_pct: 100 });
    expect(scenario.description).toBe("3");
    expect(scenario.workload.traffic.direct_connections).toBe(true);
    expect(scenario.workload.agent.metadata).toEqual({ items: 16, interval_s: 1 });
  });

  it("appends to a list at index = length", () => {
    const { scenario } = loadScenarioText(fixtureText("minimal.yaml"), "minimal.yaml", [
      "stages.1={name: ssh, start_s: 600, duration_s: 60, target_pct: 30}",
    ]);
    expect(scenario.stages.map((stage) => [stage.name, stage.target_pct])).toEqual([
      ["prepare", 100],
      ["ssh", 30],
    ]);
  });

  it("later overrides win and can fill in keys the file lacks", () => {
    const { scenario } = loadScenarioText(good(), "good.yaml", ["seed=5", "seed=6", "warmup_s=600"]);
    expect(scenario.seed).toBe(6);
    expect(scenario.warmup_s).toBe(600);
  });

  it("builds a whole scenario on an empty file", () => {
    const { scenario } = loadScenarioText("", "empty.yaml", [
      'deployment={coder_version: "2.8", coderd: {replicas: 1, vcpu: 1, memory_gb: 1}}',
      "deployment.provisioners={count: 0, vcpu: 1, memory_gb: 1}",
      "deployment.database={vcpu: 1, memory_gb: 1}",
      "workload.users=10",
      "stages=[{name: ssh, start_s: 0, duration_s: 60}]",
    ]);
    expect(scenario.workload.workspaces).toBe(10);
    expect(scenario.name).toBe("empty");
  });

  it("reports issues in overridden values against the --set argument", () => {
    expect(
      inputErrorLines(() =>
        loadScenarioText(good(), "good.yaml", [
          "deployment.coderd.replicas=abc",
          "stages.1.duration_s=-1",
          "workload.agent.metadata={items: 3, foo: 1}",
          "deployment.coderd.replcas=3",
          "stages.6={name: ssh}",
        ]),
      ),
    ).toEqual([
      "--set deployment.coderd.replicas=abc: deployment.coderd.replicas: Invalid input: expected number, received string",
      '--set deployment.coderd.replcas=3: deployment.coderd.replcas: unknown key "replcas" (did you mean "replicas"?)',
      '--set workload.agent.metadata={items: 3, foo: 1}: workload.agent.metadata.foo: unknown key "foo" (expected one of: items, interval_s)',
      "--set stages.1.duration_s=-1: stages.1.duration_s: Too small: expected number to be >0",
      "--set stages.6={name: ssh}: stages.6.start_s: required key is missing (expected number)",
      "--set stages.6={name: ssh}: stages.6.duration_s: required key is missing (expected number)",
      '--set stages.6={name: ssh}: stages.6.name: stage "ssh" appears more than once (first at stages.1)',
    ]);
  });

  it("keeps file positions for problems the overrides did not cause", () => {
    expect(
      inputErrorLines(() => loadScenarioText(fixtureText("bad-missing-key.yaml"), "bad.yaml", ["seed=3"])),
    ).toEqual([
      "bad.yaml:2:3: deployment.database: required key is missing (expected object)",
      "bad.yaml:4:5: deployment.coderd.vcpu: required key is missing (expected number)",
      "bad.yaml:10:5: stages.0.start_s: required key is missing (expected number)",
    ]);
  });

  it("attributes an unknown top-level key created by --set to that argument", () => {
    expect(inputErrorLines(() => loadScenarioText(good(), "good.yaml", ["extra.deep=1"]))).toEqual([
      '--set extra.deep=1: extra: unknown key "extra" (expected one of: name, description, model, deployment, workload, stages, warmup_s, seed, replications, scrape_interval_s, workspace_nodes, geography, events, templates, prices, prediction)',
    ]);
  });

  it("refuses paths that cannot be set, reporting every bad argument", () => {
    expect(
      inputErrorLines(() =>
        loadScenarioText(good(), "good.yaml", ["model.version=1", "stages.9.name=ssh", "stages.x.name=ssh"]),
      ),
    ).toEqual([
      "--set model.version=1: model: cannot set a key inside a string value",
      "--set stages.9.name=ssh: stages.9: index 9 is out of range: the list has 6 items",
      '--set stages.x.name=ssh: stages: "x" is not a list index',
    ]);
  });

  it("reports malformed arguments together, before reading values", () => {
    expect(inputErrorLines(() => loadScenarioText(good(), "good.yaml", ["bad", "seed=1", "a..b=1"]))).toEqual(
      ["--set bad: expected dotted.path=value", "--set a..b=1: empty key in path (expected a.b.c=value)"],
    );
  });
});

describe("--set values that try to exhaust the parser", () => {
  it("refuses absurdly nested values and quotes only the start of them", () => {
    const lines = inputErrorLines(() => parseSetOverride(`x=${"[".repeat(50_000)}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot parse value "${"[".repeat(57)}..."`);
  });
});
