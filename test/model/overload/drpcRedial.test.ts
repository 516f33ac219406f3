import { describe, expect, it } from "vitest";
import { replicate } from "../featureHelpers.js";

// v2.9+ (dRPC): a metadata call past its 30 s deadline ends the agent's API connection and the agent
// redials (agent/agent.go reportMetadata returns the error; the connection's errgroup ends; runLoop dials).
const SCENARIO = (version: string, vcpu: number) => `
deployment:
  coder_version: "${version}"
  coderd: {replicas: 1, vcpu: ${vcpu}, memory_gb: 8, pg_conn_max_open: 10}
  provisioners: {count: 20, vcpu: 1, memory_gb: 1}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 200
  workspaces: 200
  agent:
    metadata: {items: 2, interval_s: 10}
  dashboard: {interval_s: 10, jitter_s: 5}
  builds: {create_concurrency: 20, cleanup_concurrency: 20}
stages:
  - {name: prepare, start_s: 0, duration_s: 300}
  - {name: dashboard, start_s: 300, duration_s: 600, target_pct: 50}
`;

describe("dRPC agents redial when a call fails", () => {
  it("past saturation, every metadata call given up ends a connection, which comes back", () => {
    const run = replicate(SCENARIO("2.9", 0.2));
    const f = run.figures;
    // Each metadata call given up is one redial (dashboard calls give up too; stats have no deadline over dRPC).
    expect(f.agent_redials!).toBeGreaterThan(10);
    expect(f.agent_redials!).toBeLessThanOrEqual(f.client_gave_up!);
    // Dropped agents come back: over the dashboard stage (scrapes 20 on) the connected count never reaches the
    // fleet (200; some are always redialling) yet keeps rising again after drops.
    const connected = run.metrics.series.find((s) => s.labels.__name__ === "capsim_agents_connected")!;
    const values = Array.from(connected.values).slice(20);
    expect(Math.max(...values)).toBeLessThan(200);
    expect(Math.min(...values)).toBeGreaterThan(50);
    const rises = values.filter((v, i) => i > 0 && v > values[i - 1]!).length;
    expect(rises).toBeGreaterThan(10);
  });

  it("below saturation nothing fails and nothing redials", () => {
    const f = replicate(SCENARIO("2.9", 2)).figures;
    expect(f.client_timeouts).toBe(0);
    expect(f.agent_redials).toBeUndefined();
  });

  it("HTTP-era agents (before 2.9) drop the batch and go on: no redials", () => {
    const f = replicate(SCENARIO("2.8", 0.2)).figures;
    expect(f.client_gave_up!).toBeGreaterThan(10);
    expect(f.agent_redials).toBeUndefined();
  });
});
