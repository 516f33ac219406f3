import { describe, expect, it } from "vitest";
import { formatError } from "../../src/compare/compareText.js";
import { formatTolerance, parseTolerance } from "../../src/compare/tolerance.js";
import { judge, relativeError } from "../../src/compare/verdict.js";

describe("the pass rule", () => {
  it("passes a value within the tolerance of the simulated mean, both sides", () => {
    expect(judge(100, { value: 109 }, 0.1)).toEqual({ error: 0.09, verdict: "pass" });
    expect(judge(100, { value: 91 }, 0.1).verdict).toBe("pass");
    expect(judge(100, { value: 111 }, 0.1).verdict).toBe("fail");
    expect(judge(100, { value: 89 }, 0.1).verdict).toBe("fail");
  });

  it("passes exactly on the boundary despite float rounding", () => {
    expect(judge(3, { value: 3.3 }, 0.1).verdict).toBe("pass");
    expect(judge(0.7, { value: 0.63 }, 0.1).verdict).toBe("pass");
  });

  it("passes a range when it overlaps [mean(1-tol), mean(1+tol)]", () => {
    expect(judge(7.5, { range: [6.7, 8.4] }, 0.1)).toEqual({ error: 0, verdict: "pass" });
    // Range wholly above the band: 111..120 against 90..110 fails; 109..120 overlaps.
    expect(judge(100, { range: [111, 120] }, 0.1).verdict).toBe("fail");
    expect(judge(100, { range: [109, 120] }, 0.1)).toEqual({ error: 0.09, verdict: "pass" });
    expect(judge(100, { range: [50, 91] }, 0.1)).toEqual({ error: -0.09, verdict: "pass" });
    expect(judge(100, { range: [50, 89] }, 0.1).verdict).toBe("fail");
  });

  it("signs the error as measured minus simulated, relative to the simulated mean", () => {
    expect(relativeError(3.157, { value: 3 })).toBeCloseTo(-0.0497, 4);
    expect(relativeError(50, { value: 60 })).toBeCloseTo(0.2, 12);
  });

  it("has no relative error against a zero mean unless the measurement is zero too", () => {
    expect(judge(0, { value: 0 }, 0.1)).toEqual({ error: 0, verdict: "pass" });
    expect(judge(0, { range: [0, 1] }, 0.1)).toEqual({ error: 0, verdict: "pass" });
    expect(judge(0, { value: 0.001 }, 0.1)).toEqual({ error: null, verdict: "fail" });
  });
});

describe("--tolerance", () => {
  it("reads percentages and fractions", () => {
    expect(parseTolerance("10%")).toBeCloseTo(0.1, 12);
    expect(parseTolerance("2.5%")).toBeCloseTo(0.025, 12);
    expect(parseTolerance("0.15")).toBe(0.15);
    expect(parseTolerance("0")).toBe(0);
    expect(formatTolerance(0.1)).toBe("10%");
  });

  it("refuses ambiguous or malformed values as bad input", () => {
    expect(() => parseTolerance("10")).toThrow(/ambiguous: write 10%/);
    expect(() => parseTolerance("ten")).toThrow(/expected a percentage/);
    expect(() => parseTolerance("-5%")).toThrow(/expected a percentage/);
    expect(() => parseTolerance("%")).toThrow(/expected a percentage/);
  });
});

describe("error column", () => {
  it("prints signed percentages, one decimal below 10 %", () => {
    expect(formatError(0.0312)).toBe("+3.1%");
    expect(formatError(-0.32)).toBe("-32%");
    expect(formatError(null)).toBe("-");
  });
});
