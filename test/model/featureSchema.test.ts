import { describe, expect, it } from "vitest";
import { formatIssue, InputError } from "../../src/errors.js";
import { scenarioSchema } from "../../src/scenario/schema.js";
import { SMALL, scenarioFrom } from "./featureHelpers.js";

function issues(text: string, sets: string[] = []): string[] {
  try {
    scenarioFrom(text, sets);
  } catch (error) {
    if (error instanceof InputError)
      return error.issues.map((i) => formatIssue(i).replace(/^.*test\.yaml:/, "test.yaml:"));
    throw error;
  }
  return [];
}

describe("issue 7's scenario keys", () => {
  it("are all optional: a scenario without them resolves without them", () => {
    const s = scenarioFrom(SMALL).scenario;
    expect(s.workspace_nodes).toBeUndefined();
    expect(s.geography).toBeUndefined();
    expect(s.events).toBeUndefined();
    expect(s.workload.workday).toBeUndefined();
    expect(s.workload.api_clients).toBeUndefined();
    expect(Object.keys(s.deployment.coderd).sort()).toEqual(
      ["builtin_provisioners", "memory_gb", "pg_conn_max_open", "replicas", "vcpu"].sort(),
    );
  });

  it("resolve to values that validate to themselves (with defaults filled in)", () => {
    const text = `${SMALL}workspace_nodes:
  vcpu: 8
  memory_gb: 32
  autoscaler: {node_startup_s: {dist: lognormal, median_s: 60, p95_s: 200}}
geography:
  regions:
    - {name: us, users_pct: 70}
    - {name: eu, users_pct: 30, proxy: {replicas: 1, vcpu: 2, memory_gb: 4}}
  rtt_ms: [{from: eu, to: us, rtt_ms: 90}]
events:
  - {kind: replica_loss, at_s: 900}
  - {kind: database_failover, at_s: 1000, pause_s: 15}
`;
    const s = scenarioFrom(text).scenario;
    expect(s.workspace_nodes?.autoscaler).toMatchObject({
      enabled: true,
      min_nodes: 1,
      max_nodes: 100,
      scale_on: "requests",
    });
    expect(s.workspace_nodes?.placement).toBe("spread");
    expect(s.events?.[0]).toEqual({ kind: "replica_loss", at_s: 900, detect_s: 0 });
    const { name, ...rest } = s;
    expect(scenarioSchema.parse({ ...rest, name })).toEqual(s);
  });

  it("point at the exact place of a geography mistake", () => {
    const text = `${SMALL}geography:
  regions:
    - {name: us, users_pct: 60, proxy: {replicas: 1, vcpu: 2, memory_gb: 4}}
    - {name: eu, users_pct: 30, workspaces_in: asia}
  rtt_ms:
    - {from: us, to: ap, rtt_ms: 80}
`;
    expect(issues(text)).toEqual([
      "test.yaml:19:5: geography.regions: users_pct adds up to 90, not 100",
      "test.yaml:19:40: geography.regions.0.proxy: the primary region is served by coderd itself; put workspace proxies in other regions",
      'test.yaml:20:48: geography.regions.1.workspaces_in: no region named "asia"',
      "test.yaml:22:5: geography.rtt_ms: missing the round trip between us and eu",
      'test.yaml:22:22: geography.rtt_ms.0.to: no region named "ap"',
    ]);
  });

  it("refuse to lose a replica that does not exist at that time, replaying scale events", () => {
    const text = `${SMALL}events:
  - {kind: scale_replicas, at_s: 100, replicas: 4}
  - {kind: replica_loss, at_s: 200, replica: 3}
  - {kind: replica_loss, at_s: 50, replica: 3}
`;
    expect(issues(text)).toEqual([
      "test.yaml:20:45: events.2.replica: replica 3 does not exist at 50 s (2 replicas, numbered from 0)",
    ]);
  });

  it("can be set from the command line like any other key", () => {
    const text = `${SMALL}workspace_nodes: {vcpu: 8, memory_gb: 32}\n`;
    const s = scenarioFrom(text, [
      "workspace_nodes.autoscaler.min_nodes=5",
      "deployment.coderd.database_encryption=true",
    ]).scenario;
    expect(s.workspace_nodes?.autoscaler.min_nodes).toBe(5);
    expect(s.deployment.coderd.database_encryption).toBe(true);
    expect(issues(text, ["workspace_nodes.placement=random"])[0]).toMatch(/workspace_nodes\.placement/);
  });
});
