import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { type Assessment, type Check, makeCheck } from "../../src/plan/checks.js";
import { uncertainChecks } from "../../src/plan/limit.js";
import { nearestReferenceArchitecture } from "../../src/plan/referenceArchitectures.js";
import { coderSizingRules } from "../../src/plan/sizingRules.js";
import { parseSlo, resolveSlos } from "../../src/plan/slo.js";

const METRICS = [
  { name: "api_latency_p95_ms", stage: null },
  { name: "api_rps_median", stage: "dashboard" },
  { name: "api_rps_median", stage: "web_terminal" },
];

describe("SLOs", () => {
  it("parses metric, optional stage, operator and threshold", () => {
    expect(parseSlo("api_latency_p95_ms<=300")).toMatchObject({
      name: "api_latency_p95_ms",
      op: "<=",
      threshold: 300,
    });
    expect(parseSlo("api_rps_median@dashboard >= 1e2")).toMatchObject({
      stage: "dashboard",
      op: ">=",
      threshold: 100,
    });
    expect(parseSlo("x@all<1").stage).toBeNull();
    expect(() => parseSlo("api_latency_p95_ms=300")).toThrow(InputError);
    expect(() => parseSlo("api_latency_p95_ms<=fast")).toThrow(InputError);
  });

  it("binds to the scenario's metrics, refusing unknown and ambiguous names", () => {
    const [slo] = resolveSlos([parseSlo("api_latency_p95_ms<=300")], METRICS);
    expect(slo).toMatchObject({ label: "api_latency_p95_ms@all", stage: null });
    expect(resolveSlos([parseSlo("api_rps_median@dashboard>=5")], METRICS)[0]!.label).toBe(
      "api_rps_median@dashboard",
    );
    expect(() => resolveSlos([parseSlo("api_rps_median>=5")], METRICS)).toThrow(
      /say which: api_rps_median@dashboard/,
    );
    expect(() => resolveSlos([parseSlo("nope<=1")], METRICS)).toThrow(/no summary metric "nope"/);
    expect(() => resolveSlos([parseSlo("api_rps_median@prepare>=1")], METRICS)).toThrow(/no stage prepare/);
  });
});

describe("checks", () => {
  it("decide by the mean, say whether the CI agrees, and in strict mode need the whole CI", () => {
    const clearPass = makeCheck("slo", "m", "<=", 300, 200, [180, 220], false);
    expect(clearPass).toMatchObject({ holds: true, clear: true });
    expect(clearPass.margin).toBeCloseTo(1 / 3);
    const straddle = makeCheck("slo", "m", "<=", 300, 290, [270, 310], false);
    expect(straddle).toMatchObject({ holds: true, clear: false });
    expect(makeCheck("slo", "m", "<=", 300, 290, [270, 310], true).holds).toBe(false);
    expect(makeCheck("slo", "m", ">=", 100, 90, [85, 95], false)).toMatchObject({
      holds: false,
      clear: true,
    });
    expect(makeCheck("util", "cpu", "<=", 0.8, 0.5, null, false)).toMatchObject({
      holds: true,
      clear: false,
    });
    expect(makeCheck("slo", "m", "<=", 1, null, null, false)).toMatchObject({ holds: false, margin: null });
  });
});

describe("confidence at a limit's boundary", () => {
  const assessment = (checks: Check[]): Assessment => {
    const failing = checks.filter((c) => !c.holds);
    return {
      passes: failing.length === 0,
      clear: checks.every((c) => c.clear),
      checks,
      failing,
      tightest: checks[0],
    };
  };
  const clearPass = makeCheck("util", "db", "<=", 0.8, 0.7, [0.69, 0.71], false);
  const foggyPass = makeCheck("util", "coderd", "<=", 0.8, 0.78, [0.75, 0.81], false);
  const clearFail = makeCheck("util", "db", "<=", 0.8, 0.85, [0.84, 0.86], false);
  const foggyFail = makeCheck("util", "coderd", "<=", 0.8, 0.81, [0.79, 0.83], false);

  it("is settled by one clear failure above, and by every check clear below", () => {
    expect(uncertainChecks(assessment([clearPass]), assessment([clearFail, foggyFail]))).toEqual([]);
    expect(
      uncertainChecks(assessment([clearPass, foggyPass]), assessment([clearFail])).map((c) => c.name),
    ).toEqual(["coderd"]);
    expect(
      uncertainChecks(assessment([clearPass]), assessment([foggyFail, clearPass])).map((c) => c.name),
    ).toEqual(["coderd"]);
  });
});

describe("Coder's published sizing", () => {
  it("applies the rules of thumb", () => {
    // The 2000-user scale test ran 2 x 4 vCPU coderd and 50 x 0.5 vCPU provisioners: what the rules give.
    const rules = coderSizingRules({ users: 2000, activeUsers: 2000, concurrentBuilds: 50 }).deployment;
    expect(rules).toMatchObject({
      coderdReplicas: 2,
      coderdVcpu: 4,
      coderdMemoryGb: 8,
      dbVcpu: 6,
      provisioners: 50,
    });
    expect(rules.provisionerVcpu).toBe(0.5);
    const small = coderSizingRules({ users: 100, activeUsers: 30, concurrentBuilds: 0 }).deployment;
    expect(small).toMatchObject({ coderdReplicas: 1, coderdVcpu: 1, dbVcpu: 3, provisioners: 1 });
  });

  it("picks the smallest reference architecture sized for at least the users", () => {
    expect(nearestReferenceArchitecture(500).name).toBe("1k");
    expect(nearestReferenceArchitecture(2000).name).toBe("2k");
    expect(nearestReferenceArchitecture(2001).name).toBe("3k");
    expect(nearestReferenceArchitecture(50_000).name).toBe("10k");
  });
});
