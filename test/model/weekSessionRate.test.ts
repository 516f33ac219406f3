import { describe, expect, it } from "vitest";
import { studentTQuantile } from "../../src/engine/stats/studentT.js";
import type { ReplicationResult } from "../../src/model/coderModel.js";
import { modelWith, replicate } from "./featureHelpers.js";

/** Builds take 30 s, agents connect 5 s after: every workspace is up well before the window. */
const fast = modelWith({
  "provisioner.build_duration_s": 30,
  "provisioner.delete_duration_s": 10,
  "agent.connect_delay_s": 5,
});

// 100 users at work from 0 s; relayed sessions whose bursts carry enough bytes to load coderd's relay
// (2 x 4 vCPU: at the relay's cost per message and per MiB the relay is about a third of it).
// ssh: 3/4 of users, active 60 s / idle 240 s: 100 x 0.75 x 0.2 = 15 active;
// web_terminal: 1/4, active 30 s / idle 30 s: 100 x 0.25 x 0.5 = 12.5 active.
const scenario = (bursts: string) => `
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 16}
  provisioners: {count: 100, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 8, memory_gb: 32}
workload:
  users: 100
  agent: {metadata: {items: 0}}
  workday: {duration_s: 1800, start_mean_s: 0, start_spread_s: 0, work_mean_s: 99999, work_spread_s: 0}
  session_bursts: ${bursts}
  sessions:
    - {kind: ssh, share: 3, active_s: {dist: exponential, mean_s: 60}, idle_s: {dist: exponential, mean_s: 240}, active_bytes_per_s: 800000}
    - {kind: web_terminal, share: 1, active_s: {dist: exponential, mean_s: 30}, idle_s: {dist: exponential, mean_s: 30}, active_bytes_per_s: 400000}
stages: []
warmup_s: 300
`;

const SEEDS = [1, 2, 3, 4, 5, 6];

/** Per replication: mean active sessions, coderd CPU utilisation and requests per second (both replicas). */
function measures(r: ReplicationResult): Record<string, number> {
  const coderd = r.resources.filter((x) => x.name.startsWith("coderd-") && x.name.endsWith(" cpu"));
  return {
    sessions: r.figures.sessions_active_mean!,
    ssh: r.figures['sessions_active_mean{kind="ssh"}']!,
    webTerminal: r.figures['sessions_active_mean{kind="web_terminal"}']!,
    coderdUtilization: coderd.reduce((a, x) => a + x.utilization, 0) / coderd.length,
    requestsPerSecond: coderd.reduce((a, x) => a + x.throughput_per_s, 0),
  };
}

function meanAndHalfWidth(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, half: (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n) };
}

describe("sessions as a rate (workload.session_bursts: rate)", () => {
  it("loads coderd and counts sessions as the per-event bursts do, within their 95 % confidence intervals", () => {
    const events = SEEDS.map((seed) => measures(replicate(scenario("events"), fast, seed)));
    const rate = SEEDS.map((seed) => measures(replicate(scenario("rate"), fast, seed)));
    for (const key of ["sessions", "coderdUtilization", "requestsPerSecond"]) {
      const e = meanAndHalfWidth(events.map((m) => m[key]!));
      const r = meanAndHalfWidth(rate.map((m) => m[key]!));
      // The two means differ by less than the two intervals' half-widths together.
      expect(Math.abs(e.mean - r.mean), key).toBeLessThanOrEqual(e.half + r.half);
    }
    // The relay is a real share of coderd's CPU here, so the check above can see a wrong relayed rate.
    expect(events[0]!.coderdUtilization).toBeGreaterThan(0.2);
    // A rate session counts as exactly its active share: 0.2 per ssh user, 0.5 per web terminal user, all 100 working.
    for (const m of rate) {
      const ssh = m.ssh! / 0.2;
      const web = m.webTerminal! / 0.5;
      expect(ssh).toBeCloseTo(Math.round(ssh), 6);
      expect(web).toBeCloseTo(Math.round(web), 6);
      expect(Math.round(ssh) + Math.round(web)).toBe(100);
    }
  }, 20_000);
});
