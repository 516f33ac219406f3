import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import { renderDatabaseCpu } from "../../src/report/databaseCpuText.js";
import { databaseCpuSummary } from "../../src/run/databaseCpuSummary.js";
import { loadScenario } from "../../src/scenario/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const V221 = "scenarios/heldout/scale-table-v2.2.1-1000-users.yaml";
const SHORT =
  "stages=[{name: prepare, start_s: 0, duration_s: 300}, {name: ssh, start_s: 300, duration_s: 300, target_pct: 100}]";
const METADATA_CLASSES = ["agent_metadata", "metadata_flush", "metadata_notify"];

function replicate(file: string, sets: string[]): ReplicationResult {
  const loaded = loadScenario(resolve(ROOT, file), sets);
  const { model } = loadModel(loaded.scenario.model, loaded.file);
  return runReplication(loaded.scenario, model, 1);
}

/** The scenario's model's constant database background, vCPU. */
function backgroundVcpu(file: string): number {
  const loaded = loadScenario(resolve(ROOT, file));
  return loadModel(loaded.scenario.model, loaded.file).model.database.background_vcpu.value;
}

const cpuOf = (rep: ReplicationResult, window: string, source: string): number =>
  rep.databaseCpuBySource.find((w) => w.window === window)!.sources.find((s) => s.source === source)!
    .cpu_seconds;

/** Every window's sources add up to the database CPU's own busy CPU-seconds, within 1e-9 relative. */
function expectSourcesAddUp(rep: ReplicationResult): void {
  expect(rep.databaseCpuBySource.map((w) => w.window)).toEqual(["traffic", "prepare"]);
  for (const w of rep.databaseCpuBySource) {
    const sum = w.sources.reduce((a, s) => a + s.cpu_seconds, 0);
    expect(Math.abs(sum - w.cpu_seconds) / w.cpu_seconds).toBeLessThan(1e-9);
  }
  // The traffic window's total is the resource table's.
  const row = rep.resources.find((r) => r.name === "database cpu") as unknown as { cpu_seconds: number };
  const traffic = rep.databaseCpuBySource[0]!;
  expect(Math.abs(traffic.cpu_seconds - row.cpu_seconds) / row.cpu_seconds).toBeLessThan(1e-9);
}

describe("database CPU by source", () => {
  it("v2.2.1 without metadata: sources add up, metadata classes get nothing, builds' updates show in prepare", () => {
    const rep = replicate(V221, ["workload.users=60", SHORT]);
    expectSourcesAddUp(rep);
    for (const window of ["traffic", "prepare"])
      for (const cls of METADATA_CLASSES) expect(cpuOf(rep, window, cls)).toBe(0);
    expect(cpuOf(rep, "traffic", "agent_heartbeats")).toBeGreaterThan(0);
    expect(cpuOf(rep, "traffic", "agents_collector")).toBeGreaterThan(0);
    expect(cpuOf(rep, "prepare", "provisioner_job_updates")).toBeGreaterThan(0);
    expect(cpuOf(rep, "traffic", "provisioner_job_updates")).toBe(0);
    // The model's background over the 300 s window (read from the model: measured since 2026-12-07, 0.0024 vCPU).
    expect(backgroundVcpu(V221)).toBeGreaterThan(0);
    expect(cpuOf(rep, "traffic", "database_background")).toBeCloseTo(backgroundVcpu(V221) * 300, 6);
  });

  it("an overloaded database whose clients time out (queries cancelled mid-run) still adds up", () => {
    const rep = replicate(V221, [
      "workload.users=100",
      "workload.agent.metadata.items=8",
      "workload.agent.metadata.interval_s=1",
      // 0.1 vCPU: what the 0.4 left for queries when the default's background was the fitted 0.3 vCPU.
      "deployment.database.vcpu=0.1",
      SHORT,
    ]);
    expect(rep.figures.client_timeouts).toBeGreaterThan(1000);
    expect(cpuOf(rep, "traffic", "agent_metadata")).toBeGreaterThan(0);
    expectSourcesAddUp(rep);
  });

  it("several replicas (PG coordinator, pubsub fan-out, connection opens) add up too", () => {
    const rep = replicate("scenarios/scaletest-2000.yaml", [
      "workload.users=60",
      "workload.workspaces=60",
      "stages=[{name: prepare, start_s: 0, duration_s: 300}, {name: ssh, start_s: 300, duration_s: 300, target_pct: 30}]",
    ]);
    expectSourcesAddUp(rep);
    for (const source of ["pgcoord_heartbeat", "pubsub_notify_fanout", "agent_metadata"])
      expect(cpuOf(rep, "traffic", source)).toBeGreaterThan(0);
  });

  it("a replica loss, a database failover and a scale-up (paused fluid loads, failed queries) add up too", () => {
    const rep = replicate("scenarios/what-if/replica-loss.yaml", [
      "workload.users=60",
      "workload.workspaces=60",
      "workload.builds.create_concurrency=30",
      "deployment.provisioners.count=5",
      SHORT,
      "events=[{kind: replica_loss, at_s: 350, replica: 2, restart_after_s: 60}," +
        " {kind: database_failover, at_s: 450, pause_s: 10}, {kind: scale_replicas, at_s: 500, replicas: 4}]",
    ]);
    expectSourcesAddUp(rep);
  });

  it("the summary averages replications, sorts by CPU, and its shares add up to 1; the text shows 8 and other", () => {
    const rep = replicate(V221, ["workload.users=60", SHORT]);
    const summary = databaseCpuSummary([rep, rep]);
    const traffic = summary.windows[0]!;
    expect(traffic.cpu_seconds).toBeCloseTo(rep.databaseCpuBySource[0]!.cpu_seconds, 9);
    const cpus = traffic.sources.map((s) => s.cpu_seconds);
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
    expect(traffic.sources.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 9);
    expect(traffic.mean_vcpu).toBeCloseTo(traffic.cpu_seconds / 300, 9);
    const text = renderDatabaseCpu(summary).join("\n");
    expect(text).toContain("Database CPU by source, traffic (300-600 s)");
    const busy = traffic.sources.filter((s) => s.cpu_seconds > 0).length;
    expect(busy).toBeGreaterThan(8);
    expect(text).toMatch(new RegExp(`other \\(${traffic.sources.length - 8}\\)`));
  });
});
