import type { ModelFile } from "./modelSchema.js";

/** How agent metadata reaches the database, by Coder version (see docs/model.md). */
export type MetadataPath = "per_item" | "agent_batch" | "coderd_batch";
/** How agents call coderd: one HTTP request per call, or dRPC calls on the agent's websocket. */
export type AgentTransport = "http" | "drpc";

/** How the Agents() collector reads the fleet: per-workspace lookups, or one query (PR #19786). */
export type AgentsCollectorReads = "per_workspace" | "single_query";

/** How idle provisioner daemons look for jobs: a timer poll of AcquireJob, or waiting on the Acquirer (PR #9717). */
export type JobAcquire = "poll" | "acquirer";
/** Where DAUs come from: metrics-cache scans of workspace_agent_stats, or the template_usage_stats rollup. */
export type DauSource = "agent_stats_scan" | "rollup";
/** How long dbpurge keeps agent stats: about a month, 6 months, or a day after the rollup. */
export type StatsRetention = "month" | "half_year" | "day";

export interface VersionMechanisms {
  metadataPath: MetadataPath;
  agentTransport: AgentTransport;
  agentsCollectorReads: AgentsCollectorReads;
  dauSource: DauSource;
  statsRetention: StatsRetention;
}

/** Compares dotted versions numerically ("2.10" > "2.9"); a missing patch counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether `version` has reached a mechanism's first version; false when the model records no boundary. */
export function since(version: string | undefined, boundary: { value: string } | undefined): boolean {
  return version !== undefined && boundary !== undefined && compareVersions(version, boundary.value) >= 0;
}

/** The mechanisms a Coder version uses, from the boundaries the model file records. */
export function mechanismsFor(version: string, model: ModelFile): VersionMechanisms {
  const v = model.versions;
  const metadataPath: MetadataPath =
    compareVersions(version, v.coderd_metadata_batcher.value) >= 0
      ? "coderd_batch"
      : compareVersions(version, v.agent_metadata_batching.value) >= 0
        ? "agent_batch"
        : "per_item";
  const agentTransport: AgentTransport =
    compareVersions(version, v.agent_drpc_api.value) >= 0 ? "drpc" : "http";
  const agentsCollectorReads: AgentsCollectorReads = since(version, v.agents_collector_single_query)
    ? "single_query"
    : "per_workspace";
  const dauSource: DauSource = since(version, v.template_usage_rollup) ? "rollup" : "agent_stats_scan";
  const halfYear = v.agent_stats_half_year_retention?.value;
  const statsRetention: StatsRetention =
    dauSource === "rollup"
      ? "day"
      : halfYear !== undefined && compareVersions(version, halfYear) < 0
        ? "month"
        : "half_year";
  return { metadataPath, agentTransport, agentsCollectorReads, dauSource, statsRetention };
}

/**
 * How a version's idle provisioner daemons look for jobs (kept out of VersionMechanisms, whose fields a
 * run's result carries): polling before `versions.provisioner_acquirer`, else the Acquirer.
 */
export function jobAcquireFor(version: string, model: ModelFile): JobAcquire {
  const acquirer = model.versions.provisioner_acquirer?.value;
  return acquirer !== undefined && compareVersions(version, acquirer) < 0 ? "poll" : "acquirer";
}
