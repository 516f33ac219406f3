import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { assess } from "../../src/plan/checks.js";
import { deploymentOf } from "../../src/plan/deployment.js";
import { earlyReplications, failsClearly, simulateSequentially } from "../../src/plan/earlyReject.js";
import { findLimit } from "../../src/plan/limit.js";
import { type PlanResult, planDeployment } from "../../src/plan/plan.js";
import { planJson, renderPlan } from "../../src/plan/renderPlan.js";
import { runAhead } from "../../src/plan/runAhead.js";
import { type SearchContext, variant } from "../../src/plan/simulate.js";
import { parseSlo, resolveSlos } from "../../src/plan/slo.js";
import { meanAndCi, type RunSummary } from "../../src/run/runScenario.js";
import { evaluatePoint, type PointOutcome, type PointTask } from "../../src/sweep/evaluate.js";

const ROOT = resolve(import.meta.dirname, "../..");
const base = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"));
const slos = resolveSlos(
  [parseSlo("api_latency_p95_ms<=300")],
  [{ name: "api_latency_p95_ms", stage: null }],
);

/**
 * A stand-in for the simulator whose replication r of a deployment gives latency `latencyOf(d) * (1 +
 * spread * (r - 1))`: the same value whatever the number of replications asked (common random numbers),
 * summarised with the real t-interval. Every request is logged.
 */
function stubEvaluate(latencyOf: (task: PointTask) => number, spread: number, log: PointTask[] = []) {
  return (task: PointTask): PointOutcome => {
    log.push(task);
    const d = deploymentOf(task.loaded.scenario);
    const coderd = d.coderdReplicas * d.coderdVcpu;
    const latency = latencyOf(task);
    const reps = Array.from({ length: task.replications! }, (_, r) => latency * (1 + spread * (r - 1)));
    const util = Math.min(1, 1.5 / coderd);
    const summary = {
      metrics: [{ name: "api_latency_p95_ms", stage: null, unit: "ms", ...meanAndCi(reps) }],
      resources: [
        ...Array.from({ length: d.coderdReplicas }, (_, i) => ({
          name: `coderd-${i} cpu`,
          kind: "cpu",
          servers: d.coderdVcpu,
          utilization: util,
          throughput_per_s: 100 / d.coderdReplicas,
          mean_in_system: util * d.coderdVcpu,
        })),
      ],
    } as unknown as RunSummary;
    return { index: task.index, summary, utilizationCi: {} };
  };
}

/** Replications simulated: the most asked of each variant (a continued one reuses its first ones). */
function replications(log: readonly PointTask[]): number {
  const most = new Map<string, number>();
  for (const t of log) {
    const key = JSON.stringify(t.loaded.scenario);
    most.set(key, Math.max(most.get(key) ?? 0, t.replications!));
  }
  return [...most.values()].reduce((a, b) => a + b, 0);
}

function context(evaluate: SearchContext["evaluate"], replications: number): SearchContext {
  return {
    base: base.loaded,
    model: base.model,
    sets: [],
    replications,
    seed: 1,
    checks: { slos, maxUtil: 0.95, strict: false },
    evaluate,
  };
}

const loaded = variant(context(undefined, 3), []);
/** What the first 2 replications of a deployment with this latency and spread are assessed as. */
const twoReplications = (latency: number, spread: number) =>
  assess(stubEvaluate(() => latency, spread)({ index: 0, loaded, model: base.model, replications: 2 }), {
    slos,
    maxUtil: 0.95,
    strict: false,
  });

describe("early rejection: the decision rule", () => {
  it("stops on a check whose 2-replication 95% CI is wholly on the failing side", () => {
    // 2 replications 1.98x and 2x the threshold: t = 12.7 gives 594 ± 38 ms, all over 300.
    expect(failsClearly(twoReplications(600, 0.01))).toBe(true);
  });

  it("continues when the CI straddles the threshold, when every check holds, and without data", () => {
    expect(failsClearly(twoReplications(320, 0.05))).toBe(false);
    expect(failsClearly(twoReplications(200, 0.01))).toBe(false);
    const none = twoReplications(200, 0.01);
    const noData = {
      ...none,
      checks: [],
      failing: [{ ...none.checks[0]!, value: null, ci: null, holds: false }],
    };
    expect(failsClearly(noData)).toBe(false);
  });

  it("needs at least 3 replications to leave any out", () => {
    expect(earlyReplications(1)).toBeUndefined();
    expect(earlyReplications(2)).toBeUndefined();
    expect(earlyReplications(3)).toBe(2);
    expect(earlyReplications(5)).toBe(2);
  });

  it("asks for 2 replications of a clear failure and never for the third; else gives the full run's result", () => {
    const log: PointTask[] = [];
    const clear = simulateSequentially(
      context(
        stubEvaluate(() => 600, 0.01, log),
        3,
      ),
      loaded,
      2,
    );
    expect(clear.replications).toBe(2);
    expect(log.map((t) => t.replications)).toEqual([2]);
    for (const latency of [320, 200]) {
      log.length = 0;
      const ctx = context(
        stubEvaluate(() => latency, 0.05, log),
        3,
      );
      const open = simulateSequentially(ctx, loaded, 2);
      expect(open.replications).toBe(3);
      expect(log.map((t) => t.replications)).toEqual([2, 3]);
      expect(open.assessment).toEqual(assess(ctx.evaluate!({ ...log[1]! }), ctx.checks));
    }
  });

  it("extends a run from its first replications to the result of the whole run (runAhead's evaluate)", () => {
    const ctx = context(undefined, 3);
    const ahead = runAhead(ctx);
    const task = { index: 0, loaded, model: base.model, seed: ctx.seed };
    ahead.evaluate!({ ...task, replications: 2 });
    const extended = ahead.evaluate!({ ...task, replications: 3 });
    const whole = evaluatePoint({ ...task, replications: 3 });
    const { wall_seconds: _a, ...got } = extended.summary;
    const { wall_seconds: _b, ...want } = whole.summary;
    expect(got).toEqual(want);
    expect(extended.utilizationCi).toEqual(whole.utilizationCi);
  });
});

describe("early rejection in plan", () => {
  // Latency falls with coderd vCPU: far over the SLO on the smallest deployments, near it in between.
  const latencyOf = (task: PointTask) => {
    const d = deploymentOf(task.loaded.scenario);
    return 1200 / (d.coderdReplicas * d.coderdVcpu);
  };
  const plan = (earlyReject: boolean, replications = 3) => {
    const log: PointTask[] = [];
    const ctx = context(stubEvaluate(latencyOf, 0.02, log), replications);
    const result = planDeployment(ctx, { users: 100, earlyReject });
    return { result, log, ctx };
  };
  const keyOf = (t: PointTask) => JSON.stringify(deploymentOf(t.loaded.scenario));
  const candidates = (r: PlanResult) => r.simulations.filter((s) => s.role === "candidate");

  it("rejects a clearly failing candidate on 2 replications and never asks for its third", () => {
    const { result, log, ctx } = plan(true);
    const early = candidates(result).filter((s) => s.rejectedEarly);
    const all = result.simulations.filter((s) => s.rejectedEarly);
    expect(renderPlan(result, ctx)).toContain(
      `; ${all.length} rejected after 2 of 3 replications: clear failure)`,
    );
    const json = planJson(result, ctx) as {
      simulations: { replications: number; rejected_early: boolean }[];
    };
    expect(json.simulations.filter((s) => s.rejected_early).map((s) => s.replications)).toEqual(
      all.map(() => 2),
    );
    expect(early.length).toBeGreaterThan(0);
    for (const s of early) {
      expect(s.replications).toBe(2);
      expect(s.assessment.failing[0]!.clear).toBe(true);
      const asked = log.filter((t) => keyOf(t) === JSON.stringify(s.deployment)).map((t) => t.replications);
      expect(asked).toEqual([2]);
    }
    // A passing verdict rests on every replication.
    expect(result.recommended!.replications).toBe(3);
    expect(result.recommended!.rejectedEarly).toBe(false);
  });

  it("recommends the same deployment on the same verdict as without early rejection, with fewer replications", () => {
    const withEarly = plan(true);
    const without = plan(false);
    expect(candidates(without.result).some((s) => s.rejectedEarly)).toBe(false);
    expect(withEarly.result.recommended!.deployment).toEqual(without.result.recommended!.deployment);
    expect(withEarly.result.recommended!.assessment).toEqual(without.result.recommended!.assessment);
    expect(replications(withEarly.log)).toBeLessThan(replications(without.log));
  });

  // The rules' deployment (1 x 1 vCPU: 100 % busy, over the cap with no CI) at `rulesLatency`; the
  // reference's (3 x 2 vCPU) at 310 ms, its 2-replication CI straddling the 300 ms SLO.
  const comparisons = (rulesLatency: number) => {
    const log: PointTask[] = [];
    const latency = (task: PointTask) => {
      const d = deploymentOf(task.loaded.scenario);
      const vcpu = d.coderdReplicas * d.coderdVcpu;
      return vcpu === 1 ? rulesLatency : vcpu === 6 ? 310 : latencyOf(task);
    };
    const ctx = context(stubEvaluate(latency, 0.02, log), 3);
    const result = planDeployment(ctx, { users: 100, earlyReject: true });
    const asked = (s: { deployment: unknown }) =>
      log.filter((t) => keyOf(t) === JSON.stringify(s.deployment)).map((t) => t.replications);
    return { result, asked };
  };

  it("rejects a clearly failing rules deployment on 2 replications, like a candidate", () => {
    const { result, asked } = comparisons(900);
    const rules = result.rules.simulation;
    expect(rules.deployment.coderdVcpu * rules.deployment.coderdReplicas).toBe(1);
    expect(rules.assessment.failing[0]!.clear).toBe(true);
    expect(rules.replications).toBe(2);
    expect(rules.rejectedEarly).toBe(true);
    expect(asked(rules)).toEqual([2]);
  });

  it("gives a comparison run that does not fail clearly on its first 2 replications all of them", () => {
    const { result, asked } = comparisons(250);
    for (const s of [result.rules.simulation, result.reference.simulation]) {
      expect(s.inferred).toBeUndefined();
      expect(s.rejectedEarly).toBe(false);
      expect(s.replications).toBe(3);
      expect(asked(s)).toEqual([2, 3]);
    }
  });

  it("changes nothing with fewer than 3 replications", () => {
    const { result, log } = plan(true, 2);
    expect(log.every((t) => t.replications === 2)).toBe(true);
    expect(result.simulations.some((s) => s.rejectedEarly)).toBe(false);
  });
});

describe("early rejection in limit", () => {
  // Latency grows with users: 300 ms at 1000; doubling from 40 users overshoots far (clear failures).
  const latencyOf = (task: PointTask) => (300 * task.loaded.scenario.workload.users) / 1000;
  const limit = (earlyReject: boolean) => {
    const log: PointTask[] = [];
    const ctx = context(stubEvaluate(latencyOf, 0.02, log), 3);
    const result = findLimit(ctx, { path: "workload.users", tolerance: { absolute: 0 }, earlyReject });
    return { result, log };
  };

  it("puts a value that fails clearly on 2 replications over the limit, and finds the same limit", () => {
    const early = limit(true);
    const full = limit(false);
    expect(early.result.value).toBe(full.result.value);
    expect(early.result.firstFailing).toBe(full.result.firstFailing);
    const rejected = early.result.evaluations.filter((e) => e.replications === 2);
    expect(rejected.length).toBeGreaterThan(0);
    for (const e of rejected) expect(e.assessment.passes).toBe(false);
    expect(full.result.evaluations.every((e) => e.replications === 3)).toBe(true);
    expect(replications(early.log)).toBeLessThan(replications(full.log));
  });
});
