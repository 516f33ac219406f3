import type { Scenario } from "../scenario/index.js";
import type { VersionMechanisms } from "./coderVersion.js";
import type { ModelFile } from "./modelSchema.js";

type DataVolumeParams = NonNullable<ModelFile["data_volume"]>;

/**
 * The agent stats a deployment's database holds, and what the statements that read them cost (the
 * model's `data_volume`; docs/model.md, "Statements that grow with the data"). The volume is fixed for
 * a run: the rows the run itself adds (agents x 2 a minute) are left out.
 */
export interface AgentStatsVolume {
  /** Days of history: the scenario's `deployment.database.agent_stats_history_days`, else the retention. */
  historyDays: number;
  /** Where historyDays came from. */
  historyFrom: "scenario" | "retention";
  /** workspace_agent_stats rows when the run starts. */
  rows: number;
}

/** Days of agent stats dbpurge keeps at the version: a month, then 6 months, then a day after the rollup. */
export function retentionDays(p: DataVolumeParams, mech: VersionMechanisms): number {
  if (mech.statsRetention === "day") return p.agent_stats_retention_days_after_rollup.value;
  if (mech.statsRetention === "month") return p.agent_stats_retention_days_early.value;
  return p.agent_stats_retention_days.value;
}

/** The stored agent stats at the start of a run: the scenario's history, else what dbpurge keeps. */
export function agentStatsVolume(
  p: DataVolumeParams,
  scenario: Scenario,
  mech: VersionMechanisms,
): AgentStatsVolume {
  const stated = scenario.deployment.database.agent_stats_history_days;
  const historyDays = stated ?? retentionDays(p, mech);
  const perWorkspaceDay = p.agent_stats_rows_per_agent_day.value * p.agent_running_share.value;
  return {
    historyDays,
    historyFrom: stated === undefined ? "retention" : "scenario",
    rows: Math.round(scenario.workload.workspaces * perWorkspaceDay * historyDays),
  };
}

/** Rows in the deployment-stats query's window with `agents` connected. */
export function deploymentStatsWindowRows(p: DataVolumeParams, agents: number): number {
  return agents * p.deployment_stats_window_rows_per_agent.value;
}

/** Database CPU of one GetDeploymentWorkspaceAgentStats with `agents` connected: c x window rows, CPU-seconds. */
export function deploymentStatsCpuSeconds(p: DataVolumeParams, agents: number): number {
  return p.deployment_stats_cpu_s_per_row.value * deploymentStatsWindowRows(p, agents);
}

/** Database CPU of one GetDeploymentDAUs over `rows` stored agent stats: c x rows (it reads them all). */
export function dauQueryCpuSeconds(p: DataVolumeParams, rows: number): number {
  return p.daus_cpu_s_per_row.value * rows;
}

/** Database CPU of one replica's DAU refresh: every pass reads all `rows`. */
export function dauRefreshCpuSeconds(p: DataVolumeParams, rows: number): number {
  return p.daus_passes_per_refresh.value * dauQueryCpuSeconds(p, rows);
}
