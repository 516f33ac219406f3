import { workdayFamilies } from "../metrics/coderMetrics.js";
import type { SessionMix } from "../sessionMix.js";
import type { WeekWorkload } from "../weekWorkload.js";
import type { ModelComponent } from "./component.js";

/** The session mix of working users: mean active sessions per kind over the traffic window. */
export function sessionMixComponent(mix: SessionMix): ModelComponent {
  return {
    figures: () => {
      const f: Record<string, number> = {};
      const means = mix.meanActive();
      // A kind may appear twice in the mix (e.g. ssh direct and ssh relayed): one figure per kind.
      mix.kindNames.forEach((kind, i) => {
        const name = `sessions_active_mean{kind="${kind}"}`;
        f[name] = (f[name] ?? 0) + means[i]!;
      });
      f.sessions_active_mean = means.reduce((a, b) => a + b, 0);
      return f;
    },
  };
}

/** The day-profile workload: users working (the workday gauge), starts, rebuilds and the busiest 15 minutes. */
export function weekComponent(week: WeekWorkload): ModelComponent {
  return {
    installMetrics: (registry) => workdayFamilies(registry, week),
    figures: () => {
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
    },
  };
}
