import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { assess } from "../../src/plan/checks.js";
import { searchContext } from "../../src/plan/context.js";
import { deploymentOverrides, totalVcpu } from "../../src/plan/deployment.js";
import { type PlanResult, planDeployment } from "../../src/plan/plan.js";
import { renderPlan } from "../../src/plan/renderPlan.js";
import { type SearchContext, variant } from "../../src/plan/simulate.js";
import { evaluatePoint } from "../../src/sweep/evaluate.js";
import { LINEAR_VCPU_PER_AGENT, writeLinearFixture } from "./linearFixture.js";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-plan-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(scenario: string, slos: string[], sets: string[] = []): SearchContext {
  const { loaded, model } = loadScenarioAndModel(scenario, sets);
  return searchContext(loaded, model, { sets, slos, maxUtil: 0.8, strict: false });
}

/** Simulates the recommendation again from scratch, as a user re-running it would, and checks it. */
function recheck(ctx: SearchContext, result: PlanResult) {
  const rec = result.recommended!;
  const loaded = variant(ctx, [`workload.users=${result.users}`, ...deploymentOverrides(rec.deployment)]);
  const outcome = evaluatePoint({
    index: 0,
    loaded,
    model: ctx.model,
    replications: ctx.replications,
    seed: ctx.seed,
  });
  return assess(outcome, ctx.checks);
}

function expectNeverFailing(ctx: SearchContext, result: PlanResult) {
  expect(result.recommended).not.toBeNull();
  const rec = result.recommended!;
  expect(rec.assessment.passes).toBe(true);
  expect(recheck(ctx, result).passes).toBe(true);
  // Cheapest (monthly list price) of everything simulated that passed; every cheaper run simulated failed.
  for (const s of result.simulations) {
    if (s.cost.total < rec.cost.total) expect(s.assessment.passes).toBe(false);
  }
}

describe("capsim plan", () => {
  it("finds the analytically cheapest coderd for a linear load, and the database it needs", () => {
    const ctx = context(
      writeLinearFixture(dir),
      ["agent_connections>=1900"],
      ["workload.builds.create_concurrency=10"],
    );
    const result = planDeployment(ctx, { users: 2000 });
    expect(result.status).toBe("found");
    const d = result.recommended!.deployment;
    // 2000 agents x 0.001 vCPU = 2 vCPU of demand: under an 80% cap that is at least 2.5, so 3 x 1 vCPU.
    expect(d.coderdReplicas * d.coderdVcpu).toBe(Math.ceil((2000 * LINEAR_VCPU_PER_AGENT) / 0.8));
    expect(d).toMatchObject({ coderdReplicas: 3, coderdVcpu: 1, dbVcpu: 1, provisioners: 10 });
    expect(result.demand.coderdVcpu).toBeCloseTo(2, 2);
    expectNeverFailing(ctx, result);
    expect(result.rules.simulation.vcpu).toBeGreaterThan(result.recommended!.vcpu);
    // The 2k reference has at least every size of the rules deployment, which held: inferred, not simulated.
    expect(result.rules.simulation.assessment.passes).toBe(true);
    expect(result.reference.simulation.inferred).toMatch(/not simulated/);
    expect(result.simulations.map((s) => s.role)).not.toContain("reference");
    expect(renderPlan(result, ctx)).toContain("holds (inferred)");
  });

  it("never recommends a deployment that fails its own checks (latency SLOs, a build SLO)", () => {
    const small = join(ROOT, "test/fixtures/sweep/small.yaml");
    for (const slos of [
      ["api_latency_p95_ms<=100"],
      ["api_latency_p95_ms<=100", "provisioner_queue_wait_p95_s<=120"],
    ]) {
      const ctx = context(small, slos);
      const result = planDeployment(ctx, { users: 100 });
      expectNeverFailing(ctx, result);
      const text = renderPlan(result, ctx);
      expect(text).toContain("side by side");
      expect(text).toContain("Coder rules");
      if (slos.length === 2) {
        expect(result.provisionersBySimulation).toBe(true);
        expect(result.recommended!.deployment.provisioners).toBeLessThan(result.concurrentBuilds);
      }
    }
  });

  it("recommends nothing when no deployment holds the SLO", () => {
    const ctx = context(join(ROOT, "test/fixtures/sweep/small.yaml"), ["api_latency_p95_ms<=1"]);
    const result = planDeployment(ctx, { users: 100, maxSimulations: 2 });
    expect(result.status).toBe("none");
    expect(result.recommended).toBeNull();
    expect(result.simulations.every((s) => !s.assessment.passes)).toBe(true);
    expect(renderPlan(result, ctx)).toContain("no deployment found");
  });

  it("keeps sizes pinned with --set out of the search", () => {
    const ctx = context(join(ROOT, "test/fixtures/sweep/small.yaml"), ["api_latency_p95_ms<=100"]);
    const result = planDeployment(ctx, { users: 100, fixed: { dbVcpu: 4 } });
    expect(result.recommended!.deployment.dbVcpu).toBe(4);
    expect(totalVcpu(result.recommended!.deployment)).toBe(result.recommended!.vcpu);
  });

  it("with --survive replica-loss, recommends a deployment that also holds with one replica fewer", () => {
    const ctx = context(join(ROOT, "test/fixtures/sweep/small.yaml"), ["api_latency_p95_ms<=400"]);
    const result = planDeployment(ctx, { users: 100, survive: "replica-loss" });
    expectNeverFailing(ctx, result);
    const rec = result.recommended!;
    expect(rec.deployment.coderdReplicas).toBeGreaterThanOrEqual(2);
    // Re-simulate what is left after losing a replica: it must pass its own checks too.
    const fewer = { ...rec.deployment, coderdReplicas: rec.deployment.coderdReplicas - 1 };
    const loaded = variant(ctx, [`workload.users=${result.users}`, ...deploymentOverrides(fewer)]);
    const outcome = evaluatePoint({
      index: 0,
      loaded,
      model: ctx.model,
      replications: ctx.replications,
      seed: ctx.seed,
    });
    expect(assess(outcome, ctx.checks).passes).toBe(true);
    // The single-replica rules deployment cannot survive losing its replica.
    expect(result.rules.simulation.assessment.passes).toBe(false);
    // So the reference is simulated, not inferred.
    expect(result.reference.simulation.inferred).toBeUndefined();
    expect(result.simulations.map((s) => s.role)).toContain("reference");
  });
});
