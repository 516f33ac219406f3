import type { ActionId, Simulation } from "../../engine/simulation.js";
import { buildEraFor, updateCallCost } from "../buildWork.js";
import type { CoderdCluster } from "../coderdCluster.js";
import type { Database } from "../database.js";
import { distOf } from "../features.js";
import type { ModelContext } from "./context.js";

/**
 * Dense streams carried as rates on the database: heartbeats and provisioner job updates. The load
 * follows its inputs (agents per replica, job updates, replicas up, a pause), recomputed once per instant
 * however many of them changed.
 */
export class DatabaseFluidLoad {
  private pending = false;
  private readonly refreshAction: ActionId;
  private readonly sim: Simulation;
  /** A heartbeat's write and a job update's call cost: fixed for the run, so computed once (not per refresh). */
  private readonly writeCost: number;
  private readonly updateCost: ReturnType<typeof updateCallCost> | undefined;

  constructor(
    private readonly ctx: ModelContext,
    private readonly cluster: CoderdCluster,
    private readonly database: Database,
  ) {
    this.sim = ctx.sim;
    const { model, scenario } = ctx;
    this.writeCost = distOf(model.database.write_query_cpu_s).mean;
    this.updateCost =
      model.builds &&
      updateCallCost(
        model.builds,
        model.provisioner.update_interval_s.value,
        buildEraFor(scenario.deployment.coder_version, model),
      );
    this.refreshAction = ctx.sim.register(() => this.refresh());
    ctx.hooks.fluidChanged.connect(() => this.changed());
    this.changed();
  }

  /** An input changed: recompute at the end of this instant. */
  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    this.sim.post(0, this.refreshAction);
  }

  private refresh(): void {
    this.pending = false;
    const { database, cluster } = this;
    if (database.paused) {
      // A failing-over database serves nothing: heartbeat and job-update writes fail meanwhile.
      database.setFluidCommits(0, this.sim.now);
      database.setFluidVcpu(0);
      return;
    }
    const { model, mech, scenario } = this.ctx;
    const db = model.database;
    const { writeCost, updateCost } = this;
    // A log flush's NOTIFY wakes every listening replica's backend, as the pipeline's NOTIFYs do.
    const notifyFanOut = model.pubsub
      ? cluster.replicas * model.pubsub.listeners_per_replica.value * model.pubsub.listener_cpu_s.value
      : 0;
    let vcpu = 0;
    let commits = 0;
    // The same load by source (database CPU by source), summed beside `vcpu`, which stays as it was.
    let heartbeatVcpu = 0;
    let jobUpdateVcpu = 0;
    let fanOutVcpu = 0;
    for (let r = 0; r < cluster.replicas; r++) {
      const heartbeats = cluster.agents[r]! / scenario.workload.agent.heartbeat_interval_s;
      if (mech.metadataPath === "coderd_batch") {
        // Newest coderd batches heartbeats too: a flush at the batch size or after the longest interval.
        const m = model.coderd;
        const flushes =
          heartbeats > 0
            ? Math.max(heartbeats / m.heartbeat_batch_agents.value, 1 / m.heartbeat_batch_interval_s.value)
            : 0;
        vcpu += heartbeats * db.batch_row_cpu_s.value + flushes * writeCost;
        heartbeatVcpu += heartbeats * db.batch_row_cpu_s.value + flushes * writeCost;
        commits += flushes;
      } else {
        vcpu += heartbeats * writeCost;
        heartbeatVcpu += heartbeats * writeCost;
        commits += heartbeats;
      }
      if (updateCost) {
        // UpdateJob calls measured statement by statement (heartbeats and log flushes, model `builds`).
        const calls = cluster.jobUpdatesPerSecond[r]!;
        vcpu += calls * (updateCost.dbCpuSeconds + updateCost.notifies * notifyFanOut);
        jobUpdateVcpu += calls * updateCost.dbCpuSeconds;
        fanOutVcpu += calls * updateCost.notifies * notifyFanOut;
        commits += calls * updateCost.commits;
        continue;
      }
      const jobUpdates = cluster.jobUpdatesPerSecond[r]! * model.provisioner.writes_per_job_event.value;
      vcpu += jobUpdates * writeCost;
      jobUpdateVcpu += jobUpdates * writeCost;
      commits += jobUpdates;
    }
    database.setFluidCommits(commits, this.sim.now);
    database.setFluidVcpu(vcpu, heartbeatVcpu, jobUpdateVcpu, fanOutVcpu);
  }
}
