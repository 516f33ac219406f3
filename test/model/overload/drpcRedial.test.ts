import { describe, expect, it } from "vitest";
import { replicate } from "../featureHelpers.js";
import { agentsOnOneReplica } from "./agentsScenario.js";

// v2.9+ (dRPC): a metadata call past its 30 s deadline ends the agent's API connection and the agent
// redials (agent/agent.go reportMetadata returns the error; the connection's errgroup ends; runLoop dials).
const SCENARIO = (version: string, vcpu: number) => agentsOnOneReplica(vcpu, version);

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
