import { type Distribution, distributionFromSpec } from "../engine/random/index.js";
import { InputError } from "../errors.js";
import type { Scenario } from "../scenario/index.js";
import { DAY_PROFILE_SLOT_S, weekSchema } from "../scenario/schema.js";
import type { ModelFile } from "./modelSchema.js";
import type { SessionKindSpec } from "./sessionMix.js";

/**
 * Issue 7's scenario keys, resolved against the model file in one place. Every feature is off (undefined)
 * when its key is absent, so a scenario without them runs exactly as before they existed.
 */

export interface PodSpec {
  cpuRequestVcpu: number;
  memoryRequestGb: number;
  idleVcpu: number;
  idleMemoryGb: number;
  burstVcpu: number;
  burstIntervalSeconds: number;
  burstDurationSeconds: number;
}

export interface NodePoolSpec {
  nodeVcpu: number;
  nodeMemoryGb: number;
  maxPods: number;
  initialNodes: number;
  placement: "spread" | "pack";
  pod: PodSpec;
  autoscaler: {
    enabled: boolean;
    minNodes: number;
    maxNodes: number;
    scaleOn: "requests" | "usage" | "workspaces";
    threshold: number;
    workspacesPerNode: number;
    nodeStartup: Distribution;
    scaleDownIdleSeconds: number;
    scanIntervalSeconds: number;
  };
}

export interface RegionSpec {
  name: string;
  usersShare: number;
  /** Index of the region running these users' workspaces. */
  workspacesIn: number;
  proxy?: { replicas: number; vcpu: number; memoryGb: number };
}

export interface GeographySpec {
  regions: RegionSpec[];
  /** Round trip between regions i and j, seconds (the model's client RTT on the diagonal). */
  rttSeconds: number[][];
}

export interface WorkdaySpec {
  startSeconds: number;
  endSeconds: number;
  activeShare: number;
  startMeanSeconds: number;
  startSpreadSeconds: number;
  autostartShare: number;
  autostartStepSeconds: number;
  workMeanSeconds: number;
  workSpreadSeconds: number;
  connectedShare: number;
  connection: "ssh" | "web_terminal" | "workspace_apps";
  pollIntervalSeconds: number;
}

/** The day-profile workload (workload.day_profile and workload.week), resolved. */
export interface WeekSpec {
  /** 96 values, users active per 15 minutes, divided by their peak (the busiest slot is 1). */
  profile: number[];
  days: number;
  peakShare: number;
  weekendShare: number;
  autostartShare: number;
  autostartStepSeconds: number;
  rebuildsPerUserPerDay: number;
  pollIntervalSeconds: number;
  insights?: { users: number; loadsPerDay: number };
  /** Per region (geography order; one entry without geography): its clock's lead over the primary, in slots. */
  regionOffsetSlots: number[];
}

export type ScenarioEvent = NonNullable<Scenario["events"]>[number];

/** When an event is planned: its `at_s`, or its stage's planned start plus the offset. */
export function plannedEventSeconds(e: ScenarioEvent, stages: Scenario["stages"]): number {
  if (e.at_s !== undefined) return e.at_s;
  const stage = stages.find((s) => s.name === e.at?.stage);
  return (stage?.start_s ?? 0) + (e.at?.offset_s ?? 0);
}

export interface Features {
  nodes?: NodePoolSpec;
  geography?: GeographySpec;
  workday?: WorkdaySpec;
  week?: WeekSpec;
  sessions?: SessionKindSpec[];
  apiClients?: { count: number; requestsPerMinute: number };
  rateLimitPerMinute?: number;
  dbcryptVcpuPerReplica: number;
  agentStatsMemoryPerAgentMb: number;
  /** Built-in daemons per replica, whose terraform runs on coderd's CPU. */
  builtinProvisionersPerReplica: number;
  events: ScenarioEvent[];
  /** Most replicas up at any time (arrays are sized for it). */
  maxReplicas: number;
}

/** A model parameter's distribution (`{value: spec}`). */
export const distOf = (p: { value: unknown }): Distribution => distributionFromSpec(p.value as never);

export function resolveFeatures(scenario: Scenario, model: ModelFile): Features {
  const coderd = scenario.deployment.coderd;
  const at = (e: ScenarioEvent) => plannedEventSeconds(e, scenario.stages);
  const events = [...(scenario.events ?? [])].sort((a, b) => at(a) - at(b));
  let maxReplicas = coderd.replicas;
  for (const e of events) if (e.kind === "scale_replicas") maxReplicas = Math.max(maxReplicas, e.replicas);
  return {
    nodes: scenario.workspace_nodes && resolveNodes(scenario.workspace_nodes, model),
    geography: scenario.geography && resolveGeography(scenario.geography, model),
    workday: scenario.workload.workday && resolveWorkday(scenario, model),
    week: scenario.workload.day_profile !== undefined ? resolveWeek(scenario, model) : undefined,
    sessions:
      scenario.workload.sessions &&
      resolveSessions(
        scenario.workload.sessions,
        model,
        "scenario",
        scenario.workload.session_bursts ?? "events",
      ),
    apiClients: scenario.workload.api_clients && {
      count: scenario.workload.api_clients.count,
      requestsPerMinute: scenario.workload.api_clients.requests_per_min,
    },
    rateLimitPerMinute: coderd.rate_limit
      ? (coderd.rate_limit.per_user_per_min ?? model.options.api_rate_limit_per_min.value)
      : undefined,
    dbcryptVcpuPerReplica: coderd.database_encryption ? model.options.dbcrypt_vcpu_per_replica.value : 0,
    agentStatsMemoryPerAgentMb: coderd.prometheus_agent_stats
      ? model.options.agent_stats_memory_per_agent_mb.value
      : 0,
    builtinProvisionersPerReplica: coderd.builtin_provisioners,
    events,
    maxReplicas,
  };
}

function resolveNodes(n: NonNullable<Scenario["workspace_nodes"]>, model: ModelFile): NodePoolSpec {
  const dp = model.data_plane;
  const w = n.workspace;
  const pod: PodSpec = {
    cpuRequestVcpu: w.cpu_request_vcpu ?? dp.workspace_request_vcpu.value,
    memoryRequestGb: w.memory_request_gb ?? dp.workspace_request_memory_gb.value,
    idleVcpu: w.idle_vcpu ?? dp.idle_vcpu.value,
    idleMemoryGb: w.idle_memory_gb ?? dp.idle_memory_gb.value,
    burstVcpu: w.burst_vcpu ?? dp.burst_vcpu.value,
    burstIntervalSeconds: w.burst_interval_s ?? dp.burst_interval_s.value,
    burstDurationSeconds: w.burst_duration_s ?? dp.burst_duration_s.value,
  };
  const maxPods = n.max_pods ?? dp.max_pods_per_node.value;
  const a = n.autoscaler;
  const fit = podsPerNode(n.vcpu, n.memory_gb, maxPods, pod);
  return {
    nodeVcpu: n.vcpu,
    nodeMemoryGb: n.memory_gb,
    maxPods,
    initialNodes: n.initial_nodes ?? a.min_nodes,
    placement: n.placement,
    pod,
    autoscaler: {
      enabled: a.enabled,
      minNodes: a.min_nodes,
      maxNodes: Math.max(a.max_nodes, a.min_nodes),
      scaleOn: a.scale_on,
      threshold: a.threshold_pct !== undefined ? a.threshold_pct / 100 : dp.autoscale_threshold.value,
      // A target above what fits cannot be met: pods are placed by their requests first.
      workspacesPerNode: Math.max(1, Math.min(a.workspaces_per_node ?? fit, Math.max(1, fit))),
      nodeStartup:
        a.node_startup_s !== undefined ? distributionFromSpec(a.node_startup_s) : distOf(dp.node_startup_s),
      scaleDownIdleSeconds: a.scale_down_idle_s ?? dp.scale_down_unneeded_s.value,
      scanIntervalSeconds: a.scan_interval_s ?? dp.autoscaler_scan_s.value,
    },
  };
}

/** Identical pods that fit on one empty node. */
export function podsPerNode(vcpu: number, memoryGb: number, maxPods: number, pod: PodSpec): number {
  const byCpu = pod.cpuRequestVcpu > 0 ? Math.floor(vcpu / pod.cpuRequestVcpu + 1e-9) : maxPods;
  const byMemory = pod.memoryRequestGb > 0 ? Math.floor(memoryGb / pod.memoryRequestGb + 1e-9) : maxPods;
  return Math.max(0, Math.min(maxPods, byCpu, byMemory));
}

function resolveGeography(g: NonNullable<Scenario["geography"]>, model: ModelFile): GeographySpec {
  const names = g.regions.map((r) => r.name);
  const local = model.network.client_rtt_s.value;
  const rtt = names.map((_, i) => names.map((__, j) => (i === j ? local : Number.NaN)));
  for (const link of g.rtt_ms) {
    const i = names.indexOf(link.from);
    const j = names.indexOf(link.to);
    rtt[i]![j] = link.rtt_ms / 1000;
    rtt[j]![i] = link.rtt_ms / 1000;
  }
  return {
    regions: g.regions.map((r) => ({
      name: r.name,
      usersShare: r.users_pct / 100,
      workspacesIn: r.workspaces_in !== undefined ? names.indexOf(r.workspaces_in) : 0,
      proxy: r.proxy && { replicas: r.proxy.replicas, vcpu: r.proxy.vcpu, memoryGb: r.proxy.memory_gb },
    })),
    rttSeconds: rtt,
  };
}

function resolveWorkday(scenario: Scenario, model: ModelFile): WorkdaySpec {
  const d = scenario.workload.workday!;
  return {
    startSeconds: d.start_s,
    endSeconds: d.start_s + d.duration_s,
    activeShare: d.active_pct / 100,
    startMeanSeconds: d.start_mean_s,
    startSpreadSeconds: d.start_spread_s,
    autostartShare: d.autostart_pct / 100,
    autostartStepSeconds: d.autostart_step_s,
    workMeanSeconds: d.work_mean_s,
    workSpreadSeconds: d.work_spread_s,
    connectedShare: d.connected_pct / 100,
    connection: d.connection,
    pollIntervalSeconds:
      scenario.deployment.coderd.autobuild_poll_interval_s ?? model.options.autobuild_poll_s.value,
  };
}

function resolveWeek(scenario: Scenario, model: ModelFile): WeekSpec {
  const w = scenario.workload;
  const profile = w.day_profile;
  // The loader turns a named or file profile into its values; a string here was never loaded.
  if (!Array.isArray(profile)) throw new Error("workload.day_profile was not loaded (loadScenario reads it)");
  const peak = Math.max(...profile);
  const week = weekSchema.parse(w.week ?? {});
  return {
    profile: profile.map((v) => (peak > 0 ? v / peak : 0)),
    days: week.days,
    peakShare: week.peak_active_pct / 100,
    weekendShare: week.weekend_active_pct / 100,
    autostartShare: week.autostart_pct / 100,
    autostartStepSeconds: week.autostart_step_s,
    rebuildsPerUserPerDay: week.rebuilds_per_user_per_day,
    pollIntervalSeconds:
      scenario.deployment.coderd.autobuild_poll_interval_s ?? model.options.autobuild_poll_s.value,
    insights: w.insights && { users: w.insights.users, loadsPerDay: w.insights.loads_per_day },
    regionOffsetSlots: (scenario.geography?.regions ?? [{ day_offset_h: 0 }]).map((r) =>
      Math.round(((r.day_offset_h ?? 0) * 3600) / DAY_PROFILE_SLOT_S),
    ),
  };
}

/** The session mix with the model's defaults filled in; a kind the model keeps relayed cannot go direct. */
export function resolveSessions(
  sessions: NonNullable<Scenario["workload"]["sessions"]>,
  model: ModelFile,
  scenarioFile = "scenario",
  bursts: "events" | "rate" = "events",
): SessionKindSpec[] {
  const kinds = model.session_kinds;
  if (!kinds)
    throw new InputError({
      file: "model",
      path: "session_kinds",
      message: "the model has no session_kinds section, which workload.sessions needs",
    });
  const total = sessions.reduce((sum, s) => sum + s.share, 0);
  return sessions.map((s, i) => {
    const k = kinds[s.kind];
    if (s.direct && k.can_go_direct.value === 0)
      throw new InputError({
        file: scenarioFile,
        path: `workload.sessions.${i}.direct`,
        message: `${s.kind} sessions cannot go direct (${k.can_go_direct.source})`,
      });
    return {
      kind: s.kind,
      share: s.share / total,
      active: s.active_s !== undefined ? distributionFromSpec(s.active_s) : distOf(k.active_s),
      idle: s.idle_s !== undefined ? distributionFromSpec(s.idle_s) : distOf(k.idle_s),
      activeBytesPerSecond: s.active_bytes_per_s ?? k.active_bytes_per_s.value,
      direct: s.direct,
      asRate: bursts === "rate",
    };
  });
}
