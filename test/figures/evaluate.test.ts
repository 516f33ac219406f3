import { describe, expect, it } from "vitest";
import { evaluateFigures } from "../../src/figures/evaluate.js";
import type { FigureValue } from "../../src/figures/types.js";
import { resolveWindows, windowInstants, windowsFromStageSeries } from "../../src/figures/windows.js";
import type { SeriesSet } from "../../src/series/types.js";
import { STAGES, type SyntheticOptions, syntheticSet } from "./synthetic.js";

function figures(set: SeriesSet, opts: Parameters<typeof evaluateFigures>[2] = {}): Map<string, FigureValue> {
  const { windows } = resolveWindows(set);
  return new Map(evaluateFigures(set, windows, opts).map((f) => [`${f.name}/${f.stage}`, f]));
}

const values = (set: SyntheticOptions = {}) => {
  const out: Record<string, number | null> = {};
  for (const [key, f] of figures(syntheticSet(set)))
    out[key] = f.value === null ? null : Number(f.value.toPrecision(6));
  return out;
};

/** What every figure of the synthetic set is, computed by hand (see synthetic.ts). */
const EXPECTED = {
  "coderd_cpu_vcpu_median/all": 2.75,
  "coderd_cpu_vcpu_peak/all": 3.5,
  "api_rps_median/dashboard": 350,
  "agent_connections/all": 2000,
  "agent_api_latency_p90_ms/all": 100,
  "agent_api_latency_p95_ms/all": 322.222,
  "agent_api_latency_p95_exact_ms/all": null,
  "api_latency_p95_ms/all": 211.111,
  "websockets_mean/dashboard": 2400,
  "provisioner_cpu_vcpu_median/prepare": 0.35,
  "provisioner_queue_wait_p95_s/prepare": null,
  "workspace_ready_p95_s/prepare": null,
  "db_cpu_utilization_median/all": 0.8,
  "db_memory_utilization_mean/all": 0.4,
  "db_write_ops_per_s_min/all": 6.7,
  "db_write_ops_per_s_max/all": 8.4,
  "coderd_memory_gb_peak/all": 1.68,
};

describe("windows", () => {
  it("recovers the stages from capsim_stage_active exactly, and 'all' is the traffic stages' span", () => {
    const set = syntheticSet();
    expect(windowsFromStageSeries(set)).toEqual(STAGES);
    const { windows, origin } = resolveWindows(set);
    expect(origin).toBe("capsim_stage_active");
    expect(windows.find((w) => w.name === "all")).toEqual({ name: "all", start: 600, end: 1800 });
  });

  it("declaring prepare does not move 'all'; without traffic stages 'all' is the whole data", () => {
    const set = syntheticSet({ stageSeries: false });
    expect(resolveWindows(set, [{ name: "prepare", start: 0, end: 600 }]).windows.at(-1)).toEqual({
      name: "all",
      start: 0,
      end: 1800,
    });
    expect(resolveWindows(set, STAGES).windows.at(-1)).toEqual({ name: "all", start: 600, end: 1800 });
  });

  it("holds the instants start + k·step in (start, end]", () => {
    expect(windowInstants({ name: "x", start: 600, end: 1200 }, 15)).toEqual({
      start: 615,
      end: 1200,
      step: 15,
    });
    expect(windowInstants({ name: "x", start: 600, end: 610 }, 15)).toEqual({
      start: 610,
      end: 610,
      step: 15,
    });
  });
});

describe("evaluateFigures on series shaped as FAMILIES.md", () => {
  it("gives every figure its hand-computed value, cAdvisor first", () => {
    const got = values();
    for (const [key, want] of Object.entries(EXPECTED)) {
      if (want === null) expect(got[key], key).toBeNull();
      else expect(got[key], key).toBeCloseTo(want, 3);
    }
    const cpu = figures(syntheticSet()).get("coderd_cpu_vcpu_median/all")!;
    expect(cpu).toMatchObject({ source: "cadvisor", seriesCount: 2, unit: "vcpu" });
    expect(cpu.promql).toContain("container_cpu_usage_seconds_total");
  });

  it("falls back to process metrics, then to self-hosted database metrics, with the same answers", () => {
    const got = values({ cadvisor: false, cloudsql: false, selfhosted: true });
    for (const key of [
      "coderd_cpu_vcpu_median/all",
      "coderd_cpu_vcpu_peak/all",
      "provisioner_cpu_vcpu_median/prepare",
      "db_cpu_utilization_median/all",
      "db_memory_utilization_mean/all",
      "db_write_ops_per_s_min/all",
      "db_write_ops_per_s_max/all",
      "coderd_memory_gb_peak/all",
    ] as const)
      expect(got[key], key).toBeCloseTo(EXPECTED[key]!, 3);
    const f = figures(syntheticSet({ cadvisor: false, cloudsql: false, selfhosted: true }));
    expect(f.get("coderd_cpu_vcpu_median/all")!.source).toBe("process");
    expect(f.get("db_cpu_utilization_median/all")!.source).toBe("selfhosted");
  });

  it("reports a figure no recipe can answer, with what it needs", () => {
    const f = figures(syntheticSet({ cloudsql: false }));
    expect(f.get("db_cpu_utilization_median/all")).toMatchObject({
      value: null,
      source: null,
      seriesCount: 0,
    });
    expect(f.get("db_cpu_utilization_median/all")!.note).toMatch(
      /cloudsql: stackdriver_.*rds: aws_rds_cpuutilization_average/,
    );
  });

  it("lists per-pod figures whose series cannot be told apart instead of guessing", () => {
    const set = syntheticSet({ cadvisor: false });
    const anonymous: SeriesSet = {
      series: set.series.map((s) => {
        if (s.labels.__name__ !== "process_cpu_seconds_total") return s;
        // Every target's pod label lost: coderd's and the provisioners' series merge by job.
        const { pod, ...rest } = s.labels;
        return { ...s, labels: { ...rest, instance: pod! } };
      }),
    };
    const cpu = figures(anonymous).get("coderd_cpu_vcpu_median/all")!;
    expect(cpu.value).toBeNull();
    expect(cpu.note).toMatch(/no pod label: cannot tell one pod from another/);
    // Also where the recipe averages over pods (its per-pod part is checked).
    expect(figures(anonymous).get("provisioner_cpu_vcpu_median/prepare")!.value).toBeNull();
  });

  it("adds a selector's matchers to every vector selector", () => {
    const set = syntheticSet();
    // Another deployment's coderd in another namespace doubles the pods unless the selector keeps it out.
    const decoys = set.series
      .filter(
        (s) => s.labels.__name__ === "container_cpu_usage_seconds_total" && s.labels.container === "coder",
      )
      .map((s) => ({ ...s, labels: { ...s.labels, namespace: "other", pod: `other-${s.labels.pod}` } }));
    const mixed: SeriesSet = { series: [...set.series, ...decoys], intervalSeconds: 15 };
    expect(figures(mixed).get("coderd_cpu_vcpu_median/all")!.seriesCount).toBe(4);
    expect(
      figures(mixed, { selector: '{namespace="coder"}' }).get("coderd_cpu_vcpu_median/all")!.seriesCount,
    ).toBe(2);
  });

  it("uses a saved answer for the recipe whose PromQL it is, with its points in the window", () => {
    const set = syntheticSet();
    const answer = {
      query: "sum(rate(coderd_api_requests_processed_total[1m]))",
      series: [{ labels: {}, times: [1200, 1215, 1230, 1800, 1815], values: [1, 7, 7, 9, 1000] }],
    };
    const rps = figures(set, { answers: [answer] }).get("api_rps_median/dashboard")!;
    expect(rps.value).toBe(7);
    expect(rps.note).toContain("answer saved for");
  });
});
