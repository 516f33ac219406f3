import type { Geography } from "../geography.js";
import { workdayFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import { insightsQueryClass } from "../requestClasses.js";
import { SessionMix } from "../sessionMix.js";
import type { UserSessions } from "../userSessions.js";
import { WeekWorkload } from "../weekWorkload.js";
import type { WorkspaceRunner } from "../workspaceRunner.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** The session mix of working users: mean active sessions per kind over the traffic window. */
export class SessionMixComponent implements ModelComponent {
  readonly mix: SessionMix;

  constructor(ctx: ModelContext, sessions: UserSessions) {
    const w = ctx.scenario.workload;
    this.mix = new SessionMix(
      ctx.sim,
      ctx.features.sessions!,
      sessions,
      ctx.stream("session-mix"),
      w.workspaces,
      ctx.timeline,
    );
  }

  figures(): Record<string, number> {
    const f: Record<string, number> = {};
    const means = this.mix.meanActive();
    // A kind may appear twice in the mix (e.g. ssh direct and ssh relayed): one figure per kind.
    this.mix.kindNames.forEach((kind, i) => {
      const name = `sessions_active_mean{kind="${kind}"}`;
      f[name] = (f[name] ?? 0) + means[i]!;
    });
    f.sessions_active_mean = means.reduce((a, b) => a + b, 0);
    return f;
  }
}

/**
 * The day-profile workload (issue 14): arrivals from a day profile with insights users; users working
 * (the workday gauge), starts, rebuilds and the busiest 15 minutes.
 */
export class WeekComponent implements ModelComponent {
  readonly week: WeekWorkload;

  constructor(
    ctx: ModelContext,
    plane: ControlPlane,
    runner: WorkspaceRunner,
    mix: SessionMix | undefined,
    geography: Geography | undefined,
  ) {
    const { model, hooks } = ctx;
    const spec = ctx.features.week!;
    const insights = spec.insights ? insightsQueryClass(model) : undefined;
    const insightsQuery = insights && plane.pipeline.define(insights);
    const week = new WeekWorkload(
      ctx.sim,
      spec,
      runner,
      mix,
      plane.pipeline,
      plane.cluster,
      plane.database.cpu,
      ctx.stream("week"),
      { ...plane.ids, insightsQuery },
      ctx.scenario.workload.workspaces,
      model.insights?.requests_per_load.value ?? 0,
      (workspace) => (geography ? geography.regionOfUser(workspace) : 0),
    );
    this.week = week;
    hooks.workdayReady.connect((workspace, seconds) => week.ready(workspace, seconds));
    hooks.workdayStopped.connect((workspace) => week.stopped(workspace));
    week.plan();
  }

  installMetrics(registry: MetricRegistry): void {
    workdayFamilies(registry, this.week);
  }

  figures(): Record<string, number> {
    const week = this.week;
    week.recordSlot();
    const busiest = week.busiest();
    return {
      workday_ready_p50_s: week.readyTimes.exactQuantile(0.5),
      workday_ready_p95_s: week.readyTimes.exactQuantile(0.95),
      workday_starts: week.starts,
      workday_autostarts: week.autostarts,
      workday_working_peak: week.peakWorking,
      workspace_rebuilds: week.rebuilds,
      insights_loads: week.insightsLoads,
      busiest_window_start_s: busiest?.startSeconds ?? Number.NaN,
      busiest_window_coderd_vcpu: busiest?.coderdVcpu ?? Number.NaN,
      busiest_window_database_vcpu: busiest?.databaseVcpu ?? Number.NaN,
      busiest_window_working_users: busiest?.working ?? Number.NaN,
      busiest_window_sessions_active: busiest?.sessionsActive ?? Number.NaN,
    };
  }
}
