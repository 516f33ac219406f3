import { describe, expect, it } from "vitest";
import { at, modelWith, replicate, SMALL } from "./featureHelpers.js";

const withCoderd = (extra: string) =>
  SMALL.replace(
    "coderd: {replicas: 2, vcpu: 4, memory_gb: 16}",
    `coderd: {replicas: 2, vcpu: 4, memory_gb: 16${extra}}`,
  );

const coderdBackgroundVcpu = (rep: ReturnType<typeof replicate>) =>
  rep.resources
    .filter((r) => r.name.startsWith("coderd-") && r.kind === "cpu")
    .reduce((s, r) => s + r.background_utilization * r.servers, 0);

describe("deployment options that cost CPU or memory", () => {
  it("database encryption adds the model's 1 vCPU to every replica", () => {
    const plain = replicate(SMALL);
    const encrypted = replicate(withCoderd(", database_encryption: true"));
    expect(coderdBackgroundVcpu(encrypted) - coderdBackgroundVcpu(plain)).toBeCloseTo(2 * 1, 9);
  });

  it("agent stats collection adds the model's memory per connected agent", () => {
    const plain = replicate(SMALL);
    const collecting = replicate(withCoderd(", prometheus_agent_stats: true"));
    const memory = (rep: typeof plain) =>
      at(rep, "container_memory_working_set_bytes", 900, { container: "coder" }) / 1e9;
    expect(memory(collecting) - memory(plain)).toBeCloseTo((100 * 0.5) / 1024, 9);
  });

  it("built-in provisioners run terraform on coderd: its CPU-seconds grow by busy daemon-seconds x building vCPU", () => {
    // Every other coderd cost made negligible, so what remains is the built-in daemons' terraform: 60
    // workspaces autostart at 600 s on 3 daemons per replica.
    const quiet = modelWith({
      "coderd.connection_cpu_vcpu": 0,
      "coderd.heartbeat_cpu_s": 0,
      "coderd.job_cpu_s": 0,
      "coderd.agent_rpc_cpu_s": 0.000001,
      "coderd.api_request_cpu_s": 0.000001,
      "coderd.workspace_create_cpu_s": 0.000001,
    });
    const builds = `
name: builtin-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 16, builtin_provisioners: 3}
  provisioners: {count: 0, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 60
  workday: {duration_s: 1800, start_mean_s: 600, start_spread_s: 0, autostart_pct: 100, work_mean_s: 99999, connected_pct: 0}
stages:
  - {name: dashboard, start_s: 0, duration_s: 1800, target_pct: 0}
replications: 1
`;
    const rep = replicate(builds, quiet);
    const daemons = rep.resources.find((r) => r.name === "provisioner daemons")!;
    expect(daemons.servers).toBe(6);
    const busyDaemonSeconds = daemons.utilization * daemons.servers * daemons.window_s;
    const coderdCpuSeconds = rep.resources
      .filter((r) => r.name.startsWith("coderd-") && r.kind === "cpu")
      .reduce((s, r) => s + r.utilization * r.servers * r.window_s, 0);
    expect(coderdCpuSeconds / (busyDaemonSeconds * 0.44)).toBeCloseTo(1, 2);
  });
});
