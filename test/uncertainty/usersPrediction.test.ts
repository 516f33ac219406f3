import { describe, expect, it } from "vitest";
import { renderBottleneck } from "../../src/report/textSummary.js";
import type { RunSummary } from "../../src/run/runScenario.js";
import type { BottleneckVerdict } from "../../src/run/verdict.js";
import { combine, type PredictionInfo, withoutPrediction } from "../../src/uncertainty/prediction.js";
import { usersPrediction } from "../../src/uncertainty/usersPrediction.js";

/** A summary reduced to what the users' prediction reads: the bottleneck's sizing answer. */
function summary(at80: number | null, why: "offered" | "saturated" | "unsteady" = "offered"): RunSummary {
  const bottleneck: Partial<BottleneckVerdict> = {
    resource: "coderd-0 cpu",
    utilization: 0.5,
    users_at_80pct: at80,
    users_at_100pct: at80 === null ? null : at80 * 1.25,
    users_at_80pct_ci95: null,
    users_at_100pct_ci95: null,
    users_ci95_note: null,
    method: why === "offered" ? "utilisation-law extrapolation" : `not offered: ${why}`,
    window: "ssh",
    windows: [],
    first_80: null,
    first_100: null,
    near_ties: [],
    saturated: why === "saturated" ? ["coderd-0 cpu"] : [],
    evidence: [],
  };
  return { metrics: [], resources: [], bottleneck } as unknown as RunSummary;
}

const info = { draws: 6 } as PredictionInfo;

describe("the sizing answer's 90 % prediction over the draws", () => {
  it("is the log-scale prediction interval of the draws' users, rounded", () => {
    // ln of 1600, 1800, 2000, 2200: mean ± t(0.95, 3)·sd·√1.25 = exp(...) in [1315.40, 2706.23];
    // the 100 % figures are 1.25 times those: [1644.25, 3382.79].
    const draws = [1600, 1800, 2000, 2200].map((u) => summary(u));
    const b = combine(summary(1900), draws, info).bottleneck;
    expect(b.users_at_80pct_prediction).toEqual({
      low: 1315,
      high: 2706,
      level: 0.9,
      not_offered_draws: 0,
      saturated_draws: 0,
      of: 4,
    });
    expect(b.users_at_100pct_prediction).toMatchObject({ low: 1644, high: 3383 });
    expect(renderBottleneck(b, 4).join("\n")).toContain(
      "reaches 80% at about 1900 users (90 % prediction 1315..2706) and 100% at about 2375 users (90 % prediction 1644..3383) (",
    );
  });

  it("with draws that offered none: the others' interval, marked, and the text says the limit is below their load", () => {
    const draws = [
      ...[1600, 1800, 2000, 2200].map((u) => summary(u)),
      summary(null, "saturated"),
      summary(null, "unsteady"),
    ];
    const p = usersPrediction(draws, "users_at_80pct", 0.9)!;
    expect(p).toEqual({ low: 1315, high: 2706, level: 0.9, not_offered_draws: 2, saturated_draws: 1, of: 6 });
    const text = renderBottleneck(combine(summary(1900), draws, info).bottleneck, 6).join("\n");
    expect(text).toContain("(90 % prediction 1315..2706 of the draws that offered one)");
    expect(text).toContain(
      "  prediction of the users: 1 of 6 draws saturated: the limit is below the simulated load in those; " +
        "1 of 6 draws had no steady load to extrapolate from.",
    );
  });

  it("is null below two offering draws (the text says so), and null when the prediction is off", () => {
    const draws = [summary(2000), summary(null, "saturated"), summary(null, "saturated")];
    const b = combine(summary(1900), draws, info).bottleneck;
    expect(b.users_at_80pct_prediction).toBeNull();
    expect(renderBottleneck(b, 3).join("\n")).toContain(
      "no 90 % prediction of the users: fewer than two of 3 draws offered an extrapolation.",
    );
    const off = withoutPrediction(summary(1900)).bottleneck;
    expect(off.users_at_80pct_prediction).toBeNull();
    expect(off.users_at_100pct_prediction).toBeNull();
    expect(renderBottleneck(off).join("\n")).not.toContain("prediction");
  });
});
