import type { Scenario } from "../scenario/index.js";
import type { ReplicationResult } from "./coderModel.js";
import { plannedEventSeconds, type ScenarioEvent } from "./features.js";
import { BYTES_PER_GB } from "./metrics/coderMetrics.js";
import { eventLabel } from "./scaleEvents.js";
import {
  inWindow,
  type MetricDefinition,
  max,
  mean,
  median,
  oneSeries,
  rate,
  scrapeTimes,
  seriesValues,
} from "./summaryMetrics.js";
import type { TimeWindow } from "./timeline.js";

/**
 * Summary metrics of issue 7's features (nodes, workday, regions, rate limit, events), emitted only
 * when the scenario uses the feature, so the figures of scenarios without them do not change. Figures
 * that belong to one region or event carry it as a label in the name: `api_latency_p95_ms{region="eu"}`.
 */
export function featureMetricDefinitions(scenario: Scenario): MetricDefinition[] {
  const defs: MetricDefinition[] = [];
  const figure = (name: string) => (rep: ReplicationResult) => rep.figures[name] ?? Number.NaN;
  const whole = (rep: ReplicationResult): TimeWindow => ({
    startSeconds: 0,
    endSeconds: rep.simulatedSeconds,
  });
  const add = (name: string, unit: string, description: string, compute: MetricDefinition["compute"]) =>
    defs.push({ name, stage: null, unit, description, compute });

  if (scenario.workspace_nodes) {
    add("nodes_peak", "1", "Most workspace nodes at once (ready or starting), over the run", (rep) =>
      max(inWindow(rep, oneSeries(rep, "capsim_workspace_nodes", { state: "live" }), whole(rep))),
    );
    add("nodes_mean", "1", "Mean workspace nodes (ready or starting) over the traffic window", (rep, w) =>
      mean(inWindow(rep, oneSeries(rep, "capsim_workspace_nodes", { state: "live" }), w)),
    );
    add(
      "node_hours",
      "h",
      "Node-hours of the workspace pool over the run (ready or starting: what is billed)",
      figure("node_hours"),
    );
    add("nodes_added", "1", "Nodes the autoscaler added over the run", figure("nodes_added"));
    add("nodes_removed", "1", "Nodes the autoscaler removed over the run", figure("nodes_removed"));
    add(
      "pods_pending_peak",
      "1",
      "Most workspace pods waiting for a node at once",
      figure("pods_pending_peak"),
    );
    add(
      "node_wait_p95_s",
      "s",
      "p95 of the time a workspace pod waited for node room (part of time to ready)",
      figure("node_wait_p95_s"),
    );
    add(
      "node_cpu_requested_utilization_peak",
      "1",
      "Highest scrape of requested CPU over ready node capacity",
      (rep, w) =>
        max(inWindow(rep, oneSeries(rep, "capsim_workspace_node_cpu_ratio", { kind: "requested" }), w)),
    );
    add(
      "node_cpu_used_utilization_peak",
      "1",
      "Highest scrape of used CPU (idle agents plus bursts) over ready node capacity",
      (rep, w) => max(inWindow(rep, oneSeries(rep, "capsim_workspace_node_cpu_ratio", { kind: "used" }), w)),
    );
  }

  if (scenario.workload.workday) {
    add(
      "workday_ready_p50_s",
      "s",
      "Median time to ready: from the click (or autostart time) to the agent connecting",
      figure("workday_ready_p50_s"),
    );
    add("workday_ready_p95_s", "s", "p95 of the workday's time to ready", figure("workday_ready_p95_s"));
    add("workday_ready_p99_s", "s", "p99 of the workday's time to ready", figure("workday_ready_p99_s"));
    add(
      "workday_queue_wait_p95_s",
      "s",
      "p95 of provisioner queue waits of builds started during the workday",
      figure("workday_queue_wait_p95_s"),
    );
    add(
      "provisioner_queue_peak",
      "1",
      "Most builds waiting for a provisioner at once (scrapes over the run)",
      (rep) => max(inWindow(rep, oneSeries(rep, "capsim_provisioner_queue_jobs"), whole(rep))),
    );
    add(
      "workday_starts",
      "1",
      "Workspace starts in the workday (manual and autostart)",
      figure("workday_starts"),
    );
    add("workday_autostarts", "1", "Workspace starts by autostart schedules", figure("workday_autostarts"));
    add(
      "workday_working_peak",
      "1",
      "Most users working at once (workspace ready, not yet stopped)",
      figure("workday_working_peak"),
    );
  }

  if (scenario.workload.day_profile !== undefined) dayProfileMetrics(scenario, add, figure);
  if (scenario.workload.sessions) {
    add(
      "sessions_active_mean",
      "1",
      "Mean sessions active at once (all kinds) over the traffic window",
      figure("sessions_active_mean"),
    );
    for (const kind of new Set(scenario.workload.sessions.map((s) => s.kind)))
      add(
        `sessions_active_mean{kind="${kind}"}`,
        "1",
        `Mean ${kind} sessions active at once over the traffic window`,
        figure(`sessions_active_mean{kind="${kind}"}`),
      );
  }

  if (scenario.geography) {
    const regions = scenario.geography.regions;
    const hostsWorkspaces = new Set(regions.map((r) => r.workspaces_in ?? regions[0]!.name));
    for (const region of regions) {
      const label = `{region="${region.name}"}`;
      add(
        `api_latency_p95_ms${label}`,
        "ms",
        `p95 of dashboard API calls of users in ${region.name} (with their round trip)`,
        figure(`api_latency_p95_ms${label}`),
      );
      if (hostsWorkspaces.has(region.name)) {
        add(
          `agent_api_latency_p95_ms${label}`,
          "ms",
          `p95 of agent API calls of workspaces in ${region.name}`,
          figure(`agent_api_latency_p95_ms${label}`),
        );
      }
      add(
        `workspace_connection_rtt_ms${label}`,
        "ms",
        `Mean network round trip of workspace connections of users in ${region.name} (through their relay, or direct)`,
        figure(`workspace_connection_rtt_ms${label}`),
      );
      const proxies = region.proxy?.replicas ?? 0;
      if (proxies > 0) {
        const region_ = { region: region.name };
        add(
          `wsproxy_cpu_vcpu_peak${label}`,
          "vcpu",
          `Highest scrape of any workspace proxy replica's CPU in ${region.name}`,
          (rep, w) =>
            max(
              seriesValues(rep, "capsim_wsproxy_cpu_seconds_total", region_).flatMap((c) =>
                inWindow(rep, rate(rep, c), w),
              ),
            ),
        );
        add(
          `wsproxy_memory_gb_peak${label}`,
          "gb",
          `Highest scrape of any workspace proxy replica's memory in ${region.name}`,
          (rep, w) =>
            max(
              seriesValues(rep, "capsim_wsproxy_memory_bytes", region_).map((bytes) =>
                max(inWindow(rep, bytes, w)),
              ),
            ) / BYTES_PER_GB,
        );
      }
    }
  }

  if (scenario.deployment.coderd.rate_limit) {
    add(
      "api_rejected_per_s",
      "1/s",
      "Mean requests per second the API rate limiter refused (429) over the traffic window",
      (rep, w) => mean(inWindow(rep, rate(rep, oneSeries(rep, "capsim_api_rejected_total")), w)),
    );
    add(
      "api_rejected_total",
      "1",
      "Requests the API rate limiter refused over the run",
      figure("api_rejected_total"),
    );
  }

  const planned = (e: ScenarioEvent) => plannedEventSeconds(e, scenario.stages);
  for (const e of [...(scenario.events ?? [])].sort((a, b) => planned(a) - planned(b))) {
    const label = `{event="${eventLabel(e)}"}`;
    // Where the event actually happened (a stage-relative one moves with its stage).
    const at = (rep: ReplicationResult) => rep.figures[`disruption_at_s${label}`] ?? planned(e);
    add(
      `disruption_failed_requests${label}`,
      "1",
      "Requests cut by the event (in flight on the lost replica, or on the database at failover)",
      figure(`disruption_failed_requests${label}`),
    );
    add(
      `disruption_reconnects${label}`,
      "1",
      "Long-lived connections that reconnected (agents, workspace connections, dashboard websockets)",
      figure(`disruption_reconnects${label}`),
    );
    add(
      `disruption_delayed_requests${label}`,
      "1",
      "Requests that took longer than 1 s between the event and recovery",
      (rep) => disruption(rep, at(rep), label).delayed,
    );
    add(
      `disruption_recovery_s${label}`,
      "s",
      "From the event to the end of the first whole scrape interval after the disruption ended (every reconnect done, the database back) in which requests complete with p95 within 25 % of the 5 minutes before",
      (rep) => disruption(rep, at(rep), label).recoverySeconds,
    );
    add(
      `disruption_latency_p95_peak_ms${label}`,
      "ms",
      "Highest scrape-interval p95 of all requests between the event and recovery",
      (rep) => disruption(rep, at(rep), label).peakP95Ms,
    );
  }
  return defs;
}

export interface Disruption {
  recoverySeconds: number;
  delayed: number;
  peakP95Ms: number;
}

/**
 * Reads an event's disruption from the scrapes: the baseline is the median scrape p95 of all requests in
 * the 5 minutes before; recovery is the end of the first whole scrape interval that starts after the
 * disruption ended (every reconnect done, the database back) in which requests complete with a p95
 * within 25 % (and 5 ms) of the baseline.
 */
export function disruption(rep: ReplicationResult, atSeconds: number, label: string): Disruption {
  const t = scrapeTimes(rep);
  const p95 = oneSeries(rep, "capsim_request_latency_p95_seconds").map((s) => s * 1000);
  const slow = oneSeries(rep, "capsim_slow_requests_total");
  const settled = atSeconds + (rep.figures[`disruption_settled_s${label}`] ?? Number.NaN);
  const step = t.length > 1 ? t[1]! - t[0]! : 15;
  const before: number[] = [];
  let last = -1;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! <= atSeconds + 1e-9) {
      last = i;
      if (t[i]! > atSeconds - 300 && Number.isFinite(p95[i]!)) before.push(p95[i]!);
    }
  }
  const baseline = median(before);
  let peak = Number.NaN;
  for (let i = last + 1; i < t.length; i++) {
    if (Number.isFinite(p95[i]!)) peak = Number.isFinite(peak) ? Math.max(peak, p95[i]!) : p95[i]!;
    // The whole interval must follow the disruption's end: during a pause nothing slow completes, so an
    // interval that ends as the pause ends looks calm while the backlog has not run yet.
    const afterDisruption = t[i]! - step >= settled - 1e-9;
    const calm =
      !Number.isFinite(baseline) ||
      (Number.isFinite(p95[i]!) && p95[i]! <= Math.max(1.25 * baseline, baseline + 5));
    if (afterDisruption && calm) {
      return {
        recoverySeconds: t[i]! - atSeconds,
        delayed: slow[i]! - (last >= 0 ? slow[last]! : 0),
        peakP95Ms: peak,
      };
    }
  }
  return { recoverySeconds: Number.NaN, delayed: Number.NaN, peakP95Ms: peak };
}

type Add = (name: string, unit: string, description: string, compute: MetricDefinition["compute"]) => void;

/** Figures of the day-profile workload: starts, time to ready, rebuilds, insights, the busiest 15 minutes. */
function dayProfileMetrics(
  scenario: Scenario,
  add: Add,
  figure: (name: string) => (rep: ReplicationResult) => number,
): void {
  add("workday_ready_p50_s", "s", "Median time to ready of the week's starts", figure("workday_ready_p50_s"));
  add("workday_ready_p95_s", "s", "p95 of the week's time to ready", figure("workday_ready_p95_s"));
  add("workday_starts", "1", "Workspace starts (manual, autostart and rebuilds)", figure("workday_starts"));
  add("workday_autostarts", "1", "Workspace starts by autostart schedules", figure("workday_autostarts"));
  add("workday_working_peak", "1", "Most users working at once", figure("workday_working_peak"));
  add(
    "workspace_rebuilds",
    "1",
    "Rebuilds (stop then start) of running workspaces",
    figure("workspace_rebuilds"),
  );
  if (scenario.workload.insights) add("insights_loads", "1", "Insights page loads", figure("insights_loads"));
  add(
    "busiest_window_start_s",
    "s",
    "Start of the 15 minutes with the most coderd CPU, seconds from Monday 00:00",
    figure("busiest_window_start_s"),
  );
  add(
    "busiest_window_coderd_vcpu",
    "vcpu",
    "coderd CPU (all replicas) in the busiest 15 minutes",
    figure("busiest_window_coderd_vcpu"),
  );
  add(
    "busiest_window_database_vcpu",
    "vcpu",
    "Database CPU in the busiest 15 minutes",
    figure("busiest_window_database_vcpu"),
  );
  add(
    "busiest_window_working_users",
    "1",
    "Users working (mean) in the busiest 15 minutes",
    figure("busiest_window_working_users"),
  );
  add(
    "busiest_window_sessions_active",
    "1",
    "Sessions active (mean) in the busiest 15 minutes",
    figure("busiest_window_sessions_active"),
  );
}
