import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/model/coderModel.js";
import { derpLatencyOn } from "../../src/model/components/derpLatencyComponent.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { replicationFigures } from "../../src/model/summaryMetrics.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// The DERP latency gauge (coderd_agents_connection_latencies_seconds): each new agent's netcheck times
// GET /derp/latency-check on a replica's CPU once, and the gauge keeps that value.
const FILE = "scenarios/scaletest-2000.yaml";
const SMALL = ["workload.users=20", "workload.workspaces=20", "replications=1"];

function load(sets: string[]) {
  const loaded = loadScenario(resolve(repoRoot, FILE), [...SMALL, ...sets]);
  return { scenario: loaded.scenario, model: loadModel(loaded.scenario.model, loaded.file).model };
}

const param = (value: number) => ({ value, source: "test" }) as never;

/** The exported gauge's series of one pod, by percentile label, at every scrape. */
function gauge(rep: ReturnType<typeof runReplication>, pod: string) {
  const series = rep.metrics.series.filter(
    (s) => s.labels.__name__ === "coderd_agents_connection_latencies_seconds" && s.labels.pod === pod,
  );
  const at = (percentile: number): number => {
    const s = series.find((x) => x.labels.percentile === String(percentile));
    if (!s) throw new Error(`no percentile ${percentile}`);
    // A scrape in the traffic window: every agent connected and answered long before; cleanup ends them.
    const i = Array.from(s.times).findIndex((t) => t - s.times[0]! >= 6000);
    return s.values[i]!;
  };
  return { count: series.length, at };
}

describe("DERP latency gauge: when it is modelled", () => {
  it("from versions.derp_https_latency (2.1.0), with the model's section; absent otherwise", () => {
    const { scenario, model } = load([]);
    const at = (version: string, m: ModelFile = model) =>
      derpLatencyOn({ ...scenario, deployment: { ...scenario.deployment, coder_version: version } }, m);
    expect(at("2.8")).toBe(true);
    expect(at("2.1")).toBe(true);
    // Before coder/coder #8802 the embedded region's latency was a STUN round trip to Google: not modelled.
    expect(at("2.0")).toBe(false);
    expect(at("2.8", { ...model, derp_latency: undefined })).toBe(false);
    const off = load(['deployment.coder_version="2.0"']);
    const rep = runReplication(off.scenario, off.model, 1);
    expect(gauge(rep, "coder-0").count).toBe(0);
    const figure = replicationFigures(rep).find((f) => f.name === "agents_connection_latency_p90_ms");
    expect(figure?.value ?? Number.NaN).toBeNaN();
  });
});

describe("DERP latency gauge: against theory", () => {
  it("a core to spare: every agent's value is the round trip plus the handler's CPU, on both pods", () => {
    const { scenario, model } = load([]);
    const rep = runReplication(scenario, model, 1);
    const expected = model.network.client_rtt_s.value + model.derp_latency!.probe_cpu_s.value;
    for (const pod of ["coder-0", "coder-1"]) {
      const g = gauge(rep, pod);
      expect(g.count).toBe(101);
      expect(g.at(0)).toBeCloseTo(expected, 12);
      expect(g.at(100)).toBeCloseTo(expected, 12);
    }
    // The figures are quantile() across the exported series, as the dashboard computes them, in ms.
    for (const name of ["agents_connection_latency_p90_ms", "agents_connection_latency_p95_ms"]) {
      const f = replicationFigures(rep).find((v) => v.name === name);
      expect(f?.value).toBeCloseTo(expected * 1000, 9);
    }
  });

  it("processor sharing: the probe among n longer jobs on c cores less background takes x (n + 1) / c_eff", () => {
    // One agent on one replica of 1 vCPU whose only fluid load is the per-agent CPU: its probe (x CPU-s)
    // starts with the agent's own start-up calls (n jobs, each far longer than x) and runs at
    // min(1, c_eff / (n + 1)) of a core, c_eff = 1 - connection_cpu_vcpu.
    const { scenario, model } = load([
      "workload.workspaces=1",
      "workload.users=1",
      "deployment.coderd.replicas=1",
      "deployment.coderd.vcpu=1",
      "workload.agent.metadata.items=0",
    ]);
    const probeSeconds = (perAgentVcpu: number): number => {
      const m: ModelFile = {
        ...model,
        coderd: {
          ...model.coderd,
          connection_cpu_vcpu: param(perAgentVcpu),
          heartbeat_cpu_s: param(0),
          job_cpu_s: param(0),
        },
      };
      return gauge(runReplication(scenario, m, 1), "coder-0").at(50) - m.network.client_rtt_s.value;
    };
    const x = model.derp_latency!.probe_cpu_s.value;
    const alone = probeSeconds(0);
    const shares = alone / x; // n + 1: the probe's share of one core is 1 / (n + 1)
    expect(shares).toBeGreaterThanOrEqual(1);
    expect(shares).toBeCloseTo(Math.round(shares), 6);
    // Half the core taken by background: the same jobs, half the capacity, twice the time.
    expect(probeSeconds(0.5) / alone).toBeCloseTo(2, 6);
    expect(probeSeconds(0.75) / alone).toBeCloseTo(4, 6);
  });

  it("keeps the value measured at connect: later load does not move it", () => {
    const { scenario, model } = load([]);
    const busy = runReplication(scenario, model, 1);
    // Values are fixed once every agent answered: the first and last scrapes of the traffic window agree.
    const s = busy.metrics.series.find(
      (x) =>
        x.labels.__name__ === "coderd_agents_connection_latencies_seconds" &&
        x.labels.pod === "coder-0" &&
        x.labels.percentile === "95",
    )!;
    const at = (t: number) => s.values[Array.from(s.times).findIndex((x) => x - s.times[0]! >= t)]!;
    expect(at(3000)).not.toBeNaN();
    expect(at(3000)).toBe(at(11000));
    // After cleanup no agent is connected: the collector exports no value.
    expect(s.values[s.values.length - 1]).toBeNaN();
  });
});
