import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { fitCostLaw, nLnN } from "../../src/model/costLawFit.js";
import {
  agentStatsVolume,
  dauQueryCpuSeconds,
  dauRefreshCpuSeconds,
  deploymentStatsCpuSeconds,
  retentionDays,
} from "../../src/model/dataVolume.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import { dataVolumeSummary } from "../../src/run/dataVolumeSummary.js";
import { loadScenario } from "../../src/scenario/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const { model } = loadModel("coder-v2.8", resolve(ROOT, "scenarios/scaletest-2000.yaml"));
const p = model.data_volume!;
/** A scenario that does not state its history (the reference 1k deployment). */
const scenario = (sets: string[]) =>
  loadScenario(resolve(ROOT, "scenarios/reference/1k.yaml"), sets).scenario;

describe("the cost laws of the statements that read the stored agent stats", () => {
  it("n ln n in closed form", () => {
    expect(nLnN(1)).toBe(0);
    expect(nLnN(0)).toBe(0);
    expect(nLnN(Math.E)).toBeCloseTo(Math.E, 12);
    expect(nLnN(60_000)).toBeCloseTo(60_000 * Math.log(60_000), 6);
  });

  it("deployment stats: c x the window's rows (agents x 30: a row per agent every 30 s for 15 min)", () => {
    expect(p.deployment_stats_window_rows_per_agent.value).toBe(30);
    expect(deploymentStatsCpuSeconds(p, 2000)).toBeCloseTo(
      p.deployment_stats_cpu_s_per_row.value * 60_000,
      12,
    );
    expect(deploymentStatsCpuSeconds(p, 6000) / deploymentStatsCpuSeconds(p, 2000)).toBeCloseTo(3, 12);
    expect(deploymentStatsCpuSeconds(p, 0)).toBe(0);
  });

  it("DAU refresh: passes x c x the stored rows", () => {
    expect(dauQueryCpuSeconds(p, 1e6)).toBeCloseTo(p.daus_cpu_s_per_row.value * 1e6, 12);
    expect(dauRefreshCpuSeconds(p, 1e6)).toBeCloseTo(
      p.daus_passes_per_refresh.value * dauQueryCpuSeconds(p, 1e6),
      12,
    );
    expect(dauQueryCpuSeconds(p, 1e8) / dauQueryCpuSeconds(p, 1e7)).toBeCloseTo(10, 12);
  });

  it("fits a law through the origin: recovers c exactly from its own points, and says when the law is wrong", () => {
    const c = 1.7e-7;
    const pts = [3e4, 6e4, 1.8e5].map((n) => ({ n, y: c * nLnN(n) }));
    const fit = fitCostLaw(pts, "n_ln_n");
    expect(fit.coefficient).toBeCloseTo(c, 18);
    expect(fit.rmsRelative).toBeLessThan(1e-12);
    const linear = fitCostLaw(pts, "linear");
    expect(linear.rmsRelative).toBeGreaterThan(0.01);
    // Points above the law at both ends and below in the middle: residuals of both signs.
    expect(Math.min(...linear.relativeResiduals)).toBeLessThan(0);
    expect(Math.max(...linear.relativeResiduals)).toBeGreaterThan(0);
    expect(() => fitCostLaw([{ n: 10, y: 0 }], "linear")).toThrow(RangeError);
  });
});

describe("the stored agent stats: a scenario's history, else dbpurge's retention at the version", () => {
  it("a month before v2.3, 6 months to v2.9, about a day from the rollup's version", () => {
    expect(model.versions.template_usage_rollup?.value).toBe("2.10.0");
    expect(retentionDays(p, mechanismsFor("2.2", model))).toBe(30);
    expect(retentionDays(p, mechanismsFor("0.24", model))).toBe(30);
    expect(retentionDays(p, mechanismsFor("2.3", model))).toBe(180);
    expect(retentionDays(p, mechanismsFor("2.8", model))).toBe(180);
    expect(retentionDays(p, mechanismsFor("2.9.5", model))).toBe(180);
    expect(retentionDays(p, mechanismsFor("2.10", model))).toBe(1);
    expect(retentionDays(p, mechanismsFor("2.30", model))).toBe(1);
  });

  it("rows = workspaces x rows per agent-day x running share x days", () => {
    const perDay = p.agent_stats_rows_per_agent_day.value * p.agent_running_share.value;
    const unstated = scenario([]);
    expect(unstated.deployment.database.agent_stats_history_days).toBeUndefined();
    const workspaces = unstated.workload.workspaces;
    expect(agentStatsVolume(p, unstated, mechanismsFor("2.8", model))).toEqual({
      historyDays: 180,
      historyFrom: "retention",
      rows: Math.round(workspaces * perDay * 180),
    });
    expect(agentStatsVolume(p, unstated, mechanismsFor("2.30", model)).rows).toBe(
      Math.round(workspaces * perDay),
    );
    const stated = agentStatsVolume(
      p,
      scenario(["deployment.database.agent_stats_history_days=30", "workload.workspaces=500"]),
      mechanismsFor("2.8", model),
    );
    expect(stated).toEqual({ historyDays: 30, historyFrom: "scenario", rows: Math.round(500 * perDay * 30) });
  });

  it("the DAU refresh runs before the rollup only, and the deployment-stats query is charged by its law", () => {
    const before = buildRequestCatalog(model, mechanismsFor("2.9", model));
    const after = buildRequestCatalog(model, mechanismsFor("2.10", model));
    expect(after.dauRefresh).toBeUndefined();
    const step = before.dauRefresh!.steps[0]!;
    expect(step.kind === "query" && step.perRowSeconds).toBeCloseTo(
      p.daus_passes_per_refresh.value * p.daus_cpu_s_per_row.value,
      15,
    );
    const stats = after.deploymentStats.steps[0]!;
    expect(stats.kind === "query" && stats.perRowSeconds).toBe(p.deployment_stats_cpu_s_per_row.value);
  });

  it("run --json's data_volume: the volume, where it came from and what the refreshes cost", () => {
    const sc = scenario(['deployment.coder_version="2.8"']);
    const v28 = dataVolumeSummary(sc, model, mechanismsFor("2.8", model))!;
    const rows = Math.round(sc.workload.workspaces * 2880 * p.agent_running_share.value * 180);
    expect(v28).toEqual({
      agent_stats_history_days: 180,
      history_from: "retention",
      agent_stats_rows: rows,
      dau_source: "agent_stats_scan",
      dau_refresh_cpu_s: dauRefreshCpuSeconds(p, rows),
      dau_refresh_interval_s: 3600,
      deployment_stats_cpu_s: deploymentStatsCpuSeconds(p, sc.workload.workspaces),
    });
    const v230 = dataVolumeSummary(sc, model, mechanismsFor("2.30", model))!;
    expect([v230.dau_source, v230.dau_refresh_cpu_s, v230.agent_stats_history_days]).toEqual([
      "rollup",
      0,
      1,
    ]);
    const { model: base } = loadModel("coder-v2.8-base", resolve(ROOT, "scenarios/scaletest-2000.yaml"));
    expect(dataVolumeSummary(sc, base, mechanismsFor("2.8", base))).toBeUndefined();
  });
});
