import { beforeAll, describe, expect, it } from "vitest";
import type { ReplicationResult } from "../../src/model/coderModel.js";
import { renderRunSummary } from "../../src/report/textSummary.js";
import type { RunOutput } from "../../src/run/runScenario.js";
import { runWarnings, timeoutCause } from "../../src/run/warnings.js";
import { scenarioFrom, summarize } from "../model/featureHelpers.js";

/**
 * 100 workspaces on 3 daemons: the 300 s prepare overruns by about 1500 s, the 60 s cleanup cannot
 * delete them all, an event at 420 s meant for ssh lands in the overrun prepare, and 0.5 GB coderd pods
 * are too small.
 */
const TROUBLED = `
name: troubled
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 0.5}
  provisioners: {count: 3, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  builds: {create_concurrency: 0, cleanup_concurrency: 10}
events:
  - {kind: scale_replicas, at_s: 420, replicas: 2}
  - {kind: scale_replicas, at: {stage: ssh, offset_s: 700}, replicas: 2}
  - {kind: scale_replicas, at: {stage: ssh, offset_s: 60}, replicas: 2}
stages:
  - {name: prepare, start_s: 0, duration_s: 300}
  - {name: ssh, start_s: 300, duration_s: 600, target_pct: 20}
  - {name: cleanup, start_s: 900, duration_s: 60}
replications: 1
`;

let out: RunOutput;
const kinds = () => out.summary.warnings.map((w) => w.kind);
const ofKind = (kind: string) => out.summary.warnings.filter((w) => w.kind === kind);

beforeAll(() => {
  out = summarize(TROUBLED);
});

describe("run warnings", () => {
  it("a prepare that overran its plan", () => {
    const [w] = ofKind("stage_overrun");
    expect(w).toMatchObject({ stage: "prepare", planned_s: 300, replications: 1 });
    expect(w!.overrun_s).toBe(out.first.timeline.prepareOverrunSeconds);
    expect(w!.overrun_s as number).toBeGreaterThan(500);
    expect(w!.message).toMatch(/^prepare overran its planned 300 s by up to \d+ s: /);
  });

  it("cleanup cut off with agents still connected", () => {
    const [w] = ofKind("cleanup_cut_off");
    expect(w!.agents_connected as number).toBeGreaterThan(0);
    expect(w!.message).toMatch(/^cleanup ended with up to \d+ agents still connected/);
  });

  it("events outside their intended stage: an absolute time the overrun moved, an offset past the stage", () => {
    const misses = ofKind("event_outside_stage");
    expect(misses.map((w) => w.event)).toEqual(["scale_replicas@420s", "scale_replicas@ssh+700s"]);
    expect(misses[0]).toMatchObject({ intended_stages: ["ssh"], actual_stages: ["prepare"], at_s: 420 });
    expect(misses[0]!.message).toContain("place it with at: {stage, offset_s}");
    expect(misses[1]!.message).toContain("offset_s 700 is past the stage's end");
  });

  it("coderd pods over their memory limit, one warning per pod", () => {
    expect(ofKind("memory_over_limit").map((w) => w.pod)).toEqual(["coder-0", "coder-1"]);
    for (const w of ofKind("memory_over_limit")) {
      expect(w.limit_gb).toBe(0.5);
      expect(w.peak_gb as number).toBeGreaterThan(0.5);
    }
  });

  it("are listed in the text report's Warnings block", () => {
    const text = renderRunSummary(out.summary);
    const block = text.slice(text.indexOf("\nWarnings:\n"));
    expect(block.split("\n").filter((l) => l.startsWith("  ")).length).toBe(out.summary.warnings.length);
    expect(block).toContain("  stage_overrun: prepare overran");
    expect(kinds()).not.toContain("latency_at_cap");
  });

  it("a histogram quantile at coderd's 30 s top bucket", () => {
    const rep = out.first;
    const capped: ReplicationResult = {
      ...rep,
      figures: { ...rep.figures, api_latency_p95_ms: 30_000, api_latency_p95_exact_ms: 41_000 },
    };
    const scenario = scenarioFrom(TROUBLED).scenario;
    const [w] = runWarnings(scenario, [capped, rep]).filter((x) => x.kind === "latency_at_cap");
    expect(w).toMatchObject({
      metric: "api_latency_p95_ms",
      cap_ms: 30_000,
      exact_ms: 41_000,
      replications: 1,
    });
    expect(w!.message).toBe(
      "api_latency_p95_ms is at coderd's top histogram bucket (30 s) (in 1 of 2 replications): the true quantile is higher (api_latency_p95_exact_ms 41000 ms); the deployment is saturated",
    );
  });

  it("none for a run that went as planned", () => {
    const calm = summarize(
      TROUBLED.replace(
        "memory_gb: 0.5}\n  provisioners: {count: 3",
        "memory_gb: 16}\n  provisioners: {count: 3",
      )
        .replace("count: 3,", "count: 100,")
        .replace("cleanup_concurrency: 10", "cleanup_concurrency: 0")
        .replace("duration_s: 300}", "duration_s: 600}")
        .replace("start_s: 300, duration_s: 600", "start_s: 600, duration_s: 600")
        .replace("start_s: 900, duration_s: 60", "start_s: 1200, duration_s: 600")
        .replace(/events:\n( {2}- .*\n)+/, ""),
    );
    expect(calm.summary.warnings).toEqual([]);
  });
});

describe("what the client-timeout warning blames", () => {
  const failover = { events: [{ kind: "database_failover", at_s: 2700, pause_s: 30 }] } as never;
  it("the saturated resources, when the verdict found any", () => {
    expect(timeoutCause(failover, { saturated: ["coderd-0 cpu", "coderd-1 cpu"] })).toBe(
      "coderd-0 cpu, coderd-1 cpu saturated and goodput fell",
    );
  });
  it("the scenario's events, not coderd, when nothing was saturated (a database pause)", () => {
    const cause = timeoutCause(failover, { saturated: [] });
    expect(cause).toContain("no resource was saturated");
    expect(cause).toContain("database_failover@2700s");
    expect(cause).not.toContain("coderd");
  });
  it("a short burst, when nothing was saturated and nothing happened", () => {
    expect(timeoutCause({ events: [] } as never, { saturated: [] })).toMatch(/burst shorter than/);
  });
});
