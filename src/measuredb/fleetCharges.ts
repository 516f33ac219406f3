import { distOf } from "../model/features.js";
import type { ModelFile } from "../model/modelSchema.js";
import type { FleetPlan } from "./fleetPlan.js";
import { statementRates } from "./fleetPlan.js";

/**
 * What a model charges the database for the idle fleet the replay issues, vCPU by mechanism, read from
 * the loaded model's costs the way its request classes and fluid load use them (src/model/requestClasses.ts,
 * components/databaseFluid.ts, the Agents() collector and deployment-stats classes). `atMeasured` divides
 * every measured cost by the scale the model multiplies it by (k_rest, and a cost group's scale such as
 * k_meta), giving what the same statements cost as measured: the model "at k = 1".
 */
export function modelCharges(model: ModelFile, p: FleetPlan, atMeasured: boolean): Record<string, number> {
  const db = model.database;
  const kRest = atMeasured ? (db.measured_cost_scale?.value ?? 1) : 1;
  const metaScale = atMeasured ? (model.measured_cost_groups?.metadata_path?.scale.value ?? kRest) : 1;
  const mean = (param: { value: unknown }) => distOf(param as never).mean;
  const read = mean(db.read_query_cpu_s) / kRest;
  const write = mean(db.write_query_cpu_s) / kRest;
  const metaWrite = db.metadata_write_cpu_s ? mean(db.metadata_write_cpu_s) / metaScale : write;
  const metaNotify = db.metadata_notify_cpu_s
    ? mean(db.metadata_notify_cpu_s) / metaScale
    : mean(db.notify_cpu_s) / kRest;
  const fanOut = model.pubsub
    ? (p.replicas * model.pubsub.listeners_per_replica.value * model.pubsub.listener_cpu_s.value) / kRest
    : 0;
  const rates = statementRates(p);
  const n = p.agents;
  const c = model.agents_collector;
  const perWorkspace = c
    ? (c.workspaces_query_cpu_s_per_workspace.value + c.per_workspace_cpu_s.value + c.per_agent_cpu_s.value) /
      kRest
    : 0;
  return {
    metadata_calls: (n / p.metadataPeriodS) * (p.authReadsPerCall * read + metaWrite + metaNotify + fanOut),
    stats_calls: (n / p.statsPeriodS) * p.authReadsPerCall * read,
    stats_insert:
      rates.stats_insert_small! * write + (n / p.statsPeriodS) * (db.batch_row_cpu_s.value / kRest),
    heartbeats: (n / p.heartbeatPeriodS) * write,
    agents_collector: (p.replicas / p.collectorPeriodS) * n * perWorkspace,
    deployment_stats:
      (p.replicas / p.deploymentStatsPeriodS) * n * (db.deployment_stats_cpu_s_per_agent.value / kRest),
  };
}

/** The model's constant background database load (autovacuum, checkpointer, WAL writer; measured in the default, fitted in the base), vCPU. */
export function modelBackgroundVcpu(model: ModelFile): number {
  return model.database.background_vcpu.value;
}
