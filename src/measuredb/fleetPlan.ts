import { metadataCadence } from "../model/agentFleet.js";
import { maxIdleConnections } from "../model/coderdCluster.js";
import { mechanismsFor } from "../model/coderVersion.js";
import type { ModelFile } from "../model/modelSchema.js";
import type { Scenario } from "../scenario/schema.js";
import { METADATA_KEYS } from "./schema.js";

/**
 * What an idle fleet of N agents asks of the database, per the model and the scenario (one definition per
 * fact: every period and count below is read from them, none is written here). The replay issues it; the
 * expected statement counts check that it did.
 */
export interface FleetPlan {
  agents: number;
  replicas: number;
  /** Each replica's pool: database/sql's max open and max idle connections. */
  poolMaxOpen: number;
  poolMaxIdle: number;
  listenersPerReplica: number;
  /** Every agent's metadata call: its period, and the database reads that authenticate it. */
  metadataPeriodS: number;
  authReadsPerCall: number;
  statsPeriodS: number;
  heartbeatPeriodS: number;
  /** Each replica's stats batcher: a flush every interval of at most this many rows. */
  statsFlushS: number;
  statsFlushRows: number;
  /** Each replica's Agents() collector and deployment-stats refresh. */
  collectorPeriodS: number;
  deploymentStatsPeriodS: number;
}

/** The v2.8 idle fleet of the scenario at `agents` agents; refuses mechanisms the replay does not issue. */
export function fleetPlan(model: ModelFile, scenario: Scenario, agents: number): FleetPlan {
  const mech = mechanismsFor(scenario.deployment.coder_version, model);
  const w = scenario.workload;
  if (mech.metadataPath !== "agent_batch") {
    throw new Error(
      `the replay issues v2.3-v2.29 agents' batched metadata calls; Coder ${scenario.deployment.coder_version} uses the ${mech.metadataPath} path`,
    );
  }
  if (w.agent.metadata.items !== METADATA_KEYS.length) {
    throw new Error(
      `the replay's metadata UPDATE writes ${METADATA_KEYS.length} items (measure-db's schema); the scenario has ${w.agent.metadata.items}`,
    );
  }
  const cadence = metadataCadence({
    metadataPath: mech.metadataPath,
    metadataItems: w.agent.metadata.items,
    metadataIntervalSeconds: w.agent.metadata.interval_s,
    metadataReportTickSeconds: model.agent.metadata_report_tick_s.value,
  });
  const d = scenario.deployment.coderd;
  return {
    agents,
    replicas: d.replicas,
    poolMaxOpen: d.pg_conn_max_open,
    poolMaxIdle: maxIdleConnections(d.pg_conn_max_open, model.coderd.pg_conn_idle_divisor.value),
    listenersPerReplica: model.pubsub?.listeners_per_replica.value ?? 1,
    metadataPeriodS: cadence.periodSeconds,
    authReadsPerCall: mech.agentTransport === "http" ? Math.round(model.agent.auth_reads_per_rpc.value) : 0,
    statsPeriodS: w.agent.stats_interval_s,
    heartbeatPeriodS: w.agent.heartbeat_interval_s,
    statsFlushS: model.agent.stats_flush_interval_s.value,
    statsFlushRows: Math.round(model.agent.stats_flush_rows.value),
    collectorPeriodS: model.coderd.agents_collector_interval_s.value,
    deploymentStatsPeriodS: model.coderd.deployment_stats_refresh_s.value,
  };
}

/** The two authentication reads of an HTTP-era agent call (coder/coder #9782), in the order coderd runs them. */
export const AUTH_READS = ["agent_token_lookup", "workspace_by_agent_lookup"] as const;

/** measure-db statement ids the replay issues, by the mechanism that issues them. */
export const FLEET_STATEMENTS = {
  metadata: ["metadata_update_per_agent", "metadata_notify_per_agent"],
  heartbeat: ["heartbeat_update"],
  statsInsert: ["stats_insert_small"],
  collector: [
    "agents_collector_workspaces",
    "user_lookup",
    "agents_collector_agents",
    "agents_collector_apps",
  ],
  deploymentStats: ["deployment_agent_stats", "deployment_workspace_stats"],
} as const;

/**
 * A replica's stats batcher flushes at each tick that finds rows (rows arriving at random phases: a tick
 * finds none with probability e^-rows-per-tick, src/engine/resources/batcher.ts skips those), and early at
 * the row limit.
 */
function statsFlushesPerSecond(rowsPerSecond: number, p: FleetPlan): number {
  const ticks = (1 - Math.exp(-rowsPerSecond * p.statsFlushS)) / p.statsFlushS;
  return Math.max(ticks, rowsPerSecond / p.statsFlushRows);
}

/** Executions per second of each statement the plan issues (the stats insert: flushes per second). */
export function statementRates(p: FleetPlan): Record<string, number> {
  const n = p.agents;
  const calls = n / p.metadataPeriodS + n / p.statsPeriodS;
  const rates: Record<string, number> = {
    metadata_update_per_agent: n / p.metadataPeriodS,
    metadata_notify_per_agent: n / p.metadataPeriodS,
    heartbeat_update: n / p.heartbeatPeriodS,
    stats_insert_small: p.replicas * statsFlushesPerSecond(n / p.statsPeriodS / p.replicas, p),
    agents_collector_workspaces: p.replicas / p.collectorPeriodS,
    user_lookup: (p.replicas * n) / p.collectorPeriodS,
    agents_collector_agents: (p.replicas * n) / p.collectorPeriodS,
    agents_collector_apps: (p.replicas * n) / p.collectorPeriodS,
    deployment_agent_stats: p.replicas / p.deploymentStatsPeriodS,
    deployment_workspace_stats: p.replicas / p.deploymentStatsPeriodS,
  };
  // The first read is the token lookup; any further ones are the (duplicated) workspace lookup.
  if (p.authReadsPerCall > 0) {
    rates[AUTH_READS[0]] = calls;
    if (p.authReadsPerCall > 1) rates[AUTH_READS[1]] = (p.authReadsPerCall - 1) * calls;
  }
  return rates;
}
