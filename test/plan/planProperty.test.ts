import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { assess } from "../../src/plan/checks.js";
import { deploymentOf, deploymentOverrides } from "../../src/plan/deployment.js";
import { failsLike, failureOf } from "../../src/plan/dominance.js";
import { planDeployment } from "../../src/plan/plan.js";
import { type SearchContext, variant } from "../../src/plan/simulate.js";
import { parseSlo, resolveSlos } from "../../src/plan/slo.js";
import type { RunSummary } from "../../src/run/runScenario.js";
import type { PointOutcome, PointTask } from "../../src/sweep/evaluate.js";

const ROOT = resolve(import.meta.dirname, "../..");
const base = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"));

/** A stable pseudo-random number in [-1, 1] per deployment: noise that is not monotone in size. */
function noise(key: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

interface World {
  coderdDemand: number;
  dbDemand: number;
  latencyScale: number;
  noiseAmplitude: number;
  salt: number;
}

/** A stand-in for the simulator: utilisation from the law, latency growing with it, plus noise. */
function fakeEvaluate(world: World) {
  return (task: PointTask): PointOutcome => {
    const d = deploymentOf(task.loaded.scenario);
    const key = JSON.stringify(d);
    const coderdUtil = Math.min(1, world.coderdDemand / (d.coderdReplicas * d.coderdVcpu));
    const dbUtil = Math.min(1, world.dbDemand / d.dbVcpu);
    const worst = Math.max(coderdUtil, dbUtil);
    const latency =
      (world.latencyScale / Math.max(0.01, 1 - worst)) * (1 + world.noiseAmplitude * noise(key, world.salt));
    // Throughput and jobs present too, so the theory screen (src/plan/screen.ts) measures and prunes.
    const inSystem = (u: number, servers: number) => (u * servers) / Math.max(0.01, 1 - u);
    const resources = [
      ...Array.from({ length: d.coderdReplicas }, (_, i) => ({
        name: `coderd-${i} cpu`,
        kind: "cpu",
        servers: d.coderdVcpu,
        utilization: coderdUtil,
        throughput_per_s: 100 / d.coderdReplicas,
        mean_in_system: inSystem(coderdUtil, d.coderdVcpu),
      })),
      {
        name: "database cpu",
        kind: "cpu",
        servers: d.dbVcpu,
        utilization: dbUtil,
        throughput_per_s: 100,
        mean_in_system: inSystem(dbUtil, d.dbVcpu),
      },
    ];
    const summary = {
      metrics: [
        {
          name: "api_latency_p95_ms",
          stage: null,
          unit: "ms",
          mean: latency,
          ci95: [latency * 0.9, latency * 1.1],
        },
      ],
      resources,
    } as unknown as RunSummary;
    return { index: task.index, summary, utilizationCi: {} };
  };
}

describe("plan (property)", () => {
  it("whatever the load and noise, only ever recommends a deployment whose every check held, the cheapest such", () => {
    let screened = 0;
    fc.assert(
      fc.property(
        fc.record({
          coderdDemand: fc.double({ min: 0.05, max: 40, noNaN: true }),
          dbDemand: fc.double({ min: 0.05, max: 40, noNaN: true }),
          latencyScale: fc.double({ min: 5, max: 200, noNaN: true }),
          noiseAmplitude: fc.double({ min: 0, max: 0.5, noNaN: true }),
          salt: fc.integer(),
        }),
        fc.integer({ min: 50, max: 400 }),
        fc.option(fc.constantFrom(1, 2, 4, 8), { nil: undefined }),
        fc.integer({ min: 1, max: 12 }),
        (world, sloMs, pinnedDb, maxSimulations) => {
          const evaluate = fakeEvaluate(world);
          const slos = resolveSlos(
            [parseSlo(`api_latency_p95_ms<=${sloMs}`)],
            [{ name: "api_latency_p95_ms", stage: null }],
          );
          const ctx: SearchContext = {
            base: base.loaded,
            model: base.model,
            sets: [],
            replications: 2,
            seed: 1,
            checks: { slos, maxUtil: 0.8, strict: false },
            evaluate,
          };
          const result = planDeployment(ctx, { users: 100, maxSimulations, fixed: { dbVcpu: pinnedDb } });
          screened += result.pruned.utilisationLaw + result.pruned.mva;
          // No candidate is simulated that a run before it already decided: no bigger than a failed run,
          // or no bigger on the CPU that run failed on (its utilisation cannot fall with the other sizes).
          result.simulations.forEach((s, i) => {
            if (s.role !== "candidate") return;
            const before = result.simulations.slice(0, i).filter((e) => !e.assessment.passes);
            const decided = before.find((e) =>
              failsLike(failureOf(e.deployment, e.assessment), s.deployment),
            );
            expect(decided?.deployment, JSON.stringify(s.deployment)).toBeUndefined();
          });
          const rec = result.recommended;
          if (!rec) {
            expect(
              result.simulations.filter(
                (s) => s.assessment.passes && (pinnedDb ?? s.deployment.dbVcpu) === s.deployment.dbVcpu,
              ),
            ).toEqual([]);
            return;
          }
          // Re-simulating the recommendation gives the same verdict: every check holds.
          const loaded = variant(ctx, ["workload.users=100", ...deploymentOverrides(rec.deployment)]);
          expect(assess(evaluate({ index: 0, loaded, model: base.model }), ctx.checks).passes).toBe(true);
          expect(rec.assessment.passes).toBe(true);
          expect(rec.assessment.failing).toEqual([]);
          if (pinnedDb !== undefined) expect(rec.deployment.dbVcpu).toBe(pinnedDb);
          for (const s of result.simulations) {
            const fits = pinnedDb === undefined || s.deployment.dbVcpu === pinnedDb;
            if (s.assessment.passes && fits) expect(rec.cost.total).toBeLessThanOrEqual(s.cost.total);
          }
        },
      ),
      { numRuns: 40, seed: 20240601 },
    );
    // The screen took part: some candidates were removed without simulating.
    expect(screened).toBeGreaterThan(0);
  });
});
