import { performance } from "node:perf_hooks";
import { distributionFromSpec, RandomStreams } from "../engine/random/index.js";
import { Batcher } from "../engine/resources/batcher.js";
import { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import { Simulation } from "../engine/simulation.js";
import { Sampler } from "../engine/stats/sampler.js";
import type { Scenario } from "../scenario/index.js";
import type { SeriesSet } from "../series/types.js";
import { AgentFleet } from "./agentFleet.js";
import { ApiClients } from "./apiClients.js";
import { CoderdCluster } from "./coderdCluster.js";
import { mechanismsFor, type VersionMechanisms } from "./coderVersion.js";
import { coderdComponent } from "./components/coderdComponent.js";
import {
  componentFigures,
  installMetrics,
  type ModelComponent,
  type ResourceRow,
  resetWindowStats,
  resourceRows,
} from "./components/component.js";
import { databaseComponent } from "./components/databaseComponent.js";
import { geographyComponent } from "./components/geographyComponent.js";
import { provisionerComponent } from "./components/provisionerComponent.js";
import { sessionMixComponent, weekComponent } from "./components/workloadComponent.js";
import { IdleConnections } from "./connectionChurn.js";
import { Database } from "./database.js";
import { resolveFeatures, type WeekSpec } from "./features.js";
import { Geography } from "./geography.js";
import { LatencyProbe } from "./latencyProbe.js";
import { TARGETS } from "./metrics/catalog.js";
import {
  agentFamilies,
  nodePoolFamilies,
  rateLimitFamilies,
  sessionFamilies,
  stageFamilies,
  workdayFamilies,
} from "./metrics/coderMetrics.js";
import { EventMetrics, eventFamilies, queueWaitFamily } from "./metrics/eventMetrics.js";
import { MetricRegistry } from "./metrics/registry.js";
import { RequestMetrics } from "./metrics/requestMetrics.js";
import type { ModelFile } from "./modelSchema.js";
import { NodePool } from "./nodePool.js";
import { RateLimiter } from "./rateLimiter.js";
import { buildRequestCatalog, insightsQueryClass } from "./requestClasses.js";
import { RequestPipeline } from "./requestPipeline.js";
import { ScaleEvents } from "./scaleEvents.js";
import { SessionMix } from "./sessionMix.js";
import { workspaceBuildDurations } from "./templates.js";
import { type StageWindow, Timeline } from "./timeline.js";
import { UserSessions } from "./userSessions.js";
import { WeekWorkload } from "./weekWorkload.js";
import { Workday } from "./workday.js";
import { makespanSeconds, WorkspaceRunner } from "./workspaceRunner.js";

export type { ResourceRow } from "./components/component.js";

/** Everything one replication produces. */
export interface ReplicationResult {
  seed: number;
  events: number;
  simulatedSeconds: number;
  wallSeconds: number;
  mechanisms: VersionMechanisms;
  /** The scraped metric families (docs/metrics.md), every series on the same scrape times. */
  metrics: SeriesSet;
  /** Latency quantiles and other figures not derivable from the series. */
  figures: Record<string, number>;
  /** Resource statistics over the traffic window. */
  resources: ResourceRow[];
  timeline: Timeline;
}

const dist = (p: { value: unknown }) => distributionFromSpec(p.value as never);

/** How often the scale-test runner is checked for a finished prepare once its window is over, seconds. */
const PREPARE_POLL_S = 15;

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

  // Issue 7's keys (nodes, regions, options, events); each is off when its key is absent.
  const features = resolveFeatures(scenario, model);

  const cluster = new CoderdCluster(
    sim,
    scenario,
    model,
    streams.stream("load-balancer"),
    w.agent.heartbeat_interval_s,
    {
      maxReplicas: features.maxReplicas,
      extraVcpuPerReplica: features.dbcryptVcpuPerReplica,
      extraMemoryPerAgentMb: features.agentStatsMemoryPerAgentMb,
    },
  );
  const database = new Database(sim, scenario, model, cluster);
  // Built-in daemons (per replica) serve the same queue as external ones; their terraform runs on coderd.
  const builtin = dep.coderd.builtin_provisioners * dep.coderd.replicas;
  const provisionerCount = dep.provisioners.count + builtin;
  const provisioners = new FcfsQueue(sim, {
    name: "provisioner daemons",
    servers: Math.max(1, provisionerCount),
  });

  const agentProbe = new LatencyProbe();
  const apiProbe = new LatencyProbe();
  const queueWaits = new LatencyProbe();
  const readyTimes = new LatencyProbe();
  const workdayQueueWaits = new LatencyProbe();

  // With a connection start-up cost in the model, each pool sits behind database/sql's idle list.
  const setupCpu = model.database.connection_setup_cpu_s?.value;
  const idleLists =
    setupCpu === undefined
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
      notifyHold: dist(model.database.notify_commit_s),
      dbRttSeconds: model.network.db_rtt_s.value,
      clientRttSeconds: model.network.client_rtt_s.value,
      streamFor: (name) => streams.stream(name),
    },
    {
      onRequestDone: (classId, replica, latency, owner, failed) =>
        requestDone(classId, replica, latency, owner, failed),
      onCommit: (logged, notify) => {
        database.countCommit(logged);
        if (notify) database.countNotify();
      },
    },
  );
  for (const cpu of cluster.cpus) cpu.onComplete((tag) => pipeline.cpuDone(tag));
  database.cpu.onComplete((tag) => pipeline.cpuDone(tag));
  cluster.pools.forEach((pool, r) => {
    const idle = idleLists?.[r];
    pool.onGrant((tag, unit) => {
      idle?.granted();
      pipeline.connectionGranted(tag, unit);
    });
  });
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
    rateLimited: pipeline.define(catalog.rateLimited),
    apiClientCall: pipeline.define(catalog.apiClientCall),
    agentReconnect: pipeline.define(catalog.agentReconnect),
    autostartBuild: pipeline.define(catalog.autostartBuild),
    autobuildPoll: pipeline.define(catalog.autobuildPoll),
  };
  // Each replica refreshes its deployment-stats cache on its own ticker (random phase).
  everyReplica(
    sim,
    cluster,
    pipeline,
    ids.deploymentStats,
    model.coderd.deployment_stats_refresh_s.value,
    streams.stream("deployment-stats"),
  );

  // Model components present only when the model file carries them (Agents() collector, NOTIFY fan-out).
  startOptionalDatabaseLoads(
    sim,
    model,
    cluster,
    database,
    pipeline,
    catalog,
    streams.stream("agents-collector"),
  );

  // coderd's agent-stats batcher, and (newest versions) its metadata batcher, one per replica.
  const statsBatchers = cluster.cpus.map((_, r) =>
    new Batcher(sim, {
      name: `coderd-${r} stats batcher`,
      flushIntervalSeconds: model.agent.stats_flush_interval_s.value,
      maxBatchSize: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
      bufferCapacity: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
    }).onFlush((rows) => {
      if (!cluster.isUp(r)) return; // rows buffered on a lost replica are lost with it
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
            if (entries === 0 || !cluster.isUp(r)) {
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
  const durations = workspaceBuildDurations(
    scenario.templates,
    w.workspaces,
    dist(model.provisioner.build_duration_s),
    dist(model.provisioner.delete_duration_s),
  );
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
      buildDuration: durations.build,
      deleteDuration: durations.stop,
      connectDelay: dist(model.agent.connect_delay_s),
      updateIntervalSeconds: model.provisioner.update_interval_s.value,
      classes: ids,
    },
    w.workspaces,
  );
  runner.onWorkspaceReady = (seconds) => readyTimes.record(seconds, true);
  runner.builtinShare = provisionerCount > 0 ? builtin / provisionerCount : 0;
  runner.builtinBuildingVcpu = model.provisioner.building_vcpu.value;

  const sessions = new UserSessions(sim, cluster, fleet, pipeline, streams.stream("users"), {
    dashboardIntervalSeconds: w.dashboard.interval_s,
    dashboardJitterSeconds: w.dashboard.jitter_s,
    apiCallsPerAction: Math.round(model.dashboard.api_calls_per_action.value),
    websocketsPerDashboardUser: model.dashboard.websockets_per_user.value,
    bytesPerSecondPerConnection:
      (w.traffic.bytes_per_tick / w.traffic.tick_interval_s) * model.workspace_traffic.echo_factor.value,
    directConnections: w.traffic.direct_connections,
    classes: ids,
    users: w.users,
  });

  // Regions and workspace proxies: longer round trips for far users and agents; proxies take relayed bytes.
  const geography =
    features.geography && new Geography(sim, features.geography, model, streams.stream("geography"), w.users);
  if (geography) {
    sessions.geography = geography;
    fleet.extraRttSeconds = Float64Array.from({ length: w.workspaces }, (_, a) => geography.agentExtraRtt(a));
  }
  const rateLimiter =
    features.rateLimitPerMinute !== undefined
      ? new RateLimiter(
          cluster.replicas,
          w.users + (features.apiClients?.count ?? 0),
          features.rateLimitPerMinute,
        )
      : undefined;
  sessions.rateLimiter = rateLimiter;
  const apiClients =
    features.apiClients &&
    new ApiClients(
      sim,
      cluster,
      pipeline,
      streams.stream("api-clients"),
      { ...features.apiClients, firstKey: w.users, classes: ids },
      rateLimiter,
    );
  // The data plane: start builds' pods wait for node room; connected users make their workspaces burst.
  const nodePool = features.nodes && new NodePool(sim, features.nodes, streams.stream("nodes"), w.workspaces);
  if (nodePool) {
    runner.pods = nodePool;
    sessions.onInUse = (agent, delta) => nodePool.setInUse(agent, delta);
  }
  const workday =
    features.workday &&
    new Workday(
      sim,
      features.workday,
      runner,
      sessions,
      pipeline,
      cluster,
      streams.stream("workday"),
      ids,
      w.workspaces,
    );
  if (workday) {
    runner.onWorkdayReady = (agent, seconds) => workday.ready(agent, seconds);
    workday.plan();
  }
  // Issue 14: working users' session mix, and arrivals from a day profile (with insights users).
  const mix =
    features.sessions &&
    new SessionMix(sim, features.sessions, sessions, streams.stream("session-mix"), w.workspaces, timeline);
  if (workday) workday.mix = mix;
  const week = features.week && planWeek(features.week);
  function planWeek(spec: WeekSpec): WeekWorkload {
    const insights = spec.insights ? insightsQueryClass(model) : undefined;
    const insightsQuery = insights && pipeline.define(insights);
    const week = new WeekWorkload(
      sim,
      spec,
      runner,
      mix,
      pipeline,
      cluster,
      database.cpu,
      streams.stream("week"),
      { ...ids, insightsQuery },
      w.workspaces,
      model.insights?.requests_per_load.value ?? 0,
      (workspace) => (geography ? geography.regionOfUser(workspace) : 0),
    );
    runner.onWorkdayReady = (agent, seconds) => week.ready(agent, seconds);
    runner.onWorkdayStopped = (agent) => week.stopped(agent);
    week.plan();
    return week;
  }
  const events =
    features.events.length > 0
      ? new ScaleEvents(sim, cluster, fleet, sessions, pipeline, database, streams.stream("events"), {
          agentReconnectDelay: dist(model.reconnects.agent_reconnect_delay_s),
          clientReconnectDelay: dist(model.reconnects.client_reconnect_delay_s),
          agentReconnectClass: ids.agentReconnect,
          agentRetrySeconds: model.reconnects.agent_retry_max_s.value,
          onReplicasChanged: () => runner.refreshJobUpdates(),
          onDatabaseChanged: () => cluster.onFluidChanged?.(),
        })
      : undefined;
  events?.schedule(features.events, timeline);
  // Every request's latency per 15 s window, for the disruption figures (built before the sampler starts).
  const eventMetrics = events ? new EventMetrics(sim) : undefined;

  function requestDone(
    classId: number,
    replica: number,
    latency: number,
    owner: number,
    failed: boolean,
  ): void {
    requestMetrics.record(classId, replica, latency, failed);
    if (failed) {
      if (eventMetrics) eventMetrics.failedRequests++;
      return;
    }
    const cls = pipeline.classAt(classId);
    const measured = timeline.inTraffic(sim.now);
    if (cls.http) apiProbe.record(latency, measured);
    if (cls.agentApi) agentProbe.record(latency, measured);
    if (geography) {
      if (classId === ids.dashboardApi)
        geography.apiProbes[geography.regionOfUser(owner)]!.record(latency, measured);
      else if (cls.agentApi)
        geography.agentProbes[geography.regionOfWorkspace(owner)]!.record(latency, measured);
    }
    eventMetrics?.requestDone(latency);
  }

  // What each class does when a request finishes (failed or not): its owner is the class's to interpret.
  const buildDone = (workspaceBuild: number): void => runner.buildRequestDone(workspaceBuild);
  pipeline.onDone(ids.workspaceCreate, buildDone);
  pipeline.onDone(ids.autostartBuild, buildDone);
  const statsDone = (agent: number, replica: number): void => {
    statsBatchers[replica]!.add();
    fleet.statsReturned(agent);
  };
  pipeline.onDone(ids.statsRpc, statsDone);
  pipeline.onDone(ids.statsRpcWithSession, statsDone);
  pipeline.onDone(ids.metadataRpc, (agent, replica) => {
    if (metadataBatchers) for (let i = 0; i < w.agent.metadata.items; i++) metadataBatchers[replica]!.add();
    fleet.metadataReturned(agent);
  });
  pipeline.onDone(ids.dashboardApi, (user) => sessions.dashboardCallReturned(user));
  // A refused call of a dashboard user (owner ≥ 0) still ends its part of the page load; API clients don't wait.
  pipeline.onDone(ids.rateLimited, (user) => {
    if (user >= 0) sessions.dashboardCallReturned(user);
  });
  pipeline.onDone(ids.metadataFlush, (replica) => metadataBatchers?.[replica]?.flushDone());

  /** Dense streams carried as rates on the database: heartbeats and provisioner job updates. */
  // The database's fluid load follows its inputs (agents per replica, job updates, replicas up, a pause),
  // recomputed once per instant however many of them changed.
  let fluidPending = false;
  const refreshFluidAction = sim.register(() => refreshDatabaseFluid());
  cluster.onFluidChanged = () => {
    if (fluidPending) return;
    fluidPending = true;
    sim.post(0, refreshFluidAction);
  };
  cluster.onFluidChanged();
  function refreshDatabaseFluid(): void {
    fluidPending = false;
    if (database.paused) {
      // A failing-over database serves nothing: heartbeat and job-update writes fail meanwhile.
      database.setFluidCommits(0, sim.now);
      database.setFluidVcpu(0);
      return;
    }
    const db = model.database;
    const writeCost = dist(db.write_query_cpu_s).mean;
    let vcpu = 0;
    let commits = 0;
    for (let r = 0; r < cluster.replicas; r++) {
      const heartbeats = cluster.agents[r]! / w.agent.heartbeat_interval_s;
      if (mech.metadataPath === "coderd_batch") {
        // Newest coderd batches heartbeats too: a flush at the batch size or after the longest interval.
        const m = model.coderd;
        const flushes =
          heartbeats > 0
            ? Math.max(heartbeats / m.heartbeat_batch_agents.value, 1 / m.heartbeat_batch_interval_s.value)
            : 0;
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
    database.setFluidCommits(commits, sim.now);
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

  // The simulated Prometheus scrape: readers only, every series labelled as its exporter labels it.
  const sampler = new Sampler(sim, { intervalSeconds: scenario.scrape_interval_s });
  const registry = new MetricRegistry(sampler, { namespace: TARGETS.namespace });
  const geographyPart = geography ? geographyComponent(geography) : undefined;
  // Composition order is the order of the series and of the resource rows within a section.
  const components: ModelComponent[] = [
    coderdComponent(cluster),
    { installMetrics: (registry) => agentFamilies(registry, sim, cluster, fleet) },
    provisionerComponent(
      sim,
      {
        queue: provisioners,
        external: dep.provisioners.count,
        builtinPerReplica: dep.coderd.builtin_provisioners,
        buildingVcpu: Math.min(model.provisioner.building_vcpu.value, dep.provisioners.vcpu),
        idleVcpu: model.provisioner.idle_vcpu.value,
      },
      cluster.replicas,
    ),
    databaseComponent(sim, database),
    { installMetrics: (registry) => sessionFamilies(registry, sessions) },
    { installMetrics: (registry) => stageFamilies(registry, timeline) },
  ];
  installMetrics(components, registry);
  const requestMetrics = new RequestMetrics(registry, pipeline.definedClasses, cluster.replicas);
  const recordQueueWait = queueWaitFamily(registry);
  runner.onQueueWait = (wait, startedAt, forPrepare, isDelete) => {
    recordQueueWait(wait, isDelete);
    if (forPrepare) queueWaits.record(wait, true);
    const day = timeline.workday;
    if (day && startedAt >= day.startSeconds && startedAt < day.endSeconds)
      workdayQueueWaits.record(wait, true);
  };
  if (nodePool) nodePoolFamilies(registry, nodePool);
  if (workday) workdayFamilies(registry, workday);
  if (geographyPart) installMetrics([geographyPart], registry);
  const workloadParts = [...(week ? [weekComponent(week)] : []), ...(mix ? [sessionMixComponent(mix)] : [])];
  installMetrics(workloadParts, registry);
  if (rateLimiter) rateLimitFamilies(registry, rateLimiter);
  if (events && eventMetrics) eventFamilies(registry, eventMetrics, events, database);
  sampler.start();

  // Resource statistics cover the traffic window (or the whole run when there is no traffic stage).
  if (geographyPart) components.push(geographyPart);
  const resourceList = (): ResourceRow[] => resourceRows(components);
  const resetAll = (): void => resetWindowStats(components);
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
    while (!runner.prepareDone && sim.now < giveUp) runUntil(sim.now + PREPARE_POLL_S);
    timeline.delayAfterPrepare(sim.now);
  }
  for (const stage of timeline.stagesAfterPrepare()) scheduleStage(stage);
  events?.scheduleAfterPrepare(timeline);
  const traffic = timeline.traffic;
  if (traffic.startSeconds >= sim.now) sim.at(traffic.startSeconds, resetAll);
  else resetAll();
  if (apiClients) {
    if (traffic.startSeconds >= sim.now)
      sim.at(traffic.startSeconds, () => apiClients.run(traffic.endSeconds));
    else apiClients.run(traffic.endSeconds);
  }
  sim.at(traffic.endSeconds, () => {
    resources = resourceList();
  });
  runUntil(timeline.endSeconds);
  if (resources.length === 0) resources = resourceList();

  /** Figures of issue 7's features (named with the metric they feed), only for the features in use. */
  function featureFigures(): Record<string, number> {
    const f: Record<string, number> = {};
    if (nodePool) {
      f.node_wait_p95_s = nodePool.nodeWait.exactQuantile(0.95);
      f.nodes_added = nodePool.nodesAdded;
      f.nodes_removed = nodePool.nodesRemoved;
      f.pods_pending_peak = nodePool.peakPending;
      f.node_hours = nodePool.nodeHours;
    }
    if (workday) {
      f.workday_ready_p50_s = workday.readyTimes.exactQuantile(0.5);
      f.workday_ready_p95_s = workday.readyTimes.exactQuantile(0.95);
      f.workday_ready_p99_s = workday.readyTimes.exactQuantile(0.99);
      f.workday_queue_wait_p95_s = workdayQueueWaits.exactQuantile(0.95);
      f.workday_starts = workday.starts;
      f.workday_autostarts = workday.autostarts;
      f.workday_working_peak = workday.peakWorking;
    }
    Object.assign(f, componentFigures(geographyPart ? [geographyPart] : []));
    Object.assign(f, componentFigures(workloadParts));
    if (rateLimiter) {
      f.api_rejected_total = rateLimiter.rejectedTotal;
      f.api_accepted_total = rateLimiter.acceptedTotal;
    }
    if (apiClients) f.api_client_requests = apiClients.sent;
    for (const r of events?.records ?? []) {
      const label = `{event="${r.label}"}`;
      f[`disruption_failed_requests${label}`] = r.failedRequests;
      f[`disruption_reconnects${label}`] = r.reconnects;
      f[`disruption_settled_s${label}`] = r.settledSeconds - r.atSeconds;
      f[`disruption_at_s${label}`] = r.atSeconds;
    }
    return f;
  }

  return {
    seed,
    events: sim.eventsProcessed,
    simulatedSeconds: sim.now,
    wallSeconds: (performance.now() - wallStart) / 1000,
    mechanisms: mech,
    metrics: registry.seriesSet(),
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
      workspace_build_makespan_prepare_s: makespanSeconds(runner.prepareBuilds),
      workspace_build_makespan_cleanup_s: makespanSeconds(runner.cleanupBuilds),
      metadata_dropped: metadataBatchers ? metadataBatchers.reduce((n, b) => n + b.stats().dropped, 0) : 0,
      ...pipeline.overloadFigures(),
      ...featureFigures(),
    },
    resources,
    timeline,
  };
}

/**
 * The NOTIFY fan-out to every listening replica (`pubsub`), connection start-ups
 * (`database.connection_setup_cpu_s`) and each replica's Agents() collector (`agents_collector`), when
 * the model file has them.
 */
function startOptionalDatabaseLoads(
  sim: Simulation,
  model: ModelFile,
  cluster: CoderdCluster,
  database: Database,
  pipeline: RequestPipeline,
  catalog: ReturnType<typeof buildRequestCatalog>,
  rng: () => number,
): void {
  const setupCpu = model.database.connection_setup_cpu_s?.value;
  if (model.pubsub || setupCpu !== undefined) {
    // Every replica's pubsub connection LISTENs; PostgreSQL wakes each listening backend per NOTIFY.
    const listeners = model.pubsub ? cluster.replicas * model.pubsub.listeners_per_replica.value : 0;
    database.startEventLoads(sim, {
      cpuPerNotify: listeners * (model.pubsub?.listener_cpu_s.value ?? 0),
      cpuPerOpen: setupCpu ?? 0,
    });
  }
  const collector = catalog.agentsCollector;
  const interval = model.agents_collector?.interval_s.value;
  if (!collector || interval === undefined) return;
  everyReplica(sim, cluster, pipeline, pipeline.define(collector), interval, rng);
}

/**
 * A per-replica ticker of coderd (deployment-stats refresh, Agents() collector): each live replica
 * starts request class `classId` over all agents every `interval` seconds, from a random phase.
 */
function everyReplica(
  sim: Simulation,
  cluster: CoderdCluster,
  pipeline: RequestPipeline,
  classId: number,
  interval: number,
  rng: () => number,
): void {
  for (let r = 0; r < cluster.replicas; r++) {
    const tick = (): void => {
      if (cluster.isUp(r)) pipeline.startRequest(classId, r, -1, cluster.totalAgents());
      sim.after(interval, tick);
    };
    sim.after(rng() * interval, tick);
  }
}
