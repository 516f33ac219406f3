import { describe, expect, it } from "vitest";
import { distributionFromSpec } from "../../src/engine/random/index.js";
import { at, metric, replicate, summarize } from "./featureHelpers.js";
import { pipelineRig } from "./pipelineRig.js";

/** 100 agents over `replicas` replicas; 40 relayed SSH connections and 20 browsers from 600 s to 1200 s. */
const withEvents = (replicas: number, events: string) => `
name: events-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: ${replicas}, vcpu: 4, memory_gb: 16}
  provisioners: {count: 20, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  builds: {create_concurrency: 50, cleanup_concurrency: 50}
events: ${events}
stages:
  - {name: prepare, start_s: 0, duration_s: 600}
  - {name: ssh, start_s: 600, duration_s: 600, target_pct: 40}
  - {name: dashboard, start_s: 600, duration_s: 600, target_pct: 20}
replications: 1
`;

const totalWebsockets = (rep: ReturnType<typeof replicate>, t: number, replicas: number) =>
  Array.from({ length: replicas }, (_, r) =>
    at(rep, "coderd_api_concurrent_websockets", t, { pod: `coder-${r}` }),
  ).reduce((a, b) => a + b, 0);

describe("failures and scale events", () => {
  it("a lost replica's connections all move to the survivors: exactly its websockets reconnect", () => {
    // Loss at 902.5 s, between scrapes, so the scrape at 900 s shows the replica as it was.
    const rep = replicate(withEvents(3, "[{kind: replica_loss, at_s: 902.5, replica: 2}]"));
    const onLost = at(rep, "coderd_api_concurrent_websockets", 900, { pod: "coder-2" });
    expect(onLost).toBeGreaterThan(20);
    expect(rep.figures['disruption_reconnects{event="replica_loss@902.5s"}']).toBe(onLost);
    expect(at(rep, "coderd_api_concurrent_websockets", 960, { pod: "coder-2" })).toBe(0);
    expect(at(rep, "up", 960, { pod: "coder-2" })).toBe(0);
    // Everything is back on replicas 0 and 1: agents, browsers' websockets and SSH connections.
    expect(totalWebsockets(rep, 960, 3)).toBe(totalWebsockets(rep, 900, 3));
    expect(at(rep, "capsim_agents_connected", 960)).toBe(100);
    expect(at(rep, "capsim_reconnects_pending", 960)).toBe(0);
    // Agents reconnect within the model's 0.1-1 s; browsers and SSH clients within 0.5-3 s.
    expect(rep.figures['disruption_settled_s{event="replica_loss@902.5s"}']).toBeLessThanOrEqual(3);
  });

  it("a restarted replica comes back empty: long-lived connections stay where they went", () => {
    const rep = replicate(
      withEvents(3, "[{kind: replica_loss, at_s: 902.5, replica: 2, restart_after_s: 60}]"),
    );
    expect(at(rep, "up", 975, { pod: "coder-2" })).toBe(1);
    // Only connections opened after the restart could land on it; none are opened in this window.
    expect(at(rep, "coderd_api_concurrent_websockets", 1050, { pod: "coder-2" })).toBe(0);
  });

  it("scaling 4 replicas down to 3 drops the removed replica's connections (about 1/4 of them)", () => {
    const rep = replicate(withEvents(4, "[{kind: scale_replicas, at_s: 902.5, replicas: 3}]"));
    const onRemoved = at(rep, "coderd_api_concurrent_websockets", 900, { pod: "coder-3" });
    const total = totalWebsockets(rep, 900, 4);
    const dropped = rep.figures['disruption_reconnects{event="scale_replicas@902.5s"}']!;
    expect(dropped).toBe(onRemoved);
    expect(dropped / total).toBeGreaterThan(0.15);
    expect(dropped / total).toBeLessThan(0.35);
    // Graceful: nothing in flight fails.
    expect(rep.figures['disruption_failed_requests{event="scale_replicas@902.5s"}']).toBe(0);
    expect(totalWebsockets(rep, 960, 4)).toBe(total);
  });

  it("scaling up adds empty replicas that only new connections reach", () => {
    const rep = replicate(withEvents(2, "[{kind: scale_replicas, at_s: 902.5, replicas: 3}]"));
    expect(at(rep, "up", 900, { pod: "coder-2" })).toBe(0);
    expect(at(rep, "up", 915, { pod: "coder-2" })).toBe(1);
    expect(at(rep, "coderd_api_concurrent_websockets", 1050, { pod: "coder-2" })).toBe(0);
    expect(at(rep, "coderd_api_requests_processed_total", 1050, { pod: "coder-2" })).toBeGreaterThan(0); // API calls reach it at once
  });

  it("a database failover queues requests and fills the pools, then recovers", () => {
    const out = summarize(withEvents(2, "[{kind: database_failover, at_s: 902.5, pause_s: 20}]"));
    const rep = out.first;
    // During the pause every pool connection is held and requests wait for one.
    expect(at(rep, "capsim_db_paused", 915)).toBe(1);
    expect(at(rep, "go_sql_in_use_connections", 915)).toBe(20);
    expect(at(rep, "capsim_sql_waiting_requests", 915)).toBeGreaterThan(0);
    expect(at(rep, "capsim_db_paused", 930)).toBe(0);
    const label = '{event="database_failover@902.5s"}';
    // Requests held through the pause take up to its 20 s; the slowest scrape's p95 shows it.
    expect(metric(out, `disruption_latency_p95_peak_ms${label}`)).toBeGreaterThan(10_000);
    expect(metric(out, `disruption_latency_p95_peak_ms${label}`)).toBeLessThan(21_000);
    expect(metric(out, `disruption_delayed_requests${label}`)).toBeGreaterThan(50);
    const recovery = metric(out, `disruption_recovery_s${label}`);
    expect(recovery).toBeGreaterThanOrEqual(20);
    expect(recovery).toBeLessThan(120);
  });

  it("holds granted queries through a pause and runs them in grant order when it ends (hand-computed)", () => {
    // One pool of 2 connections, a 1-core database, each request one 10 ms query, no round trips.
    const {
      sim,
      pipeline,
      pool,
      done: out,
    } = pipelineRig({
      poolSize: 2,
      dbRttSeconds: 0,
      clientRttSeconds: 0,
      seed: 1,
    });
    const { latencies: done, failed } = out;
    const query = pipeline.define({
      name: "q",
      steps: [
        { kind: "query", work: distributionFromSpec(0.01), statements: 1, logged: false, notify: false },
      ],
      http: false,
      agentApi: false,
    });
    // One request is running on the database when it fails over: it fails.
    pipeline.startRequest(query, 0);
    sim.run(0.005);
    expect(pipeline.pauseDatabase()).toBe(1);
    for (let i = 0; i < 5; i++) pipeline.startRequest(query, 0);
    sim.run(10);
    expect(done).toHaveLength(1); // only the failed one (its work was already running)
    expect(failed).toEqual([true]);
    expect(pipeline.heldForDatabaseCount).toBe(2);
    expect(pool.waiting).toBe(3);
    pipeline.resumeDatabase();
    sim.run(20);
    // Two at a time share the core: done at 10.02, 10.02, 10.04, 10.04, then the last alone at 10.05.
    const latencies = done.slice(1).map((l) => Number((l + 0.005).toFixed(6)));
    expect(latencies).toEqual([10.02, 10.02, 10.04, 10.04, 10.05]);
    expect(failed.slice(1)).toEqual([false, false, false, false, false]);
  });
});
