import { describe, expect, it } from "vitest";
import { assess, describeCheck } from "../../src/plan/checks.js";
import type { PointOutcome } from "../../src/sweep/evaluate.js";

/** An outcome whose database averages 78 % over the test but runs at 91 % in its dashboard stage. */
function outcome(busiest: boolean): PointOutcome {
  return {
    index: 0,
    utilizationCi: { "database cpu": [0.77, 0.79] },
    summary: {
      metrics: [],
      resources: [{ name: "database cpu", utilization: 0.78 }],
      bottleneck: {
        busiest_windows: busiest
          ? [{ resource: "database cpu", window: "dashboard", utilization: 0.91, ci95: [0.9, 0.92] }]
          : [],
      },
    } as never,
  };
}

const opts = { slos: [], maxUtil: 0.8, strict: false };

describe("utilisation checks under time-varying load", () => {
  it("hold a resource to the cap in its busiest window, not over the whole test's average", () => {
    const a = assess(outcome(true), opts);
    expect(a.passes).toBe(false);
    expect(a.failing[0]).toMatchObject({
      name: "database cpu",
      value: 0.91,
      ci: [0.9, 0.92],
      window: "dashboard",
    });
    expect(describeCheck(a.failing[0]!)).toBe(
      "utilisation of database cpu in dashboard 0.91 > 0.8 (95% CI 0.9..0.92)",
    );
  });

  it("fall back to the whole traffic window for a resource with no window series", () => {
    const a = assess(outcome(false), opts);
    expect(a.passes).toBe(true);
    expect(a.checks[0]).toMatchObject({ value: 0.78, ci: [0.77, 0.79] });
    expect(a.checks[0]!.window).toBeUndefined();
  });
});
