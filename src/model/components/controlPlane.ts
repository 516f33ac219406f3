import type { Rng } from "../../engine/random/index.js";
import { FcfsQueue } from "../../engine/resources/fcfsQueue.js";
import type { Simulation } from "../../engine/simulation.js";
import { CoderdCluster } from "../coderdCluster.js";
import { IdleConnections } from "../connectionChurn.js";
import { Database } from "../database.js";
import { agentStatsVolume, deploymentStatsWindowRows } from "../dataVolume.js";
import { distOf } from "../features.js";
import type { RequestCatalog } from "../requestClasses.js";
import { type RequestListener, RequestPipeline } from "../requestPipeline.js";
import type { ModelContext } from "./context.js";

/** The ids of the request classes every run defines, in definition order. */
export type ClassIds = ReturnType<typeof defineClasses>;

/**
 * The control plane every run has: coderd's replicas, PostgreSQL, the provisioner job queue, and the
 * request pipeline through them with the catalog's classes; plus coderd's own periodic work.
 */
export class ControlPlane {
  readonly cluster: CoderdCluster;
  readonly database: Database;
  readonly provisioners: FcfsQueue;
  /** External daemons, and built-in ones per replica (same queue; their terraform runs on coderd). */
  readonly externalDaemons: number;
  readonly builtinPerReplica: number;
  /** Every daemon serving the job queue at the start, external and built-in. */
  readonly daemons: number;
  readonly pipeline: RequestPipeline;
  readonly ids: ClassIds;
  /** CompleteJob of a start and of a stop/delete build: their own classes with `builds`, else jobEvent. */
  readonly jobCompleteStart: number;
  readonly jobCompleteStop: number;
  /** A started agent's start-up calls and the Acquirer's empty acquires (model `builds`), when modelled. */
  readonly agentStartup: number | undefined;
  readonly acquireEmpty: number | undefined;

  /** `onRequestDone` hears every finished request (the components' probes and counters). */
  private readonly sim: Simulation;

  constructor(ctx: ModelContext, onRequestDone: RequestListener) {
    const { sim, scenario, model, features } = ctx;
    this.sim = sim;
    const dep = scenario.deployment;
    this.cluster = new CoderdCluster(
      sim,
      scenario,
      model,
      ctx.stream("load-balancer"),
      scenario.workload.agent.heartbeat_interval_s,
      {
        maxReplicas: features.maxReplicas,
        extraVcpuPerReplica: features.dbcryptVcpuPerReplica,
        extraMemoryPerAgentMb: features.agentStatsMemoryPerAgentMb,
        onFluidChanged: ctx.hooks.fluidChanged.emit,
      },
    );
    const cluster = this.cluster;
    const database = new Database(sim, scenario, model, cluster);
    this.database = database;
    this.externalDaemons = dep.provisioners.count;
    this.builtinPerReplica = dep.coderd.builtin_provisioners;
    this.daemons = this.externalDaemons + this.builtinPerReplica * dep.coderd.replicas;
    this.provisioners = new FcfsQueue(sim, {
      name: "provisioner daemons",
      servers: Math.max(1, this.daemons),
      longServices: true, // builds take minutes
    });
    // With a connection start-up cost in the model, each pool sits behind database/sql's idle list.
    const idleLists =
      model.database.connection_setup_cpu_s === undefined
        ? undefined
        : cluster.pools.map(
            (pool, r) =>
              new IdleConnections(pool, cluster.maxIdleConnections(r), () => database.countConnectionOpen()),
          );
    const pipeline = new RequestPipeline(
      sim,
      {
        coderdCpu: cluster.cpus,
        pools: idleLists ? idleLists.map((l) => l.port()) : cluster.pools,
        dbCpu: database.cpu,
        notifyLock: database.notifyLock,
        notifyHold: distOf(model.database.notify_commit_s),
        ...(model.database.commit_flush_s && { commitFlush: distOf(model.database.commit_flush_s) }),
        dbRttSeconds: model.network.db_rtt_s.value,
        clientRttSeconds: model.network.client_rtt_s.value,
        streamFor: (name) => ctx.stream(name),
      },
      {
        onRequestDone,
        onCommit: (transactions, loggedCommits, notifies) => {
          database.countCommits(transactions, loggedCommits);
          database.countNotifies(notifies);
        },
      },
    );
    this.pipeline = pipeline;
    // One listener for every CPU, so the CPUs' completion call site sees a single function.
    const cpuDone = (tag: number) => pipeline.cpuDone(tag);
    for (const cpu of cluster.cpus) cpu.onCompleteTag(cpuDone);
    database.cpu.onCompleteTag(cpuDone);
    cluster.pools.forEach((pool, r) => {
      const idle = idleLists?.[r];
      pool.onGrant((tag, unit) => {
        idle?.granted();
        pipeline.connectionGranted(tag, unit);
      });
    });
    database.notifyLock.onCompleteTag((tag) => pipeline.lockDone(tag));
    this.ids = defineClasses(pipeline, ctx.catalog);
    // Each replica refreshes its deployment-stats cache on its own ticker (random phase).
    const volume = model.data_volume;
    this.everyReplica(
      this.ids.deploymentStats,
      model.coderd.deployment_stats_refresh_s.value,
      ctx.stream("deployment-stats"),
      volume && (() => deploymentStatsWindowRows(volume, cluster.totalAgents())),
    );
    this.startOptionalDatabaseLoads(ctx);
    // Defined last, so every other class keeps its id (and random stream) whether or not `builds` is there.
    const { jobCompleteStart, jobCompleteStop } = ctx.catalog;
    this.jobCompleteStart = jobCompleteStart ? pipeline.define(jobCompleteStart) : this.ids.jobEvent;
    this.jobCompleteStop = jobCompleteStop ? pipeline.define(jobCompleteStop) : this.ids.jobEvent;
    const { agentStartup, acquireEmpty } = ctx.catalog;
    this.agentStartup = agentStartup ? pipeline.define(agentStartup) : undefined;
    this.acquireEmpty = acquireEmpty ? pipeline.define(acquireEmpty) : undefined;
    this.startDauRefresh(ctx);
  }

  /** Each replica's metrics-cache DAU refresh over the stored agent stats (before the rollup's version). */
  private startDauRefresh(ctx: ModelContext): void {
    const { model, scenario, mech } = ctx;
    const cls = ctx.catalog.dauRefresh;
    if (!cls || !model.data_volume) return;
    const rows = agentStatsVolume(model.data_volume, scenario, mech).rows;
    if (rows <= 0) return;
    const id = this.pipeline.define(cls);
    this.everyReplica(id, model.data_volume.daus_refresh_s.value, ctx.stream("dau-refresh"), () => rows);
  }

  /**
   * The NOTIFY fan-out to every listening replica (`pubsub`), connection openings
   * (`database.connection_setup_cpu_s` + `connection_cold_cache_cpu_s`) and each replica's Agents() collector (`agents_collector`), when
   * the model file has them.
   */
  private startOptionalDatabaseLoads(ctx: ModelContext): void {
    const { model, sim } = ctx;
    // An opened connection costs its start-up and, on its first statements, the caches a warm backend holds.
    const setupCpu =
      model.database.connection_setup_cpu_s === undefined
        ? undefined
        : model.database.connection_setup_cpu_s.value +
          (model.database.connection_cold_cache_cpu_s?.value ?? 0);
    if (model.pubsub || setupCpu !== undefined) {
      // Every replica's pubsub connection LISTENs; PostgreSQL wakes each listening backend per NOTIFY.
      const listeners = model.pubsub ? this.cluster.replicas * model.pubsub.listeners_per_replica.value : 0;
      this.database.startEventLoads(sim, {
        cpuPerNotify: listeners * (model.pubsub?.listener_cpu_s.value ?? 0),
        cpuPerOpen: setupCpu ?? 0,
      });
    }
    const collector = ctx.catalog.agentsCollector;
    if (!collector) return;
    const interval = model.coderd.agents_collector_interval_s.value;
    this.everyReplica(this.pipeline.define(collector), interval, ctx.stream("agents-collector"));
  }

  /**
   * A per-replica ticker of coderd (deployment-stats refresh, Agents() collector, DAU refresh, replicasync):
   * each live replica starts request class `classId` over `rows()` (its cost law's units; default all
   * agents) every `interval` seconds, from a random phase; `onStart` hears each request started.
   */
  everyReplica(
    classId: number,
    interval: number,
    rng: Rng,
    rows: () => number = () => this.cluster.totalAgents(),
    onStart?: () => void,
  ): void {
    const { cluster, pipeline, sim } = this;
    for (let r = 0; r < cluster.replicas; r++) {
      const tick = (): void => {
        if (cluster.isUp(r)) {
          onStart?.();
          pipeline.startRequest(classId, r, -1, rows());
        }
        sim.after(interval, tick);
      };
      sim.after(rng() * interval, tick);
    }
  }
}

function defineClasses(pipeline: RequestPipeline, catalog: RequestCatalog) {
  return {
    metadataRpc: pipeline.define(catalog.metadataRpc),
    statsRpc: pipeline.define(catalog.statsRpc),
    statsRpcWithSession: pipeline.define(catalog.statsRpcWithSession),
    metadataFlush: pipeline.define(catalog.metadataFlush),
    metadataNotify: pipeline.define(catalog.metadataNotify),
    statsInsert: pipeline.define(catalog.statsInsert),
    dashboardApi: pipeline.define(catalog.dashboardApi),
    workspaceCreate: pipeline.define(catalog.workspaceCreate),
    jobEvent: pipeline.define(catalog.jobEvent),
    connectionSetup: pipeline.define(catalog.connectionSetup),
    deploymentStats: pipeline.define(catalog.deploymentStats),
    rateLimited: pipeline.define(catalog.rateLimited),
    apiClientCall: pipeline.define(catalog.apiClientCall),
    agentReconnect: pipeline.define(catalog.agentReconnect),
    autostartBuild: pipeline.define(catalog.autostartBuild),
    autobuildPoll: pipeline.define(catalog.autobuildPoll),
  };
}
