import { performance } from "node:perf_hooks";
import { Batcher } from "../engine/resources/batcher.js";
import { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import type { ResourceStats } from "../engine/resources/resourceStats.js";
import { distributionFromSpec, RandomStreams } from "../engine/random/index.js";
import { Simulation } from "../engine/simulation.js";
import { Sampler } from "../engine/stats/sampler.js";
import type { Scenario } from "../scenario/index.js";
import { AgentFleet } from "./agentFleet.js";
import { CoderdCluster } from "./coderdCluster.js";
import { mechanismsFor, type VersionMechanisms } from "./coderVersion.js";
import { Database } from "./database.js";
import { CODERD_LATENCY_BUCKETS_S, LatencyProbe } from "./latencyProbe.js";
import type { ModelFile } from "./modelSchema.js";
import { buildRequestCatalog } from "./requestClasses.js";
import { type RequestClass, RequestPipeline } from "./requestPipeline.js";
import { type StageWindow, Timeline } from "./timeline.js";
import { UserSessions } from "./userSessions.js";
import { WorkspaceRunner } from "./workspaceRunner.js";

/** A resource row of the summary: the engine's statistics plus what kind of resource it is. */
export interface ResourceRow extends ResourceStats {
  kind: "cpu" | "pool" | "queue" | "lock";
}

/** Everything one replication produces. */
export interface ReplicationResult {
  seed: number;
  events: number;
  simulatedSeconds: number;
  wallSeconds: number;
  mechanisms: VersionMechanisms;
  /** Scrape times, seconds. */
  times: number[];
  /** Time series by column name, one value per scrape. */
  series: Record<string, number[]>;
  /** Latency quantiles and other figures not derivable from the series. */
  figures: Record<string, number>;
  /** Resource statistics over the traffic window. */
  resources: ResourceRow[];
  timeline: Timeline;
}

const dist = (p: { value: unknown }) => distributionFromSpec(p.value as never);

/** Runs one replication of a scenario under a model. The engine knows nothing of Coder; this file wires it. */
export function runReplication(
  scenario: Scenario,
  model: ModelFile,
  seed: number,
  onProgress?: (fraction: number) => void,
): ReplicationResult {
  const wallStart = performance.now();
  const sim = new Simulation({ initialEventCapacity: 4 * scenario.workload.workspaces + 1024 });
  const streams = new RandomStreams(seed);
  const timeline = new Timeline(scenario);
  const mech = mechanismsFor(scenario.deployment.coder_version, model);
  const catalog = buildRequestCatalog(model, mech);
  const w = scenario.workload;
  const dep = scenario.deployment;

  const cluster = new CoderdCluster(sim, scenario, model, streams.stream("load-balancer"), w.agent.heartbeat_interval_s);
  const database = new Database(sim, scenario, model, cluster);
  const builtin = dep.provisioners.count === 0 ? dep.coderd.builtin_provisioners * dep.coderd.replicas : 0;
  const provisionerCount = dep.provisioners.count > 0 ? dep.provisioners.count : builtin;
  const provisioners = new FcfsQueue(sim, { name: "provisioner daemons", servers: Math.max(1, provisionerCount) });

  const agentProbe = new LatencyProbe();
  const apiProbe = new LatencyProbe();
  const queueWaits = new LatencyProbe();
  const readyTimes = new LatencyProbe();

  const pipeline = new RequestPipeline(
    sim,
    {
      coderdCpu: cluster.cpus,
      pools: cluster.pools,
      dbCpu: database.cpu,
      notifyLock: database.notifyLock,
      notifyHold: dist(model.database.notify_commit_s),
      dbRttSeconds: model.network.db_rtt_s.value,
      clientRttSeconds: model.network.client_rtt_s.value,
      rng: streams.stream("request-work"),
    },
    {
      onRequestDone: (cls, replica, latency, owner) => requestDone(cls, replica, latency, owner),
      onCommit: (logged) => database.countCommit(logged),
    },
  );
  for (const cpu of cluster.cpus) cpu.onComplete((tag) => pipeline.cpuDone(tag));
  database.cpu.onComplete((tag) => pipeline.cpuDone(tag));
  for (const pool of cluster.pools) pool.onGrant((tag, unit) => pipeline.connectionGranted(tag, unit));
  database.notifyLock.onComplete((tag) => pipeline.lockDone(tag));

  const ids = {
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
  };
  // Each replica refreshes its deployment-stats cache on its own ticker (random phase).
  const statsRefresh = model.coderd.deployment_stats_refresh_s.value;
  const refreshRng = streams.stream("deployment-stats");
  for (let r = 0; r < cluster.replicas; r++) {
    const tick = (): void => {
      pipeline.startRequest(ids.deploymentStats, r, -1, cluster.totalAgents());
      sim.after(statsRefresh, tick);
    };
    sim.after(refreshRng() * statsRefresh, tick);
  }

  // coderd's agent-stats batcher, and (newest versions) its metadata batcher, one per replica.
  const statsBatchers = cluster.cpus.map((_, r) =>
    new Batcher(sim, {
      name: `coderd-${r} stats batcher`,
      flushIntervalSeconds: model.agent.stats_flush_interval_s.value,
      maxBatchSize: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
      bufferCapacity: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
    }).onFlush((rows) => {
      database.countAppendedRows(rows);
      pipeline.startRequest(ids.statsInsert, r, -1, rows);
    }),
  );
  const mb = model.metadata_batcher;
  const metadataBatchers =
    mech.metadataPath === "coderd_batch"
      ? cluster.cpus.map((_, r) =>
          new Batcher(sim, {
            name: `coderd-${r} metadata batcher`,
            flushIntervalSeconds: mb.flush_interval_s.value,
            maxBatchSize: Math.round(mb.max_batch_entries.value),
            bufferCapacity: Math.round(mb.channel_capacity.value),
            whenFull: "drop",
            flushCompletion: "manual",
          }).onFlush((entries) => {
            if (entries === 0) {
              metadataBatchers![r]!.flushDone();
              return;
            }
            pipeline.startRequest(ids.metadataFlush, r, r, entries);
            // One NOTIFY carries up to agent_ids_per_notify agent ids; the flush request sends the first.
            const agentsInBatch = Math.ceil(entries / Math.max(1, w.agent.metadata.items));
            const extra = Math.ceil(agentsInBatch / mb.agent_ids_per_notify.value) - 1;
            for (let i = 0; i < extra; i++) pipeline.startRequest(ids.metadataNotify, r);
          }),
        )
      : undefined;

  const fleet = new AgentFleet(sim, cluster, pipeline, streams.stream("agents"), {
    agents: w.workspaces,
    metadataPath: mech.metadataPath,
    metadataItems: w.agent.metadata.items,
    metadataIntervalSeconds: w.agent.metadata.interval_s,
    metadataReportTickSeconds: model.agent.metadata_report_tick_s.value,
    statsIntervalSeconds: w.agent.stats_interval_s,
    classes: ids,
  });
  const runner = new WorkspaceRunner(
    sim,
    cluster,
    pipeline,
    provisioners,
    fleet,
    streams.stream("builds"),
    {
      createConcurrency: w.builds.create_concurrency,
      cleanupConcurrency: w.builds.cleanup_concurrency,
      buildDuration: dist(model.provisioner.build_duration_s),
      deleteDuration: dist(model.provisioner.delete_duration_s),
      connectDelay: dist(model.agent.connect_delay_s),
      updateIntervalSeconds: model.provisioner.update_interval_s.value,
      classes: ids,
    },
    w.workspaces,
  );
  runner.onQueueWait = (wait, startedAt) => {
    const prepareStage = timeline.stage("prepare");
    if (prepareStage && startedAt >= prepareStage.startSeconds && startedAt < prepareStage.endSeconds) {
      queueWaits.record(wait, true);
    }
  };
  runner.onWorkspaceReady = (seconds) => readyTimes.record(seconds, true);

  const sessions = new UserSessions(sim, cluster, fleet, pipeline, streams.stream("users"), {
    dashboardIntervalSeconds: w.dashboard.interval_s,
    dashboardJitterSeconds: w.dashboard.jitter_s,
    apiCallsPerAction: Math.round(model.dashboard.api_calls_per_action.value),
    websocketsPerDashboardUser: model.dashboard.websockets_per_user.value,
    bytesPerSecondPerConnection:
      (w.traffic.bytes_per_tick / w.traffic.tick_interval_s) * model.workspace_traffic.echo_factor.value,
    directConnections: w.traffic.direct_connections,
    classes: ids,
  });

  function requestDone(cls: RequestClass, replica: number, latency: number, owner: number): void {
    const measured = timeline.inTraffic(sim.now);
    if (cls.http) {
      cluster.httpRequests[replica]!++;
      apiProbe.record(latency, measured);
    }
    if (cls.agentApi) agentProbe.record(latency, measured);
    if (cls === catalog.workspaceCreate) runner.buildRequestDone(owner);
    else if (cls === catalog.statsRpc || cls === catalog.statsRpcWithSession) {
      statsBatchers[replica]!.add();
      fleet.statsReturned(owner);
    } else if (cls === catalog.metadataRpc) {
      if (metadataBatchers) for (let i = 0; i < w.agent.metadata.items; i++) metadataBatchers[replica]!.add();
      fleet.metadataReturned(owner);
    } else if (cls === catalog.dashboardApi) sessions.dashboardCallReturned(owner);
    else if (cls === catalog.metadataFlush && metadataBatchers) metadataBatchers[owner]!.flushDone();
  }

  /** Dense streams carried as rates on the database: heartbeats and provisioner job updates. */
  function refreshDatabaseFluid(): void {
    const db = model.database;
    const writeCost = dist(db.write_query_cpu_s).mean;
    let vcpu = 0;
    let commits = 0;
    for (let r = 0; r < cluster.replicas; r++) {
      const heartbeats = cluster.agents[r]! / w.agent.heartbeat_interval_s;
      if (mech.metadataPath === "coderd_batch") {
        // Newest coderd batches heartbeats too: a flush every 5 s or at 500 agents.
        const flushes = heartbeats > 0 ? Math.max(heartbeats / 500, 1 / 5) : 0;
        vcpu += heartbeats * db.batch_row_cpu_s.value + flushes * writeCost;
        commits += flushes;
      } else {
        vcpu += heartbeats * writeCost;
        commits += heartbeats;
      }
      const jobUpdates = cluster.jobUpdatesPerSecond[r]! * model.provisioner.writes_per_job_event.value;
      vcpu += jobUpdates * writeCost;
      commits += jobUpdates;
    }
    database.fluidLoggedCommitsPerSecond = commits;
    database.setFluidVcpu(vcpu);
  }

  // Stages start and stop the runner and the users.
  const scheduleStage = (stage: StageWindow): void => {
    sim.at(stage.startSeconds, () => {
      switch (stage.name) {
        case "prepare":
          runner.startPrepare(Math.round(stage.targetFraction * w.workspaces));
          break;
        case "cleanup":
          runner.startCleanup();
          break;
        case "dashboard":
          sessions.startDashboard(Math.round(stage.targetFraction * w.users));
          break;
        default:
          sessions.openConnections(stage.name, stage.targetFraction, w.workspaces);
      }
    });
    sim.at(stage.endSeconds, () => {
      if (stage.name === "dashboard") sessions.stopDashboard();
      else if (stage.name !== "prepare" && stage.name !== "cleanup") sessions.closeConnections(stage.name);
    });
  };
  const afterPrepare = new Set(timeline.stagesAfterPrepare());
  for (const stage of timeline.stages) if (!afterPrepare.has(stage)) scheduleStage(stage);

  // The simulated Prometheus scrape.
  const sampler = new Sampler(sim, { intervalSeconds: scenario.scrape_interval_s });
  sim.after(0, refreshDatabaseFluid);
  for (let r = 0; r < cluster.replicas; r++) {
    sampler.gauge(`coderd_cpu_seconds_${r}`, () => cluster.cpus[r]!.cpuSecondsTotal);
    sampler.gauge(`coderd_http_requests_${r}`, () => cluster.httpRequests[r]!);
    sampler.gauge(`coderd_memory_gb_${r}`, () => cluster.memoryGb(r));
    sampler.gauge(`coderd_websockets_${r}`, () => cluster.websockets(r));
  }
  sampler.gauge("agents_connected", () => fleet.connectedAgents);
  sampler.gauge("db_cpu_seconds", () => database.cpu.cpuSecondsTotal);
  sampler.gauge("db_write_ops_total", () => {
    database.accrueWriteOps(sim.now);
    return database.writeOpsTotal;
  });
  sampler.gauge("db_memory_utilization", () => database.memoryUtilization());
  sampler.gauge("db_pool_in_use", () => cluster.pools.reduce((n, p) => n + p.inUse, 0));
  sampler.gauge("db_pool_waiting", () => cluster.pools.reduce((n, p) => n + p.waiting, 0));
  sampler.gauge("db_notify_lock_queue", () => database.notifyLock.inSystem);
  sampler.gauge("provisioners_busy", () => provisioners.busyServers);
  sampler.gauge("provisioner_queue", () => provisioners.queueLength);
  sampler.gauge("dashboard_users", () => sessions.dashboardUsers);
  sampler.gauge("workspace_connections", () => sessions.openConnectionCount);
  // Cumulative histograms, as coderd exports them (for OpenMetrics output).
  for (const [name, probe] of [
    ["api", apiProbe],
    ["agent_api", agentProbe],
  ] as const) {
    CODERD_LATENCY_BUCKETS_S.forEach((le, i) =>
      sampler.gauge(`${name}_latency_bucket_le_${le}`, () => probe.cumulativeRunCount(i)),
    );
    sampler.gauge(`${name}_latency_bucket_le_inf`, () => probe.cumulativeRunCount(CODERD_LATENCY_BUCKETS_S.length));
    sampler.gauge(`${name}_latency_sum_s`, () => probe.runSumSeconds);
  }
  sampler.gauge("agent_api_latency_p50_ms", () => agentProbe.windowQuantile(0.5) * 1000);
  sampler.gauge("agent_api_latency_p95_ms", () => agentProbe.windowQuantile(0.95) * 1000);
  sampler.gauge("api_latency_p95_ms", () => {
    const v = apiProbe.windowQuantile(0.95) * 1000;
    agentProbe.nextWindow();
    apiProbe.nextWindow();
    refreshDatabaseFluid();
    return v;
  });
  sampler.start();

  // Resource statistics cover the traffic window (or the whole run when there is no traffic stage).
  const resourceList = (): ResourceRow[] => [
    ...cluster.cpus.map((c) => ({ ...c.stats(), kind: "cpu" as const })),
    { ...database.cpu.stats(), kind: "cpu" as const },
    ...cluster.pools.map((p) => ({ ...p.stats(), kind: "pool" as const })),
    { ...database.notifyLock.stats(), kind: "lock" as const },
    { ...provisioners.stats(), kind: "queue" as const },
  ];
  const resetAll = (): void => {
    for (const c of cluster.cpus) c.resetStats();
    database.cpu.resetStats();
    for (const p of cluster.pools) p.resetStats();
    database.notifyLock.resetStats();
    provisioners.resetStats();
  };
  let resources: ResourceRow[] = [];
  const progressStep = onProgress ? timeline.endSeconds / 50 : Number.POSITIVE_INFINITY;
  const runUntil = (t: number): void => {
    while (sim.now < t) {
      sim.run(Math.min(t, sim.now + progressStep));
      onProgress?.(Math.min(1, sim.now / timeline.endSeconds));
    }
  };

  // The test proper waits for prepare, like the runner; a prepare that never finishes is cut at 10x its plan.
  const prepare = timeline.stage("prepare");
  if (prepare) {
    runUntil(prepare.endSeconds);
    const giveUp = prepare.startSeconds + 10 * (prepare.endSeconds - prepare.startSeconds);
    while (!runner.prepareDone && sim.now < giveUp) runUntil(sim.now + scenario.scrape_interval_s);
    timeline.delayAfterPrepare(sim.now);
  }
  for (const stage of timeline.stagesAfterPrepare()) scheduleStage(stage);
  const traffic = timeline.traffic;
  if (traffic.startSeconds >= sim.now) sim.at(traffic.startSeconds, resetAll);
  else resetAll();
  sim.at(traffic.endSeconds, () => {
    resources = resourceList();
  });
  runUntil(timeline.endSeconds);
  if (resources.length === 0) resources = resourceList();

  const times = Array.from(sampler.times);
  const series: Record<string, number[]> = {};
  for (const name of sampler.names) series[name] = Array.from(sampler.column(name));

  return {
    seed,
    events: sim.eventsProcessed,
    simulatedSeconds: sim.now,
    wallSeconds: (performance.now() - wallStart) / 1000,
    mechanisms: mech,
    times,
    series,
    figures: {
      agent_api_latency_p50_ms: agentProbe.bucketedQuantile(0.5) * 1000,
      agent_api_latency_p90_ms: agentProbe.bucketedQuantile(0.9) * 1000,
      agent_api_latency_p95_ms: agentProbe.bucketedQuantile(0.95) * 1000,
      agent_api_latency_p90_exact_ms: agentProbe.exactQuantile(0.9) * 1000,
      agent_api_latency_p95_exact_ms: agentProbe.exactQuantile(0.95) * 1000,
      agent_api_latency_p99_exact_ms: agentProbe.exactQuantile(0.99) * 1000,
      api_latency_p95_ms: apiProbe.bucketedQuantile(0.95) * 1000,
      api_latency_p95_exact_ms: apiProbe.exactQuantile(0.95) * 1000,
      provisioner_queue_wait_p95_s: queueWaits.exactQuantile(0.95),
      workspace_ready_p95_s: readyTimes.exactQuantile(0.95),
      metadata_dropped: metadataBatchers ? metadataBatchers.reduce((n, b) => n + b.stats().dropped, 0) : 0,
    },
    resources,
    timeline,
  };
}
