import { describe, expect, it } from "vitest";
import { makeCheck } from "../../src/plan/checks.js";
import type { PlanSimulation } from "../../src/plan/plan.js";
import type { RunSummary } from "../../src/run/runScenario.js";
import { deploymentPrediction } from "../../src/uncertainty/planPrediction.js";
import { planUncertaintyLines } from "../../src/uncertainty/planText.js";

// The six draws of `plan scenarios/scaletest-2000.yaml --users 3000` on its recommended 7 x 2 vCPU
// coderd (2026-12-08): draw 3 saturates coderd-5 alone, draws 0 and 5 the database, and draw 5's
// latency runs away as a saturated queue's does.
const SATURATED = [["database cpu"], [], [], ["coderd-5 cpu"], [], ["database cpu", "coderd-0 db pool"]];
const LATENCY = [470.9, 97.5, 83.5, 402.3, 295.8, 27_854];
const CODERD_5 = [0.654, 0.622, 0.596, 0.993, 0.803, 0.703];
const CODERD_0 = [0.625, 0.64, 0.61, 0.923, 0.839, 0.749];
const DATABASE = [1, 0.451, 0.672, 0.399, 0.666, 1];

const draw = (i: number): RunSummary =>
  ({
    metrics: [{ name: "api_latency_p95_ms", stage: null, unit: "ms", mean: LATENCY[i] }],
    resources: [],
    bottleneck: {
      resource: SATURATED[i]![0] ?? "coderd-0 cpu",
      saturated: SATURATED[i],
      busiest_windows: [
        { resource: "coderd-5 cpu", utilization: CODERD_5[i], window: "dashboard", ci95: null },
        { resource: "coderd-0 cpu", utilization: CODERD_0[i], window: "dashboard", ci95: null },
        { resource: "database cpu", utilization: DATABASE[i], window: "ssh", ci95: null },
      ],
    },
  }) as unknown as RunSummary;

const checks = [
  makeCheck("slo", "api_latency_p95_ms@all", "<=", 300, 214.8, null, false),
  makeCheck("util", "coderd-5 cpu", "<=", 0.8, 0.733, null, false),
  makeCheck("util", "coderd-0 cpu", "<=", 0.8, 0.712, null, false),
  makeCheck("util", "database cpu", "<=", 0.8, 0.656, null, false),
];
const sim = { assessment: { checks, tightest: checks[1] } } as unknown as PlanSimulation;
const predicted = deploymentPrediction(sim, [0, 1, 2, 3, 4, 5].map(draw));
const check = (name: string) => predicted.crossing.find((c) => c.name === name)!;

describe("a plan's check predictions when some draws saturate", () => {
  it("counts the draws that saturated, as a run does (coderd replicas as one)", () => {
    expect(predicted.saturated_draws).toEqual({
      draws: 3,
      of: 6,
      resources: [
        { resource: "database cpu", draws: 2 },
        { resource: "coderd cpu", draws: 1 },
        { resource: "coderd db pool", draws: 1 },
      ],
    });
  });

  it("gives a latency a saturated draw drives no upper bound, and the other draws' range", () => {
    const p = check("api_latency_p95_ms@all").prediction!;
    // Over all six draws the log-scale interval spans four decades: 4.8 ms .. 48 s.
    expect(p.low).toBeLessThan(10);
    expect(p.high).toBeGreaterThan(40_000);
    expect(p).toMatchObject({ saturated_draws: 3, saturated_top: true, unbounded: true });
    expect(p.unsaturated!.low).toBeGreaterThan(10);
    expect(p.unsaturated!.high).toBeLessThan(2000);
  });

  it("gives a replica that saturated in one draw the other draws' range, not a logit artefact", () => {
    const p = check("coderd-5 cpu").prediction!;
    // One draw at 0.993 is 4.9 on the logit scale: the interval of all six reaches down to 0.085,
    // below every draw's value (the lowest is 0.596).
    expect(p.low).toBeLessThan(0.1);
    expect(p).toMatchObject({ saturated_draws: 1, saturated_top: true, unbounded: false });
    expect(p.unsaturated!.low).toBeGreaterThan(0.4);
    expect(p.unsaturated!.high).toBeLessThan(0.9);
  });

  it("counts the draws whose own value fails each check", () => {
    expect(check("api_latency_p95_ms@all")).toMatchObject({ failing_draws: 3, of: 6 });
    expect(check("coderd-0 cpu")).toMatchObject({ failing_draws: 2, of: 6 });
  });

  it("counts for a utilisation only the draws in which its own resource saturated", () => {
    // coderd-0's busiest draw is the one where coderd-5 saturated: its own value, not a saturation.
    expect(check("coderd-0 cpu").prediction).toMatchObject({ saturated_draws: 0, saturated_top: false });
    expect(check("database cpu").prediction).toMatchObject({ saturated_draws: 2, saturated_top: true });
  });

  it("says it in the text: how many draws saturate, each crossing check on its own line", () => {
    const lines = planUncertaintyLines({
      draws: 6,
      level: 0.9,
      parameters: 17,
      recommended: predicted,
      reference: null,
      conditioning: null,
      leaves_out: [],
    });
    const text = lines.join("\n");
    expect(text).toContain("3 of 6 draws saturate (database cpu in 2, coderd cpu in 1, coderd db pool in 1)");
    expect(text).toContain("CROSSES A LIMIT: 4 checks hold");
    const row = lines.find((l) => l.includes("api_latency_p95_ms@all"))!;
    expect(row).toMatch(
      /fails in 3 of 6 draws; saturates in 3 of 6 draws: unbounded past the limit \(others \d/,
    );
    expect(lines.find((l) => l.includes("coderd-5 cpu 0.733"))).toMatch(
      /saturated in 1 of 6 draws \(others 0\.[4-9]/,
    );
  });
});
