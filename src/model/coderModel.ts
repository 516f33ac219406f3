import { performance } from "node:perf_hooks";
import { Sampler } from "../engine/stats/sampler.js";
import type { Scenario } from "../scenario/index.js";
import type { SeriesSet } from "../series/types.js";
import type { VersionMechanisms } from "./coderVersion.js";
import { AgentBatchers, FleetComponent } from "./components/agentComponents.js";
import { ApiClientsComponent, RateLimitComponent } from "./components/apiAccessComponent.js";
import { coderdComponent } from "./components/coderdComponent.js";
import {
  componentFigures,
  installCompletions,
  installMetrics,
  type ModelComponent,
  type ResourceRow,
  requestListener,
} from "./components/component.js";
import { modelContext } from "./components/context.js";
import { ControlPlane } from "./components/controlPlane.js";
import { DatabaseComponent } from "./components/databaseComponent.js";
import { DatabaseFluidLoad } from "./components/databaseFluid.js";
import { DerpLatencyComponent, derpLatencyOn } from "./components/derpLatencyComponent.js";
import { EventsComponent } from "./components/eventsComponent.js";
import { GeographyComponent } from "./components/geographyComponent.js";
import { NodePoolComponent } from "./components/nodePoolComponent.js";
import { provisionerComponent } from "./components/provisionerComponent.js";
import { ProvisionerPollComponent, provisionerPollingOn } from "./components/provisionerPollComponent.js";
import { ReplicaSyncComponent, replicaSyncOn } from "./components/replicaSyncComponent.js";
import { RequestsComponent } from "./components/requestsComponent.js";
import { RunnerComponent } from "./components/runnerComponent.js";
import { SessionsComponent } from "./components/sessionsComponent.js";
import { StagesComponent } from "./components/stagesComponent.js";
import { TailnetCoordinatorComponent } from "./components/tailnetCoordinatorComponent.js";
import { WorkdayComponent } from "./components/workdayComponent.js";
import { SessionMixComponent, WeekComponent } from "./components/workloadComponent.js";
import type { DatabaseCpuWindow } from "./databaseCpuBySource.js";
import { TARGETS } from "./metrics/catalog.js";
import { MetricRegistry } from "./metrics/registry.js";
import type { ModelFile } from "./modelSchema.js";
import type { RequestListener } from "./requestPipeline.js";
import { runStages } from "./runStages.js";
import type { Timeline } from "./timeline.js";

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
  /** The database's CPU by source over the traffic window, then over prepare (when there is one). */
  databaseCpuBySource: DatabaseCpuWindow[];
  timeline: Timeline;
}

/**
 * Runs one replication of a scenario under a model. The engine knows nothing of Coder; this composes the
 * model's components. They are built in an order that keeps every random draw and scheduled event where
 * it has always been (test/model/composition.test.ts); each gets at construction all it needs.
 */
export function runReplication(
  scenario: Scenario,
  model: ModelFile,
  seed: number,
  onProgress?: (fraction: number) => void,
): ReplicationResult {
  const wallStart = performance.now();
  const { ctx, components, runner, database, sampler, registry } = composeReplication(scenario, model, seed);
  sampler.start();
  const resources = runStages(ctx, components, () => runner.runner.prepareDone, onProgress);
  return {
    seed,
    events: ctx.sim.eventsProcessed,
    simulatedSeconds: ctx.sim.now,
    wallSeconds: (performance.now() - wallStart) / 1000,
    mechanisms: ctx.mech,
    metrics: registry.seriesSet(),
    figures: componentFigures(components),
    resources,
    databaseCpuBySource: database.cpuBySource(),
    timeline: ctx.timeline,
  };
}

/**
 * The replication's Sampler: its columns (every scraped series the registry installs, counted by composing
 * the model without running it, so this is the model's own count; series a first failure adds during the
 * run are not among them) and the scrapes each column makes room for.
 */
export function samplerSize(scenario: Scenario, model: ModelFile): { columns: number; scrapes: number } {
  const { sampler, ctx } = composeReplication(scenario, model, 0, 1);
  return { columns: sampler.columnCount, scrapes: expectedScrapes(scenario, ctx.timeline) };
}

/** Scrapes of a replication: one at 0 and one per interval to the planned end, room for a prepare overrun. */
function expectedScrapes(scenario: Scenario, timeline: Timeline): number {
  const prepare = timeline.stage("prepare");
  const overrunRoom = prepare ? prepare.endSeconds - prepare.startSeconds : 0;
  return Math.floor((timeline.endSeconds + overrunRoom) / scenario.scrape_interval_s) + 2;
}

/** The model's components with their series installed on a sampler of `scrapes` rows (default: the run's). */
function composeReplication(scenario: Scenario, model: ModelFile, seed: number, scrapes?: number) {
  const ctx = modelContext(scenario, model, seed);
  const { sim, features } = ctx;
  // Built in this order because each part schedules its first events as it is built (ties run FIFO).
  let requestDone: RequestListener = () => {};
  const plane = new ControlPlane(ctx, (c, r, latency, owner, failed) =>
    requestDone(c, r, latency, owner, failed),
  );
  const batchers = new AgentBatchers(ctx, plane);
  const geography = features.geography && new GeographyComponent(ctx, plane);
  const nodes = features.nodes && new NodePoolComponent(ctx);
  const fleet = new FleetComponent(ctx, plane, batchers, geography?.geography);
  const runner = new RunnerComponent(ctx, plane, fleet.fleet, nodes?.pool);
  const rateLimit =
    features.rateLimitPerMinute !== undefined ? new RateLimitComponent(ctx, plane) : undefined;
  const apiClients = features.apiClients && new ApiClientsComponent(ctx, plane, rateLimit?.limiter);
  const users = new SessionsComponent(ctx, plane, fleet.fleet, {
    geography: geography?.geography,
    rateLimiter: rateLimit?.limiter,
    nodePool: nodes?.pool,
  });
  const mix = features.sessions && new SessionMixComponent(ctx, users.sessions);
  const workday = features.workday && new WorkdayComponent(ctx, plane, runner, users.sessions, mix?.mix);
  const week = features.week && new WeekComponent(ctx, plane, runner.runner, mix?.mix, geography?.geography);
  const events =
    features.events.length > 0
      ? new EventsComponent(ctx, plane, fleet.fleet, users.sessions, runner.runner)
      : undefined;
  const coordinator =
    ctx.pgCoordinator && model.tailnet_coordinator
      ? new TailnetCoordinatorComponent(ctx, plane, fleet.fleet, model.tailnet_coordinator)
      : undefined;
  const polling =
    provisionerPollingOn(ctx) && model.provisioner_polling
      ? new ProvisionerPollComponent(ctx, plane, model.provisioner_polling)
      : undefined;
  const replicaSync =
    replicaSyncOn(ctx) && model.replica_sync
      ? new ReplicaSyncComponent(ctx, plane, model.replica_sync)
      : undefined;
  const derpLatency =
    derpLatencyOn(scenario, model) && model.derp_latency
      ? new DerpLatencyComponent(ctx, plane, fleet.fleet, model.derp_latency)
      : undefined;
  // From here on the database's fluid load follows its inputs (first computed at this instant).
  new DatabaseFluidLoad(ctx, plane.cluster, plane.database);
  const stages = new StagesComponent(ctx, runner.runner, users.sessions);
  const database = new DatabaseComponent(sim, plane.database, plane.pipeline, ctx.timeline);
  // Composition order is the order of the series, of the figures and of the resource rows within a section.
  const components: ModelComponent[] = [
    coderdComponent(plane.cluster),
    fleet,
    provisionerComponent(ctx, plane),
    database,
    users,
    stages,
    new RequestsComponent(ctx, plane.pipeline, plane.cluster.replicas),
    runner,
    batchers,
    ...[
      nodes,
      workday,
      geography,
      week,
      mix,
      rateLimit,
      apiClients,
      events,
      coordinator,
      polling,
      replicaSync,
      derpLatency,
    ].filter((c) => c !== undefined),
  ];
  installCompletions(components, plane.pipeline);
  requestDone = requestListener(components);
  // The simulated Prometheus scrape: readers only, every series labelled as its exporter labels it.
  // Sized for the whole run (a prepare overrunning by up to its own length moves the stages after it back):
  // the columns are then allocated once, not regrown at the end.
  const sampler = new Sampler(sim, {
    intervalSeconds: scenario.scrape_interval_s,
    expectedScrapes: scrapes ?? expectedScrapes(scenario, ctx.timeline),
  });
  const registry = new MetricRegistry(sampler, { namespace: TARGETS.namespace });
  installMetrics(components, registry);
  return { ctx, components, runner, database, sampler, registry };
}
