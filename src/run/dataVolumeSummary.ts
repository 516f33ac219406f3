import type { VersionMechanisms } from "../model/coderVersion.js";
import { agentStatsVolume, dauRefreshCpuSeconds, deploymentStatsCpuSeconds } from "../model/dataVolume.js";
import type { ModelFile } from "../model/modelSchema.js";
import type { Scenario } from "../scenario/index.js";

/** `data_volume` of `capsim run --json` (docs/output.md): the stored agent stats and what reading them costs. */
export interface DataVolumeSummary {
  agent_stats_history_days: number;
  /** "scenario" (deployment.database.agent_stats_history_days) or "retention" (what dbpurge keeps at the version). */
  history_from: "scenario" | "retention";
  agent_stats_rows: number;
  /** "agent_stats_scan": the metrics cache's DAU refresh reads every row; "rollup": it does not run. */
  dau_source: VersionMechanisms["dauSource"];
  /** Database CPU of one replica's DAU refresh (0 from the rollup's version or with no rows), CPU-seconds. */
  dau_refresh_cpu_s: number;
  dau_refresh_interval_s: number;
  /** Database CPU of one deployment-stats refresh with every workspace's agent connected, CPU-seconds. */
  deployment_stats_cpu_s: number;
}

/** The summary's data volume; undefined when the model has no `data_volume`. */
export function dataVolumeSummary(
  scenario: Scenario,
  model: ModelFile,
  mech: VersionMechanisms,
): DataVolumeSummary | undefined {
  const p = model.data_volume;
  if (!p) return undefined;
  const volume = agentStatsVolume(p, scenario, mech);
  return {
    agent_stats_history_days: volume.historyDays,
    history_from: volume.historyFrom,
    agent_stats_rows: volume.rows,
    dau_source: mech.dauSource,
    dau_refresh_cpu_s: mech.dauSource === "rollup" ? 0 : dauRefreshCpuSeconds(p, volume.rows),
    dau_refresh_interval_s: p.daus_refresh_s.value,
    deployment_stats_cpu_s: deploymentStatsCpuSeconds(p, scenario.workload.workspaces),
  };
}
