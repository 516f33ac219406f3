import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { loadPriceFile, SHIPPED_PRICES_DIR } from "../../src/cost/loadPrices.js";
import { deploymentCost } from "../../src/cost/runCost.js";
import { candidateDeployments } from "../../src/plan/candidates.js";
import { searchContext } from "../../src/plan/context.js";
import { planDeployment } from "../../src/plan/plan.js";
import { planJson, renderPlan } from "../../src/plan/renderPlan.js";
import { writeLinearFixture } from "./linearFixture.js";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-plan-cost-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shape = {
  provisioners: 10,
  provisionerVcpu: 0.5,
  provisionerMemoryGb: 0.5,
  coderdGbPerVcpu: 4,
  dbGbPerVcpu: 4,
};

describe("plan ranks by cost", () => {
  it("orders candidates by monthly cost, which is not the vCPU order when the database costs more per vCPU", () => {
    const prices = loadPriceFile(join(SHIPPED_PRICES_DIR, "eks.yaml"));
    const cost = (d: Parameters<typeof deploymentCost>[0]) => deploymentCost(d, prices).total;
    const byCost = candidateDeployments({}, shape, (a, b) => cost(a) - cost(b));
    for (let i = 1; i < byCost.length; i++)
      expect(cost(byCost[i]!)).toBeGreaterThanOrEqual(cost(byCost[i - 1]!));
    // RDS vCPU costs more than EC2 vCPU: some pair of deployments swaps order between the two rankings.
    const byVcpu = candidateDeployments({}, shape);
    const rankOf = (list: typeof byCost) => new Map(list.map((d, i) => [JSON.stringify(d), i]));
    const costRank = rankOf(byCost);
    const swapped = byVcpu.some((d, i) =>
      byVcpu.slice(i + 1).some((e) => costRank.get(JSON.stringify(e))! < costRank.get(JSON.stringify(d))!),
    );
    expect(swapped).toBe(true);
  });

  it("prints the monthly cost of its recommendation, Coder's rules and the reference architecture", () => {
    const scenario = writeLinearFixture(dir);
    const sets = ["workload.builds.create_concurrency=10"];
    const { loaded, model } = loadScenarioAndModel(scenario, sets);
    const ctx = searchContext(loaded, model, {
      sets,
      slos: ["agent_connections>=1900"],
      maxUtil: 0.8,
      strict: false,
    });
    const prices = loadPriceFile(resolve(ROOT, "test/fixtures/cost/nodes-prices.yaml"));
    const result = planDeployment(ctx, { users: 2000, prices });
    const rec = result.recommended!;
    expect(rec.cost.currency).toBe("EUR");
    expect(rec.cost.total).toBeCloseTo(deploymentCost(rec.deployment, prices).total, 6);
    for (const s of result.simulations)
      if (s.assessment.passes) expect(rec.cost.total).toBeLessThanOrEqual(s.cost.total);
    const text = renderPlan(result, ctx);
    expect(text).toMatch(/cost per month\s+EUR [\d,]+/);
    const costLine = text.split("\n").find((l) => l.trimStart().startsWith("cost /month"))!;
    expect(costLine.match(/EUR [\d,]+/g)).toHaveLength(3);
    expect(text).toContain("test-cloud list prices");
    const json = planJson(result, ctx) as Record<string, { cost_per_month: { total: number } }>;
    expect(json.recommended!.cost_per_month.total).toBe(rec.cost.total);
    expect(json.coder_rules!.cost_per_month.total).toBe(result.rules.simulation.cost.total);
    expect(json.reference_architecture!.cost_per_month.total).toBe(result.reference.simulation.cost.total);
  });
});
