import type { AgentFleet } from "../agentFleet.js";
import { updateCallsPerBuildSecond } from "../buildWork.js";
import { distOf } from "../features.js";
import { LatencyProbe } from "../latencyProbe.js";
import { queueWaitFamily } from "../metrics/eventMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import { workspaceBuildDurations } from "../templates.js";
import { makespanSeconds, type PodPlacement, WorkspaceRunner } from "../workspaceRunner.js";
import type { Completion, ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/**
 * The scale-test runner (prepare's creates, cleanup's deletes) and the workday's starts and stops, through
 * the provisioner queue: queue waits, time to ready and build makespans.
 */
export class RunnerComponent implements ModelComponent {
  readonly runner: WorkspaceRunner;
  /** Queue waits of prepare's jobs, and of jobs started inside the workday. */
  readonly queueWaits = new LatencyProbe();
  readonly workdayQueueWaits = new LatencyProbe();
  private readonly readyTimes = new LatencyProbe();
  private recordQueueWait: (waitSeconds: number, isDelete: boolean) => void = () => {};

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    fleet: AgentFleet,
    pods: PodPlacement | undefined,
  ) {
    const { sim, scenario, model, hooks } = ctx;
    const w = scenario.workload;
    const durations = workspaceBuildDurations(
      scenario.templates,
      w.workspaces,
      distOf(model.provisioner.build_duration_s),
      distOf(model.provisioner.delete_duration_s),
    );
    const builtin = plane.builtinPerReplica * scenario.deployment.coderd.replicas;
    this.runner = new WorkspaceRunner(
      sim,
      plane.cluster,
      plane.pipeline,
      plane.provisioners,
      fleet,
      ctx.stream("builds"),
      {
        createConcurrency: w.builds.create_concurrency,
        waitFor: w.builds.wait_for,
        cleanupConcurrency: w.builds.cleanup_concurrency,
        buildDuration: durations.build,
        deleteDuration: durations.stop,
        connectDelay: distOf(model.agent.connect_delay_s),
        updateIntervalSeconds: model.provisioner.update_interval_s.value,
        ...(model.builds && { updateCallsPerBuildSecond: updateCallsPerBuildSecond(model) }),
        classes: plane.ids,
        completeClasses: { start: plane.jobCompleteStart, stop: plane.jobCompleteStop },
        agentStartupClass: plane.agentStartup,
        acquireEmptyClass: plane.acquireEmpty,
        queuePositionRows: ctx.catalog.queuePositionByDaemon,
        pods,
        builtinShare: plane.daemons > 0 ? builtin / plane.daemons : 0,
        builtinBuildingVcpu: model.provisioner.building_vcpu.value,
      },
      w.workspaces,
      {
        queueWait: (wait, startedAt, forPrepare, isDelete) =>
          this.queueWait(wait, startedAt, forPrepare, isDelete),
        workspaceReady: (seconds) => this.readyTimes.record(seconds, true),
        workdayReady: hooks.workdayReady.emit,
        workdayStopped: hooks.workdayStopped.emit,
        agentConnected: hooks.agentConnected,
      },
    );
  }

  private queueWait(wait: number, startedAt: number, forPrepare: boolean, isDelete: boolean): void {
    this.recordQueueWait(wait, isDelete);
    if (forPrepare) this.queueWaits.record(wait, true);
    const day = this.ctx.timeline.workday;
    if (day && startedAt >= day.startSeconds && startedAt < day.endSeconds)
      this.workdayQueueWaits.record(wait, true);
  }

  installMetrics(registry: MetricRegistry): void {
    this.recordQueueWait = queueWaitFamily(registry);
  }

  completions(): Completion[] {
    // A build request returned: its job joins the provisioner queue.
    const buildDone = (workspaceBuild: number): void => this.runner.buildRequestDone(workspaceBuild);
    const ids = this.plane.ids;
    return [
      { classId: ids.workspaceCreate, done: buildDone },
      { classId: ids.autostartBuild, done: buildDone },
    ];
  }

  figures(): Record<string, number> {
    return {
      provisioner_queue_wait_p95_s: this.queueWaits.exactQuantile(0.95),
      workspace_ready_p95_s: this.readyTimes.exactQuantile(0.95),
      workspace_build_makespan_prepare_s: makespanSeconds(this.runner.prepareBuilds),
      workspace_build_makespan_cleanup_s: makespanSeconds(this.runner.cleanupBuilds),
    };
  }
}
