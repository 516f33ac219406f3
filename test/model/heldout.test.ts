import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/loadModel.js";
import { type RunSummary, runScenario } from "../../src/run/runScenario.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot, runFile } from "./helpers.js";

/**
 * A held-out incident no reading was fitted to: coder/coder #9782 (400 agents, per-item metadata, a
 * 1-vCPU Cloud SQL instance, reported saturated). The chosen readings (docs/model.md, Readings: database
 * 8 vCPU, DERP-gauge latency, 10 % traffic, sequential stages; measured costs times the fitted k) say the
 * database saturates; the former default (database 2 vCPU, k_meta 7.434) just does; the shipped default (database 2 vCPU,
 * PostgreSQL 14.11 costs and v2.8's authentication measured, one k) does not.
 */
const HELD_OUT = "scenarios/heldout/issue-9782-per-item-400.yaml";

function databaseUtilization(modelFile: string): number {
  const loaded = loadScenario(resolve(repoRoot, HELD_OUT));
  const { summary } = runScenario(loaded, loadModel(resolve(repoRoot, modelFile)), {});
  const median = summary.metrics.find((m) => m.name === "db_cpu_utilization_median" && m.stage === null);
  if (median?.mean === undefined || median.mean === null) throw new Error("no database utilisation");
  return median.mean;
}

describe("held-out incident coder/coder #9782", () => {
  it("the 8 vCPU reading's form C (k_meta 45.94) predicts a saturated database", () => {
    expect(databaseUtilization("models/readings/fit-metadata-k1.yaml")).toBeGreaterThanOrEqual(0.95);
  });

  it("the former default (k_meta 7.434 on PostgreSQL 18.4 costs) puts it at saturation", () => {
    // With v2.2's per-item call counted from source (docs/model.md, "The per-item metadata call of v2.2"):
    // 0.954 at seed 1, borderline; the metadata path's fitted k_meta carried the authentication query's cost.
    expect(databaseUtilization("models/readings/kmeta-pg18.yaml")).toBeGreaterThanOrEqual(0.9);
  });

  it("the shipped default (PostgreSQL 14.11 costs, authentication charged, one k) puts it busy, not saturated", () => {
    // Since 2026-12-07 16:30 UTC: 0.64 at seed 1 (docs/model.md, "The default since 16:30"): the held-out
    // claim (saturated) disagrees; the bounds are the answer's neighbourhood, so a change that moves it shows.
    const u = databaseUtilization("models/coder-v2.8.yaml");
    expect(u).toBeGreaterThan(0.5);
    expect(u).toBeLessThan(0.85);
  });

  it("and with the unexplained database CPU as a named residual (k held to 1..2), trivially", () => {
    // 5.2 vCPU of residual saturate a 1-vCPU instance by themselves: this form cannot discriminate.
    expect(databaseUtilization("models/readings/fit-favoured-residual.yaml")).toBeGreaterThanOrEqual(0.95);
  });

  it("so does the database-size reading alone (8 vCPU, fitted k)", () => {
    expect(databaseUtilization("models/readings/fit-db-8vcpu-k.yaml")).toBeGreaterThanOrEqual(0.95);
  });

  it("the rejected reading (2 vCPU, fitted k) does not: its per-statement costs are too small", () => {
    expect(databaseUtilization("models/readings/fit-db-2vcpu-k.yaml")).toBeLessThan(0.9);
  });

  it("nor does the former default, fitted under the rejected readings (2 vCPU, overlapping stages)", () => {
    expect(databaseUtilization("models/readings/fit-2vcpu-overlap.yaml")).toBeLessThan(0.9);
  });
});

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** A summary figure of a run (the traffic window's, stage null unless named). */
function figure(summary: RunSummary, name: string, stage: string | null = null): number {
  const m = summary.metrics.find((x) => x.name === name && x.stage === stage);
  if (m?.mean === undefined || m.mean === null) throw new Error(`no ${name}`);
  return m.mean;
}

/**
 * coder/coder #11897 (held out: the model takes only the 10-open pool default from it): with the pool at
 * 10 and a database 100 ms away, hundreds of concurrent /api/v2/workspaces requests queued for the pool
 * and took up to ~120 s while coderd used "less than 2 cores"; a pool of 200 improved it.
 */
describe("held-out incident coder/coder #11897 (pool starvation)", () => {
  const FILE = "scenarios/heldout/issue-11897-pool-starvation.yaml";
  // One run each, shared by the assertions below (run on first use, not at collection).
  const pool10 = once(() => runFile(FILE, ["deployment.coderd.pg_conn_max_open=10"], 1).summary);
  const pool200 = once(() => runFile(FILE, [], 1).summary);

  it("at 10 open connections API requests wait tens of seconds, as reported", () => {
    expect(figure(pool10(), "api_latency_p95_ms")).toBeGreaterThanOrEqual(10_000);
  });

  it("while coderd uses less than 2 cores: the pool, not the CPU, binds", () => {
    expect(figure(pool10(), "coderd_cpu_vcpu_median")).toBeLessThan(2);
    const pool = pool10().resources.find((r) => r.name === "coderd-0 db pool");
    expect(pool?.utilization).toBeGreaterThan(0.95);
  });

  it("and raising the pool to 200 cuts the latency (by more than 10x)", () => {
    expect(figure(pool200(), "api_latency_p95_ms")).toBeLessThan(figure(pool10(), "api_latency_p95_ms") / 10);
  });
});

/**
 * Coder's validated 1k-user architecture (docs/admin/infrastructure/validated-architectures, held out: no
 * fit uses it) should not be predicted saturated at its stated load (600 running workspaces, builds 60 at
 * a time): every resource below 90 % over the traffic window, one replication.
 */
describe("held-out deployment: the validated 1k-user architecture", () => {
  it("is not predicted saturated at its stated load", () => {
    const { summary } = runFile("scenarios/reference/1k.yaml", [], 1);
    for (const r of summary.resources) expect(r.utilization, r.name).toBeLessThan(0.9);
  });
});
