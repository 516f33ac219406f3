import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { renderRunSummary } from "../../src/report/textSummary.js";
import { type RunSummary, runScenario } from "../../src/run/runScenario.js";
import { combine, type PredictionInfo, predictionInfo } from "../../src/uncertainty/prediction.js";
import { predictionText, saturatedDraws, withSaturation } from "../../src/uncertainty/saturatedDraws.js";

const ROOT = resolve(import.meta.dirname, "../..");
const LATENCY = "agent_api_latency_p90_ms";
const CPU = "coderd_cpu_vcpu_median";

describe("withSaturation", () => {
  const interval = { low: 1, high: 100, level: 0.9 };

  it("marks a time figure unbounded when a saturated draw sets its top, with the others' range", () => {
    const p = withSaturation(interval, [5, 6, 7, 36_500], [false, false, false, true], "time", 0.9)!;
    expect(p).toMatchObject({ low: 1, high: 100, saturated_draws: 1, unbounded: true });
    expect(p.unsaturated!.low).toBeLessThan(5);
    expect(p.unsaturated!.high).toBeGreaterThan(7);
    expect(p.unsaturated!.high).toBeLessThan(20);
  });

  it("gives a utilisation pinned at 1 by its saturated draw the others' range, bounded, not a logit artefact", () => {
    // coderd-5 in `plan --users 3000`: one draw at 0.993 put the six draws' low at 0.085.
    const values = [0.654, 0.622, 0.596, 0.993, 0.803, 0.703];
    const saturated = values.map((v) => v > 0.99);
    const p = withSaturation(interval, values, saturated, "utilisation", 0.9, 1)!;
    expect(p).toMatchObject({ saturated_draws: 1, saturated_top: true, unbounded: false });
    expect(p.unsaturated!.low).toBeGreaterThan(0.4);
    expect(p.unsaturated!.high).toBeLessThan(0.9);
    expect(predictionText(p, 6, String)).toMatch(/^saturated in 1 of 6 draws \(others 0\.4/);
  });

  it("leaves a bounded figure, or a saturated draw that sets no top, as a number", () => {
    // A CPU figure saturates at the pod's cores: it stays a number.
    expect(withSaturation(interval, [5, 6, 7, 9], [false, false, false, true], "other", 0.9)!.unbounded).toBe(
      false,
    );
    // A saturated draw in the middle of the others does not drive the top.
    const mid = withSaturation(interval, [5, 6, 9, 7], [false, false, false, true], "time", 0.9)!;
    expect(mid).toMatchObject({ saturated_draws: 1, unbounded: false, unsaturated: null });
    expect(withSaturation(interval, [5, 6], [false, false], "time", 0.9)).toMatchObject({
      saturated_draws: 0,
      unbounded: false,
    });
    expect(withSaturation(null, [5], [true], "time", 0.9)).toBeNull();
  });

  it("has no others' range when fewer than two draws stayed below the limit", () => {
    const p = withSaturation(interval, [5, 900, 800], [false, true, true], "time", 0.9)!;
    expect(p).toMatchObject({ saturated_draws: 2, unbounded: true, unsaturated: null });
  });
});

describe("a run's prediction when some draws saturate", () => {
  // One real summary (the small report scenario made smaller), then draws made from it: two of six
  // saturate coderd, and their agent latency runs away as a saturated queue's does.
  const { loaded, model } = loadScenarioAndModel(join(ROOT, "test/fixtures/report/small-run.yaml"), [
    "workload.users=60",
    "workload.workspaces=60",
  ]);
  const nominal = runScenario(loaded, model, { replications: 1, seed: 3 }).summary;
  const draw = (latency: number, cpu: number, saturated: string[]): RunSummary => ({
    ...nominal,
    metrics: nominal.metrics.map((m) =>
      m.name === LATENCY ? { ...m, mean: latency } : m.name === CPU ? { ...m, mean: cpu } : m,
    ),
    // A resource that saturated is busy all its window; the others keep the nominal run's utilisation.
    resources: nominal.resources.map((r) => (saturated.includes(r.name) ? { ...r, utilization: 1 } : r)),
    bottleneck: { ...nominal.bottleneck, saturated },
  });
  const draws = [
    draw(5.5, 1.1, []),
    draw(6.2, 1.3, []),
    draw(7.9, 1.6, []),
    draw(6.8, 1.4, []),
    draw(36_500, 2, ["coderd-0 cpu", "coderd-1 cpu"]),
    draw(21_000, 2, ["coderd-1 cpu"]),
  ];
  const info: PredictionInfo = {
    ...predictionInfo(
      { parameters: [], base: { model: {} } } as unknown as Parameters<typeof predictionInfo>[0],
      nominal,
      draws,
      1,
      0,
    ),
  };
  const predicted = combine(nominal, draws, info);

  it("counts the saturated draws and which resources saturated (replicas as one)", () => {
    expect(info.saturated_draws).toEqual({
      draws: 2,
      of: 6,
      resources: [{ resource: "coderd cpu", draws: 2 }],
    });
    expect(saturatedDraws(draws.slice(0, 4), (r) => r)).toEqual({ draws: 0, of: 4, resources: [] });
  });

  it("gives the latency no upper bound in JSON and text, and keeps the CPU a number", () => {
    const latency = predicted.metrics.find((m) => m.name === LATENCY && m.stage === null)!;
    expect(latency.prediction).toMatchObject({ saturated_draws: 2, unbounded: true });
    const cpu = predicted.metrics.find((m) => m.name === CPU && m.stage === null)!;
    expect(cpu.prediction).toMatchObject({ saturated_draws: 2, unbounded: false, unsaturated: null });
    const text = renderRunSummary(predicted);
    const row = text.split("\n").find((l) => l.startsWith(LATENCY))!;
    expect(row).toContain("saturates in 2 of 6 draws: unbounded past the limit (others 4.");
    expect(row).not.toMatch(/\.\. 3\.\d+e\+4|\.\. 36500/);
    expect(text).toContain("2 of 6 draws saturate (coderd cpu in 2)");
    const cpuRow = text.split("\n").find((l) => l.startsWith(CPU))!;
    expect(cpuRow).toMatch(/\d \.\. \d/);
  });

  it("gives a resource's utilisation the draws that did not saturate it, as plan's checks do", () => {
    const util = (name: string) => predicted.resources.find((r) => r.name === name)!.utilization_prediction;
    const nominalUtil = nominal.resources.find((r) => r.name === "coderd-0 cpu")!.utilization;
    expect(util("coderd-0 cpu")).toMatchObject({
      high: 1,
      saturated_draws: 1,
      saturated_top: true,
      unbounded: false,
      unsaturated: { low: nominalUtil, high: nominalUtil },
    });
    expect(util("coderd-1 cpu")).toMatchObject({ saturated_draws: 2, saturated_top: true });
    expect(util("database cpu")).toMatchObject({
      saturated_draws: 0,
      saturated_top: false,
      unsaturated: null,
    });
  });

  it("keeps the JSON shape: every metric prediction has the saturation fields", () => {
    for (const m of predicted.metrics.filter((x) => x.prediction)) {
      expect(Object.keys(m.prediction!).sort()).toEqual(
        ["high", "level", "low", "saturated_draws", "saturated_top", "unbounded", "unsaturated"].sort(),
      );
    }
  });
});
