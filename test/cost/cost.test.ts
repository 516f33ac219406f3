import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { renderCost } from "../../src/cost/costText.js";
import { loadPriceFile, pricesFor, SHIPPED_PRICES_DIR } from "../../src/cost/loadPrices.js";
import { HOURS_PER_MONTH, machineHourly, podHourly } from "../../src/cost/pricing.js";
import { deploymentCost, pricedDeploymentOf, runCost } from "../../src/cost/runCost.js";
import { InputError } from "../../src/errors.js";
import { runScenario } from "../../src/run/runScenario.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NODES = resolve(ROOT, "test/fixtures/cost/nodes.yaml");
const SCALETEST = resolve(ROOT, "scenarios/scaletest-2000.yaml");
const shipped = (cloud: string) => loadPriceFile(join(SHIPPED_PRICES_DIR, `${cloud}.yaml`));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-cost-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("shipped price tables", () => {
  it("every price names its source page, region and date; unsourced offerings say why", () => {
    for (const cloud of ["gke", "eks", "aks"]) {
      const t = shipped(cloud).table;
      expect(t.cloud).toBe(cloud);
      const offerings = [...Object.values(t.compute.offerings), ...Object.values(t.database.offerings)];
      for (const o of offerings) {
        const prices = [o.vcpu_hour, o.gb_hour, ...(o.instances ?? []).map((i) => i.hour)].filter(Boolean);
        if (o.unsourced) expect(prices).toEqual([]);
        else expect(prices.length).toBeGreaterThan(0);
        for (const p of prices) {
          expect(p!.source).toMatch(/^https:\/\/[a-z.]*(google|amazon|azure|microsoft)\.com\//);
          expect(p!.region.length).toBeGreaterThan(0);
          expect(p!.read_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      }
    }
  });
});

describe("pricing", () => {
  const table = loadPriceFile(resolve(ROOT, "test/fixtures/cost/nodes-prices.yaml")).table;
  const family = table.compute.offerings.m!;
  const db = table.database.offerings.db!;

  it("a pod pays its larger share of an instance; a machine the cheapest instance that holds it", () => {
    expect(podHourly(family, 1, 1)!.hourly).toBeCloseTo(0.05, 12); // half an m.2 by vCPU
    expect(podHourly(family, 0.5, 8)!.hourly).toBeCloseTo(0.1, 12); // all of an m.2 by memory
    expect(machineHourly(family, 4, 8)!.hourly).toBe(0.4); // m.2 is too small: m.8
    expect(machineHourly(db, 2, 8)!.hourly).toBe(1);
    const over = machineHourly(db, 8, 16)!;
    expect(over.hourly).toBe(2); // twice the largest, labelled as an extrapolation
    expect(over.basis).toMatch(/extrapolated/);
  });

  it("per-unit tables price vCPU-hours and GB-hours (GKE: the scale test's deployment by hand)", () => {
    const gke = shipped("gke");
    const t = gke.table;
    const n2 = t.compute.offerings["n2-standard"]!;
    const sql = t.database.offerings["cloud-sql-postgres-enterprise"]!;
    const { scenario } = loadScenarioAndModel(SCALETEST).loaded;
    const cost = deploymentCost(pricedDeploymentOf(scenario), gke);
    const v = n2.vcpu_hour!.value;
    const g = n2.gb_hour!.value;
    expect(cost.components.coderd).toBeCloseTo(2 * (4 * v + 16 * g) * 730, 1);
    expect(cost.components.provisioners).toBeCloseTo(50 * (0.5 * v + 0.5 * g) * 730, 1);
    // The scale test's database under the default reading: the seed's 2 vCPU / 32 GB.
    expect(scenario.deployment.database).toMatchObject({ vcpu: 2, memory_gb: 32 });
    expect(cost.components.database).toBeCloseTo(
      (2 * sql.vcpu_hour!.value + 32 * sql.gb_hour!.value) * HOURS_PER_MONTH,
      1,
    );
  });

  it("EKS prices the 2 vCPU / 32 GB database as the db.m6i.2xlarge that holds it (32 GB); AKS leaves it unpriced", () => {
    const { scenario } = loadScenarioAndModel(SCALETEST).loaded;
    const eks = deploymentCost(pricedDeploymentOf(scenario), shipped("eks"));
    expect(eks.components.database).toBeCloseTo(0.712 * 730, 2);
    expect(eks.assumptions.join("\n")).toMatch(/db\.m6i\.2xlarge/);
    const aks = deploymentCost(pricedDeploymentOf(scenario), shipped("aks"));
    expect(aks.components.database).toBeUndefined();
    expect(aks.assumptions.join("\n")).toMatch(/database: not priced/);
    expect(aks.total).toBeCloseTo(aks.components.coderd! + aks.components.provisioners!, 2);
  });
});

describe("cost of a run", () => {
  it("prices workspace nodes from the run's node-hours, with the scenario's own price table", () => {
    const { loaded, model } = loadScenarioAndModel(NODES);
    const { summary, replicationResults } = runScenario(loaded, model);
    const c = summary.cost;
    expect(c.currency).toBe("EUR");
    expect(c.price_table.file).toBe(resolve(ROOT, "test/fixtures/cost/nodes-prices.yaml"));
    // coderd: 2 pods of 2 vCPU / 8 GB, each a whole m.2 (0.1/h); 5 provisioners of a quarter m.2 by vCPU.
    expect(c.per_month.components.coderd).toBeCloseTo(2 * 0.1 * 730, 6);
    expect(c.per_month.components.provisioners).toBeCloseTo(5 * 0.025 * 730, 6);
    expect(c.per_month.components.database).toBe(730);
    expect(c.per_month.components.control_plane).toBe(0.5 * 730);
    // Nodes are 8 vCPU / 32 GB, an m.8 (0.4/h), at the run's mean node count.
    const meanNodes =
      replicationResults.reduce((s, r) => s + r.figures.node_hours! / (r.simulatedSeconds / 3600), 0) /
      replicationResults.length;
    expect(meanNodes).toBeGreaterThan(0);
    expect(c.per_month.components.workspace_nodes).toBeCloseTo(meanNodes * 0.4 * 730, 1);
    expect(c.per_month.components.workspaces).toBeUndefined();
    const sum = Object.values(c.per_month.components).reduce((a, b) => a + b, 0);
    expect(c.per_month.total).toBeCloseTo(sum, 1);
    expect(renderCost(c).join("\n")).toMatch(/Cost per month \(EUR/);
  });

  it("without a node pool, prices running workspaces at their (template) requests", () => {
    const { loaded, model } = loadScenarioAndModel(resolve(ROOT, "test/fixtures/cost/templates-100.yaml"));
    const prices = shipped("gke");
    const usage = [{ simulatedSeconds: 7200, meanRunningWorkspaces: 50 }];
    const c = runCost(loaded.scenario, model.model, usage, prices);
    const n2 = prices.table.compute.offerings["n2-standard"]!;
    // The template asks 2 vCPU / 4 GB per workspace.
    expect(c.per_month.components.workspaces).toBeCloseTo(
      50 * (2 * n2.vcpu_hour!.value + 4 * n2.gb_hour!.value) * 730,
      1,
    );
  });

  it("picks the table: --prices, else the scenario's prices:, else deployment.cloud (default gke)", () => {
    const base = loadScenarioAndModel(SCALETEST).loaded.scenario;
    expect(pricesFor(base, SCALETEST).table.cloud).toBe("gke");
    expect(
      pricesFor({ ...base, deployment: { ...base.deployment, cloud: "eks" } }, SCALETEST).table.cloud,
    ).toBe("eks");
    const own = resolve(ROOT, "test/fixtures/cost/nodes-prices.yaml");
    expect(pricesFor(base, SCALETEST, own).table.cloud).toBe("test-cloud");
    expect(() => pricesFor(base, SCALETEST, join(dir, "missing.yaml"))).toThrow(InputError);
  });

  it("refuses a bad price file with file:line:col", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "cloud: x\ncurrency: usd\ncompute: {default: a, offerings: {}}\ndatabase: {default: b, offerings: {}}\n",
    );
    try {
      loadPriceFile(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const text = (error as InputError).message;
      expect(text).toContain(`${bad}:2:11: currency:`);
      expect(text).toMatch(/compute\.default: no offering named "a"/);
    }
  });
});

describe("capsim run --prices (CLI)", () => {
  const main = resolve(ROOT, "dist/cli/main.js");
  it.skipIf(!existsSync(main))("bad --prices exits 2 before simulating and writes nothing", () => {
    const out = join(dir, "out");
    const r = spawnSync(
      process.execPath,
      [main, "run", NODES, "--prices", join(dir, "nope.yaml"), "--out", out],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--prices: no price file/);
    expect(existsSync(out)).toBe(false);
  });
  it.skipIf(!existsSync(main))("the text report has a Cost per month block", () => {
    const text = execFileSync(
      process.execPath,
      [main, "run", NODES, "--replications", "1", "--no-progress", "--out", join(dir, "o2")],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    expect(text).toMatch(/Cost per month \(EUR, test-cloud list prices/);
    expect(text).toMatch(/workspace_nodes\s+[\d,.]+/);
  });
});
