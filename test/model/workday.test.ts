import { describe, expect, it } from "vitest";
import { at, metric, modelWith, replicate, summarize, values } from "./featureHelpers.js";

/** Builds take exactly 60 s, agents connect 10 s after, coderd and the database are nearly free. */
const fixed = modelWith({
  "provisioner.build_duration_s": 60,
  "provisioner.delete_duration_s": 30,
  "agent.connect_delay_s": 10,
  "coderd.workspace_create_cpu_s": 0.0001,
});

const day = (workday: string, extra = "", coderd = "") => `
name: workday-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 1, vcpu: 4, memory_gb: 16${coderd}}
  provisioners: {count: 5, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 20
  workday: {${workday}}
${extra}
stages:
  - {name: dashboard, start_s: 0, duration_s: 3600, target_pct: 0}
replications: 1
`;

describe("the workday (morning start)", () => {
  it("starts every autostart workspace at the executor's poll: one burst through the provisioner queue", () => {
    // All 20 due at 1800 s (a 30-minute grid), the 60 s poll fires at 1800 s; 5 provisioners build
    // 60 s each, so four waves: ready 70, 130, 190 and 250 s after the schedule time.
    const text = day(
      "duration_s: 3600, start_mean_s: 1800, start_spread_s: 0, autostart_pct: 100, work_mean_s: 99999",
    );
    const out = summarize(text, fixed);
    expect(metric(out, "workday_starts")).toBe(20);
    expect(metric(out, "workday_autostarts")).toBe(20);
    expect(at(out.first, "capsim_provisioner_queue_jobs", 1815)).toBe(15);
    expect(metric(out, "provisioner_queue_peak")).toBe(15);
    expect(metric(out, "workday_ready_p50_s")).toBeGreaterThan(129);
    expect(metric(out, "workday_ready_p50_s")).toBeLessThan(192);
    expect(metric(out, "workday_ready_p99_s")).toBeCloseTo(250, -1);
    expect(metric(out, "workday_queue_wait_p95_s")).toBeCloseTo(180, -1);
    expect(at(out.first, "capsim_agents_connected", 2100)).toBe(20);
  });

  it("waits for the autobuild poll: due at 1900 s with a 300 s poll starts at 2100 s", () => {
    const text = day(
      "duration_s: 3600, start_mean_s: 1850, start_spread_s: 0, autostart_pct: 100, autostart_step_s: 100, work_mean_s: 99999",
      "",
      ", autobuild_poll_interval_s: 300",
    );
    const rep = replicate(text, fixed);
    expect(at(rep, "coderd_provisionerd_jobs_current", 2085)).toBe(0);
    expect(at(rep, "coderd_provisionerd_jobs_current", 2115)).toBe(5);
    expect(rep.figures.workday_ready_p50_s).toBeGreaterThan(200 + 120); // the second wave, 200 s late
  });

  it("leaves inactive users' workspaces stopped and stops the others after the time worked", () => {
    const text = day(
      "duration_s: 3600, active_pct: 50, start_mean_s: 600, start_spread_s: 60, work_mean_s: 1200, work_spread_s: 0",
    );
    const rep = replicate(text, fixed);
    const starts = rep.figures.workday_starts!;
    expect(starts).toBeGreaterThan(3);
    expect(starts).toBeLessThan(17);
    expect(Math.max(...values(rep, "capsim_agents_connected"))).toBe(starts);
    // 1200 s after ready (ready by about 900 s), each stops: a 30 s stop build, then the agent is gone.
    expect(at(rep, "capsim_agents_connected", 2400)).toBe(0);
  });

  it("makes pods wait for node room: the morning's time to ready includes the autoscaler's scale-up", () => {
    const nodes = `workspace_nodes:
  vcpu: 4
  memory_gb: 16
  autoscaler: {min_nodes: 1, threshold_pct: 100, node_startup_s: 120}`;
    const text = day(
      "duration_s: 3600, start_mean_s: 1800, start_spread_s: 0, autostart_pct: 100, work_mean_s: 99999",
      nodes,
    );
    const out = summarize(text, fixed);
    // 20 pods of 1 vCPU on 4-vCPU nodes: 5 nodes, 4 of them added, each ready 120 s after the scan that
    // saw its wave. Waves of 5 pods arrive every 60 s (5 provisioners), faster than nodes come: pending
    // pods pile up to 1, 6, 11 (7 once the second node is up), then 12 when the fourth wave lands.
    expect(metric(out, "nodes_added")).toBe(4);
    expect(metric(out, "nodes_peak")).toBe(5);
    expect(metric(out, "pods_pending_peak")).toBe(12);
    expect(metric(out, "workday_ready_p99_s")).toBeGreaterThan(250);
  });
});
