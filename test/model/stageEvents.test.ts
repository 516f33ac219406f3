import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { at, replicate, scenarioFrom } from "./featureHelpers.js";

/** 100 workspaces on `provisioners` daemons: with 3 a 300 s prepare overruns by far; with 60, 1200 s do not. */
const scenario = (provisioners: number, events: string, prepareSeconds = 300) => `
name: stage-events
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 3, vcpu: 4, memory_gb: 16}
  provisioners: {count: ${provisioners}, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  builds: {create_concurrency: 0, cleanup_concurrency: 0}
events: ${events}
stages:
  - {name: prepare, start_s: 0, duration_s: ${prepareSeconds}}
  - {name: ssh, start_s: ${prepareSeconds}, duration_s: 600, target_pct: 20}
replications: 1
`;

describe("events placed relative to a stage", () => {
  it("move with the stage when prepare overruns; absolute ones stay put", () => {
    const events =
      "[{kind: replica_loss, at: {stage: ssh, offset_s: 120}, replica: 2}, {kind: replica_loss, at_s: 420, replica: 1}]";
    const rep = replicate(scenario(3, events));
    const ssh = rep.timeline.stage("ssh")!;
    expect(rep.timeline.prepareOverrunSeconds).toBeGreaterThan(1000);
    expect(rep.figures['disruption_at_s{event="replica_loss@ssh+120s"}']).toBe(ssh.startSeconds + 120);
    expect(rep.figures['disruption_at_s{event="replica_loss@420s"}']).toBe(420);
    // Replica 2 is up until the moved time, down after it.
    expect(at(rep, "coderd_up_2", ssh.startSeconds + 105)).toBe(1);
    expect(at(rep, "coderd_up_2", ssh.startSeconds + 135)).toBe(0);
    expect(at(rep, "coderd_up_1", 435)).toBe(0);
  });

  it("without an overrun a stage-relative event happens at the planned stage start plus its offset", () => {
    const rep = replicate(scenario(60, "[{kind: replica_loss, at: {stage: ssh, offset_s: 120}}]", 1200));
    expect(rep.timeline.prepareOverrunSeconds).toBe(0);
    expect(rep.figures['disruption_at_s{event="replica_loss@ssh+120s"}']).toBe(1320);
  });

  it.each([
    [
      "both at_s and at",
      "[{kind: replica_loss, at_s: 10, at: {stage: ssh, offset_s: 0}}]",
      /events\.0: give exactly one of at_s and at/,
    ],
    ["neither", "[{kind: database_failover, pause_s: 10}]", /events\.0: give exactly one of at_s and at/],
    [
      "a stage the scenario lacks",
      "[{kind: replica_loss, at: {stage: dashboard, offset_s: 0}}]",
      /events\.0\.at\.stage: stage dashboard is not in the scenario's stages/,
    ],
  ])("%s is bad input", (_name, events, message) => {
    let error: unknown;
    try {
      scenarioFrom(scenario(3, events));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toMatch(message);
  });
});
