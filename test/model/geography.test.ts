import { describe, expect, it } from "vitest";
import { dealRegions } from "../../src/model/geography.js";
import { metric, modelWith, replicate, summarize } from "./featureHelpers.js";

/** 100 users and workspaces; 40 take part in a workspace-apps stage (always relayed) for 600 s. */
const regions = (euProxy: boolean, workspacesInEu = false, direct = false, stage = "workspace_apps") => `
name: geography-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 16}
  provisioners: {count: 20, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  traffic: {direct_connections: ${direct}}
  builds: {create_concurrency: 50, cleanup_concurrency: 50}
geography:
  regions:
    - {name: us, users_pct: 50}
    - {name: eu, users_pct: 50${workspacesInEu ? ", workspaces_in: eu" : ""}${euProxy ? ", proxy: {replicas: 1, vcpu: 2, memory_gb: 4}" : ""}}
  rtt_ms:
    - {from: us, to: eu, rtt_ms: 80}
stages:
  - {name: prepare, start_s: 0, duration_s: 600}
  - {name: ${stage}, start_s: 600, duration_s: 600, target_pct: 40}
  - {name: dashboard, start_s: 600, duration_s: 600, target_pct: 20}
replications: 1
`;

/** Mean fluid (background) vCPU over the traffic window, summed over the resources named `prefix*`. */
function backgroundVcpu(rep: ReturnType<typeof replicate>, prefix: string): number {
  return rep.resources
    .filter((r) => r.name.startsWith(prefix))
    .reduce((s, r) => s + r.background_utilization * r.servers, 0);
}

describe("regions and workspace proxies", () => {
  it("deals users to regions so every prefix of ids holds each share", () => {
    expect(Array.from(dealRegions([0.5, 0.5], 6))).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(dealRegions([0.6, 0.2, 0.2], 5))).toEqual([0, 1, 0, 2, 0]);
    const many = dealRegions([0.7, 0.3], 1000);
    expect(many.filter((r) => r === 1).length).toBe(300);
  });

  it("a proxy takes exactly the relayed CPU of its region's connections off coderd", () => {
    const without = replicate(regions(false));
    const withProxy = replicate(regions(true));
    // 40 connections (workspaces 0..39, owned by users 0..39): 20 belong to eu users. Each relays
    // 1024 B every 100 ms echoed back: 20480 B/s in 20 messages/s, at the shipped model's CPU-seconds per
    // MiB and per message.
    const c = modelWith().coderd;
    const perMib = c.relay_cpu_s_per_mib.value as number;
    const perMessage = c.relay_cpu_s_per_message!.value as number;
    expect(perMessage).toBeGreaterThan(0);
    const relayVcpu = 20 * ((20480 * perMib) / (1024 * 1024) + 20 * perMessage);
    const proxyVcpu = backgroundVcpu(withProxy, "wsproxy-eu");
    expect(proxyVcpu).toBeCloseTo(relayVcpu, 9);
    expect(backgroundVcpu(without, "coderd-") - backgroundVcpu(withProxy, "coderd-")).toBeCloseTo(
      relayVcpu,
      9,
    );
    // API calls still go to coderd: the proxy runs no requests, coderd the same (up to the window's edge).
    const jobs = (rep: typeof without) =>
      rep.resources
        .filter((r) => r.name.startsWith("coderd-") && r.kind === "cpu")
        .reduce((s, r) => s + r.completed, 0);
    expect(withProxy.resources.find((r) => r.name.startsWith("wsproxy"))!.completed).toBe(0);
    expect(Math.abs(jobs(withProxy) - jobs(without))).toBeLessThanOrEqual(2);
  });

  it("adds the round trip to the primary to far users' API latency and far agents' calls", () => {
    const out = summarize(regions(false, true));
    const us = metric(out, 'api_latency_p95_ms{region="us"}');
    const eu = metric(out, 'api_latency_p95_ms{region="eu"}');
    expect(eu - us).toBeGreaterThan(60);
    expect(eu - us).toBeLessThan(100);
    const agentUs = metric(out, 'agent_api_latency_p95_ms{region="us"}');
    const agentEu = metric(out, 'agent_api_latency_p95_ms{region="eu"}');
    expect(agentEu - agentUs).toBeGreaterThan(60);
  });

  it("gives far users with local workspaces a local round trip only through their own proxy, or direct", () => {
    const rtt = (text: string, region: string) =>
      metric(summarize(text), `workspace_connection_rtt_ms{region="${region}"}`);
    // eu user -> coderd (us) -> workspace (eu): 80 + 80 ms; through the eu proxy: 2 + 2 ms.
    expect(rtt(regions(false, true), "eu")).toBeCloseTo(160, 9);
    expect(rtt(regions(true, true), "eu")).toBeCloseTo(4, 9);
    expect(rtt(regions(false, true, true, "ssh"), "eu")).toBeCloseTo(2, 9);
    // us users with us workspaces relay through coderd next door.
    expect(rtt(regions(true, true), "us")).toBeCloseTo(4, 9);
  });
});
