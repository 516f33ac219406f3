import type { LatencyProbe } from "../latencyProbe.js";
import { workdayFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { SessionMix } from "../sessionMix.js";
import type { UserSessions } from "../userSessions.js";
import { Workday } from "../workday.js";
import type { WorkspaceRunner } from "../workspaceRunner.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** A workday: users start their workspaces in the morning, work, and stop them (workload.workday). */
export class WorkdayComponent implements ModelComponent {
  readonly workday: Workday;
  /** Queue waits of jobs started inside the workday (the runner's). */
  private readonly queueWaits: LatencyProbe;

  constructor(
    ctx: ModelContext,
    plane: ControlPlane,
    runner: { runner: WorkspaceRunner; workdayQueueWaits: LatencyProbe },
    sessions: UserSessions,
    mix: SessionMix | undefined,
  ) {
    const workday = new Workday(
      ctx.sim,
      ctx.features.workday!,
      runner.runner,
      sessions,
      plane.pipeline,
      plane.cluster,
      ctx.stream("workday"),
      plane.ids,
      ctx.scenario.workload.workspaces,
      mix,
    );
    this.workday = workday;
    this.queueWaits = runner.workdayQueueWaits;
    ctx.hooks.workdayReady.connect((workspace, seconds) => workday.ready(workspace, seconds));
    workday.plan();
  }

  installMetrics(registry: MetricRegistry): void {
    workdayFamilies(registry, this.workday);
  }

  figures(): Record<string, number> {
    const d = this.workday;
    return {
      workday_ready_p50_s: d.readyTimes.exactQuantile(0.5),
      workday_ready_p95_s: d.readyTimes.exactQuantile(0.95),
      workday_ready_p99_s: d.readyTimes.exactQuantile(0.99),
      workday_queue_wait_p95_s: this.queueWaits.exactQuantile(0.95),
      workday_starts: d.starts,
      workday_autostarts: d.autostarts,
      workday_working_peak: d.peakWorking,
    };
  }
}
