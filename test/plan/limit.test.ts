import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { parseMaxUtil, searchContext } from "../../src/plan/context.js";
import { findLimit, parseTolerance } from "../../src/plan/limit.js";
import type { SearchContext } from "../../src/plan/simulate.js";
import { LINEAR_VCPU_PER_AGENT, writeLinearFixture } from "./linearFixture.js";

let dir: string;
let scenario: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-limit-"));
  scenario = writeLinearFixture(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(opts: { maxUtil?: number; slos?: string[]; sets?: string[] } = {}): SearchContext {
  const { loaded, model } = loadScenarioAndModel(scenario, opts.sets ?? []);
  return searchContext(loaded, model, {
    sets: opts.sets ?? [],
    slos: opts.slos ?? [],
    maxUtil: opts.maxUtil ?? 0.8,
    strict: false,
  });
}

/**
 * On one 1-vCPU replica coderd's utilisation is users x k plus request work below k (k = vCPU per
 * agent), so the largest user count at or under a cap u is ceil(u / k) - 1.
 */
const knownLimit = (cap: number) => Math.ceil(cap / LINEAR_VCPU_PER_AGENT - 1e-9) - 1;

describe("capsim limit", () => {
  it("finds the analytically known saturation point, exactly, and names the resource", () => {
    const r = findLimit(context(), { path: "workload.users", tolerance: { absolute: 0 } });
    expect(knownLimit(0.8)).toBe(799);
    expect(r).toMatchObject({
      status: "found",
      integer: true,
      value: 799,
      firstFailing: 800,
      confidence: "clear",
    });
    expect(r.limitedBy[0]).toMatchObject({ kind: "util", name: "coderd-0 cpu", holds: false });
    // Bracketing doubled from the scenario's 500 users to 1000, then bisected.
    expect(r.evaluations.slice(0, 2).map((e) => e.value)).toEqual([500, 1000]);
  });

  it("moves with the cap, halving when the start already fails", () => {
    const r = findLimit(context({ maxUtil: 0.3 }), { path: "workload.users", tolerance: { absolute: 0 } });
    expect(r.value).toBe(knownLimit(0.3));
    expect(r.evaluations[1]!.value).toBe(250);
  });

  it("stops at an SLO when it binds first, and honours a coarse tolerance", () => {
    const r = findLimit(context({ slos: ["agent_connections<=300"] }), {
      path: "workload.users",
      tolerance: parseTolerance("5%"),
    });
    expect(r.limitedBy[0]).toMatchObject({ kind: "slo", name: "agent_connections@all" });
    expect(r.value).toBeLessThanOrEqual(300);
    expect(r.firstFailing! - r.value!).toBeLessThanOrEqual(Math.max(1, 0.05 * r.value!));
    expect(r.firstFailing).toBeGreaterThan(300);
  });

  it("reports when nothing holds above --min, or everything holds up to --max", () => {
    const none = findLimit(context(), { path: "workload.users", min: 900, tolerance: { absolute: 0 } });
    expect(none).toMatchObject({ status: "none_holds", value: null, firstFailing: 900 });
    const all = findLimit(context(), { path: "workload.users", max: 700, tolerance: { absolute: 0 } });
    expect(all).toMatchObject({ status: "holds_up_to_max", value: 700, firstFailing: null });
  });

  it("parses tolerances and caps", () => {
    expect(parseTolerance("1%")).toEqual({ relative: 0.01 });
    expect(parseTolerance("25")).toEqual({ absolute: 25 });
    expect(() => parseTolerance("-1")).toThrow();
    expect(() => parseMaxUtil("1.5")).toThrow();
  });
});
